import Foundation
import Testing
import TestSupport

func writeDigitsCSV(_ path: String, count: Int) throws {
    try syntheticDigitsCSV(count: count).write(toFile: path, atomically: true, encoding: .utf8)
}

@Suite(.serialized) struct VAECommandTests {
    let small = ["--generations", "5", "--hidden", "128", "--latent", "4", "--epochs", "60", "--seeds", "1", "--draws", "2", "--threads", "2"]

    @Test func badDigitsGetOneLineNamingTheFile() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try writeDigitsCSV("\(root)/good.csv", count: 3)
        let lines = try String(contentsOfFile: "\(root)/good.csv", encoding: .utf8).split(separator: "\n").map(String.init)
        try (lines[0] + "\n" + lines[1] + ",4\n").write(toFile: "\(root)/columns.csv", atomically: true, encoding: .utf8)
        try (lines[0] + "\n20" + String(lines[1].drop { $0 != "," }) + "\n").write(toFile: "\(root)/pixel.csv", atomically: true, encoding: .utf8)
        for (file, fragment) in [("missing.csv", "missing.csv"), ("columns.csv", "line 2: expected 65 comma-separated values"),
                                 ("pixel.csv", "line 2, column 1: pixel '20' is not an integer in 0…16")] {
            try expectOneLineError(["vae", "--digits", "\(root)/\(file)", "--out", "\(root)/run-\(file)"], mentioning: ["\(root)/\(file)", fragment])
        }
        for (options, fragment) in [(["--regime", "sideways"], "--regime must be one of replace, real-fraction"),
                                    (["--regime", "real-fraction", "--real-fraction", "1.5"], "--real-fraction must be within (0.0, 1.0] (got 1.5)"),
                                    (["--hidden", "0"], "--hidden must be within 1…4096 (got 0)"), (["--seeds", "1,x"], "--seeds")] {
            try expectOneLineError(["vae", "--digits", "\(root)/good.csv", "--out", "\(root)/run"] + options, mentioning: [fragment])
        }
    }

    @Test func aRunKilledMidwayResumesToTheSameFiles() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try writeDigitsCSV("\(root)/digits.csv", count: 600)
        let quiet = ["COLLAPSE_QUIET": "1"]
        let whole = try Collapse.run(["vae", "--digits", "\(root)/digits.csv", "--out", "\(root)/whole"] + small, environment: quiet)
        #expect(whole.status == 0, "\(whole.error)")
        #expect(whole.output.contains("wrote \(root)/whole/metrics.tsv"))
        let expected = try vaeRunFiles("\(root)/whole")
        var killed = 0
        for (attempt, trigger) in ["seed-1/gen-1/model.safetensors", "seed-1/gen-3"].enumerated() {
            let out = "\(root)/killed-\(attempt)"
            let process = Process()
            process.executableURL = Collapse.executable
            process.arguments = ["vae", "--digits", "\(root)/digits.csv", "--out", out] + small
            process.environment = ProcessInfo.processInfo.environment.merging(quiet) { $1 }
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            while process.isRunning && !filesUnder(out).contains(where: { $0.hasPrefix(trigger) }) { usleep(1_000) }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            if process.terminationReason == .uncaughtSignal { killed += 1 }
            let resumed = try Collapse.run(["vae", "--digits", "\(root)/digits.csv", "--out", out, "--resume"] + small, environment: quiet)
            #expect(resumed.status == 0, "\(resumed.error)")
            let after = try vaeRunFiles(out)
            let differing = Set(after.keys).union(expected.keys).filter { after[$0] != expected[$0] }.sorted()
            #expect(differing.isEmpty, "killed at \(trigger): \(differing) differ")
        }
        #expect(killed == 2, "only \(killed) runs were killed before they finished")
    }

    @Test func theRealDigitsRunThroughTheCommand() throws {
        guard let digits = digitsDirectory else {
            print("skipped: the digits corpus is not here (set DIGITS_DIR)")
            return
        }
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let result = try Collapse.run(["vae", "--out", "\(root)/run", "--generations", "2", "--epochs", "5", "--regime", "real-fraction"],
                                      environment: ["COLLAPSE_QUIET": "1", "DIGITS_DIR": digits])
        #expect(result.status == 0, "\(result.error)")
        let table = try String(contentsOfFile: "\(root)/run/metrics.tsv", encoding: .utf8).split(separator: "\n")
        #expect(table.count == 1 + 3) // header, the real digits, 2 generations
        #expect(table[3].split(separator: "\t")[2...3] == ["1797", "180"]) // 10 % of 1,797 real, rounded
        #expect(expectNiceTicks(in: try String(contentsOfFile: "\(root)/run/report.html", encoding: .utf8), "VAE report") >= 4)
    }
}

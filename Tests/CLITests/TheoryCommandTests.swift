import Foundation
import Testing
import TestSupport

@Suite struct TheoryCommandTests {
    @Test func eachExperimentWritesItsTablesAndReport() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let runs: [([String], [String])] = [
            (["gaussian", "--runs", "200", "--generations", "10", "--mean", "-3"], ["gaussian.tsv", "gaussian.json"]),
            (["discrete", "--runs", "200", "--samples", "20"], ["discrete.tsv", "absorption.tsv", "discrete.json"]),
            (["gmm", "--runs", "3", "--generations", "5", "--samples", "50,200", "--snapshots", "0,4"], ["gmm.tsv", "gmm.json"]),
        ]
        for (arguments, files) in runs {
            let out = "\(root)/\(arguments[0])"
            let result = try Collapse.run(["theory"] + arguments + ["--out", out], environment: ["COLLAPSE_QUIET": "1"])
            #expect(result.status == 0, "\(result.error)")
            for file in files + ["report.html"] { #expect(FileManager.default.fileExists(atPath: "\(out)/\(file)"), "\(out)/\(file)") }
            let report = try String(contentsOfFile: "\(out)/report.html", encoding: .utf8)
            #expect(report.contains("<svg") && report.hasPrefix("<!DOCTYPE html>"))
            #expect(expectNiceTicks(in: report, "theory \(arguments[0])") >= 2)
        }
        let table = try String(contentsOfFile: "\(root)/gaussian/gaussian.tsv", encoding: .utf8)
        #expect(table.split(separator: "\n").count == 11 && table.hasPrefix("generation\tsample_variance"))
    }

    @Test func badParametersGetOneLineNamingTheOption() throws {
        try expectRefusal(["theory", "gaussian", "--samples", "1"], mentioning: ["--samples"])
        try expectRefusal(["theory", "gaussian", "--variance", "-2"], mentioning: ["--variance", "positive"])
        try expectRefusal(["theory", "gaussian", "--regime", "sometimes"], mentioning: ["--regime"])
        try expectRefusal(["theory", "discrete", "--probabilities", "0.5,0.2"], mentioning: ["--probabilities", "sum to 1"])
        try expectRefusal(["theory", "discrete", "--probabilities", "0.5,x"], mentioning: ["--probabilities"])
        try expectRefusal(["theory", "gmm", "--deviations", "-1,1"], mentioning: ["--deviations", "positive"])
        try expectRefusal(["theory", "gmm", "--samples", "1"], mentioning: ["--samples"])
    }
}

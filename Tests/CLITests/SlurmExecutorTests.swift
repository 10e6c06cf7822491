import Foundation
import Testing
import TestSupport

/// A Slurm cluster to submit to: `SLURM_CONF` names one that answers (`.ci/run` starts one
/// with `Tests/Cluster/local-slurm`); without it these tests are skipped.
private let clusterAnswers: Bool = {
    guard ProcessInfo.processInfo.environment["SLURM_CONF"] != nil else { return false }
    return (try? runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["sinfo", "-h"]).status) == 0
}()

/// The jobs of `run` Slurm has pending or running, once cancellations had `patience` seconds
/// to take effect.
private func queuedJobs(named run: String, patience: Double = 10) throws -> [String] {
    let deadline = Date().addingTimeInterval(patience)
    while true {
        let result = try runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["squeue", "-h", "-o", "%j|%T"])
        let jobs = result.output.split(separator: "\n").map(String.init).filter { $0.hasPrefix("collapse-\(run)-") }
        if jobs.isEmpty || Date() > deadline { return jobs }
        usleep(200_000)
    }
}

/// Every file of a run but its manifest (timings) and the jobs' logs.
private func results(_ directory: String) throws -> [String: Data] {
    try runArtifacts(directory).filter { !$0.key.hasPrefix("logs/") }
}

/// The tiny configuration run as Slurm jobs in 4 shards on the local cluster writes the bytes
/// the local executor writes; a failing shard is named with its log, and `--resume` after the
/// cause is gone ends with the same bytes; Ctrl-C cancels the driver's jobs.
@Suite(.enabled(if: clusterAnswers, "needs a Slurm cluster (SLURM_CONF; Tests/Cluster/local-slurm start DIR)"), .serialized)
struct SlurmExecutorTests {
    @Test func fourShardsOnTheClusterWriteTheLocalBytesAndAFailedShardResumes() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let config = try tinyRunSetup(in: root)
        let quiet = ["COLLAPSE_QUIET": "1"]
        let local = try Collapse.run(["run", config, "--runs", "\(root)/local"], environment: quiet)
        #expect(local.status == 0, "\(local.error)")
        let expected = try results("\(root)/local/tiny")
        let slurm = ["--executor", "slurm", "--shards", "4", "--poll-seconds", "0.2"]

        let clustered = try Collapse.run(["run", config, "--runs", "\(root)/cluster"] + slurm, environment: quiet)
        #expect(clustered.status == 0, "\(clustered.error)")
        #expect(try results("\(root)/cluster/tiny") == expected)
        #expect(!FileManager.default.fileExists(atPath: "\(root)/cluster/tiny/seed-1/gen-0/shards"), "shards are removed once joined")

        // A shard that cannot write its output (a directory stands where its file goes).
        let blocker = "\(root)/failing/tiny/seed-2/gen-1/shards/corpus-2-of-4.blocks"
        try FileManager.default.createDirectory(atPath: blocker, withIntermediateDirectories: true)
        let failed = try Collapse.run(["run", config, "--runs", "\(root)/failing"] + slurm, environment: quiet)
        #expect(failed.status != 0)
        let line = failed.error.split(separator: "\n").last.map(String.init) ?? ""
        let log = "\(root)/failing/tiny/logs/seed-2-gen-1-generate-shard-2-of-4.log"
        #expect(line.contains("seed 2 generation 1 generate shard 2/4 failed") && line.contains("log: \(log)"), "\(failed.error)")
        #expect(FileManager.default.fileExists(atPath: log))
        #expect(try queuedJobs(named: "tiny").isEmpty, "the driver cancels what it submitted")

        try FileManager.default.removeItem(atPath: blocker)
        // With its stage notes (COLLAPSE_QUIET unset, even when the suite runs with it).
        let resumed = try Collapse.run(["run", "\(root)/failing/tiny", "--resume"] + slurm, environment: ["COLLAPSE_QUIET": nil])
        #expect(resumed.status == 0, "\(resumed.error)")
        let submitted = resumed.error.split(separator: "\n").first { $0.contains("submitted") }.map(String.init) ?? ""
        #expect(submitted.contains("steps of tiny") && !submitted.contains("for 66 steps"), "only what is missing: \(submitted)")
        #expect(try results("\(root)/failing/tiny") == expected)
    }

    /// The driver of the tiny run, started and left once it has submitted every job.
    private func startedDriver(_ config: String, runs: String) throws -> (Process, Pipe) {
        let process = Process()
        process.executableURL = Collapse.executable
        process.arguments = ["run", config, "--runs", runs, "--executor", "slurm", "--shards", "4", "--poll-seconds", "0.2"]
        process.environment = ProcessInfo.processInfo.environment.merging(["COLLAPSE_QUIET": "1"]) { $1 }
        let error = Pipe()
        process.standardError = error
        try process.run()
        let jobList = "\(runs)/tiny/logs/slurm-jobs.txt"
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning && Date() < deadline
            && ((try? String(contentsOfFile: jobList, encoding: .utf8))?.split(separator: "\n").count ?? 0) < 30 { usleep(20_000) }
        return (process, error)
    }

    @Test func aDriverKilledOutrightHasItsJobsCancelledByTheNextOne() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let config = try tinyRunSetup(in: root)
        let local = try Collapse.run(["run", config, "--runs", "\(root)/local"], environment: ["COLLAPSE_QUIET": "1"])
        #expect(local.status == 0, "\(local.error)")
        let (process, _) = try startedDriver(config, runs: "\(root)/Runs")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(try !queuedJobs(named: "tiny", patience: 0).isEmpty, "nothing cancels them when the driver is killed")
        let resumed = try Collapse.run(["run", "\(root)/Runs/tiny", "--resume", "--executor", "slurm", "--shards", "4", "--poll-seconds", "0.2"])
        #expect(resumed.status == 0, "\(resumed.error)")
        #expect(resumed.error.contains("an earlier driver of tiny left queued"), "\(resumed.error)")
        #expect(try results("\(root)/Runs/tiny") == results("\(root)/local/tiny"))
    }

    @Test func interruptingTheDriverCancelsItsJobs() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let config = try tinyRunSetup(in: root)
        let (process, error) = try startedDriver(config, runs: "\(root)/Runs")
        #expect(try !queuedJobs(named: "tiny", patience: 0).isEmpty)
        kill(process.processIdentifier, SIGINT)
        let printed = String(decoding: error.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus != 0)
        #expect(printed.contains("stopped by signal") && printed.contains("cancelled"), "\(printed)")
        #expect(try queuedJobs(named: "tiny").isEmpty)
    }

    /// A study's grid as Slurm jobs: the same runs, byte for byte, as the local executor's.
    @Test func aStudyOnTheClusterWritesTheLocalBytes() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let study = try tinyStudySetup(in: root, generations: 2)
        let quiet = ["COLLAPSE_QUIET": "1"]
        let local = try Collapse.run(["study", study, "--runs", "\(root)/Runs"], environment: quiet)
        #expect(local.status == 0, "\(local.error)")
        let expected = try studyArtifacts("\(root)/Runs/tinystudy")
        try FileManager.default.removeItem(atPath: "\(root)/Runs/tinystudy")
        let clustered = try Collapse.run(["study", study, "--runs", "\(root)/Runs", "--executor", "slurm", "--shards", "2", "--poll-seconds", "0.2"],
                                         environment: quiet)
        #expect(clustered.status == 0, "\(clustered.error)")
        let after = try studyArtifacts("\(root)/Runs/tinystudy")
        let differing = Set(after.keys).union(expected.keys).filter { after[$0] != expected[$0] }.sorted()
        #expect(differing.isEmpty, "\(differing) differ from the local study")
        #expect(FileManager.default.fileExists(atPath: "\(root)/Runs/tinystudy/results.html"))
    }
}

/// Options that cannot take effect are refused before anything runs (no cluster needed).
@Suite struct SlurmOptionTests {
    @Test func optionsThatWouldDoNothingAreRefused() throws {
        try expectRefusal(["run", "x.json", "--shards", "2"], mentioning: ["--executor slurm"])
        try expectRefusal(["run", "x.json", "--executor", "slurm", "--threads", "2"], mentioning: ["--threads", "--cpus-per-task"])
        try expectRefusal(["run", "x.json", "--executor", "slurm", "--shards", "0"], mentioning: ["--shards"])
    }
}

import Foundation
import Testing
@testable import Cluster
import ModelFamilies
import Pipeline
import Storage
import TestSupport

/// A configuration's `slurm` section: read key by key, every mistake a one-line error naming
/// the key, and no part of the run itself.
@Suite struct SlurmSettingsTests {
    /// The shipped tiny configuration with `slurm` set to `section`, written under `root`.
    func configuration(slurm section: String, in root: String) throws -> String {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/tiny.json")
        var text = try String(contentsOf: fixture, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"seeds\"", with: "\"slurm\": \(section),\n  \"seeds\"")
        let path = "\(root)/tiny.json"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func theSectionIsReadAndLeavesTheRunAlone() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let path = try configuration(slurm: #"{"shards": 8, "partition": "cpu", "timeLimit": "2:00:00", "cpusPerTask": 4, "sbatchArguments": ["--account=lab", "--mem=8G"], "pollSeconds": 5}"#, in: root)
        let settings = try SlurmSettings.read(fromConfiguration: path)
        #expect(settings.shards == 8 && settings.partition == "cpu" && settings.timeLimit == "2:00:00" && settings.cpusPerTask == 4)
        #expect(settings.sbatchArguments == ["--account=lab", "--mem=8G"] && settings.pollSeconds == 5)
        let plain = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/tiny.json").path
        #expect(try RunConfiguration.load(from: path, registry: .standard) == RunConfiguration.load(from: plain, registry: .standard))
        #expect(try SlurmSettings.read(fromConfiguration: plain) == SlurmSettings())
    }

    @Test(arguments: [
        (#"{"shard": 4}"#, "slurm.shard"),
        (#"{"shards": 0}"#, "slurm.shards"),
        (#"{"cpusPerTask": 1.5}"#, "slurm.cpusPerTask"),
        (#"{"sbatchArguments": "--mem=8G"}"#, "slurm.sbatchArguments"),
        (#"{"pollSeconds": 0}"#, "slurm.pollSeconds"),
        (#""fast""#, "slurm"),
    ])
    func mistakesNameTheirKey(section: String, key: String) throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let path = try configuration(slurm: section, in: root)
        do {
            _ = try SlurmSettings.read(fromConfiguration: path)
            Issue.record("\(section) was accepted")
        } catch let error as CollapseError {
            #expect(error.description.contains(path) && error.description.contains(key), "\(error)")
            #expect(!error.description.contains("\n"))
        }
    }

    @Test func shellWordsSurviveQuoting() {
        #expect(SlurmCommands.shellQuoted("/usr/bin/collapse") == "/usr/bin/collapse")
        #expect(SlurmCommands.shellQuoted("Runs/it's here") == #"'Runs/it'\''s here'"#)
        #expect(SlurmCommands.shellQuoted("") == "''")
        #expect(SlurmCommands.shellQuoted("$HOME") == "'$HOME'")
    }
}

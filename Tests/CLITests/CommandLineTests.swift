import Foundation
import Testing
import TestSupport

/// Runs the built `collapse` binary, which sits next to the test bundle.
struct Collapse {
    static let executable: URL = {
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: me).deletingLastPathComponent()
        while !directory.path.hasSuffix(".build") && directory.path != "/" {
            let candidate = directory.appendingPathComponent("collapse")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        return directory.appendingPathComponent("collapse")
    }()

    struct Result {
        /// The exit status; 128 + the signal's number for a process a signal ended (a trap).
        var status: Int32
        var output: String
        var error: String
    }

    /// - Parameter environment: variables set (or, given nil, removed) for the run.
    static func run(_ arguments: [String], in directory: String? = nil, environment: [String: String?] = [:]) throws -> Result {
        try runProcess(executable, arguments, in: directory, environment: environment)
    }
}

/// Runs a program to completion, capturing its status, stdout and stderr.
func runProcess(_ executable: URL, _ arguments: [String], in directory: String? = nil,
                environment: [String: String?] = [:]) throws -> Collapse.Result {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    var variables = ProcessInfo.processInfo.environment
    for (name, value) in environment { variables[name] = value }
    process.environment = variables
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    let output = Pipe(), error = Pipe()
    process.standardOutput = output
    process.standardError = error
    try process.run()
    let out = output.fileHandleForReading.readDataToEndOfFile()
    let err = error.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
    return Collapse.Result(status: status, output: String(decoding: out, as: UTF8.self),
                           error: String(decoding: err, as: UTF8.self))
}


func makeFixture(in directory: String) throws {
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    for split in ["train", "valid", "test"] {
        let text = (0..<40).map { " sentence \($0 % 7) says <unk> @-@ something , again .\n" }.joined()
        try text.write(toFile: "\(directory)/\(split).txt", atomically: true, encoding: .utf8)
    }
}

/// The command fails with exactly one line on stderr that contains every fragment.
func expectOneLineError(_ arguments: [String], mentioning fragments: [String]) throws {
    try expectRefusal(arguments, mentioning: fragments)
}

@Suite struct CommandLineTests {
    @Test func importThenStatsAsTableAndJSON() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try makeFixture(in: "\(root)/source")
        let imported = try Collapse.run(["corpus", "import", "\(root)/source", "--name", "tiny", "--corpora", "\(root)/Corpora"])
        #expect(imported.status == 0, "\(imported.error)")
        #expect(imported.output.contains("imported \(root)/Corpora/tiny"))
        let stats = try Collapse.run(["corpus", "stats", "\(root)/Corpora/tiny", "--json"])
        #expect(stats.status == 0)
        let json = try JSONSerialization.jsonObject(with: Data(stats.output.utf8)) as? [String: Any]
        let rows = try #require(json?["rows"] as? [[String: Any]])
        #expect(rows.map { $0["name"] as? String } == ["train", "valid", "test"])
        let train = try #require(rows[0]["statistics"] as? [String: Any])
        #expect(train["lines"] as? Int == 40)
        #expect(train["words"] as? Int == 40 * 9)
    }

    @Test func badInputGivesOneLineErrorAndNonZeroExit() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try expectOneLineError(["corpus", "stats", "\(root)/absent.txt"], mentioning: ["\(root)/absent.txt", "no such file"])
        try expectOneLineError(["corpus", "import", "\(root)/absent", "--name", "x", "--corpora", root], mentioning: ["\(root)/absent", "no such directory"])
        try makeFixture(in: "\(root)/bad")
        try Data([0x61, 0x0A, 0xC3, 0x28, 0x0A]).write(to: URL(fileURLWithPath: "\(root)/bad/train.txt"))
        try expectOneLineError(["corpus", "import", "\(root)/bad", "--name", "x", "--corpora", root],
                               mentioning: ["\(root)/bad/train.txt", "not valid UTF-8 at byte offset 2"])
        #expect(!FileManager.default.fileExists(atPath: "\(root)/x"))
    }

    @Test func failedReimportLeavesExistingCorpusUntouched() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try makeFixture(in: "\(root)/source")
        #expect(try Collapse.run(["corpus", "import", "\(root)/source", "--name", "tiny", "--corpora", root]).status == 0)
        let vocabulary = try Data(contentsOf: URL(fileURLWithPath: "\(root)/tiny/vocab.txt"))
        try "two words\n".write(toFile: "\(root)/source/test.txt", atomically: true, encoding: .utf8)
        try expectOneLineError(["corpus", "import", "\(root)/source", "--name", "tiny", "--corpora", root, "--force", "--min-count", "2"],
                               mentioning: ["test.txt", "shorter than one block"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: "\(root)/tiny/vocab.txt")) == vocabulary)
    }

    @Test func helpListsTheCorpusCommands() throws {
        let help = try Collapse.run(["corpus", "--help"])
        #expect(help.status == 0)
        for command in ["import", "stats", "fetch"] { #expect(help.output.contains(command)) }
    }
}

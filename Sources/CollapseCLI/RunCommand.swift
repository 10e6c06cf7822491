import ArgumentParser
import Foundation
import Pipeline

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the recursive pipeline of a configuration (Runs/configs/*.json).",
        discussion: "Per seed and generation: train on the regime's blocks, continue every prompt block, evaluate. Writes Runs/<name>/ with a manifest of finished stages and checksums; --resume continues a run, skipping intact finished stages and recomputing damaged ones.")

    @Argument(help: "A run configuration (JSON).")
    var config: String
    @Flag(help: "Continue an existing run.")
    var resume = false
    @Option(help: "Directory that holds runs.")
    var runs = "Runs"
    @Option(help: "Worker threads for generation (the output does not depend on it).")
    var threads = ProcessInfo.processInfo.activeProcessorCount

    func run() throws {
        let executor = try RunExecutor(configurationPath: config, runsRoot: runs, resume: resume, threads: max(1, threads))
        try executor.run()
        print("run: \(executor.directory)")
    }
}

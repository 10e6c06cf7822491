import ArgumentParser
import Foundation
import Pipeline
import Settings
import Storage

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the recursive pipeline of a configuration (Runs/configs/*.json).",
        discussion: "Per seed and generation: train on the regime's blocks, continue every prompt block, evaluate. Writes Runs/<name>/ with a manifest of finished stages and checksums; --resume continues a run, skipping intact finished stages and recomputing damaged ones. A run directory in place of the configuration continues that run with the configuration it was started with.")

    @Argument(help: "A run configuration (JSON), or a run directory to continue.")
    var config: String
    @Flag(help: "Continue an existing run.")
    var resume = false
    @Flag(help: "Rebuild a damaged manifest.json from the files that pass their own checks, then continue (implies --resume).")
    var rebuildManifest = false
    @Option(help: "Directory that holds runs (ignored when a run directory is given).")
    var runs = "Runs"
    @Option(help: "Worker threads (an n-gram run's output does not depend on it; a transformer run's is the same at a fixed count).")
    var threads = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Prompts decoded together in lockstep (the output does not depend on it).")
    var batch = 16

    func validate() throws {
        try check(threads, Limits.threads, "--threads")
        try check(batch, Limits.batch, "--batch")
    }

    func run() throws {
        let options = RunOptions(resume: resume, rebuildManifest: rebuildManifest, threads: threads, batch: batch)
        let executor = FileSystem.isDirectory(config) ? try RunExecutor(runDirectory: config, options: options)
            : try RunExecutor(configurationPath: config, runsRoot: runs, options: options)
        try executor.run()
        print("run: \(executor.directory)")
    }
}

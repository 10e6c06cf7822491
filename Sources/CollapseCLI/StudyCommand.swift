import ArgumentParser
import Cluster
import Foundation
import ModelFamilies
import Pipeline
import Settings
import Study

struct StudyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "study",
        abstract: "Run a grid of runs (families × regimes × seeds) and write its results with the paper's figures.",
        discussion: "Expands STUDY.json into one run per family and regime (and, for a family with `base`, first a one-generation run that trains its base model), runs each — or continues it, when it exists — and writes Runs/<study>/results.md and results.html: test perplexity by generation per family and regime (Fig. 10), per-sequence perplexity under generation 0 of the real data and generations 1, 5 and 9 (Fig. 11), each regime against the first, how many continuations fall into runs of one token, and each stage's time; every figure with its 95 % interval. Interrupted, it continues where it stopped.")

    @Argument(help: "A study configuration (JSON).")
    var study: String
    @Option(help: "Directory that holds the study's directory.")
    var runs = "Runs"
    @Option(help: "Worker threads (default: all cores; with --executor slurm, each job's --cpus-per-task instead).")
    var threads: Int?
    @Option(help: "Prompts decoded together in lockstep (the output does not depend on it).")
    var batch = 16
    @Option(help: "Where the runs' steps run: here (local) or as Slurm jobs (slurm). The results are the same.")
    var executor = RunCommand.Executor.local
    @OptionGroup(title: "Slurm (with --executor slurm)")
    var slurm: SlurmOptions

    func validate() throws {
        if let threads { try check(threads, Limits.threads, "--threads") }
        try check(batch, Limits.batch, "--batch")
        try slurm.validate()
        if executor == .local, slurm.isGiven { throw ValidationError("Slurm options need --executor slurm") }
        if executor == .slurm, threads != nil { throw ValidationError("--threads: each Slurm job uses its --cpus-per-task threads") }
    }

    func run() throws {
        let study = try Study(path: study, runsRoot: runs, registry: .standard)
        let settings = executor == .slurm ? try slurm.settings(configuration: nil) : nil
        let options = RunOptions(resume: true, threads: settings?.cpusPerTask ?? threads ?? ProcessInfo.processInfo.activeProcessorCount, batch: batch)
        for directory in try study.run({ configuration, root in
            let executor = try RunExecutor(configurationPath: configuration, runsRoot: root, options: options)
            if let settings { try SlurmExecutor(executor: executor, settings: settings, batch: batch).execute() } else { try executor.run() }
        }) {
            print("run: \(directory)")
        }
        for file in try StudyResults(study: study).write() { print("wrote \(file)") }
    }
}

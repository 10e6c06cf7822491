import ArgumentParser
import Cluster
import Foundation
import Pipeline
import Settings
import LanguageModeling

/// How a run's steps execute, for `run` and `study`: here or as Slurm jobs, with how many threads.
struct ExecutionOptions: ParsableArguments {
    enum Executor: String, ExpressibleByArgument, CaseIterable {
        case local, slurm
    }

    @Option(help: "Worker threads (default: all cores; with --executor slurm, each job's --cpus-per-task instead). An n-gram run's output does not depend on it; a transformer run's is the same at a fixed count.")
    var threads: Int?
    @OptionGroup var batchOption: BatchOption
    var batch: Int { batchOption.batch }
    @Option(help: "Where the steps run: here (local) or as Slurm jobs (slurm). The results are the same.")
    var executor = Executor.local
    @OptionGroup(title: "Slurm (with --executor slurm)")
    var slurm: SlurmOptions

    func validate() throws {
        if let threads { try check(threads, RunLimits.threads) }
        try slurm.validate()
        if executor == .local, slurm.isGiven { throw ValidationError("Slurm options need --executor slurm") }
        if executor == .slurm, threads != nil { throw ValidationError("--threads: each Slurm job uses its --cpus-per-task threads") }
    }

    /// The Slurm settings (a configuration file's `slurm` section under these options), nil to run here.
    func slurmSettings(configuration: String?) throws -> SlurmSettings? {
        executor == .slurm ? try slurm.settings(configuration: configuration) : nil
    }

    func runOptions(resume: Bool, rebuildManifest: Bool = false, settings: SlurmSettings?) -> RunOptions {
        RunOptions(registry: .standard, resume: resume, rebuildManifest: rebuildManifest,
                   threads: settings?.cpusPerTask ?? threads ?? ProcessInfo.processInfo.activeProcessorCount, batch: batch)
    }

    /// Runs every step of `run`, here or as Slurm jobs.
    func execute(_ run: RunExecutor, settings: SlurmSettings?) throws {
        if let settings { try SlurmExecutor(executor: run, settings: settings, batch: batch).execute() } else { try run.run() }
    }
}

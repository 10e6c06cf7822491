import ArgumentParser
import Cluster
import Foundation
import Pipeline
import Settings
import Storage

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the recursive pipeline of a configuration (Runs/configs/*.json).",
        discussion: "Per seed and generation: train on the regime's blocks, continue every prompt block, evaluate. Writes Runs/<name>/ with a manifest of finished stages and checksums; --resume continues a run, skipping intact finished stages and recomputing damaged ones. A run directory in place of the configuration continues that run with the configuration it was started with. With --executor slurm the steps run as Slurm jobs (the configuration's `slurm` section, then these options, say how); Runs/ and the corpora must be on a filesystem the cluster's nodes share.")

    @Argument(help: "A run configuration (JSON), or a run directory to continue.")
    var config: String
    @Flag(help: "Continue an existing run.")
    var resume = false
    @Flag(help: "Rebuild a damaged manifest.json from the files that pass their own checks, then continue (implies --resume).")
    var rebuildManifest = false
    @Option(help: "Directory that holds runs (ignored when a run directory is given).")
    var runs = "Runs"
    @OptionGroup var execution: ExecutionOptions

    func run() throws {
        let isRunDirectory = FileSystem.isDirectory(config)
        let settings = try execution.slurmSettings(configuration: isRunDirectory ? nil : config)
        let options = execution.runOptions(resume: resume, rebuildManifest: rebuildManifest, settings: settings)
        let executor = isRunDirectory ? try RunExecutor(runDirectory: config, options: options)
            : try RunExecutor(configurationPath: config, runsRoot: runs, options: options)
        try execution.execute(executor, settings: settings)
        print("run: \(executor.directory)")
    }
}

/// `sbatch` settings of a Slurm run; each overrides the configuration's `slurm` section.
struct SlurmOptions: ParsableArguments {
    @Option(help: "Shards of each generation's writing and scoring (array tasks; default 4).")
    var shards: Int?
    @Option(help: "Slurm partition (default: the cluster's).")
    var partition: String?
    @Option(help: "Time limit of each job, as sbatch --time takes it (e.g. 2:00:00).")
    var timeLimit: String?
    @Option(help: "CPUs of each job, and the threads it uses (default 1).")
    var cpusPerTask: Int?
    @Option(parsing: .unconditionalSingleValue, help: "One more sbatch argument for every job (repeatable), e.g. --sbatch-argument=--account=lab.")
    var sbatchArgument: [String] = []
    @Option(help: "Seconds between looks at the queue (default 2).")
    var pollSeconds: Double?

    var isGiven: Bool {
        shards != nil || partition != nil || timeLimit != nil || cpusPerTask != nil || !sbatchArgument.isEmpty || pollSeconds != nil
    }

    func validate() throws {
        if let shards { try check(shards, SlurmLimits.shards) }
        if let cpusPerTask { try check(cpusPerTask, RunLimits.threads, as: "--cpus-per-task") }
        if let pollSeconds { try check(pollSeconds, SlurmLimits.pollSeconds) }
    }

    /// The configuration file's `slurm` section (when one is given) with these options over it.
    func settings(configuration: String?) throws -> SlurmSettings {
        var settings = try configuration.map(SlurmSettings.read(fromConfiguration:)) ?? SlurmSettings()
        if let shards { settings.shards = shards }
        if let partition { settings.partition = partition }
        if let timeLimit { settings.timeLimit = timeLimit }
        if let cpusPerTask { settings.cpusPerTask = cpusPerTask }
        settings.sbatchArguments += sbatchArgument
        if let pollSeconds { settings.pollSeconds = pollSeconds }
        return settings
    }
}

/// One step of a run, as a Slurm job of `collapse run --executor slurm` does it.
struct RunStepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run-step",
        abstract: "Do one step of a run (what a cluster job of `collapse run --executor slurm` runs).",
        discussion: "Writes the step's files into the run directory and records nothing: the driving `collapse run` records the step when it sees the job end.",
        shouldDisplay: false)

    @Argument(help: "The run directory.")
    var directory: String
    @Option(help: "train, generate, merge, score or evaluate.")
    var step: RunStep.Kind
    @Option(help: "The seed.")
    var seed: UInt64
    @Option(help: "The generation.")
    var generation: Int
    @Option(help: "The shard K/N of a generate or score step.")
    var shard: String?
    @Option(help: "The shards a generation is written and scored in (other steps).")
    var shards = 1
    @OptionGroup var threads: ThreadsOption
    @OptionGroup var batch: BatchOption

    func run() throws {
        let piece = try shard.map(shardOption) ?? Shard(index: 0, count: shards)
        let executor = try RunExecutor(runDirectory: directory, options: RunOptions(registry: .standard, threads: threads.threads, batch: batch.batch,
                                                                                        worker: true))
        try executor.perform(RunStep(step, seed: seed, generation: generation, shard: piece))
    }
}

extension RunStep.Kind: ExpressibleByArgument {}

import Settings
import Storage
import Pipeline

/// How a run's jobs are submitted to Slurm: the shards each generation is written and scored
/// in, and what every `sbatch` is given. From a configuration's `slurm` section, with the
/// command line's options over it; none of it changes a run's results.
public struct SlurmSettings: Sendable, Equatable {
    /// Shards of each generation's writing and scoring (array tasks).
    public var shards = 4
    /// `--partition`; the cluster's default when nil.
    public var partition: String?
    /// `--time` of each job (e.g. "2:00:00"); the partition's default when nil.
    public var timeLimit: String?
    /// `--cpus-per-task`, and the threads each task uses.
    public var cpusPerTask = 1
    /// More `sbatch` arguments, e.g. ["--account=lab", "--mem=8G"].
    public var sbatchArguments: [String] = []
    /// Seconds between looks at the queue.
    public var pollSeconds = 2.0

    public init() {}

    /// The `slurm` section of the run configuration at `path`, if it has one.
    public static func read(fromConfiguration path: String) throws -> SlurmSettings {
        var settings = SlurmSettings()
        guard case .object(let members) = try JSONValue.load(path: path), let section = members["slurm"] else { return settings }
        var reader = try SettingsReader(section, path: path, prefix: "slurm.")
        if reader.has("shards") { settings.shards = try reader.int("shards", SlurmLimits.shards) }
        if reader.has("partition") { settings.partition = try reader.string("partition") }
        if reader.has("timeLimit") { settings.timeLimit = try reader.string("timeLimit") }
        if reader.has("cpusPerTask") { settings.cpusPerTask = try reader.int("cpusPerTask", RunLimits.threads) }
        if reader.has("sbatchArguments") { settings.sbatchArguments = try reader.stringList("sbatchArguments") }
        if reader.has("pollSeconds") { settings.pollSeconds = try reader.double("pollSeconds", SlurmLimits.pollSeconds) }
        try reader.finish()
        return settings
    }
}

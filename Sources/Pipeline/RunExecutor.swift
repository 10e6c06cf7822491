import CorpusStore
import Decoding
import Evaluation
import Foundation
import LanguageModeling
import Reporting
import Settings
import Storage
import Tokenization

/// How a run is started or continued.
public struct RunOptions: Sendable {
    /// Continue an existing run (skipping finished stages whose files are intact).
    public var resume = false
    /// Replace a damaged manifest by one rebuilt from the files that pass their own checks.
    public var rebuildManifest = false
    /// Recompute every evaluation from the stored models and corpora.
    public var reevaluate = false
    /// Worker threads (an n-gram run's results never depend on it; a transformer run's are the
    /// same at a fixed count).
    public var threads = ProcessInfo.processInfo.activeProcessorCount
    /// Prompts decoded together in lockstep (results never depend on it).
    public var batch = SyntheticCorpus.defaultBatch
    /// The model families a configuration may name: given by the executable (the pipeline
    /// knows no concrete family).
    public var registry: FamilyRegistry
    /// A task of a run another process drives (a cluster job): takes no lock on the run and
    /// writes only its step's files; the driver records them.
    public var worker = false

    public init(registry: FamilyRegistry, resume: Bool = false, rebuildManifest: Bool = false, reevaluate: Bool = false,
                threads: Int = ProcessInfo.processInfo.activeProcessorCount, batch: Int = SyntheticCorpus.defaultBatch, worker: Bool = false) {
        self.resume = resume
        self.rebuildManifest = rebuildManifest
        self.reevaluate = reevaluate
        self.threads = threads
        self.batch = batch
        self.registry = registry
        self.worker = worker
    }
}

/// Runs the recursive pipeline of a configuration, seed by seed and generation
/// by generation: train model k on the regime's blocks, let it continue every prompt block
/// (the corpus model k+1 learns from), and evaluate it.
///
/// Every file is written atomically and recorded with its checksum in the manifest after its
/// stage; `resume` skips finished stages whose files still match, and recomputes (after saying
/// so) any stage whose files are missing or damaged. While it lives, the executor holds the run
/// directory's lock (no second writer) and a shared lock on the corpus (no replacement under it).
public final class RunExecutor {
    public let configuration: RunConfiguration
    public let directory: String
    let corpus: Corpus
    /// The configuration's model family.
    let family: any ModelFamily
    let options: RunOptions
    let log = StageLog("run")
    var manifest: RunManifest
    private let locks: [FileLock]

    var threads: Int { options.threads }

    /// Checks everything before touching the run directory: a bad configuration changes nothing.
    public convenience init(configurationPath: String, runsRoot: String, options: RunOptions) throws {
        let configuration = try RunConfiguration.load(from: configurationPath, registry: options.registry)
        var options = options
        options.resume = options.resume || options.rebuildManifest
        try self.init(configuration: configuration, attributedTo: configurationPath, runsRoot: runsRoot, options: options)
    }

    /// Continues the run in `runDirectory` with the configuration its manifest records (or, when
    /// rebuilding a damaged manifest, its `config.json`).
    public convenience init(runDirectory: String, options: RunOptions) throws {
        let directory = runDirectory.hasSuffix("/") ? String(runDirectory.dropLast()) : runDirectory
        let configuration: RunConfiguration
        do {
            configuration = try RunManifest.load(in: directory).configuration
        } catch where options.rebuildManifest {
            configuration = try RunConfiguration.load(from: "\(directory)/config.json", registry: options.registry)
        }
        guard configuration.name == FileSystem.lastComponent(of: directory) else {
            throw CollapseError("the run's configuration names another run ('\(configuration.name)')", path: directory)
        }
        var resumed = options
        resumed.resume = true
        try self.init(configuration: configuration, attributedTo: directory, runsRoot: FileSystem.parent(of: directory),
                      options: resumed)
    }

    init(configuration: RunConfiguration, attributedTo source: String, runsRoot: String, options: RunOptions) throws {
        let family = try options.registry.family(named: configuration.model.family, path: source)
        options.registry.useThreads(options.threads)
        let corpus: Corpus
        do {
            corpus = try Corpus(path: configuration.corpusPath)
        } catch let error as CollapseError {
            throw CollapseError("corpus '\(configuration.corpus)': \(error.description)", path: source)
        }
        guard corpus.manifest.tokenizer == configuration.tokenizer, corpus.manifest.blockSize == configuration.blockSize else {
            throw CollapseError("corpus \(corpus.path) has \(corpus.manifest.tokenizer.rawValue) tokens in blocks of \(corpus.manifest.blockSize), the configuration says \(configuration.tokenizer.rawValue) and \(configuration.blockSize)", path: source)
        }
        try Self.checkMemory(configuration, family: family, corpus: corpus, path: source)
        try family.checkTrainable(settings: configuration.model.settings, blocks: corpus.manifest.record(for: .train)?.statistics.blocks ?? 0,
                                  path: source)
        let longestPrompt = configuration.prompts == .original ? configuration.blockSize : max(configuration.blockSize, configuration.decoding.newTokens)
        try family.checkFits(settings: configuration.model.settings, promptLength: longestPrompt, newTokens: configuration.decoding.newTokens, path: source)
        let directory = "\(runsRoot)/\(configuration.name)"
        // A run that never finished a stage (it failed at once) may be started again.
        if FileSystem.exists("\(directory)/\(RunManifest.fileName)") && !options.resume
            && (try? RunManifest.load(in: directory))?.stages.isEmpty != true {
            throw CollapseError("run already exists (use --resume to continue it)", path: directory)
        }
        try FileSystem.createDirectory(runsRoot)
        let runLock = options.worker ? nil : try FileLock(path: "\(runsRoot)/.\(configuration.name).lock", exclusive: true, subject: directory,
                                                          purpose: "run \(configuration.name)")
        let corpusLock = try Corpus.lock(corpus.path, exclusive: false, purpose: "run \(configuration.name)")
        self.configuration = configuration
        self.corpus = corpus
        self.family = family
        self.directory = directory
        self.options = options
        self.locks = [runLock, corpusLock].compactMap { $0 }
        manifest = RunManifest(configuration: configuration, vocabularyHash: corpus.vocabulary.hash.hexDigits, corpusIdentity: corpus.identity)
        if FileSystem.exists("\(directory)/\(RunManifest.fileName)") && options.resume {
            manifest = try existingManifest(attributedTo: source)
        }
    }

    /// The manifest of the run being resumed, checked against this configuration and corpus.
    private func existingManifest(attributedTo source: String) throws -> RunManifest {
        let existing: RunManifest
        do {
            existing = try RunManifest.load(in: directory)
        } catch where options.rebuildManifest {
            return try rebuiltManifest()
        }
        guard existing.configuration == configuration else {
            throw CollapseError("the run was started with a different configuration; use a new name", path: source)
        }
        try existing.check(corpus: corpus, attributedTo: source)
        var adopted = existing
        adopted.corpusIdentity = corpus.identity
        return adopted
    }

    /// Runs every step of the run's one-shard plan in this process, skipping those that finished
    /// before with their files intact.
    public func run() throws {
        try begin()
        let inputs = StepInputs(executor: self)
        for step in try RunPlan(configuration: configuration, shards: 1).steps {
            try execute(step, with: inputs)
        }
        try finish()
    }

    /// Prepares the run directory: leftovers of killed writers removed, the configuration and
    /// the manifest written.
    public func begin() throws {
        try FileSystem.createDirectory(directory)
        try removeLeftovers(in: directory)
        try writeRunFile("config.json", try prettyJSON(configuration))
        try manifest.save(in: directory)
    }

    /// Writes the run's metrics table once every generation is evaluated.
    public func finish() throws {
        try writeRunFile("metrics.tsv", try RunDirectory(path: directory, audited: false).longMetricsTable())
        try manifest.save(in: directory)
        log.note("finished \(directory)")
    }

    /// Trains generation k's model on `blocks` and saves it; `model(j)` gives an earlier
    /// generation's model (the start of a fine-tuning family).
    func train(seed: UInt64, generation k: Int, blocks: TrainingSequences, shared: SharedData,
               model: @escaping (Int) throws -> any LanguageModel) throws -> any LanguageModel {
        let base = "seed-\(seed)/gen-\(k)"
        let request = TrainingRequest(
            settings: configuration.model.settings, blocks: blocks, vocabulary: corpus.vocabulary,
            validation: shared.validation, seed: Self.trainingSeed(seed: seed, generation: k), threads: threads,
            earlierModel: { earlier in
                guard k > 0 else { return nil }
                switch earlier {
                case .generationZero: return try model(0)
                case .previous: return try model(k - 1)
                }
            },
            workDirectory: "\(directory)/\(base)/work",
            note: { [log] in log.note("seed \(seed) generation \(k): \($0)") })
        let trained = try family.train(request)
        try trained.save(to: "\(directory)/\(modelFile(seed: seed, generation: k))")
        // The family's checkpoints were only for resuming this stage.
        try FileSystem.remove("\(directory)/\(base)/work")
        return trained
    }

    /// A seed of its own for each generation's training (initialization, shuffles), drawn from
    /// the run's seed.
    static func trainingSeed(seed: UInt64, generation: Int) -> UInt64 {
        var random = SplitMix64(seed: seed ^ (UInt64(generation) &* 0xD1B5_4A32_D192_ED03))
        return random.next()
    }

    /// The corpus generation `generation` of `seed` wrote, checked against the manifest.
    func readGenerated(seed: UInt64, generation: Int) throws -> Blocks {
        let path = try verifiedPath("seed-\(seed)/gen-\(generation)/corpus.blocks")
        return try BlockFileReader(path: path, vocabulary: corpus.vocabulary).blocks()
    }
}

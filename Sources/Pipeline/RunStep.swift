/// One unit of a run's work that a process can do on its own (a cluster job, or a task of an
/// array job): a generation's training, one shard of its writing or of its scoring by
/// generation 0, the merge of the written shards, or its evaluation.
///
/// A step's key is its record in the manifest. Training, merging (recorded as the generation's
/// `generate` stage) and evaluation have the keys and files of the stages a local run records,
/// so a run started on a cluster can be continued on one machine and the other way round.
public struct RunStep: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, CaseIterable {
        case train, generate, merge, score, evaluate
    }

    public let kind: Kind
    public let seed: UInt64
    public let generation: Int
    /// The shard of a `generate` or `score` step; for the other kinds, the number of shards
    /// the generation is written and scored in (index 0).
    public let shard: Shard

    public init(_ kind: Kind, seed: UInt64, generation: Int, shard: Shard) {
        self.kind = kind
        self.seed = seed
        self.generation = generation
        self.shard = shard
    }

    public var isSharded: Bool { kind == .generate || kind == .score }

    var base: String { "seed-\(seed)/gen-\(generation)" }

    /// The manifest key.
    public var key: String {
        switch kind {
        case .train: "\(base)/train"
        case .generate: "\(base)/generate/shard-\(shard.index)-of-\(shard.count)"
        case .merge: "\(base)/generate"
        case .score: "\(base)/score/shard-\(shard.index)-of-\(shard.count)"
        case .evaluate: "\(base)/evaluate"
        }
    }

    public var description: String {
        let name = "seed \(seed) generation \(generation) \(kind.rawValue)"
        return isSharded ? "\(name) shard \(shard)" : name
    }

    /// The base path (no extension) of shard `index`'s corpus, relative to the run directory.
    func shardCorpus(_ index: Int) -> String { "\(base)/shards/corpus-\(index)-of-\(shard.count)" }

    /// Shard `index`'s perplexities under generation 0 of the corpus (`sequence`) or, for
    /// generation 0, of the real blocks (`reference`).
    func shardScores(_ name: String, _ index: Int) -> String { "\(base)/shards/\(name)-perplexity-\(index)-of-\(shard.count).tsv" }
}

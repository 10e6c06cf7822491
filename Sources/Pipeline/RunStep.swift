/// One unit of a run's work that a process can do on its own (a stage of a local run, a cluster
/// job, or a task of an array job): a generation's training, its writing (whole, or one shard),
/// the merge of the written shards, one shard of its scoring by generation 0, or its evaluation
/// (which scores by itself when the generation is not sharded).
///
/// A step's key is its record in the manifest. Training, the whole writing or the merge
/// (recorded as the generation's `generate` stage) and evaluation have the same keys and files
/// however many shards the run uses, so a run started on a cluster can be continued on one
/// machine and the other way round.
public struct RunStep: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, CaseIterable {
        case train, generate, merge, score, evaluate
    }

    public let kind: Kind
    public let seed: UInt64
    public let generation: Int
    /// The shard of a `generate` or `score` step; for the other kinds, the number of shards
    /// the generation is written and scored in (index 0). A `generate` step of one shard writes
    /// the whole corpus.
    public let shard: Shard

    public init(_ kind: Kind, seed: UInt64, generation: Int, shard: Shard) {
        self.kind = kind
        self.seed = seed
        self.generation = generation
        self.shard = shard
    }

    /// One of several pieces of a generation's writing or scoring.
    public var isSharded: Bool { (kind == .generate || kind == .score) && shard.count > 1 }

    var base: String { "seed-\(seed)/gen-\(generation)" }

    /// The manifest key.
    public var key: String {
        switch kind {
        case .train: "\(base)/train"
        case .generate where !isSharded, .merge: "\(base)/generate"
        case .generate: "\(base)/generate/shard-\(shard.index)-of-\(shard.count)"
        case .score: "\(base)/score/shard-\(shard.index)-of-\(shard.count)"
        case .evaluate: "\(base)/evaluate"
        }
    }

    public var description: String {
        let name = "seed \(seed) generation \(generation) \(kind.rawValue)"
        return isSharded ? "\(name) shard \(shard)" : name
    }

    /// The base path (no extension) of shard `index`'s corpus, relative to the run directory:
    /// the generation's corpus itself when it is written in one piece.
    func shardCorpus(_ index: Int) -> String { shard.count == 1 ? "\(base)/corpus" : "\(base)/shards/corpus-\(index)-of-\(shard.count)" }

    /// Shard `index`'s perplexities under generation 0 of the corpus (`sequence`) or, for
    /// generation 0, of the real blocks (`reference`).
    func shardScores(_ name: String, _ index: Int) -> String { "\(base)/shards/\(name)-perplexity-\(index)-of-\(shard.count).tsv" }
}

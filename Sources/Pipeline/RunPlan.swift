/// A run's work as steps (`RunStep`), each with the steps whose files it reads: per seed and
/// generation, training, N shards of writing, their merge, N shards of scoring by generation 0,
/// and the evaluation. With one shard a generation is training, writing and evaluation (which
/// scores by itself): the stages a run on one machine does in this order. The local executor
/// and the cluster's both run a plan, so a stage is described here once.
///
/// The dependencies name every step whose files a step reads (not only the nearest), so a run
/// continued after some files were damaged waits for exactly the steps that rewrite them.
public struct RunPlan: Sendable {
    /// Every step, each after the steps it depends on.
    public let steps: [RunStep]
    public let shards: Int
    let configuration: RunConfiguration
    /// Every shard of a sharded step, in order.
    private let pieces: [Shard]
    /// What non-sharded steps carry: index 0 of `shards`.
    private var whole: Shard { pieces[0] }

    /// - Throws: unless 1 ≤ shards.
    public init(configuration: RunConfiguration, shards: Int) throws {
        let whole = try Shard(index: 0, count: shards)
        let pieces = try (0..<shards).map { try Shard(index: $0, count: shards) }
        var steps: [RunStep] = []
        for seed in configuration.seeds {
            for k in 0..<configuration.generations {
                steps.append(RunStep(.train, seed: seed, generation: k, shard: whole))
                steps += pieces.map { RunStep(.generate, seed: seed, generation: k, shard: $0) }
                if shards > 1 {
                    steps.append(RunStep(.merge, seed: seed, generation: k, shard: whole))
                    steps += pieces.map { RunStep(.score, seed: seed, generation: k, shard: $0) }
                }
                steps.append(RunStep(.evaluate, seed: seed, generation: k, shard: whole))
            }
        }
        self.steps = steps
        self.shards = shards
        self.configuration = configuration
        self.pieces = pieces
    }

    /// The steps whose files `step` reads.
    /// - Complexity: O(generations + shards).
    public func dependencies(of step: RunStep) -> [RunStep] {
        let k = step.generation
        func one(_ kind: RunStep.Kind, _ generation: Int) -> RunStep {
            RunStep(kind, seed: step.seed, generation: generation, shard: whole)
        }
        func shardsOf(_ kind: RunStep.Kind) -> [RunStep] {
            shards > 1 ? pieces.map { RunStep(kind, seed: step.seed, generation: k, shard: $0) } : []
        }
        // The step that leaves generation j's whole corpus.
        func corpus(_ j: Int) -> RunStep { one(shards > 1 ? .merge : .generate, j) }
        // The corpora generation k's training blocks (and `previous` prompts) are assembled from.
        let data: [RunStep] = k == 0 ? [] : (configuration.regime == .accumulate ? Array(0..<k) : [k - 1]).map(corpus)
        switch step.kind {
        case .train:
            return data + (k == 0 ? [] : [one(.train, 0), one(.train, k - 1)])
        case .generate:
            return [one(.train, k)] + data
        case .merge:
            return shardsOf(.generate)
        case .score:
            return [corpus(k), one(.train, 0)]
        case .evaluate:
            return shardsOf(.score) + [one(.train, k), corpus(k), one(.train, 0)] + data + (k == 0 ? [] : [one(.evaluate, 0)])
        }
    }

    /// The steps still to do so that every generation is evaluated: those not `finished`, and
    /// what they read that is not finished either, in plan order.
    /// - Complexity: O(steps × (generations + shards)) calls of `finished` at most once per step.
    public func pending(finished: (RunStep) -> Bool) -> [RunStep] {
        var needed = Set<RunStep>()
        var known: [RunStep: Bool] = [:]
        func isFinished(_ step: RunStep) -> Bool {
            if let value = known[step] { return value }
            let value = finished(step)
            known[step] = value
            return value
        }
        var stack = steps.filter { $0.kind == .evaluate }
        while let step = stack.popLast() {
            guard !needed.contains(step), !isFinished(step) else { continue }
            needed.insert(step)
            stack += dependencies(of: step)
        }
        return steps.filter { needed.contains($0) }
    }
}

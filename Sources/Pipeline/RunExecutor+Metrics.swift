import LanguageModeling
import Foundation
import Reporting
import Storage

/// `collapse metrics`: every evaluation of a run recomputed from what its stages stored, and
/// nothing else: a generation whose model or corpus is not there yet is reported, not made.
extension RunExecutor {
    /// What a recomputation did.
    public struct MetricsRecomputation: Sendable {
        public var seconds: Double
        /// Generations evaluated again, over every seed.
        public var evaluated: Int
        /// Per seed with generations left, the first one not yet written ("seed 2: generations 4–9").
        public var missing: [String]
    }

    /// Recomputes the metrics of every generation whose training and generation stages finished.
    /// Each evaluation record is replaced only once its recomputation succeeded.
    public static func recomputeMetrics(runDirectory: String, threads: Int, registry: FamilyRegistry) throws -> MetricsRecomputation {
        let executor = try RunExecutor(runDirectory: runDirectory, options: RunOptions(registry: registry, reevaluate: true, threads: threads))
        let start = monotonicSeconds()
        try executor.begin()
        let inputs = StepInputs(executor: executor)
        var evaluated = 0, missing: [String] = []
        for seed in executor.configuration.seeds {
            let done = try executor.reevaluateSeed(seed, inputs)
            evaluated += done
            if done < executor.configuration.generations {
                let last = executor.configuration.generations - 1
                missing.append("seed \(seed): generation\(done == last ? " \(done)" : "s \(done)–\(last)")")
            }
        }
        if evaluated > 0 { try executor.finish() }
        return MetricsRecomputation(seconds: monotonicSeconds() - start, evaluated: evaluated, missing: missing)
    }

    /// Evaluates the seed's generations in order while their stored stages allow; returns how many.
    private func reevaluateSeed(_ seed: UInt64, _ inputs: StepInputs) throws -> Int {
        let whole = try Shard(index: 0, count: 1)
        for k in 0..<configuration.generations {
            let stored = [RunStep.Kind.train, .generate].map { RunStep($0, seed: seed, generation: k, shard: whole) }
            guard stored.allSatisfy({ manifest.stages[$0.key] != nil }) else { return k }
            try execute(RunStep(.evaluate, seed: seed, generation: k, shard: whole), with: inputs)
        }
        return configuration.generations
    }
}

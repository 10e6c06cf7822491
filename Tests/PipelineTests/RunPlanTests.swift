import Foundation
import Testing
@testable import Pipeline
import ModelFamilies

/// A run's steps come after everything they read, and what is still to do is exactly what the
/// unfinished evaluations need.
@Suite struct RunPlanTests {
    /// The shipped tiny configuration (2 seeds × 3 generations, `real-fraction`).
    func tinyConfiguration(regime: Regime = .realFraction) throws -> RunConfiguration {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/tiny.json").path
        var configuration = try RunConfiguration.load(from: fixture, registry: .standard)
        configuration.regime = regime
        return configuration
    }

    @Test(arguments: [Regime.realFraction, .accumulate])
    func everyStepComesAfterWhatItReads(regime: Regime) throws {
        let plan = try RunPlan(configuration: try tinyConfiguration(regime: regime), shards: 4)
        #expect(plan.steps.count == 2 * 3 * (3 + 2 * 4))
        let position = Dictionary(uniqueKeysWithValues: plan.steps.enumerated().map { ($1, $0) })
        for (index, step) in plan.steps.enumerated() {
            for dependency in plan.dependencies(of: step) {
                #expect(position[dependency].map { $0 < index } == true, "\(step) reads \(dependency)")
                #expect(dependency.seed == step.seed)
            }
        }
        let training = RunStep(.train, seed: 1, generation: 2, shard: try Shard(index: 0, count: 4))
        let merges = plan.dependencies(of: training).filter { $0.kind == .merge }.map(\.generation).sorted()
        #expect(merges == (regime == .accumulate ? [0, 1] : [1]))
    }

    /// One shard is what the local executor runs: per generation training, the whole writing
    /// (recorded as the merge of a sharded plan is) and the evaluation, which scores by itself.
    @Test(arguments: [Regime.realFraction, .accumulate])
    func oneShardIsTrainWriteEvaluate(regime: Regime) throws {
        let plan = try RunPlan(configuration: try tinyConfiguration(regime: regime), shards: 1)
        #expect(plan.steps.map(\.kind) == Array(repeating: [RunStep.Kind.train, .generate, .evaluate], count: 2 * 3).flatMap { $0 })
        #expect(plan.steps.map(\.key).prefix(3) == ["seed-1/gen-0/train", "seed-1/gen-0/generate", "seed-1/gen-0/evaluate"])
        #expect(plan.steps.allSatisfy { !$0.isSharded })
        let position = Dictionary(uniqueKeysWithValues: plan.steps.enumerated().map { ($1, $0) })
        for (index, step) in plan.steps.enumerated() {
            for dependency in plan.dependencies(of: step) {
                #expect(position[dependency].map { $0 < index } == true, "\(step) reads \(dependency)")
            }
        }
        let whole = try Shard(index: 0, count: 1)
        let evaluation = plan.dependencies(of: RunStep(.evaluate, seed: 2, generation: 2, shard: whole))
        #expect(Set(evaluation.filter { $0.kind == .generate }.map(\.generation)) == (regime == .accumulate ? [0, 1, 2] : [1, 2]))
    }

    @Test func nothingFinishedMeansEveryStep() throws {
        let plan = try RunPlan(configuration: try tinyConfiguration(), shards: 3)
        #expect(plan.pending { _ in false } == plan.steps)
        #expect(plan.pending { _ in true }.isEmpty)
    }

    @Test func finishedStepsAndWhatOnlyTheyNeededAreLeftOut() throws {
        let plan = try RunPlan(configuration: try tinyConfiguration(), shards: 4)
        // Seed 1 is done up to generation 1's writing, of which shard 2 is missing; generation
        // 1's other steps are done except its merge and evaluation.
        let missing = RunStep(.generate, seed: 1, generation: 1, shard: try Shard(index: 2, count: 4))
        let finished: (RunStep) -> Bool = { step in
            guard step.seed == 1 else { return false }
            if step.generation == 0 { return true }
            return step.generation == 1 && step != missing && [.train, .generate].contains(step.kind)
        }
        let pending = plan.pending(finished: finished)
        let seedOne = pending.filter { $0.seed == 1 }
        #expect(seedOne.filter { $0.generation == 0 }.isEmpty)
        #expect(seedOne.filter { $0.generation == 1 && $0.kind == .generate } == [missing])
        #expect(seedOne.contains(RunStep(.merge, seed: 1, generation: 1, shard: try Shard(index: 0, count: 4))))
        #expect(seedOne.filter { $0.generation == 2 }.count == 11)
        #expect(pending.filter { $0.seed == 2 }.count == 33)
        // The generation's shards are no longer needed once its merge is done.
        let merged = plan.pending { finished($0) || ($0.seed == 1 && $0.generation == 1 && $0.kind == .merge) }
        #expect(!merged.contains(missing))
    }

    @Test func keysAreTheLocalStagesForWholeSteps() throws {
        let whole = try Shard(index: 0, count: 4)
        #expect(RunStep(.train, seed: 7, generation: 3, shard: whole).key == "seed-7/gen-3/train")
        #expect(RunStep(.merge, seed: 7, generation: 3, shard: whole).key == "seed-7/gen-3/generate")
        #expect(RunStep(.evaluate, seed: 7, generation: 3, shard: whole).key == "seed-7/gen-3/evaluate")
        #expect(RunStep(.score, seed: 7, generation: 3, shard: try Shard(index: 1, count: 4)).key == "seed-7/gen-3/score/shard-1-of-4")
    }
}

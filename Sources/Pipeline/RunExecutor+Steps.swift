import Evaluation
import LanguageModeling
import Reporting
import Storage

/// The steps of a run (`RunPlan`): done in turn by the local executor, which keeps what they
/// read between them (`StepInputs`), or one at a time by separate processes (a cluster's jobs),
/// writing the same files (and, for shards, pieces that their merge and evaluation join).
extension RunExecutor {
    /// Does `step` alone and writes its files (`outputs(of:)`). It reads what the steps it
    /// depends on wrote, and records nothing: the process that drives the run records each step
    /// it saw end.
    public func perform(_ step: RunStep) throws {
        try perform(step, with: StepInputs(executor: self))
    }

    /// Does `step` in this process unless it finished before with its files intact (an
    /// evaluation is done again when re-evaluating), and records it once it succeeded.
    func execute(_ step: RunStep, with inputs: StepInputs) throws {
        if !(options.reevaluate && step.kind == .evaluate), isFinished(step) { return }
        let start = monotonicSeconds()
        try perform(step, with: inputs)
        try record(step, seconds: monotonicSeconds() - start)
    }

    func perform(_ step: RunStep, with inputs: StepInputs) throws {
        let (seed, k) = (step.seed, step.generation)
        let models = inputs.models(for: step)
        try FileSystem.createDirectory("\(directory)/\(step.isSharded ? "\(step.base)/shards" : step.base)")
        switch step.kind {
        case .train:
            models.store(try train(seed: seed, generation: k, blocks: try inputs.trainingBlocks(for: step), shared: try inputs.shared(),
                                   model: models.model), generation: k)
        case .generate:
            let prompts = try inputs.prompts(for: step)
            let range = step.shard.range(of: prompts.count)
            log.note("seed \(seed) generation \(k): continuing \(step.isSharded ? "prompts \(range.lowerBound)..<\(range.upperBound)" : "\(prompts.count) prompts")")
            _ = try Stages.generate(model: try models.model(k), prompts: step.isSharded ? prompts.sequences(in: range) : prompts,
                                    settings: configuration.decoding, threads: threads, batch: options.batch,
                                    outputBase: "\(directory)/\(step.shardCorpus(step.shard.index))")
        case .merge:
            let shards = (0..<step.shard.count).map { "\(directory)/\(step.shardCorpus($0))" }
            _ = try Stages.merge(shards: shards, vocabulary: corpus.vocabulary, outputBase: "\(directory)/\(step.base)/corpus")
        case .score:
            let generationZero = try models.model(0)
            let generated = TrainingSequences(try readGenerated(seed: seed, generation: k))
            try writeShardScores(of: generated, step: step, name: "sequence", under: generationZero)
            if k == 0 {
                let real = TrainingSequences(try corpus.blocks(.train).blocks())
                try writeShardScores(of: real, step: step, name: "reference", under: generationZero)
            }
        case .evaluate:
            log.note("seed \(seed) generation \(k): evaluating")
            let scored = step.shard.count > 1
                ? (try readShardScores(step: step, name: "sequence"), k == 0 ? try readShardScores(step: step, name: "reference") : nil) : nil
            try evaluate(seed: seed, generation: k, model: try models.model(k), generationZero: try models.model(0),
                         trainingBlocks: try inputs.trainingBlocks(for: step).count, shared: try inputs.shared(), scored: scored)
        }
    }

    /// The files `step` writes, relative to the run directory.
    public func outputs(of step: RunStep) -> [String] {
        let base = step.base
        switch step.kind {
        case .train: return modelFiles(seed: step.seed, generation: step.generation)
        case .generate: return ["blocks", "txt.zst"].map { "\(step.shardCorpus(step.shard.index)).\($0)" }
        case .merge: return ["\(base)/corpus.blocks", "\(base)/corpus.txt.zst"]
        case .score: return (step.generation == 0 ? ["sequence", "reference"] : ["sequence"]).map { step.shardScores($0, step.shard.index) }
        case .evaluate:
            return evaluationFiles(seed: step.seed, generation: step.generation)
        }
    }

    /// The shard's share of `sequences` scored by `model`, rows numbered as in the whole. The
    /// shard's first sequences are scored from where the whole's batch that holds them starts,
    /// so every score is the one an unsharded pass gives.
    private func writeShardScores(of sequences: TrainingSequences, step: RunStep, name: String, under model: any LanguageModel) throws {
        let range = step.shard.range(of: sequences.count)
        let aligned = range.lowerBound - range.lowerBound % max(1, model.scoringAlignment)
        let scores = Array(try GenerationEvaluation.perplexities(of: sequences.sequences(in: aligned..<range.upperBound), under: model)
            .dropFirst(range.lowerBound - aligned))
        try SequenceTable.write(scores, firstIndex: range.lowerBound, to: "\(directory)/\(step.shardScores(name, step.shard.index))")
    }

    /// Every shard's scores of `name`, joined in order; each shard must hold exactly its rows.
    private func readShardScores(step: RunStep, name: String) throws -> [Double] {
        var scores: [Double] = []
        for index in 0..<step.shard.count {
            try SequenceTable.read(try verifiedPath(step.shardScores(name, index)), appendingTo: &scores)
        }
        return scores
    }
}

import Evaluation
import LanguageModeling
import Storage

/// The steps of a run (`RunPlan`) done one at a time by separate processes, writing the files a
/// local run writes (and, for shards, pieces that their merge and evaluation join into them).
extension RunExecutor {
    /// Does `step` and writes its files (`outputs(of:)`). It reads what the steps it depends on
    /// wrote, and records nothing: the process that drives the run records each step it saw end.
    public func perform(_ step: RunStep) throws {
        let k = step.generation
        let model = { [self] (generation: Int) in try loadModel("\(directory)/\(modelFile(seed: step.seed, generation: generation))") }
        // What the stages of a local run share, prepared only for the steps that read it.
        let training = { [self] (shared: SharedData) in TrainingBlocks(executor: self, shared: shared, seed: step.seed, generation: k) }
        try FileSystem.createDirectory("\(directory)/\(step.isSharded ? "\(step.base)/shards" : step.base)")
        switch step.kind {
        case .train:
            let shared = try SharedData(corpus: corpus)
            var blocks = training(shared)
            _ = try train(seed: step.seed, generation: k, blocks: try blocks.blocks(), shared: shared, model: model)
        case .generate:
            let shared = try SharedData(corpus: corpus)
            var blocks = training(shared)
            let prompts = try self.prompts(&blocks, shared)
            let range = step.shard.range(of: prompts.count)
            log.note("\(step): continuing prompts \(range.lowerBound)..<\(range.upperBound)")
            _ = try Stages.generate(model: try model(k), prompts: prompts.sequences(in: range), settings: configuration.decoding, threads: threads,
                                    batch: options.batch, outputBase: "\(directory)/\(step.shardCorpus(step.shard.index))")
        case .merge:
            let shards = (0..<step.shard.count).map { "\(directory)/\(step.shardCorpus($0))" }
            _ = try Stages.merge(shards: shards, vocabulary: corpus.vocabulary, outputBase: "\(directory)/\(step.base)/corpus")
        case .score:
            let generationZero = try model(0)
            let generated = TrainingSequences(try readGenerated(seed: step.seed, generation: k))
            try writeShardScores(of: generated, step: step, name: "sequence", under: generationZero)
            if k == 0 {
                let real = TrainingSequences(try corpus.blocks(.train).blocks())
                try writeShardScores(of: real, step: step, name: "reference", under: generationZero)
            }
        case .evaluate:
            let shared = try SharedData(corpus: corpus)
            var blocks = training(shared)
            let generated = try readShardScores(step: step, name: "sequence")
            let reference = k == 0 ? try readShardScores(step: step, name: "reference") : nil
            try evaluate(seed: step.seed, generation: k, model: try model(k), generationZero: try model(0),
                         trainingBlocks: try blocks.blocks().count, shared: shared, scored: (generated, reference))
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

import Decoding
import LanguageModeling
import Storage

extension RunExecutor {
    /// A generation's model file, relative to the run directory.
    func modelFile(seed: UInt64, generation: Int) -> String {
        "seed-\(seed)/gen-\(generation)/\(family.modelFileName)"
    }

    /// Every file a generation's training stage writes: the model and what the family saves beside it.
    func modelFiles(seed: UInt64, generation: Int) -> [String] {
        [modelFile(seed: seed, generation: generation)] + family.companionFileNames.map { "seed-\(seed)/gen-\(generation)/\($0)" }
    }

    /// Every file a generation's evaluation writes, relative to the run directory.
    func evaluationFiles(seed: UInt64, generation: Int) -> [String] {
        let base = "seed-\(seed)/gen-\(generation)"
        return ["\(base)/metrics.json", "\(base)/sequence-perplexity.tsv", "\(base)/test-perplexity.tsv"]
            + (generation == 0 ? ["\(base)/reference-perplexity.tsv"] : [])
    }

    func loadModel(_ path: String) throws -> any LanguageModel {
        let model = try family.load(from: path)
        guard model.vocabulary.hash == corpus.vocabulary.hash else {
            throw CollapseError("the model's vocabulary is not the corpus's", path: path)
        }
        return model
    }

    /// Bytes the largest stage of the run will hold, estimated before it starts.
    static func estimatedPeakBytes(_ configuration: RunConfiguration, family: any ModelFamily, realBlocks: Int, vocabularySize: Int) -> Int {
        let blockBytes = realBlocks * configuration.blockSize * MemoryLayout<Int32>.size
        let generatedBytes = realBlocks * configuration.decoding.newTokens * MemoryLayout<Int32>.size
        // Under `accumulate` the last generation learns from the real blocks and every corpus before it.
        let trainingTokens = configuration.regime == .accumulate
            ? realBlocks * (configuration.blockSize + (configuration.generations - 1) * configuration.decoding.newTokens)
            : realBlocks * max(configuration.blockSize, configuration.decoding.newTokens)
        let training = family.estimatedTrainingBytes(settings: configuration.model.settings, tokens: trainingTokens,
                                                     vocabularySize: vocabularySize)
        let generation = SyntheticCorpus.estimatedBytes(prompts: realBlocks, settings: configuration.decoding, vocabularySize: vocabularySize, threads: 256)
        return 3 * blockBytes + generatedBytes + trainingTokens * MemoryLayout<Int32>.size + max(training, generation)
    }
}

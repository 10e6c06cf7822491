import Decoding
import NGram
import Storage
import LanguageModeling

extension RunExecutor {
    /// A generation's model file.
    static let modelFileName = "model.mcngram"

    func trainModel(on blocks: TrainingSequences) throws -> NGramLanguageModel {
        try NGramLanguageModel.train(sequences: blocks, vocabulary: corpus.vocabulary, order: configuration.order,
                                     mode: .block, discountFallback: configuration.discountFallback)
    }

    func loadModel(_ path: String) throws -> NGramLanguageModel {
        let model = try NGramLanguageModel.load(from: path)
        guard model.vocabulary.hash == corpus.vocabulary.hash else {
            throw CollapseError("the model's vocabulary is not the corpus's", path: path)
        }
        return model
    }

    /// Bytes the largest stage of the run will hold, estimated before it starts.
    static func estimatedPeakBytes(_ configuration: RunConfiguration, realBlocks: Int) -> Int {
        let blockBytes = realBlocks * configuration.blockSize * MemoryLayout<Int32>.size
        let generatedBytes = realBlocks * configuration.newTokens * MemoryLayout<Int32>.size
        // Under `accumulate` the last generation learns from the real blocks and every corpus before it.
        let trainingTokens = configuration.regime == .accumulate
            ? realBlocks * (configuration.blockSize + (configuration.generations - 1) * configuration.newTokens)
            : realBlocks * max(configuration.blockSize, configuration.newTokens)
        let training = NGramModel.estimatedTrainingBytes(tokens: trainingTokens, order: configuration.order)
        let decoding = DecodingSettings(beams: configuration.beams, repetitionPenalty: configuration.repetitionPenalty,
                                        newTokens: configuration.newTokens)
        let generation = SyntheticCorpus.estimatedBytes(prompts: realBlocks, settings: decoding, vocabularySize: 1 << 16, threads: 256)
        return 3 * blockBytes + generatedBytes + trainingTokens * MemoryLayout<Int32>.size + max(training, generation)
    }
}

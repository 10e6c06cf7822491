import CorpusStore
import Decoding
import Foundation
import LanguageModeling
import NGram
import Reporting
import Settings
import Storage
import Tokenization

/// Single stages of the pipeline, usable on their own (`collapse generate`, `collapse ngram
/// train --corpus`) and composed by a run.
public enum Stages {
    /// What a generation stage did.
    public struct GenerationReport: Sendable {
        public var blocks: Int
        public var newTokens: Int
        public var seconds: Double
    }

    /// Fixed-length blocks of a flat id array as sequences.
    public static func blocks(_ ids: [Int32], length: Int) -> TrainingSequences {
        var result = TrainingSequences()
        for start in stride(from: 0, to: ids.count - length + 1, by: length) { result.append(ids[start..<(start + length)]) }
        return result
    }

    /// Reads every block of a block file (optionally the first `limit`), checking its vocabulary.
    public static func readBlocks(_ path: String, vocabulary: Vocabulary, limit: Int? = nil) throws -> (ids: [Int32], blockSize: Int) {
        let reader = try BlockFileReader(path: path, vocabulary: vocabulary)
        var ids: [Int32] = []
        let wanted = min(limit ?? reader.blockCount, reader.blockCount)
        ids.reserveCapacity(wanted * reader.blockSize)
        var taken = 0
        try reader.forEachBlock { block in
            if taken < wanted { ids.append(contentsOf: block) }
            taken += 1
        }
        return (ids, reader.blockSize)
    }

    /// Writes the continuation of every prompt block as a corpus split (`<base>.blocks` and
    /// `<base>.txt.zst`), in prompt order.
    public static func generate<Model: LanguageModel>(model: Model, prompts: TrainingSequences, settings: DecodingSettings,
                                                      threads: Int, outputBase: String) throws -> GenerationReport {
        let count = prompts.count
        try MemoryBudget.ensure(SyntheticCorpus.estimatedBytes(prompts: count, settings: settings, vocabularySize: model.vocabulary.count,
                                                               threads: threads),
                                for: "writing \(count) continuations of \(settings.newTokens) tokens with \(settings.beams) beams")
        let start = monotonicSeconds()
        let progress = ProgressReporter(stage: "generate", total: count, unit: "blocks")
        let continuations = SyntheticCorpus.continuations(of: prompts, model: model, settings: settings, threads: threads,
                                                          progress: progress)
        progress.finish()
        let writer = try SplitWriter(basePath: outputBase, vocabulary: model.vocabulary, blockSize: settings.newTokens)
        try continuations.withUnsafeBufferPointer { all in
            for index in 0..<count {
                try writer.append(UnsafeBufferPointer(rebasing: all[(index * settings.newTokens)..<((index + 1) * settings.newTokens)]))
            }
        }
        try writer.finish()
        return GenerationReport(blocks: count, newTokens: settings.newTokens, seconds: monotonicSeconds() - start)
    }

    /// Trains an n-gram model in block mode on a corpus split's blocks, with the corpus's vocabulary.
    public static func trainNGram(corpusPath: String, split: Split = .train, order: Int,
                                  discountFallback: Bool = false) throws -> NGramLanguageModel {
        let corpus = try Corpus(path: corpusPath)
        let (ids, blockSize) = try readBlocks(corpus.blocksPath(split), vocabulary: corpus.vocabulary)
        return try NGramLanguageModel.train(sequences: blocks(ids, length: blockSize), vocabulary: corpus.vocabulary, order: order, mode: .block,
                                            discountFallback: discountFallback)
    }
}

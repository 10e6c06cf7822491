import Foundation
import Storage
import LanguageModeling
import Tokenization

/// An n-gram model together with what is needed to use it on text: its vocabulary (and so its
/// tokenizer) and the sequence mode it was trained in.
public struct NGramLanguageModel: Sendable {
    public let model: NGramModel
    public let vocabulary: Vocabulary
    public let mode: SequenceMode
    let decodingCache = DecodingCache()

    public init(model: NGramModel, vocabulary: Vocabulary, mode: SequenceMode) {
        self.model = model
        self.vocabulary = vocabulary
        self.mode = mode
    }

    /// The id text tokens outside the vocabulary get when scoring: one the model never saw, so
    /// they score as the unknown word (KenLM's convention).
    public var unknownWordID: Int32 { Int32(vocabulary.count) }

    /// Trains on a text file: the vocabulary is built from the same file.
    /// - Parameter stage: told when each stage starts (for progress lines).
    public static func train(textPath: String, order: Int, mode: SequenceMode, tokenizer: TokenizerKind,
                             blockSize: Int = 64, discountFallback: Bool = false,
                             stage: (String) -> Void = { _ in }) throws -> NGramLanguageModel {
        guard (2...6).contains(order) else { throw CollapseError("n-gram order must be 2–6 (got \(order))") }
        stage("building the vocabulary from \(textPath)")
        let counts = try TokenCounts.counting(try Zstd.openReading(path: textPath), tokenizer: tokenizer)
        let vocabulary = try Vocabulary.build(from: counts, tokenizer: tokenizer)
        let sequences = try TrainingSequences.read(try Zstd.openReading(path: textPath), tokenizer: tokenizer,
                                                   vocabulary: vocabulary, mode: mode, blockSize: blockSize,
                                                   unknownID: SpecialToken.unknown.id)
        stage("counting and estimating order \(order) over \(sequences.tokens.count) tokens in \(sequences.count) sequences")
        guard sequences.count > 0 else {
            throw CollapseError(mode == .block ? "no complete block of \(blockSize) tokens to train on" : "no tokens to train on", path: textPath)
        }
        do {
            let model = try NGramModel.estimate(sequences, order: order, vocabularySize: vocabulary.count,
                                                discountFallback: discountFallback)
            return NGramLanguageModel(model: model, vocabulary: vocabulary, mode: mode)
        } catch let error as CollapseError {
            throw error.attributed(to: textPath)
        }
    }

    /// Scores a text file in `mode`; a file without a sequence to score is an error.
    /// - Parameter each: receives every sequence's score in order.
    public func score(textPath: String, mode: SequenceMode, blockSize: Int = 64,
                      each: ((Int, SequenceScore) -> Void)? = nil) throws -> SequenceScore {
        // Part by part: the text's sequences are never all in memory.
        var total = SequenceScore(), index = 0
        try TrainingSequences.forEachPart(of: try Zstd.openReading(path: textPath), tokenizer: vocabulary.tokenizer, vocabulary: vocabulary,
                                          mode: mode, blockSize: blockSize, unknownID: unknownWordID) { part in
            for score in model.scoreAll(part, mode: mode) {
                total += score
                each?(index, score)
                index += 1
            }
        }
        // A perplexity of nothing is undefined: refuse rather than print nan.
        guard index > 0 else {
            throw CollapseError(mode == .block ? "nothing to score: no complete block of \(blockSize) tokens" : "nothing to score: no tokens", path: textPath)
        }
        return total
    }
}

extension NGramLanguageModel {
    /// Trains on sequences already encoded with `vocabulary` (a corpus's blocks): the model
    /// keeps that vocabulary, so its continuations are ids of the same corpus.
    public static func train(sequences: TrainingSequences, vocabulary: Vocabulary, order: Int, mode: SequenceMode,
                             discountFallback: Bool = false) throws -> NGramLanguageModel {
        guard sequences.count > 0 else { throw CollapseError("no sequences to train on") }
        let model = try NGramModel.estimate(sequences, order: order, vocabularySize: vocabulary.count,
                                            discountFallback: discountFallback)
        return NGramLanguageModel(model: model, vocabulary: vocabulary, mode: mode)
    }
}

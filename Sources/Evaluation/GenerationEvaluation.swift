import LanguageModeling
import Statistics
import Tokenization

/// The evaluation of one generation, the same for every model family: test
/// perplexity of the generation's model on the real test blocks (and test lines, for a model
/// that scores sentences), the corpus it wrote scored block by block by generation 0,
/// percentiles, a histogram on shared bins, tail shares against the real data, and the corpus's
/// tail and diversity measures.
public struct GenerationEvaluation {
    /// What the generation-0 model makes of the real training blocks: the reference every
    /// generation is compared with.
    public enum Reference {
        /// Compute it (generation 0): the real blocks and the sizes of their text, and the blocks'
        /// perplexities under generation 0 when they were scored already (in shards).
        case compute(blocks: TrainingSequences, textBytes: Int, compressedBytes: Int, perplexities: [Double]? = nil)
        /// Recorded with generation 0.
        case recorded(PercentileSummary)
    }

    public var metrics: GenerationMetrics
    /// Block perplexity of each sequence the generation wrote, under generation 0.
    public var generatedPerplexities: [Double]
    /// Block perplexity of each real test block under the generation's model: what the test
    /// perplexity pools, kept for intervals over test blocks.
    public var testPerplexities: [Double]
    /// Block perplexity of each real training block under generation 0 (computing the reference only).
    public var referencePerplexities: [Double]?

    /// - Parameters:
    ///   - generated: the corpus the generation wrote, and the bytes of its text before and
    ///     after compression.
    ///   - generatedPerplexities: its sequences' perplexities under `generationZero`, when they
    ///     were scored already (in shards); scored here otherwise.
    ///   - excluded: ids outside the unigram KL's support (`<s>`, `</s>`).
    /// - Complexity: one scoring pass of the test blocks by `model` and of `generated` (and the
    ///   reference) by `generationZero`, plus O(tokens) for the corpus measures.
    public init(seed: UInt64, generation: Int, trainingBlocks: Int, model: any LanguageModel, generationZero: any LanguageModel,
                test: TrainingSequences, testSentences: TrainingSequences?, generated: Blocks, generatedPerplexities scored: [Double]? = nil,
                textBytes: Int, compressedBytes: Int, profile: RealProfile, reference: Reference) throws {
        let testScores = try model.score(test, mode: .block)
        testPerplexities = testScores.map(\.perplexity)
        let testScore = testScores.reduce(into: SequenceScore()) { $0 += $1 }
        let sentences = model.scoresSentences ? testSentences : nil
        let generatedSequences = TrainingSequences(generated)
        generatedPerplexities = try scored ?? Self.perplexities(of: generatedSequences, under: generationZero)
        let excluded: Set<Int32> = [SpecialToken.startOfSequence.id, SpecialToken.endOfSequence.id]
        let summary: PercentileSummary
        var referenceCorpus: CorpusMetrics?
        switch reference {
        case .recorded(let recorded):
            summary = recorded
        case .compute(let blocks, let referenceText, let referenceCompressed, let perplexities):
            let scores = try perplexities ?? Self.perplexities(of: blocks, under: generationZero)
            referencePerplexities = scores
            summary = PercentileSummary(scores)
            referenceCorpus = CorpusMetrics(corpus: blocks, real: profile, excluded: excluded, textBytes: referenceText,
                                            compressedBytes: referenceCompressed)
        }
        let shares = tailShares(generatedPerplexities, lower: summary.p1, upper: summary.p99)
        metrics = GenerationMetrics(
            seed: seed, generation: generation, trainingBlocks: trainingBlocks,
            testPerplexity: testScore.perplexity, testTokens: testScore.tokens,
            testSentencePerplexity: try sentences.map { try model.score($0, mode: .sentence).reduce(into: SequenceScore()) { $0 += $1 }.perplexity },
            generated: PercentileSummary(generatedPerplexities), generatedHistogram: LogPerplexityHistogram(generatedPerplexities),
            belowReferenceP1: shares.below, aboveReferenceP99: shares.above,
            corpus: CorpusMetrics(corpus: generatedSequences, real: profile, excluded: excluded, textBytes: textBytes, compressedBytes: compressedBytes))
        if let referenceCorpus, let referencePerplexities {
            metrics.reference = summary
            metrics.referenceHistogram = LogPerplexityHistogram(referencePerplexities)
            metrics.referenceCorpus = referenceCorpus
        }
    }

    /// Block perplexity of each sequence under `model` (`<s>` context only, every
    /// token predicted).
    public static func perplexities(of sequences: TrainingSequences, under model: any LanguageModel) throws -> [Double] {
        try model.score(sequences, mode: .block).map(\.perplexity)
    }
}

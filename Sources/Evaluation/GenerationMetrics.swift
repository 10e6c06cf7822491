import Statistics


/// One generation's evaluation (`gen-k/metrics.json`).
public struct GenerationMetrics: Codable, Sendable, Equatable {
    public var seed: UInt64
    public var generation: Int
    public var trainingBlocks: Int
    /// Block perplexity of the real test split, pooled over all blocks.
    public var testPerplexity: Double
    public var testTokens: Int
    /// Stream perplexity of the real test lines (n-gram models; nil if the source text is gone).
    public var testSentencePerplexity: Double?
    /// Per-sequence perplexity under generation 0 of the corpus this generation wrote.
    public var generated: PercentileSummary
    public var generatedHistogram: LogPerplexityHistogram
    /// Shares of the generated sequences below the reference's p1 and above its p99.
    public var belowReferenceP1: Double
    public var aboveReferenceP99: Double
    /// Tail and diversity measures of the corpus this generation wrote.
    public var corpus: CorpusMetrics
    /// The same for the real training blocks (the reference), recorded with generation 0.
    public var reference: PercentileSummary?
    public var referenceHistogram: LogPerplexityHistogram?
    public var referenceCorpus: CorpusMetrics?
}

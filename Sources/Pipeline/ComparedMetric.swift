import Evaluation
import Statistics

/// A figure `collapse compare` reports for every generation: how it is read per seed, where it
/// is averaged, and — for the figures of per-sequence perplexities — the statistic behind it,
/// so its interval can resample the sequences as well as the seeds.
struct ComparedMetric: Sendable {
    /// Which per-sequence table a metric is a statistic of.
    enum Table: Sendable {
        /// `test-perplexity.tsv`: the real test blocks under the generation's model.
        case test
        /// `sequence-perplexity.tsv`: the generation's sequences under generation 0.
        case generated
    }

    /// The per-seed statistic of a table, given each seed's reference (generation 0's summary
    /// of the real training blocks).
    enum SequenceStatistic: Sendable {
        case geometricMean
        case percentile(Double)
        case belowReferenceP1
        case aboveReferenceP99

        func statistic(references: [PercentileSummary]) -> HierarchicalBootstrap.Statistic {
            switch self {
            case .geometricMean: .geometricMean
            case .percentile(let p): .percentile(p)
            case .belowReferenceP1: .shareBelow(references.map(\.p1))
            case .aboveReferenceP99: .shareAbove(references.map(\.p99))
            }
        }
    }

    /// The JSON key (and the row's property), e.g. `testPerplexity`.
    let name: String
    /// The TSV column, e.g. `test_perplexity`.
    let column: String
    /// The text table's header.
    let label: String
    let scale: MetricScale
    let value: @Sendable (GenerationMetrics) -> Double?
    /// The table and statistic behind it; nil for a measure of the whole corpus.
    let sequences: (table: Table, statistic: SequenceStatistic)?

    static let all: [ComparedMetric] = [
        ComparedMetric(name: "testPerplexity", column: "test_perplexity", label: "test ppl", scale: .logarithmic,
                       value: { $0.testPerplexity }, sequences: (.test, .geometricMean)),
        ComparedMetric(name: "p1", column: "p1", label: "p1", scale: .logarithmic, value: { $0.generated.p1 }, sequences: (.generated, .percentile(1))),
        ComparedMetric(name: "p50", column: "p50", label: "p50", scale: .logarithmic, value: { $0.generated.p50 }, sequences: (.generated, .percentile(50))),
        ComparedMetric(name: "p99", column: "p99", label: "p99", scale: .logarithmic, value: { $0.generated.p99 }, sequences: (.generated, .percentile(99))),
        ComparedMetric(name: "belowReferenceP1", column: "below_reference_p1", label: "< real p1", scale: .unit,
                       value: { $0.belowReferenceP1 }, sequences: (.generated, .belowReferenceP1)),
        ComparedMetric(name: "aboveReferenceP99", column: "above_reference_p99", label: "> real p99", scale: .unit,
                       value: { $0.aboveReferenceP99 }, sequences: (.generated, .aboveReferenceP99)),
        ComparedMetric(name: "tailSurvivalTwoToTen", column: "tail_survival_2_10", label: "survive 2-10", scale: .unit,
                       value: { $0.corpus.tailSurvival.seenTwoToTen }, sequences: nil),
        ComparedMetric(name: "tailSurvivalElevenToHundred", column: "tail_survival_11_100", label: "survive 11-100", scale: .unit,
                       value: { $0.corpus.tailSurvival.seenElevenToHundred }, sequences: nil),
        ComparedMetric(name: "unigramKL", column: "unigram_kl", label: "unigram KL", scale: .nonNegative, value: { $0.corpus.unigramKL }, sequences: nil),
        ComparedMetric(name: "distinct2", column: "distinct_2", label: "distinct-2", scale: .unit, value: { $0.corpus.distinct2 }, sequences: nil),
    ]

    /// The metrics the text table shows (TSV and JSON carry them all).
    static let shown = ["testPerplexity", "p1", "p50", "p99", "belowReferenceP1", "aboveReferenceP99", "tailSurvivalElevenToHundred"]
}

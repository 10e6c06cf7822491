import CorpusStore
import Evaluation
import LanguageModeling
import Storage
import Tokenization

/// What every seed and generation of a run reads, prepared once per run.
struct SharedData {
    /// The real training blocks, as blocks and as sequences.
    var real: Blocks
    var realBlocks: TrainingSequences
    var test: TrainingSequences
    /// The real validation blocks (for families that choose a checkpoint by them).
    var validation: TrainingSequences
    /// The real test lines for sentence-mode perplexity; nil when the source text is gone.
    var testSentences: TrainingSequences?
    var profile: RealProfile

    init(corpus: Corpus) throws {
        real = try corpus.blocks(.train).blocks()
        realBlocks = TrainingSequences(real)
        test = TrainingSequences(try corpus.blocks(.test).blocks())
        validation = TrainingSequences(try corpus.blocks(.valid).blocks())
        testSentences = try Self.testSentences(of: corpus)
        profile = RealProfile(blocks: realBlocks, vocabularySize: corpus.vocabulary.count)
    }

    /// The real test split's lines (as many as were imported), encoded once; tokens outside the
    /// vocabulary get an id no model knows, so they score as the unknown word (as `collapse
    /// ngram score` does).
    static func testSentences(of corpus: Corpus) throws -> TrainingSequences? {
        guard let record = corpus.manifest.record(for: .test), FileSystem.exists(record.source) else { return nil }
        let lines = LinePrefixSource(try Zstd.openReading(path: record.source), lines: record.statistics.lines)
        return try TrainingSequences.read(lines, tokenizer: try corpus.vocabulary.tokenizer.makeTokenizer(),
                                          vocabulary: corpus.vocabulary, mode: .sentence, unknownID: Int32(corpus.vocabulary.count))
    }
}

import CorpusStore
import Evaluation
import LanguageModeling
import Storage

/// What every seed and generation of a run reads, prepared once per run.
struct SharedData {
    /// The real training blocks, flat and as sequences.
    var real: [Int32]
    var realBlocks: TrainingSequences
    var test: TrainingSequences
    /// The real test lines for sentence-mode perplexity; nil when the source text is gone.
    var testSentences: TrainingSequences?
    var profile: RealProfile

    init(corpus: Corpus, blockSize: Int) throws {
        real = try Stages.readBlocks(corpus.blocksPath(.train), vocabulary: corpus.vocabulary).ids
        let test = try Stages.readBlocks(corpus.blocksPath(.test), vocabulary: corpus.vocabulary)
        realBlocks = Stages.blocks(real, length: blockSize)
        self.test = Stages.blocks(test.ids, length: test.blockSize)
        testSentences = try Self.testSentences(of: corpus)
        profile = RealProfile(blocks: realBlocks, vocabularySize: corpus.vocabulary.count)
    }

    /// The real test split's lines, encoded once; tokens outside the vocabulary get an id no
    /// model knows, so they score as the unknown word (as `collapse ngram score` does).
    static func testSentences(of corpus: Corpus) throws -> TrainingSequences? {
        guard let source = corpus.manifest.record(for: .test)?.source, FileSystem.exists(source) else { return nil }
        return try TrainingSequences.read(try Zstd.openReading(path: source), tokenizer: try corpus.vocabulary.tokenizer.makeTokenizer(),
                                          vocabulary: corpus.vocabulary, mode: .sentence, unknownID: Int32(corpus.vocabulary.count))
    }
}

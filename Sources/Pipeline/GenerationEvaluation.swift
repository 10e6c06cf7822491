import Evaluation
import LanguageModeling
import NGram
import Storage
import Tokenization

extension RunExecutor {
    /// Generation k's evaluation: test perplexity, its corpus scored block by block by generation 0
    /// (and, for generation 0, the real training blocks as the reference), tails and diversity.
    func evaluate(seed: UInt64, generation k: Int, model evaluated: NGramLanguageModel, generationZero zero: NGramLanguageModel,
                  trainingBlocks: Int, shared: SharedData) throws {
        let base = "\(directory)/seed-\(seed)/gen-\(k)"
        let testScore = evaluated.score(shared.test, mode: .block).reduce(into: SequenceScore()) { $0 += $1 }
        let generated = Stages.blocks(try readGenerated(seed: seed, generation: k), length: configuration.newTokens)
        let generatedScores = zero.score(generated, mode: .block).map(\.perplexity)
        try writeSequenceTable(generatedScores, to: "\(base)/sequence-perplexity.tsv")
        let reference: PerplexitySummary
        var referenceScores: [Double] = []
        if k == 0 {
            referenceScores = zero.score(shared.realBlocks, mode: .block).map(\.perplexity)
            try writeSequenceTable(referenceScores, to: "\(base)/reference-perplexity.tsv")
            reference = PerplexitySummary(referenceScores)
        } else {
            let file = try verifiedPath("seed-\(seed)/gen-0/metrics.json")
            guard let recorded = try RunDirectory.metrics(at: file).reference else {
                throw CollapseError("generation 0 metrics lack the reference", path: file)
            }
            reference = recorded
        }
        let shares = tailShares(generatedScores, lower: reference.p1, upper: reference.p99)
        let excluded: Set<Int32> = [SpecialToken.startOfSequence.id, SpecialToken.endOfSequence.id]
        var metrics = GenerationMetrics(
            seed: seed, generation: k, trainingBlocks: trainingBlocks,
            testPerplexity: testScore.perplexity, testTokens: testScore.tokens,
            testSentencePerplexity: shared.testSentences.map { sentences in
                evaluated.score(sentences, mode: .sentence).reduce(into: SequenceScore()) { $0 += $1 }.perplexity
            },
            generated: PerplexitySummary(generatedScores), generatedHistogram: LogPerplexityHistogram(generatedScores),
            belowReferenceP1: shares.below, aboveReferenceP99: shares.above,
            corpus: CorpusMetrics(corpus: generated, real: shared.profile, excluded: excluded,
                                  textBytes: try Zstd.contentSize(path: "\(base)/corpus.txt.zst"),
                                  compressedBytes: try InputFile(path: "\(base)/corpus.txt.zst").size))
        if k == 0 {
            metrics.reference = reference
            metrics.referenceHistogram = LogPerplexityHistogram(referenceScores)
            metrics.referenceCorpus = CorpusMetrics(corpus: shared.realBlocks, real: shared.profile, excluded: excluded,
                                                    textBytes: try Zstd.contentSize(path: corpus.textPath(.train)),
                                                    compressedBytes: try InputFile(path: corpus.textPath(.train)).size)
        }
        try FileSystem.writeText(try prettyJSON(metrics), to: "\(base)/metrics.json")
    }

    func writeSequenceTable(_ perplexities: [Double], to path: String) throws {
        var text = "sequence\tperplexity\n"
        for (index, value) in perplexities.enumerated() { text += "\(index)\t\(value)\n" }
        try FileSystem.writeText(text, to: path)
    }
}

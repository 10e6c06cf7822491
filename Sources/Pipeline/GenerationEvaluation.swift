import Evaluation
import LanguageModeling
import Storage

extension RunExecutor {
    /// Generation k's evaluation (`Evaluation.GenerationEvaluation`), written to its files:
    /// `metrics.json`, `sequence-perplexity.tsv`, and for generation 0 `reference-perplexity.tsv`.
    func evaluate(seed: UInt64, generation k: Int, model: any LanguageModel, generationZero: any LanguageModel,
                  trainingBlocks: Int, shared: SharedData) throws {
        let base = "\(directory)/seed-\(seed)/gen-\(k)"
        let reference: GenerationEvaluation.Reference
        if k == 0 {
            reference = .compute(blocks: shared.realBlocks, textBytes: try Zstd.contentSize(path: corpus.textPath(.train)),
                                 compressedBytes: try InputFile(path: corpus.textPath(.train)).size)
        } else {
            let file = try verifiedPath("seed-\(seed)/gen-0/metrics.json")
            guard let recorded = try RunDirectory.metrics(at: file).reference else {
                throw CollapseError("generation 0 metrics lack the reference", path: file)
            }
            reference = .recorded(recorded)
        }
        let evaluation = GenerationEvaluation(
            seed: seed, generation: k, trainingBlocks: trainingBlocks, model: model, generationZero: generationZero,
            test: shared.test, testSentences: shared.testSentences, generated: try readGenerated(seed: seed, generation: k),
            textBytes: try Zstd.contentSize(path: "\(base)/corpus.txt.zst"), compressedBytes: try InputFile(path: "\(base)/corpus.txt.zst").size,
            profile: shared.profile, reference: reference)
        try writeSequenceTable(evaluation.generatedPerplexities, to: "\(base)/sequence-perplexity.tsv")
        if let scores = evaluation.referencePerplexities {
            try writeSequenceTable(scores, to: "\(base)/reference-perplexity.tsv")
        }
        try FileSystem.writeText(try prettyJSON(evaluation.metrics), to: "\(base)/metrics.json")
    }

    func writeSequenceTable(_ perplexities: [Double], to path: String) throws {
        var text = "sequence\tperplexity\n"
        for (index, value) in perplexities.enumerated() { text += "\(index)\t\(value)\n" }
        try FileSystem.writeText(text, to: path)
    }
}

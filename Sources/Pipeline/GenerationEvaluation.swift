import Evaluation
import LanguageModeling
import Storage

extension RunExecutor {
    /// Generation k's evaluation (`Evaluation.GenerationEvaluation`), written to its files:
    /// `metrics.json`, `sequence-perplexity.tsv`, `test-perplexity.tsv`, and for generation 0
    /// `reference-perplexity.tsv`.
    /// - Parameter scored: the perplexities under generation 0 of the generated sequences and
    ///   (generation 0) of the real blocks, when shards scored them already.
    func evaluate(seed: UInt64, generation k: Int, model: any LanguageModel, generationZero: any LanguageModel,
                  trainingBlocks: Int, shared: SharedData, scored: (generated: [Double], reference: [Double]?)? = nil) throws {
        let base = "\(directory)/seed-\(seed)/gen-\(k)"
        let reference: GenerationEvaluation.Reference
        if k == 0 {
            reference = .compute(blocks: shared.realBlocks, textBytes: try Zstd.contentSize(path: corpus.textPath(.train)),
                                 compressedBytes: try InputFile(path: corpus.textPath(.train)).size, perplexities: scored?.reference)
        } else {
            let file = try verifiedPath("seed-\(seed)/gen-0/metrics.json")
            guard let recorded = try RunDirectory.metrics(at: file).reference else {
                throw CollapseError("generation 0 metrics lack the reference", path: file)
            }
            reference = .recorded(recorded)
        }
        let generated = try readGenerated(seed: seed, generation: k)
        if let scored, scored.generated.count != generated.count || (k == 0 && scored.reference?.count != shared.realBlocks.count) {
            throw CollapseError("the shards scored \(scored.generated.count) sequences, generation \(k) wrote \(generated.count)", path: base)
        }
        let evaluation = try GenerationEvaluation(
            seed: seed, generation: k, trainingBlocks: trainingBlocks, model: model, generationZero: generationZero,
            test: shared.test, testSentences: shared.testSentences, generated: generated, generatedPerplexities: scored?.generated,
            textBytes: try Zstd.contentSize(path: "\(base)/corpus.txt.zst"), compressedBytes: try InputFile(path: "\(base)/corpus.txt.zst").size,
            profile: shared.profile, reference: reference)
        try SequenceTable.write(evaluation.generatedPerplexities, to: "\(base)/sequence-perplexity.tsv")
        try SequenceTable.write(evaluation.testPerplexities, to: "\(base)/test-perplexity.tsv")
        if let scores = evaluation.referencePerplexities {
            try SequenceTable.write(scores, to: "\(base)/reference-perplexity.tsv")
        }
        try FileSystem.writeText(try prettyJSON(evaluation.metrics), to: "\(base)/metrics.json")
    }
}

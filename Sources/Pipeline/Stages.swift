import CorpusStore
import Decoding
import Foundation
import LanguageModeling
import Reporting
import Settings
import Storage
import Tokenization

/// Single stages of the pipeline, usable on their own (`collapse generate`) and composed by a run.
public enum Stages {
    /// What a generation stage did.
    public struct GenerationReport: Sendable {
        public var blocks: Int
        public var newTokens: Int
        public var seconds: Double
    }

    /// Writes the continuation of every prompt as a corpus split (`<base>.blocks` and
    /// `<base>.txt.zst`), in prompt order, after checking that the work fits in memory.
    public static func generate(model: any LanguageModel, prompts: TrainingSequences, settings: DecodingSettings,
                                threads: Int, batch: Int, outputBase: String) throws -> GenerationReport {
        let count = prompts.count
        try MemoryBudget.ensure(SyntheticCorpus.estimatedBytes(prompts: count, settings: settings, vocabularySize: model.vocabulary.count,
                                                               threads: threads, batch: batch),
                                for: "writing \(count) continuations of \(settings.newTokens) tokens with \(settings.beams) beams")
        let start = monotonicSeconds()
        let progress = ProgressReporter(stage: "generate", total: count, unit: "blocks")
        let continuations = SyntheticCorpus.continuations(of: prompts, model: model, settings: settings, threads: threads, batch: batch,
                                                          progress: progress)
        progress.finish()
        let writer = try SplitWriter(basePath: outputBase, vocabulary: model.vocabulary, blockSize: settings.newTokens)
        try continuations.ids.withUnsafeBufferPointer { all in
            for index in 0..<count {
                try writer.append(UnsafeBufferPointer(rebasing: all[(index * settings.newTokens)..<((index + 1) * settings.newTokens)]))
            }
        }
        try writer.finish()
        return GenerationReport(blocks: count, newTokens: settings.newTokens, seconds: monotonicSeconds() - start)
    }
}

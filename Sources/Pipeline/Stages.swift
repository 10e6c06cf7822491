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
        let continuations = try SyntheticCorpus.continuations(of: prompts, model: model, settings: settings, threads: threads, batch: batch,
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

    /// Joins shards' splits (`<base>.blocks`, in shard order) into one split at `outputBase`:
    /// the same bytes as the split one pass over every prompt writes. Each shard must be of
    /// `vocabulary` and one block size, and is verified against its checksums as it is read
    /// (nothing is written when one is damaged).
    /// - Returns: the blocks written.
    /// - Complexity: O(total tokens).
    public static func merge(shards: [String], vocabulary: Vocabulary, outputBase: String) throws -> Int {
        guard !shards.isEmpty else { throw CollapseError("nothing to merge: no shards") }
        let readers = try shards.map { try BlockFileReader(path: "\($0).blocks", vocabulary: vocabulary) }
        for (reader, shard) in zip(readers, shards) {
            guard reader.blockSize == readers[0].blockSize else {
                throw CollapseError("blocks of \(reader.blockSize) tokens, the first shard's are \(readers[0].blockSize)", path: "\(shard).blocks")
            }
        }
        let writer = try SplitWriter(basePath: outputBase, vocabulary: vocabulary, blockSize: readers[0].blockSize)
        var written = 0
        for reader in readers {
            try reader.forEachBlock { block in
                try writer.append(block)
                written += 1
            }
        }
        try writer.finish()
        return written
    }
}

import ArgumentParser
import CorpusStore
import Decoding
import Foundation
import LanguageModeling
import ModelFamilies
import Pipeline
import Reporting
import Settings
import Storage

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Continue every block of a block file with beam search; write the continuations as a corpus split.",
        discussion: "Writes <out>.blocks and <out>.txt.zst, one continuation per prompt block, in order. The model's vocabulary must be the prompts' (same corpus).")

    @Option(help: "A model file of any family (\(FamilyRegistry.standard.names.joined(separator: ", "))); n-gram models also as ARPA.")
    var model: String
    @Option(help: "Prompt blocks: a .blocks file, e.g. Corpora/wikitext-2/train.blocks.")
    var prompts: String
    @Option(help: "Output base path (without extension).")
    var out: String
    @Option(help: "Beams (1 = greedy).")
    var beams = DecodingSettings().beams
    @Option(help: "Repetition penalty on log-probabilities of tokens already in the beam (prompt included).")
    var penalty = DecodingSettings().repetitionPenalty
    @Option(help: "New tokens per continuation.")
    var newTokens = DecodingSettings().newTokens
    @OptionGroup var threadsOption: ThreadsOption
    @OptionGroup var batchOption: BatchOption
    @Option(help: "Continue only the first N prompts.")
    var limit: Int?
    @Option(help: "Continue only shard K of N of the prompts (after --limit), K from 0: a contiguous range; `collapse merge` joins the shards' outputs into what one unsharded pass writes.")
    var shard: String?

    func validate() throws {
        try check(beams, DecodingLimits.beams)
        try check(penalty, DecodingLimits.repetitionPenalty)
        try check(newTokens, DecodingLimits.newTokens)
        if let limit { try check(limit, CommandLimits.promptLimit) }
        if let shard { _ = try shardOption(shard) }
    }

    var threads: Int { threadsOption.threads }
    var batch: Int { batchOption.batch }

    func run() throws {
        let log = StageLog("generate")
        log.note("loading \(model)")
        FamilyRegistry.standard.useThreads(threads)
        let languageModel = try FamilyRegistry.standard.load(from: model)
        let reader = try BlockFileReader(path: prompts, vocabulary: languageModel.vocabulary)
        try languageModel.checkFits(promptLength: reader.blockSize, newTokens: newTokens, path: model)
        let shard = try self.shard.map(shardOption)
        let outputs = ["\(out).blocks", "\(out).txt.zst"] + (shard == nil ? [] : [ShardRecord.path(base: out)])
        try OutputPaths.check(outputs: outputs, inputs: [model, prompts])
        var prompts = TrainingSequences(try reader.blocks(limit: limit))
        let total = prompts.count
        if let shard {
            let range = shard.range(of: prompts.count)
            prompts = prompts.sequences(in: range)
            log.note("shard \(shard): prompts \(range.lowerBound)..<\(range.upperBound)")
        }
        log.note("continuing \(prompts.count) prompts on \(threads) threads")
        let settings = DecodingSettings(beams: beams, repetitionPenalty: penalty, newTokens: newTokens)
        let report = try Stages.generate(model: languageModel, prompts: prompts, settings: settings, threads: threads, batch: batch,
                                         outputBase: out)
        if let shard {
            try ShardRecord(shard: shard, prompts: total, promptsChecksum: reader.header.payloadChecksum, modelPath: model,
                            decoding: settings, blocksPath: "\(out).blocks").write(base: out)
        }
        print("blocks: \(report.blocks)")
        print("seconds: \(Format.fixed(report.seconds, digits: 2))")
        print("blocks per second: \(Format.fixed(Double(report.blocks) / report.seconds, digits: 1))")
        print("wrote \(out).blocks and \(out).txt.zst")
    }
}

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join the shards `collapse generate --shard K/N` wrote into one corpus split.",
        discussion: "Writes <out>.blocks and <out>.txt.zst from the shards' .blocks files, in the order given (shard 0 first): the same bytes as one unsharded `collapse generate`. The shards' records (<shard>.shard.json) must show one whole pass: every shard of it once, in order, of the same prompts, model and settings. Each shard is verified against its checksums; nothing is written if one is damaged.")

    @Option(help: "The corpus whose vocabulary the shards use (its vocab.txt).")
    var corpus: String
    @Option(help: "Output base path (without extension).")
    var out: String
    @Argument(help: "The shards' output base paths (what each `generate --out` was given), shard 0 first.")
    var shards: [String]

    func run() throws {
        let opened = try Corpus(path: corpus)
        let bases = shards.map { $0.hasSuffix(".blocks") ? String($0.dropLast(7)) : $0 }
        try OutputPaths.check(outputs: ["\(out).blocks", "\(out).txt.zst"],
                              inputs: opened.files + bases.flatMap { ["\($0).blocks", "\($0).txt.zst", ShardRecord.path(base: $0)] })
        try ShardRecord.checkWholePass(bases, vocabulary: opened.vocabulary)
        let blocks = try Stages.merge(shards: bases, vocabulary: opened.vocabulary, outputBase: out)
        print("blocks: \(blocks)")
        print("wrote \(out).blocks and \(out).txt.zst")
    }
}

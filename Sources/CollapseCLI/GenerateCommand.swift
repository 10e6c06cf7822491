import ArgumentParser
import CorpusStore
import Decoding
import Foundation
import LanguageModeling
import ModelFamilies
import Pipeline
import Reporting
import Settings

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
    var beams = 5
    @Option(help: "Repetition penalty on log-probabilities of tokens already in the beam (prompt included).")
    var penalty: Float = 3.0
    @Option(help: "New tokens per continuation.")
    var newTokens = 64
    @Option(help: "Worker threads (default: all cores). An n-gram's output does not depend on it; a transformer's is the same at a fixed count.")
    var threads = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Prompts decoded together in lockstep. The output does not depend on it.")
    var batch = 16
    @Option(help: "Continue only the first N prompts.")
    var limit: Int?

    func validate() throws {
        try check(beams, Limits.beams, "--beams")
        try check(penalty, Limits.repetitionPenalty, "--penalty")
        try check(newTokens, Limits.newTokens, "--new-tokens")
        try check(threads, Limits.threads, "--threads")
        try check(batch, Limits.batch, "--batch")
        if let limit { try check(limit, Limits.promptLimit, "--limit") }
    }

    func run() throws {
        let log = StageLog("generate")
        log.note("loading \(model)")
        FamilyRegistry.standard.useThreads(threads)
        let languageModel = try FamilyRegistry.standard.load(from: model)
        let reader = try BlockFileReader(path: prompts, vocabulary: languageModel.vocabulary)
        try languageModel.checkFits(promptLength: reader.blockSize, newTokens: newTokens, path: model)
        let blocks = try reader.blocks(limit: limit)
        log.note("continuing \(blocks.count) prompts on \(threads) threads")
        let report = try Stages.generate(model: languageModel, prompts: TrainingSequences(blocks),
                                         settings: DecodingSettings(beams: beams, repetitionPenalty: penalty, newTokens: newTokens),
                                         threads: threads, batch: batch, outputBase: out)
        print("blocks: \(report.blocks)")
        print("seconds: \(Format.fixed(report.seconds, digits: 2))")
        print("blocks per second: \(Format.fixed(Double(report.blocks) / report.seconds, digits: 1))")
        print("wrote \(out).blocks and \(out).txt.zst")
    }
}

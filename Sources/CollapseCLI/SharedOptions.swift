import ArgumentParser
import Decoding
import Foundation
import LanguageModeling
import Pipeline

/// `--threads`, as every command that computes takes it.
struct ThreadsOption: ParsableArguments {
    @Option(help: "Worker threads (default: all cores). An n-gram's results do not depend on it; a transformer's and a VAE's are the same at a fixed count.")
    var threads = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws { try check(threads, RunLimits.threads) }
}

/// `--batch`, as every command that decodes takes it.
struct BatchOption: ParsableArguments {
    @Option(help: "Prompts decoded together in lockstep (the output does not depend on it).")
    var batch = SyntheticCorpus.defaultBatch

    func validate() throws { try check(batch, DecodingLimits.batch) }
}

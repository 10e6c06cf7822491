import ArgumentParser
import CorpusStore
import LanguageModeling
import NGram

import Reporting
import Settings
import Storage
import Tokenization

extension SequenceMode: ExpressibleByArgument {}

struct NGramCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ngram",
        abstract: "Train and score interpolated modified Kneser-Ney n-gram models (KenLM's estimator).",
        subcommands: [Train.self, Score.self])

    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "train",
            abstract: "Estimate a model from a text file; its vocabulary is built from the same file.",
            discussion: "sentence mode: each non-blank line is <s> … </s>. block mode: the <eos>-separated token stream cut into blocks, each <s> t1 … tn </s>.")

        @Option(help: "Order, 2–6.")
        var order: Int
        @Option(help: "sentence or block.")
        var mode: SequenceMode
        @Option(help: "icu or whitespace (default icu; with --corpus, the corpus's own).")
        var tokenizer: TokenizerKind?
        @Option(help: "Training text (.zst allowed); the vocabulary is built from it.")
        var train: String?
        @Option(help: "Or a corpus directory: train on its training blocks with its vocabulary (block mode).")
        var corpus: String?
        @Option(help: "Where to write the model.")
        var out: String
        @Option(help: "Tokens per block in block mode (default 64; with --corpus, the corpus's own).")
        var blockSize: Int?
        @Option(help: "Also write the model as ARPA (.arpa, or .arpa.zst compressed).")
        var arpa: String?
        @Flag(help: "Where counts are too few or irregular for modified Kneser-Ney discounts, use 0.5, 1, 1.5 (KenLM's --discount_fallback).")
        var discountFallback = false

        func validate() throws {
            guard (train == nil) != (corpus == nil) else { throw ValidationError("give exactly one of --train FILE and --corpus DIR") }
            guard corpus == nil || mode == .block else { throw ValidationError("--corpus trains on blocks: use --mode block") }
            try check(order, NGramLimits.order)
            try check(blockSize ?? 64, TokenizationLimits.blockSize)
            guard corpus == nil || (tokenizer == nil && blockSize == nil) else {
                throw ValidationError("with --corpus the tokenizer and block size are the corpus's: drop --tokenizer and --block-size")
            }
            guard blockSize == nil || mode == .block else { throw ValidationError("--block-size applies to --mode block only") }
        }

        func run() throws {
            let inputs = try corpus.map { try Corpus(path: $0).files } ?? (train.map { [$0] } ?? [])
            try OutputPaths.check(outputs: [out] + (arpa.map { [$0] } ?? []), inputs: inputs)
            let start = monotonicSeconds()
            let log = StageLog("ngram train")
            let trained: NGramLanguageModel
            if let corpus {
                log.note("training order \(order) on the blocks of \(corpus)")
                let opened = try Corpus(path: corpus)
                trained = try NGramLanguageModel.train(sequences: TrainingSequences(try opened.blocks(.train).blocks()),
                                                       vocabulary: opened.vocabulary, order: order, mode: .block,
                                                       discountFallback: discountFallback)
            } else if let train {
                trained = try NGramLanguageModel.train(textPath: train, order: order, mode: mode, tokenizer: tokenizer ?? .icu,
                                                       blockSize: blockSize ?? 64, discountFallback: discountFallback,
                                                       stage: log.note)
            } else {
                throw ValidationError("give exactly one of --train FILE and --corpus DIR")
            }
            // The model and its ARPA form land together or not at all.
            try FileSystem.writeTogether([out] + (arpa.map { [$0] } ?? [])) { paths in
                log.note("saving \(out)")
                try trained.save(to: paths[0])
                if let arpa {
                    log.note("writing \(arpa)")
                    do {
                        try ARPA.write(trained, to: paths[1])
                    } catch let error as CollapseError where error.path == paths[1] {
                        throw CollapseError(error.problem, path: arpa)
                    }
                }
            }
            let counts = (1...order).map { Format.grouped(trained.model.count(order: $0)) }.joined(separator: " / ")
            print("n-grams: \(counts)")
            for n in 1...order {
                let d = trained.model.discounts[n]
                print("discounts \(n): \(d.d1) \(d.d2) \(d.d3)")
            }
            print("seconds: \(Format.fixed(monotonicSeconds() - start, digits: 2))")
            print("wrote \(out)" + (arpa.map { " and \($0)" } ?? ""))
        }
    }

    struct Score: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "score",
            abstract: "Perplexity of a text file under a model.",
            discussion: "Prints 'perplexity: <value>', 'tokens: <count>' (predictions, </s> included in sentence mode) and 'unknown: <count>' (tokens outside the model's vocabulary, scored as its unknown word and counted in the total).")

        @Option(help: "A model written by `collapse ngram train`, or an ARPA file (.arpa, .arpa.zst).")
        var model: String
        @Option(help: "Tokenizer for an ARPA model (default whitespace; our own models remember theirs).")
        var tokenizer: TokenizerKind?
        @Option(help: "sentence or block.")
        var mode: SequenceMode
        @Option(help: "Text to score (.zst allowed).")
        var text: String
        @Option(help: "Tokens per block in block mode (default 64).")
        var blockSize: Int?
        @Option(help: "Write each sequence's figures here (TSV: index, tokens, log10, perplexity).")
        var perSequence: String?

        func validate() throws {
            try check(blockSize ?? 64, TokenizationLimits.blockSize)
            guard blockSize == nil || mode == .block else { throw ValidationError("--block-size applies to --mode block only") }
        }

        func run() throws {
            let log = StageLog("ngram score")
            if let perSequence { try OutputPaths.check(outputs: [perSequence], inputs: [model, text]) }
            log.note("loading \(model)")
            let loaded = try NGramLanguageModel.load(from: model, tokenizer: tokenizer ?? .whitespace)
            if let tokenizer, loaded.vocabulary.tokenizer != tokenizer {
                throw CollapseError("the model's tokens are \(loaded.vocabulary.tokenizer.rawValue), not the \(tokenizer.rawValue) of --tokenizer (our models remember theirs: drop it)", path: model)
            }
            log.note("scoring \(text)")
            var rows: [String] = ["sequence\ttokens\tlog10\tperplexity\n"]
            let total = try loaded.score(textPath: text, mode: mode, blockSize: blockSize ?? 64) { index, score in
                if perSequence != nil {
                    rows.append("\(index)\t\(score.tokens)\t\(score.log10Probability)\t\(score.perplexity)\n")
                }
            }
            if let perSequence { try FileSystem.writeText(rows.joined(), to: perSequence) }
            print("perplexity: \(total.perplexity)")
            print("tokens: \(total.tokens)")
            print("unknown: \(total.unknownTokens)")
        }
    }
}

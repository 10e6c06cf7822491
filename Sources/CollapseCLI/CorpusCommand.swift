import ArgumentParser
import CorpusStore
import Reporting
import Settings
import Storage
import Tokenization

extension TokenizerKind: ExpressibleByArgument {}

struct CorpusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "corpus",
        abstract: "Bring in, fetch and inspect corpora.",
        subcommands: [Import.self, Stats.self, Fetch.self, CompareTokenizers.self])

    struct Location: ParsableArguments {
        @Option(name: .customLong("corpora"), help: "Directory that holds corpora.")
        var root = "Corpora"
    }

    struct Preparation: ParsableArguments {
        @Option(help: "Tokenizer: icu (word boundaries) or whitespace (pre-tokenized text).")
        var tokenizer: TokenizerKind = .icu
        @Option(help: "Tokens per block.")
        var blockSize = 64
        @Option(help: "Training tokens seen fewer times become <unk>.")
        var minCount = 1
        @Option(help: "At most this many vocabulary ids (special tokens included).")
        var maxSize: Int?
        @Flag(help: "Replace an existing corpus of the same name.")
        var force = false
        @Option(help: "Import only the first fraction of each split's lines, e.g. 0.1 for a quick subset.")
        var fraction = 1.0

        func validate() throws {
            try check(blockSize, TokenizationLimits.blockSize)
            try check(minCount, TokenizationLimits.minimumCount)
            if let maxSize { try check(maxSize, TokenizationLimits.maximumVocabularySize) }
            try check(fraction, CorpusLimits.fraction)
        }

        var options: ImportOptions {
            var options = ImportOptions()
            options.tokenizer = tokenizer
            options.blockSize = blockSize
            options.minimumCount = minCount
            options.maximumVocabularySize = maxSize
            options.replaceExisting = force
            options.fraction = fraction
            return options
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Import a WikiText-style directory (train/valid/test) as a corpus.",
            discussion: "Reads train.txt, valid.txt, test.txt (or wiki.{train,valid,test}.{tokens,raw}); builds the vocabulary from train and stores each split as zstd-compressed blocks and text under <corpora>/<name>/.")

        @Argument(help: "The directory with the split files.")
        var directory: String
        @Option(help: "Name of the corpus directory to create.")
        var name: String
        @OptionGroup var location: Location
        @OptionGroup var preparation: Preparation

        func run() throws {
            let corpus = try CorpusImporter.importDirectory(directory, name: name, root: location.root, options: preparation.options)
            print("imported \(corpus.path)")
            print(try StatisticsReport.measure(corpus.path, tokenizer: corpus.manifest.tokenizer, blockSize: corpus.manifest.blockSize).rendered(), terminator: "")
        }
    }

    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "stats",
            abstract: "Lines, tokens, types and blocks of a corpus, block file or text file.",
            discussion: "For a corpus directory every block file is verified against its checksum first. types counts distinct tokens of the stream (<eos> included); seen 1 / 2-10 / >10 split them by count.")

        @Argument(help: "A corpus directory, a .blocks file, or a text file (.zst allowed).")
        var path: String
        @Option(help: "Tokenizer for a text file.")
        var tokenizer: TokenizerKind = .icu
        @Option(help: "Tokens per block, for a text file.")
        var blockSize = 64
        @Flag(help: "Print JSON instead of a table.")
        var json = false

        func validate() throws {
            try check(blockSize, TokenizationLimits.blockSize)
        }

        func run() throws {
            let report = try StatisticsReport.measure(path, tokenizer: tokenizer, blockSize: blockSize)
            print(json ? try report.json() : report.rendered(), terminator: "")
        }
    }

    struct Fetch: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fetch",
            abstract: "Download a public corpus and import it.",
            discussion: "Known corpora: \(KnownCorpus.allCases.map(\.rawValue).joined(separator: ", ")).")

        @Argument(help: "Which corpus.")
        var corpus: KnownCorpus
        @Option(help: "Download from this URL instead of the public mirror.")
        var url: String?
        @Option(help: "Name of the corpus directory (default: the corpus's name).")
        var name: String?
        @OptionGroup var location: Location
        @OptionGroup var preparation: Preparation

        func run() throws {
            let imported = try CorpusFetcher.fetch(corpus, from: url, name: name ?? corpus.rawValue,
                                                   root: location.root, options: preparation.options)
            print("imported \(imported.path)")
        }
    }
}

extension KnownCorpus: ExpressibleByArgument {}

extension CorpusCommand {
    struct CompareTokenizers: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "compare-tokenizers",
            abstract: "How ICU tokenization differs from whitespace tokenization on a text file.",
            discussion: "Groups whitespace tokens that ICU splits or drops by shape: letters become a, digits 9 (runs collapsed), ICU's pieces are separated by spaces.")

        @Argument(help: "A text file (.zst allowed).")
        var path: String
        @Option(help: "Show at most this many kinds.")
        var limit = 40

        func validate() throws {
            try check(limit, CommandLimits.kinds)
        }

        func run() throws {
            let comparison = try TokenizerComparison.compare(try Zstd.openReading(path: path))
            print(comparison.rendered(limit: limit), terminator: "")
        }
    }
}

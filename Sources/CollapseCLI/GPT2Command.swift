import ArgumentParser
import CorpusStore
import Foundation
import GPT2
import LanguageModeling
import NeuralNetworks
import Reporting
import Settings
import Storage
import Tokenization
import Pipeline

struct GPT2Command: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gpt2",
        abstract: "Train and score GPT-2-architecture transformers on CPU (checkpoints in Hugging Face's safetensors layout).",
        subcommands: [Train.self, Score.self])


    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "train",
            abstract: "Train a model on a corpus's training blocks; write <out>/model.safetensors and <out>/config.json.",
            discussion: "Each block is read as <s> t1 … t63 and predicts t1 … t64. AdamW (β 0.9/0.95, ε 1e-8, decoupled weight decay on 2-D weights only), linear warm-up then cosine decay to --floor-ratio × the peak, gradient norm clipped; blocks shuffled each epoch from --seed. Prints validation and test perplexity (block convention: every token predicted, the first from <s>).")

        @Option(help: "A corpus directory (its train, valid and test blocks).")
        var corpus: String
        @Option(help: "Output directory.")
        var out: String
        @Option(help: "Transformer blocks.") var layers = 2
        @Option(help: "Embedding width.") var width = 128
        @Option(help: "Attention heads.") var heads = 2
        @Option(help: "Positions (prompt + continuation must fit).") var context = 128
        @Option(help: "Blocks per step.") var batchSize = 32
        @Option(help: "Peak learning rate.") var learningRate = 3e-3
        @Option(help: "Linear warm-up steps.") var warmupSteps = 50
        @Option(help: "The last step's learning rate ÷ the peak.") var floorRatio = 0.1
        @Option(help: "AdamW weight decay (2-D weights).") var weightDecay = 0.1
        @Option(help: "Gradient norm clipping.") var clip = 1.0
        @Option(help: "Passes over the training blocks (default: 1).") var epochs: Int?
        @Option(help: "Optimizer steps (instead of --epochs).") var steps: Int?
        @Option(help: "Stop after this many seconds.") var timeBudget: Double?
        @Option(help: "Measure validation perplexity every N steps.") var evaluateEvery: Int?
        @Option(help: "Seed for initialization and shuffling.") var seed: UInt64 = 1
        @Option(help: "Write the training history (step, tokens, seconds, losses) as TSV.") var log: String?
        @OptionGroup var threads: ThreadsOption

        func validate() throws {
            try check(layers, GPT2Limits.layers)
            try check(width, GPT2Limits.width)
            try check(heads, GPT2Limits.heads)
            try check(context, GPT2Limits.context)
            try check(batchSize, GPT2Limits.batch)
            try check(learningRate, GPT2Limits.learningRate)
            try check(warmupSteps, GPT2Limits.warmupSteps)
            try check(floorRatio, GPT2Limits.floorRatio)
            try check(weightDecay, GPT2Limits.weightDecay)
            try check(clip, GPT2Limits.clip)
            if let epochs { try check(epochs, GPT2Limits.epochs) }
            if let steps { try check(steps, GPT2Limits.steps) }
            if epochs != nil && steps != nil { throw ValidationError("--steps and --epochs contradict each other: give one") }
            if let timeBudget { try check(timeBudget, GPT2Limits.seconds) }
            if let evaluateEvery { try check(evaluateEvery, GPT2Limits.steps, as: "--evaluate-every") }
        }

        var settings: TrainingSettings {
            var settings = TrainingSettings()
            settings.batchSize = batchSize
            settings.learningRate = learningRate
            settings.warmupSteps = warmupSteps
            settings.floorRatio = floorRatio
            settings.weightDecay = weightDecay
            settings.clip = clip
            settings.epochs = epochs ?? 1
            settings.steps = steps
            settings.timeBudget = timeBudget
            settings.evaluateEvery = evaluateEvery
            return settings
        }

        func run() throws {
            Parallel.threads = threads.threads
            let log = StageLog("gpt2 train")
            let opened = try Corpus(path: corpus)
            let configuration = GPT2Configuration(layers: layers, width: width, heads: heads, context: context,
                                                  vocabularySize: opened.vocabulary.count)
            try configuration.validate()
            let blocks = try opened.blocks(.train)
            guard blocks.blockCount >= batchSize else {
                throw CollapseError("\(blocks.blockCount) training blocks make no whole batch of --batch-size \(batchSize)", path: blocks.path)
            }
            try MemoryBudget.ensure(GPT2Training.estimatedBytes(configuration: configuration, batchSize: batchSize, length: blocks.blockSize),
                                    for: "training \(Format.grouped(configuration.parameterCount)) parameters in batches of \(batchSize)")
            try FileSystem.createDirectory(out)
            try OutputPaths.check(outputs: ["\(out)/model.safetensors", "\(out)/config.json"] + (self.log.map { [$0] } ?? []),
                                  inputs: opened.files)
            let train = TrainingSequences(try blocks.blocks())
            let valid = TrainingSequences(try opened.blocks(.valid).blocks())
            log.note("\(Format.grouped(configuration.parameterCount)) parameters; \(train.count) training blocks")
            let result = try GPT2Training.train(configuration: configuration, vocabulary: opened.vocabulary, blocks: train,
                                                validation: valid, settings: settings, seed: seed, note: log.note)
            try result.model.save(to: "\(out)/model.safetensors")
            if let path = self.log { try FileSystem.writeText(GPT2Training.historyTable(result.history), to: path) }
            let test = TrainingSequences(try opened.blocks(.test).blocks())
            let scored = try result.model.perplexities(of: test)
            print("steps: \(result.history.last?.step ?? 0)")
            print("tokens: \(result.history.last?.tokens ?? 0)")
            print("seconds: \(Format.fixed(result.seconds, digits: 1))")
            if let last = result.history.last {
                print("training tokens per second: \(Format.fixed(Double(last.tokens) / last.trainingSeconds, digits: 0))")
            }
            print("validation perplexity: \(result.history.last?.validationLoss.map { exp($0) } ?? .nan)")
            print("test perplexity: \(scored.block)")
            print("test perplexity in-block: \(scored.inBlock)")
            print("wrote \(out)/model.safetensors and \(out)/config.json")
        }
    }

    struct Score: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "score",
            abstract: "Perplexity of a corpus split's blocks under a model.",
            discussion: "Prints 'perplexity:' (block convention: every token predicted, the first from <s> alone, as the n-gram's block mode), 'perplexity in-block:' (tokens 2… predicted from the earlier tokens of their block only, as language-model training code usually evaluates) and 'tokens:'.")

        @Option(help: "A checkpoint (model.safetensors, or a directory holding one).")
        var model: String
        @Option(help: "A .blocks file to score.")
        var blocks: String
        @Option(help: "The corpus whose vocabulary a checkpoint without its own uses (a Hugging Face one).")
        var corpus: String?
        @Option(help: "Write each block's perplexity (TSV: index, tokens, log10, perplexity).")
        var perSequence: String?
        @OptionGroup var threads: ThreadsOption

        func run() throws {
            Parallel.threads = threads.threads
            let file = FileSystem.isDirectory(model) ? "\(model)/model.safetensors" : model
            let opened = try corpus.map { try Corpus(path: $0) }
            let vocabulary = opened?.vocabulary
            if let perSequence {
                try OutputPaths.check(outputs: [perSequence], inputs: [file, "\(FileSystem.parent(of: file))/config.json", blocks] + (opened?.files ?? []))
            }
            let loaded = try GPT2LanguageModel.load(from: file, vocabulary: vocabulary)
            let sequences = TrainingSequences(try BlockFileReader(path: blocks, vocabulary: loaded.vocabulary).blocks())
            guard sequences.count > 0 else { throw CollapseError("nothing to score: no blocks", path: blocks) }
            if let perSequence {
                var text = "sequence\ttokens\tlog10\tperplexity\n"
                for (index, score) in try loaded.score(sequences, mode: .block).enumerated() {
                    text += "\(index)\t\(score.tokens)\t\(score.log10Probability)\t\(score.perplexity)\n"
                }
                try FileSystem.writeText(text, to: perSequence)
            }
            let scored = try loaded.perplexities(of: sequences)
            print("perplexity: \(scored.block)")
            print("perplexity in-block: \(scored.inBlock)")
            print("tokens: \((0..<sequences.count).reduce(0) { $0 + sequences[$1].count })")
        }
    }
}

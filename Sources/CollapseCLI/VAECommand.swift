import ArgumentParser
import Foundation
import NeuralNetworks
import Settings
import Storage
import VAE
import Pipeline

struct VAECommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vae",
        abstract: "The recursive VAE on 8×8 handwritten digits (§5.1, Fig. 8–9): each generation learns from its predecessor's samples.",
        discussion: """
            Generation 0 learns the real digits; generation n learns from --samples images sampled by generation n−1 (decoder means at latent points \
            from the prior), all of them (replace) or with a fresh random --real-fraction of real digits (real-fraction). Each generation's samples \
            are judged by generation 0 (negative ELBO, nats per image) and measured for variety (mean pairwise distance) and coverage (classes of \
            their nearest real digits). Writes DIR/seed-S/gen-K/{model.safetensors,samples.tsv,samples.svg,elbo.tsv,metrics.json}, DIR/metrics.tsv \
            and DIR/report.html; --resume continues an interrupted run with the same files as an uninterrupted one.
            """)

    @Option(help: "The digits: a CSV file (.csv or .csv.gz: 64 pixels 0…16 and a label per line) or a directory holding digits.csv.gz. Default: $DIGITS_DIR.")
    var digits: String?
    @Option(help: "The run directory (default Runs/vae-<regime>).") var out: String?
    @Flag(help: "Continue the run in --out after its last finished generation.") var resume = false
    @Option(help: "Generations, generation 0 included.") var generations = 10
    @Option(help: "What generations after the first learn from: replace or real-fraction.") var regime = "replace"
    @Option(help: "With real-fraction: the share γ of real digits in each later generation's training set (default 0.1).") var realFraction: Double?
    @Option(help: "Images each generation samples (default: as many as the real digits).") var samples: Int?
    @Option(help: "Seeds, comma-separated; each is a run of its own.") var seeds = "1"
    @Option(help: "Hidden units of the encoder's and the decoder's layer.") var hidden = 128
    @Option(help: "Latent dimensions.") var latent = 8
    @Option(help: "σ of the Gaussian pixel likelihood (pixels scaled to [0, 1]).") var pixelDeviation = 0.1
    @Option(help: "Training epochs per generation.") var epochs = 200
    @Option(help: "Images per Adam step.") var batchSize = 64
    @Option(help: "Adam's learning rate.") var learningRate = 1e-3
    @Option(help: "Reparameterised draws averaged in each image's ELBO under generation 0.") var draws = 8
    @OptionGroup var threadsOption: ThreadsOption
    var threads: Int { threadsOption.threads }

    func runConfiguration() throws -> VAERunConfiguration {
        guard let regime = VAERunConfiguration.Regime(rawValue: regime) else {
            throw ValidationError("--regime must be one of \(VAERunConfiguration.Regime.allCases.map(\.rawValue).joined(separator: ", ")), not '\(self.regime)'")
        }
        var configuration = VAERunConfiguration()
        configuration.generations = generations
        configuration.regime = regime
        if regime == .replace, realFraction != nil { throw ValidationError("--real-fraction is only taken with --regime real-fraction") }
        configuration.realFraction = regime == .realFraction ? realFraction ?? 0.1 : 0
        configuration.samples = samples
        configuration.seeds = try seeds.split(separator: ",").map {
            guard let seed = UInt64($0.trimmingCharacters(in: .whitespaces)) else { throw ValidationError("--seeds takes whole numbers separated by commas; '\($0)' is not one") }
            return seed
        }
        configuration.architecture = VAEArchitecture(hidden: hidden, latent: latent, pixelDeviation: pixelDeviation)
        configuration.training = VAETraining(epochs: epochs, batchSize: batchSize, learningRate: learningRate)
        configuration.draws = draws
        return configuration
    }

    func validate() throws {
        do { try runConfiguration().validate() } catch let error as CollapseError { throw ValidationError(error.problem) }
        guard digits ?? ProcessInfo.processInfo.environment["DIGITS_DIR"] != nil else {
            throw ValidationError("give the digits with --digits PATH (or set DIGITS_DIR)")
        }
    }

    func run() throws {
        Parallel.threads = threads
        let configuration = try runConfiguration()
        let path = digits ?? ProcessInfo.processInfo.environment["DIGITS_DIR"] ?? ""
        let run = VAERun(directory: out ?? "Runs/vae-\(configuration.regime.rawValue)", configuration: configuration)
        let result = try run.execute(digits: path, resume: resume)
        print(result.table(), terminator: "")
        print("wrote \(run.directory)/metrics.tsv, \(run.directory)/report.html")
    }
}

import ArgumentParser
import Foundation
import Settings
import Storage
import Theory
import Pipeline

struct TheoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "theory",
        abstract: "The paper's closed-form experiments: collapse where the theory is known, checked against simulation.",
        subcommands: [Gaussian.self, Discrete.self, Mixture.self])

    /// Options every experiment has.
    struct Common: ParsableArguments {
        @Option(help: "Independent runs (Monte-Carlo repetitions).") var runs: Int?
        @Option(help: "Seed: the same seed gives the same output at any thread count.") var seed: UInt64 = 1
        @OptionGroup var threadsOption: ThreadsOption
        @Option(help: "Output directory (TSV, JSON and report.html).") var out: String?

        var threads: Int { threadsOption.threads }
    }

    /// Runs an experiment's own checks as option errors.
    static func validate(_ experiment: some TheoryExperiment) throws {
        do { try experiment.validate() } catch let error as CollapseError { throw ValidationError(error.problem) }
    }

    /// Simulates, writes the result into `--out` (or `Runs/<name>`) and prints its table.
    static func execute<Experiment: TheoryExperiment>(_ experiment: Experiment, common: Common, name: String) throws {
        let result = experiment.simulate(threads: common.threads)
        let directory = common.out ?? "Runs/\(name)"
        try result.write(to: directory)
        print(result.summary(), terminator: "")
        print("wrote \(Experiment.Result.files.map { "\(directory)/\($0)" }.joined(separator: ", "))")
    }

    struct Gaussian: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "gaussian",
            abstract: "Fit a Gaussian to M samples of the previous fit, generation after generation (§4.2, Fig. 4–6).",
            discussion: "Prints Var(Xⁿ) and E[W₂²] by generation beside σ²(1 + n/M), the exact E[W₂²], its first-order expansion and the paper's printed formula, with Monte-Carlo standard errors.")

        @Option(parsing: .unconditional, help: "μ of the real distribution.") var mean = 0.0
        @Option(parsing: .unconditional, help: "σ² of the real distribution.") var variance = 1.0
        @Option(help: "M: samples per generation.") var samples = 100
        @Option(help: "Generations.") var generations = 50
        @Option(help: "What each fit sees: replace (M samples of the last fit), pool (M drawn from all data so far), accumulate (all data so far).")
        var regime = "replace"
        @OptionGroup var common: Common

        var experiment: GaussianExperiment {
            var experiment = GaussianExperiment()
            (experiment.mean, experiment.variance, experiment.samples, experiment.generations) = (mean, variance, samples, generations)
            experiment.runs = common.runs ?? 1_000
            experiment.seed = common.seed
            experiment.regime = GaussianExperiment.Regime(rawValue: regime) ?? .replace
            return experiment
        }

        func validate() throws {
            guard GaussianExperiment.Regime(rawValue: regime) != nil else {
                throw ValidationError("--regime must be one of \(GaussianExperiment.Regime.allCases.map(\.rawValue).joined(separator: ", ")), not '\(regime)'")
            }
            try TheoryCommand.validate(experiment)
        }

        func run() throws {
            try TheoryCommand.execute(experiment, common: common, name: "theory-gaussian-\(regime)")
        }
    }

    struct Discrete: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "discrete",
            abstract: "Re-estimate a categorical distribution from M samples of the previous estimate (§4.1).",
            discussion: "Prints the surviving states and lost tail mass by generation, and how often each state absorbs the chain beside its probability.")

        @Option(help: "The starting probabilities, comma-separated (they must sum to 1).") var probabilities = "0.4,0.25,0.15,0.12,0.08"
        @Option(help: "Instead of --probabilities: a Zipf distribution over this many states.") var zipfStates: Int?
        @Option(help: "With --zipf-states: the exponent s of p ∝ 1/iˢ.") var zipfExponent = 1.0
        @Option(help: "M: samples per generation.") var samples = 100
        @Option(help: "Generations reported one by one (absorption is followed further).") var generations = 200
        @Option(help: "A run still not absorbed after this many generations stops.") var maxGenerations = 100_000
        @OptionGroup var common: Common

        func experiment() throws -> DiscreteExperiment {
            var experiment = DiscreteExperiment()
            if let zipfStates {
                guard zipfStates >= 2 else { throw ValidationError("--zipf-states must be at least 2, not \(zipfStates)") }
                guard zipfExponent.isFinite, zipfExponent >= 0 else { throw ValidationError("--zipf-exponent must be non-negative") }
                experiment.probabilities = DiscreteExperiment.zipf(states: zipfStates, exponent: zipfExponent)
            } else {
                experiment.probabilities = try probabilities.split(separator: ",").map {
                    guard let value = Double($0.trimmingCharacters(in: .whitespaces)) else {
                        throw ValidationError("--probabilities takes numbers separated by commas, e.g. 0.5,0.3,0.2; '\($0)' is not one")
                    }
                    return value
                }
            }
            (experiment.samples, experiment.reportedGenerations, experiment.maximumGenerations) = (samples, generations, maxGenerations)
            experiment.runs = common.runs ?? 10_000
            experiment.seed = common.seed
            return experiment
        }

        func validate() throws { try TheoryCommand.validate(try experiment()) }

        func run() throws { try TheoryCommand.execute(try experiment(), common: common, name: "theory-discrete") }
    }

    struct Mixture: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "gmm",
            abstract: "Fit a Gaussian mixture by EM to M samples of the previous fit (§5.1, Fig. 7 and 13).",
            discussion: "Prints the L2 distance between each generation's fit and the real density, per M; the report draws the curves and a few fitted densities.")

        @Option(help: "Component weights, comma-separated (they must sum to 1).") var weights = "0.5,0.5"
        @Option(parsing: .unconditional, help: "Component means, comma-separated.") var means = "-2,2"
        @Option(parsing: .unconditional, help: "Component standard deviations, comma-separated.") var deviations = "1,1"
        @Option(help: "Values of M to compare, comma-separated.") var samples = "100,500,2000"
        @Option(help: "Generations.") var generations = 50
        @Option(help: "Generations whose fitted density the report draws (run 0, smallest M), comma-separated.") var snapshots = "0,10,25,49"
        @OptionGroup var common: Common

        static func numbers<T: LosslessStringConvertible>(_ text: String, option: String) throws -> [T] {
            try text.split(separator: ",").map {
                guard let value = T(String($0).trimmingCharacters(in: .whitespaces)) else {
                    throw ValidationError("\(option) takes numbers separated by commas; '\($0)' is not one")
                }
                return value
            }
        }

        func experiment() throws -> MixtureExperiment {
            var experiment = MixtureExperiment()
            experiment.real = GaussianMixture(weights: try Self.numbers(weights, option: "--weights"), means: try Self.numbers(means, option: "--means"),
                                              deviations: try Self.numbers(deviations, option: "--deviations"))
            experiment.sampleSizes = try Self.numbers(samples, option: "--samples")
            experiment.snapshots = try Self.numbers(snapshots, option: "--snapshots")
            experiment.generations = generations
            experiment.runs = common.runs ?? 20
            experiment.seed = common.seed
            return experiment
        }

        func validate() throws { try TheoryCommand.validate(try experiment()) }

        func run() throws { try TheoryCommand.execute(try experiment(), common: common, name: "theory-gmm") }
    }
}

import Foundation
import NeuralNetworks
import Storage
import Testing
import TestSupport
@testable import VAE

/// A run small enough for the suite: 200 synthetic digits, a narrow network, a few epochs.
func tinyVAEConfiguration(generations: Int = 3) -> VAERunConfiguration {
    var configuration = VAERunConfiguration()
    configuration.generations = generations
    configuration.seeds = [4, 9]
    configuration.architecture = VAEArchitecture(hidden: 24, latent: 3)
    configuration.training = VAETraining(epochs: 4, batchSize: 32)
    configuration.draws = 2
    return configuration
}

func writeSyntheticDigits(in root: String, count: Int = 200) throws -> String {
    let path = "\(root)/digits.csv"
    try syntheticDigitsCSV(count: count).write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

@Suite(.serialized) struct VAERunTests {
    @Test func aRunWritesEveryGenerationAndRepeatsItselfByteForByte() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let digits = try writeSyntheticDigits(in: root)
        let result = try VAERun(directory: "\(root)/a", configuration: tinyVAEConfiguration()).execute(digits: digits, resume: false)
        #expect(result.seeds.count == 2 && result.seeds.allSatisfy { $0.generations.count == 3 })
        let first = try vaeRunFiles("\(root)/a")
        for file in ["metrics.tsv", "report.html", "config.json", "real-digits.svg", "seed-4/gen-0/reference.json", "seed-9/gen-2/samples.svg",
                     "seed-9/gen-2/model.safetensors", "seed-9/gen-2/elbo.tsv"] {
            #expect(first[file] != nil, "\(file) missing")
        }
        let samples = try DigitSet.read(path: "\(root)/a/seed-4/gen-1/samples.tsv")
        #expect(samples.count == 200)
        let report = String(decoding: first["report.html"] ?? Data(), as: UTF8.self)
        #expect(report.components(separatedBy: "<svg").count - 1 >= 4 + 2 + 5)
        // Different seeds are different runs.
        #expect(first["seed-4/gen-1/samples.tsv"] != first["seed-9/gen-1/samples.tsv"])
        _ = try VAERun(directory: "\(root)/b", configuration: tinyVAEConfiguration()).execute(digits: digits, resume: false)
        #expect(try vaeRunFiles("\(root)/b") == first)
    }

    @Test func resumingAfterALostGenerationEndsWithTheSameFiles() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let digits = try writeSyntheticDigits(in: root)
        let configuration = tinyVAEConfiguration()
        _ = try VAERun(directory: "\(root)/whole", configuration: configuration).execute(digits: digits, resume: false)
        let expected = try vaeRunFiles("\(root)/whole")
        // As if killed while seed 9's generation 1 was being written: its record and later ones
        // gone, a half-written file left, generation 2's files damaged.
        let run = "\(root)/cut"
        _ = try VAERun(directory: run, configuration: configuration).execute(digits: digits, resume: false)
        var manifest = try VAEManifest.load(in: run)
        manifest.stages["seed-9/gen-1"] = nil
        try manifest.save(in: run)
        try "partial".write(toFile: "\(run)/seed-9/gen-1/samples.tsv.tmp-1-1", atomically: true, encoding: .utf8)
        try "damaged".write(toFile: "\(run)/seed-9/gen-2/samples.tsv", atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(atPath: "\(run)/report.html")
        let seed4Model = try Data(contentsOf: URL(fileURLWithPath: "\(run)/seed-4/gen-2/model.safetensors"))
        _ = try VAERun(directory: run, configuration: configuration).execute(digits: digits, resume: true)
        #expect(try vaeRunFiles(run) == expected)
        #expect(try Data(contentsOf: URL(fileURLWithPath: "\(run)/seed-4/gen-2/model.safetensors")) == seed4Model)
    }

    @Test func anExistingRunIsNeitherOverwrittenNorResumedWithOtherSettings() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let digits = try writeSyntheticDigits(in: root)
        _ = try VAERun(directory: "\(root)/run", configuration: tinyVAEConfiguration(generations: 1)).execute(digits: digits, resume: false)
        let before = try vaeRunFiles("\(root)/run")
        let attempts: [(VAERunConfiguration, Bool, String)] = [
            (tinyVAEConfiguration(generations: 1), false, "already holds a VAE run"),
            (tinyVAEConfiguration(generations: 2), true, "another configuration"),
        ]
        for (configuration, resume, fragment) in attempts {
            do {
                _ = try VAERun(directory: "\(root)/run", configuration: configuration).execute(digits: digits, resume: resume)
                Issue.record("accepted")
            } catch let error as CollapseError {
                #expect(error.description.contains(fragment) && error.path == "\(root)/run", "\(error)")
            }
        }
        #expect(try vaeRunFiles("\(root)/run") == before)
    }

    @Test func realFractionMixesFreshRealDigitsIntoEachLaterGeneration() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let digits = try writeSyntheticDigits(in: root)
        var configuration = tinyVAEConfiguration()
        configuration.regime = .realFraction
        configuration.realFraction = 0.1
        configuration.samples = 150
        let result = try VAERun(directory: "\(root)/run", configuration: configuration).execute(digits: digits, resume: false)
        for (_, generations) in result.seeds {
            #expect(generations[0].trainingImages == 200 && generations[0].realTrainingImages == 200)
            #expect(generations[1...].allSatisfy { $0.trainingImages == 150 && $0.realTrainingImages == 15 })
        }
        let run = VAERun(directory: "\(root)/run", configuration: configuration)
        let real = try DigitSet.load(path: digits)
        let previous = try DigitSet.read(path: "\(root)/run/seed-4/gen-0/samples.tsv")
        let (set1, _) = run.trainingSet(1, seed: 4, real: real, previous: previous)
        let (set2, _) = run.trainingSet(2, seed: 4, real: real, previous: previous)
        // The real part is drawn afresh each generation; the rest is the previous generation's samples.
        #expect(set1.subset(Array(0..<15)) != set2.subset(Array(0..<15)))
        #expect(set1.subset(Array(15..<150)) == previous.subset(Array(0..<135)))
    }

    @Test func trainingIsTheSameAtEveryThreadCount() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        // Large enough that the products and the GELU loops split over the threads.
        let digits = try DigitSet.load(path: try writeSyntheticDigits(in: root, count: 600))
        let training = VAETraining(epochs: 3, batchSize: 512)
        var results: [[Float]] = []
        let saved = Parallel.threads
        defer { Parallel.threads = saved }
        for threads in [1, 2] {
            Parallel.threads = threads
            let model = VariationalAutoencoder<Float>(architecture: VAEArchitecture(hidden: 512, latent: 5), seed: 3)
            let losses = training.train(model, on: digits, seed: 11, stage: "test")
            #expect(losses.count == 3 && losses[2] < losses[0])
            results.append(Array(UnsafeBufferPointer(start: model.parameters.pointer, count: model.parameters.count)))
        }
        #expect(results[0] == results[1])
    }
}

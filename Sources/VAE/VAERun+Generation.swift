import Foundation
import Reporting
import Statistics
import Storage

extension VAERun {
    /// Trains, samples and measures one generation; returns the files it wrote (relative paths).
    /// - Parameter realStatistics: the real digits' own measures, taken by the first generation 0 that needs them.
    func runGeneration(_ generation: Int, seed: UInt64, real: DigitSet, state: inout SeedState,
                       realStatistics: inout SampleStatistics?) throws -> [String] {
        let relative = generationDirectory(seed: seed, generation: generation)
        let folder = "\(directory)/\(relative)"
        if FileSystem.exists(folder) { try FileSystem.remove(folder) }
        try FileSystem.createDirectory(folder)
        try loadEarlierGenerations(before: generation, seed: seed, state: &state)
        let log = StageLog("vae seed \(seed) generation \(generation)")
        let (training, realCount) = trainingSet(generation, seed: seed, real: real, previous: state.previousSamples)
        let model = VariationalAutoencoder<Float>(architecture: configuration.architecture, seed: self.seed(seed, generation, .initialization))
        let history = configuration.training.train(model, on: training, seed: self.seed(seed, generation, .training),
                                                   stage: "seed \(seed) generation \(generation) train")
        let samples = model.sample(count: configuration.samples ?? real.count, seed: self.seed(seed, generation, .sampling))
        let judgingSeed = self.seed(seed, 0, .judging)
        var files = ["model.safetensors", "training.tsv", "samples.tsv", "samples.svg", "elbo.tsv", "metrics.json"]
        if generation == 0 {
            let realScores = model.negativeELBO(of: real, draws: configuration.draws, seed: judgingSeed)
            state.judge = model
            let statistics = realStatistics ?? SampleStatistics.measure(real, against: real, isReal: true)
            realStatistics = statistics
            state.reference = VAEReference(seed: seed, negativeELBO: PercentileSummary(realScores), meanNegativeELBO: mean(realScores),
                                           statistics: statistics)
            try writeNumbers(realScores, to: "\(folder)/real-elbo.tsv")
            try FileSystem.writeText(try prettyJSON(state.reference), to: "\(folder)/reference.json")
            files += ["real-elbo.tsv", "reference.json"]
        }
        guard let judge = state.judge, let reference = state.reference else { preconditionFailure("generation 0 is loaded before later ones") }
        let scores = judge.negativeELBO(of: samples, draws: configuration.draws, seed: judgingSeed)
        let realMean = generation == 0 ? reference.meanNegativeELBO
            : mean(model.negativeELBO(of: real, draws: configuration.draws, seed: judgingSeed))
        let metrics = VAEGenerationMetrics(
            seed: seed, generation: generation, trainingImages: training.count, realTrainingImages: realCount,
            finalTrainingLoss: history.last ?? .nan, realNegativeELBO: realMean,
            sampleNegativeELBO: PercentileSummary(scores), meanSampleNegativeELBO: mean(scores),
            aboveRealP99: share(scores) { $0 > reference.negativeELBO.p99 }, belowRealP1: share(scores) { $0 < reference.negativeELBO.p1 },
            statistics: SampleStatistics.measure(samples, against: real))
        try model.save(to: "\(folder)/model.safetensors")
        try FileSystem.writeText(history.enumerated().map { "\($0.offset + 1)\t\($0.element)\n" }.joined(), to: "\(folder)/training.tsv")
        try samples.write(to: "\(folder)/samples.tsv")
        try FileSystem.writeText(DigitGrid.svg(samples), to: "\(folder)/samples.svg")
        try writeNumbers(scores, to: "\(folder)/elbo.tsv")
        try FileSystem.writeText(try prettyJSON(metrics), to: "\(folder)/metrics.json")
        state.previousSamples = samples
        log.note("loss \(Format.fixed(metrics.finalTrainingLoss, digits: 2)), "
            + "samples' −ELBO under generation 0 p50 \(Format.fixed(metrics.sampleNegativeELBO.p50, digits: 1)), "
            + "effective classes \(Format.fixed(metrics.statistics.effectiveClasses, digits: 2)), "
            + "pairwise distance \(Format.fixed(metrics.statistics.meanPairwiseDistance, digits: 3))")
        return files.map { "\(relative)/\($0)" }
    }

    /// The images generation `generation` learns from and how many of them are real.
    func trainingSet(_ generation: Int, seed: UInt64, real: DigitSet, previous: DigitSet?) -> (DigitSet, Int) {
        guard generation > 0, let previous else { return (real, real.count) }
        let total = previous.count
        let realCount = Int((configuration.realFraction * Double(total)).rounded())
        guard realCount > 0 else { return (previous, 0) }
        var random = SplitMix64(seed: self.seed(seed, generation, .realPick))
        var picked: [Int] = []
        while picked.count < realCount { picked += Array(0..<real.count).shuffled(using: &random) }
        let realPart = real.subset(Array(picked.prefix(realCount)))
        let generated = previous.subset(Array(0..<(total - realCount)))
        return (DigitSet(values: realPart.values + generated.values), realCount)
    }

    /// Generation 0's model and reference, and the previous generation's samples, from disk
    /// when this process did not make them.
    func loadEarlierGenerations(before generation: Int, seed: UInt64, state: inout SeedState) throws {
        guard generation > 0 else { return }
        let first = "\(directory)/\(generationDirectory(seed: seed, generation: 0))"
        if state.judge == nil { state.judge = try VariationalAutoencoder<Float>.load(path: "\(first)/model.safetensors") }
        if state.reference == nil { state.reference = try readJSON(VAEReference.self, from: "\(first)/reference.json") }
        if state.previousSamples == nil {
            state.previousSamples = try DigitSet.read(path: "\(directory)/\(generationDirectory(seed: seed, generation: generation - 1))/samples.tsv")
        }
    }
}

private func mean(_ values: [Double]) -> Double { values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count) }

private func share(_ values: [Double], where predicate: (Double) -> Bool) -> Double {
    values.isEmpty ? 0 : Double(values.lazy.filter(predicate).count) / Double(values.count)
}

import LanguageModeling
import Storage
import Tokenization

/// The blocks model k of a seed learns from, assembled by the run's regime at most
/// once: training, `previous` prompts and evaluation all ask for them, and under `accumulate`
/// assembling them reads every earlier corpus.
struct TrainingBlocks {
    let executor: RunExecutor
    let shared: SharedData
    let seed: UInt64
    let generation: Int
    private var assembled: TrainingSequences?

    init(executor: RunExecutor, shared: SharedData, seed: UInt64, generation: Int) {
        self.executor = executor
        self.shared = shared
        self.seed = seed
        self.generation = generation
    }

    mutating func blocks() throws -> TrainingSequences {
        if let assembled { return assembled }
        let blocks = try assemble()
        assembled = blocks
        return blocks
    }

    private func assemble() throws -> TrainingSequences {
        let configuration = executor.configuration
        if generation == 0 { return shared.realBlocks }
        let previous = try executor.readGenerated(seed: seed, generation: generation - 1)
        switch configuration.regime {
        case .replace:
            return TrainingSequences(previous)
        case .realFraction:
            let count = shared.real.count
            let chosen = realSubset(seed: seed, generation: generation, count: count, fraction: configuration.realFraction ?? 0)
            var result = TrainingSequences()
            for index in 0..<count { result.append(chosen[index] ? shared.real[index] : previous[index]) }
            return result
        case .accumulate:
            var result = shared.realBlocks
            for earlier in 0..<generation {
                let generated = try executor.readGenerated(seed: seed, generation: earlier)
                for index in 0..<generated.count { result.append(generated[index]) }
            }
            return result
        }
    }
}

/// A fresh random subset of `fraction`·count block indices for (seed, generation): the real
/// blocks of a `real-fraction` generation.
func realSubset(seed: UInt64, generation: Int, count: Int, fraction: Double) -> [Bool] {
    var random = SplitMix64(seed: seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(generation))
    var order = Array(0..<count)
    for i in stride(from: count - 1, to: 0, by: -1) {
        let j = Int(random.next() % UInt64(i + 1))
        order.swapAt(i, j)
    }
    var chosen = [Bool](repeating: false, count: count)
    for index in order.prefix(Int((fraction * Double(count)).rounded())) { chosen[index] = true }
    return chosen
}

import Foundation
import Testing
import TestSupport
@testable import GPT2
@testable import LanguageModeling
@testable import NeuralNetworks
@testable import Tokenization
import Settings
import Storage

/// Random blocks over a small vocabulary, and a vocabulary for them.
func smallTrainingData(blocks: Int, length: Int, seed: UInt64) throws -> (Vocabulary, TrainingSequences) {
    var counts = TokenCounts()
    let words = (0..<20).map { "w\($0)" }
    try TextScanner.scan(MemorySource(words.joined(separator: " ") + "\n"), tokenizer: WhitespaceTokenizer(), into: &counts)
    let vocabulary = try Vocabulary.build(from: counts, tokenizer: .whitespace)
    var random = SplitMix64(seed: seed)
    var sequences = TrainingSequences()
    for _ in 0..<blocks {
        sequences.append((0..<length).map { _ in Int32(4 + Int(random.next() % 10) * Int(random.next() % 2 + 1)) })
    }
    return (vocabulary, sequences)
}

@Suite(.serialized) struct TrainingTests {
    func train(seed: UInt64, threads: Int) throws -> GPT2Training.Result {
        let (vocabulary, blocks) = try smallTrainingData(blocks: 64, length: 12, seed: 3)
        var settings = TrainingSettings()
        settings.batchSize = 8
        settings.epochs = 2
        settings.warmupSteps = 3
        settings.learningRate = 0.01
        Parallel.threads = threads
        defer { Parallel.threads = 2 }
        return try GPT2Training.train(configuration: GPT2Configuration(layers: 2, width: 16, heads: 2, context: 16, vocabularySize: vocabulary.count),
                                      vocabulary: vocabulary, blocks: blocks, validation: blocks.prefix(16), settings: settings, seed: seed)
    }

    func bytes(_ result: GPT2Training.Result) -> [Float] {
        Array(UnsafeBufferPointer(start: result.model.parameters.pointer, count: result.model.parameters.count))
    }

    @Test func trainingIsDeterministicForASeedWhateverTheThreadCount() throws {
        let first = try train(seed: 5, threads: 2)
        for threads in [1, 2, 3] {
            let again = try train(seed: 5, threads: threads)
            #expect(bytes(first) == bytes(again), "\(threads) threads")
            #expect(first.history.map(\.trainingLoss) == again.history.map(\.trainingLoss))
        }
        #expect(bytes(first) != bytes(try train(seed: 6, threads: 2)))
    }

    @Test func trainingLowersTheLossAndRecordsEveryEpoch() throws {
        let result = try train(seed: 1, threads: 2)
        // 64 blocks in batches of 8: 8 steps an epoch, 2 epochs.
        #expect(result.history.map(\.step) == [8, 16])
        let losses = result.history.compactMap(\.validationLoss)
        #expect(losses.count == 2 && losses[1] < losses[0] && losses[0] < log(Double(24)))
    }

    @Test func theScheduleWarmsUpThenDecaysToItsFloor() {
        let schedule = LearningRateSchedule(peak: 1, warmupSteps: 4, floorRatio: 0.1, totalSteps: 14)
        #expect(schedule.rate(at: 0) == 0.25 && schedule.rate(at: 3) == 1)
        #expect(abs(schedule.rate(at: 4) - 1) < 1e-12)
        #expect(abs(schedule.rate(at: 13) - 0.1) < 1e-12)
        #expect(schedule.rate(at: 8) < schedule.rate(at: 5) && schedule.rate(at: 8) > 0.1)
    }
}

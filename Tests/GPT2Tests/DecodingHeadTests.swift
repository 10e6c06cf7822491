import Foundation
import Testing
@testable import GPT2
@testable import LanguageModeling
import NeuralNetworks
import Storage

/// The fused decoding head (blocks of classes folded lane by lane into each row's log-sum and
/// best logits) against the dense reference decoder (every id scored and sorted), on a
/// vocabulary that gives every lane several blocks and a ragged last one.
@Suite struct DecodingHeadTests {
    static let vocabularySize = 4 * DecodingHead.columns * 2 + 333

    /// A random model with peaked distributions (weights 0.3·N, as the perturbed reference
    /// model: near-ties would let the two paths' rounding decide the order).
    static func model() throws -> GPT2LanguageModel {
        let configuration = GPT2Configuration(layers: 1, width: 32, heads: 2, context: 32, vocabularySize: vocabularySize)
        let layout = GPT2Layout(configuration)
        let parameters: TensorBuffer<Float> = layout.initialized(seed: 3)
        for i in 0..<parameters.count { parameters[i] *= 15 }
        return try GPT2LanguageModel(configuration: configuration, vocabulary: try placeholderVocabulary(size: vocabularySize),
                                     parameters: parameters)
    }

    @Test func candidatesEqualTheDenseReferenceWithPenaltiesInEveryLane() throws {
        let model = try Self.model()
        var random = SplitMix64(seed: 17)
        let prompts = (0..<9).map { row in (0..<(row + 2)).map { _ in Int32.random(in: 4..<Int32(Self.vocabularySize), using: &random) } }
        for (k, penalty) in [(1, Float(3)), (5, 3), (40, 1.5)] {
            // Each row penalizes its prompt and, so that penalties fall in every lane, the
            // best tokens the reference finds for it without penalties.
            var plain = model.makeReferenceDecoder(prompts: prompts, settings: DecodingSettings(beams: 12, repetitionPenalty: 1))
            let none = [TokenSet](repeating: TokenSet(capacity: Self.vocabularySize), count: prompts.count)
            let unpenalized: [[ScoredToken]] = try plain.topCandidates(penalized: none)
            var sets: [TokenSet] = []
            for (prompt, best) in zip(prompts, unpenalized) {
                let alternate: [Int32] = stride(from: 0, to: best.count, by: 2).map { best[$0].id }
                sets.append(TokenSet(prompt + alternate, capacity: Self.vocabularySize))
            }
            let settings = DecodingSettings(beams: k, repetitionPenalty: penalty)
            var fast = model.makeDecoder(prompts: prompts, settings: settings)
            var reference = model.makeReferenceDecoder(prompts: prompts, settings: settings)
            let found = try fast.topCandidates(penalized: sets)
            let expected = try reference.topCandidates(penalized: sets)
            for (row, (a, b)) in zip(found, expected).enumerated() {
                #expect(a.map { $0.id } == b.map { $0.id }, "k \(k) row \(row)")
                #expect(zip(a, b).allSatisfy { abs($0.score - $1.score) < 1e-4 }, "k \(k) row \(row)")
            }
            // The penalized tokens do make the lists: the test is not passing vacuously.
            if k == 40 { #expect(zip(found, sets).contains { row, set in row.contains { set.contains($0.id) } }) }
        }
    }
}

import Foundation
import Testing
import TestSupport
@testable import Decoding
@testable import LanguageModeling
@testable import NGram
@testable import Storage
@testable import Tokenization


/// A trigram model over three words, so every sequence of a few tokens can be enumerated.
func toyModel() throws -> NGramLanguageModel {
    let directory = try temporaryDirectory()
    defer { try? FileSystem.remove(directory) }
    var state: UInt64 = 99
    func next() -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int(state >> 33) }
    let words = ["a", "b", "c"]
    let text = (0..<200).map { _ in (0..<(2 + next() % 6)).map { _ in words[min(next() % 3, next() % 3)] }.joined(separator: " ") }
        .joined(separator: "\n") + "\n"
    try FileSystem.writeText(text, to: "\(directory)/toy.txt")
    return try NGramLanguageModel.train(textPath: "\(directory)/toy.txt", order: 3, mode: .sentence, tokenizer: .whitespace,
                                        discountFallback: true)
}

/// Σ of penalized natural-log probabilities of `tokens` after `prompt`, computed step by step.
func pathScore(_ model: NGramLanguageModel, prompt: [Int32], tokens: [Int32], penalty: Float) -> Float {
    var context = model.model.context(after: prompt)
    var seen = TokenSet(prompt, capacity: model.vocabulary.count)
    var total: Float = 0
    for token in tokens {
        let log10 = model.model.log10Probability(of: token, after: context)
        total += (seen.contains(token) ? penalize(log10, penalty) : log10) * naturalLogOf10
        seen.insert(token)
        context = model.model.extending(context, with: token)
    }
    return total
}

@Suite struct BeamSearchTests {
    @Test(arguments: [Float(1.0), 2.0, 3.0])
    func fullWidthBeamEqualsExhaustiveSearch(penalty: Float) throws {
        let model = try toyModel()
        let generatable = (0..<Int32(model.vocabulary.count)).filter(model.model.isGeneratable)
        #expect(generatable.count == 3 && model.vocabulary.count <= 8)
        let steps = 4
        for prompt in [[Int32](), [model.vocabulary.id(of: "a")], ["b", "c", "c"].map(model.vocabulary.id(of:))] {
            var best: (tokens: [Int32], score: Float)?
            var sequences: [[Int32]] = [[]]
            for _ in 0..<steps { sequences = sequences.flatMap { prefix in generatable.map { prefix + [$0] } } }
            for tokens in sequences {
                let score = pathScore(model, prompt: prompt, tokens: tokens, penalty: penalty)
                if best == nil || score > best!.score { best = (tokens, score) }
            }
            let settings = DecodingSettings(beams: sequences.count, repetitionPenalty: penalty, newTokens: steps)
            let found = try BeamSearch.continuation(of: prompt, with: model, settings: settings)
            #expect(found.tokens == best?.tokens, "prompt \(prompt)")
            #expect(found.score == best?.score)
            // Five beams on the same data reach a hypothesis no better than the optimum.
            let narrow = try BeamSearch.continuation(of: prompt, with: model, settings: DecodingSettings(beams: 5, repetitionPenalty: penalty, newTokens: steps))
            #expect(narrow.score <= best!.score)
            #expect(narrow.score == pathScore(model, prompt: prompt, tokens: narrow.tokens, penalty: penalty))
        }
    }

    @Test func greedyTakesTheBestTokenEachStep() throws {
        let model = try toyModel()
        let prompt = ["a", "b"].map(model.vocabulary.id(of:))
        let greedy = try BeamSearch.continuation(of: prompt, with: model, settings: DecodingSettings(beams: 1, repetitionPenalty: 3, newTokens: 6))
        var context = prompt
        for token in greedy.tokens {
            let penalized = TokenSet(context, capacity: model.vocabulary.count)
            var reference = model.makeReferenceDecoder(prompts: [context], settings: DecodingSettings(beams: 1, repetitionPenalty: 3, newTokens: 1))
            let best = try reference.topCandidates(penalized: [penalized])[0][0]
            #expect(token == best.id)
            context.append(token)
        }
        #expect(greedy.tokens.count == 6)
    }

    @Test func newTokensIsExactAndBoundariesNeverAppear() throws {
        let model = try toyModel()
        for newTokens in [0, 1, 17] {
            let result = try BeamSearch.continuation(of: [], with: model, settings: DecodingSettings(beams: 5, repetitionPenalty: 3, newTokens: newTokens))
            #expect(result.tokens.count == newTokens)
            #expect(!result.tokens.contains(SpecialToken.startOfSequence.id) && !result.tokens.contains(SpecialToken.endOfSequence.id))
        }
    }
}

@Suite(.enabled(if: wikiText2Directory != nil, "WIKITEXT2_DIR is not set: WikiText-2 beam search test skipped"))
struct WikiTextBeamSearchTests {
    /// 500 training blocks as prompts, order-5 block model, 5 beams, penalty 3.0, 64 new tokens:
    /// the fast path equals the dense reference token for token.
    @Test func fiveHundredPromptsMatchTheDenseReference() throws {
        let model = try NGramLanguageModel.train(textPath: "\(wikiText2Directory!)/train.txt", order: 5, mode: .block,
                                                 tokenizer: .whitespace)
        let blocks = try TrainingSequences.read(InputFile(path: "\(wikiText2Directory!)/train.txt"), tokenizer: WhitespaceTokenizer(),
                                                vocabulary: model.vocabulary, mode: .block, unknownID: SpecialToken.unknown.id)
        // Every (count/500)-th block, spread over the whole training split.
        var spread: [[Int32]] = []
        let stride = blocks.count / 500
        var index = 0
        blocks.forEach { block in
            if index % stride == 0 && spread.count < 500 { spread.append(Array(block)) }
            index += 1
        }
        let prompts = spread
        let settings = DecodingSettings()
        let mismatches = Mutex500()
        // Batches of 25 in lockstep on the fast path and on the reference; the fast path also one
        // prompt at a time.
        DispatchQueue.concurrentPerform(iterations: 20) { chunk in
            let batch = Array(prompts[(chunk * 25)..<((chunk + 1) * 25)])
            var fastDecoder = model.makeDecoder(prompts: batch, settings: settings)
            var referenceDecoder = model.makeReferenceDecoder(prompts: batch, settings: settings)
            do {
                let fast = try BeamSearch.continuations(of: batch, decoder: &fastDecoder, vocabularySize: model.vocabulary.count)
                let dense = try BeamSearch.continuations(of: batch, decoder: &referenceDecoder, vocabularySize: model.vocabulary.count)
                for (index, prompt) in batch.enumerated() {
                    if fast[index] != dense[index] { mismatches.add() }
                    if chunk % 5 == 0, try BeamSearch.continuation(of: prompt, with: model, settings: settings) != fast[index] { mismatches.add() }
                    #expect(fast[index].tokens.count == 64)
                }
            } catch {
                Issue.record(error)
            }
        }
        #expect(mismatches.count == 0, "\(mismatches.count) continuations differ from the dense reference or the unbatched path")
    }
}

final class Mutex500: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func add() { lock.lock(); value += 1; lock.unlock() }
    var count: Int { lock.lock(); defer { lock.unlock() }; return value }
}

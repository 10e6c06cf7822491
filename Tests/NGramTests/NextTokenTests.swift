import Foundation
import Testing
import TestSupport
@testable import LanguageModeling
@testable import NGram
@testable import Storage
@testable import Tokenization


/// Contexts drawn from real sequences (prefixes of random length), with random penalty sets
/// that include the context and random other words, and random penalties.
func checkTopKAgainstDense(_ model: NGramLanguageModel, sequences: TrainingSequences, trials: Int, seed: UInt64) {
    let index = NextTokenIndex(model: model.model)
    var random = SplitMix64(seed: seed)
    var all: [ArraySlice<Int32>] = []
    sequences.forEach { all.append($0) }
    var mismatches = 0
    for trial in 0..<trials {
        let sequence = all[Int.random(in: 0..<all.count, using: &random)]
        let prefix = sequence.prefix(Int.random(in: 0...min(sequence.count, 70), using: &random))
        var words = Array(prefix)
        // Sometimes an unseen word in the history.
        if trial % 17 == 0 { words.insert(model.unknownWordID, at: words.count / 2) }
        let context = model.model.context(after: words)
        var penalized = TokenSet(words, capacity: model.vocabulary.count)
        for _ in 0..<Int.random(in: 0...20, using: &random) {
            penalized.insert(Int32.random(in: 0..<Int32(model.vocabulary.count), using: &random))
        }
        let penalty: Float = [1.0, 1.3, 2.0, 3.0][trial % 4]
        // Large k reaches the lower backoff levels, where small k rarely looks.
        let k = [1, 5, 10, 25, 200, model.vocabulary.count][(trial / 4) % 6]
        let fast = index.topK(k, after: context, penalty: penalty, penalized: penalized)
        let dense = index.denseTopK(k, after: context, penalty: penalty, penalized: penalized)
        // The vectorised reference used for whole beam searches agrees with scoring word by word.
        let vector = index.denseTopKFromDistribution(k, after: context, penalty: penalty, penalized: penalized)
        if fast != dense || vector != dense {
            mismatches += 1
            if mismatches <= 3 { Issue.record("trial \(trial) k \(k) penalty \(penalty): \(fast) vs dense \(dense)") }
        }
    }
    #expect(mismatches == 0, "\(mismatches) of \(trials) contexts differ from the dense reference")
}

func checkDistributionsSumToOne(_ model: NGramLanguageModel, sequences: TrainingSequences, contexts: Int, seed: UInt64) {
    var random = SplitMix64(seed: seed)
    var all: [ArraySlice<Int32>] = []
    sequences.forEach { all.append($0) }
    var worst = 0.0
    for _ in 0..<contexts {
        let sequence = all[Int.random(in: 0..<all.count, using: &random)]
        let context = model.model.context(after: sequence.prefix(Int.random(in: 0...sequence.count, using: &random)))
        var total = 0.0
        for word in 0..<Int32(model.vocabulary.count) where model.model.known[Int(word)] && word != SpecialToken.startOfSequence.id {
            total += pow(10, Double(model.model.log10Probability(of: word, after: context)))
        }
        total += pow(10, Double(model.model.log10Probability(of: model.unknownWordID, after: context)))
        worst = max(worst, abs(total - 1))
    }
    #expect(worst <= 1e-6, "worst |Σp − 1| = \(worst)")
}

@Suite struct NextTokenTests {
    @Test(arguments: [2, 3, 5])
    func topKEqualsDenseReferenceOnRandomContexts(order: Int) throws {
        let directory = try temporaryDirectory()
        defer { try? FileSystem.remove(directory) }
        let model = try trainSmall(order: order, mode: .sentence, in: directory)
        let sequences = try TrainingSequences.read(MemorySource(smallCorpusText(lines: 300, seed: 11)), tokenizer: WhitespaceTokenizer(),
                                                   vocabulary: model.vocabulary, mode: .sentence, unknownID: model.unknownWordID)
        checkTopKAgainstDense(model, sequences: sequences, trials: 3000, seed: UInt64(order))
    }

    @Test(arguments: [SequenceMode.sentence, .block])
    func distributionsSumToOne(mode: SequenceMode) throws {
        let directory = try temporaryDirectory()
        defer { try? FileSystem.remove(directory) }
        let model = try trainSmall(order: 4, mode: mode, in: directory)
        let sequences = try TrainingSequences.read(MemorySource(smallCorpusText(lines: 100, seed: 3)), tokenizer: WhitespaceTokenizer(),
                                                   vocabulary: model.vocabulary, mode: .sentence, unknownID: model.unknownWordID)
        checkDistributionsSumToOne(model, sequences: sequences, contexts: 500, seed: 1)
    }

    @Test func penaltyFollowsTheReferenceRule() {
        #expect(penalize(-2, 3) == -6)
        #expect(penalize(2, 4) == 0.5)
        #expect(penalize(-2, 1) == -2)
    }

    @Test func neverProposesSequenceBoundaries() throws {
        let directory = try temporaryDirectory()
        defer { try? FileSystem.remove(directory) }
        let model = try trainSmall(order: 3, mode: .sentence, in: directory)
        let index = NextTokenIndex(model: model.model)
        let context = model.model.context(after: [Int32]())
        let all = index.topK(model.vocabulary.count, after: context, penalty: 1, penalized: TokenSet(capacity: model.vocabulary.count))
        #expect(!all.contains { $0.id == SpecialToken.startOfSequence.id || $0.id == SpecialToken.endOfSequence.id })
        #expect(all.count == (0..<Int32(model.vocabulary.count)).filter(model.model.isGeneratable).count)
    }
}

@Suite(.enabled(if: wikiText2Directory != nil, "WIKITEXT2_DIR is not set: WikiText-2 decoding properties skipped"), .serialized)
struct WikiTextNextTokenTests {
    @Test func topKEqualsDenseOnWikiTextBlocks() throws {
        let fixture = try #require(WikiText2Fixture.shared)
        let model = try NGramModel.estimate(fixture.blocks["train"]!, order: 5, vocabularySize: fixture.vocabulary.count)
        let languageModel = NGramLanguageModel(model: model, vocabulary: fixture.vocabulary, mode: .block)
        checkTopKAgainstDense(languageModel, sequences: fixture.blocks["test"]!, trials: 300, seed: 42)
        checkDistributionsSumToOne(languageModel, sequences: fixture.blocks["test"]!, contexts: 100, seed: 7)
    }
}

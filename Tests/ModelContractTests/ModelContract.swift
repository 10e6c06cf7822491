import Decoding
import Foundation
import LanguageModeling
import Storage
import Testing
import Tokenization

/// What every model family must do, checked the same way for each (the n-gram, the test-only
/// table family, and the transformer): decoding's fast path equals its dense reference, every
/// next-token distribution sums to 1, beam search equals exhaustive search on a small
/// vocabulary, and a saved model loads back to the same scores and decoding.
struct ModelContract {
    let family: any ModelFamily
    let model: any LanguageModel
    /// Sequences of the model's ids, to draw prefixes from.
    let sequences: TrainingSequences
    /// How far the fast path's scores may be from the reference's: 0 where both do the same
    /// arithmetic (n-gram, table); float rounding where they multiply in different orders
    /// (a transformer with and without its key/value cache).
    var tolerance: Float = 0

    /// Equal candidates: the same ids in the same order, scores within `tolerance` (and ids
    /// allowed to swap places only where their scores are that close).
    func same(_ found: [ScoredToken], _ expected: [ScoredToken]) -> Bool {
        guard tolerance > 0 else { return found == expected }
        guard found.count == expected.count else { return false }
        for (a, b) in zip(found, expected) where abs(a.score - b.score) > tolerance { return false }
        for (index, (a, b)) in zip(found, expected).enumerated() where a.id != b.id {
            guard let swapped = expected.first(where: { $0.id == a.id }), abs(swapped.score - b.score) <= 2 * tolerance else { return false }
            _ = index
        }
        return true
    }

    var vocabularySize: Int { model.vocabulary.count }

    /// Random prefixes, penalty sets, penalties and k: one prompt at a time and all in one batch,
    /// the fast decoder equals the reference, before and after a few forked steps.
    func topCandidatesEqualTheDenseReference(trials: Int, seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        var prompts: [[Int32]] = [], sets: [TokenSet] = []
        for _ in 0..<trials {
            let sequence = sequences[Int.random(in: 0..<sequences.count, using: &random)]
            let prefix = Array(sequence.prefix(Int.random(in: 0...sequence.count, using: &random)))
            var set = TokenSet(prefix, capacity: vocabularySize)
            for _ in 0..<Int.random(in: 0...3, using: &random) { set.insert(Int32.random(in: 0..<Int32(vocabularySize), using: &random)) }
            prompts.append(prefix)
            sets.append(set)
        }
        for (k, penalty) in [(1, Float(1)), (5, 3), (vocabularySize, 2)] {
            let settings = DecodingSettings(beams: k, repetitionPenalty: penalty, newTokens: 3)
            var fast = model.makeDecoder(prompts: prompts, settings: settings)
            var reference = model.makeReferenceDecoder(prompts: prompts, settings: settings)
            for step in 0..<3 {
                let found = try fast.topCandidates(penalized: sets)
                let expected = try reference.topCandidates(penalized: sets)
                #expect(zip(found, expected).allSatisfy(same), "k \(k) penalty \(penalty) step \(step)")
                for (row, candidates) in expected.enumerated() {
                    #expect(candidates == candidates.sorted(by: ScoredToken.ranksBefore))
                    #expect(!candidates.contains { $0.id == SpecialToken.startOfSequence.id || $0.id == SpecialToken.endOfSequence.id })
                    if step == 0, row < 4 {
                        var single = model.makeDecoder(prompts: [prompts[row]], settings: settings)
                        #expect(same(try single.topCandidates(penalized: [sets[row]])[0], candidates), "row \(row) alone")
                    }
                }
                // Fork: every row continues the row after it with its best token (the last, itself).
                let parents = (0..<prompts.count).map { min($0 + 1, prompts.count - 1) }
                let tokens = parents.map { expected[$0].first?.id ?? SpecialToken.unknown.id }
                fast.advance(parents: parents, tokens: tokens)
                reference.advance(parents: parents, tokens: tokens)
                sets = zip(parents, tokens).map { var set = sets[$0]; set.insert($1); return set }
            }
        }
    }

    func distributionsSumToOne(trials: Int, seed: UInt64, tolerance: Double) {
        var random = SplitMix64(seed: seed)
        var worst = 0.0
        for _ in 0..<trials {
            let sequence = sequences[Int.random(in: 0..<sequences.count, using: &random)]
            let distribution = model.nextTokenDistribution(after: Array(sequence.prefix(Int.random(in: 0...sequence.count, using: &random))))
            #expect(distribution.count >= vocabularySize && distribution.allSatisfy { $0 >= 0 })
            worst = max(worst, abs(distribution.reduce(0, +) - 1))
        }
        #expect(worst <= tolerance, "worst |Σp − 1| = \(worst)")
    }

    /// Every continuation of `steps` tokens scored step by step with the reference decoder: a
    /// beam as wide as their number finds the best, and 2 beams find none better.
    func beamSearchEqualsExhaustiveSearch(prompts: [[Int32]], steps: Int, penalties: [Float]) throws {
        let generatable = (0..<Int32(vocabularySize)).filter {
            $0 != SpecialToken.startOfSequence.id && $0 != SpecialToken.endOfSequence.id
        }
        for penalty in penalties {
            for prompt in prompts {
                var best: (tokens: [Int32], score: Float)?
                var paths: [([Int32], Float)] = [([], 0)]
                for _ in 0..<steps {
                    var next: [([Int32], Float)] = []
                    for (tokens, score) in paths {
                        var decoder = model.makeReferenceDecoder(prompts: [prompt + tokens],
                                                                 settings: DecodingSettings(beams: vocabularySize, repetitionPenalty: penalty, newTokens: 1))
                        let all = try decoder.topCandidates(penalized: [TokenSet(prompt + tokens, capacity: vocabularySize)])[0]
                        for candidate in all where generatable.contains(candidate.id) { next.append((tokens + [candidate.id], score + candidate.score)) }
                    }
                    paths = next
                }
                for (tokens, score) in paths where best == nil || score > best!.score || (score == best!.score && tokens.lexicographicallyPrecedes(best!.tokens)) {
                    best = (tokens, score)
                }
                let wide = try BeamSearch.continuation(of: prompt, with: model, settings: DecodingSettings(beams: paths.count, repetitionPenalty: penalty, newTokens: steps))
                #expect(abs(wide.score - (best?.score ?? .nan)) <= tolerance * Float(steps), "penalty \(penalty) prompt \(prompt)")
                #expect(wide.tokens == best?.tokens, "penalty \(penalty) prompt \(prompt)")
                let narrow = try BeamSearch.continuation(of: prompt, with: model, settings: DecodingSettings(beams: 2, repetitionPenalty: penalty, newTokens: steps))
                #expect(narrow.score <= wide.score)
            }
        }
    }

    /// Saved and loaded through the family (and through the registry's recognizer), the model
    /// scores and decodes exactly as before.
    func saveThenLoadGivesIdenticalScores(in directory: String) throws {
        let path = "\(directory)/\(family.modelFileName)"
        try model.save(to: path)
        #expect(family.recognizes(path: path))
        let loaded = try family.load(from: path)
        #expect(loaded.vocabulary == model.vocabulary)
        #expect(try loaded.score(sequences, mode: .block) == model.score(sequences, mode: .block))
        let prompts = (0..<min(8, sequences.count)).map { Array(sequences[$0]) }
        let settings = DecodingSettings(beams: 3, repetitionPenalty: 2, newTokens: 5)
        var before = model.makeDecoder(prompts: prompts, settings: settings), after = loaded.makeDecoder(prompts: prompts, settings: settings)
        #expect(try BeamSearch.continuations(of: prompts, decoder: &before, vocabularySize: vocabularySize)
                == BeamSearch.continuations(of: prompts, decoder: &after, vocabularySize: vocabularySize))
    }

    /// The corpus writer's output does not depend on the batch size or the thread count.
    func corpusIsTheSameWhateverTheBatchAndThreads() throws {
        let prompts = sequences.prefix(40)
        let settings = DecodingSettings(beams: 3, repetitionPenalty: 2, newTokens: 6)
        let reference = try SyntheticCorpus.continuations(of: prompts, model: model, settings: settings, threads: 1, batch: 1)
        for (threads, batch) in [(1, 7), (2, 1), (2, 16), (3, 100)] {
            #expect(try SyntheticCorpus.continuations(of: prompts, model: model, settings: settings, threads: threads, batch: batch) == reference,
                    "\(threads) threads, batch \(batch)")
        }
    }
}

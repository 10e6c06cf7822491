import Foundation
import LanguageModeling
import NGram
import Settings
import Storage
import Testing
import TestSupport
import Tokenization

/// A vocabulary of `words` (after the 4 special ids) and skewed random sequences over them.
func smallData(words: [String], sequences count: Int, length: Int, seed: UInt64) throws -> (Vocabulary, TrainingSequences) {
    var counts = TokenCounts()
    try TextScanner.scan(MemorySource(words.joined(separator: " ") + "\n"), tokenizer: WhitespaceTokenizer(), into: &counts)
    let vocabulary = try Vocabulary.build(from: counts, tokenizer: .whitespace)
    let ids = words.map { vocabulary.id(of: $0) }
    var random = SplitMix64(seed: seed)
    var sequences = TrainingSequences()
    for _ in 0..<count {
        sequences.append((0..<length).map { _ in ids[min(Int(random.next() % UInt64(ids.count)), Int(random.next() % UInt64(ids.count)))] })
    }
    return (vocabulary, sequences)
}

/// Trains `family` on small data through the interface the pipeline uses.
func contract(_ family: any ModelFamily, settings: [String: JSONValue], words: [String], seed: UInt64) throws -> ModelContract {
    let (vocabulary, sequences) = try smallData(words: words, sequences: 300, length: 12, seed: seed)
    var reader = try SettingsReader(.object(settings.merging(["family": .string(family.name)]) { $1 }), path: "test")
    let normalized = try FamilyRegistry([family]).modelSection(&reader).settings
    let model = try family.train(TrainingRequest(settings: normalized, blocks: sequences, vocabulary: vocabulary, seed: seed))
    return ModelContract(family: family, model: model, sequences: sequences)
}

@Suite struct NGramFamilyContractTests {
    let words = ["a", "b", "c"]
    func subject() throws -> ModelContract {
        try contract(NGramFamily(), settings: ["order": .number("3"), "discountFallback": .bool(true)], words: words, seed: 5)
    }

    @Test func topCandidatesEqualTheDenseReference() throws { try subject().topCandidatesEqualTheDenseReference(trials: 60, seed: 1) }
    @Test func distributionsSumToOne() throws { try subject().distributionsSumToOne(trials: 100, seed: 2, tolerance: 1e-6) }
    @Test func beamSearchEqualsExhaustiveSearch() throws {
        let model = try subject()
        try model.beamSearchEqualsExhaustiveSearch(prompts: [[], [model.model.vocabulary.id(of: "a")], ["b", "c", "c"].map(model.model.vocabulary.id(of:))],
                                               steps: 4, penalties: [1, 2, 3])
    }
    @Test func saveThenLoadGivesIdenticalScores() throws {
        let directory = try temporaryDirectory()
        defer { try? FileSystem.remove(directory) }
        try subject().saveThenLoadGivesIdenticalScores(in: directory)
    }
    @Test func corpusIsTheSameWhateverTheBatchAndThreads() throws { try subject().corpusIsTheSameWhateverTheBatchAndThreads() }
}

@Suite struct TableFamilyContractTests {
    let words = ["x", "y", "z"]
    func subject() throws -> ModelContract {
        try contract(TableFamily(), settings: ["smoothing": .number("0.5")], words: words, seed: 9)
    }

    @Test func topCandidatesEqualTheDenseReference() throws { try subject().topCandidatesEqualTheDenseReference(trials: 60, seed: 3) }
    @Test func distributionsSumToOne() throws { try subject().distributionsSumToOne(trials: 100, seed: 4, tolerance: 1e-5) }
    @Test func beamSearchEqualsExhaustiveSearch() throws {
        let model = try subject()
        try model.beamSearchEqualsExhaustiveSearch(prompts: [[], [model.model.vocabulary.id(of: "y")]], steps: 3, penalties: [1, 2, 3])
    }
    @Test func saveThenLoadGivesIdenticalScores() throws {
        let directory = try temporaryDirectory()
        defer { try? FileSystem.remove(directory) }
        try subject().saveThenLoadGivesIdenticalScores(in: directory)
    }
    @Test func corpusIsTheSameWhateverTheBatchAndThreads() throws { try subject().corpusIsTheSameWhateverTheBatchAndThreads() }
}

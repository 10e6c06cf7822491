import Foundation
import GPT2
import LanguageModeling
import Storage
import Testing
import TestSupport

/// The transformer under the same contract, trained for a few steps on the small data so that
/// its distributions are far from flat (near ties would make the fast and reference paths'
/// rounding decide the order).
@Suite struct GPT2FamilyContractTests {
    let words = ["a", "b", "c"]
    func subject() throws -> ModelContract {
        var model = try contract(GPT2Family(), settings: [
            "layers": .number("2"), "width": .number("16"), "heads": .number("2"), "context": .number("32"),
            "batchSize": .number("10"), "learningRate": .number("0.03"), "warmupSteps": .number("2"), "epochs": .number("3"),
        ], words: words, seed: 11)
        model.tolerance = 1e-5
        return model
    }

    @Test func topCandidatesEqualTheDenseReference() throws { try subject().topCandidatesEqualTheDenseReference(trials: 40, seed: 5) }
    @Test func distributionsSumToOne() throws { try subject().distributionsSumToOne(trials: 40, seed: 6, tolerance: 1e-9) }
    @Test func beamSearchEqualsExhaustiveSearch() throws {
        let model = try subject()
        try model.beamSearchEqualsExhaustiveSearch(prompts: [[], [model.model.vocabulary.id(of: "b")]], steps: 3, penalties: [1, 2, 3])
    }
    @Test func saveThenLoadGivesIdenticalScores() throws {
        let directory = try temporaryDirectory()
        defer { try? FileSystem.remove(directory) }
        try subject().saveThenLoadGivesIdenticalScores(in: directory)
    }
    @Test func corpusIsTheSameWhateverTheBatchAndThreads() throws { try subject().corpusIsTheSameWhateverTheBatchAndThreads() }
}

import Foundation
import Testing
import TestSupport

@Suite struct BenchCommandTests {
    /// KenLM's folder is checked before any work, and only taken with the n-gram figures.
    @Test func aKenLMFolderWithoutItsBinariesIsRefused() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try expectOneLineError(["bench", "--kenlm", root, "--wikitext", root], mentioning: ["--kenlm: \(root)/lmplz is not an executable file"])
        try expectOneLineError(["bench", "--kenlm", root, "--skip-ngram"], mentioning: ["--kenlm compares the n-gram: leave out --skip-ngram"])
    }
}

import Foundation
import Testing
import TestSupport
@testable import LanguageModeling
@testable import NGram
@testable import Storage
@testable import Tokenization


/// A small text with enough repetition for modified Kneser-Ney (every order needs n-grams seen
/// 1–4 times), including a lone combining mark as a word.
func smallCorpusText(lines: Int = 400, seed: UInt64 = 7) -> String {
    var state = seed
    func next() -> Int {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Int(state >> 33)
    }
    // A Zipf-like choice among 400 words, so every order has n-grams seen 1–4 times.
    let special = ["<unk>", "\u{303}", "@-@", "."]
    func word() -> String {
        let rank = (next() % 400) * (next() % 400) / 400
        return rank < special.count ? special[rank] : "w\(rank)"
    }
    return (0..<lines).map { _ in (0..<(3 + next() % 14)).map { _ in word() }.joined(separator: " ") }.joined(separator: "\n") + "\n"
}

func trainSmall(order: Int, mode: SequenceMode, in directory: String) throws -> NGramLanguageModel {
    try FileSystem.writeText(smallCorpusText(), to: "\(directory)/train.txt")
    return try NGramLanguageModel.train(textPath: "\(directory)/train.txt", order: order, mode: mode, tokenizer: .whitespace,
                                        blockSize: 16, discountFallback: true)
}

/// Splits on the space byte only: `Substring.split(separator: " ")` works on grapheme clusters,
/// which glue a space to a following combining mark.
func words(_ text: Substring) -> [String] {
    text.utf8.split(separator: 0x20).map { String(decoding: $0, as: UTF8.self) }
}

/// A very small model (a short text with discount fallback), cheap to damage byte by byte.
func trainTiny(order: Int, in directory: String) throws -> NGramLanguageModel {
    try FileSystem.writeText("a b c a b\nb c a\nc a b c\n", to: "\(directory)/tiny.txt")
    return try NGramLanguageModel.train(textPath: "\(directory)/tiny.txt", order: order, mode: .sentence, tokenizer: .whitespace,
                                        discountFallback: true)
}

func perSequenceScores(_ model: NGramLanguageModel, _ path: String, mode: SequenceMode) throws -> [Double] {
    var scores: [Double] = []
    _ = try model.score(textPath: path, mode: mode, blockSize: 16) { scores.append($1.log10Probability) }
    return scores
}

@Suite struct ModelFormatTests {
    @Test(arguments: [SequenceMode.sentence, .block])
    func binaryRoundTripScoresIdentically(mode: SequenceMode) throws {
        let directory = try temporaryDirectory()
        defer { try? FileSystem.remove(directory) }
        let model = try trainSmall(order: 4, mode: mode, in: directory)
        try model.save(to: "\(directory)/m.mcngram")
        let loaded = try NGramLanguageModel.load(from: "\(directory)/m.mcngram")
        #expect(loaded.mode == mode && loaded.vocabulary == model.vocabulary && loaded.model.order == 4)
        try FileSystem.writeText(smallCorpusText(lines: 50, seed: 99) + "words never seen\n", to: "\(directory)/test.txt")
        #expect(try perSequenceScores(loaded, "\(directory)/test.txt", mode: mode) == perSequenceScores(model, "\(directory)/test.txt", mode: mode))
    }

    @Test(arguments: [SequenceMode.sentence, .block])
    func batchedScoringEqualsSequenceBySequence(mode: SequenceMode) throws {
        let directory = try temporaryDirectory()
        defer { try? FileSystem.remove(directory) }
        let model = try trainSmall(order: 5, mode: mode, in: directory)
        // Varied lengths (including empty lines in sentence mode) and unseen words.
        let text = smallCorpusText(lines: 300, seed: 21) + "\nnever seen words\n\n" + smallCorpusText(lines: 40, seed: 22)
        let sequences = try TrainingSequences.read(MemorySource(text), tokenizer: WhitespaceTokenizer(), vocabulary: model.vocabulary,
                                                   mode: mode, blockSize: 16, unknownID: model.unknownWordID)
        var single: [SequenceScore] = []
        sequences.forEach { single.append(model.model.score($0, mode: mode)) }
        for threads in [1, 2, 3, 8] {
            #expect(model.model.scoreAll(sequences, mode: mode, threads: threads, tokensPerRun: 10) == single, "\(threads) threads")
        }
        // More empty sequences in a row than the scorer has lanes, between and after others.
        var gappy = TrainingSequences()
        for index in 0..<120 {
            gappy.append((20..<60).contains(index) || index >= 100 ? [] : Array(sequences[index % sequences.count]))
        }
        var gappySingle: [SequenceScore] = []
        gappy.forEach { gappySingle.append(model.model.score($0, mode: mode)) }
        #expect(model.model.scoreAll(gappy, mode: mode, threads: 1, tokensPerRun: 10) == gappySingle)
        let parallel = try TrainingSequences.read(MemorySource(text), tokenizer: .whitespace, vocabulary: model.vocabulary, mode: mode,
                                                  blockSize: 16, unknownID: model.unknownWordID, threads: 2)
        #expect(parallel.tokens == sequences.tokens && parallel.ends == sequences.ends)
        var parts: [TrainingSequences] = []
        try TrainingSequences.forEachPart(of: MemorySource(text), tokenizer: .whitespace, vocabulary: model.vocabulary, mode: mode,
                                          blockSize: 16, unknownID: model.unknownWordID, threads: 2, tokensPerPart: 100) { parts.append($0) }
        let joined = parts.reduce(into: TrainingSequences()) { $0.append(contentsOf: $1) }
        #expect(joined.tokens == sequences.tokens && joined.ends == sequences.ends)
        #expect(mode == .sentence || parts.count > 1)
        #expect(single.contains { $0.unknownTokens > 0 })
    }

    @Test func damagedModelFileIsRefused() throws {
        let directory = try temporaryDirectory()
        defer { try? FileSystem.remove(directory) }
        let path = "\(directory)/m.mcngram"
        try trainSmall(order: 3, mode: .sentence, in: directory).save(to: path)
        let bytes = try InputFile(path: path).readAll()
        // A small model: its magic, every section's first bytes, the table of contents and the
        // trailer byte by byte, and a stride through the rest (padding included).
        try trainTiny(order: 2, in: directory).save(to: "\(directory)/small.mcngram")
        let small = try InputFile(path: "\(directory)/small.mcngram").readAll()
        let sectionStarts = (0..<(small.count / SectionFile.alignment)).flatMap { page in (0..<4).map { page * SectionFile.alignment + $0 } }
        let positions = Set(Array(0..<16) + sectionStarts + Array(max(0, small.count - 700)..<small.count) + Array(stride(from: 0, to: small.count, by: 97)))
        for position in positions.sorted() {
            var damaged = small
            damaged[position] ^= 0x01
            try writeBytes(damaged, to: "\(directory)/small.mcngram")
            #expect(throws: CollapseError.self, "byte \(position)") { try NGramLanguageModel.load(from: "\(directory)/small.mcngram") }
        }
        for position in [3, 20, bytes.count / 2, bytes.count - 2] {
            var damaged = bytes
            damaged[position] ^= 0x20
            try writeBytes(damaged, to: path)
            #expect(throws: CollapseError.self, "byte \(position)") { try NGramLanguageModel.load(from: path) }
        }
        try writeBytes(Array(bytes[..<(bytes.count / 3)]), to: path)
        #expect(throws: CollapseError.self) { try NGramLanguageModel.load(from: path) }
    }

    @Test func modelOfAnEarlierFormatAsksToBeRetrained() throws {
        let directory = try temporaryDirectory()
        defer { try? FileSystem.remove(directory) }
        try writeBytes(Array("MCNGRAM4".utf8) + [UInt8](repeating: 0, count: 64), to: "\(directory)/old.mcngram")
        #expect { try NGramLanguageModel.load(from: "\(directory)/old.mcngram") } throws: { error in
            "\(error)".contains("MCNGRAM4 is not supported") && "\(error)".contains("retrain")
        }
    }

    @Test func loadingLeavesTheTablesOutOfResidentMemory() throws {
        let directory = try temporaryDirectory()
        defer { try? FileSystem.remove(directory) }
        let path = "\(directory)/m.mcngram"
        try FileSystem.writeText(smallCorpusText(lines: 8_000, seed: 3), to: "\(directory)/train.txt")
        try NGramLanguageModel.train(textPath: "\(directory)/train.txt", order: 5, mode: .block, tokenizer: .whitespace, blockSize: 16,
                                     discountFallback: true).save(to: path)
        let loaded = try NGramLanguageModel.load(from: path)
        let table = loaded.model.storage.tables[5]
        let resident = residentPages(UnsafeRawBufferPointer(table))
        #expect(resident.total > 64 && resident.resident == 0, "\(resident)")
        // One lookup brings in its page and the kernel's fault-around window (16 pages), not the table.
        _ = loaded.model.withTables { $0.find(0, order: 5) }
        #expect(residentPages(UnsafeRawBufferPointer(table)).resident <= 32, "of \(resident.total)")
    }
    @Test(arguments: [2, 3, 5])
    func arpaRoundTripScoresIdenticallyAndIsWellFormed(order: Int) throws {
        let directory = try temporaryDirectory()
        defer { try? FileSystem.remove(directory) }
        let model = try trainSmall(order: order, mode: .sentence, in: directory)
        for name in ["m.arpa", "m.arpa.zst"] {
            try ARPA.write(model, to: "\(directory)/\(name)")
            let imported = try NGramLanguageModel.load(from: "\(directory)/\(name)")
            try FileSystem.writeText(smallCorpusText(lines: 50, seed: 5) + "unseen words here\n", to: "\(directory)/test.txt")
            #expect(try perSequenceScores(imported, "\(directory)/test.txt", mode: .sentence)
                    == perSequenceScores(model, "\(directory)/test.txt", mode: .sentence))
        }
        // Structure: header counts equal section sizes; every n-gram's context is present.
        let text = try InputFile.readText(path: "\(directory)/m.arpa")
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var declared: [Int: Int] = [:]
        var sections: [Int: [[String]]] = [:]
        var current = 0
        for line in lines {
            if line.hasPrefix("ngram ") {
                let parts = line.dropFirst(6).split(separator: "=")
                declared[Int(parts[0])!] = Int(parts[1])!
            } else if line.hasPrefix("\\") && line.hasSuffix("-grams:") {
                current = Int(line.dropFirst().dropLast(7))!
            } else if line == "\\end\\" {
                current = 0
            } else if current > 0 && !line.isEmpty {
                sections[current, default: []].append(words(line.split(separator: "\t", omittingEmptySubsequences: false)[1]))
            }
        }
        #expect(declared.count == order)
        for n in 1...order { #expect(sections[n]?.count == declared[n], "order \(n)") }
        for n in 2...order {
            let lower = Set(sections[n - 1]!.map { $0.joined(separator: " ") })
            for gram in sections[n]! {
                #expect(lower.contains(gram.dropLast().joined(separator: " ")), "context of \(gram)")
                #expect(lower.contains(gram.dropFirst().joined(separator: " ")), "suffix of \(gram)")
            }
        }
        #expect(text.contains("\t<unk>\t0\n"))
        #expect(text.contains("\t<wt-unk>\t"))
    }

    @Test func discountFallbackIsOptIn() throws {
        let directory = try temporaryDirectory()
        defer { try? FileSystem.remove(directory) }
        try FileSystem.writeText("a b c a b c\na b\n", to: "\(directory)/tiny.txt")
        do {
            _ = try NGramLanguageModel.train(textPath: "\(directory)/tiny.txt", order: 3, mode: .sentence, tokenizer: .whitespace)
            Issue.record("discounts computed from degenerate counts")
        } catch let error as CollapseError {
            #expect(error.path == "\(directory)/tiny.txt" && error.problem.contains("--discount-fallback"))
        }
        let model = try NGramLanguageModel.train(textPath: "\(directory)/tiny.txt", order: 3, mode: .sentence, tokenizer: .whitespace,
                                                 discountFallback: true)
        #expect(model.model.discounts[1] == Discounts.fallback)
    }

    @Test func malformedArpaIsReportedWithLine() throws {
        let directory = try temporaryDirectory()
        defer { try? FileSystem.remove(directory) }
        let good = "\\data\\\nngram 1=3\nngram 2=2\nngram 3=1\n\n\\1-grams:\n-1\t<unk>\t0\n0\t<s>\t-0.5\n-0.5\ta\t-0.1\n\n\\2-grams:\n-0.2\t<s> a\t-0.1\n-0.3\ta a\t0\n\n\\3-grams:\n-0.1\t<s> a a\n\n\\end\\\n"
        try FileSystem.writeText(good, to: "\(directory)/ok.arpa")
        #expect(try NGramLanguageModel.load(from: "\(directory)/ok.arpa").model.count(order: 3) == 1)
        let cases: [(String, String)] = [
            (good.replacingOccurrences(of: "ngram 2=2", with: "ngram 2=3"), "declares 3 2-grams"),
            (good.replacingOccurrences(of: "\t<s> a\t", with: "\t<s> b\t"), "word 'b' has no unigram"),
            (good.replacingOccurrences(of: "\\end\\\n", with: ""), "no \\end\\"),
            (good.replacingOccurrences(of: "-0.2\t<s> a", with: "x\t<s> a"), "line 12"),
            (good.replacingOccurrences(of: "-0.3\ta a\t0\n", with: "").replacingOccurrences(of: "ngram 2=2", with: "ngram 2=1"), "lacks its context or suffix"),
            // Values that are no probability would score as NaN or as perplexity 0.
            (good.replacingOccurrences(of: "-0.5\ta\t", with: "nan\ta\t"), "log10 probability nan is not that of a probability"),
            (good.replacingOccurrences(of: "-0.5\ta\t", with: "1e40\ta\t"), "log10 probability inf"),
            (good.replacingOccurrences(of: "-0.5\ta\t", with: "0.5\ta\t"), "log10 probability 0.5"),
            (good.replacingOccurrences(of: "-0.2\t<s> a\t-0.1", with: "-0.2\t<s> a\tinf"), "backoff is not a finite number"),
            (good.replacingOccurrences(of: "ngram 1=3", with: "ngram 1=99999999999999999999999"), "expected 'ngram 1=<count>'"),
        ]
        for (text, fragment) in cases {
            try FileSystem.writeText(text, to: "\(directory)/bad.arpa")
            do {
                _ = try NGramLanguageModel.load(from: "\(directory)/bad.arpa")
                Issue.record("accepted: \(fragment)")
            } catch let error as CollapseError {
                #expect(error.description.contains(fragment), "\(error)")
                #expect(error.path == "\(directory)/bad.arpa")
            }
        }
    }
}

@Suite(.enabled(if: wikiText2Directory != nil, "WIKITEXT2_DIR is not set: ARPA interop test skipped"))
struct KenLMInteropTests {
    /// KenLM's order-3 ARPA trained on valid, scoring test sentences (README of the oracle).
    @Test func kenLMArpaScoresTestLikeKenLM() throws {
        let model = try NGramLanguageModel.load(from: anchorsDirectory()!.appendingPathComponent("kenlm/valid.o3.arpa.zst").path)
        let score = try model.score(textPath: "\(wikiText2Directory!)/test.txt", mode: .sentence)
        #expect(Format4(score.perplexity) == "379.2510")
        #expect(score.tokens == 244_102)
        #expect(score.unknownTokens == 11_896)
    }
}

func Format4(_ value: Double) -> String {
    let scaled = (value * 10_000).rounded()
    return "\(Int(scaled) / 10_000).\(String(Int(scaled) % 10_000).leftPadded(to: 4))"
}

extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}

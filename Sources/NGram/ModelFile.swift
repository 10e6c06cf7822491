import Foundation
import Storage
import LanguageModeling
import Tokenization

/// Our binary model format, used where it lies: a `SectionFile` (magic `MCNGRAM5`) whose
/// metadata is a JSON header and whose sections are the vocabulary file, the unigram arrays and,
/// per order, the probing table and its context slots exactly as they sit in memory. Loading
/// maps the file and checks its checksums (on all cores, reading through the file): no table is
/// copied or rebuilt, a command that scores one line starts at once, and processes that load
/// the same model share one copy of its pages.
extension NGramLanguageModel {
    static let magic = "MCNGRAM5"

    struct Header: Codable {
        var format = 5
        var order: Int
        var mode: SequenceMode
        var vocabularySize: Int
        var uniformSize: Int
        var unknownLog10: Float
        var discounts: [Discounts]
        var counts: [Int]
        var tableCapacity: [Int]
    }

    /// - Complexity: O(model size), written uncompressed (about 20 bytes per n-gram).
    public func save(to path: String) throws {
        let writer = try SectionFileWriter(path: path, magic: Self.magic)
        let header = Header(order: model.order, mode: mode, vocabularySize: model.vocabularySize, uniformSize: model.uniformSize,
                            unknownLog10: model.unknownLog10, discounts: Array(model.discounts.dropFirst()),
                            counts: model.counts, tableCapacity: model.tableCapacity)
        try writer.add("vocabulary", array: Array(vocabulary.fileContents().utf8))
        try writer.add("unigram.log10", array: model.unigramLog10)
        try writer.add("unigram.backoff", array: model.unigramBackoffs)
        try writer.add("unigram.known", array: model.known.map { $0 ? UInt8(1) : 0 })
        for n in 2...model.order {
            try writer.add("table.\(n)", UnsafeRawBufferPointer(model.storage.tables[n]))
            try writer.add("contexts.\(n)", UnsafeRawBufferPointer(model.contexts[n]))
        }
        // Sorted keys: a dictionary's order varies from process to process, the file must not.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try writer.finish(metadata: String(decoding: try encoder.encode(header), as: UTF8.self))
    }

    /// Maps our binary format, or reads an ARPA file (`.arpa`, `.arpa.zst`; its words are
    /// tokenized with `tokenizer`).
    /// - Complexity: O(file size) for the checksums, spread over the cores; O(vocabulary) else.
    public static func load(from path: String, tokenizer: TokenizerKind = .whitespace) throws -> NGramLanguageModel {
        guard let file = try SectionFileReader(path: path, magic: magic) else {
            if path.hasSuffix(".arpa") || path.hasSuffix(".arpa.zst") { return try ARPA.read(from: path, tokenizer: tokenizer) }
            var start = [UInt8](repeating: 0, count: magic.utf8.count)
            var file = try InputFile(path: path)
            let count = try start.withUnsafeMutableBytes { try file.readFully(into: $0) }
            if count == start.count, start.starts(with: Array("MCNGRAM".utf8)) {
                throw CollapseError("model format \(String(decoding: start, as: UTF8.self)) is not supported (this version reads \(magic)); retrain it", path: path)
            }
            throw CollapseError("not a ModelCollapse n-gram model (bad magic) nor an .arpa/.arpa.zst file", path: path)
        }
        func fail(_ problem: String) -> CollapseError { CollapseError(problem, path: path) }
        let header: Header
        do { header = try JSONDecoder().decode(Header.self, from: Data(file.metadata.utf8)) } catch { throw fail("corrupt header") }
        let order = header.order
        guard header.format == 5, (2...6).contains(order), header.discounts.count == order || header.discounts.isEmpty,
              header.counts.count == order + 1, header.tableCapacity.count == order + 1 else {
            throw fail("unsupported or corrupt model header (format \(header.format), order \(order))")
        }
        let vocabulary = try Vocabulary.parse(String(decoding: try file.section("vocabulary"), as: UTF8.self), path: path)
        let size = header.vocabularySize
        guard vocabulary.count == size else { throw fail("vocabulary size differs from the header's") }
        let unigramLog10 = Array(try file.section("unigram.log10", of: Float.self, count: size))
        let unigramBackoffs = Array(try file.section("unigram.backoff", of: Float.self, count: size))
        let known = try file.section("unigram.known", of: UInt8.self, count: size).map { $0 != 0 }
        var tables = [UnsafeBufferPointer<ProbingEntry>](repeating: .init(start: nil, count: 0), count: 2)
        var contexts = tables.map { _ in UnsafeBufferPointer<Int32>(start: nil, count: 0) }
        for n in 2...order {
            let capacity = header.tableCapacity[n]
            guard capacity > 0, capacity < 1 << 31, capacity >= header.counts[n] else { throw fail("corrupt \(n)-gram table size") }
            tables.append(try file.section("table.\(n)", of: ProbingEntry.self, count: capacity))
            contexts.append(try file.section("contexts.\(n)", of: Int32.self, count: capacity))
        }
        let storage = ProbingStorage(mapping: file, tables: tables, contexts: contexts)
        let model = NGramModel(order: order, vocabularySize: size,
                               discounts: header.discounts.isEmpty ? [] : [Discounts(d1: 0, d2: 0, d3: 0)] + header.discounts,
                               uniformSize: header.uniformSize, unknownLog10: header.unknownLog10, unigramLog10: unigramLog10,
                               unigramBackoffs: unigramBackoffs, known: known, storage: storage,
                               tableCapacity: header.tableCapacity, counts: header.counts)
        return NGramLanguageModel(model: model, vocabulary: vocabulary, mode: header.mode)
    }
}

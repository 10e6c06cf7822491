import Foundation
import Storage
import LanguageModeling
import Tokenization

/// Our binary model format: magic `MCNGRAM4`, then a zstd stream with a JSON header, the
/// vocabulary file, the unigram arrays, the probing tables exactly as they sit in memory, the
/// context slots, and an XXH64 of it all. Loading is reading: no table is rebuilt.
extension NGramLanguageModel {
    static let magic = "MCNGRAM4"

    struct Header: Codable {
        var format = 4
        var order: Int
        var mode: SequenceMode
        var vocabularySize: Int
        var uniformSize: Int
        var unknownLog10: Float
        var discounts: [Discounts]
        var counts: [Int]
        var tableCapacity: [Int]
    }

    public func save(to path: String) throws {
        let writer = try BinaryWriter(path: path, magic: Self.magic)
        let header = Header(order: model.order, mode: mode, vocabularySize: model.vocabularySize, uniformSize: model.uniformSize,
                            unknownLog10: model.unknownLog10, discounts: Array(model.discounts.dropFirst()),
                            counts: model.counts, tableCapacity: model.tableCapacity)
        // Sorted keys: a dictionary's order varies from process to process, the file must not.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try writer.write(string: String(decoding: try encoder.encode(header), as: UTF8.self))
        try writer.write(string: vocabulary.fileContents())
        try writer.write(array: model.unigramLog10)
        try writer.write(array: model.unigramBackoffs)
        try writer.write(array: model.known.map { $0 ? UInt8(1) : 0 })
        for n in 2...model.order {
            try writer.write(buffer: UnsafeBufferPointer(model.storage.tables[n]))
            try writer.write(array: model.contexts[n])
        }
        try writer.finish()
    }

    /// Loads our binary format, or an ARPA file (`.arpa`, `.arpa.zst`; its words are tokenized
    /// with `tokenizer`).
    public static func load(from path: String, tokenizer: TokenizerKind = .whitespace) throws -> NGramLanguageModel {
        guard let reader = try BinaryReader(path: path, magic: magic) else {
            if path.hasSuffix(".arpa") || path.hasSuffix(".arpa.zst") { return try ARPA.read(from: path, tokenizer: tokenizer) }
            var start = [UInt8](repeating: 0, count: magic.utf8.count)
            let count = try start.withUnsafeMutableBytes { try InputFile(path: path).readFully(into: $0) }
            if count == start.count, start.starts(with: Array("MCNGRAM".utf8)) {
                throw CollapseError("model format \(String(decoding: start, as: UTF8.self)) is not supported (this version reads \(magic)); retrain it", path: path)
            }
            throw CollapseError("not a ModelCollapse n-gram model (bad magic) nor an .arpa/.arpa.zst file", path: path)
        }
        func fail(_ problem: String) -> CollapseError { CollapseError(problem, path: path) }
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: Data(try reader.readString(limit: 1 << 20).utf8))
        } catch let error as CollapseError { throw error } catch { throw fail("corrupt header") }
        let order = header.order
        guard header.format == 4, (2...6).contains(order), header.discounts.count == order || header.discounts.isEmpty,
              header.counts.count == order + 1, header.tableCapacity.count == order + 1 else {
            throw fail("unsupported or corrupt model header (format \(header.format), order \(order))")
        }
        let vocabulary = try Vocabulary.parse(try reader.readString(), path: path)
        let size = header.vocabularySize
        guard vocabulary.count == size else { throw fail("vocabulary size differs from the header's") }
        let unigramLog10 = try reader.readArray(of: Float.self)
        let unigramBackoffs = try reader.readArray(of: Float.self)
        let known = try reader.readArray(of: UInt8.self).map { $0 != 0 }
        guard unigramLog10.count == size, unigramBackoffs.count == size, known.count == size else { throw fail("corrupt unigram table") }
        let storage = ProbingStorage(order: order)
        var contexts: [[Int32]] = [[], []]
        for n in 2...order {
            let capacity = header.tableCapacity[n]
            guard capacity > 0, capacity < 1 << 31 else { throw fail("corrupt \(n)-gram table size") }
            try reader.read(into: storage.allocate(order: n, capacity: capacity))
            contexts.append(try reader.readArray(of: Int32.self))
        }
        try reader.finish()
        // Structure: keys and contexts point at slots that exist below, counts agree.
        for n in 2...order {
            let table = storage.tables[n]
            let lowerCapacity = n == 2 ? size : header.tableCapacity[n - 1]
            guard contexts[n].count == table.count else { throw fail("corrupt \(n)-gram table") }
            var count = 0
            for slot in 0..<table.count where table[slot].key != ProbingEntry.emptyKey {
                let key = table[slot].key
                guard Int(key >> 32) < lowerCapacity, Int(key & 0xFFFF_FFFF) < size,
                      contexts[n][slot] >= 0, Int(contexts[n][slot]) < lowerCapacity else { throw fail("corrupt \(n)-gram table") }
                count += 1
            }
            guard count == header.counts[n] else { throw fail("corrupt \(n)-gram table (count)") }
        }
        let model = NGramModel(order: order, vocabularySize: size,
                               discounts: header.discounts.isEmpty ? [] : [Discounts(d1: 0, d2: 0, d3: 0)] + header.discounts,
                               uniformSize: header.uniformSize, unknownLog10: header.unknownLog10, unigramLog10: unigramLog10,
                               unigramBackoffs: unigramBackoffs, known: known, storage: storage,
                               tableCapacity: header.tableCapacity, counts: header.counts, contexts: contexts)
        return NGramLanguageModel(model: model, vocabulary: vocabulary, mode: header.mode)
    }
}

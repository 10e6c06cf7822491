import Foundation
import Storage
import Tokenization

/// Our binary model format: magic `MCNGRAM1`, then a zstd stream with a JSON header, the
/// vocabulary file, the tables per order, and an XXH64 of it all. Hash indices are rebuilt on
/// load rather than stored, which keeps files small and loading well under a second.
extension NGramLanguageModel {
    static let magic = "MCNGRAM1"

    struct Header: Codable {
        var format = 1
        var order: Int
        var mode: SequenceMode
        var vocabularySize: Int
        var uniformSize: Int
        var unknownLog10: Float
        var discounts: [Discounts]
        var counts: [Int]
    }

    public func save(to path: String) throws {
        let writer = try BinaryWriter(path: path, magic: Self.magic)
        let header = Header(order: model.order, mode: mode, vocabularySize: model.vocabularySize, uniformSize: model.uniformSize,
                            unknownLog10: model.unknownLog10, discounts: Array(model.discounts.dropFirst()),
                            counts: (1...model.order).map { model.count(order: $0) })
        try writer.write(string: String(decoding: try JSONEncoder().encode(header), as: UTF8.self))
        try writer.write(string: vocabulary.fileContents())
        try writer.write(array: model.log10Probabilities[1])
        try writer.write(array: model.log10Backoffs[1])
        try writer.write(array: model.known.map { $0 ? UInt8(1) : 0 })
        for n in 2...model.order {
            try writer.write(array: model.indices[n].keysInIndexOrder())
            try writer.write(array: model.contexts[n])
            try writer.write(array: model.log10Probabilities[n])
            if n < model.order { try writer.write(array: model.log10Backoffs[n]) }
        }
        try writer.finish()
    }

    /// Loads our binary format, or an ARPA file (`.arpa`, `.arpa.zst`).
    public static func load(from path: String, tokenizer: TokenizerKind = .whitespace) throws -> NGramLanguageModel {
        guard let reader = try BinaryReader(path: path, magic: magic) else {
            if path.hasSuffix(".arpa") || path.hasSuffix(".arpa.zst") { return try ARPA.read(from: path, tokenizer: tokenizer) }
            throw CollapseError("not a ModelCollapse n-gram model (bad magic) nor an .arpa/.arpa.zst file", path: path)
        }
        func fail(_ problem: String) -> CollapseError { CollapseError(problem, path: path) }
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: Data(try reader.readString(limit: 1 << 20).utf8))
        } catch let error as CollapseError { throw error } catch { throw fail("corrupt header") }
        guard header.format == 1, (2...6).contains(header.order), header.discounts.count == header.order else {
            throw fail("unsupported model (format \(header.format), order \(header.order))")
        }
        let vocabulary = try Vocabulary.parse(try reader.readString(), path: path)
        guard vocabulary.count == header.vocabularySize else { throw fail("vocabulary size differs from the header's") }
        let size = header.vocabularySize
        var probabilities: [[Float]] = [[], try reader.readArray(of: Float.self)]
        var backoffs: [[Float]] = [[], try reader.readArray(of: Float.self)]
        let known = try reader.readArray(of: UInt8.self).map { $0 != 0 }
        guard probabilities[1].count == size, backoffs[1].count == size, known.count == size else { throw fail("corrupt unigram table") }
        var indices = [NGramIndex(expectedCount: 0), NGramIndex(expectedCount: 0)]
        var contexts: [[Int32]] = [[], []]
        for n in 2...header.order {
            let keys = try reader.readArray(of: UInt64.self)
            let context = try reader.readArray(of: Int32.self)
            let logs = try reader.readArray(of: Float.self)
            let lowerCount = n == 2 ? size : contexts[n - 1].count
            guard keys.count == header.counts[n - 1], context.count == keys.count, logs.count == keys.count,
                  context.allSatisfy({ $0 >= 0 && Int($0) < lowerCount }) else { throw fail("corrupt \(n)-gram table") }
            indices.append(NGramIndex(keysInIndexOrder: keys))
            contexts.append(context)
            probabilities.append(logs)
            if n < header.order {
                let b = try reader.readArray(of: Float.self)
                guard b.count == keys.count else { throw fail("corrupt \(n)-gram backoffs") }
                backoffs.append(b)
            }
        }
        try reader.finish()
        let model = NGramModel(order: header.order, vocabularySize: size, discounts: [Discounts(d1: 0, d2: 0, d3: 0)] + header.discounts,
                               uniformSize: header.uniformSize, unknownLog10: header.unknownLog10, indices: indices,
                               log10Probabilities: probabilities, log10Backoffs: backoffs, contexts: contexts, known: known)
        return NGramLanguageModel(model: model, vocabulary: vocabulary, mode: header.mode)
    }
}

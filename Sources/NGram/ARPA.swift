import CPrefetch
import Foundation
import Storage
import LanguageModeling
import Tokenization

/// ARPA text format, the lingua franca of n-gram toolkits (KenLM, SRILM), plain or `.zst`.
///
/// Names follow KenLM: `<unk>` is the model's unknown word; a corpus's own `<unk>` token, an
/// ordinary word to the model (WikiText's rare-word marker), is written `<wt-unk>` — the name
/// KenLM-trained WikiText models use for it. `<s>` has probability 0 (it is never predicted).
public enum ARPA {
    static let corpusUnknown = "<wt-unk>"

    /// Writes `model` as ARPA (zstd-compressed when `path` ends in `.zst`). O(n-grams × order).
    public static func write(_ languageModel: NGramLanguageModel, to path: String) throws {
        let model = languageModel.model
        let file = try OutputFile(path: path)
        let compressed = path.hasSuffix(".zst") ? try ZstdOutputStream(file: file, level: 3) : nil
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 21)
        func flush(force: Bool = false) throws {
            guard force || buffer.count >= 1 << 20 else { return }
            if let compressed { try compressed.write(buffer) } else { try file.write(buffer) }
            buffer.removeAll(keepingCapacity: true)
        }
        func append(_ text: String) { buffer.append(contentsOf: text.utf8) }
        // Shortest decimal that reads back as the same Float: exact round trips.
        func append(_ value: Float) { append(value.description) }
        let names = WordTexts(names: languageModel.vocabulary.tokens.enumerated().map {
            Array(($0.offset == Int(SpecialToken.unknown.id) ? corpusUnknown : $0.element).utf8)
        })
        let unigrams = (0..<model.vocabularySize).filter { model.known[$0] }
        append("\\data\\\nngram 1=\(unigrams.count + 1)\n")
        for n in 2...model.order { append("ngram \(n)=\(model.count(order: n))\n") }
        append("\n\\1-grams:\n")
        append(model.unknownLog10)
        append("\t<unk>\t0\n")
        for w in unigrams {
            if w == Int(SpecialToken.startOfSequence.id) { append("0") } else { append(model.unigramLog10[w]) }
            buffer.append(0x09)
            names.append(w, to: &buffer)
            buffer.append(0x09)
            append(model.unigramBackoffs[w])
            buffer.append(0x0A)
            try flush()
        }
        // Each n-gram's words, kept for the order above: an n-gram is its first word and the
        // n-gram below in `key >> 32`, so one lookup of that text replaces a walk down the tables
        // (whose cache misses were most of the time).
        var lower = names
        for n in 2...model.order {
            append("\n\\\(n)-grams:\n")
            let table = model.storage.tables[n]
            var texts = n < model.order
                ? WordTexts(capacity: table.count, expectedBytes: model.count(order: n) * (names.averageLength + 1 + lower.averageLength)) : nil
            for slot in 0..<table.count {
                // The text below is a random read (two misses: its bounds, then its bytes):
                // bounds are fetched 16 slots ahead, bytes 8 ahead.
                if slot + 16 < table.count, table[slot + 16].key != ProbingEntry.emptyKey { lower.prefetchBounds(Int(table[slot + 16].key >> 32)) }
                if slot + 8 < table.count, table[slot + 8].key != ProbingEntry.emptyKey { lower.prefetchText(Int(table[slot + 8].key >> 32)) }
                let entry = table[slot]
                guard entry.key != ProbingEntry.emptyKey else { continue }
                append(entry.log10Probability)
                buffer.append(0x09)
                let start = buffer.count
                names.append(Int(entry.key & 0xFFFF_FFFF), to: &buffer)
                buffer.append(0x20)
                lower.append(Int(entry.key >> 32), to: &buffer)
                if texts != nil { try buffer.withUnsafeBufferPointer { try texts?.set(slot, UnsafeBufferPointer(rebasing: $0[start...]), writing: path) } }
                if n < model.order {
                    buffer.append(0x09)
                    append(entry.log10Backoff)
                }
                buffer.append(0x0A)
                try flush()
            }
            if let texts { lower = texts }
        }
        append("\n\\end\\\n")
        try flush(force: true)
        try compressed?.finish()
        try file.commit()
    }

    /// The words of every n-gram of one order by slot, as ARPA writes them, in one byte buffer.
    struct WordTexts {
        var bytes: [UInt8] = []
        /// Where each slot's text begins and ends in `bytes` (32-bit: half the memory).
        var starts: [UInt32]
        var ends: [UInt32]

        /// The unigrams: their names.
        init(names: [[UInt8]]) {
            starts = []
            ends = []
            for name in names {
                starts.append(UInt32(bytes.count))
                bytes += name
                ends.append(UInt32(bytes.count))
            }
        }

        /// Room for `capacity` slots and about `expectedBytes` of text (so the buffer is not
        /// copied as it grows).
        init(capacity: Int, expectedBytes: Int) {
            starts = [UInt32](repeating: 0, count: capacity)
            ends = [UInt32](repeating: 0, count: capacity)
            bytes.reserveCapacity(expectedBytes + expectedBytes / 8)
        }

        /// Bytes per text, rounded up.
        var averageLength: Int {
            let count = starts.count { $0 != 0 } + 1
            return (bytes.count + count - 1) / count
        }

        mutating func set(_ slot: Int, _ text: UnsafeBufferPointer<UInt8>, writing path: String) throws {
            guard bytes.count + text.count <= Int(UInt32.max) else {
                throw CollapseError("one order's n-grams take more than 4 GiB of ARPA text", path: path)
            }
            starts[slot] = UInt32(bytes.count)
            bytes.append(contentsOf: text)
            ends[slot] = UInt32(bytes.count)
        }

        @inline(__always)
        func prefetchBounds(_ slot: Int) {
            starts.withUnsafeBufferPointer { prefetchForReading($0.baseAddress! + slot) }
            ends.withUnsafeBufferPointer { prefetchForReading($0.baseAddress! + slot) }
        }

        @inline(__always)
        func prefetchText(_ slot: Int) {
            bytes.withUnsafeBufferPointer { prefetchForReading($0.baseAddress! + Int(starts[slot])) }
        }

        @inline(__always)
        func append(_ slot: Int, to buffer: inout [UInt8]) {
            bytes.withUnsafeBufferPointer { buffer.append(contentsOf: UnsafeBufferPointer(rebasing: $0[Int(starts[slot])..<Int(ends[slot])])) }
        }
    }

    /// Reads an ARPA file (`.zst` allowed) into a model whose vocabulary is the file's words.
    /// Checks the structure: header counts against sections, and that every n-gram's context
    /// and suffix are present at the order below.
    public static func read(from path: String, tokenizer: TokenizerKind = .whitespace) throws -> NGramLanguageModel {
        var parser = Parser(path: path)
        var reader = LineChunkReader(source: try Zstd.openReading(path: path))
        try reader.forEachChunk { chunk, _ in try parser.consume(chunk) }
        return try parser.finish(tokenizer: tokenizer)
    }

    /// A line-by-line state machine over the file's sections.
    struct Parser {
        enum Section { case start, data, grams(Int), end }
        let path: String
        var section = Section.start
        var lineNumber = 0
        var declared: [Int] = []
        // Unigrams in file order, then n-gram lines stored as word ids per order.
        var unigramWords: [String] = []
        var unigramLogs: [Float] = []
        var unigramBackoffs: [Float] = []
        var wordIDs = TokenTable(minimumCapacity: 1 << 16)
        var grams: [[Int32]] = [[], []]     // per order, flattened word ids (file-local ids)
        var logs: [[Float]] = [[], []]
        var backoffs: [[Float]] = [[], []]

        init(path: String) { self.path = path }

        func fail(_ problem: String) -> CollapseError {
            CollapseError("line \(lineNumber): \(problem)", path: path)
        }

        mutating func consume(_ chunk: UnsafeRawBufferPointer) throws {
            var start = 0
            while start < chunk.count {
                var end = start
                while end < chunk.count && chunk[end] != 0x0A { end += 1 }
                lineNumber += 1
                try line(UnsafeRawBufferPointer(rebasing: chunk[start..<end]))
                start = end + 1
            }
        }

        /// One line, parsed on bytes: words are split on single ASCII spaces only, so a word
        /// that is a lone combining mark stays a word.
        mutating func line(_ raw: UnsafeRawBufferPointer) throws {
            var bytes = raw[...]
            while let last = bytes.last, last == 0x20 || last == 0x09 || last == 0x0D { bytes.removeLast() }
            while let first = bytes.first, first == 0x20 { bytes.removeFirst() }
            if bytes.isEmpty { return }
            if bytes.first == UInt8(ascii: "\\") {
                try marker(String(decoding: bytes, as: UTF8.self))
                return
            }
            switch section {
            case .start: throw fail("expected \\data\\ (not an ARPA file?)")
            case .end: throw fail("text after \\end\\")
            case .data:
                let text = String(decoding: bytes, as: UTF8.self)
                let parts = text.dropFirst("ngram ".count).split(separator: "=")
                guard text.hasPrefix("ngram "), parts.count == 2, let n = Int(parts[0].trimmingCharacters(in: .whitespaces)),
                      let count = Int(parts[1].trimmingCharacters(in: .whitespaces)), n == declared.count + 1, count >= 0 else {
                    throw fail("expected 'ngram \(declared.count + 1)=<count>'")
                }
                declared.append(count)
            case .grams(let n):
                let fields = bytes.split(separator: 0x09, omittingEmptySubsequences: false)
                guard fields.count == 2 || fields.count == 3, let log = Self.float(fields[0]) else {
                    throw fail("expected 'log10p<TAB>words[<TAB>backoff]'")
                }
                // A NaN, an infinity or a log above 0 is no probability: it would score as NaN or 0.
                guard log.isFinite, log <= 0 else { throw fail("log10 probability \(log) is not that of a probability (finite, ≤ 0)") }
                var backoff: Float = 0
                if fields.count == 3 {
                    guard let value = Self.float(fields[2]), value.isFinite else { throw fail("backoff is not a finite number") }
                    backoff = value
                }
                let words = fields[1].split(separator: 0x20)
                guard words.count == n else { throw fail("\(n)-gram has \(words.count) words") }
                if n == 1 {
                    let word = String(decoding: words[0], as: UTF8.self)
                    guard wordIDs.insert(UnsafeRawBufferPointer(rebasing: words[0])).inserted else {
                        throw fail("unigram '\(word)' appears twice")
                    }
                    unigramWords.append(word)
                    unigramLogs.append(log)
                    unigramBackoffs.append(backoff)
                } else {
                    while grams.count <= n { grams.append([]); logs.append([]); backoffs.append([]) }
                    for word in words {
                        guard let id = wordIDs.index(of: UnsafeRawBufferPointer(rebasing: word)).map(Int32.init) else {
                            throw fail("word '\(String(decoding: word, as: UTF8.self))' has no unigram")
                        }
                        grams[n].append(id)
                    }
                    logs[n].append(log)
                    if n < declared.count { backoffs[n].append(backoff) }
                }
            }
        }

        mutating func marker(_ text: String) throws {
            if text == "\\data\\" {
                guard case .start = section else { throw fail("a second \\data\\ section") }
                section = .data
            } else if text == "\\end\\" {
                section = .end
            } else if text.hasSuffix("-grams:"), let n = Int(text.dropFirst().dropLast(7)), n >= 1, n <= declared.count {
                if n > 1 {
                    guard case .grams(let previous) = section, previous == n - 1 else { throw fail("section \(n)-grams out of order") }
                } else {
                    guard case .data = section else { throw fail("section 1-grams out of place") }
                }
                section = .grams(n)
            } else {
                throw fail("unexpected line '\(text)'")
            }
        }

        /// strtof on a copy with a terminator: exact, and faster than going through String.
        static func float(_ field: Slice<UnsafeRawBufferPointer>) -> Float? {
            guard !field.isEmpty, field.count < 64 else { return nil }
            return withUnsafeTemporaryAllocation(of: CChar.self, capacity: field.count + 1) { buffer in
                for (offset, byte) in field.enumerated() { buffer[offset] = CChar(bitPattern: byte) }
                buffer[field.count] = 0
                var end: UnsafeMutablePointer<CChar>?
                let value = strtof(buffer.baseAddress!, &end)
                return end == buffer.baseAddress! + field.count ? value : nil
            }
        }

        mutating func finish(tokenizer: TokenizerKind) throws -> NGramLanguageModel {
            guard case .end = section else { throw CollapseError("no \\end\\ line (truncated ARPA file?)", path: path) }
            let order = declared.count
            guard (2...6).contains(order) else { throw CollapseError("order \(order) is not supported (2–6)", path: path) }
            guard unigramWords.count == declared[0] else {
                throw CollapseError("header declares \(declared[0]) 1-grams but the section has \(unigramWords.count)", path: path)
            }
            for n in 2...order where grams.count <= n || grams[n].count != declared[n - 1] * n {
                let found = grams.count > n ? grams[n].count / n : 0
                throw CollapseError("header declares \(declared[n - 1]) \(n)-grams but the section has \(found)", path: path)
            }
            // Our vocabulary: specials, then the file's words; `<wt-unk>` is our `<unk>`.
            let regular = unigramWords.filter { !["<unk>", "<s>", "</s>", ARPA.corpusUnknown].contains($0) }
            let vocabulary = Vocabulary(specialsFollowedBy: regular, tokenizer: tokenizer)
            let size = vocabulary.count
            let ourID: [Int32] = unigramWords.map { word in
                switch word {
                case "<unk>": -1
                case ARPA.corpusUnknown: SpecialToken.unknown.id
                // Text maps literal boundaries to <unk>; here they are the boundaries.
                case "<s>": SpecialToken.startOfSequence.id
                case "</s>": SpecialToken.endOfSequence.id
                default: vocabulary.id(of: word)
                }
            }
            var unknownLog10: Float = -99
            var probabilities: [[Float]] = [[], [Float](repeating: -99, count: size)]
            var unigramBackoffTable: [[Float]] = [[], [Float](repeating: 0, count: size)]
            var known = [Bool](repeating: false, count: size)
            for (index, id) in ourID.enumerated() {
                if id < 0 { unknownLog10 = unigramLogs[index]; continue }
                probabilities[1][Int(id)] = unigramLogs[index]
                unigramBackoffTable[1][Int(id)] = unigramBackoffs[index]
                known[Int(id)] = true
            }
            var dense = DenseNGrams(order: order, vocabularySize: size, indices: [NGramIndex(expectedCount: 0), NGramIndex(expectedCount: 0)],
                                    log10Probabilities: probabilities, log10Backoffs: unigramBackoffTable, contexts: [[], []], known: known)
            for n in 2...order {
                var index = NGramIndex(expectedCount: declared[n - 1])
                var contexts = [Int32](repeating: 0, count: declared[n - 1])
                var words = [Int32](repeating: 0, count: n)
                for j in 0..<declared[n - 1] {
                    for k in 0..<n {
                        let id = ourID[Int(grams[n][j * n + k])]
                        guard id >= 0 else {
                            throw CollapseError("\(n)-gram \(j + 1) contains <unk>, which cannot be extended", path: path)
                        }
                        words[k] = id
                    }
                    guard let suffix = dense.index(of: words[1...]), let context = dense.index(of: words[..<(n - 1)]) else {
                        throw CollapseError("\(n)-gram '\(words.map { vocabulary.token(Int($0)) }.joined(separator: " "))' lacks its context or suffix at order \(n - 1)", path: path)
                    }
                    let (_, inserted) = index.insert(NGramIndex.key(suffix: suffix, first: words[0]))
                    guard inserted else { throw CollapseError("\(n)-gram \(j + 1) appears twice", path: path) }
                    contexts[j] = context
                }
                dense.indices.append(index)
                dense.contexts.append(contexts)
                dense.log10Probabilities.append(logs[n])
                if n < order { dense.log10Backoffs.append(backoffs[n]) }
                grams[n] = []
            }
            let model = NGramModel(laying: dense, discounts: [], uniformSize: known.count { $0 }, unknownLog10: unknownLog10)
            return NGramLanguageModel(model: model, vocabulary: vocabulary, mode: .sentence)
        }
    }
}

extension DenseNGrams {
    /// The dense index of an n-gram given by its words (order = count), or nil. O(order).
    func index<C: BidirectionalCollection>(of words: C) -> Int32? where C.Element == Int32, C.Index == Int {
        guard let last = words.last, last >= 0, Int(last) < vocabularySize, known[Int(last)] else { return nil }
        var index = last
        var n = 1
        var position = words.endIndex - 2
        while position >= words.startIndex {
            n += 1
            guard n <= order, n < indices.count else { return nil }
            let found = indices[n].find(NGramIndex.key(suffix: index, first: words[position]))
            if found < 0 { return nil }
            index = found
            position -= 1
        }
        return index
    }
}

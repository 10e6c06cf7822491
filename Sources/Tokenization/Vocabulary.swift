import Storage

/// Tokens with a fixed meaning. Their ids are the first four, in this order.
public enum SpecialToken: Int32, CaseIterable, Sendable {
    /// Any token outside the vocabulary (and WikiText's literal `<unk>`).
    case unknown = 0
    /// Start of a sequence: context only, never predicted or generated.
    case startOfSequence = 1
    /// End of a sequence: used by sentence-mode n-gram models; never generated.
    case endOfSequence = 2
    /// End of a line of the source text, part of the token stream.
    case endOfLine = 3

    public var text: String {
        switch self {
        case .unknown: "<unk>"
        case .startOfSequence: "<s>"
        case .endOfSequence: "</s>"
        case .endOfLine: "<eos>"
        }
    }

    public var id: Int32 { rawValue }
}

/// The fixed mapping between tokens and ids of one corpus, built from its real training split.
///
/// Ids 0–3 are the special tokens; the rest are ordered by descending count, ties by the
/// token's bytes. Saved as a UTF-8 text file with counts and a hash of its contents; corpora and
/// models record that hash and are refused with any other vocabulary.
public struct Vocabulary: Sendable, Equatable {
    /// Tokens by id, made from the table's keys on each call: one token is `token(_:)`.
    /// - Complexity: O(vocabulary size).
    public var tokens: [String] { (0..<count).map(table.string) }
    /// Training-split occurrences by id (`<unk>` includes the tokens mapped to it).
    public let counts: [Int]
    public let tokenizer: TokenizerKind
    /// XXH64 of the canonical file contents: the vocabulary's identity.
    public let hash: UInt64
    private let table: TokenTable

    public var count: Int { table.count }

    /// The token with id `id` (0..<count).
    public func token(_ id: Int) -> String { table.string(id) }

    public static func == (lhs: Vocabulary, rhs: Vocabulary) -> Bool { lhs.hash == rhs.hash }

    /// - Precondition: the first four tokens are the special tokens in order, tokens are unique.
    init(tokens: [String], counts: [Int], tokenizer: TokenizerKind) {
        var table = TokenTable(minimumCapacity: tokens.count)
        for var token in tokens { token.withUTF8 { table.append(UnsafeRawBufferPointer($0)) } }
        precondition(table.placeAppended() == nil, "vocabulary tokens must be unique")
        self.init(counts: counts, tokenizer: tokenizer, table: table,
                  hash: XXHash64.hash(Self.body(tokens: tokens, counts: counts, tokenizer: tokenizer)))
    }

    /// The parts as they are: `table` holds the tokens in id order, `hash` is their body's
    /// XXH64. No `String` per token is made: a model loaded to score a line touches only a few.
    private init(counts: [Int], tokenizer: TokenizerKind, table: TokenTable, hash: UInt64) {
        self.counts = counts
        self.tokenizer = tokenizer
        self.table = table
        self.hash = hash
    }

    /// A vocabulary of the special tokens followed by `words` in the given order, with unknown
    /// counts (an imported model's vocabulary). Specials and repeats in `words` are skipped.
    public init(specialsFollowedBy words: [String], tokenizer: TokenizerKind) {
        var tokens = SpecialToken.allCases.map(\.text)
        var seen = Set(tokens)
        for word in words where seen.insert(word).inserted { tokens.append(word) }
        self.init(tokens: tokens, counts: [Int](repeating: 0, count: tokens.count), tokenizer: tokenizer)
    }

    /// Builds a vocabulary from the counts of a training split. O(V log V).
    /// - Parameters:
    ///   - minimumCount: tokens seen fewer times map to `<unk>`.
    ///   - maximumSize: at most this many ids in all (specials included); the rarest tokens
    ///     beyond it map to `<unk>`.
    public static func build(from counts: TokenCounts, tokenizer: TokenizerKind,
                             minimumCount: Int = 1, maximumSize: Int? = nil) throws -> Vocabulary {
        if let maximumSize, maximumSize < SpecialToken.allCases.count + 1 {
            throw CollapseError("a vocabulary needs room for the \(SpecialToken.allCases.count) special tokens and at least one word (--max-size \(maximumSize))")
        }
        var specialCounts = [Int](repeating: 0, count: SpecialToken.allCases.count)
        specialCounts[Int(SpecialToken.endOfLine.id)] = counts.nonBlankLines
        var regular: [(bytes: ArraySlice<UInt8>, count: Int)] = []
        regular.reserveCapacity(counts.table.count)
        for index in 0..<counts.table.count {
            let count = counts.counts[index]
            let key = counts.table.key(index)
            let special = SpecialToken.allCases.first { $0.text.utf8.elementsEqual(key) }
            switch special {
            case .endOfLine?: specialCounts[Int(SpecialToken.endOfLine.id)] += count
            case .some: specialCounts[Int(SpecialToken.unknown.id)] += count // reserved: literal `<s>`, `</s>` are unknown
            case nil where count < minimumCount: specialCounts[Int(SpecialToken.unknown.id)] += count
            case nil: regular.append((key, count))
            }
        }
        regular.sort { $0.count != $1.count ? $0.count > $1.count : $0.bytes.lexicographicallyPrecedes($1.bytes) }
        if let maximumSize, regular.count > maximumSize - specialCounts.count {
            let dropped = regular[(maximumSize - specialCounts.count)...]
            specialCounts[Int(SpecialToken.unknown.id)] += dropped.reduce(0) { $0 + $1.count }
            regular.removeSubrange((maximumSize - specialCounts.count)...)
        }
        return Vocabulary(
            tokens: SpecialToken.allCases.map(\.text) + regular.map { String(decoding: $0.bytes, as: UTF8.self) },
            counts: specialCounts + regular.map(\.count),
            tokenizer: tokenizer)
    }

    /// The id of a token's bytes: its own, or `<unk>`. O(length) expected.
    @inline(__always)
    public func id(of bytes: UnsafeRawBufferPointer) -> Int32 {
        guard let index = table.index(of: bytes) else { return SpecialToken.unknown.id }
        // A literal `<s>` or `</s>` in text is not a sequence boundary.
        return index == Int(SpecialToken.startOfSequence.id) || index == Int(SpecialToken.endOfSequence.id)
            ? SpecialToken.unknown.id : Int32(index)
    }

    /// The id of a token's bytes if it has one of its own (`<s>`/`</s>` literals have none).
    @inline(__always)
    public func lookup(_ bytes: UnsafeRawBufferPointer) -> Int32? {
        let id = self.id(of: bytes)
        return id != SpecialToken.unknown.id || isUnknownLiteral(bytes) ? id : nil
    }

    private func isUnknownLiteral(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.elementsEqual(SpecialToken.unknown.text.utf8)
    }

    public func id(of token: String) -> Int32 {
        var token = token
        return token.withUTF8 { id(of: UnsafeRawBufferPointer($0)) }
    }

    /// Whether the token has an id of its own.
    public func contains(_ token: String) -> Bool {
        table.index(of: token) != nil
    }

    /// Text for people: tokens joined by single spaces.
    public func text<S: Sequence>(of ids: S) -> String where S.Element == Int32 {
        var text = ""
        for id in ids {
            if !text.isEmpty { text += " " }
            text += id >= 0 && Int(id) < count ? token(Int(id)) : "<invalid:\(id)>"
        }
        return text
    }

    // MARK: File format

    static let magicLine = "# ModelCollapse vocabulary 1"

    /// The hashed part of the file: the tokenizer and every `token<TAB>count` line.
    private static func body(tokens: [String], counts: [Int], tokenizer: TokenizerKind) -> String {
        var body = "tokenizer \(tokenizer.rawValue)\n"
        for (token, count) in zip(tokens, counts) { body += "\(token)\t\(count)\n" }
        return body
    }

    /// The file's text: a header (format, tokenizer, size, hash) then `token<TAB>count` per id.
    public func fileContents() -> String {
        var text = "\(Self.magicLine)\n# tokenizer \(tokenizer.rawValue)\n# entries \(count)\n# hash \(hash.hexDigits)\n"
        for (id, count) in counts.enumerated() { text += "\(token(id))\t\(count)\n" }
        return text
    }

    public func save(to path: String) throws {
        try FileSystem.writeText(fileContents(), to: path)
    }

    /// Loads and checks a vocabulary file: header, entry count, hash, special tokens, uniqueness.
    public static func load(from path: String) throws -> Vocabulary {
        try parse(try InputFile.readText(path: path), path: path)
    }

    /// Parses and checks the contents of a vocabulary file (`path` names it in errors).
    /// - Complexity: O(file size), over its UTF-8 bytes.
    public static func parse(_ text: String, path: String) throws -> Vocabulary {
        var text = text
        return try text.withUTF8 { try parse(UnsafeRawBufferPointer($0), path: path) }
    }

    /// `parse` over the file's bytes: lines split at newline bytes, the hash taken over the
    /// body as it lies.
    static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws -> Vocabulary {
        func fail(_ problem: String) -> CollapseError { CollapseError(problem, path: path) }
        var position = 0
        func nextLine() -> UnsafeRawBufferPointer? {
            guard position < bytes.count else { return nil }
            let start = position
            while position < bytes.count && bytes[position] != 0x0A { position += 1 }
            let line = UnsafeRawBufferPointer(rebasing: bytes[start..<position])
            if position < bytes.count { position += 1 }
            return line
        }
        var headers: [String] = []
        while headers.count < 4, let line = nextLine() { headers.append(String(decoding: line, as: UTF8.self)) }
        guard headers.count == 4, headers[0] == magicLine else {
            throw fail("not a ModelCollapse vocabulary (first line should be '\(magicLine)')")
        }
        func header(_ index: Int, _ key: String) throws -> Substring {
            let prefix = "# \(key) "
            guard headers[index].hasPrefix(prefix) else { throw fail("line \(index + 1): expected '\(prefix)…'") }
            return headers[index].dropFirst(prefix.count)
        }
        guard let tokenizer = TokenizerKind(rawValue: String(try header(1, "tokenizer"))) else {
            throw fail("line 2: unknown tokenizer '\(try header(1, "tokenizer"))'")
        }
        // One line per entry: a count beyond the file's bytes is damage, not a size to reserve.
        guard let entries = Int(try header(2, "entries")), entries >= 0, entries <= bytes.count else {
            throw fail("line 3: entry count is not a number of entries this file can hold")
        }
        guard let recordedHash = UInt64(hexDigits: try header(3, "hash")) else { throw fail("line 4: hash is not 16 hex digits") }
        var hasher = XXHash64()
        hasher.update(Array("tokenizer \(tokenizer.rawValue)\n".utf8))
        hasher.update(UnsafeRawBufferPointer(rebasing: bytes[position...]))
        if bytes.last != 0x0A { hasher.update([0x0A]) }
        var counts: [Int] = []
        counts.reserveCapacity(entries)
        var table = TokenTable(minimumCapacity: entries, keyBytes: bytes.count - position)
        while let line = nextLine() {
            let number = counts.count + 5
            guard let tab = line.firstIndex(of: 0x09), tab > 0, let count = Self.decimal(line[(tab + 1)...]) else {
                throw fail("line \(number): expected 'token<TAB>count'")
            }
            table.append(UnsafeRawBufferPointer(rebasing: line[..<tab]))
            counts.append(count)
        }
        if let repeated = table.placeAppended() {
            throw fail("token '\(table.string(repeated))' appears twice (id \(repeated))")
        }
        guard counts.count == entries else { throw fail("header says \(entries) entries but the file has \(counts.count)") }
        guard hasher.finalize() == recordedHash else {
            throw fail("contents do not match the recorded hash \(recordedHash.hexDigits) (edited by hand?)")
        }
        for special in SpecialToken.allCases where table.count <= Int(special.id) || table.string(Int(special.id)) != special.text {
            throw fail("id \(special.id) must be the special token \(special.text)")
        }
        return Vocabulary(counts: counts, tokenizer: tokenizer, table: table, hash: recordedHash)
    }

    /// A count written in plain decimal digits (what `fileContents` writes), or nil.
    private static func decimal(_ digits: Slice<UnsafeRawBufferPointer>) -> Int? {
        guard !digits.isEmpty, digits.count <= 18 else { return nil }
        var value = 0
        for byte in digits {
            guard (0x30...0x39).contains(byte) else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
    }
}

import Storage

/// Reads one JSON object of a configuration key by key, so that every problem names its key:
/// a missing key, a value of the wrong kind (a fraction where a whole number belongs), a number
/// outside its documented range, or a key nobody reads.
public struct SettingsReader {
    /// The file errors are attributed to.
    public let path: String
    /// The object's own key path, e.g. `model.` (empty at the top).
    public let prefix: String
    private let members: [String: JSONValue]
    private var read: Set<String> = []

    public init(_ value: JSONValue, path: String, prefix: String = "") throws {
        guard case .object(let members) = value else {
            throw CollapseError(prefix.isEmpty ? "not a JSON object" : "'\(prefix.dropLast())' must be an object", path: path)
        }
        self.members = members
        self.path = path
        self.prefix = prefix
    }

    /// Whether the object has `key` (marks it read).
    public mutating func has(_ key: String) -> Bool {
        read.insert(key)
        return members[key] != nil && members[key] != .null
    }

    /// The raw value of a required key.
    public mutating func value(_ key: String) throws -> JSONValue {
        read.insert(key)
        guard let value = members[key], value != .null else { throw failure("missing key '\(prefix)\(key)'") }
        return value
    }

    public mutating func string(_ key: String) throws -> String {
        let value = try self.value(key)
        guard case .string(let text) = value else { throw wrongKind(key, value, "text in quotes") }
        return text
    }

    public mutating func bool(_ key: String) throws -> Bool {
        let value = try self.value(key)
        guard case .bool(let flag) = value else { throw wrongKind(key, value, "true or false") }
        return flag
    }

    /// A whole number within `limit`.
    public mutating func int(_ key: String, _ limit: Limit<Int>) throws -> Int {
        try number(key, limit, kind: "a whole number") { Int($0) }
    }

    /// A number within `limit`.
    public mutating func double(_ key: String, _ limit: Limit<Double>) throws -> Double {
        try number(key, limit, kind: "a number") { Double($0).flatMap { $0.isFinite ? $0 : nil } }
    }

    /// A single-precision number within `limit`.
    public mutating func float(_ key: String, _ limit: Limit<Float>) throws -> Float {
        try number(key, limit, kind: "a number") { Float($0).flatMap { $0.isFinite ? $0 : nil } }
    }

    /// The key's number as `parse` reads it (nil: not that kind of number), checked against `limit`.
    private mutating func number<Value>(_ key: String, _ limit: Limit<Value>, kind: String,
                                        _ parse: (String) -> Value?) throws -> Value {
        let value = try self.value(key)
        guard case .number(let text) = value, let number = parse(text) else {
            throw wrongKind(key, value, "\(kind) \(limit.rangeText)")
        }
        try limit.check(number, as: "\(prefix)\(key)", path: path)
        return number
    }

    /// One of a type's raw values.
    public mutating func choice<Choice: RawRepresentable & CaseIterable>(_ key: String, _ type: Choice.Type) throws -> Choice
    where Choice.RawValue == String {
        let value = try self.value(key)
        let known = Choice.allCases.map(\.rawValue).joined(separator: ", ")
        guard case .string(let text) = value, let choice = Choice(rawValue: text) else {
            throw wrongKind(key, value, "one of \(known)")
        }
        return choice
    }

    /// A list of distinct non-negative whole numbers (up to 2⁶⁴ − 1), its length within `count`.
    public mutating func distinctUnsignedList(_ key: String, count: Limit<Int>) throws -> [UInt64] {
        let value = try self.value(key)
        guard case .array(let elements) = value else { throw wrongKind(key, value, "a list of whole numbers") }
        let numbers = try elements.map { element -> UInt64 in
            guard case .number(let text) = element, let number = UInt64(text) else {
                throw wrongKind(key, element, "a list of non-negative whole numbers")
            }
            return number
        }
        try count.check(numbers.count, as: "the number of \(prefix)\(key)", path: path)
        guard Set(numbers).count == numbers.count else { throw failure("'\(prefix)\(key)' lists a number twice") }
        return numbers
    }

    /// A list of texts.
    public mutating func stringList(_ key: String) throws -> [String] {
        let value = try self.value(key)
        guard case .array(let elements) = value else { throw wrongKind(key, value, "a list of texts in quotes") }
        return try elements.map { element in
            guard case .string(let text) = element else { throw wrongKind(key, element, "a list of texts in quotes") }
            return text
        }
    }

    /// A nested object, read with its own reader.
    public mutating func object(_ key: String) throws -> SettingsReader {
        try SettingsReader(try value(key), path: path, prefix: "\(prefix)\(key).")
    }

    /// Refuses keys nobody read. Call after reading every key.
    public func finish() throws {
        if let unknown = members.keys.sorted().first(where: { !read.contains($0) }) {
            throw failure("unknown key '\(prefix)\(unknown)' (known: \(read.sorted().map { prefix + $0 }.joined(separator: ", ")))")
        }
    }

    public func failure(_ problem: String) -> CollapseError {
        CollapseError(problem, path: path)
    }

    private func wrongKind(_ key: String, _ value: JSONValue, _ expected: String) -> CollapseError {
        failure("'\(prefix)\(key)' must be \(expected) (got \(value.brief))")
    }
}

import Storage

/// The documented range of one number a user gives, on the command line or in a configuration.
///
/// Every size that drives how much work or memory a command takes has one, so that a value
/// outside it is refused before any work starts, with a message that names the option or key.
public struct Limit<Value: Comparable & Sendable>: Sendable {
    /// How the number is spelled: command-line options and configuration keys.
    public let names: [String]
    public let range: ClosedRange<Value>
    /// Whether the lower end itself is allowed (false for "positive").
    public let includesLower: Bool
    /// Why the range is what it is, for the README table.
    public let reason: String

    public init(_ names: [String], _ range: ClosedRange<Value>, includesLower: Bool = true, reason: String) {
        self.names = names
        self.range = range
        self.includesLower = includesLower
        self.reason = reason
    }

    public func contains(_ value: Value) -> Bool {
        range.contains(value) && (includesLower || value != range.lowerBound)
    }

    /// - Throws: `CollapseError` "`name` must be within …(got `value`)".
    public func check(_ value: Value, as name: String, path: String? = nil) throws {
        guard contains(value) else { throw CollapseError("\(name) must be \(rangeText) (got \(value))", path: path) }
    }

    /// "within 1…64", "within (0, 100]".
    public var rangeText: String {
        includesLower ? "within \(range.lowerBound)…\(range.upperBound)" : "within (\(range.lowerBound), \(range.upperBound)]"
    }

    /// The command-line option it is first spelled as ("--limit" of "--limit (generate)"),
    /// or its first name when it has no option.
    public var option: String {
        let name = names.first { $0.hasPrefix("--") } ?? names.first ?? ""
        return String(name.prefix { $0 != " " })
    }

    /// Its row of the README's range table.
    public var row: LimitRow { LimitRow(names: names, range: rangeText, reason: reason) }
}

/// One row of the README's range table: a limit's names, range and reason, whatever the type
/// of its value. Each module lists its own limits' rows; the executable collects them.
public struct LimitRow: Sendable {
    public let names: [String]
    public let range: String
    public let reason: String
}

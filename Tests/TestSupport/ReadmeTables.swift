import Foundation

/// The README's table rows (the lines that start with "|"), read once.
private let readmeRows: Result<[Substring], any Error> = Result {
    let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("README.md")
    return try String(contentsOf: readme, encoding: .utf8).split(separator: "\n").filter { $0.hasPrefix("|") }
}

/// The README table row naming every one of `names` in backquotes, if there is one: how tests
/// check the "Ranges" table against the code.
public func readmeRow(naming names: [String]) throws -> Substring? {
    try readmeRows.get().first { row in names.allSatisfy { row.contains("`\($0)`") } }
}

import Foundation

/// JSON for files and people: indented, keys sorted (a dictionary's order varies from process
/// to process; files must not), slashes unescaped, ending in a line break.
public func prettyJSON<Value: Encodable>(_ value: Value) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
}

import Foundation
import Storage

/// A JSON file of the run decoded as `type`; a damaged one is an error naming it.
func readJSON<Value: Decodable>(_ type: Value.Type, from path: String) throws -> Value {
    do {
        return try JSONDecoder().decode(type, from: Data(try InputFile(path: path).readAll()))
    } catch let error as CollapseError { throw error } catch {
        throw CollapseError("not a valid \(FileSystem.lastComponent(of: path)) (\(error.localizedDescription)); remove the run directory to start again", path: path)
    }
}

/// Numbers one per line in shortest round-trip form (per-image scores a report reads back).
func writeNumbers(_ values: [Double], to path: String) throws {
    try FileSystem.writeText(values.map { "\($0)\n" }.joined(), to: path)
}

/// What `writeNumbers` wrote.
func readNumbers(from path: String) throws -> [Double] {
    try InputFile.readText(path: path).split(separator: "\n").map {
        guard let value = Double($0) else { throw CollapseError("'\($0)' is not a number", path: path) }
        return value
    }
}

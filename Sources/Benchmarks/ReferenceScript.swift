import Foundation
import LanguageModeling
import Storage

/// `Reference/pytorch_gpt2.py` run by a given Python (a virtual environment with torch,
/// transformers, numpy and safetensors) as a child process.
struct ReferenceScript {
    let python: String
    let script: String

    /// Runs one mode with malloc tuned to reuse memory (as PyTorch wants) and returns the JSON
    /// object of its last line of output.
    /// - Throws: when the script fails or prints no JSON object.
    func run(_ arguments: [String]) throws -> [String: JSONValue] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["GLIBC_TUNABLES"] = "glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=4294967296"
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CollapseError("the reference benchmark failed (status \(process.terminationStatus))", path: script) }
        let last = String(decoding: data, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? ""
        guard case .object(let fields) = try? JSONValue.parse(Array(last.utf8)) else {
            throw CollapseError("unexpected output from the reference: \(last.prefix(200))", path: script)
        }
        return fields
    }

    /// A number the reference printed.
    static func number(_ fields: [String: JSONValue], _ key: String) throws -> Double {
        guard case .number(let text)? = fields[key], let value = Double(text) else {
            throw CollapseError("the reference printed no number '\(key)'")
        }
        return value
    }
}

/// Blocks as raw little-endian int32, the reference script's input.
func writeRawIDs(_ sequences: TrainingSequences, to path: String) throws {
    let file = try OutputFile(path: path)
    try sequences.tokens.withUnsafeBytes { try file.write($0) }
    try file.commit()
}


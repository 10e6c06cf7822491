import Foundation
import Testing
import TestSupport
@testable import GPT2
@testable import NeuralNetworks
import Storage

/// The Hugging Face reference models of `../shared/anchors/hf`.
func anchorModel(_ name: String) -> String? {
    anchorsDirectory().map { $0.appendingPathComponent("hf/\(name)").path }
}

@Suite(.enabled(if: anchorsDirectory() != nil, "WIKITEXT2_DIR is not set: the anchors beside it are not found"))
struct HuggingFaceParityTests {
    @Test(arguments: ["gpt2-tiny", "gpt2-tiny-perturbed"])
    func logitsEqualTransformers(model name: String) throws {
        let directory = try #require(anchorModel(name))
        let contents = try GPT2Checkpoint.read(path: "\(directory)/model.safetensors")
        #expect(contents.configuration == GPT2Configuration(layers: 2, width: 32, heads: 2, context: 128, vocabularySize: 50))
        let reference = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(directory)/reference.json"))) as! [String: Any]
        let ids = (reference["logits_input_ids"] as! [Int]).map(Int32.init)
        let expected = (reference["logits"] as! [[Double]])
        let model = Transformer<Float>(layout: GPT2Layout(contents.configuration), parameters: contents.parameters)
        let targets = [Int32](repeating: -1, count: ids.count)
        _ = ids.withUnsafeBufferPointer { i in targets.withUnsafeBufferPointer { t in
            model.forward(ids: i, targets: t, batch: 1, length: ids.count, keepGradient: false, keepLogits: true)
        } }
        var worst = 0.0
        for (position, row) in expected.enumerated() {
            for (id, value) in row.enumerated() { worst = max(worst, abs(Double(model.logits[position * 50 + id]) - value)) }
        }
        #expect(worst <= 1e-4, "worst |Δlogit| = \(worst)")
        #expect(expected.count == ids.count && expected[0].count == 50)
    }

    @Test func aCheckpointWeWriteReadsBackBitForBitAndAgain() throws {
        let directory = try #require(anchorModel("gpt2-tiny-perturbed"))
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let contents = try GPT2Checkpoint.read(path: "\(directory)/model.safetensors")
        try GPT2Checkpoint.write(to: "\(root)/model.safetensors", configuration: contents.configuration, parameters: contents.parameters, vocabulary: nil)
        let back = try GPT2Checkpoint.read(path: "\(root)/model.safetensors")
        #expect(back.configuration == contents.configuration)
        #expect(UnsafeBufferPointer(start: back.parameters.pointer, count: back.parameters.count)
                .elementsEqual(UnsafeBufferPointer(start: contents.parameters.pointer, count: contents.parameters.count)))
        try GPT2Checkpoint.write(to: "\(root)/again.safetensors", configuration: back.configuration, parameters: back.parameters, vocabulary: nil)
        #expect(try Data(contentsOf: URL(fileURLWithPath: "\(root)/model.safetensors")) == Data(contentsOf: URL(fileURLWithPath: "\(root)/again.safetensors")))
        // The reference implementation reads it: every tensor equal to the original file's.
        let script = """
        import sys
        from safetensors.numpy import load_file
        ours, theirs = load_file(sys.argv[1]), load_file(sys.argv[2])
        assert sorted(ours) == sorted(theirs), (sorted(ours), sorted(theirs))
        assert all((ours[k] == theirs[k]).all() and ours[k].dtype == theirs[k].dtype for k in ours)
        print(len(ours))
        """
        let result = try runPython(script, arguments: ["\(root)/model.safetensors", "\(directory)/model.safetensors"])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.trimmingCharacters(in: .whitespacesAndNewlines) == "\(GPT2Layout(contents.configuration).tensors.entries.count)")
    }

    @Test func damagedTruncatedAndMisshapenFilesAreRefusedNamingTheFile() throws {
        let directory = try #require(anchorModel("gpt2-tiny"))
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let contents = try GPT2Checkpoint.read(path: "\(directory)/model.safetensors")
        let path = "\(root)/model.safetensors"
        try GPT2Checkpoint.write(to: path, configuration: contents.configuration, parameters: contents.parameters, vocabulary: nil)
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        func expectRefused(_ bytes: Data, _ fragment: String) throws {
            try bytes.write(to: URL(fileURLWithPath: path))
            do {
                _ = try GPT2Checkpoint.read(path: path)
                Issue.record("accepted: \(fragment)")
            } catch let error as CollapseError {
                #expect(error.path == path && error.problem.contains(fragment), "\(error)")
            }
        }
        try expectRefused(original.prefix(original.count - 100), "truncated")
        try expectRefused(original.prefix(5), "truncated")
        var flipped = original
        flipped[original.count - 7] ^= 0x10
        try expectRefused(flipped, "damaged")
        // A wider model's configuration beside another's weights.
        try original.write(to: URL(fileURLWithPath: path))
        var wider = contents.configuration
        wider.width = 64
        try GPT2Checkpoint.write(to: "\(root)/wide.safetensors", configuration: wider, parameters: GPT2Layout(wider).initialized(seed: 1), vocabulary: nil)
        try FileManager.default.removeItem(atPath: path)
        try FileManager.default.copyItem(atPath: "\(directory)/model.safetensors", toPath: path)
        do {
            _ = try GPT2Checkpoint.read(path: path)
            Issue.record("weights of width 32 accepted under a width-64 config.json")
        } catch let error as CollapseError {
            #expect(error.problem.contains("has shape [50, 32], expected [50, 64]"), "\(error)")
        }
    }
}

/// Runs python3 with a script; returns its status and output.
func runPython(_ script: String, arguments: [String]) throws -> (status: Int32, output: String, error: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script] + arguments
    let output = Pipe(), error = Pipe()
    process.standardOutput = output
    process.standardError = error
    try process.run()
    let out = output.fileHandleForReading.readDataToEndOfFile(), err = error.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
}

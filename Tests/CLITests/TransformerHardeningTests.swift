import Foundation
import Testing
import TestSupport

/// A tiny corpus (16-token blocks) in `root/Corpora/tiny` and a one-step 16-wide model of it in
/// `root/model`; returns the corpus path.
func tinyTransformer(in root: String, context: Int = 32) throws -> String {
    _ = try tinyRunSetup(in: root)
    let corpus = "\(root)/Corpora/tiny"
    let trained = try Collapse.run(["gpt2", "train", "--corpus", corpus, "--out", "\(root)/model", "--layers", "1", "--width", "16",
                                    "--heads", "2", "--context", "\(context)", "--steps", "1", "--batch-size", "4"],
                                   environment: ["COLLAPSE_QUIET": "1"])
    #expect(trained.status == 0, "\(trained.error)")
    return corpus
}

/// A copy of our checkpoint `source` as another tool would write it: no checksum of ours (and,
/// unless `keepingOurs`, no configuration or vocabulary of ours), the data's floats replaced by
/// `transform`.
func foreignCheckpoint(from source: String, to destination: String, keepingOurs: Bool = true, _ transform: (Int, Float) -> Float) throws {
    let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: source)))
    let length = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
    var header = try JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + length)])) as! [String: Any]
    var metadata = header["__metadata__"] as! [String: String]
    metadata["modelcollapse.xxh64"] = nil
    if !keepingOurs { metadata = metadata.filter { !$0.key.hasPrefix("modelcollapse.") } }
    header["__metadata__"] = metadata
    var data = Array(bytes[(8 + length)...])
    data.withUnsafeMutableBytes { raw in
        let floats = raw.bindMemory(to: Float.self)
        for index in floats.indices { floats[index] = transform(index, floats[index]) }
    }
    let encoded = try [UInt8](JSONSerialization.data(withJSONObject: header, options: [.sortedKeys]))
    var out = withUnsafeBytes(of: UInt64(encoded.count).littleEndian) { [UInt8]($0) } + encoded
    out += data
    try Data(out).write(to: URL(fileURLWithPath: destination))
}

@Suite(.serialized) struct TransformerHardeningTests {
    @Test func aSafetensorsHeaderLengthBeyondIntIsRefusedNamingTheFile() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let corpus = try tinyTransformer(in: root)
        let original = try [UInt8](Data(contentsOf: URL(fileURLWithPath: "\(root)/model/model.safetensors")))
        for length: UInt64 in [1 << 63, (1 << 63) + 5, .max, 1 << 40] {
            let path = "\(root)/header-\(length).safetensors"
            try Data(withUnsafeBytes(of: length.littleEndian) { [UInt8]($0) } + original[8...]).write(to: URL(fileURLWithPath: path))
            try expectRefusal(["gpt2", "score", "--model", path, "--blocks", "\(corpus)/test.blocks", "--corpus", corpus],
                              mentioning: [path, "a header of \(length) bytes"])
            try expectRefusal(["generate", "--model", path, "--prompts", "\(corpus)/test.blocks", "--out", "\(root)/out", "--new-tokens", "4"],
                              mentioning: [path, "a header of \(length) bytes"])
        }
    }

    @Test func scoringBlocksLongerThanTheContextIsRefused() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        _ = try tinyRunSetup(in: root)
        let imported = try Collapse.run(["corpus", "import", "\(root)/source", "--name", "short", "--tokenizer", "whitespace",
                                         "--block-size", "8", "--corpora", "\(root)/Corpora"], environment: ["COLLAPSE_QUIET": "1"])
        #expect(imported.status == 0, "\(imported.error)")
        let trained = try Collapse.run(["gpt2", "train", "--corpus", "\(root)/Corpora/short", "--out", "\(root)/model", "--layers", "1",
                                        "--width", "16", "--heads", "2", "--context", "8", "--steps", "1", "--batch-size", "4"],
                                       environment: ["COLLAPSE_QUIET": "1"])
        #expect(trained.status == 0, "\(trained.error)")
        try expectRefusal(["gpt2", "score", "--model", "\(root)/model", "--blocks", "\(root)/Corpora/tiny/test.blocks"],
                          mentioning: ["\(root)/model/model.safetensors", "sequences of 16 tokens do not fit the model's context of 8"])
    }

    @Test func aDivergentStepIsPrintedOrRefusedNeverATrap() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let corpus = try tinyTransformer(in: root)
        let result = try Collapse.run(["gpt2", "train", "--corpus", corpus, "--out", "\(root)/wild", "--layers", "1", "--width", "64",
                                       "--heads", "2", "--context", "16", "--learning-rate", "1", "--warmup-steps", "0", "--steps", "3",
                                       "--batch-size", "4"], environment: ["COLLAPSE_QUIET": "1"])
        #expect(result.status < 128, "status \(result.status): \(result.error)")
        if result.status == 0 {
            #expect(!result.output.contains("nan"), "\(result.output)")
        } else {
            #expect(result.error.contains("training diverged"), "\(result.error)")
            #expect(!FileManager.default.fileExists(atPath: "\(root)/wild/model.safetensors"))
        }
    }

    @Test func trainingThatCannotFitInMemoryIsRefusedBeforeAnyWork() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        _ = try tinyRunSetup(in: root)
        try expectRefusal(["gpt2", "train", "--corpus", "\(root)/Corpora/tiny", "--out", "\(root)/big", "--layers", "48", "--width", "2048",
                           "--heads", "16", "--steps", "1", "--batch-size", "4"],
                          mentioning: ["needs about", "of memory, but only 1.0 MiB is available"], environment: ["COLLAPSE_MEMORY_LIMIT": "1M"])
        #expect(!FileManager.default.fileExists(atPath: "\(root)/big"))
        try expectRefusal(["gpt2", "train", "--corpus", "\(root)/Corpora/tiny", "--out", "\(root)/big", "--batch-size", "1000", "--steps", "1"],
                          mentioning: ["\(root)/Corpora/tiny/train.blocks", "make no whole batch of --batch-size 1000"])
        #expect(!FileManager.default.fileExists(atPath: "\(root)/big"))
        try expectRefusal(["gpt2", "train", "--corpus", "\(root)/Corpora/tiny", "--out", "\(root)/big", "--steps", "1"],
                          mentioning: ["COLLAPSE_MEMORY_LIMIT", "is not a size"], environment: ["COLLAPSE_MEMORY_LIMIT": "99999999999999999999T"])
        try expectRefusal(["gpt2", "train", "--corpus", "\(root)/Corpora/tiny", "--out", "\(root)/big", "--steps", "1"],
                          mentioning: ["COLLAPSE_MEMORY_LIMIT", "is not a size"], environment: ["COLLAPSE_MEMORY_LIMIT": "9999999999T"])
    }

    @Test func nonFiniteOrOverflowingWeightsAreAnErrorNamingTheFile() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let corpus = try tinyTransformer(in: root, context: 40)
        try FileManager.default.createDirectory(atPath: "\(root)/nan", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: "\(root)/huge", withIntermediateDirectories: true)
        try foreignCheckpoint(from: "\(root)/model/model.safetensors", to: "\(root)/nan/model.safetensors") { $0 == 7 ? .nan : $1 }
        try foreignCheckpoint(from: "\(root)/model/model.safetensors", to: "\(root)/huge/model.safetensors") { _, _ in 3e37 }
        let nan = "\(root)/nan/model.safetensors", huge = "\(root)/huge/model.safetensors"
        for (path, fragment) in [(nan, "holds a non-finite value"), (huge, "scores are not finite")] {
            try expectRefusal(["gpt2", "score", "--model", path, "--blocks", "\(corpus)/test.blocks"], mentioning: [path, fragment])
            try expectRefusal(["generate", "--model", path, "--prompts", "\(corpus)/test.blocks", "--out", "\(root)/out", "--new-tokens", "4",
                               "--limit", "3"], mentioning: [path, fragment])
        }
        #expect(!FileManager.default.fileExists(atPath: "\(root)/out.blocks"))
    }

    @Test func aLayerNormEpsilonOtherThanGPT2sIsRefused() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let corpus = try tinyTransformer(in: root)
        try FileManager.default.createDirectory(atPath: "\(root)/hf", withIntermediateDirectories: true)
        try foreignCheckpoint(from: "\(root)/model/model.safetensors", to: "\(root)/hf/model.safetensors", keepingOurs: false) { $1 }
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(root)/model/config.json"))) as! [String: Any]
        func score(epsilon: Any) throws -> Collapse.Result {
            var edited = config
            edited["layer_norm_epsilon"] = epsilon
            try JSONSerialization.data(withJSONObject: edited).write(to: URL(fileURLWithPath: "\(root)/hf/config.json"))
            return try Collapse.run(["gpt2", "score", "--model", "\(root)/hf", "--blocks", "\(corpus)/test.blocks", "--corpus", corpus],
                                    environment: ["COLLAPSE_QUIET": "1"])
        }
        for epsilon: Any in [0.1, -1, "1e-5"] {
            let result = try score(epsilon: epsilon)
            #expect(result.status == 1 && result.error.contains("\(root)/hf/config.json: layer_norm_epsilon"), "\(epsilon): \(result.error)")
        }
        #expect(try score(epsilon: 1e-5).status == 0)
    }

    @Test func contradictoryOptionsAndOutputsOverInputsAreRefusedBeforeTraining() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let corpus = try tinyTransformer(in: root)
        let train = ["gpt2", "train", "--corpus", corpus, "--out", "\(root)/again", "--layers", "1", "--width", "16", "--heads", "2",
                     "--context", "32", "--batch-size", "4"]
        try expectRefusal(train + ["--steps", "1", "--epochs", "2"], mentioning: ["--steps and --epochs contradict each other"])
        let blocks = try Data(contentsOf: URL(fileURLWithPath: "\(corpus)/train.blocks"))
        try expectRefusal(train + ["--steps", "1", "--log", "\(corpus)/train.blocks"],
                          mentioning: ["\(corpus)/train.blocks", "is one of the command's inputs"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: "\(corpus)/train.blocks")) == blocks)
        try expectRefusal(train + ["--steps", "1", "--log", "\(root)/missing/history.tsv"], mentioning: ["no such directory"])
        #expect(!FileManager.default.fileExists(atPath: "\(root)/again/model.safetensors"))
        try expectRefusal(["gpt2", "score", "--model", "\(root)/model", "--blocks", "\(corpus)/test.blocks", "--per-sequence", "\(corpus)/test.blocks"],
                          mentioning: ["is one of the command's inputs"])
        try expectRefusal(["gpt2", "score", "--model", "\(root)/model", "--blocks", "\(corpus)/test.blocks",
                           "--per-sequence", "\(root)/model/model.safetensors"], mentioning: ["is one of the command's inputs"])
    }
}

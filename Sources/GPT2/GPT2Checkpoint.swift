import NeuralNetworks
import Storage
import Tokenization

/// GPT-2 weights in safetensors, as Hugging Face names and lays them out, so that checkpoints
/// move both ways between this tool and `transformers.GPT2LMHeadModel`.
///
/// Files this tool writes are self-contained: `__metadata__` carries the configuration (Hugging
/// Face's `config.json` text), the vocabulary and the data's checksum; a `config.json` is written
/// beside them for `from_pretrained`. A Hugging Face checkpoint (with or without the
/// `transformer.` prefix, the attention-mask buffers of older files, or a `lm_head.weight` equal
/// to the token embedding) is read with its `config.json`.
public enum GPT2Checkpoint {
    static let configurationKey = "modelcollapse.config"
    static let vocabularyKey = "modelcollapse.vocabulary"

    /// What a checkpoint holds.
    public struct Contents {
        public var configuration: GPT2Configuration
        public var parameters: TensorBuffer<Float>
        /// The vocabulary, in files this tool wrote.
        public var vocabulary: Vocabulary?
    }

    /// Reads a checkpoint; the configuration comes from the file's metadata, else from
    /// `config.json` in the same directory.
    /// - Throws: a one-line error naming the file: truncation, damage, a missing or misshapen
    ///   tensor, an unexpected one.
    public static func read(path: String) throws -> Contents {
        let file = try SafeTensors(path: path)
        let configuration: GPT2Configuration
        if let text = file.metadata[configurationKey] {
            configuration = try GPT2Configuration.huggingFace(try JSONValue.parse(Array(text.utf8)), path: path)
        } else {
            let beside = "\(FileSystem.parent(of: path))/config.json"
            guard FileSystem.exists(beside) else { throw CollapseError("no configuration: neither in the file nor a config.json beside it", path: path) }
            configuration = try GPT2Configuration.huggingFace(try JSONValue.load(path: beside), path: beside)
        }
        let vocabulary = try file.metadata[vocabularyKey].map { try Vocabulary.parse($0, path: path) }
        if let vocabulary, vocabulary.count != configuration.vocabularySize {
            throw CollapseError("the vocabulary has \(vocabulary.count) ids, the model \(configuration.vocabularySize)", path: path)
        }
        return Contents(configuration: configuration, parameters: try parameters(of: file, configuration: configuration), vocabulary: vocabulary)
    }

    static func parameters(of file: SafeTensors, configuration: GPT2Configuration) throws -> TensorBuffer<Float> {
        let layout = GPT2Layout(configuration)
        var names: [String: String] = [:] // our name → the file's
        for name in file.tensors.keys {
            if name.hasSuffix(".attn.bias") && file.tensors[name]?.shape.count == 4 || name.hasSuffix(".attn.masked_bias") { continue }
            if name == "lm_head.weight" { continue }
            let ours = name.hasPrefix("transformer.") ? name : "transformer." + name
            guard layout.tensors.entry(named: ours) != nil else { throw CollapseError("unexpected tensor '\(name)'", path: file.path) }
            names[ours] = name
        }
        // Every tensor is checked before the buffer is allocated, so a configuration that
        // promises more than the file holds costs no memory.
        for entry in layout.tensors.entries {
            guard let name = names[entry.name] else { throw CollapseError("missing tensor '\(entry.name)'", path: file.path) }
            try file.checkFloats(name, shape: entry.shape)
        }
        let buffer = TensorBuffer<Float>(count: layout.tensors.count)
        for entry in layout.tensors.entries {
            let values = try file.floats(names[entry.name] ?? entry.name, shape: entry.shape)
            (buffer.pointer + entry.offset).update(from: values, count: values.count)
        }
        if file.tensors["lm_head.weight"] != nil {
            let head = try file.floats("lm_head.weight", shape: [configuration.vocabularySize, configuration.width])
            let embedding = UnsafeBufferPointer(start: buffer.pointer + layout.tokenEmbedding, count: head.count)
            guard head.elementsEqual(embedding) else { throw CollapseError("lm_head.weight differs from the token embedding (untied heads are not supported)", path: file.path) }
        }
        return buffer
    }

    /// Writes `model.safetensors`-style weights with the configuration and vocabulary in its
    /// metadata, and Hugging Face's `config.json` in the same directory.
    public static func write(to path: String, configuration: GPT2Configuration, parameters: TensorBuffer<Float>, vocabulary: Vocabulary?) throws {
        let layout = GPT2Layout(configuration)
        var metadata = ["format": "pt", configurationKey: configuration.huggingFaceJSON()]
        if let vocabulary { metadata[vocabularyKey] = vocabulary.fileContents() }
        let tensors = layout.tensors.entries.map { entry in
            (name: entry.name, shape: entry.shape, values: UnsafeBufferPointer(start: parameters.pointer + entry.offset, count: entry.count))
        }
        try SafeTensors.write(to: path, tensors: tensors, metadata: metadata)
        try FileSystem.writeText(configuration.huggingFaceJSON(), to: "\(FileSystem.parent(of: path))/config.json")
    }
}

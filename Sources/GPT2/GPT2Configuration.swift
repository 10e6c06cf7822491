import NeuralNetworks
import Settings
import Storage
import Tokenization

/// The shape of a GPT-2-architecture model: pre-LayerNorm blocks of causal multi-head attention
/// and a GELU MLP (4× wide), learned positions, the output projection tied to the token
/// embedding. `context` bounds prompt plus continuation.
public struct GPT2Configuration: Sendable, Equatable, Codable {
    public var layers: Int
    public var width: Int
    public var heads: Int
    public var context: Int
    public var vocabularySize: Int

    public init(layers: Int, width: Int, heads: Int, context: Int, vocabularySize: Int) {
        self.layers = layers
        self.width = width
        self.heads = heads
        self.context = context
        self.vocabularySize = vocabularySize
    }

    public var headSize: Int { width / heads }

    /// Parameters in all: embeddings, blocks and the final LayerNorm.
    public var parameterCount: Int {
        vocabularySize * width + context * width + layers * (12 * width * width + 13 * width) + 2 * width
    }

    /// - Throws: naming the first setting out of its range.
    public func validate(path: String? = nil) throws {
        try GPT2Limits.layers.check(layers, as: "layers", path: path)
        try GPT2Limits.width.check(width, as: "width", path: path)
        try GPT2Limits.heads.check(heads, as: "heads", path: path)
        try GPT2Limits.context.check(context, as: "context", path: path)
        guard width % heads == 0 else { throw CollapseError("width \(width) must be a multiple of heads \(heads)", path: path) }
        guard vocabularySize >= 5 else { throw CollapseError("a vocabulary of \(vocabularySize) ids is too small", path: path) }
        try TokenizationLimits.maximumVocabularySize.check(vocabularySize, as: "the vocabulary size", path: path)
    }

    /// Hugging Face's `config.json` for `GPT2LMHeadModel`, with the tool's `<s>` and `</s>` as
    /// its begin and end tokens (GPT-2's own 50256 lies outside a corpus vocabulary).
    public func huggingFaceJSON() -> String {
        """
        {
          "activation_function": "gelu_new",
          "architectures": ["GPT2LMHeadModel"],
          "attn_pdrop": 0.0,
          "bos_token_id": \(SpecialToken.startOfSequence.id),
          "eos_token_id": \(SpecialToken.endOfSequence.id),
          "embd_pdrop": 0.0,
          "layer_norm_epsilon": 1e-05,
          "model_type": "gpt2",
          "n_embd": \(width),
          "n_head": \(heads),
          "n_inner": null,
          "n_layer": \(layers),
          "n_positions": \(context),
          "resid_pdrop": 0.0,
          "tie_word_embeddings": true,
          "vocab_size": \(vocabularySize)
        }

        """
    }

    /// Reads Hugging Face's `config.json`: a GPT-2 model with the tanh GELU, tied embeddings and
    /// the default MLP width, which is all this implementation computes.
    public static func huggingFace(_ value: JSONValue, path: String) throws -> GPT2Configuration {
        guard case .object(let members) = value else { throw CollapseError("not a JSON object", path: path) }
        func integer(_ key: String) throws -> Int {
            guard case .number(let text)? = members[key], let number = Int(text) else {
                throw CollapseError("'\(key)' must be a whole number", path: path)
            }
            return number
        }
        if case .string(let type)? = members["model_type"], type != "gpt2" { throw CollapseError("model_type '\(type)' is not gpt2", path: path) }
        if case .string(let activation)? = members["activation_function"], activation != "gelu_new" {
            throw CollapseError("activation_function '\(activation)' is not supported (gelu_new only)", path: path)
        }
        // LayerNorm's ε is fixed at GPT-2's 1e-5; another value would be silently ignored.
        if let epsilon = members["layer_norm_epsilon"] {
            guard case .number(let text) = epsilon, Double(text) == LayerNorm.epsilon else {
                let shown = if case .number(let text) = epsilon { text } else { "that is not a number" }
                throw CollapseError("layer_norm_epsilon \(shown) is not supported (GPT-2's 1e-05 only)", path: path)
            }
        }
        if case .bool(false)? = members["tie_word_embeddings"] { throw CollapseError("untied output embeddings are not supported", path: path) }
        for (key, expected) in [("scale_attn_weights", true), ("scale_attn_by_inverse_layer_idx", false), ("reorder_and_upcast_attn", false)] {
            if case .bool(let flag)? = members[key], flag != expected { throw CollapseError("\(key) = \(flag) is not supported", path: path) }
        }
        if let inner = members["n_inner"], inner != .null, inner != .number("\(4 * (try integer("n_embd")))") {
            throw CollapseError("n_inner other than 4 × n_embd is not supported", path: path)
        }
        let configuration = GPT2Configuration(layers: try integer("n_layer"), width: try integer("n_embd"), heads: try integer("n_head"),
                                              context: try integer("n_positions"), vocabularySize: try integer("vocab_size"))
        try configuration.validate(path: path)
        return configuration
    }
}

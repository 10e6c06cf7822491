import Foundation
import NeuralNetworks
import Storage

/// Where each of a GPT-2 model's tensors lies in the flat parameter buffer, under Hugging
/// Face's names and layouts (`Conv1D` weights as [in, out]; no `lm_head.weight`: the output
/// projection is the token embedding).
public struct GPT2Layout: Sendable, Equatable {
    /// One block's tensors.
    public struct Block: Sendable, Equatable {
        public var ln1Weight, ln1Bias, attentionWeight, attentionBias, projectionWeight, projectionBias: Int
        public var ln2Weight, ln2Bias, fcWeight, fcBias, mlpProjectionWeight, mlpProjectionBias: Int
    }

    public let configuration: GPT2Configuration
    public let tensors: TensorLayout
    public let tokenEmbedding: Int
    public let positionEmbedding: Int
    public let blocks: [Block]
    public let finalNormWeight: Int
    public let finalNormBias: Int

    public init(_ configuration: GPT2Configuration) {
        let (c, v) = (configuration.width, configuration.vocabularySize)
        var layout = TensorLayout()
        tokenEmbedding = layout.add("transformer.wte.weight", [v, c], decays: true)
        positionEmbedding = layout.add("transformer.wpe.weight", [configuration.context, c], decays: true)
        blocks = (0..<configuration.layers).map { l in
            let prefix = "transformer.h.\(l)."
            return Block(
                ln1Weight: layout.add(prefix + "ln_1.weight", [c], decays: false), ln1Bias: layout.add(prefix + "ln_1.bias", [c], decays: false),
                attentionWeight: layout.add(prefix + "attn.c_attn.weight", [c, 3 * c], decays: true),
                attentionBias: layout.add(prefix + "attn.c_attn.bias", [3 * c], decays: false),
                projectionWeight: layout.add(prefix + "attn.c_proj.weight", [c, c], decays: true),
                projectionBias: layout.add(prefix + "attn.c_proj.bias", [c], decays: false),
                ln2Weight: layout.add(prefix + "ln_2.weight", [c], decays: false), ln2Bias: layout.add(prefix + "ln_2.bias", [c], decays: false),
                fcWeight: layout.add(prefix + "mlp.c_fc.weight", [c, 4 * c], decays: true),
                fcBias: layout.add(prefix + "mlp.c_fc.bias", [4 * c], decays: false),
                mlpProjectionWeight: layout.add(prefix + "mlp.c_proj.weight", [4 * c, c], decays: true),
                mlpProjectionBias: layout.add(prefix + "mlp.c_proj.bias", [c], decays: false))
        }
        finalNormWeight = layout.add("transformer.ln_f.weight", [c], decays: false)
        finalNormBias = layout.add("transformer.ln_f.bias", [c], decays: false)
        self.configuration = configuration
        tensors = layout
    }

    /// GPT-2's initialization from a seed: weights and embeddings N(0, 0.02), the two residual
    /// projections of each block N(0, 0.02/√(2·layers)), biases 0, LayerNorm gains 1.
    /// - Complexity: O(parameters).
    public func initialized<T: Scalar>(seed: UInt64) -> TensorBuffer<T> {
        let buffer = TensorBuffer<T>(count: tensors.count)
        var random = NormalSampler(seed: seed)
        let residualScale = 0.02 / (2 * Double(configuration.layers)).squareRoot()
        for entry in tensors.entries {
            let isNorm = entry.name.contains(".ln_")
            let isResidualProjection = entry.name.hasSuffix("c_proj.weight")
            for i in entry.offset..<(entry.offset + entry.count) {
                if isNorm {
                    buffer[i] = entry.name.hasSuffix(".weight") ? 1 : 0
                } else if entry.shape.count == 1 {
                    buffer[i] = 0
                } else {
                    buffer[i] = T(random.next() * (isResidualProjection ? residualScale : 0.02))
                }
            }
        }
        return buffer
    }
}

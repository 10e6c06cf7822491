import NeuralNetworks

/// A GPT-2 model's weights with the full forward and backward passes used for training and
/// scoring (as llm.c lays them out: each layer's forward and backward side by side in
/// `NeuralNetworks`, composed here in order and in reverse).
///
/// Generic over the number type: `Float` for work, `Double` for gradient checks.
public final class Transformer<T: Scalar> {
    public let layout: GPT2Layout
    public let parameters: TensorBuffer<T>
    public let gradients: TensorBuffer<T>
    /// Set by an inference-only owner whose parameters never change: the output head then
    /// packs the tied embedding once.
    var parametersAreFrozen = false
    private var activations: Activations<T>?
    /// Predicted positions of the last forward pass (targets ≥ 0).
    private var predicted = 0
    /// What the last forward pass kept: its logits for the backward, or row by row for `logits`.
    private var keptGradient = false, keptRowLogits = false

    public var configuration: GPT2Configuration { layout.configuration }

    public init(layout: GPT2Layout, parameters: TensorBuffer<T>) {
        precondition(parameters.count == layout.tensors.count, "parameters do not match the layout")
        self.layout = layout
        self.parameters = parameters
        gradients = TensorBuffer(count: layout.tensors.count)
    }

    /// Runs `batch` sequences of `length` input ids and returns the mean cross-entropy (natural
    /// log) over the positions whose target is not negative. With `keepGradient`, the logits are
    /// kept for `backward()`; with `keepLogits` (not both), for `logits` (otherwise they pass
    /// through a block-sized scratch buffer and are never stored whole).
    /// - Complexity: O(batch × length × (layers × width² + width × vocabulary)), dominated by
    ///   the output projection's matrix product.
    @discardableResult
    public func forward(ids: UnsafeBufferPointer<Int32>, targets: UnsafeBufferPointer<Int32>, batch: Int, length: Int,
                        keepGradient: Bool, keepLogits: Bool = false) -> T {
        precondition(ids.count == batch * length && targets.count == batch * length && length <= configuration.context)
        precondition(!(keepGradient && keepLogits), "the logits are kept for the backward or for reading, not both")
        let acts = buffers(batch: batch, length: length)
        let (n, c, v) = (batch * length, configuration.width, configuration.vocabularySize)
        acts.ids.update(from: ids.baseAddress!, count: n)
        acts.targets.update(from: targets.baseAddress!, count: n)
        let p = parameters.pointer
        Embedding.forward(acts.encoded.pointer, ids: acts.ids, tokens: p + layout.tokenEmbedding, positions: p + layout.positionEmbedding,
                          batch: batch, length: length, channels: c)
        var input = acts.encoded.pointer
        for (block, offsets) in zip(acts.blocks, layout.blocks) {
            forward(block, offsets, input: input, batch: batch, length: length)
            input = block.output.pointer
        }
        LayerNorm.forward(acts.lnf.pointer, mean: acts.lnfMean.pointer, rstd: acts.lnfRstd.pointer, input,
                          weight: p + layout.finalNormWeight, bias: p + layout.finalNormBias, rows: n, channels: c)
        predicted = (0..<n).count { acts.targets[$0] >= 0 }
        (keptGradient, keptRowLogits) = (keepGradient, keepLogits)
        let kept: ClassifierHead.KeptLogits<T>? = keepGradient ? .blocks(acts.logits().pointer) : keepLogits ? .rows(acts.logits().pointer) : nil
        ClassifierHead.forward(x: acts.lnf.pointer, weight: p + layout.tokenEmbedding, targets: acts.targets, losses: acts.losses.pointer,
                               maxima: acts.maxima.pointer, sums: acts.sums.pointer,
                               logits: kept, workspace: acts.workspace(), rows: n, channels: c, classes: v, weightIsFrozen: parametersAreFrozen)
        var total: T = 0
        for i in 0..<n { total += acts.losses[i] }
        return total / T(max(predicted, 1))
    }

    /// The logits [positions × vocabulary] of the last forward pass, if it kept them (`keepLogits`).
    public var logits: UnsafeBufferPointer<T> {
        guard let activations, keptRowLogits else { return UnsafeBufferPointer(start: nil, count: 0) }
        let logits = activations.logits()
        return UnsafeBufferPointer(start: logits.pointer, count: logits.count)
    }

    /// The loss of each position of the last forward pass (0 where the target was negative).
    public var positionLosses: UnsafeBufferPointer<T> {
        guard let activations else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: activations.losses.pointer, count: activations.batch * activations.length)
    }

    private func forward(_ block: Activations<T>.Block, _ offsets: GPT2Layout.Block, input: UnsafeMutablePointer<T>, batch: Int, length: Int) {
        let c = configuration.width
        Self.forward(block, offsets, parameters: parameters.pointer, input: input, rows: batch * length, width: c) { qkv, output in
            CausalSelfAttention.forward(output, weights: block.attention.pointer, qkv: qkv, batch: batch, length: length, channels: c,
                                        heads: configuration.heads)
        }
    }

    /// One block forward over `rows` tokens: output = r + mlp(ln2(r)) with
    /// r = input + projection(attention(c_attn(ln1(input)))). Training and scoring (whole
    /// sequences) and decoding (`IncrementalForward`: new tokens over a cache) share it and
    /// differ only in `attend`, which turns the [rows × 3·width] q/k/v into [rows × width].
    /// `input` may be `block.output` itself (decoding's one set of buffers): it is read before
    /// the output is written.
    /// - Complexity: O(rows × width²) besides `attend`.
    static func forward(_ block: Activations<T>.Block, _ offsets: GPT2Layout.Block, parameters p: UnsafePointer<T>, input: UnsafePointer<T>,
                        rows n: Int, width c: Int, attend: (UnsafePointer<T>, UnsafeMutablePointer<T>) -> Void) {
        LayerNorm.forward(block.ln1.pointer, mean: block.ln1Mean.pointer, rstd: block.ln1Rstd.pointer, input,
                          weight: p + offsets.ln1Weight, bias: p + offsets.ln1Bias, rows: n, channels: c)
        Linear.forward(block.qkv.pointer, block.ln1.pointer, weight: p + offsets.attentionWeight, bias: p + offsets.attentionBias,
                       rows: n, inputs: c, outputs: 3 * c)
        attend(block.qkv.pointer, block.attentionOut.pointer)
        Linear.forward(block.residual2.pointer, block.attentionOut.pointer, weight: p + offsets.projectionWeight,
                       bias: p + offsets.projectionBias, rows: n, inputs: c, outputs: c)
        add(into: block.residual2.pointer, input, count: n * c)
        LayerNorm.forward(block.ln2.pointer, mean: block.ln2Mean.pointer, rstd: block.ln2Rstd.pointer, block.residual2.pointer,
                          weight: p + offsets.ln2Weight, bias: p + offsets.ln2Bias, rows: n, channels: c)
        Linear.forward(block.fc.pointer, block.ln2.pointer, weight: p + offsets.fcWeight, bias: p + offsets.fcBias,
                       rows: n, inputs: c, outputs: 4 * c)
        GELU.forward(block.fcGelu.pointer, block.fc.pointer, count: 4 * n * c)
        Linear.forward(block.output.pointer, block.fcGelu.pointer, weight: p + offsets.mlpProjectionWeight,
                       bias: p + offsets.mlpProjectionBias, rows: n, inputs: 4 * c, outputs: c)
        add(into: block.output.pointer, block.residual2.pointer, count: n * c)
    }

    /// Accumulates into `gradients` the gradient of the last forward pass's mean loss (which
    /// must have kept its gradient).
    /// - Complexity: about twice the forward's.
    public func backward() {
        guard let acts = activations else { preconditionFailure("backward() without a forward pass") }
        let (batch, length) = (acts.batch, acts.length)
        let (n, c, v) = (batch * length, configuration.width, configuration.vocabularySize)
        let p = parameters.pointer, g = gradients.pointer
        precondition(keptGradient, "backward() needs a forward pass that kept its gradient")
        ClassifierHead.backward(dx: acts.dNorm.pointer, dweight: g + layout.tokenEmbedding, x: acts.lnf.pointer, weight: p + layout.tokenEmbedding,
                                logits: acts.logits().pointer, targets: acts.targets, maxima: acts.maxima.pointer, sums: acts.sums.pointer,
                                scale: 1 / T(max(predicted, 1)), workspace: acts.workspace(), rows: n, channels: c, classes: v)
        acts.dResidual.fill(0)
        let last = acts.blocks.last?.output.pointer ?? acts.encoded.pointer
        LayerNorm.backward(dinp: acts.dResidual.pointer, dweight: g + layout.finalNormWeight, dbias: g + layout.finalNormBias,
                           dout: acts.dNorm.pointer, inp: last, weight: p + layout.finalNormWeight,
                           mean: acts.lnfMean.pointer, rstd: acts.lnfRstd.pointer, rows: n, channels: c)
        for l in stride(from: configuration.layers - 1, through: 0, by: -1) {
            let input = l == 0 ? acts.encoded.pointer : acts.blocks[l - 1].output.pointer
            backward(acts.blocks[l], layout.blocks[l], input: input, acts: acts)
        }
        Embedding.backward(dtokens: g + layout.tokenEmbedding, dpositions: g + layout.positionEmbedding, dout: acts.dResidual.pointer,
                           ids: acts.ids, batch: batch, length: length, channels: c)
    }

    /// One block backward: `acts.dResidual` holds the gradient of its output on entry and of
    /// its input on exit.
    private func backward(_ block: Activations<T>.Block, _ offsets: GPT2Layout.Block, input: UnsafeMutablePointer<T>, acts: Activations<T>) {
        let (batch, length) = (acts.batch, acts.length)
        let (n, c) = (batch * length, configuration.width)
        let p = parameters.pointer, g = gradients.pointer
        let dResidual = acts.dResidual.pointer
        // output = residual2 + mlp(ln2(residual2))
        acts.dFC.fill(0)
        Linear.backward(dinp: acts.dFC.pointer, dweight: g + offsets.mlpProjectionWeight, dbias: g + offsets.mlpProjectionBias,
                        dout: dResidual, inp: block.fcGelu.pointer, weight: p + offsets.mlpProjectionWeight, rows: n, inputs: 4 * c, outputs: c)
        acts.dFCPre.fill(0)
        GELU.backward(dinp: acts.dFCPre.pointer, block.fc.pointer, dout: acts.dFC.pointer, count: 4 * n * c)
        acts.dNorm.fill(0)
        Linear.backward(dinp: acts.dNorm.pointer, dweight: g + offsets.fcWeight, dbias: g + offsets.fcBias, dout: acts.dFCPre.pointer,
                        inp: block.ln2.pointer, weight: p + offsets.fcWeight, rows: n, inputs: c, outputs: 4 * c)
        LayerNorm.backward(dinp: dResidual, dweight: g + offsets.ln2Weight, dbias: g + offsets.ln2Bias, dout: acts.dNorm.pointer,
                           inp: block.residual2.pointer, weight: p + offsets.ln2Weight, mean: block.ln2Mean.pointer, rstd: block.ln2Rstd.pointer,
                           rows: n, channels: c)
        // residual2 = input + projection(attention(c_attn(ln1(input))))
        acts.dAttention.fill(0)
        Linear.backward(dinp: acts.dAttention.pointer, dweight: g + offsets.projectionWeight, dbias: g + offsets.projectionBias,
                        dout: dResidual, inp: block.attentionOut.pointer, weight: p + offsets.projectionWeight, rows: n, inputs: c, outputs: c)
        acts.dQKV.fill(0)
        CausalSelfAttention.backward(dqkv: acts.dQKV.pointer, dout: acts.dAttention.pointer, qkv: block.qkv.pointer, weights: block.attention.pointer,
                                     batch: batch, length: length, channels: c, heads: configuration.heads)
        acts.dNorm.fill(0)
        Linear.backward(dinp: acts.dNorm.pointer, dweight: g + offsets.attentionWeight, dbias: g + offsets.attentionBias, dout: acts.dQKV.pointer,
                        inp: block.ln1.pointer, weight: p + offsets.attentionWeight, rows: n, inputs: c, outputs: 3 * c)
        LayerNorm.backward(dinp: dResidual, dweight: g + offsets.ln1Weight, dbias: g + offsets.ln1Bias, dout: acts.dNorm.pointer,
                           inp: input, weight: p + offsets.ln1Weight, mean: block.ln1Mean.pointer, rstd: block.ln1Rstd.pointer,
                           rows: n, channels: c)
    }

    private func buffers(batch: Int, length: Int) -> Activations<T> {
        if let activations, activations.batch == batch, activations.length == length { return activations }
        activations = nil
        let fresh = Activations<T>(configuration, batch: batch, length: length)
        activations = fresh
        return fresh
    }

    private static func add(into target: UnsafeMutablePointer<T>, _ source: UnsafePointer<T>, count: Int) {
        Parallel.forEach(count, grain: 1 << 15) { range in
            for i in range { target[i] += source[i] }
        }
    }
}

import NeuralNetworks

/// The forward pass for decoding: new tokens join their rows' key/value cache and attend to
/// everything before them, so a step costs one token per row instead of the whole sequence.
/// The same block forward as training (`Transformer.forward(_:_:parameters:input:rows:width:attend:)`),
/// with attention over the cache, on [new tokens × width] matrices in one set of buffers kept
/// from one step and block to the next.
final class IncrementalForward {
    let configuration: GPT2Configuration
    let layout: GPT2Layout
    let parameters: TensorBuffer<Float>
    private var buffers = Buffers(tokens: 0, outputs: 0, width: 0)

    init(configuration: GPT2Configuration, layout: GPT2Layout, parameters: TensorBuffer<Float>) {
        self.configuration = configuration
        self.layout = layout
        self.parameters = parameters
    }

    /// Feeds `tokens` (token i to row `rows[i]`; a row's tokens in order, at its next positions)
    /// and returns, for each row in `outputRows`, the final LayerNorm's output after its last
    /// token [outputs × width] (what the output head projects onto the vocabulary). The
    /// returned buffer is reused by the next call.
    /// - Complexity: O(tokens × (layers × width² + width × context)).
    func feed(tokens: [Int32], rows: [Int], cache: KeyValueCache, outputRows: [Int]) -> TensorBuffer<Float> {
        let (m, c) = (tokens.count, configuration.width)
        let p = parameters.pointer
        if buffers.tokens < m || buffers.outputs < outputRows.count {
            buffers = Buffers(tokens: max(m, buffers.tokens), outputs: max(outputRows.count, buffers.outputs), width: c)
        }
        // Each token's position and slot; every slot exists before any pointer into the arena is taken.
        var positions = [Int](repeating: 0, count: m), slots = [Int](repeating: 0, count: m)
        var last = [Int: Int]()
        for (i, row) in rows.enumerated() {
            positions[i] = cache.length(of: row)
            slots[i] = cache.appendSlot(to: row)
            last[row] = i
        }
        let x = buffers.x
        for i in 0..<m {
            let token = p + layout.tokenEmbedding + Int(tokens[i]) * c, position = p + layout.positionEmbedding + positions[i] * c
            for j in 0..<c { x[i * c + j] = token[j] + position[j] }
        }
        let step = Step(rows: rows, positions: positions, slots: slots, rowSlots: cache.slots, cache: cache)
        let block = buffers.block
        var hidden = UnsafePointer(x.pointer)
        for (layer, offsets) in layout.blocks.enumerated() {
            Transformer<Float>.forward(block, offsets, parameters: p, input: hidden, rows: m, width: c) { qkv, output in
                // The new tokens' keys and values join the cache before any of them attends.
                for i in 0..<m {
                    cache.keys(slot: slots[i], layer: layer).update(from: qkv + i * 3 * c + c, count: 2 * c)
                }
                attend(layer: layer, step, qkv: qkv, output: output)
            }
            hidden = UnsafePointer(block.output.pointer)
        }
        // The final LayerNorm, for the rows that need logits.
        let selected = buffers.selected, normed = buffers.normed
        for (index, row) in outputRows.enumerated() {
            guard let token = last[row] else { preconditionFailure("row \(row) was fed no token") }
            (selected.pointer + index * c).update(from: hidden + token * c, count: c)
        }
        LayerNorm.forward(normed.pointer, mean: buffers.mean.pointer, rstd: buffers.rstd.pointer, selected.pointer,
                          weight: p + layout.finalNormWeight, bias: p + layout.finalNormBias, rows: outputRows.count, channels: c)
        return normed
    }

    /// Where a feed's tokens go.
    private struct Step {
        let rows: [Int]
        let positions: [Int]
        let slots: [Int]
        /// Every row's slots by position (read by all threads at once).
        let rowSlots: [[Int32]]
        let cache: KeyValueCache
    }

    /// Working buffers for up to `tokens` tokens and `outputs` output rows.
    private struct Buffers {
        let tokens, outputs: Int
        /// The new tokens' embeddings, then every block's intermediates.
        let x: TensorBuffer<Float>
        let block: Activations<Float>.Block
        /// The final LayerNorm's input rows, output and statistics.
        let selected, normed, mean, rstd: TensorBuffer<Float>
        init(tokens: Int, outputs: Int, width: Int) {
            self.tokens = tokens
            self.outputs = outputs
            x = TensorBuffer(count: tokens * width)
            block = Activations<Float>.Block(rows: tokens, width: width, attentionWeights: 0)
            selected = TensorBuffer(count: outputs * width)
            normed = TensorBuffer(count: outputs * width)
            mean = TensorBuffer(count: max(outputs, 1))
            rstd = TensorBuffer(count: max(outputs, 1))
        }
    }

    /// y = Σₜ (weights[t] / divisor) · values(t) over `size` channels, each channel summed in t
    /// order with a product then a sum (the same bits whichever way). Heads of up to 64 channels
    /// keep y in registers for the whole sum: stored and reloaded at every t, its stores would
    /// stall the reloads behind them.
    /// - Complexity: O(count × size).
    @inline(__always)
    static func weightedSum(_ y: UnsafeMutablePointer<Float>, of values: (Int) -> UnsafePointer<Float>, weights: UnsafePointer<Float>,
                            divisor: Float, count: Int, size: Int) {
        guard size % 16 == 0, size <= 64 else {
            y.initialize(repeating: 0, count: size)
            for t in 0..<count {
                let w = weights[t] / divisor, value = values(t)
                for j in 0..<size { y[j] += w * value[j] }
            }
            return
        }
        var sums = (SIMD16<Float>(), SIMD16<Float>(), SIMD16<Float>(), SIMD16<Float>())
        let vectors = size / 16
        for t in 0..<count {
            let w = weights[t] / divisor, value = UnsafeRawPointer(values(t))
            sums.0 += w * value.loadUnaligned(as: SIMD16<Float>.self)
            if vectors > 1 { sums.1 += w * value.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self) }
            if vectors > 2 { sums.2 += w * value.loadUnaligned(fromByteOffset: 128, as: SIMD16<Float>.self) }
            if vectors > 3 { sums.3 += w * value.loadUnaligned(fromByteOffset: 192, as: SIMD16<Float>.self) }
        }
        let out = UnsafeMutableRawPointer(y)
        out.storeBytes(of: sums.0, as: SIMD16<Float>.self)
        if vectors > 1 { out.storeBytes(of: sums.1, toByteOffset: 64, as: SIMD16<Float>.self) }
        if vectors > 2 { out.storeBytes(of: sums.2, toByteOffset: 128, as: SIMD16<Float>.self) }
        if vectors > 3 { out.storeBytes(of: sums.3, toByteOffset: 192, as: SIMD16<Float>.self) }
    }

    /// Each new token's query (in `qkv`) against its row's keys up to its own position:
    /// softmax(q·kᵀ/√d)·v per head, into `output`.
    private func attend(layer: Int, _ step: Step, qkv qkvBase: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>) {
        let (c, heads) = (configuration.width, configuration.heads)
        let size = c / heads
        let scale = 1 / Float(size).squareRoot()
        Parallel.forEach(step.rows.count * heads, grain: 8) { range in
            let weights = UnsafeMutablePointer<Float>.allocate(capacity: configuration.context)
            defer { weights.deallocate() }
            for pair in range {
                let i = pair / heads, h = pair % heads
                let query = qkvBase + i * 3 * c + h * size
                let count = step.positions[i] + 1
                step.rowSlots[step.rows[i]].withUnsafeBufferPointer { slots in
                    for t in 0..<count {
                        weights[t] = Float.dot(query, step.cache.keys(slot: Int(slots[t]), layer: layer) + h * size, count: size) * scale
                    }
                    let sum = Float.exponentiate(weights, count: count, shift: Float.maximum(weights, count: count))
                    let y = output + i * c + h * size
                    let values = { (t: Int) in UnsafePointer(step.cache.keys(slot: Int(slots[t]), layer: layer) + c + h * size) }
                    Self.weightedSum(y, of: values, weights: weights, divisor: sum, count: count, size: size)
                }
            }
        }
    }
}

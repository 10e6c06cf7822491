import NeuralNetworks

/// The forward pass for decoding: new tokens join their rows' key/value cache and attend to
/// everything before them, so a step costs one token per row instead of the whole sequence.
/// The same layers as training (`NeuralNetworks`), on [new tokens × width] matrices.
struct IncrementalForward {
    let configuration: GPT2Configuration
    let layout: GPT2Layout
    let parameters: TensorBuffer<Float>

    /// Feeds `tokens` (token i to row `rows[i]`; a row's tokens in order, at its next positions)
    /// and returns, for each row in `outputRows`, the logits after its last token [outputs × V].
    /// - Complexity: O(tokens × (layers × width² + width × context)) plus one
    ///   outputs × vocabulary × width product.
    func feed(tokens: [Int32], rows: [Int], cache: KeyValueCache, outputRows: [Int]) -> TensorBuffer<Float> {
        let (m, c) = (tokens.count, configuration.width)
        let p = parameters.pointer
        // Each token's position: its row's length so far plus the row's tokens before it.
        var positions = [Int](repeating: 0, count: m)
        var added = [Int: Int]()
        var last = [Int: Int]()
        for (i, row) in rows.enumerated() {
            positions[i] = cache.lengths[row] + added[row, default: 0]
            added[row, default: 0] += 1
            last[row] = i
        }
        let x = TensorBuffer<Float>(count: m * c)
        for i in 0..<m {
            let token = p + layout.tokenEmbedding + Int(tokens[i]) * c, position = p + layout.positionEmbedding + positions[i] * c
            for j in 0..<c { x[i * c + j] = token[j] + position[j] }
        }
        let scratch = Scratch(tokens: m, width: c)
        for (layer, offsets) in layout.blocks.enumerated() {
            block(x, layer: layer, offsets, rows: rows, positions: positions, cache: cache, scratch: scratch)
        }
        for (row, count) in added { cache.extend(row: row, by: count) }
        // The final LayerNorm and the tied projection, for the rows that need logits.
        let selected = TensorBuffer<Float>(count: outputRows.count * c)
        for (index, row) in outputRows.enumerated() {
            guard let token = last[row] else { preconditionFailure("row \(row) was fed no token") }
            (selected.pointer + index * c).update(from: x.pointer + token * c, count: c)
        }
        let normed = TensorBuffer<Float>(count: outputRows.count * c)
        LayerNorm.forward(normed.pointer, mean: scratch.mean.pointer, rstd: scratch.rstd.pointer, selected.pointer,
                          weight: p + layout.finalNormWeight, bias: p + layout.finalNormBias, rows: outputRows.count, channels: c)
        let logits = TensorBuffer<Float>(count: outputRows.count * configuration.vocabularySize)
        Float.gemm(transposeA: false, transposeB: true, m: outputRows.count, n: configuration.vocabularySize, k: c, alpha: 1,
                   a: normed.pointer, lda: c, b: p + layout.tokenEmbedding, ldb: c, beta: 0, c: logits.pointer, ldc: configuration.vocabularySize)
        return logits
    }

    /// Working buffers for one feed.
    final class Scratch {
        let norm, qkv, attention, fc, fcGelu, projected, mean, rstd: TensorBuffer<Float>
        init(tokens: Int, width: Int) {
            norm = TensorBuffer(count: tokens * width)
            qkv = TensorBuffer(count: tokens * 3 * width)
            attention = TensorBuffer(count: tokens * width)
            fc = TensorBuffer(count: tokens * 4 * width)
            fcGelu = TensorBuffer(count: tokens * 4 * width)
            projected = TensorBuffer(count: tokens * width)
            mean = TensorBuffer(count: max(tokens, 1))
            rstd = TensorBuffer(count: max(tokens, 1))
        }
    }

    /// One block over the new tokens, in place on `x`.
    private func block(_ x: TensorBuffer<Float>, layer: Int, _ offsets: GPT2Layout.Block, rows: [Int], positions: [Int],
                       cache: KeyValueCache, scratch: Scratch) {
        let (m, c) = (rows.count, configuration.width)
        let p = parameters.pointer
        LayerNorm.forward(scratch.norm.pointer, mean: scratch.mean.pointer, rstd: scratch.rstd.pointer, x.pointer,
                          weight: p + offsets.ln1Weight, bias: p + offsets.ln1Bias, rows: m, channels: c)
        Linear.forward(scratch.qkv.pointer, scratch.norm.pointer, weight: p + offsets.attentionWeight, bias: p + offsets.attentionBias,
                       rows: m, inputs: c, outputs: 3 * c)
        for i in 0..<m {
            let qkv = scratch.qkv.pointer + i * 3 * c
            (cache.keys(row: rows[i], layer: layer) + positions[i] * c).update(from: qkv + c, count: c)
            (cache.values(row: rows[i], layer: layer) + positions[i] * c).update(from: qkv + 2 * c, count: c)
        }
        attend(scratch, layer: layer, rows: rows, positions: positions, cache: cache)
        Linear.forward(scratch.projected.pointer, scratch.attention.pointer, weight: p + offsets.projectionWeight,
                       bias: p + offsets.projectionBias, rows: m, inputs: c, outputs: c)
        for i in 0..<(m * c) { x[i] += scratch.projected[i] }
        LayerNorm.forward(scratch.norm.pointer, mean: scratch.mean.pointer, rstd: scratch.rstd.pointer, x.pointer,
                          weight: p + offsets.ln2Weight, bias: p + offsets.ln2Bias, rows: m, channels: c)
        Linear.forward(scratch.fc.pointer, scratch.norm.pointer, weight: p + offsets.fcWeight, bias: p + offsets.fcBias,
                       rows: m, inputs: c, outputs: 4 * c)
        GELU.forward(scratch.fcGelu.pointer, scratch.fc.pointer, count: 4 * m * c)
        Linear.forward(scratch.projected.pointer, scratch.fcGelu.pointer, weight: p + offsets.mlpProjectionWeight,
                       bias: p + offsets.mlpProjectionBias, rows: m, inputs: 4 * c, outputs: c)
        for i in 0..<(m * c) { x[i] += scratch.projected[i] }
    }

    /// Each new token's query against its row's keys up to its own position: softmax(q·kᵀ/√d)·v
    /// per head, into `scratch.attention`.
    private func attend(_ scratch: Scratch, layer: Int, rows: [Int], positions: [Int], cache: KeyValueCache) {
        let (c, heads) = (configuration.width, configuration.heads)
        let size = c / heads
        let scale = 1 / Float(size).squareRoot()
        Parallel.forEach(rows.count * heads, grain: 8) { range in
            let weights = UnsafeMutablePointer<Float>.allocate(capacity: configuration.context)
            defer { weights.deallocate() }
            for pair in range {
                let i = pair / heads, h = pair % heads
                let query = scratch.qkv.pointer + i * 3 * c + h * size
                let keys = cache.keys(row: rows[i], layer: layer) + h * size, values = cache.values(row: rows[i], layer: layer) + h * size
                let count = positions[i] + 1
                for t in 0..<count { weights[t] = Float.dot(query, keys + t * c, count: size) * scale }
                let sum = Float.exponentiate(weights, count: count, shift: Float.maximum(weights, count: count))
                let y = scratch.attention.pointer + i * c + h * size
                for j in 0..<size { y[j] = 0 }
                for t in 0..<count {
                    let w = weights[t] / sum, value = values + t * c
                    for j in 0..<size { y[j] += w * value[j] }
                }
            }
        }
    }
}

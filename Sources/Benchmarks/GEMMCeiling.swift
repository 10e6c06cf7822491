import GPT2
import NeuralNetworks
import Reporting

/// The time a piece of work's matrix products take at OpenBLAS's rate on each shape, each
/// shape measured alone with OpenBLAS's own threads: the speed the work could reach if
/// everything else were free.
struct GEMMCeiling {
    struct Shape: Hashable {
        var m, n, k: Int
        var transposeA, transposeB: Bool
    }

    let configuration: GPT2Configuration
    let repeats: Int
    let threads: Int

    /// Every product of a forward pass over `rows` tokens in sequences of `length` (and, with
    /// `backward`, of its gradient), with its count.
    func trainingShapes(rows: Int, length: Int, backward: Bool) -> [Shape: Int] {
        let (n, c, v, l) = (rows, configuration.width, configuration.vocabularySize, configuration.layers)
        let pairs = rows / length * configuration.heads, size = configuration.headSize
        var shapes: [Shape: Int] = [:]
        func add(_ shape: Shape, _ count: Int) { shapes[shape, default: 0] += count }
        add(Shape(m: n, n: v, k: c, transposeA: false, transposeB: true), 1)
        for (inputs, outputs) in layerProducts {
            add(Shape(m: n, n: outputs, k: inputs, transposeA: false, transposeB: false), l)
            if backward {
                add(Shape(m: n, n: inputs, k: outputs, transposeA: false, transposeB: true), l)
                add(Shape(m: inputs, n: outputs, k: n, transposeA: true, transposeB: false), l)
            }
        }
        // Attention: scores q·kᵀ and the weighted sum of values, per sequence and head.
        add(Shape(m: length, n: length, k: size, transposeA: false, transposeB: true), l * pairs)
        add(Shape(m: length, n: size, k: length, transposeA: false, transposeB: false), l * pairs)
        if backward {
            add(Shape(m: n, n: c, k: v, transposeA: false, transposeB: false), 1)
            add(Shape(m: v, n: c, k: n, transposeA: true, transposeB: false), 1)
            add(Shape(m: length, n: size, k: length, transposeA: false, transposeB: false), 2 * l * pairs)
            add(Shape(m: length, n: length, k: size, transposeA: false, transposeB: true), l * pairs)
            add(Shape(m: length, n: size, k: length, transposeA: true, transposeB: false), l * pairs)
        }
        return shapes
    }

    /// The products of beam-search decoding of `prompts` prompts of `promptLength` tokens
    /// (`<s>` first) with a key/value cache: the prompts' forward once with logits for their
    /// last tokens, then per new token but the last one forward step of `prompts × beams` rows
    /// with their logits. (Attention over the cache is not a product and counts as free.)
    func decodingShapes(prompts: Int, promptLength: Int, beams: Int, newTokens: Int) -> [Shape: Int] {
        let (c, v, l) = (configuration.width, configuration.vocabularySize, configuration.layers)
        var shapes: [Shape: Int] = [:]
        func add(rows: Int, count: Int, outputs: Int) {
            for (inputs, width) in layerProducts { shapes[Shape(m: rows, n: width, k: inputs, transposeA: false, transposeB: false), default: 0] += l * count }
            shapes[Shape(m: outputs, n: v, k: c, transposeA: false, transposeB: true), default: 0] += count
        }
        add(rows: prompts * (promptLength + 1), count: 1, outputs: prompts)
        add(rows: prompts * beams, count: newTokens - 1, outputs: prompts * beams)
        return shapes
    }

    /// A layer's products as (inputs, outputs): the q/k/v projection, the attention output,
    /// the MLP's expansion and contraction.
    private var layerProducts: [(Int, Int)] {
        let c = configuration.width
        return [(c, 3 * c), (c, c), (c, 4 * c), (4 * c, c)]
    }

    /// Seconds and floating-point operations of the products at sgemm's rate.
    func seconds(_ shapes: [Shape: Int]) -> (seconds: Double, flops: Double) {
        BLAS.withOwnThreads(threads) {
            var total = 0.0, flops = 0.0
            for (shape, count) in shapes {
                total += time(shape) * Double(count)
                flops += 2 * Double(shape.m * shape.n * shape.k) * Double(count)
            }
            return (total, flops)
        }
    }

    /// Best of `repeats` (at least 3 calls each, more for tiny shapes) of one product.
    func time(_ shape: Shape) -> Double {
        let a = TensorBuffer<Float>(count: shape.m * shape.k, value: 0.01), b = TensorBuffer<Float>(count: shape.k * shape.n, value: 0.02)
        let c = TensorBuffer<Float>(count: shape.m * shape.n)
        let calls = max(1, 20_000_000 / max(1, shape.m * shape.n * shape.k))
        var best = Double.infinity
        for _ in 0..<(repeats + 1) {
            let start = monotonicSeconds()
            for _ in 0..<calls {
                Float.serialGemm(transposeA: shape.transposeA, transposeB: shape.transposeB, m: shape.m, n: shape.n, k: shape.k, alpha: 1,
                                 a: a.pointer, lda: shape.transposeA ? shape.m : shape.k, b: b.pointer,
                                 ldb: shape.transposeB ? shape.k : shape.n, beta: 0, c: c.pointer, ldc: shape.n)
            }
            best = min(best, (monotonicSeconds() - start) / Double(calls))
        }
        return best
    }
}

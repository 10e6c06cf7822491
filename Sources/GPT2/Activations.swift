import NeuralNetworks

/// Every intermediate result of one forward pass over `batch` sequences of `length` tokens that
/// the backward pass needs, and the scratch gradients it uses; allocated once per shape and
/// reused step after step (the [tokens × vocabulary] logits above all).
final class Activations<T: Scalar> {
    /// One block's intermediates over `rows` tokens (decoding keeps one set for every block and
    /// step, with no attention weights: it attends through its cache).
    struct Block {
        let ln1, ln1Mean, ln1Rstd, qkv, attention, attentionOut, residual2: TensorBuffer<T>
        let ln2, ln2Mean, ln2Rstd, fc, fcGelu, output: TensorBuffer<T>

        init(rows n: Int, width c: Int, attentionWeights: Int) {
            func buffer(_ count: Int) -> TensorBuffer<T> { TensorBuffer(count: count) }
            (ln1, ln1Mean, ln1Rstd, qkv) = (buffer(n * c), buffer(n), buffer(n), buffer(3 * n * c))
            (attention, attentionOut, residual2) = (buffer(attentionWeights), buffer(n * c), buffer(n * c))
            (ln2, ln2Mean, ln2Rstd) = (buffer(n * c), buffer(n), buffer(n))
            (fc, fcGelu, output) = (buffer(4 * n * c), buffer(4 * n * c), buffer(n * c))
        }
    }

    let batch: Int
    let length: Int
    let encoded: TensorBuffer<T>
    let blocks: [Block]
    let lnf, lnfMean, lnfRstd: TensorBuffer<T>
    let losses: TensorBuffer<T>
    /// Each row's largest logit and Σ exp(logit − largest).
    let maxima, sums: TensorBuffer<T>
    private let vocabularySize: Int
    private var storedLogits: TensorBuffer<T>?
    private var storedWorkspace: ClassifierHead.Workspace<T>?
    private let width: Int
    let ids: UnsafeMutablePointer<Int32>
    let targets: UnsafeMutablePointer<Int32>
    /// Scratch gradients of the running residual stream and of each block's intermediates.
    let dResidual, dNorm, dQKV, dAttention, dFC, dFCPre: TensorBuffer<T>

    init(_ configuration: GPT2Configuration, batch: Int, length: Int) {
        self.batch = batch
        self.length = length
        let n = batch * length, c = configuration.width
        func buffer(_ count: Int) -> TensorBuffer<T> { TensorBuffer(count: count) }
        encoded = buffer(n * c)
        blocks = (0..<configuration.layers).map { _ in
            Block(rows: n, width: c, attentionWeights: batch * configuration.heads * length * length)
        }
        lnf = buffer(n * c)
        lnfMean = buffer(n)
        lnfRstd = buffer(n)
        losses = buffer(n)
        maxima = buffer(n)
        sums = buffer(n)
        vocabularySize = configuration.vocabularySize
        width = configuration.width
        ids = .allocate(capacity: n)
        targets = .allocate(capacity: n)
        dResidual = buffer(n * c)
        dNorm = buffer(n * c)
        dQKV = buffer(3 * n * c)
        dAttention = buffer(n * c)
        dFC = buffer(4 * n * c)
        dFCPre = buffer(4 * n * c)
    }

    /// The whole [positions × vocabulary] logits, allocated on first use (training, and callers
    /// that read them; scoring goes through the head's scratch blocks).
    func logits() -> TensorBuffer<T> {
        if let storedLogits { return storedLogits }
        let logits = TensorBuffer<T>(count: batch * length * vocabularySize)
        storedLogits = logits
        return logits
    }

    /// The output head's per-worker buffers.
    func workspace() -> ClassifierHead.Workspace<T> {
        if let storedWorkspace { return storedWorkspace }
        let workspace = ClassifierHead.Workspace<T>(rows: batch * length, channels: width, classes: vocabularySize, workers: ClassifierHead.lanes)
        storedWorkspace = workspace
        return workspace
    }

    deinit {
        ids.deallocate()
        targets.deallocate()
    }
}

/// The output projection onto the classes (a language model's vocabulary) fused with softmax
/// cross-entropy, computed a block of classes at a time: logits = x · Wᵀ with W [classes, channels]
/// (the tied token embedding). Forward and backward side by side.
///
/// Each of `lanes` workers takes every `lanes`-th block of classes and runs single-threaded
/// products on it (the lanes spread over `Parallel.threads`), reducing each block while it is still in the cache: the forward folds it into
/// the worker's running maximum and sum of exponentials per row (combined across workers at the
/// end), the backward turns it into its gradient and feeds it straight to the two products that
/// need it. So products and reductions overlap across the cores with no barrier between them,
/// and the logits go through memory once each way (training) or not at all (scoring). The
/// blocks a worker takes, and the order partial results are combined in, depend only on the
/// fixed number of lanes: results are the same at every thread count.
public enum ClassifierHead {
    /// Classes per block: 2048 rows × 1024 floats is 8 MiB, well inside a 32 MiB L3.
    public static let columns = 1024
    /// Workers, whatever the thread count (enough for the cores this tool targets).
    public static let lanes = 4

    /// Per-worker buffers, reused from call to call.
    public final class Workspace<T: Scalar> {
        public let rows: Int, channels: Int, workers: Int
        /// Per worker: running maximum and sum per row, a scratch block, a partial dx.
        @usableFromInline let maxima, sums, scratch, partialGradient: TensorBuffer<T>

        public init(rows: Int, channels: Int, workers: Int) {
            self.rows = rows
            self.channels = channels
            self.workers = workers
            maxima = TensorBuffer(count: workers * rows)
            sums = TensorBuffer(count: workers * rows)
            scratch = TensorBuffer(count: workers * rows * ClassifierHead.columns)
            partialGradient = TensorBuffer(count: workers * rows * channels)
        }
    }

    /// Per row: losses[n] = log Σ exp(logits[n]) − logits[n, targets[n]], nats (0 where the target
    /// is negative); maxima[n] and sums[n] keep the row's largest logit and Σ exp(logit − largest)
    /// for the backward.
    /// - Parameters:
    ///   - logits: [rows × classes], kept for the backward (training, or a caller that reads
    ///     them), and all zeros on entry when `logitsAreZero` (as the backward leaves it), so
    ///     the products accumulate into it without OpenBLAS clearing it first; nil to work in
    ///     the workspace's scratch blocks alone (kept all zeros for the same reason).
    /// - Complexity: one rows × classes × channels product, and O(rows × classes).
    @inlinable
    public static func forward<T: Scalar>(x: UnsafePointer<T>, weight: UnsafePointer<T>, targets: UnsafePointer<Int32>,
                                          losses: UnsafeMutablePointer<T>, maxima: UnsafeMutablePointer<T>, sums: UnsafeMutablePointer<T>,
                                          logits: UnsafeMutablePointer<T>?, logitsAreZero: Bool, workspace: Workspace<T>,
                                          rows: Int, channels: Int, classes: Int) {
        let workers = workspace.workers
        let accumulate = logits == nil || logitsAreZero
        workspace.maxima.fill(-.infinity)
        workspace.sums.fill(0)
        losses.update(repeating: 0, count: rows)
        Parallel.forEachChunk(workers, chunks: workers) { range in
            for worker in range {
                let runningMaxima = workspace.maxima.pointer + worker * rows, runningSums = workspace.sums.pointer + worker * rows
                for start in stride(from: worker * columns, to: classes, by: workers * columns) {
                    let width = min(columns, classes - start)
                    let block: UnsafeMutablePointer<T>, stride: Int
                    if let logits {
                        (block, stride) = (logits + start, classes)
                    } else {
                        (block, stride) = (workspace.scratch.pointer + worker * rows * columns, width)
                    }
                    T.serialGemm(transposeA: false, transposeB: true, m: rows, n: width, k: channels, alpha: 1, a: x, lda: channels,
                           b: weight + start * channels, ldb: channels, beta: accumulate ? 1 : 0, c: block, ldc: stride)
                    for n in 0..<rows {
                        let row = block + n * stride
                        let target = Int(targets[n])
                        if target >= start && target < start + width { losses[n] = -row[target - start] }
                        let maximum = max(runningMaxima[n], T.maximum(row, count: width))
                        let blockSum = logits == nil ? T.sumOfExponentialsClearing(row, count: width, shift: maximum)
                            : T.sumOfExponentials(row, count: width, shift: maximum)
                        runningSums[n] = runningSums[n] * T.exp(runningMaxima[n] - maximum) + blockSum
                        runningMaxima[n] = maximum
                    }
                }
            }
        }
        for n in 0..<rows {
            var maximum = -T.infinity, sum: T = 0
            for worker in 0..<workers {
                let m = workspace.maxima[worker * rows + n], s = workspace.sums[worker * rows + n]
                guard m > -.infinity else { continue }
                let combined = max(maximum, m)
                sum = sum * T.exp(maximum - combined) + s * T.exp(m - combined)
                maximum = combined
            }
            maxima[n] = maximum
            sums[n] = sum
            if targets[n] >= 0 { losses[n] += T.log(sum) + maximum }
        }
    }

    /// The gradient of Σ losses · scale: dx = dlogits · W (assigned) and dweight += dlogitsᵀ · x,
    /// with dlogits = (softmax − one-hot) · scale built block by block in the forward's logits.
    /// Rows whose target is negative contribute nothing. Leaves `logits` all zeros, each block
    /// cleared right after its products, while it is still in the cache.
    /// - Complexity: two rows × classes × channels products, and O(rows × classes).
    @inlinable
    public static func backward<T: Scalar>(dx: UnsafeMutablePointer<T>, dweight: UnsafeMutablePointer<T>, x: UnsafePointer<T>,
                                           weight: UnsafePointer<T>, logits: UnsafeMutablePointer<T>, targets: UnsafePointer<Int32>,
                                           maxima: UnsafePointer<T>, sums: UnsafePointer<T>, scale: T, workspace: Workspace<T>,
                                           rows: Int, channels: Int, classes: Int) {
        let workers = workspace.workers
        workspace.partialGradient.fill(0)
        Parallel.forEachChunk(workers, chunks: workers) { range in
            for worker in range {
                let partial = workspace.partialGradient.pointer + worker * rows * channels
                for start in stride(from: worker * columns, to: classes, by: workers * columns) {
                    let width = min(columns, classes - start)
                    let block = logits + start
                    for n in 0..<rows {
                        let row = block + n * classes
                        let target = Int(targets[n])
                        guard target >= 0 else {
                            row.update(repeating: 0, count: width)
                            continue
                        }
                        _ = T.exponentiate(row, count: width, shift: maxima[n])
                        let factor = scale / sums[n]
                        for i in 0..<width { row[i] *= factor }
                        if target >= start && target < start + width { row[target - start] -= scale }
                    }
                    T.serialGemm(transposeA: false, transposeB: false, m: rows, n: channels, k: width, alpha: 1, a: block, lda: classes,
                           b: weight + start * channels, ldb: channels, beta: 1, c: partial, ldc: channels)
                    T.serialGemm(transposeA: true, transposeB: false, m: width, n: channels, k: rows, alpha: 1, a: block, lda: classes,
                           b: x, ldb: channels, beta: 1, c: dweight + start * channels, ldc: channels)
                    for n in 0..<rows { (block + n * classes).update(repeating: 0, count: width) }
                }
            }
        }
        dx.update(from: workspace.partialGradient.pointer, count: rows * channels)
        for worker in 1..<max(1, workers) {
            let partial = workspace.partialGradient.pointer + worker * rows * channels
            for i in 0..<(rows * channels) { dx[i] += partial[i] }
        }
    }
}

/// The output projection onto the classes (a language model's vocabulary) fused with softmax
/// cross-entropy, computed a block of classes at a time: logits = x · Wᵀ with W [classes, channels]
/// (the tied token embedding). Forward and backward side by side.
///
/// Each of `lanes` workers takes every `lanes`-th block of classes and runs single-threaded
/// products on it (the lanes spread over `Parallel.threads`), reducing each block while it is still in the cache: the forward folds it into
/// the worker's running maximum and sum of exponentials per row (combined across workers at the
/// end). Training keeps each block's exponentials, shifted by the row's running maximum, rather
/// than its logits: the backward then needs no exponential and no copy, only a factor per row
/// and block that turns them into softmax · scale, folded into the products' small operands.
/// So products and reductions overlap across the cores with no barrier between them, and the
/// block of classes goes through memory once each way (training) or not at all (scoring). The
/// blocks a worker takes, and the order partial results are combined in, depend only on the
/// fixed number of lanes: results are the same at every thread count.
public enum ClassifierHead {
    /// Where a forward pass keeps its logits.
    public enum KeptLogits<T: Scalar> {
        /// [rows × classes] row-major, for callers that read them.
        case rows(UnsafeMutablePointer<T>)
        /// For `backward`: block after block of `columns` classes, each block's [rows × width]
        /// contiguous, holding exp(logit − shift) with the shift the workspace records per row
        /// and block.
        case blocks(UnsafeMutablePointer<T>)
    }

    /// Classes per block: each product fills `pieceRows` × 1024 floats.
    public static let columns = 1024
    /// Workers, whatever the thread count (enough for the cores this tool targets).
    public static let lanes = 4

    /// Per-worker buffers, reused from call to call.
    public final class Workspace<T: Scalar> {
        public let rows: Int, channels: Int, classes: Int, workers: Int
        /// Per worker: running maximum and sum per row, a scratch block, a partial dx.
        @usableFromInline let maxima, sums, scratch, partialGradient: TensorBuffer<T>
        /// Per row, the log of what turns an exponential into softmax · scale.
        @usableFromInline let shifts: TensorBuffer<T>
        /// Per block of classes and row, the shift of the exponentials kept `.blocks`.
        @usableFromInline let blockShifts: TensorBuffer<T>
        /// Per worker, the backward's operands of a piece: its rows' factors, the inputs scaled
        /// by them, and the product of the exponentials with the block's weights.
        @usableFromInline let factors, scaledInputs, products: TensorBuffer<T>
        /// The weight's transpose in panels, packed by a forward pass.
        @usableFromInline let panels: PackedPanels<T>
        /// The weight the panels hold, when the caller promised it would not change.
        @usableFromInline var packedFrozenWeight: UnsafePointer<T>?

        public init(rows: Int, channels: Int, classes: Int, workers: Int) {
            self.rows = rows
            self.channels = channels
            self.classes = classes
            self.workers = workers
            maxima = TensorBuffer(count: workers * rows)
            sums = TensorBuffer(count: workers * rows)
            scratch = TensorBuffer(count: workers * ClassifierHead.pieceRows * ClassifierHead.columns)
            partialGradient = TensorBuffer(count: workers * rows * channels)
            shifts = TensorBuffer(count: rows)
            blockShifts = TensorBuffer(count: rows * ((classes + ClassifierHead.columns - 1) / ClassifierHead.columns))
            factors = TensorBuffer(count: workers * ClassifierHead.pieceRows)
            scaledInputs = TensorBuffer(count: workers * ClassifierHead.pieceRows * channels)
            products = TensorBuffer(count: workers * ClassifierHead.pieceRows * channels)
            panels = PackedPanels(columns: classes, depth: channels)
        }
    }

    /// Per row: losses[n] = log Σ exp(logits[n]) − logits[n, targets[n]], nats (0 where the target
    /// is negative); maxima[n] and sums[n] keep the row's largest logit and Σ exp(logit − largest)
    /// for the backward.
    /// - Parameters:
    ///   - logits: where to keep the [rows × classes] logits (`.blocks` for the backward, `.rows`
    ///     for a caller that reads them); nil to work in the workspace's scratch blocks alone.
    ///   - weightIsFrozen: the weight never changes while it lies where it lies (a model only
    ///     used for inference): its panels are packed once, not at every call.
    /// - Complexity: one rows × classes × channels product, and O(rows × classes).
    @inlinable
    public static func forward<T: Scalar>(x: UnsafePointer<T>, weight: UnsafePointer<T>, targets: UnsafePointer<Int32>,
                                          losses: UnsafeMutablePointer<T>, maxima: UnsafeMutablePointer<T>, sums: UnsafeMutablePointer<T>,
                                          logits: KeptLogits<T>?, workspace: Workspace<T>,
                                          rows: Int, channels: Int, classes: Int, weightIsFrozen: Bool = false) {
        let workers = workspace.workers
        workspace.maxima.fill(-.infinity)
        workspace.sums.fill(0)
        losses.update(repeating: 0, count: rows)
        // Logits kept row by row go through OpenBLAS, whose kernels prefetch the rows of C they
        // fill (far apart in the whole logits); the rest through the tiled product over the
        // weight's transpose packed once here, where OpenBLAS would pack each block of the weight
        // again for every piece of rows.
        var rowMajor: UnsafeMutablePointer<T>?, blockMajor: UnsafeMutablePointer<T>?
        switch logits {
        case .rows(let pointer): rowMajor = pointer
        case .blocks(let pointer): blockMajor = pointer
        case nil: break
        }
        if rowMajor == nil && !(weightIsFrozen && workspace.packedFrozenWeight == weight) {
            workspace.panels.pack(transposing: weight)
            workspace.packedFrozenWeight = weightIsFrozen ? weight : nil
        }
        Parallel.forEachChunk(workers, chunks: workers) { range in
            for worker in range {
                let runningMaxima = workspace.maxima.pointer + worker * rows, runningSums = workspace.sums.pointer + worker * rows
                for start in stride(from: worker * columns, to: classes, by: workers * columns) {
                    let width = min(columns, classes - start)
                    for first in Swift.stride(from: 0, to: rows, by: pieceRows) {
                        let count = min(pieceRows, rows - first)
                        let block: UnsafeMutablePointer<T>, stride: Int
                        if let rowMajor {
                            (block, stride) = (rowMajor + first * classes + start, classes)
                            T.serialGemm(transposeA: false, transposeB: true, m: count, n: width, k: channels, alpha: 1, a: x + first * channels,
                                         lda: channels, b: weight + start * channels, ldb: channels, beta: 0, c: block, ldc: stride)
                        } else {
                            // The product lands in a scratch block in the cache; what training keeps
                            // goes to memory once, as the exponentials are taken.
                            (block, stride) = (workspace.scratch.pointer + worker * pieceRows * columns, width)
                            TiledProduct.multiply(m: count, n: width, k: channels, a: x + first * channels, rowStride: channels, depthStride: 1,
                                                  b: .panels(workspace.panels, firstColumn: start), c: block, ldc: stride, accumulate: false)
                        }
                        let kept = blockMajor.map { $0 + start * rows + first * width }
                        let keptShifts = workspace.blockShifts.pointer + (start / columns) * rows + first
                        for n in 0..<count {
                            let row = block + n * stride
                            let target = Int(targets[first + n])
                            if target >= start && target < start + width { losses[first + n] = -row[target - start] }
                            let shift = accumulateExponentials(row, count: width, keepingIn: kept.map { $0 + n * width },
                                                               maximum: &runningMaxima[first + n], sum: &runningSums[first + n])
                            if kept != nil { keptShifts[n] = shift }
                        }
                    }
                }
            }
        }
        for n in 0..<rows {
            var total = LogSumExp<T>()
            for worker in 0..<workers {
                total.add(maximum: workspace.maxima[worker * rows + n], sum: workspace.sums[worker * rows + n])
            }
            maxima[n] = total.maximum
            sums[n] = total.sum
            if targets[n] >= 0 { losses[n] += total.value }
        }
    }

    /// Folds a row's block of logits into its running maximum and Σ exp(logit − maximum). After
    /// the row's first block, one pass takes both, shifted by the maximum so far (the later
    /// blocks' logits rarely exceed it by much, and never by enough to overflow before the block
    /// is taken again with its own maximum).
    /// - Parameter kept: where to write the block's exponentials, exp(logit − the returned shift).
    /// - Returns: the shift of the exponentials taken last.
    @inlinable @inline(__always) @discardableResult
    static func accumulateExponentials<T: Scalar>(_ row: UnsafePointer<T>, count: Int, keepingIn kept: UnsafeMutablePointer<T>? = nil,
                                                  maximum: inout T, sum: inout T) -> T {
        guard maximum > -.infinity else {
            maximum = T.maximum(row, count: count)
            sum = T.sumOfExponentials(row, count: count, shift: maximum, keepingIn: kept)
            return maximum
        }
        let shift = maximum
        let (blockSum, blockMaximum) = T.sumOfExponentialsAndMaximum(row, count: count, shift: shift, keepingIn: kept)
        if blockMaximum <= maximum {
            sum += blockSum
        } else if blockMaximum - maximum < 64 {
            sum = (sum + blockSum) * T.exp(maximum - blockMaximum)
            maximum = blockMaximum
        } else {
            sum = sum * T.exp(maximum - blockMaximum) + T.sumOfExponentials(row, count: count, shift: blockMaximum, keepingIn: kept)
            maximum = blockMaximum
            return blockMaximum
        }
        return shift
    }

    /// The gradient of Σ losses · scale: dx = dlogits · W (assigned) and dweight += dlogitsᵀ · x,
    /// with dlogits = softmax · scale − one-hot · scale, from the exponentials a forward pass kept
    /// `.blocks` (read, never written). Each row's exponentials of a block times one factor give
    /// its softmax · scale, so the factors scale the products' small operands instead: the rows of
    /// x before dweight's product, the rows of the product with W before they join dx. Rows whose
    /// target is negative contribute nothing.
    /// - Complexity: two rows × classes × channels products, and O(rows × channels × classes / 1024).
    @inlinable
    public static func backward<T: Scalar>(dx: UnsafeMutablePointer<T>, dweight: UnsafeMutablePointer<T>, x: UnsafePointer<T>,
                                           weight: UnsafePointer<T>, logits: UnsafePointer<T>, targets: UnsafePointer<Int32>,
                                           maxima: UnsafePointer<T>, sums: UnsafePointer<T>, scale: T, workspace: Workspace<T>,
                                           rows: Int, channels: Int, classes: Int) {
        let workers = workspace.workers
        workspace.partialGradient.fill(0)
        let shifts = workspace.shifts.pointer
        for n in 0..<rows { shifts[n] = maxima[n] + T.log(sums[n] / scale) }
        Parallel.forEachChunk(workers, chunks: workers) { range in
            for worker in range {
                let partial = workspace.partialGradient.pointer + worker * rows * channels
                let operands = PieceOperands(factors: workspace.factors.pointer + worker * pieceRows,
                                             scaledInputs: workspace.scaledInputs.pointer + worker * pieceRows * channels,
                                             products: workspace.products.pointer + worker * pieceRows * channels)
                for start in stride(from: worker * columns, to: classes, by: workers * columns) {
                    let width = min(columns, classes - start)
                    for first in stride(from: 0, to: rows, by: pieceRows) {
                        backwardPiece(partial: partial + first * channels, dweight: dweight + start * channels, x: x + first * channels,
                                      weight: weight + start * channels, exponentials: logits + start * rows + first * width,
                                      exponentialShifts: workspace.blockShifts.pointer + (start / columns) * rows + first,
                                      operands: operands, targets: targets + first, shifts: shifts + first, scale: scale,
                                      rows: min(pieceRows, rows - first), channels: channels, start: start, width: width)
                    }
                }
            }
        }
        dx.update(from: workspace.partialGradient.pointer, count: rows * channels)
        for worker in 1..<max(1, workers) {
            let partial = workspace.partialGradient.pointer + worker * rows * channels
            for i in 0..<(rows * channels) { dx[i] += partial[i] }
        }
    }

    /// Rows per piece of a block: a piece (256 × 1024 floats, 1 MiB) stays in a core's L2 from
    /// its product to its reduction (forward), or through both products (backward).
    public static let pieceRows = 256

    /// A worker's scratch for the backward's piece: [pieceRows], [pieceRows × channels] twice.
    @usableFromInline
    struct PieceOperands<T: Scalar> {
        @usableFromInline let factors, scaledInputs, products: UnsafeMutablePointer<T>
        @usableFromInline init(factors: UnsafeMutablePointer<T>, scaledInputs: UnsafeMutablePointer<T>, products: UnsafeMutablePointer<T>) {
            (self.factors, self.scaledInputs, self.products) = (factors, scaledInputs, products)
        }
    }

    /// One piece of the backward: `rows` rows of a block of `width` exponentials through both
    /// products, each row's factor exp(its shift then − its final shift) applied to the small
    /// operands, then the one-hot part of dlogits for the targets that fall in the block.
    @inlinable
    static func backwardPiece<T: Scalar>(partial: UnsafeMutablePointer<T>, dweight: UnsafeMutablePointer<T>, x: UnsafePointer<T>,
                                         weight: UnsafePointer<T>, exponentials: UnsafePointer<T>, exponentialShifts: UnsafePointer<T>,
                                         operands: PieceOperands<T>, targets: UnsafePointer<Int32>, shifts: UnsafePointer<T>, scale: T,
                                         rows: Int, channels: Int, start: Int, width: Int) {
        let (factors, scaledInputs, products) = (operands.factors, operands.scaledInputs, operands.products)
        for n in 0..<rows {
            let factor = targets[n] >= 0 ? T.exp(exponentialShifts[n] - shifts[n]) : 0
            factors[n] = factor
            for j in 0..<channels { scaledInputs[n * channels + j] = factor * x[n * channels + j] }
        }
        TiledProduct.multiply(m: rows, n: channels, k: width, a: exponentials, rowStride: width, depthStride: 1,
                              b: .rowMajor(weight, stride: channels), c: products, ldc: channels, accumulate: false)
        TiledProduct.multiply(m: width, n: channels, k: rows, a: exponentials, rowStride: 1, depthStride: width,
                              b: .rowMajor(scaledInputs, stride: channels), c: dweight, ldc: channels, accumulate: true)
        for n in 0..<rows {
            let factor = factors[n]
            let row = partial + n * channels, product = products + n * channels
            for j in 0..<channels { row[j] += factor * product[j] }
            let target = Int(targets[n]) - start
            guard target >= 0 && target < width else { continue }
            let targetWeight = weight + target * channels, targetGradient = dweight + target * channels, input = x + n * channels
            for j in 0..<channels {
                row[j] -= scale * targetWeight[j]
                targetGradient[j] -= scale * input[j]
            }
        }
    }
}

import Foundation
import LanguageModeling
import NeuralNetworks
import Tokenization

/// The tied output projection for decoding, fused with choosing each row's best next tokens,
/// so that a step's [rows × vocabulary] logits never go through memory: a block of 1,024
/// classes at a time, each of `lanes` workers computes the block's logits into a buffer of its
/// own (`TiledProduct` over the embedding's transpose, packed once), folds them into each row's
/// running maximum and sum of exponentials, and keeps the row's best logits, those of tokens
/// the row penalizes apart from the others. The candidates are scored at the end, when
/// log Σ exp is known, exactly as `GPT2LanguageModel.penalizedLogProbabilities` scores every id.
///
/// Why keeping the best logits is enough: a score is the logit minus the row's log-sum, and the
/// penalty only lowers it (monotonically), so a token whose logit is below the k-th best logit
/// of unpenalized tokens cannot make the list; within each group the order of logits is the
/// order of scores. Blocks a worker takes, and the order partial sums are combined in, depend
/// only on the fixed number of lanes: results are the same at every thread count.
///
/// What it shares with `ClassifierHead` (training and scoring): the blocks of classes, the lanes,
/// the packed embedding's tiled product and the joining of the lanes' sums (`LogSumExp`). What
/// differs, and why: a row's block is folded by `fold`, which takes the block's largest logit in
/// the same pass that picks candidates and then sums with it, where training's one pass
/// (`ClassifierHead.accumulateExponentials`) also writes the exponentials its backward needs;
/// and nothing here is kept beyond each row's few best logits. `GPT2ReferenceDecoder` scores
/// every id the plain way, as the reference this head is tested against.
final class DecodingHead {
    /// The blocks of classes and the lanes of training's and scoring's head.
    static let columns = ClassifierHead.columns
    static let lanes = ClassifierHead.lanes

    let classes: Int
    let channels: Int
    /// The token embedding's transpose in panels.
    let embedding: PackedPanels<Float>
    private var scratch = TensorBuffer<Float>(count: 0)
    private var scratchRows = 0

    init(embedding weight: UnsafePointer<Float>, classes: Int, channels: Int) {
        self.classes = classes
        self.channels = channels
        embedding = PackedPanels(columns: classes, depth: channels)
        embedding.pack(transposing: weight)
    }

    /// A row's state in one lane: running maximum and sum of exponentials, and its best logits.
    struct RowState {
        var maximum = -Float.infinity
        var sum: Float = 0
        /// Unpenalized tokens, best logit first (ties to the lower id), at most k.
        var plain: TopK
        /// Penalized tokens above the plain bound when seen, best first, at most k.
        var penalized: TopK

        init(k: Int) {
            plain = TopK(k)
            penalized = TopK(k)
        }

        /// A logit below this cannot make the list.
        var bound: Float { plain.kth?.score ?? -.infinity }
    }

    /// For each of `rows` rows of `hidden` [rows × channels] (the final LayerNorm's output), its
    /// k best next tokens as `StepDecoder.topCandidates` defines them; nil when a row's
    /// log Σ exp is not finite (NaN or infinite logits).
    /// - Complexity: one rows × classes × channels product and O(rows × classes) elementwise,
    ///   plus O(k) per token above a row's running bound.
    func topCandidates(_ k: Int, hidden: UnsafePointer<Float>, rows: Int, penalty: Float, penalized: [TokenSet],
                       banned: TokenSet) -> [[ScoredToken]]? {
        guard rows > 0, k > 0 else { return Array(repeating: [], count: rows) }
        if scratchRows < rows {
            scratch = TensorBuffer(count: Self.lanes * rows * Self.columns)
            scratchRows = rows
        }
        var states = [[RowState]](repeating: [RowState](repeating: RowState(k: k), count: rows), count: Self.lanes)
        let buffers = scratch
        states.withUnsafeMutableBufferPointer { lanesStates in
            Parallel.forEachChunk(Self.lanes, chunks: Self.lanes) { range in
                for lane in range {
                    let block = buffers.pointer + lane * rows * Self.columns
                    for start in stride(from: lane * Self.columns, to: classes, by: Self.lanes * Self.columns) {
                        let width = min(Self.columns, classes - start)
                        TiledProduct.multiply(m: rows, n: width, k: channels, a: hidden, rowStride: channels, depthStride: 1,
                                              b: .panels(embedding, firstColumn: start), c: block, ldc: width, accumulate: false)
                        for row in 0..<rows {
                            Self.fold(block + row * width, count: width, start: start, into: &lanesStates[lane][row],
                                      penalized: penalized[row], banned: banned)
                        }
                    }
                }
            }
        }
        var chosen: [[ScoredToken]] = []
        for row in 0..<rows {
            guard let best = Self.choose(k, from: states.map { $0[row] }, penalty: penalty) else { return nil }
            chosen.append(best)
        }
        return chosen
    }

    /// Folds a row's block of logits (classes `start..<start + count`) into its state.
    static func fold(_ logits: UnsafePointer<Float>, count: Int, start: Int, into state: inout RowState,
                     penalized: TokenSet, banned: TokenSet) {
        var bound = state.bound
        func consider(_ index: Int) {
            let id = Int32(start + index)
            guard !banned.contains(id) else { return }
            let candidate = ScoredToken(id: id, score: logits[index])
            if penalized.contains(id) {
                state.penalized.offer(candidate)
            } else {
                state.plain.offer(candidate)
                bound = state.bound
            }
        }
        // The block's largest logit is taken in the same pass as the candidates.
        var index = 0, largest = SIMD16<Float>(repeating: -.infinity)
        let raw = UnsafeRawPointer(logits)
        while index + 16 <= count {
            let chunk = raw.loadUnaligned(fromByteOffset: index * 4, as: SIMD16<Float>.self)
            largest.replace(with: chunk, where: chunk .> largest)
            if any(chunk .>= bound) {
                for lane in 0..<16 where logits[index + lane] >= bound { consider(index + lane) }
            }
            index += 16
        }
        var blockMaximum = largest.max()
        while index < count {
            blockMaximum = max(blockMaximum, logits[index])
            if logits[index] >= bound { consider(index) }
            index += 1
        }
        let maximum = max(state.maximum, blockMaximum)
        state.sum = state.sum * exp(state.maximum - maximum) + Float.sumOfExponentials(logits, count: count, shift: maximum)
        state.maximum = maximum
    }

    /// A row's k best tokens from its lanes' states: log Σ exp from the lanes' partial sums
    /// (combined in lane order), then every kept logit scored and the best k taken; nil when
    /// that log-sum is not finite.
    static func choose(_ k: Int, from lanes: [RowState], penalty: Float) -> [ScoredToken]? {
        var total = LogSumExp<Float>()
        for state in lanes { total.add(maximum: state.maximum, sum: state.sum) }
        let logSum = total.value
        guard logSum.isFinite else { return nil }
        var best = TopK(k)
        for state in lanes {
            for candidate in state.plain.tokens { best.offer(ScoredToken(id: candidate.id, score: candidate.score - logSum)) }
            for candidate in state.penalized.tokens {
                best.offer(ScoredToken(id: candidate.id, score: penalize(candidate.score - logSum, penalty)))
            }
        }
        return best.tokens
    }
}

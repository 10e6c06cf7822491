import Foundation
import Testing
@testable import NeuralNetworks

/// The blocked, multi-worker output head against its plain reference: one product into the
/// whole logits, then `SoftmaxCrossEntropy` row by row.
@Suite(.serialized) struct ClassifierHeadTests {
    @Test(arguments: [1, 2, 3])
    func blockedHeadEqualsThePlainReference(workers: Int) {
        compare(Double.self, workers: workers, lossTolerance: 1e-12, gradientTolerance: 1e-13)
    }

    /// In single precision (the tiled products' 16-lane vectors) against the same reference
    /// computed in double precision.
    @Test func blockedHeadInSinglePrecisionEqualsTheReference() {
        compare(Float.self, workers: 2, lossTolerance: 2e-5, gradientTolerance: 1e-6)
    }

    /// The last block of classes scored far above the others for many rows, so rows take later
    /// blocks' exponentials under each of the three shifts the fold uses.
    @Test func blockedHeadKeepsItsGradientWhenALaterBlockJumpsFarAhead() {
        compare(Double.self, workers: 2, lossTolerance: 1e-11, gradientTolerance: 1e-11, lastBlockScale: 60)
        compare(Float.self, workers: 2, lossTolerance: 2e-3, gradientTolerance: 2e-5, lastBlockScale: 60)
    }

    func compare<T: Scalar>(_: T.Type, workers: Int, lossTolerance: Double, gradientTolerance: Double, lastBlockScale: Double = 1) {
        let (rows, channels, classes) = (ClassifierHead.pieceRows + 37, 16, 2 * ClassifierHead.columns + 301)
        var state: UInt64 = 7
        func random() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53) - 0.5
        }
        let x = TensorBuffer<Double>(count: rows * channels), weight = TensorBuffer<Double>(count: classes * channels)
        for i in 0..<x.count { x[i] = 2 * random() }
        for i in 0..<weight.count { weight[i] = 2 * random() }
        for i in (2 * ClassifierHead.columns * channels)..<weight.count { weight[i] *= lastBlockScale }
        let targets = (0..<rows).map { $0 % 9 == 4 ? Int32(-1) : Int32(($0 * 977) % classes) }
        let scale = 1.0 / Double(targets.count { $0 >= 0 })

        // Reference: the whole logits, then softmax and cross-entropy with the gradient in place.
        let logits = TensorBuffer<Double>(count: rows * classes), referenceLosses = TensorBuffer<Double>(count: rows)
        Double.gemm(transposeA: false, transposeB: true, m: rows, n: classes, k: channels, alpha: 1, a: x.pointer, lda: channels,
                    b: weight.pointer, ldb: channels, beta: 0, c: logits.pointer, ldc: classes)
        let referenceLogits = logits.copy()
        targets.withUnsafeBufferPointer { t in
            SoftmaxCrossEntropy.forwardBackward(logits.pointer, targets: t.baseAddress!, losses: referenceLosses.pointer, rows: rows,
                                                classes: classes, gradientScale: scale)
        }
        let referenceDX = TensorBuffer<Double>(count: rows * channels), referenceDW = TensorBuffer<Double>(count: classes * channels)
        Double.gemm(transposeA: false, transposeB: false, m: rows, n: channels, k: classes, alpha: 1, a: logits.pointer, lda: classes,
                    b: weight.pointer, ldb: channels, beta: 0, c: referenceDX.pointer, ldc: channels)
        Double.gemm(transposeA: true, transposeB: false, m: classes, n: channels, k: rows, alpha: 1, a: logits.pointer, lda: classes,
                    b: x.pointer, ldb: channels, beta: 1, c: referenceDW.pointer, ldc: channels)

        let saved = Parallel.threads
        Parallel.threads = workers
        defer { Parallel.threads = saved }
        let workspace = ClassifierHead.Workspace<T>(rows: rows, channels: channels, classes: classes, workers: workers)
        let kept = TensorBuffer<T>(count: rows * classes), losses = TensorBuffer<T>(count: rows)
        let maxima = TensorBuffer<T>(count: rows), sums = TensorBuffer<T>(count: rows)
        let dx = TensorBuffer<T>(count: rows * channels), dw = TensorBuffer<T>(count: classes * channels)
        let (xT, weightT): (TensorBuffer<T>, TensorBuffer<T>) = (converted(x), converted(weight))
        var keptForBackward: TensorBuffer<T>?
        targets.withUnsafeBufferPointer { t in
            // Scoring alone (scratch blocks), the logits kept row by row (for a reader), then
            // training (kept block by block, gradient).
            ClassifierHead.forward(x: xT.pointer, weight: weightT.pointer, targets: t.baseAddress!, losses: losses.pointer, maxima: maxima.pointer,
                                   sums: sums.pointer, logits: nil, workspace: workspace, rows: rows, channels: channels, classes: classes)
            for n in 0..<rows { #expect(abs(Double(losses[n]) - referenceLosses[n]) < lossTolerance, "scoring row \(n)") }
            ClassifierHead.forward(x: xT.pointer, weight: weightT.pointer, targets: t.baseAddress!, losses: losses.pointer, maxima: maxima.pointer,
                                   sums: sums.pointer, logits: .rows(kept.pointer), workspace: workspace, rows: rows, channels: channels, classes: classes)
            for n in 0..<rows { #expect(abs(Double(losses[n]) - referenceLosses[n]) < lossTolerance, "reading row \(n)") }
            let worstLogit = (0..<kept.count).map { abs(Double(kept[$0]) - referenceLogits[$0]) }.max() ?? 0
            #expect(worstLogit < lossTolerance, "kept logits differ by \(worstLogit)")
            ClassifierHead.forward(x: xT.pointer, weight: weightT.pointer, targets: t.baseAddress!, losses: losses.pointer, maxima: maxima.pointer,
                                   sums: sums.pointer, logits: .blocks(kept.pointer), workspace: workspace, rows: rows, channels: channels, classes: classes)
            for n in 0..<rows { #expect(abs(Double(losses[n]) - referenceLosses[n]) < lossTolerance, "training row \(n)") }
            keptForBackward = kept.copy()
            ClassifierHead.backward(dx: dx.pointer, dweight: dw.pointer, x: xT.pointer, weight: weightT.pointer, logits: kept.pointer,
                                    targets: t.baseAddress!, maxima: maxima.pointer, sums: sums.pointer, scale: T(scale), workspace: workspace,
                                    rows: rows, channels: channels, classes: classes)
        }
        var worst = 0.0
        for i in 0..<dx.count { worst = max(worst, abs(Double(dx[i]) - referenceDX[i])) }
        for i in 0..<dw.count { worst = max(worst, abs(Double(dw[i]) - referenceDW[i])) }
        #expect(worst < gradientTolerance, "worst gradient difference \(worst)")
        // The backward reads the kept logits and leaves them as they were.
        #expect(keptForBackward.map { before in (0..<kept.count).allSatisfy { kept[$0] == before[$0] } } == true)
    }

    /// Blocks folded one after another give the row's maximum and Σ exp(logit − maximum), whether
    /// a later block's logits stay below the maximum so far, pass it a little, or pass it by far.
    @Test(arguments: [0.0, 5.0, 120.0])
    func foldedBlocksGiveTheRowsMaximumAndSum(jump: Double) {
        let first: [Float] = (0..<40).map { Float($0 % 7) * 0.5 - 1 }
        let second: [Float] = (0..<37).map { Float($0 % 5) * 0.25 + Float(jump) - 2 }
        var (maximum, sum) = (-Float.infinity, Float(0))
        ClassifierHead.accumulateExponentials(first, count: first.count, maximum: &maximum, sum: &sum)
        ClassifierHead.accumulateExponentials(second, count: second.count, maximum: &maximum, sum: &sum)
        let all = (first + second).map(Double.init)
        let expectedMaximum = all.max() ?? 0
        let expectedSum = all.reduce(0) { $0 + exp($1 - expectedMaximum) }
        #expect(Double(maximum) == expectedMaximum)
        #expect(abs(Double(sum) - expectedSum) < 1e-5 * expectedSum, "\(sum) vs \(expectedSum)")
    }

    func converted<T: Scalar>(_ buffer: TensorBuffer<Double>) -> TensorBuffer<T> {
        let result = TensorBuffer<T>(count: buffer.count)
        for i in 0..<buffer.count { result[i] = T(buffer[i]) }
        return result
    }
}

import Testing
@testable import NeuralNetworks

/// The blocked, multi-worker output head against its plain reference: one product into the
/// whole logits, then `SoftmaxCrossEntropy` row by row.
@Suite(.serialized) struct ClassifierHeadTests {
    @Test(arguments: [1, 2, 3])
    func blockedHeadEqualsThePlainReference(workers: Int) {
        let (rows, channels, classes) = (ClassifierHead.pieceRows + 37, 16, 2 * ClassifierHead.columns + 301)
        var state: UInt64 = 7
        func random() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53) - 0.5
        }
        let x = TensorBuffer<Double>(count: rows * channels), weight = TensorBuffer<Double>(count: classes * channels)
        for i in 0..<x.count { x[i] = 2 * random() }
        for i in 0..<weight.count { weight[i] = 2 * random() }
        let targets = (0..<rows).map { $0 % 9 == 4 ? Int32(-1) : Int32(($0 * 977) % classes) }
        let scale = 1.0 / Double(targets.count { $0 >= 0 })

        // Reference: the whole logits, then softmax and cross-entropy with the gradient in place.
        let logits = TensorBuffer<Double>(count: rows * classes), referenceLosses = TensorBuffer<Double>(count: rows)
        Double.gemm(transposeA: false, transposeB: true, m: rows, n: classes, k: channels, alpha: 1, a: x.pointer, lda: channels,
                    b: weight.pointer, ldb: channels, beta: 0, c: logits.pointer, ldc: classes)
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
        let workspace = ClassifierHead.Workspace<Double>(rows: rows, channels: channels, workers: workers)
        let kept = TensorBuffer<Double>(count: rows * classes), losses = TensorBuffer<Double>(count: rows)
        let maxima = TensorBuffer<Double>(count: rows), sums = TensorBuffer<Double>(count: rows)
        let dx = TensorBuffer<Double>(count: rows * channels), dw = TensorBuffer<Double>(count: classes * channels)
        targets.withUnsafeBufferPointer { t in
            // Scoring alone (scratch blocks), then training (kept logits, gradient).
            ClassifierHead.forward(x: x.pointer, weight: weight.pointer, targets: t.baseAddress!, losses: losses.pointer, maxima: maxima.pointer,
                                   sums: sums.pointer, logits: nil, logitsAreZero: false, workspace: workspace, rows: rows, channels: channels, classes: classes)
            for n in 0..<rows { #expect(abs(losses[n] - referenceLosses[n]) < 1e-12, "scoring row \(n)") }
            ClassifierHead.forward(x: x.pointer, weight: weight.pointer, targets: t.baseAddress!, losses: losses.pointer, maxima: maxima.pointer,
                                   sums: sums.pointer, logits: kept.pointer, logitsAreZero: true, workspace: workspace, rows: rows, channels: channels, classes: classes)
            for n in 0..<rows { #expect(abs(losses[n] - referenceLosses[n]) < 1e-12, "training row \(n)") }
            ClassifierHead.backward(dx: dx.pointer, dweight: dw.pointer, x: x.pointer, weight: weight.pointer, logits: kept.pointer,
                                    targets: t.baseAddress!, maxima: maxima.pointer, sums: sums.pointer, scale: scale, workspace: workspace,
                                    rows: rows, channels: channels, classes: classes)
        }
        var worst = 0.0
        for i in 0..<dx.count { worst = max(worst, abs(dx[i] - referenceDX[i])) }
        for i in 0..<dw.count { worst = max(worst, abs(dw[i] - referenceDW[i])) }
        #expect(worst < 1e-13, "worst gradient difference \(worst)")
        // The backward leaves the logits cleared, and the scratch blocks stay cleared.
        #expect((0..<kept.count).allSatisfy { kept[$0] == 0 })
        #expect((0..<workspace.scratch.count).allSatisfy { workspace.scratch[$0] == 0 })
    }
}

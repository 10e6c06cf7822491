/// Matrix products with a tile of C held in registers while the shared dimension runs, for the
/// output head's shapes: one side as narrow as the model (k or n about 128) and the other as
/// wide as the vocabulary, where OpenBLAS spends much of its time packing operands it then uses
/// only briefly. Here A is read where it lies, through strides (a matrix or its transpose), and
/// B either where it lies (row-major) or in panels packed once for many products
/// (`PackedPanels`: the tied embedding, once per forward pass or per decoder).
///
/// Each element of C is one chain of fused multiply-adds over k in order, then added to C when
/// accumulating: the same sums whatever the thread count or the way callers cut the work, and
/// the same bits as OpenBLAS's own kernels on the shapes the tests compare.
public enum TiledProduct {
    /// How the right operand B [k × n] lies in memory.
    public enum Right<T: Scalar> {
        /// Element (p, j) at `pointer[p · stride + j]`.
        case rowMajor(UnsafePointer<T>, stride: Int)
        /// Columns from `firstColumn` (a multiple of the panels' width) of packed panels.
        case panels(PackedPanels<T>, firstColumn: Int)
    }

    /// Rows of C per register tile (eight with 64-byte vectors).
    public static let tileRows = 4

    /// Vectors of 16 floats when the CPU has AVX-512 registers (32 of them: a 4 × 32 tile and
    /// its operands fit), of 8 otherwise (16 registers: a 4 × 16 tile).
    public static let wideVectors = BLASKernels.cpuFlags().contains("avx512f")

    /// Columns per tile (and per packed panel) for `T`.
    public static func tileColumns<T: Scalar>(_: T.Type) -> Int {
        2 * (wideVectors ? T.WideVector.scalarCount : T.NarrowVector.scalarCount)
    }

    /// C (+)= A · B, where A [m × k] has element (i, p) at `a[i · rowStride + p · depthStride]`
    /// and C [m × n] is row-major with stride `ldc`; `accumulate` adds to C, otherwise C is
    /// assigned.
    /// - Complexity: O(m × n × k), on the calling thread.
    @inlinable
    public static func multiply<T: Scalar>(m: Int, n: Int, k: Int, a: UnsafePointer<T>, rowStride: Int, depthStride: Int,
                                           b: Right<T>, c: UnsafeMutablePointer<T>, ldc: Int, accumulate: Bool) {
        T.tiledProduct(wide: wideVectors, m: m, n: n, k: k, a: a, rowStride: rowStride, depthStride: depthStride, b: b, c: c, ldc: ldc,
                       accumulate: accumulate)
    }

    /// `multiply` with `Wide` vectors when given, else with `Narrow` ones (called by each
    /// `Scalar` with its concrete vector types, so that the kernels are specialized).
    @inlinable
    public static func multiply<T: Scalar, Wide: SIMD, Narrow: SIMD>(_ wide: Wide.Type?, else narrow: Narrow.Type, m: Int, n: Int, k: Int,
                                                                      a: UnsafePointer<T>, rowStride: Int, depthStride: Int, b: Right<T>,
                                                                      c: UnsafeMutablePointer<T>, ldc: Int, accumulate: Bool)
    where Wide.Scalar == T, Narrow.Scalar == T {
        if wide != nil {
            multiply(Wide.self, m: m, n: n, k: k, a: a, rowStride: rowStride, depthStride: depthStride, b: b, c: c, ldc: ldc, accumulate: accumulate)
        } else {
            multiply(Narrow.self, m: m, n: n, k: k, a: a, rowStride: rowStride, depthStride: depthStride, b: b, c: c, ldc: ldc, accumulate: accumulate)
        }
    }

    /// `multiply` with B's columns cut into runs of whole panels spread over `Parallel.threads`
    /// (each element's sum is the same however the columns are cut), each run at least about
    /// 2²³ multiply-adds (waking another thread costs more than a smaller run) and at most 64 runs.
    /// - Complexity: O(m × n × k).
    @inlinable
    public static func multiplyAcrossCores<T: Scalar>(m: Int, n: Int, k: Int, a: UnsafePointer<T>, rowStride: Int, depthStride: Int,
                                                      b: Right<T>, c: UnsafeMutablePointer<T>, ldc: Int, accumulate: Bool) {
        let width = tileColumns(T.self)
        let panels = (n + width - 1) / width
        let grain = max(1, (1 << 23) / max(1, m * k * width), (panels + 63) / 64)
        Parallel.forEach(panels, grain: grain) { range in
            let first = range.lowerBound * width, columns = min(n, range.upperBound * width) - first
            let right: Right<T>
            switch b {
            case .rowMajor(let pointer, let stride): right = .rowMajor(pointer + first, stride: stride)
            case .panels(let packed, let firstColumn): right = .panels(packed, firstColumn: firstColumn + first)
            }
            multiply(m: m, n: columns, k: k, a: a, rowStride: rowStride, depthStride: depthStride, b: right, c: c + first, ldc: ldc,
                     accumulate: accumulate)
        }
    }

    /// Products with at most this many rows of C go through `multiplyAcrossCores` in `Linear`
    /// (decoding's beams): OpenBLAS would pack the whole weight for so few rows.
    public static let fewRows = 128

    /// Rows of C that pass one panel of B before the next panel (a few dozen pages of C, so
    /// its stores stay within the TLB); a product with no more than twice as many rows takes
    /// them all at once and so reads B once (decoding's few rows against the vocabulary).
    public static let rowsPerPass = 64

    /// `multiply` with tiles of 8 or 4 rows × 2 vectors of `V`: `rowsPerPass` rows at a time,
    /// panel by panel of B's columns (each panel stays in the first-level cache while those
    /// rows pass it).
    @inlinable
    static func multiply<T: Scalar, V: SIMD>(_: V.Type, m: Int, n: Int, k: Int, a: UnsafePointer<T>, rowStride: Int, depthStride: Int,
                                             b: Right<T>, c: UnsafeMutablePointer<T>, ldc: Int, accumulate: Bool) where V.Scalar == T {
        let width = 2 * V.scalarCount
        var padded: UnsafeMutablePointer<T>?
        defer { padded?.deallocate() }
        let pass = m <= 2 * rowsPerPass ? m : rowsPerPass
        for firstRow in stride(from: 0, to: m, by: max(pass, 1)) {
            let rows = min(pass, m - firstRow)
            for first in stride(from: 0, to: n, by: width) {
                let columns = min(width, n - first)
                var panel: UnsafePointer<T>, ldb: Int
                switch b {
                case .rowMajor(let pointer, let stride):
                    (panel, ldb) = (pointer + first, stride)
                    if columns < width {
                        // The last few columns, copied once beside zeros so that whole vectors can be loaded.
                        if padded == nil {
                            let copy = UnsafeMutablePointer<T>.allocate(capacity: k * width)
                            copy.initialize(repeating: 0, count: k * width)
                            for p in 0..<k { (copy + p * width).update(from: pointer + p * stride + first, count: columns) }
                            padded = copy
                        }
                        (panel, ldb) = (UnsafePointer(padded!), width)
                    }
                case .panels(let packed, let firstColumn):
                    precondition(packed.width == width && firstColumn % width == 0, "panels packed for other tiles")
                    (panel, ldb) = (packed.panel(startingAt: firstColumn + first), width)
                }
                passPanel(V.self, rows: rows, k: k, a: a + firstRow * rowStride, rowStride: rowStride, depthStride: depthStride, b: panel,
                          ldb: ldb, c: c + firstRow * ldc + first, ldc: ldc, columns: columns, accumulate: accumulate)
            }
        }
    }

    /// `rows` rows of C against one panel of B.
    @inlinable @inline(__always)
    static func passPanel<T: Scalar, V: SIMD>(_: V.Type, rows m: Int, k: Int, a: UnsafePointer<T>, rowStride: Int, depthStride: Int,
                                              b: UnsafePointer<T>, ldb: Int, c: UnsafeMutablePointer<T>, ldc: Int, columns: Int,
                                              accumulate: Bool) where V.Scalar == T {
        var i = 0
        // Eight rows where the registers allow (16 accumulators keep both FMA units busy
        // through their latency), four otherwise.
        while V.scalarCount * MemoryLayout<T>.stride == 64 && i + 8 <= m {
            eightRows(V.self, k: k, a: a + i * rowStride, rowStride: rowStride, depthStride: depthStride, b: b, ldb: ldb,
                      c: c + i * ldc, ldc: ldc, columns: columns, accumulate: accumulate)
            i += 8
        }
        while i + tileRows <= m {
            tile(V.self, k: k, a: a + i * rowStride, rowStride: rowStride, depthStride: depthStride, b: b, ldb: ldb,
                 c: c + i * ldc, ldc: ldc, columns: columns, accumulate: accumulate)
            i += tileRows
        }
        while i < m {
            row(V.self, k: k, a: a + i * rowStride, depthStride: depthStride, b: b, ldb: ldb, c: c + i * ldc,
                columns: columns, accumulate: accumulate)
            i += 1
        }
    }

    /// Eight rows of C by two vectors (with 64-byte vectors: 16 of the 32 registers).
    @inlinable @inline(__always)
    static func eightRows<T: Scalar, V: SIMD>(_: V.Type, k: Int, a: UnsafePointer<T>, rowStride: Int, depthStride: Int, b: UnsafePointer<T>,
                                              ldb: Int, c: UnsafeMutablePointer<T>, ldc: Int, columns: Int, accumulate: Bool) where V.Scalar == T {
        var c00 = V(), c01 = V(), c10 = V(), c11 = V(), c20 = V(), c21 = V(), c30 = V(), c31 = V()
        var c40 = V(), c41 = V(), c50 = V(), c51 = V(), c60 = V(), c61 = V(), c70 = V(), c71 = V()
        let (r1, r2, r3, r4, r5, r6, r7) = (rowStride, 2 * rowStride, 3 * rowStride, 4 * rowStride, 5 * rowStride, 6 * rowStride, 7 * rowStride)
        var row = a, right = UnsafeRawPointer(b)
        let step = ldb * MemoryLayout<T>.stride, half = V.scalarCount * MemoryLayout<T>.stride
        for _ in 0..<k {
            let b0 = right.loadUnaligned(as: V.self), b1 = right.loadUnaligned(fromByteOffset: half, as: V.self)
            var x = row[0]
            c00 = c00.addingProduct(x, b0)
            c01 = c01.addingProduct(x, b1)
            x = row[r1]
            c10 = c10.addingProduct(x, b0)
            c11 = c11.addingProduct(x, b1)
            x = row[r2]
            c20 = c20.addingProduct(x, b0)
            c21 = c21.addingProduct(x, b1)
            x = row[r3]
            c30 = c30.addingProduct(x, b0)
            c31 = c31.addingProduct(x, b1)
            x = row[r4]
            c40 = c40.addingProduct(x, b0)
            c41 = c41.addingProduct(x, b1)
            x = row[r5]
            c50 = c50.addingProduct(x, b0)
            c51 = c51.addingProduct(x, b1)
            x = row[r6]
            c60 = c60.addingProduct(x, b0)
            c61 = c61.addingProduct(x, b1)
            x = row[r7]
            c70 = c70.addingProduct(x, b0)
            c71 = c71.addingProduct(x, b1)
            row += depthStride
            right += step
        }
        store(c00, c01, to: c, columns: columns, accumulate: accumulate)
        store(c10, c11, to: c + ldc, columns: columns, accumulate: accumulate)
        store(c20, c21, to: c + 2 * ldc, columns: columns, accumulate: accumulate)
        store(c30, c31, to: c + 3 * ldc, columns: columns, accumulate: accumulate)
        store(c40, c41, to: c + 4 * ldc, columns: columns, accumulate: accumulate)
        store(c50, c51, to: c + 5 * ldc, columns: columns, accumulate: accumulate)
        store(c60, c61, to: c + 6 * ldc, columns: columns, accumulate: accumulate)
        store(c70, c71, to: c + 7 * ldc, columns: columns, accumulate: accumulate)
    }

    /// Four rows of C by two vectors.
    @inlinable @inline(__always)
    static func tile<T: Scalar, V: SIMD>(_: V.Type, k: Int, a: UnsafePointer<T>, rowStride: Int, depthStride: Int, b: UnsafePointer<T>,
                                         ldb: Int, c: UnsafeMutablePointer<T>, ldc: Int, columns: Int, accumulate: Bool) where V.Scalar == T {
        var c00 = V(), c01 = V(), c10 = V(), c11 = V(), c20 = V(), c21 = V(), c30 = V(), c31 = V()
        // Pointers that advance one step of k at a time: the loop does no index arithmetic of its own.
        let (r1, r2, r3) = (rowStride, 2 * rowStride, 3 * rowStride)
        var row = a, right = UnsafeRawPointer(b)
        let step = ldb * MemoryLayout<T>.stride, half = V.scalarCount * MemoryLayout<T>.stride
        for _ in 0..<k {
            let b0 = right.loadUnaligned(as: V.self), b1 = right.loadUnaligned(fromByteOffset: half, as: V.self)
            let x0 = row[0], x1 = row[r1], x2 = row[r2], x3 = row[r3]
            c00 = c00.addingProduct(x0, b0)
            c01 = c01.addingProduct(x0, b1)
            c10 = c10.addingProduct(x1, b0)
            c11 = c11.addingProduct(x1, b1)
            c20 = c20.addingProduct(x2, b0)
            c21 = c21.addingProduct(x2, b1)
            c30 = c30.addingProduct(x3, b0)
            c31 = c31.addingProduct(x3, b1)
            row += depthStride
            right += step
        }
        store(c00, c01, to: c, columns: columns, accumulate: accumulate)
        store(c10, c11, to: c + ldc, columns: columns, accumulate: accumulate)
        store(c20, c21, to: c + 2 * ldc, columns: columns, accumulate: accumulate)
        store(c30, c31, to: c + 3 * ldc, columns: columns, accumulate: accumulate)
    }

    /// One row of C by two vectors (the rows left over by the tiles).
    @inlinable @inline(__always)
    static func row<T: Scalar, V: SIMD>(_: V.Type, k: Int, a: UnsafePointer<T>, depthStride: Int, b: UnsafePointer<T>, ldb: Int,
                                        c: UnsafeMutablePointer<T>, columns: Int, accumulate: Bool) where V.Scalar == T {
        var c0 = V(), c1 = V()
        var row = a, right = UnsafeRawPointer(b)
        let step = ldb * MemoryLayout<T>.stride, half = V.scalarCount * MemoryLayout<T>.stride
        for _ in 0..<k {
            let x = row[0]
            c0 = c0.addingProduct(x, right.loadUnaligned(as: V.self))
            c1 = c1.addingProduct(x, right.loadUnaligned(fromByteOffset: half, as: V.self))
            row += depthStride
            right += step
        }
        store(c0, c1, to: c, columns: columns, accumulate: accumulate)
    }

    /// Writes (or adds) a row's two vectors, or their first `columns` lanes.
    @inlinable @inline(__always)
    static func store<T: Scalar, V: SIMD>(_ low: V, _ high: V, to c: UnsafeMutablePointer<T>, columns: Int, accumulate: Bool) where V.Scalar == T {
        let lanes = V.scalarCount
        guard columns == 2 * lanes else {
            for j in 0..<columns {
                let value = j < lanes ? low[j] : high[j - lanes]
                c[j] = accumulate ? c[j] + value : value
            }
            return
        }
        let raw = UnsafeMutableRawPointer(c), half = lanes * MemoryLayout<T>.stride
        if accumulate {
            raw.storeBytes(of: raw.loadUnaligned(as: V.self) + low, as: V.self)
            raw.storeBytes(of: raw.loadUnaligned(fromByteOffset: half, as: V.self) + high, toByteOffset: half, as: V.self)
        } else {
            raw.storeBytes(of: low, as: V.self)
            raw.storeBytes(of: high, toByteOffset: half, as: V.self)
        }
    }
}

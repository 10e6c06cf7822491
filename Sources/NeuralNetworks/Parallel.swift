import Dispatch
import Synchronization

/// Work split over the cores in chunks whose boundaries depend only on the size of the work,
/// never on the thread count, so that per-chunk partial sums (and so the results) are the
/// same however many threads run them.
public enum Parallel {
    private static let threadCount = Atomic<Int>(2)

    /// Threads the layers use besides BLAS's own (1 runs everything on the caller's thread).
    public static var threads: Int {
        get { threadCount.load(ordering: .relaxed) }
        set { threadCount.store(max(1, newValue), ordering: .relaxed) }
    }

    /// Calls `body` on consecutive ranges covering 0..<count, at most `chunks` of them.
    public static func forEachChunk(_ count: Int, chunks: Int, _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let pieces = max(1, min(chunks, count))
        let size = (count + pieces - 1) / pieces
        let used = (count + size - 1) / size
        if threads == 1 || used == 1 {
            for piece in 0..<used { body((piece * size)..<min(count, (piece + 1) * size)) }
            return
        }
        withoutActuallyEscaping(body) { body in
            nonisolated(unsafe) let work = body
            DispatchQueue.concurrentPerform(iterations: used) { piece in
                work((piece * size)..<min(count, (piece + 1) * size))
            }
        }
    }

    /// `forEachChunk` with the number of chunks chosen from `count` alone: about `grain` items each.
    public static func forEach(_ count: Int, grain: Int, _ body: (Range<Int>) -> Void) {
        forEachChunk(count, chunks: (count + grain - 1) / max(1, grain), body)
    }
}

import Dispatch
import Reporting
import Synchronization

/// Independent Monte-Carlo runs spread over threads, each with its own generator seeded from
/// (seed, run): results, gathered in run order, are the same at every thread count.
enum RunSeeds {
    /// The seed of run `run` of an experiment seeded `seed`.
    static func seed(_ seed: UInt64, run: Int) -> UInt64 {
        (seed &* 0x9E37_79B9_7F4A_7C15) ^ (UInt64(run) &* 0xD1B5_4A32_D192_ED03 &+ 0x2545_F491_4F6C_DD1D)
    }

    /// `body(run)` for every run in 0..<runs over `threads` threads, results in run order, each
    /// run counted on `progress`.
    static func map<Result: Sendable>(runs: Int, threads: Int, progress: ProgressReporter, _ body: @Sendable (Int) -> Result) -> [Result] {
        let size = max(1, (runs + threads * 8 - 1) / (threads * 8))
        let chunks = (runs + size - 1) / size
        guard chunks > 0 else { return [] }
        let slots = Mutex<[[Result]]>(Array(repeating: [], count: chunks))
        let work: @Sendable (Int) -> Void = { chunk in
            let results = (chunk * size..<min(runs, (chunk + 1) * size)).map { run in
                defer { progress.advance(by: 1) }
                return body(run)
            }
            slots.withLock { $0[chunk] = results }
        }
        if threads <= 1 {
            (0..<chunks).forEach(work)
        } else {
            DispatchQueue.concurrentPerform(iterations: chunks, execute: work)
        }
        return slots.withLock { $0.flatMap { $0 } }
    }

    /// `map` with a progress line of its own on stderr, named `stage`.
    static func simulate<Result: Sendable>(_ stage: String, runs: Int, threads: Int, _ body: @Sendable (Int) -> Result) -> [Result] {
        let progress = ProgressReporter(stage: stage, total: runs, unit: "runs")
        defer { progress.finish() }
        return map(runs: runs, threads: threads, progress: progress, body)
    }
}

#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Progress of a long stage on stderr: stage, done/total, rate and ETA.
///
/// On a terminal the line is redrawn in place a few times a second; otherwise (logs, CI) a line
/// is printed at most every `logInterval` seconds so that logs stay short. Safe to advance from
/// several threads.
public final class ProgressReporter: Sendable {
    private struct State {
        var done = 0
        var total: Int
        var detail = ""
        var lastPrint: Double = 0
        var finished = false
    }

    private let stage: String
    private let unit: String
    private let start: Double
    private let isTerminal: Bool
    private let state: Mutex<State>
    private let enabled: Bool

    /// Seconds between lines when stderr is not a terminal.
    public static let logInterval = 10.0

    /// True when `COLLAPSE_QUIET` is set: no progress, stage lines or progress meters on stderr.
    public static var isQuiet: Bool { getenv("COLLAPSE_QUIET") != nil }

    /// - Parameters:
    ///   - stage: what is being done, e.g. "import train".
    ///   - total: units expected; 0 if unknown.
    ///   - unit: the name of a unit, e.g. "tokens".
    public init(stage: String, total: Int, unit: String) {
        self.stage = stage
        state = Mutex(State(total: total))
        self.unit = unit
        start = monotonicSeconds()
        isTerminal = isatty(2) != 0
        enabled = !Self.isQuiet
    }

    /// Changes the units expected (when the work turns out longer or shorter than planned).
    public func expect(total: Int) {
        state.withLock { $0.total = total }
    }

    /// - Parameter detail: replaces the figure shown after the rate (e.g. "loss 5.31"), if given.
    public func advance(by count: Int, detail: String? = nil) {
        let line: String? = state.withLock { state in
            state.done += count
            if let detail { state.detail = detail }
            let now = monotonicSeconds()
            let interval = isTerminal ? 0.25 : Self.logInterval
            guard enabled, !state.finished, now - state.lastPrint >= interval, now - start >= 1 else { return nil }
            state.lastPrint = now
            return render(done: state.done, total: state.total, elapsed: now - start, detail: state.detail)
        }
        if let line { emit(line, final: false) }
    }

    /// Prints the final line (when the stage took long enough to have shown progress).
    public func finish() {
        let line: String? = state.withLock { state in
            guard !state.finished else { return nil }
            state.finished = true
            let elapsed = monotonicSeconds() - start
            guard enabled, elapsed >= 1 || state.lastPrint > 0 else { return nil }
            return render(done: state.done, total: state.total, elapsed: elapsed, detail: state.detail) + " done"
        }
        if let line { emit(line, final: true) }
    }

    private func render(done: Int, total: Int, elapsed: Double, detail: String) -> String {
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        var line = "[\(stage)] \(Format.compact(Double(done)))"
        if total > 0 { line += "/\(Format.compact(Double(total)))" }
        line += " \(unit), \(Format.compact(rate)) \(unit)/s"
        if !detail.isEmpty { line += ", \(detail)" }
        if total > 0, rate > 0, done < total {
            line += ", ETA \(Format.duration(Double(total - done) / rate))"
        } else {
            line += ", \(Format.duration(elapsed))"
        }
        return line
    }

    private func emit(_ line: String, final: Bool) {
        let text = isTerminal ? "\r\u{1B}[K" + line + (final ? "\n" : "") : line + "\n"
        writeToStandardError(text)
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// One line per stage of a multi-stage job on stderr, with the elapsed time, for work too short
/// to need a progress bar but long enough that a person wants to see it move.
public struct StageLog: Sendable {
    private let label: String
    private let start = monotonicSeconds()
    private let enabled: Bool

    public init(_ label: String) {
        self.label = label
        enabled = !ProgressReporter.isQuiet
    }

    public func note(_ message: String) {
        guard enabled else { return }
        writeToStandardError("[\(label) \(Format.fixed(monotonicSeconds() - start, digits: 2))s] \(message)\n")
    }
}

import Dispatch
import Foundation
import Synchronization

/// Catches SIGINT and SIGTERM while it lives, so that a driver stopped with Ctrl-C (or by its
/// own scheduler) can cancel what it submitted before it exits, instead of dying at once.
final class InterruptWatch {
    private final class Caught: Sendable {
        let signal = Mutex<Int32?>(nil)
    }

    private let caught = Caught()
    private let sources: [any DispatchSourceSignal]

    init() {
        let caught = caught
        sources = [SIGINT, SIGTERM].map { signalNumber in
            Foundation.signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { caught.signal.withLock { $0 = $0 ?? signalNumber } }
            source.resume()
            return source
        }
    }

    /// The first signal caught, if any.
    var signal: Int32? { caught.signal.withLock { $0 } }

    /// Restores the default handling (a second Ctrl-C then stops the process at once).
    func end() {
        for source in sources { source.cancel() }
        for signalNumber in [SIGINT, SIGTERM] { Foundation.signal(signalNumber, SIG_DFL) }
    }
}

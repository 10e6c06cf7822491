#if canImport(Glibc)
import Glibc
#endif

/// An advisory lock (`flock`) on a lock file, held until the value is released or the process
/// ends (the kernel drops it even after kill -9, so a crashed holder never blocks anyone).
///
/// Writers take it exclusively and readers shared; a second writer is refused at once with
/// the holder's process id, which the holder writes into the file.
public final class FileLock: @unchecked Sendable {
    public let path: String
    private var descriptor: Int32

    /// Takes the lock or throws naming the holder.
    /// - Parameters:
    ///   - subject: what the lock protects, for the message (a corpus or run directory).
    ///   - purpose: what this process does with it, written for others to read ("run tiny").
    public init(path: String, exclusive: Bool, subject: String, purpose: String) throws {
        self.path = path
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CollapseError("cannot create lock file: \(systemMessage())", path: path) }
        while flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) != 0 {
            if errno == EINTR { continue }
            let holder = Self.holder(fd)
            close(fd)
            throw CollapseError("in use by \(holder.map { "process \($0)" } ?? "another process"); wait for it to finish or stop it, then retry", path: subject)
        }
        descriptor = fd
        let note = "\(getpid()) \(purpose)\n"
        _ = ftruncate(fd, 0)
        _ = note.withCString { pwrite(fd, $0, strlen($0), 0) }
    }

    deinit { release() }

    /// Drops the lock now.
    public func release() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
    }

    /// "1234 (run tiny)" from the lock file, when the holder wrote it.
    private static func holder(_ fd: Int32) -> String? {
        var buffer = [UInt8](repeating: 0, count: 256)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        let line = String(decoding: buffer[..<count], as: UTF8.self).split(separator: "\n").first ?? ""
        guard let space = line.firstIndex(of: " ") else { return line.isEmpty ? nil : String(line) }
        return "\(line[..<space]) (\(line[line.index(after: space)...]))"
    }
}

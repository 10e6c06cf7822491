#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A readable source of bytes: a file, or a decompressing stream over one.
public protocol ByteSource {
    /// Fills the start of `buffer`; returns the number of bytes read, 0 at the end.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
    /// The path errors are attributed to.
    var path: String { get }
}

extension ByteSource {
    /// Reads until `buffer` is full or the source ends; returns the number of bytes read.
    public mutating func readFully(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var filled = 0
        while filled < buffer.count {
            let count = try read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
            if count == 0 { break }
            filled += count
        }
        return filled
    }
}
/// A file opened for reading. Unbuffered: callers read in large chunks.
public final class InputFile: ByteSource {
    public let path: String
    private let descriptor: Int32
    /// Size in bytes at the time the file was opened.
    public let size: Int

    public init(path: String) throws {
        self.path = path
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw CollapseError(errno == ENOENT ? "no such file or directory" : systemMessage(), path: path)
        }
        guard (info.st_mode & S_IFMT) != S_IFDIR else {
            throw CollapseError("is a directory, expected a file", path: path)
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CollapseError(systemMessage(), path: path) }
        descriptor = fd
        size = Int(info.st_size)
    }

    deinit { close(descriptor) }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return 0 }
        while true {
            let count = Glibc.read(descriptor, base, buffer.count)
            if count >= 0 { return count }
            if errno != EINTR { throw CollapseError("read failed: \(systemMessage())", path: path) }
        }
    }

    /// The whole rest of the file.
    public func readAll() throws -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: max(size, 1 << 16))
        while true {
            let count = try chunk.withUnsafeMutableBytes { try read(into: $0) }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[..<count])
        }
    }

    /// The whole file as a string, checked to be UTF-8.
    public static func readText(path: String) throws -> String {
        let bytes = try InputFile(path: path).readAll()
        if let offset = UTF8Validation.firstInvalidOffset(in: bytes) {
            throw CollapseError("not valid UTF-8 at byte offset \(offset)", path: path)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// A file being written: bytes go to a temporary sibling, and only `commit()` renames it into
/// place, so a reader never sees a half-written file and a failed write leaves the old one intact.
public final class OutputFile {
    /// The final path.
    public let path: String
    /// The temporary path written until `commit()`.
    public let temporaryPath: String
    private var descriptor: Int32
    private var buffer: [UInt8] = []
    private var committed = false
    private static let bufferCapacity = 1 << 18

    public init(path: String) throws {
        self.path = path
        temporaryPath = "\(path).tmp-\(getpid())-\(OutputFile.nextSerial())"
        let fd = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CollapseError("cannot create: \(systemMessage())", path: path) }
        descriptor = fd
        buffer.reserveCapacity(Self.bufferCapacity)
    }

    deinit {
        if !committed {
            if descriptor >= 0 { close(descriptor) }
            unlink(temporaryPath)
        }
    }

    /// Bytes written so far.
    public private(set) var count = 0

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        count += bytes.count
        if buffer.count + bytes.count > Self.bufferCapacity {
            try flush()
            if bytes.count >= Self.bufferCapacity {
                try writeAll(bytes)
                return
            }
        }
        buffer.append(contentsOf: bytes)
    }

    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    public func write(_ text: String) throws {
        var text = text
        try text.withUTF8 { try write(UnsafeRawBufferPointer($0)) }
    }

    /// Overwrites bytes already written at `offset` (e.g. a header whose fields are known only
    /// at the end).
    public func overwrite(_ bytes: [UInt8], at offset: Int) throws {
        try flush()
        let written = bytes.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, off_t(offset)) }
        guard written == bytes.count else { throw CollapseError("write failed: \(systemMessage())", path: path) }
    }

    /// Flushes, syncs and renames the file into place.
    public func commit() throws {
        try flush()
        guard fsync(descriptor) == 0 else { throw CollapseError("sync failed: \(systemMessage())", path: path) }
        close(descriptor)
        descriptor = -1
        guard rename(temporaryPath, path) == 0 else {
            throw CollapseError("cannot rename into place: \(systemMessage())", path: path)
        }
        committed = true
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try writeAll($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw CollapseError("write failed: \(systemMessage())", path: path)
            }
            offset += written
        }
    }

    private static func nextSerial() -> Int {
        serialLock.lock()
        defer { serialLock.unlock() }
        serial += 1
        return serial
    }
}

nonisolated(unsafe) private var serial = 0
private let serialLock = SimpleLock()

/// The smallest lock that does the job here, so this module needs no Foundation.
final class SimpleLock: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    init() { pthread_mutex_init(&mutex, nil) }
    deinit { pthread_mutex_destroy(&mutex) }
    func lock() { pthread_mutex_lock(&mutex) }
    func unlock() { pthread_mutex_unlock(&mutex) }
}

func systemMessage() -> String {
    String(cString: strerror(errno))
}

/// Small file-system helpers with one-line errors.
public enum FileSystem {
    public static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    public static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Creates `path` and its missing parents.
    public static func createDirectory(_ path: String) throws {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            if !isDirectory(prefix), mkdir(prefix, 0o755) != 0, errno != EEXIST {
                throw CollapseError("cannot create directory: \(systemMessage())", path: prefix)
            }
            prefix += "/"
        }
    }

    /// Entries of a directory, sorted, without `.` and `..`.
    public static func contents(of path: String) throws -> [String] {
        guard let directory = opendir(path) else {
            throw CollapseError(errno == ENOENT ? "no such directory" : systemMessage(), path: path)
        }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// Removes a file or a directory tree; a missing path is not an error.
    public static func remove(_ path: String) throws {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            for name in try contents(of: path) { try remove("\(path)/\(name)") }
            guard rmdir(path) == 0 else { throw CollapseError("cannot remove: \(systemMessage())", path: path) }
        } else {
            guard unlink(path) == 0 else { throw CollapseError("cannot remove: \(systemMessage())", path: path) }
        }
    }

    /// Renames, replacing a file (not a non-empty directory) at the destination.
    public static func move(_ source: String, to destination: String) throws {
        guard rename(source, destination) == 0 else {
            throw CollapseError("cannot move to \(destination): \(systemMessage())", path: source)
        }
    }

    /// Writes a small text file atomically.
    public static func writeText(_ text: String, to path: String) throws {
        let file = try OutputFile(path: path)
        try file.write(text)
        try file.commit()
    }

    /// Writes several files as one: `body` writes each under a temporary name beside its
    /// destination (same suffix, so a writer that goes by the extension still sees it), and only
    /// when all succeeded are they renamed into place. On any failure nothing earlier is replaced.
    public static func writeTogether(_ paths: [String], _ body: ([String]) throws -> Void) throws {
        for path in paths { try checkWritable(path) }
        let temporary = paths.map { "\(parent(of: $0))/.tmp-\(getpid())-\(lastComponent(of: $0))" }
        defer { for path in temporary { try? remove(path) } }
        try body(temporary)
        for (from, to) in zip(temporary, paths) { try move(from, to: to) }
    }

    /// Refuses, before any work, a destination whose directory is missing or not writable.
    public static func checkWritable(_ path: String) throws {
        let directory = parent(of: path)
        guard isDirectory(directory) else { throw CollapseError("cannot write: no such directory \(directory)", path: path) }
        guard !isDirectory(path) else { throw CollapseError("cannot write: is a directory", path: path) }
        guard access(directory, W_OK) == 0 else { throw CollapseError("cannot write: \(systemMessage()) (\(directory))", path: path) }
    }

    /// The directory that holds `path` ("." for a bare name).
    public static func parent(of path: String) -> String {
        let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        guard let slash = trimmed.lastIndex(of: "/") else { return "." }
        return slash == trimmed.startIndex ? "/" : String(trimmed[..<slash])
    }

    /// - Throws: unless `name` can be a directory of its own beside others: not empty, no `/`,
    ///   not hidden (a leading `.`), no control characters (a tab, a line break or an escape
    ///   would garble every listing, table and one-line error that shows it), at most 255 bytes.
    public static func checkPlainName(_ name: String, what: String, path: String? = nil) throws {
        let shown = name.unicodeScalars.map { $0.properties.generalCategory == .control ? "\\u{\(String($0.value, radix: 16))}" : String($0) }.joined()
        guard !name.isEmpty, !name.contains("/"), !name.hasPrefix("."), name.utf8.count <= 255,
              !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw CollapseError("\(what) '\(shown)' must be a plain directory name (no '/', no leading '.', no control characters)", path: path)
        }
    }

    /// The last path component.
    public static func lastComponent(of path: String) -> String {
        String(path.split(separator: "/").last ?? Substring(path))
    }
}

/// Bytes already in memory, read like a file (tests, benchmarks, downloaded data).
public struct MemorySource: ByteSource {
    public let path: String
    private let bytes: [UInt8]
    private var position = 0

    public init(_ bytes: [UInt8], path: String = "<memory>") {
        self.bytes = bytes
        self.path = path
    }

    public init(_ text: String, path: String = "<memory>") {
        self.init(Array(text.utf8), path: path)
    }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = min(buffer.count, bytes.count - position)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { source in
            buffer.baseAddress!.copyMemory(from: source.baseAddress! + position, byteCount: count)
        }
        position += count
        return count
    }
}

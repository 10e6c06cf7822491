#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A whole file mapped read-only into memory: its pages come from the page cache when first
/// touched, so opening costs no reading, and processes that map the same file share one copy.
/// The mapping lives as long as this object.
public final class MappedFile: @unchecked Sendable {
    public let path: String
    /// The file's bytes (never written: the pages are mapped read-only).
    public let bytes: UnsafeRawBufferPointer

    /// - Throws: when the file is missing, a directory, empty or cannot be mapped.
    public init(path: String) throws {
        let input = try InputFile(path: path)
        guard input.size > 0 else { throw CollapseError("truncated: the file is empty", path: path) }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CollapseError(systemMessage(), path: path) }
        // The mapping outlives the descriptor.
        defer { close(fd) }
        guard let base = mmap(nil, input.size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
            throw CollapseError("cannot map: \(systemMessage())", path: path)
        }
        self.path = path
        bytes = UnsafeRawBufferPointer(start: base, count: input.size)
    }

    deinit {
        munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count)
    }
}

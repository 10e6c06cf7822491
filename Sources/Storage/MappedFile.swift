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

    /// Drops the whole pages of `range` (a part of `bytes`) from this process's resident memory;
    /// they stay in the page cache and come back on the next touch.
    func release(_ range: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, let start = range.baseAddress else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let first = (start - base + page - 1) / page * page, end = (start - base + range.count) / page * page
        guard end > first else { return }
        madvise(UnsafeMutableRawPointer(mutating: base + first), end - first, Int32(MADV_DONTNEED))
    }
}

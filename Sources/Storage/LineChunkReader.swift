#if canImport(Glibc)
import Glibc
#endif

/// Reads a byte source in large chunks that end on a line break, so that callers can tokenize
/// whole lines without copying and can still report absolute byte offsets.
public struct LineChunkReader {
    private var source: any ByteSource
    private let chunkSize: Int

    public init(source: any ByteSource, chunkSize: Int = 1 << 22) {
        self.source = source
        self.chunkSize = max(chunkSize, 16)
    }

    public var path: String { source.path }

    /// Calls `body` with each chunk of complete lines and the chunk's offset in the source.
    /// The last chunk may lack a final line break. Memory: O(chunk size + longest line).
    public mutating func forEachChunk(_ body: (UnsafeRawBufferPointer, Int) throws -> Void) throws {
        var buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { buffer.deallocate() }
        var carried = 0
        var offset = 0
        while true {
            if carried == buffer.count {
                // A line longer than the buffer: grow it.
                let larger = UnsafeMutableRawBufferPointer.allocate(byteCount: buffer.count * 2, alignment: 16)
                larger.copyMemory(from: UnsafeRawBufferPointer(buffer))
                buffer.deallocate()
                buffer = larger
            }
            let free = UnsafeMutableRawBufferPointer(rebasing: buffer[carried...])
            let count = try source.read(into: free)
            let filled = carried + count
            if count == 0 {
                if filled > 0 { try body(UnsafeRawBufferPointer(rebasing: buffer[..<filled]), offset) }
                return
            }
            guard let lastBreak = lastLineBreak(in: UnsafeRawBufferPointer(rebasing: buffer[..<filled])) else {
                carried = filled
                continue
            }
            let cut = lastBreak + 1
            try body(UnsafeRawBufferPointer(rebasing: buffer[..<cut]), offset)
            offset += cut
            carried = filled - cut
            if carried > 0 {
                memmove(buffer.baseAddress!, buffer.baseAddress! + cut, carried)
            }
        }
    }
}

/// Offset of the last `\n` (memrchr is a GNU extension Swift does not import).
private func lastLineBreak(in bytes: UnsafeRawBufferPointer) -> Int? {
    var i = bytes.count - 1
    while i >= 0 {
        if bytes[i] == 0x0A { return i }
        i -= 1
    }
    return nil
}

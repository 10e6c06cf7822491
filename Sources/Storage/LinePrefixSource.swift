/// The first `lines` lines of a source (each with its line break), for working on a prefix
/// of a corpus: a quick subset, and the test lines of a corpus imported from such a subset.
public struct LinePrefixSource: ByteSource {
    private var source: any ByteSource
    private var remaining: Int

    public init(_ source: any ByteSource, lines: Int) {
        self.source = source
        remaining = lines
    }

    public var path: String { source.path }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard remaining > 0 else { return 0 }
        let count = try source.read(into: buffer)
        for offset in 0..<count where buffer[offset] == 0x0A {
            remaining -= 1
            if remaining == 0 { return offset + 1 }
        }
        return count
    }

    /// Lines in a source: its line breaks, plus one for a last line without a break.
    /// - Complexity: O(bytes), read in 1 MiB chunks.
    public static func lineCount(of source: inout some ByteSource) throws -> Int {
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var lines = 0, last: UInt8 = 0x0A
        while true {
            let count = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
            if count == 0 { return lines + (last == 0x0A ? 0 : 1) }
            for index in 0..<count where buffer[index] == 0x0A { lines += 1 }
            last = buffer[count - 1]
        }
    }
}

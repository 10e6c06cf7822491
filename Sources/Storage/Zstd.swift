import CZstd

/// Streaming zstd compression into an `OutputFile`.
///
/// Frames carry zstd's own content checksum, so a damaged stream is caught while reading even
/// before a format's own checksum is compared.
public final class ZstdOutputStream {
    private let file: OutputFile
    private let context: OpaquePointer
    private var output: [UInt8]
    /// Uncompressed bytes accepted so far.
    public private(set) var inputCount = 0
    /// XXH64 of the compressed bytes written so far: damage zstd itself would not notice (a
    /// flipped reserved bit) still changes it.
    public private(set) var compressedChecksum = XXHash64()

    public init(file: OutputFile, level: Int32 = 3) throws {
        guard let context = ZSTD_createCCtx() else { throw CollapseError("zstd: out of memory", path: file.path) }
        self.file = file
        self.context = context
        output = [UInt8](repeating: 0, count: ZSTD_CStreamOutSize())
        try check(ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level))
        try check(ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1))
    }

    deinit { ZSTD_freeCCtx(context) }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        inputCount += bytes.count
        var input = ZSTD_inBuffer(src: bytes.baseAddress, size: bytes.count, pos: 0)
        while input.pos < input.size {
            try drive(&input, ZSTD_e_continue)
        }
    }

    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    public func write(_ text: String) throws {
        var text = text
        try text.withUTF8 { try write(UnsafeRawBufferPointer($0)) }
    }

    /// Ends the frame. The file still needs `commit()`.
    public func finish() throws {
        var input = ZSTD_inBuffer(src: nil, size: 0, pos: 0)
        while try drive(&input, ZSTD_e_end) != 0 {}
    }

    @discardableResult
    private func drive(_ input: inout ZSTD_inBuffer, _ mode: ZSTD_EndDirective) throws -> Int {
        try output.withUnsafeMutableBytes { buffer in
            var out = ZSTD_outBuffer(dst: buffer.baseAddress, size: buffer.count, pos: 0)
            let remaining = ZSTD_compressStream2(context, &out, &input, mode)
            try check(remaining)
            let written = UnsafeRawBufferPointer(rebasing: buffer[..<out.pos])
            compressedChecksum.update(written)
            try file.write(written)
            return remaining
        }
    }

    private func check(_ code: Int) throws {
        if ZSTD_isError(code) != 0 {
            throw CollapseError("zstd: \(String(cString: ZSTD_getErrorName(code)))", path: file.path)
        }
    }
}

/// Streaming zstd decompression from any byte source (usually an `InputFile` positioned at the
/// start of the compressed data). Reports truncation and corruption as errors naming the file.
public final class ZstdInputStream: ByteSource {
    private var source: any ByteSource
    private let context: OpaquePointer
    private var input: [UInt8]
    private var inputStart = 0
    private var inputEnd = 0
    private var sourceEnded = false
    // zstd's hint: 0 once a frame is complete, so end of input then is a clean end.
    private var frameRemaining = 0
    private var sawInput = false

    public var path: String { source.path }

    public init(source: any ByteSource) throws {
        guard let context = ZSTD_createDCtx() else { throw CollapseError("zstd: out of memory", path: source.path) }
        self.source = source
        self.context = context
        input = [UInt8](repeating: 0, count: ZSTD_DStreamInSize())
    }

    deinit { ZSTD_freeDCtx(context) }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard !buffer.isEmpty else { return 0 }
        while true {
            if inputStart == inputEnd && !sourceEnded {
                inputEnd = try input.withUnsafeMutableBytes { try source.read(into: $0) }
                inputStart = 0
                if inputEnd == 0 { sourceEnded = true } else { sawInput = true }
            }
            // Called even with no input left: zstd may still hold output to flush.
            let produced: Int = try input.withUnsafeBytes { raw in
                var inBuffer = ZSTD_inBuffer(src: raw.baseAddress, size: inputEnd, pos: inputStart)
                var outBuffer = ZSTD_outBuffer(dst: buffer.baseAddress, size: buffer.count, pos: 0)
                let hint = ZSTD_decompressStream(context, &outBuffer, &inBuffer)
                if ZSTD_isError(hint) != 0 {
                    throw CollapseError("compressed data is corrupt (zstd: \(String(cString: ZSTD_getErrorName(hint))))", path: path)
                }
                // A call that moved nothing reports what the *next* frame needs: not a truncation.
                if inBuffer.pos > inputStart || outBuffer.pos > 0 { frameRemaining = hint }
                inputStart = inBuffer.pos
                return outBuffer.pos
            }
            if produced > 0 { return produced }
            if inputStart == inputEnd && sourceEnded {
                if frameRemaining != 0 || !sawInput {
                    throw CollapseError(sawInput ? "compressed data is truncated" : "compressed data is empty", path: path)
                }
                return 0
            }
        }
    }
}

/// A byte source that hashes everything read through it.
public final class HashingSource: ByteSource {
    private var source: any ByteSource
    public private(set) var checksum = XXHash64()

    public init(_ source: any ByteSource) {
        self.source = source
    }

    public var path: String { source.path }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = try source.read(into: buffer)
        checksum.update(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
        return count
    }
}

/// One-shot helpers.
public enum Zstd {
    /// zstd's library version, e.g. "1.5.4".
    public static var version: String { String(cString: ZSTD_versionString()) }

    /// Compresses a buffer in memory (for measurements and small artifacts).
    public static func compress(_ bytes: UnsafeRawBufferPointer, level: Int32 = 3) -> [UInt8] {
        let bound = ZSTD_compressBound(bytes.count)
        var output = [UInt8](repeating: 0, count: bound)
        let size = output.withUnsafeMutableBytes {
            ZSTD_compress($0.baseAddress, bound, bytes.baseAddress, bytes.count, level)
        }
        precondition(ZSTD_isError(size) == 0, "zstd compression into a bound-sized buffer cannot fail")
        output.removeSubrange(size...)
        return output
    }

    /// Opens a file for reading, decompressing when its name ends in `.zst`.
    public static func openReading(path: String) throws -> any ByteSource {
        let file = try InputFile(path: path)
        return path.hasSuffix(".zst") ? try ZstdInputStream(source: file) : file
    }

    /// The whole content of a file (decompressed when its name ends in `.zst`), passed to
    /// `body` in chunks of up to 1 MiB.
    public static func forEachChunk(path: String, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        var source = try openReading(path: path)
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
            if count == 0 { return }
            try buffer.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
        }
    }

    /// The whole content of a file (decompressed when its name ends in `.zst`).
    public static func readAll(path: String) throws -> [UInt8] {
        var bytes: [UInt8] = []
        try forEachChunk(path: path) { bytes.append(contentsOf: $0) }
        return bytes
    }

    /// Bytes of a file's content (decompressed when its name ends in `.zst`).
    public static func contentSize(path: String) throws -> Int {
        var total = 0
        try forEachChunk(path: path) { total += $0.count }
        return total
    }
}

import CPrefetch

/// XXH64 (Yann Collet's xxHash, 64-bit variant), streaming.
///
/// Checksums for stored artifacts and vocabulary identity. Chosen over a cryptographic hash
/// because it runs at memory speed and only has to catch damage, not tampering. Values match the
/// reference implementation (see the tests' vectors).
public struct XXHash64: Sendable {
    private static let prime1: UInt64 = 0x9E37_79B1_85EB_CA87
    private static let prime2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    private static let prime3: UInt64 = 0x1656_67B1_9E37_79F9
    private static let prime4: UInt64 = 0x85EB_CA77_C2B2_AE63
    private static let prime5: UInt64 = 0x27D4_EB2F_1656_67C5

    private let seed: UInt64
    private var v1, v2, v3, v4: UInt64
    private var totalLength: UInt64 = 0
    // Bytes not yet forming a full 32-byte stripe.
    private var pending: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    private var pendingCount = 0

    public init(seed: UInt64 = 0) {
        self.seed = seed
        v1 = seed &+ Self.prime1 &+ Self.prime2
        v2 = seed &+ Self.prime2
        v3 = seed
        v4 = seed &- Self.prime1
    }

    /// The hash of `bytes` in one call.
    public static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
        var hasher = XXHash64(seed: seed)
        hasher.update(bytes)
        return hasher.finalize()
    }

    public static func hash(_ bytes: [UInt8], seed: UInt64 = 0) -> UInt64 {
        bytes.withUnsafeBytes { hash($0, seed: seed) }
    }

    public static func hash(_ text: String, seed: UInt64 = 0) -> UInt64 {
        var text = text
        return text.withUTF8 { hash(UnsafeRawBufferPointer($0), seed: seed) }
    }

    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Adds bytes. O(n).
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        totalLength &+= UInt64(bytes.count)
        var offset = 0
        if pendingCount > 0 {
            let take = min(32 - pendingCount, bytes.count)
            withUnsafeMutableBytes(of: &pending) { buffer in
                buffer.baseAddress!.advanced(by: pendingCount).copyMemory(from: base, byteCount: take)
            }
            pendingCount += take
            offset = take
            guard pendingCount == 32 else { return }
            withUnsafeBytes(of: pending) { consumeStripe($0.baseAddress!) }
            pendingCount = 0
        }
        // The lanes in locals: through `self` every stripe would store and reload them. Loading
        // 2 KiB ahead keeps a long input (a model file's chunks) streaming from memory: without
        // it a checksum ran at half the multiplies' pace, waiting on memory.
        var (a, b, c, d) = (v1, v2, v3, v4)
        while bytes.count - offset >= 32 {
            let p = base + offset
            prefetchForReading(p + 2048)
            a = Self.round(a, p.loadUnaligned(as: UInt64.self).littleEndian)
            b = Self.round(b, p.loadUnaligned(fromByteOffset: 8, as: UInt64.self).littleEndian)
            c = Self.round(c, p.loadUnaligned(fromByteOffset: 16, as: UInt64.self).littleEndian)
            d = Self.round(d, p.loadUnaligned(fromByteOffset: 24, as: UInt64.self).littleEndian)
            offset += 32
        }
        (v1, v2, v3, v4) = (a, b, c, d)
        let rest = bytes.count - offset
        if rest > 0 {
            withUnsafeMutableBytes(of: &pending) { buffer in
                buffer.baseAddress!.copyMemory(from: base + offset, byteCount: rest)
            }
            pendingCount = rest
        }
    }

    public func finalize() -> UInt64 {
        var h: UInt64
        if totalLength >= 32 {
            h = rotl(v1, 1) &+ rotl(v2, 7) &+ rotl(v3, 12) &+ rotl(v4, 18)
            h = Self.merge(h, v1)
            h = Self.merge(h, v2)
            h = Self.merge(h, v3)
            h = Self.merge(h, v4)
        } else {
            h = seed &+ Self.prime5
        }
        h &+= totalLength
        withUnsafeBytes(of: pending) { buffer in
            var p = 0
            let count = pendingCount
            while p + 8 <= count {
                h ^= Self.round(0, buffer.loadUnaligned(fromByteOffset: p, as: UInt64.self).littleEndian)
                h = rotl(h, 27) &* Self.prime1 &+ Self.prime4
                p += 8
            }
            if p + 4 <= count {
                h ^= UInt64(buffer.loadUnaligned(fromByteOffset: p, as: UInt32.self).littleEndian) &* Self.prime1
                h = rotl(h, 23) &* Self.prime2 &+ Self.prime3
                p += 4
            }
            while p < count {
                h ^= UInt64(buffer[p]) &* Self.prime5
                h = rotl(h, 11) &* Self.prime1
                p += 1
            }
        }
        h ^= h >> 33
        h &*= Self.prime2
        h ^= h >> 29
        h &*= Self.prime3
        h ^= h >> 32
        return h
    }

    @inline(__always)
    private mutating func consumeStripe(_ p: UnsafeRawPointer) {
        v1 = Self.round(v1, p.loadUnaligned(as: UInt64.self).littleEndian)
        v2 = Self.round(v2, p.loadUnaligned(fromByteOffset: 8, as: UInt64.self).littleEndian)
        v3 = Self.round(v3, p.loadUnaligned(fromByteOffset: 16, as: UInt64.self).littleEndian)
        v4 = Self.round(v4, p.loadUnaligned(fromByteOffset: 24, as: UInt64.self).littleEndian)
    }

    @inline(__always)
    private static func round(_ acc: UInt64, _ input: UInt64) -> UInt64 {
        rotl(acc &+ input &* prime2, 31) &* prime1
    }

    @inline(__always)
    private static func merge(_ acc: UInt64, _ value: UInt64) -> UInt64 {
        (acc ^ round(0, value)) &* prime1 &+ prime4
    }
}

@inline(__always)
private func rotl(_ x: UInt64, _ r: UInt64) -> UInt64 { (x << r) | (x >> (64 - r)) }

extension UInt64 {
    /// Sixteen lower-case hex digits, the form checksums take in files and messages.
    public var hexDigits: String {
        let digits = String(self, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// Parses exactly sixteen hex digits.
    public init?(hexDigits text: Substring) {
        guard text.count == 16, let value = UInt64(text, radix: 16) else { return nil }
        self = value
    }
}

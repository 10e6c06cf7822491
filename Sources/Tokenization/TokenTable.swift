import CPrefetch

/// A hash table from token bytes to dense indices 0..<count, without a `String` per token.
///
/// Keys live back to back in one byte arena, so lookups of tokens found in a text buffer cost
/// a hash and (usually) one comparison. Open addressing with linear probing, load ≤ 1/2.
/// Lookup and insertion are O(length of the key) expected.
public struct TokenTable: Sendable {
    private var arena: [UInt8] = []
    private var offsets: [Int32] = [0]
    private var hashes: [UInt64] = []
    private var slots: [Int32]
    private var mask: Int
    /// Keys from here on were appended (`append`) and are not in `slots` yet.
    private var placed = 0

    /// - Parameter keyBytes: the keys' bytes in all, when known, so the arena never grows.
    public init(minimumCapacity: Int = 1024, keyBytes: Int = 0) {
        var capacity = 16
        while capacity < minimumCapacity * 2 { capacity *= 2 }
        slots = [Int32](repeating: -1, count: capacity)
        mask = capacity - 1
        arena.reserveCapacity(keyBytes)
        offsets.reserveCapacity(minimumCapacity + 1)
        hashes.reserveCapacity(minimumCapacity)
    }

    /// Number of distinct keys.
    public var count: Int { hashes.count }

    /// The bytes of key `index`.
    public func key(_ index: Int) -> ArraySlice<UInt8> {
        arena[Int(offsets[index])..<Int(offsets[index + 1])]
    }

    /// The key as a string (keys are valid UTF-8 whenever the inserted bytes were).
    public func string(_ index: Int) -> String {
        String(decoding: key(index), as: UTF8.self)
    }

    /// The index of `bytes`, or nil.
    @inline(__always)
    public func index(of bytes: UnsafeRawBufferPointer) -> Int? {
        let hash = Self.hash(bytes)
        return slots.withUnsafeBufferPointer { slots in
            var slot = Int(truncatingIfNeeded: hash) & mask
            while true {
                let entry = Int(slots[slot])
                if entry < 0 { return nil }
                if hashes[entry] == hash && equals(entry, bytes) { return entry }
                slot = (slot + 1) & mask
            }
        }
    }

    public func index(of text: String) -> Int? {
        var text = text
        return text.withUTF8 { index(of: UnsafeRawBufferPointer($0)) }
    }

    /// The index of `bytes`, inserting it with the next index if it is new.
    @discardableResult
    public mutating func insert(_ bytes: UnsafeRawBufferPointer) -> (index: Int, inserted: Bool) {
        let hash = Self.hash(bytes)
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = Int(slots[slot])
            if entry < 0 { break }
            if hashes[entry] == hash && equals(entry, bytes) { return (entry, false) }
            slot = (slot + 1) & mask
        }
        assert(placed == hashes.count, "insert after append without placeAppended")
        let index = hashes.count
        arena.append(contentsOf: bytes)
        offsets.append(Int32(arena.count))
        hashes.append(hash)
        slots[slot] = Int32(index)
        placed = hashes.count
        // Past half full: every key is placed again in a table twice the size.
        if hashes.count * 2 > slots.count { _ = placeAppended() }
        return (index, true)
    }

    @discardableResult
    public mutating func insert(_ text: String) -> (index: Int, inserted: Bool) {
        var text = text
        return text.withUTF8 { insert(UnsafeRawBufferPointer($0)) }
    }

    /// Appends `bytes` as key `count` without placing it in the table: `placeAppended` places
    /// every such key at once. Until then lookups and `insert` do not see it. O(length).
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        arena.append(contentsOf: bytes)
        offsets.append(Int32(arena.count))
        hashes.append(Self.hash(bytes))
    }

    /// Places the keys `append` added (all keys, in a larger table, when they would fill more
    /// than half of this one), fetching the home slot of the key some places ahead
    /// while placing this one: the misses of a table larger than the caches overlap instead
    /// of each `insert` waiting for its own (a 33,000-word vocabulary loads in a fraction of
    /// the time).
    /// - Returns: the index of the first appended key equal to an earlier key, or nil; after a
    ///   duplicate the table is not to be used.
    /// - Complexity: O(keys appended) expected.
    public mutating func placeAppended() -> Int? {
        var capacity = slots.count
        while hashes.count * 2 > capacity { capacity *= 2 }
        if capacity != slots.count {
            slots = [Int32](repeating: -1, count: capacity)
            mask = capacity - 1
            placed = 0
        }
        let (first, count, mask, lookahead) = (placed, hashes.count, mask, 16)
        let (arena, offsets) = (self.arena, self.offsets)
        func key(_ entry: Int, in arena: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
            UnsafeRawBufferPointer(rebasing: arena[Int(offsets[entry])..<Int(offsets[entry + 1])])
        }
        placed = count
        return arena.withUnsafeBytes { arena in hashes.withUnsafeBufferPointer { hashes in
            slots.withUnsafeMutableBufferPointer { slots in
                for entry in first..<count {
                    if entry + lookahead < count {
                        prefetchForReading(slots.baseAddress! + (Int(truncatingIfNeeded: hashes[entry + lookahead]) & mask))
                    }
                    var slot = Int(truncatingIfNeeded: hashes[entry]) & mask
                    while slots[slot] >= 0 {
                        let other = Int(slots[slot])
                        if hashes[other] == hashes[entry] && key(other, in: arena).elementsEqual(key(entry, in: arena)) { return entry }
                        slot = (slot + 1) & mask
                    }
                    slots[slot] = Int32(entry)
                }
                return nil
            }
        } }
    }

    @inline(__always)
    private func equals(_ entry: Int, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let start = Int(offsets[entry])
        let length = Int(offsets[entry + 1]) - start
        guard length == bytes.count else { return false }
        return arena.withUnsafeBytes { arena in
            length == 0 || memcmpBytes(arena.baseAddress! + start, bytes.baseAddress!, length)
        }
    }

    /// A fast multiply-mix hash over 8-byte words; quality is ample for a table keyed by words.
    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        let multiplier: UInt64 = 0x9E37_79B9_7F4A_7C15
        var h: UInt64 = UInt64(bytes.count) &* multiplier
        var i = 0
        let count = bytes.count
        if let base = bytes.baseAddress {
            while i + 8 <= count {
                let word = base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                h = (h ^ word) &* multiplier
                h ^= h >> 29
                i += 8
            }
            if i < count {
                var tail: UInt64 = 0
                var shift: UInt64 = 0
                while i < count {
                    tail |= UInt64(base.load(fromByteOffset: i, as: UInt8.self)) << shift
                    shift += 8
                    i += 1
                }
                h = (h ^ tail) &* multiplier
            }
        }
        h ^= h >> 32
        h = h &* 0xD6E8_FEB8_6659_FD93
        h ^= h >> 32
        return h
    }
}

@inline(__always)
private func memcmpBytes(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ count: Int) -> Bool {
    var i = 0
    while i + 8 <= count {
        if a.loadUnaligned(fromByteOffset: i, as: UInt64.self) != b.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
            return false
        }
        i += 8
    }
    while i < count {
        if a.load(fromByteOffset: i, as: UInt8.self) != b.load(fromByteOffset: i, as: UInt8.self) { return false }
        i += 1
    }
    return true
}

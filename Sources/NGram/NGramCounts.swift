import Dispatch
import Foundation
import Storage
import LanguageModeling
import Tokenization

/// Stages 1 and 2 of estimation (as in KenLM's lmplz): counting n-grams and adjusting counts.
///
/// N-grams are stored as a *reverse trie*: an n-gram's key is the index of its suffix (drop the
/// first word) at the order below plus its first word, so one lookup per order extends a match
/// leftwards. Order 1 is dense: a unigram's index is its word id. N-grams are numbered in the
/// order of their first occurrence.
///
/// Adjusted counts (Chen & Goodman; Kneser-Ney continuation counts): at the highest order, and
/// for n-grams that start with `<s>` (nothing can precede them), the raw count; otherwise the
/// number of distinct words seen to the left. O(tokens × order) expected time.
///
/// Each order is counted on all cores: part p takes the n-grams whose suffix index is ≡ p
/// (mod parts), so the parts share no n-gram and no continuation count, and their n-grams are
/// then merged by first occurrence into the numbering one pass in order gives, whatever the
/// number of parts.
struct NGramCounts {
    let order: Int
    let vocabularySize: Int
    /// Per order n ≥ 2 (index n), by n-gram index: its key (`NGramIndex.key`).
    var keys: [[UInt64]]
    /// Per order n ≥ 1, by n-gram index: the adjusted count.
    var adjusted: [[Int32]]
    /// Per order n ≥ 2, by n-gram index: the index of its context (first n−1 words) at n−1.
    var contexts: [[Int32]]
    /// Per order n ≥ 2, by n-gram index: the index of its suffix (last n−1 words) at n−1.
    var suffixes: [[Int32]]

    /// How many positions ahead counting starts its lookups.
    static let prefetchDistance = 12

    /// Nothing, to release a count's memory early.
    static let empty = NGramCounts()

    private init() {
        order = 0
        vocabularySize = 0
        keys = []
        adjusted = []
        contexts = []
        suffixes = []
    }

    /// Counts `<s> sequence </s>` for every sequence.
    /// - Parameter parts: how many parts each order is counted in at once (the counts are the
    ///   same for any number); by default one per core, or one for a small input.
    /// - Precondition: `order >= 2`, ids < vocabularySize.
    init(_ sequences: TrainingSequences, order: Int, vocabularySize: Int,
         start: Int32 = SpecialToken.startOfSequence.id, end: Int32 = SpecialToken.endOfSequence.id,
         parts: Int? = nil) {
        precondition(order >= 2)
        self.order = order
        self.vocabularySize = vocabularySize
        // The padded stream: <s> w1 … wn </s> per sequence; `starts` holds each <s> position.
        var stream: [Int32] = []
        var starts: [Int] = []
        stream.reserveCapacity(sequences.tokens.count + 2 * sequences.count)
        starts.reserveCapacity(sequences.count + 1)
        sequences.forEach { sequence in
            starts.append(stream.count)
            stream.append(start)
            stream.append(contentsOf: sequence)
            stream.append(end)
        }
        starts.append(stream.count)

        keys = [[], []]
        adjusted = [[], [Int32](repeating: 0, count: vocabularySize)]
        contexts = [[], []]
        suffixes = [[], []]
        // Small inputs are not worth a second thread.
        let parts = max(1, parts ?? (stream.count < 1 << 16 ? 1 : min(ProcessInfo.processInfo.activeProcessorCount, 8)))
        // Index at the order below of the n-gram ending at each position (order 1: the word).
        var previous = stream
        for n in 2...order {
            var current = [Int32](repeating: -1, count: stream.count)
            let scan = OrderScan(order: n, isTop: n == order, stream: stream, starts: starts, previous: previous, parts: parts)
            let counted = adjusted[n - 1].withUnsafeMutableBufferPointer { continuations in
                current.withUnsafeMutableBufferPointer { current in scan.count(current: current, continuations: continuations) }
            }
            let merged = OrderScan.merge(counted, isTop: n == order)
            if parts > 1 { scan.renumber(&current, by: merged.globalIndex) }
            keys.append(merged.keys)
            adjusted.append(merged.adjusted)
            contexts.append(merged.contexts)
            suffixes.append(merged.suffixes)
            previous = current
        }
    }

    /// Number of n-grams of order n (for n = 1: words with a non-zero adjusted count).
    func count(order n: Int) -> Int {
        n == 1 ? adjusted[1].count { $0 > 0 } : adjusted[n].count
    }
}

/// One order's counting pass over the stream, in parts.
private struct OrderScan: @unchecked Sendable {
    let order: Int
    let isTop: Bool
    let stream: [Int32]
    let starts: [Int]
    let previous: [Int32]
    let parts: Int

    /// A part's n-grams in order of first occurrence, numbered from 0 within the part.
    struct Part {
        var keys: [UInt64] = []
        var firstPositions: [Int32] = []
        var contexts: [Int32] = []
        var suffixes: [Int32] = []
        var raw: [Int32] = []
        var startsWithStart: [Int32] = []
    }

    /// Every part at once; `current` gets each position's n-gram number within its part, and
    /// `continuations` (the order below's adjusted counts) one for each new left extension.
    func count(current: UnsafeMutableBufferPointer<Int32>, continuations: UnsafeMutableBufferPointer<Int32>) -> [Part] {
        nonisolated(unsafe) var results = [Part](repeating: Part(), count: parts)
        nonisolated(unsafe) let (current, continuations) = (current, continuations)
        results.withUnsafeMutableBufferPointer { results in
            nonisolated(unsafe) let results = results
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                results[part] = countPart(part, current: current, continuations: continuations)
            }
        }
        return results
    }

    /// The n-grams whose suffix index is ≡ `part` (mod parts); they share no suffix with
    /// another part, so each continuation count is written by one part only.
    private func countPart(_ part: Int, current: UnsafeMutableBufferPointer<Int32>,
                           continuations: UnsafeMutableBufferPointer<Int32>) -> Part {
        let n = order
        // Sized for the worst case (one new n-gram per position) so it rarely grows.
        let worst = max(0, stream.count - (starts.count - 1) * (n - 1))
        var index = NGramIndex(expectedCount: worst / parts + worst / (8 * parts) + 64)
        var result = Part()
        stream.withUnsafeBufferPointer { stream in
            previous.withUnsafeBufferPointer { previous in
                for sequence in 0..<(starts.count - 1) {
                    let sequenceStart = starts[sequence]
                    // Positions whose n-gram fits inside the (padded) sequence.
                    let firstEligible = sequenceStart + n - 1, limit = starts[sequence + 1]
                    guard firstEligible < limit else { continue }
                    for position in firstEligible..<limit {
                        // Lookups miss the cache: start the one a few positions on now.
                        let ahead = position + NGramCounts.prefetchDistance
                        if ahead < limit && Int(previous[ahead]) % parts == part {
                            index.prefetch(NGramIndex.key(suffix: previous[ahead], first: stream[ahead - n + 1]))
                        }
                        let suffixIndex = previous[position]
                        guard Int(suffixIndex) % parts == part else { continue }
                        let firstPosition = position - n + 1
                        let startsSequence = firstPosition == sequenceStart
                        let key = NGramIndex.key(suffix: suffixIndex, first: stream[firstPosition])
                        let (j, inserted) = index.insert(key)
                        if inserted {
                            result.keys.append(key)
                            result.firstPositions.append(Int32(position))
                            result.contexts.append(previous[position - 1])
                            result.suffixes.append(suffixIndex)
                            if startsSequence { result.startsWithStart.append(j) }
                            result.raw.append(0)
                            // A new left extension of the suffix: its continuation count grows.
                            continuations[Int(suffixIndex)] += 1
                        }
                        // Raw counts matter only where they are the adjusted counts.
                        if isTop || startsSequence { result.raw[Int(j)] += 1 }
                        current[position] = j
                    }
                }
            }
        }
        return result
    }

    /// The order's n-grams from every part, numbered by first occurrence, with each part's
    /// numbers in that numbering.
    static func merge(_ parts: [Part], isTop: Bool)
        -> (keys: [UInt64], adjusted: [Int32], contexts: [Int32], suffixes: [Int32], globalIndex: [[Int32]]) {
        let total = parts.reduce(0) { $0 + $1.keys.count }
        func adjustedCounts(_ raw: [Int32], _ numbered: (Int, Int32) -> Int) -> [Int32] {
            guard !isTop else { return raw }
            // Below the highest order, n-grams that start with <s> keep their raw counts.
            var adjusted = [Int32](repeating: 0, count: total)
            for (p, part) in parts.enumerated() {
                for j in part.startsWithStart { adjusted[numbered(p, j)] = raw[numbered(p, j)] }
            }
            return adjusted
        }
        if parts.count == 1, let part = parts.first {
            return (part.keys, adjustedCounts(part.raw) { Int($1) }, part.contexts, part.suffixes, [])
        }
        var keys = [UInt64](), contexts = [Int32](), suffixes = [Int32](), raw = [Int32]()
        keys.reserveCapacity(total)
        contexts.reserveCapacity(total)
        suffixes.reserveCapacity(total)
        raw.reserveCapacity(total)
        var globalIndex = parts.map { [Int32](repeating: 0, count: $0.keys.count) }
        var cursors = [Int](repeating: 0, count: parts.count)
        for next in 0..<total {
            var chosen = 0, earliest = Int32.max
            for (p, part) in parts.enumerated() where cursors[p] < part.keys.count && part.firstPositions[cursors[p]] < earliest {
                (chosen, earliest) = (p, part.firstPositions[cursors[p]])
            }
            let j = cursors[chosen]
            globalIndex[chosen][j] = Int32(next)
            keys.append(parts[chosen].keys[j])
            contexts.append(parts[chosen].contexts[j])
            suffixes.append(parts[chosen].suffixes[j])
            raw.append(parts[chosen].raw[j])
            cursors[chosen] += 1
        }
        return (keys, adjustedCounts(raw) { Int(globalIndex[$0][Int($1)]) }, contexts, suffixes, globalIndex)
    }

    /// Each position's number within its part replaced by its number in the whole order.
    func renumber(_ current: inout [Int32], by globalIndex: [[Int32]]) {
        let count = current.count, pieces = parts
        current.withUnsafeMutableBufferPointer { current in
            previous.withUnsafeBufferPointer { previous in
                nonisolated(unsafe) let (current, previous) = (current, previous)
                DispatchQueue.concurrentPerform(iterations: pieces) { piece in
                    for position in (count * piece / pieces)..<(count * (piece + 1) / pieces) where current[position] >= 0 {
                        current[position] = globalIndex[Int(previous[position]) % pieces][Int(current[position])]
                    }
                }
            }
        }
    }
}

extension Array where Element: BitwiseCopyable {
    /// A copy with capacity equal to its count (Swift arrays never shrink their buffers), or the
    /// array itself when it wastes less than a fifth: the copy would cost more than it saves.
    func compacted() -> [Element] {
        capacity * 4 <= count * 5 ? self : withUnsafeBufferPointer { Array($0) }
    }
}

import Storage
import LanguageModeling
import Tokenization

/// Stages 1 and 2 of estimation (as in KenLM's lmplz): counting n-grams and adjusting counts.
///
/// N-grams are stored as a *reverse trie*: an n-gram's key is the index of its suffix (drop the
/// first word) at the order below plus its first word, so one lookup per order extends a match
/// leftwards. Order 1 is dense: a unigram's index is its word id.
///
/// Adjusted counts (Chen & Goodman; Kneser-Ney continuation counts): at the highest order, and
/// for n-grams that start with `<s>` (nothing can precede them), the raw count; otherwise the
/// number of distinct words seen to the left. O(tokens × order) expected time.
struct NGramCounts {
    let order: Int
    let vocabularySize: Int
    /// Per order n ≥ 2 (index n): the hash index of n-grams.
    var indices: [NGramIndex]
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
        indices = []
        adjusted = []
        contexts = []
        suffixes = []
    }

    /// Counts `<s> sequence </s>` for every sequence.
    /// - Precondition: `order >= 2`, ids < vocabularySize.
    init(_ sequences: TrainingSequences, order: Int, vocabularySize: Int,
         start: Int32 = SpecialToken.startOfSequence.id, end: Int32 = SpecialToken.endOfSequence.id) {
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

        indices = [NGramIndex(expectedCount: 0), NGramIndex(expectedCount: 0)]
        adjusted = [[], [Int32](repeating: 0, count: vocabularySize)]
        contexts = [[], []]
        suffixes = [[], []]
        // Index at the order below of the n-gram ending at each position (order 1: the word).
        var previous = stream
        for n in 2...order {
            // Sized for the worst case (one new n-gram per position) so it never grows; compacted
            // afterwards. Likewise the per-n-gram arrays.
            var index = NGramIndex(expectedCount: max(0, stream.count - sequences.count * (n - 1)))
            var current = [Int32](repeating: -1, count: stream.count)
            var context: [Int32] = [], suffix: [Int32] = [], raw: [Int32] = []
            context.reserveCapacity(stream.count)
            suffix.reserveCapacity(stream.count)
            raw.reserveCapacity(stream.count)
            var startsWithStart: [Int32] = []   // n-grams that begin with <s>
            stream.withUnsafeBufferPointer { stream in
                for sequence in 0..<(starts.count - 1) {
                    let sequenceStart = starts[sequence]
                    // Positions whose n-gram fits inside the (padded) sequence.
                    let firstEligible = sequenceStart + n - 1, limit = starts[sequence + 1]
                    guard firstEligible < limit else { continue }
                    for position in firstEligible..<limit {
                        // Lookups miss the cache: start the one a few positions on now.
                        let ahead = position + Self.prefetchDistance
                        if ahead < limit {
                            index.prefetch(NGramIndex.key(suffix: previous[ahead], first: stream[ahead - n + 1]))
                        }
                        let firstPosition = position - n + 1
                        let startsSequence = firstPosition == sequenceStart
                        let suffixIndex = previous[position]
                        let (j, inserted) = index.insert(NGramIndex.key(suffix: suffixIndex, first: stream[firstPosition]))
                        if inserted {
                            context.append(previous[position - 1])
                            suffix.append(suffixIndex)
                            if startsSequence { startsWithStart.append(j) }
                            raw.append(0)
                            // A new left extension of the suffix: its continuation count grows.
                            adjusted[n - 1][Int(suffixIndex)] += 1
                        }
                        // Raw counts matter only where they are the adjusted counts.
                        if n == order || startsSequence { raw[Int(j)] += 1 }
                        current[position] = j
                    }
                }
            }
            // Below the highest order, n-grams that start with <s> keep their raw counts.
            var counts = n == order ? raw : [Int32](repeating: 0, count: raw.count)
            if n < order {
                for j in startsWithStart { counts[Int(j)] = raw[Int(j)] }
            }
            indices.append(index.compacted())
            adjusted.append(counts.compacted())
            contexts.append(context.compacted())
            suffixes.append(suffix.compacted())
            raw = []
            previous = current
        }
    }

    /// Number of n-grams of order n (for n = 1: words with a non-zero adjusted count).
    func count(order n: Int) -> Int {
        n == 1 ? adjusted[1].count { $0 > 0 } : adjusted[n].count
    }
}

extension Array where Element: BitwiseCopyable {
    /// A copy with capacity equal to its count (Swift arrays never shrink their buffers), or the
    /// array itself when it wastes less than a fifth: the copy would cost more than it saves.
    func compacted() -> [Element] {
        capacity * 4 <= count * 5 ? self : withUnsafeBufferPointer { Array($0) }
    }
}

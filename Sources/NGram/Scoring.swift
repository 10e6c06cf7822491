import Foundation
import LanguageModeling
import Tokenization

/// The running context of a scan through a sequence — KenLM's "state": for each length
/// k = 1…order−1 of the history, the slot of the n-gram formed by the last k words (if the model
/// has it) and its backoff, plus the last words themselves. Fixed size, no heap.
struct ScoringState: Sendable {
    var length = 0
    var slots = InlineArray<6, Int32>(repeating: 0)
    var backoffs = InlineArray<6, Float>(repeating: 0)
    /// The last order−1 words, most recent first.
    var history = InlineArray<6, Int32>(repeating: 0)
}

extension TableView {
    /// A state after `<s>`.
    func startState() -> ScoringState {
        var state = ScoringState()
        let start = SpecialToken.startOfSequence.id
        state.length = 1
        state.slots[0] = start
        state.backoffs[0] = unigramBackoffs[Int(start)]
        state.history[0] = start
        return state
    }

    /// log10 p(word | state) and the state after it, following ARPA backoff: the longest n-gram
    /// ending in `word` that the model has, plus the backoffs of the longer contexts. O(order).
    @inline(__always)
    func advance(_ state: inout ScoringState, word: Int32) -> (log10: Float, known: Bool) {
        guard isKnown(word) else {
            var log10 = unknownLog10
            for k in 0..<state.length { log10 += state.backoffs[k] }
            // Nothing extends an unknown word: the next token starts from its unigram.
            state.length = 0
            return (log10, false)
        }
        var found = InlineArray<6, Int32>(repeating: 0)
        found[0] = word
        var matched = 1
        var slot = word
        var probability = unigramLog10[Int(word)]
        var newBackoffs = InlineArray<6, Float>(repeating: 0)
        newBackoffs[0] = unigramBackoffs[Int(word)]
        while matched < order && matched <= state.length {
            let next = find(NGramIndex.key(suffix: slot, first: state.history[matched - 1]), order: matched + 1)
            if next < 0 { break }
            slot = next
            let entry = self.entry(next, order: matched + 1)
            probability = entry.log10Probability
            if matched < 6 { found[matched] = next; newBackoffs[matched] = entry.log10Backoff }
            matched += 1
        }
        var log10 = probability
        // Backoffs of the contexts longer than the one the match used.
        if matched - 1 < state.length {
            for k in (matched - 1)..<state.length { log10 += state.backoffs[k] }
        }
        let newLength = min(matched, order - 1)
        for k in 0..<newLength {
            state.slots[k] = found[k]
            state.backoffs[k] = newBackoffs[k]
        }
        // Shift the history: the word becomes the most recent.
        var k = order - 2
        while k > 0 { state.history[k] = state.history[k - 1]; k -= 1 }
        state.history[0] = word
        state.length = newLength
        return (log10, true)
    }
}

extension NGramModel {
    /// Scores one sequence: `<s>` as context, then every word, then `</s>` in sentence mode.
    /// - Parameter each: receives each predicted token's log10 p, in order.
    public func score<C: Collection>(_ words: C, mode: SequenceMode, each: ((Float) -> Void)? = nil) -> SequenceScore
    where C.Element == Int32 {
        withTables { tables in
            var state = tables.startState()
            var result = SequenceScore()
            var sum: Float = 0
            @inline(__always) func add(_ word: Int32) {
                let (log10, known) = tables.advance(&state, word: word)
                sum += log10
                result.tokens += 1
                if !known { result.unknownTokens += 1 }
                each?(log10)
            }
            for word in words { add(word) }
            if mode == .sentence { add(SpecialToken.endOfSequence.id) }
            result.log10Probability = Double(sum)
            return result
        }
    }
}

extension NGramModel {
    /// Scores every sequence; returns their scores in order. O(tokens × order), spread over
    /// `threads` threads in contiguous runs of sequences (each sequence is scored whole by one
    /// thread, so the results are the same whatever the count).
    public func scoreAll(_ sequences: TrainingSequences, mode: SequenceMode,
                         threads: Int = ProcessInfo.processInfo.activeProcessorCount) -> [SequenceScore] {
        // Below some 65,000 tokens a run, waking a thread costs more than it saves.
        scoreAll(sequences, mode: mode, threads: threads, tokensPerRun: 1 << 16)
    }

    /// `scoreAll` in at most `threads` runs of at least `tokensPerRun` tokens.
    func scoreAll(_ sequences: TrainingSequences, mode: SequenceMode, threads: Int, tokensPerRun: Int) -> [SequenceScore] {
        var results = [SequenceScore](repeating: SequenceScore(), count: sequences.count)
        let runs = max(1, min(threads, sequences.tokens.count / max(1, tokensPerRun), sequences.count))
        // Cut points by tokens, so that the runs take about as long.
        var cuts = [0]
        for run in 1..<runs {
            let target = sequences.tokens.count * run / runs
            var low = cuts[run - 1], high = sequences.count
            while low < high {
                let middle = (low + high) / 2
                if sequences.ends[middle] < target { low = middle + 1 } else { high = middle }
            }
            cuts.append(low)
        }
        cuts.append(sequences.count)
        let bounds = cuts
        results.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let output = buffer
            withTables { tables in
                DispatchQueue.concurrentPerform(iterations: runs) { run in
                    scoreInLockstep(sequences, bounds[run]..<bounds[run + 1], mode: mode, tables: tables, into: output)
                }
            }
        }
        return results
    }

    /// Scores the sequences of `range` into `results`.
    ///
    /// Sequences are scored in lanes that advance in lockstep, one backoff level at a time, so
    /// the table lookups of different sequences — each a likely cache miss — are independent and
    /// overlap in memory, where one sequence's lookups form a dependent chain. Results are
    /// identical to `score(_:mode:)` sequence by sequence.
    private func scoreInLockstep(_ sequences: TrainingSequences, _ range: Range<Int>, mode: SequenceMode, tables: TableView,
                                 into results: UnsafeMutableBufferPointer<SequenceScore>) {
        struct Lane {
            var sequence = -1
            var position = 0
            var end = 0
            var pendingEnd = false
            var state = ScoringState()
            var result = SequenceScore()
            var sum: Float = 0
            // Per token in flight:
            var word: Int32 = 0
            var matched = 0
            var slot: Int32 = 0
            var probability: Float = 0
            var extending = false
            var found = InlineArray<6, Int32>(repeating: 0)
            var foundBackoffs = InlineArray<6, Float>(repeating: 0)
        }
        let laneCount = 16
        let ends = sequences.ends
        do {
            sequences.tokens.withUnsafeBufferPointer { tokens in
                var lanes = [Lane](repeating: Lane(), count: laneCount)
                var nextSequence = range.lowerBound
                var active = 0
                func load(_ lane: inout Lane) {
                    guard nextSequence < range.upperBound else { lane.sequence = -1; return }
                    lane.sequence = nextSequence
                    lane.position = nextSequence == 0 ? 0 : ends[nextSequence - 1]
                    lane.end = ends[nextSequence]
                    lane.pendingEnd = mode == .sentence
                    lane.state = tables.startState()
                    lane.result = SequenceScore()
                    lane.sum = 0
                    nextSequence += 1
                    active += 1
                }
                for index in 0..<laneCount { load(&lanes[index]) }
                lanes.withUnsafeMutableBufferPointer { lanes in
                    while active > 0 {
                        // Each live lane takes its next word; a finished lane hands over its result.
                        for index in 0..<laneCount where lanes[index].sequence >= 0 {
                            if lanes[index].position == lanes[index].end && !lanes[index].pendingEnd {
                                lanes[index].result.log10Probability = Double(lanes[index].sum)
                                results[lanes[index].sequence] = lanes[index].result
                                active -= 1
                                load(&lanes[index])
                                if lanes[index].sequence < 0 { continue }
                                if lanes[index].position == lanes[index].end && !lanes[index].pendingEnd {
                                    results[lanes[index].sequence] = lanes[index].result
                                    active -= 1
                                    lanes[index].sequence = -1
                                    continue
                                }
                            }
                            let word: Int32
                            if lanes[index].position < lanes[index].end {
                                word = tokens[lanes[index].position]
                                lanes[index].position += 1
                            } else {
                                word = SpecialToken.endOfSequence.id
                                lanes[index].pendingEnd = false
                            }
                            lanes[index].word = word
                            let known = tables.isKnown(word)
                            lanes[index].matched = known ? 1 : 0
                            lanes[index].slot = word
                            lanes[index].probability = known ? tables.unigramLog10[Int(word)] : tables.unknownLog10
                            if known {
                                lanes[index].found[0] = word
                                lanes[index].foundBackoffs[0] = tables.unigramBackoffs[Int(word)]
                            }
                            lanes[index].extending = known && order > 1 && lanes[index].state.length >= 1
                        }
                        // Extend all lanes' matches one order at a time: independent lookups.
                        for level in 2...order {
                            for index in 0..<laneCount where lanes[index].sequence >= 0 && lanes[index].extending {
                                let lane = lanes[index]
                                let next = tables.find(NGramIndex.key(suffix: lane.slot, first: lane.state.history[level - 2]), order: level)
                                if next < 0 {
                                    lanes[index].extending = false
                                    continue
                                }
                                let entry = tables.entry(next, order: level)
                                lanes[index].slot = next
                                lanes[index].probability = entry.log10Probability
                                lanes[index].found[level - 1] = next
                                lanes[index].foundBackoffs[level - 1] = entry.log10Backoff
                                lanes[index].matched = level
                                lanes[index].extending = level < order && level <= lane.state.length
                            }
                        }
                        // Finish the tokens: add backoffs, update states — as `advance` does.
                        for index in 0..<laneCount where lanes[index].sequence >= 0 {
                            let matched = lanes[index].matched
                            var log10 = lanes[index].probability
                            let length = lanes[index].state.length
                            if matched == 0 {
                                for k in 0..<length { log10 += lanes[index].state.backoffs[k] }
                                lanes[index].state.length = 0
                                lanes[index].result.unknownTokens += 1
                            } else {
                                if matched - 1 < length {
                                    for k in (matched - 1)..<length { log10 += lanes[index].state.backoffs[k] }
                                }
                                let newLength = min(matched, order - 1)
                                for k in 0..<newLength {
                                    lanes[index].state.slots[k] = lanes[index].found[k]
                                    lanes[index].state.backoffs[k] = lanes[index].foundBackoffs[k]
                                }
                                var k = order - 2
                                while k > 0 { lanes[index].state.history[k] = lanes[index].state.history[k - 1]; k -= 1 }
                                lanes[index].state.history[0] = lanes[index].word
                                lanes[index].state.length = newLength
                            }
                            lanes[index].sum += log10
                            lanes[index].result.tokens += 1
                        }
                    }
                }
            }
        }
    }
}

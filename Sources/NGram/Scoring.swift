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
        var token = begin(word, after: state)
        while token.extending { extend(&token, history: state.history[token.matched - 1], contextLength: state.length) }
        return finish(token, state: &state)
    }

    /// A token's first step: its unigram (or the unknown word's probability).
    @inline(__always)
    func begin(_ word: Int32, after state: ScoringState) -> PendingToken {
        var token = PendingToken()
        token.word = word
        guard isKnown(word) else {
            token.probability = unknownLog10
            return token
        }
        token.matched = 1
        token.slot = word
        token.probability = unigramLog10[Int(word)]
        token.found[0] = word
        token.foundBackoffs[0] = unigramBackoffs[Int(word)]
        token.extending = order > 1 && state.length >= 1
        return token
    }

    /// One order longer: the n-gram of the match so far preceded by `history`, the context's
    /// word before it (the state's `history[matched − 1]`); stops extending when the model lacks
    /// it or the match is as long as the order or the context allow.
    @inline(__always)
    func extend(_ token: inout PendingToken, history: Int32, contextLength: Int) {
        let level = token.matched + 1
        let next = find(NGramIndex.key(suffix: token.slot, first: history), order: level)
        guard next >= 0 else {
            token.extending = false
            return
        }
        let entry = self.entry(next, order: level)
        token.slot = next
        token.probability = entry.log10Probability
        token.found[level - 1] = next
        token.foundBackoffs[level - 1] = entry.log10Backoff
        token.matched = level
        token.extending = level < order && level <= contextLength
    }

    /// A token's last step: the backoffs of the contexts longer than its match added, and the
    /// state moved past it.
    @inline(__always)
    func finish(_ token: PendingToken, state: inout ScoringState) -> (log10: Float, known: Bool) {
        var log10 = token.probability
        guard token.matched > 0 else {
            for k in 0..<state.length { log10 += state.backoffs[k] }
            // Nothing extends an unknown word: the next token starts from its unigram.
            state.length = 0
            return (log10, false)
        }
        if token.matched - 1 < state.length {
            for k in (token.matched - 1)..<state.length { log10 += state.backoffs[k] }
        }
        let newLength = min(token.matched, order - 1)
        for k in 0..<newLength {
            state.slots[k] = token.found[k]
            state.backoffs[k] = token.foundBackoffs[k]
        }
        // Shift the history: the word becomes the most recent.
        var k = order - 2
        while k > 0 { state.history[k] = state.history[k - 1]; k -= 1 }
        state.history[0] = token.word
        state.length = newLength
        return (log10, true)
    }
}

/// A token between `TableView.begin` and `finish`: the longest match found so far. `advance`
/// takes one token through the steps at once; the lockstep scorer interleaves the `extend`
/// steps of many sequences so that their lookups overlap in memory.
struct PendingToken {
    var word: Int32 = 0
    /// The match's order; 0 for an unknown word.
    var matched = 0
    var slot: Int32 = 0
    var probability: Float = 0
    var extending = false
    var found = InlineArray<6, Int32>(repeating: 0)
    var foundBackoffs = InlineArray<6, Float>(repeating: 0)
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
            var token = PendingToken()
        }
        let laneCount = 16
        let ends = sequences.ends
        sequences.tokens.withUnsafeBufferPointer { tokens in
            var lanes = [Lane](repeating: Lane(), count: laneCount)
            var nextSequence = range.lowerBound
            var active = 0
            // The lane's next sequence, or none left (an empty one is written at once).
            func load(_ lane: inout Lane) {
                while nextSequence < range.upperBound {
                    lane.sequence = nextSequence
                    lane.position = nextSequence == 0 ? 0 : ends[nextSequence - 1]
                    lane.end = ends[nextSequence]
                    lane.pendingEnd = mode == .sentence
                    lane.state = tables.startState()
                    lane.result = SequenceScore()
                    lane.sum = 0
                    nextSequence += 1
                    if lane.position < lane.end || lane.pendingEnd {
                        active += 1
                        return
                    }
                    results[lane.sequence] = lane.result
                }
                lane.sequence = -1
            }
            for index in 0..<laneCount { load(&lanes[index]) }
            lanes.withUnsafeMutableBufferPointer { lanes in
                while active > 0 {
                    // Each live lane takes its next word.
                    for index in 0..<laneCount where lanes[index].sequence >= 0 {
                        let word: Int32
                        if lanes[index].position < lanes[index].end {
                            word = tokens[lanes[index].position]
                            lanes[index].position += 1
                        } else {
                            word = SpecialToken.endOfSequence.id
                            lanes[index].pendingEnd = false
                        }
                        lanes[index].token = tables.begin(word, after: lanes[index].state)
                    }
                    // Extend all lanes' matches one order at a time: independent lookups.
                    for _ in 1..<order {
                        for index in 0..<laneCount where lanes[index].sequence >= 0 && lanes[index].token.extending {
                            let history = lanes[index].state.history[lanes[index].token.matched - 1]
                            tables.extend(&lanes[index].token, history: history, contextLength: lanes[index].state.length)
                        }
                    }
                    // Finish the tokens; a lane at the end of its sequence hands over its result.
                    for index in 0..<laneCount where lanes[index].sequence >= 0 {
                        let (log10, known) = tables.finish(lanes[index].token, state: &lanes[index].state)
                        lanes[index].sum += log10
                        lanes[index].result.tokens += 1
                        if !known { lanes[index].result.unknownTokens += 1 }
                        if lanes[index].position == lanes[index].end && !lanes[index].pendingEnd {
                            lanes[index].result.log10Probability = Double(lanes[index].sum)
                            results[lanes[index].sequence] = lanes[index].result
                            active -= 1
                            load(&lanes[index])
                        }
                    }
                }
            }
        }
    }
}

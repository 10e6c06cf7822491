import Foundation
import Storage
import LanguageModeling
import Tokenization

extension NGramModel {
    /// Peak bytes estimation takes for `tokens` training tokens: measured on WikiText-2 at
    /// order 5 (2.08 M tokens, 268 MiB peak) as about 26 bytes per token and order, rounded up.
    public static func estimatedTrainingBytes(tokens: Int, order: Int) -> Int {
        tokens * order * 32
    }

    /// Estimates an interpolated modified Kneser-Ney model (KenLM's `lmplz` estimator).
    ///
    /// Stages, each its own type: counting and adjusting (`NGramCounts`), discounts from
    /// count-of-counts (`Discounts`), then interpolation here, order by order from 1 up:
    /// p(w|h) = (a(hw) − D(a(hw))) / Σa(h·) + γ(h) p(w|h′), γ(h) = Σ_k D_k N_k(h·) / Σa(h·),
    /// and at the unigram level p(w) = (a(w) − D(a(w))) / Σa + γ / |V|, where |V| counts the seen
    /// types except `<s>` plus one for the unknown word.
    /// - Parameter discountFallback: use `Discounts.fallback` at orders where the count-of-counts
    ///   do not give valid discounts (KenLM's `--discount_fallback`), instead of failing.
    /// - Complexity: O(n-grams) after counting.
    public static func estimate(_ sequences: TrainingSequences, order: Int, vocabularySize: Int,
                                discountFallback: Bool = false) throws -> NGramModel {
        guard (2...6).contains(order) else { throw CollapseError("n-gram order must be 2–6 (got \(order))") }
        var counts = NGramCounts(sequences, order: order, vocabularySize: vocabularySize)
        var discounts = [Discounts(d1: 0, d2: 0, d3: 0)]
        for n in 1...order {
            discounts.append(try Discounts.estimate(countOfCounts: Discounts.countOfCounts(counts.adjusted[n]), order: n,
                                                    allowFallback: discountFallback))
        }

        // Interpolation in single precision, operation for operation as lmplz does it, so that
        // stored values match KenLM's bit for bit: per context, the denominator Σa as a float and
        // γ = (D1·N1 + D2·N2 + D3·N3+) / Σa accumulated in that order; per n-gram
        // u = (a − D(a)) / Σa and p = u + γ·p(suffix), then log10.
        let startID = SpecialToken.startOfSequence.id
        let unigramCounts = counts.adjusted[1]
        var unigramTotal: UInt64 = 0
        var unigramClasses = ContextClasses()
        for a in unigramCounts where a > 0 {
            unigramTotal += UInt64(a)
            unigramClasses.add(a)
        }
        let uniformSize = unigramClasses.total + 1
        let uniform = Float(1.0 / Double(Float(uniformSize)))
        let d = discounts[1]
        let unigramDenominator = Float(unigramTotal)
        let gamma0 = unigramClasses.gamma(d) / unigramDenominator
        var lower = [Float](repeating: 0, count: vocabularySize)
        var log10Probabilities: [[Float]] = [[], [Float](repeating: -99, count: vocabularySize)]
        var known = [Bool](repeating: false, count: vocabularySize)
        for w in 0..<vocabularySize where unigramCounts[w] > 0 {
            let a = unigramCounts[w]
            lower[w] = (Float(a) - d.discount(a)) / unigramDenominator + gamma0 * uniform
            log10Probabilities[1][w] = log10f(lower[w])
            known[w] = true
        }
        known[Int(startID)] = true
        var log10Backoffs: [[Float]] = [[]]

        for n in 2...order {
            let contextCount = n == 2 ? vocabularySize : counts.contexts[n - 1].count
            let d = discounts[n]
            var totals = [UInt64](repeating: 0, count: contextCount)
            var classes = [ContextClasses](repeating: ContextClasses(), count: contextCount)
            let adjusted = counts.adjusted[n], contexts = counts.contexts[n], suffixes = counts.suffixes[n]
            for j in 0..<adjusted.count {
                let c = Int(contexts[j])
                totals[c] += UInt64(adjusted[j])
                classes[c].add(adjusted[j])
            }
            var gammas = [Float](repeating: 0, count: contextCount)
            var backoffs = [Float](repeating: 0, count: contextCount)
            // Each context's and then each n-gram's values depend on nothing else computed at
            // this order: any cut over the cores gives the same bits.
            gammas.withUnsafeMutableBufferPointer { gammas in
                backoffs.withUnsafeMutableBufferPointer { backoffs in
                    nonisolated(unsafe) let (gammas, backoffs) = (gammas, backoffs)
                    forEachPart(of: contextCount) { range in
                        for c in range where totals[c] > 0 {
                            gammas[c] = classes[c].gamma(d) / Float(totals[c])
                            backoffs[c] = log10f(gammas[c])
                        }
                    }
                }
            }
            classes = []
            log10Backoffs.append(backoffs)
            var probabilities = n < order ? [Float](repeating: 0, count: adjusted.count) : []
            var logs = [Float](repeating: 0, count: adjusted.count)
            let (below, contextGammas, keepsProbabilities) = (lower, gammas, n < order)
            probabilities.withUnsafeMutableBufferPointer { probabilities in
                logs.withUnsafeMutableBufferPointer { logs in
                    nonisolated(unsafe) let (probabilities, logs) = (probabilities, logs)
                    forEachPart(of: adjusted.count) { range in
                        for j in range {
                            let c = Int(contexts[j])
                            let a = adjusted[j]
                            let p = (Float(a) - d.discount(a)) / Float(totals[c]) + contextGammas[c] * below[Int(suffixes[j])]
                            if keepsProbabilities { probabilities[j] = p }
                            logs[j] = log10f(p)
                        }
                    }
                }
            }
            log10Probabilities.append(logs)
            lower = probabilities
            // This order's counts are no longer needed.
            counts.adjusted[n] = []
            counts.suffixes[n] = []
        }
        let dense = DenseNGrams(order: order, vocabularySize: vocabularySize, indices: counts.indices,
                                log10Probabilities: log10Probabilities, log10Backoffs: log10Backoffs,
                                contexts: counts.contexts, known: known)
        counts = NGramCounts.empty
        return NGramModel(laying: dense, discounts: discounts, uniformSize: uniformSize, unknownLog10: log10f(gamma0 * uniform))
    }
}

/// Calls `body` on consecutive parts of 0..<count, one per core, at once.
private func forEachPart(of count: Int, _ body: (Range<Int>) -> Void) {
    let parts = min(max(1, ProcessInfo.processInfo.activeProcessorCount), max(1, count / 65_536))
    withoutActuallyEscaping(body) { body in
        nonisolated(unsafe) let work = body
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            work((count * part / parts)..<(count * (part + 1) / parts))
        }
    }
}

/// A context's number of continuations with adjusted count 1, 2 and ≥ 3.
struct ContextClasses {
    private(set) var ones: UInt32 = 0
    private(set) var twos: UInt32 = 0
    private(set) var threesAndMore: UInt32 = 0

    @inline(__always)
    mutating func add(_ count: Int32) {
        switch count {
        case 1: ones += 1
        case 2: twos += 1
        default: threesAndMore += 1
        }
    }

    var total: Int { Int(ones) + Int(twos) + Int(threesAndMore) }

    /// D1·N1 + D2·N2 + D3·N3+, accumulated in float in that order (as lmplz does).
    @inline(__always)
    func gamma(_ d: Discounts) -> Float {
        var gamma: Float = 0
        gamma += d.d1 * Float(ones)
        gamma += d.d2 * Float(twos)
        gamma += d.d3 * Float(threesAndMore)
        return gamma
    }
}

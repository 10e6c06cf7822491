import Foundation
import Storage
import Tokenization

extension NGramModel {
    /// Estimates an interpolated modified Kneser-Ney model (KenLM's `lmplz` estimator).
    ///
    /// Stages, each its own type: counting and adjusting (`NGramCounts`), discounts from
    /// count-of-counts (`Discounts`), then interpolation here, order by order from 1 up:
    /// p(w|h) = (a(hw) − D(a(hw))) / Σa(h·) + γ(h) p(w|h′), γ(h) = Σ_k D_k N_k(h·) / Σa(h·),
    /// and at the unigram level p(w) = (a(w) − D(a(w))) / Σa + γ / |V|, where |V| counts the seen
    /// types except `<s>` plus one for the unknown word. O(n-grams) after counting.
    /// - Parameter discountFallback: use `Discounts.fallback` at orders where the count-of-counts
    ///   do not give valid discounts (KenLM's `--discount_fallback`), instead of failing.
    public static func estimate(_ sequences: TrainingSequences, order: Int, vocabularySize: Int,
                                discountFallback: Bool = false) throws -> NGramModel {
        guard (2...6).contains(order) else { throw CollapseError("n-gram order must be 2–6 (got \(order))") }
        var counts = NGramCounts(sequences, order: order, vocabularySize: vocabularySize)
        var discounts = [Discounts(d1: 0, d2: 0, d3: 0)]
        for n in 1...order {
            discounts.append(try Discounts.estimate(countOfCounts: Discounts.countOfCounts(counts.adjusted[n]), order: n,
                                                    allowFallback: discountFallback))
        }

        // Unigrams.
        let startID = SpecialToken.startOfSequence.id
        let unigramCounts = counts.adjusted[1]
        var total = 0.0
        var classes = [0, 0, 0]
        for a in unigramCounts where a > 0 {
            total += Double(a)
            classes[Int(min(a, 3)) - 1] += 1
        }
        let seenTypes = classes.reduce(0, +)
        let uniformSize = seenTypes + 1
        let d = discounts[1]
        let gamma0 = (d.d1 * Double(classes[0]) + d.d2 * Double(classes[1]) + d.d3 * Double(classes[2])) / total
        let uniform = gamma0 / Double(uniformSize)
        var lower = [Double](repeating: 0, count: vocabularySize)
        var log10Probabilities: [[Float]] = [[], [Float](repeating: -99, count: vocabularySize)]
        var known = [Bool](repeating: false, count: vocabularySize)
        for w in 0..<vocabularySize where unigramCounts[w] > 0 {
            let a = unigramCounts[w]
            lower[w] = (Double(a) - d.discount(a)) / total + uniform
            log10Probabilities[1][w] = Float(log10(lower[w]))
            known[w] = true
        }
        known[Int(startID)] = true
        var log10Backoffs: [[Float]] = [[]]

        // Orders 2…N: per context, Σa and Σ D(a) (= Σ_k D_k N_k), so γ(h) = ΣD / Σa; then the
        // interpolated p of each n-gram. Lower-order probabilities stay in Double until used.
        for n in 2...order {
            let contextCount = n == 2 ? vocabularySize : counts.contexts[n - 1].count
            let d = discounts[n]
            var totals = [Double](repeating: 0, count: contextCount)
            var gammas = [Double](repeating: 0, count: contextCount)
            let adjusted = counts.adjusted[n], contexts = counts.contexts[n], suffixes = counts.suffixes[n]
            for j in 0..<adjusted.count {
                let c = Int(contexts[j])
                totals[c] += Double(adjusted[j])
                gammas[c] += d.discount(adjusted[j])
            }
            var backoffs = [Float](repeating: 0, count: contextCount)
            for c in 0..<contextCount where totals[c] > 0 {
                gammas[c] /= totals[c]
                backoffs[c] = Float(log10(gammas[c]))
            }
            log10Backoffs.append(backoffs)
            var probabilities = n < order ? [Double](repeating: 0, count: adjusted.count) : []
            var logs = [Float](repeating: 0, count: adjusted.count)
            for j in 0..<adjusted.count {
                let c = Int(contexts[j])
                let a = adjusted[j]
                let p = (Double(a) - d.discount(a)) / totals[c] + gammas[c] * lower[Int(suffixes[j])]
                if n < order { probabilities[j] = p }
                logs[j] = Float(log10(p))
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
        return NGramModel(laying: dense, discounts: discounts, uniformSize: uniformSize, unknownLog10: Float(log10(uniform)))
    }
}

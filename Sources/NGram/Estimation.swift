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
    public static func estimate(_ sequences: TrainingSequences, order: Int, vocabularySize: Int) throws -> NGramModel {
        guard (2...6).contains(order) else { throw CollapseError("n-gram order must be 2–6 (got \(order))") }
        let counts = NGramCounts(sequences, order: order, vocabularySize: vocabularySize)
        var discounts = [Discounts(d1: 0, d2: 0, d3: 0)]
        for n in 1...order {
            discounts.append(try Discounts(countOfCounts: Discounts.countOfCounts(counts.adjusted[n]), order: n))
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

        // Orders 2…N: context totals and classes, then γ of each context and interpolated p.
        for n in 2...order {
            let contextCount = n == 2 ? vocabularySize : counts.adjusted[n - 1].count
            var totals = [Double](repeating: 0, count: contextCount)
            var perClass = [[Int32]](repeating: [Int32](repeating: 0, count: contextCount), count: 3)
            let adjusted = counts.adjusted[n], contexts = counts.contexts[n], suffixes = counts.suffixes[n]
            for j in 0..<adjusted.count {
                let c = Int(contexts[j])
                totals[c] += Double(adjusted[j])
                perClass[Int(min(adjusted[j], 3)) - 1][c] += 1
            }
            let d = discounts[n]
            var gammas = [Double](repeating: 0, count: contextCount)
            var backoffs = [Float](repeating: 0, count: contextCount)
            for c in 0..<contextCount where totals[c] > 0 {
                gammas[c] = (d.d1 * Double(perClass[0][c]) + d.d2 * Double(perClass[1][c]) + d.d3 * Double(perClass[2][c])) / totals[c]
                backoffs[c] = Float(log10(gammas[c]))
            }
            log10Backoffs.append(backoffs)
            var probabilities = [Double](repeating: 0, count: adjusted.count)
            var logs = [Float](repeating: 0, count: adjusted.count)
            for j in 0..<adjusted.count {
                let c = Int(contexts[j])
                let a = adjusted[j]
                probabilities[j] = (Double(a) - d.discount(a)) / totals[c] + gammas[c] * lower[Int(suffixes[j])]
                logs[j] = Float(log10(probabilities[j]))
            }
            log10Probabilities.append(logs)
            lower = probabilities
        }
        return NGramModel(
            order: order, vocabularySize: vocabularySize, discounts: discounts, uniformSize: uniformSize,
            unknownLog10: Float(log10(uniform)), indices: counts.indices, log10Probabilities: log10Probabilities,
            log10Backoffs: log10Backoffs, contexts: counts.contexts, known: known)
    }
}

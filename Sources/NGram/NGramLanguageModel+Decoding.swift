import LanguageModeling
import Synchronization
import Tokenization

/// The natural log of 10: n-gram tables are log10, the `LanguageModel` interface is natural log.
let naturalLogOf10 = Float(2.302585092994046)

extension NGramLanguageModel: LanguageModel {
    public typealias Context = NGramContext

    public func context(after tokens: [Int32]) -> NGramContext {
        model.context(after: tokens)
    }

    public func extending(_ context: NGramContext, with token: Int32) -> NGramContext {
        model.extending(context, with: token)
    }

    /// Exact top-k from the next-token index (built on first use), converted to natural log
    /// after the penalty — the same arithmetic as `denseTopCandidates`.
    public func topCandidates(_ k: Int, after contexts: [NGramContext], penalty: Float, penalized: [TokenSet]) -> [[ScoredToken]] {
        let index = nextTokenIndex
        return zip(contexts, penalized).map { context, set in
            index.topK(k, after: context, penalty: penalty, penalized: set).map { ScoredToken(id: $0.id, score: $0.score * naturalLogOf10) }
        }
    }

    /// The reference for `topCandidates`: the whole distribution, penalized, sorted.
    public func denseTopCandidates(_ k: Int, after contexts: [NGramContext], penalty: Float, penalized: [TokenSet]) -> [[ScoredToken]] {
        let index = nextTokenIndex
        return zip(contexts, penalized).map { context, set in
            index.denseTopKFromDistribution(k, after: context, penalty: penalty, penalized: set)
                .map { ScoredToken(id: $0.id, score: $0.score * naturalLogOf10) }
        }
    }

    public func score(_ sequences: TrainingSequences, mode: SequenceMode) -> [SequenceScore] {
        model.scoreAll(sequences, mode: mode)
    }

    /// Built once per model, on first use, shared by copies of the model.
    var nextTokenIndex: NextTokenIndex {
        decodingCache.index(for: model)
    }
}

/// Holds a model's next-token index once built (building costs about a second on WikiText-2).
final class DecodingCache: Sendable {
    private let index = Mutex<NextTokenIndex?>(nil)

    func index(for model: NGramModel) -> NextTokenIndex {
        index.withLock { cached in
            if let cached { return cached }
            let built = NextTokenIndex(model: model)
            cached = built
            return built
        }
    }
}

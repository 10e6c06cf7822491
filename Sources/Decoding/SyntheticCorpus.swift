import Foundation
import Dispatch
import LanguageModeling
import Reporting
import Synchronization
import Tokenization

/// Writes a generation's corpus: the continuation of every prompt, in prompt order.
///
/// Prompts are handed out in batches to `threads` workers (one, for a model whose decoder uses
/// every core itself); each batch is beam-searched in
/// lockstep, each continuation depends only on its prompt, the model and the settings, and
/// lands at its prompt's index, so the output is identical whatever the thread count, batch
/// size or scheduling.
public enum SyntheticCorpus {
    /// Prompts decoded together in lockstep unless told otherwise: enough rows for the
    /// transformer's products to run near the BLAS rate, few enough to keep the cache small.
    public static let defaultBatch = 16

    /// Bytes writing `prompts` continuations holds: the continuations themselves, and per
    /// thread the live beams' token lists and penalty sets.
    public static func estimatedBytes(prompts: Int, settings: DecodingSettings, vocabularySize: Int, threads: Int, batch: Int = defaultBatch) -> Int {
        let perBeam = settings.newTokens * MemoryLayout<Int32>.size + (vocabularySize + 63) / 64 * 8
        return prompts * settings.newTokens * MemoryLayout<Int32>.size + threads * 2 * batch * settings.beams * perBeam
    }

    /// - Parameters:
    ///   - batch: prompts decoded together in lockstep.
    ///   - progress: advanced by one per finished prompt.
    /// - Returns: the continuations, `settings.newTokens` tokens each.
    /// - Throws: the first error a decoder raised (the other workers stop at their next batch).
    public static func continuations(of prompts: TrainingSequences, model: any LanguageModel, settings: DecodingSettings,
                                     threads: Int = ProcessInfo.processInfo.activeProcessorCount, batch: Int = defaultBatch,
                                     progress: ProgressReporter? = nil) throws -> Blocks {
        let count = prompts.count
        let width = settings.newTokens
        let batch = max(1, batch)
        var output = [Int32](repeating: 0, count: count * width)
        let batches = (count + batch - 1) / batch
        let next = Atomic<Int>(0)
        let failure = Mutex<(any Error)?>(nil)
        output.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let destination = buffer
            DispatchQueue.concurrentPerform(iterations: model.decoderUsesAllCores ? 1 : max(1, threads)) { _ in
                while true {
                    let taken = next.wrappingAdd(1, ordering: .relaxed).oldValue
                    if taken >= batches { return }
                    let range = (taken * batch)..<min(count, (taken + 1) * batch)
                    let batchPrompts = range.map { Array(prompts[$0]) }
                    var decoder = model.makeDecoder(prompts: batchPrompts, settings: settings)
                    do {
                        let written = try BeamSearch.continuations(of: batchPrompts, decoder: &decoder, vocabularySize: model.vocabulary.count)
                        for (index, continuation) in zip(range, written) {
                            for (offset, token) in continuation.tokens.enumerated() { destination[index * width + offset] = token }
                        }
                    } catch {
                        failure.withLock { $0 = $0 ?? error }
                        // Every worker's next take is past the end.
                        next.store(batches, ordering: .relaxed)
                        return
                    }
                    progress?.advance(by: range.count)
                }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
        return Blocks(ids: output, length: width)
    }
}

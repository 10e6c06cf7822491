import Foundation
import Dispatch
import LanguageModeling
import Reporting
import Synchronization

/// Writes a generation's corpus: the continuation of every prompt, in prompt order.
///
/// Prompts are handed out in small chunks to `threads` workers; each continuation depends only
/// on its prompt, the model and the settings, and lands at its prompt's index, so the output is
/// identical whatever the thread count or scheduling.
public enum SyntheticCorpus {
    /// Bytes writing `prompts` continuations holds: the continuations themselves, and per
    /// thread the live beams' token lists and penalty sets.
    public static func estimatedBytes(prompts: Int, settings: DecodingSettings, vocabularySize: Int, threads: Int) -> Int {
        let perBeam = settings.newTokens * MemoryLayout<Int32>.size + (vocabularySize + 63) / 64 * 8
        return prompts * settings.newTokens * MemoryLayout<Int32>.size + threads * 2 * settings.beams * perBeam
    }

    /// - Parameters:
    ///   - prompts: the prompts (of any lengths).
    ///   - progress: advanced by one per finished prompt.
    /// - Returns: the continuations back to back, `settings.newTokens` tokens each.
    public static func continuations<Model: LanguageModel>(
        of prompts: TrainingSequences, model: Model, settings: DecodingSettings,
        threads: Int = ProcessInfo.processInfo.activeProcessorCount, progress: ProgressReporter? = nil
    ) -> [Int32] {
        let count = prompts.count
        let ends = prompts.ends
        let width = settings.newTokens
        var output = [Int32](repeating: 0, count: count * width)
        let chunk = 16
        let chunks = (count + chunk - 1) / chunk
        let next = Atomic<Int>(0)
        output.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let destination = buffer
            prompts.tokens.withUnsafeBufferPointer { source in
                nonisolated(unsafe) let prompts = source
                DispatchQueue.concurrentPerform(iterations: max(1, threads)) { _ in
                    while true {
                        let taken = next.wrappingAdd(1, ordering: .relaxed).oldValue
                        if taken >= chunks { return }
                        let range = (taken * chunk)..<min(count, (taken + 1) * chunk)
                        for index in range {
                            let prompt = Array(prompts[(index == 0 ? 0 : ends[index - 1])..<ends[index]])
                            let continuation = BeamSearch.continuation(of: prompt, with: model, settings: settings)
                            for (offset, token) in continuation.tokens.enumerated() {
                                destination[index * width + offset] = token
                            }
                        }
                        progress?.advance(by: range.count)
                    }
                }
            }
        }
        return output
    }
}


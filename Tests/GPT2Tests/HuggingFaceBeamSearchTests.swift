import Foundation
import Testing
import TestSupport
@testable import Decoding
@testable import GPT2
@testable import LanguageModeling
@testable import Tokenization
import Storage

/// A vocabulary of `size` ids (the 4 specials, then placeholder words) for models whose ids have
/// no text, like the Hugging Face reference models.
func placeholderVocabulary(size: Int) throws -> Vocabulary {
    var counts = TokenCounts()
    try TextScanner.scan(MemorySource((4..<size).map { "t\($0)" }.joined(separator: " ") + "\n"), tokenizer: WhitespaceTokenizer(), into: &counts)
    return try Vocabulary.build(from: counts, tokenizer: .whitespace)
}

/// Beam search on the Hugging Face reference models through the driver the pipeline uses: all 5
/// final beams and their scores equal `generate`'s (5 beams, 16 new tokens, penalty 3.0), in
/// both EOS settings, for each prompt alone and for all three in one lockstep batch.
@Suite(.enabled(if: anchorsDirectory() != nil, "WIKITEXT2_DIR is not set: the anchors beside it are not found"))
struct HuggingFaceBeamSearchTests {
    @Test(arguments: ["gpt2-tiny", "gpt2-tiny-perturbed"])
    func finalBeamsEqualGenerate(model name: String) throws {
        let directory = try #require(anchorModel(name))
        let contents = try GPT2Checkpoint.read(path: "\(directory)/model.safetensors")
        let model = try GPT2LanguageModel(configuration: contents.configuration, vocabulary: try placeholderVocabulary(size: 50),
                                          parameters: contents.parameters)
        let reference = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(directory)/reference.json"))) as! [String: Any]
        let prompts = (reference["prompts"] as! [[Int]]).map { $0.map(Int32.init) }
        let settings = DecodingSettings(beams: 5, repetitionPenalty: 3, newTokens: 16)
        for (setting, banned) in [("eos_none", [Int32]()), ("eos_0", [0])] {
            let expected = (reference["generate"] as! [String: Any])[setting] as! [String: Any]
            let beams = (expected["all_5_final_beams"] as! [[[Int]]]).map { $0.map { Array($0.dropFirst(8)).map(Int32.init) } }
            let scores = expected["all_5_final_scores"] as! [[Double]]
            func decoder(_ prompts: [[Int32]]) -> any StepDecoder {
                GPT2Decoder(model: model, prompts: prompts, settings: settings, startToken: false, banned: TokenSet(banned, capacity: 50))
            }
            var batched = decoder(prompts)
            let together = try BeamSearch.finalBeams(of: prompts, decoder: &batched, vocabularySize: 50)
            for (index, prompt) in prompts.enumerated() {
                var single = decoder([prompt])
                let alone = try BeamSearch.finalBeams(of: [prompt], decoder: &single, vocabularySize: 50)[0]
                for found in [alone, together[index]] {
                    #expect(found.map(\.tokens) == beams[index], "\(name) \(setting) prompt \(index)")
                    for (beam, score) in zip(found, scores[index]) {
                        // Hugging Face divides the summed log-probabilities by the new tokens (length penalty 1).
                        #expect(abs(Double(beam.score) / 16 - score) < 1e-4, "\(name) \(setting) prompt \(index): \(beam.score / 16) vs \(score)")
                    }
                }
            }
        }
    }
}

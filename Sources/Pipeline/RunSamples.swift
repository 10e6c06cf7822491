import CorpusStore
import Storage
import Tokenization

extension RunDirectory {
    /// `collapse samples`: prompt block `block` and each listed generation's continuation of it.
    public func samples(block: Int, generations: [Int]?, seed: UInt64?) throws -> String {
        try samples(blocks: [block], generations: generations, seed: seed)[0]
    }

    /// `samples(block:)` for several prompts, reading each block file once.
    public func samples(blocks: [Int], generations: [Int]?, seed: UInt64?) throws -> [String] {
        let seed = seed ?? configuration.seeds[0]
        guard configuration.seeds.contains(seed) else { throw CollapseError("the run has no seed \(seed)", path: path) }
        let shown = generations ?? Array(0..<configuration.generations)
        if let missing = shown.first(where: { $0 < 0 || $0 >= configuration.generations }) {
            throw CollapseError("the run has no generation \(missing)", path: path)
        }
        let corpus = try self.corpus()
        let prompts = try blockTexts(corpus.blocksPath(.train), indices: blocks, vocabulary: corpus.vocabulary)
        var texts = blocks.map { "Prompt (real training block \($0)):\n  \(prompts[$0]!)\n" }
        for k in shown {
            guard let file = try verifiedPath("seed-\(seed)/gen-\(k)/corpus.blocks") else {
                for index in texts.indices { texts[index] += "Gen \(k): (not written yet)\n" }
                continue
            }
            let continuations = try blockTexts(file, indices: blocks, vocabulary: corpus.vocabulary)
            for (index, block) in blocks.enumerated() { texts[index] += "Gen \(k):\n  \(continuations[block]!)\n" }
        }
        return texts
    }

    /// The text of the blocks at `indices`, in one verified pass over the file.
    private func blockTexts(_ file: String, indices: [Int], vocabulary: Vocabulary) throws -> [Int: String] {
        let reader = try BlockFileReader(path: file, vocabulary: vocabulary)
        if let bad = indices.first(where: { $0 < 0 || $0 >= reader.blockCount }) {
            throw CollapseError("block \(bad) is out of range (0..<\(reader.blockCount))", path: file)
        }
        let wanted = Set(indices)
        var texts: [Int: String] = [:]
        var position = 0
        try reader.forEachBlock { ids in
            if wanted.contains(position) { texts[position] = vocabulary.text(of: ids) }
            position += 1
        }
        return texts
    }
}

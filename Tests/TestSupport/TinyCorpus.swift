import CorpusStore
import Storage

/// A WikiText-style directory of skewed random words, imported as a whitespace corpus with
/// 16-token blocks; returns the corpus path.
public func makeTinyCorpus(in root: String) throws -> String {
    var state: UInt64 = 2024
    func next() -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int(state >> 33) }
    try FileSystem.createDirectory("\(root)/source")
    for (split, lines) in [("train", 500), ("valid", 60), ("test", 60)] {
        let text = (0..<lines).map { _ in
            (0..<(3 + next() % 12)).map { _ in "w\((next() % 120) * (next() % 120) / 120)" }.joined(separator: " ")
        }.joined(separator: "\n") + "\n"
        try FileSystem.writeText(text, to: "\(root)/source/\(split).txt")
    }
    var options = ImportOptions()
    options.tokenizer = .whitespace
    options.blockSize = 16
    return try CorpusImporter.importDirectory("\(root)/source", name: "tiny", root: "\(root)/Corpora", options: options).path
}


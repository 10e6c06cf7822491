import Storage
import Tokenization

/// Writes one corpus split in both of its forms: the block file (token ids, for models) and
/// the text file (`.txt.zst`, one detokenized block per line, for people).
public final class SplitWriter {
    private let blocks: BlockFileWriter
    private let textFile: OutputFile
    private let text: ZstdOutputStream
    private let vocabulary: Vocabulary

    /// Writes `<base>.blocks` and `<base>.txt.zst`.
    public init(basePath: String, vocabulary: Vocabulary, blockSize: Int) throws {
        self.vocabulary = vocabulary
        blocks = try BlockFileWriter(path: basePath + ".blocks", vocabulary: vocabulary, blockSize: blockSize)
        textFile = try OutputFile(path: basePath + ".txt.zst")
        text = try ZstdOutputStream(file: textFile, level: 3)
    }

    public var blockCount: Int { blocks.blockCount }

    public func append(_ block: UnsafeBufferPointer<Int32>) throws {
        try blocks.append(block)
        try text.write(vocabulary.text(of: block) + "\n")
    }

    /// Both files are renamed into place only here.
    public func finish() throws {
        try blocks.finish()
        try text.finish()
        try textFile.commit()
    }
}

import CorpusStore
import LanguageModeling
import Foundation
import Storage
import Tokenization

/// What `collapse generate --shard K/N` records beside its output (`<out>.shard.json`): which
/// shard of which pass it wrote. `collapse merge` joins shards only when their records show
/// one whole pass: the same prompts, model and decoding settings, every shard 0..<N exactly
/// once and in order, each holding its share of the prompts.
public struct ShardRecord: Codable, Sendable, Equatable {
    public var index: Int
    public var count: Int
    /// Prompts of the whole pass (after `--limit`), and the prompt file's ids checksum.
    public var prompts: Int
    public var promptsChecksum: String
    /// XXH64 of the model file.
    public var model: String
    public var decoding: DecodingSettings
    /// The shard's own block file's ids checksum, tying the record to the blocks beside it.
    public var blocksChecksum: String

    public init(shard: Shard, prompts: Int, promptsChecksum: UInt64, modelPath: String, decoding: DecodingSettings,
                blocksPath: String) throws {
        index = shard.index
        count = shard.count
        self.prompts = prompts
        self.promptsChecksum = promptsChecksum.hexDigits
        model = try fileChecksum(modelPath)
        self.decoding = decoding
        blocksChecksum = try BlockFileReader(path: blocksPath).header.payloadChecksum.hexDigits
    }

    public static func path(base: String) -> String { "\(base).shard.json" }

    public func write(base: String) throws {
        try FileSystem.writeText(try prettyJSON(self), to: Self.path(base: base))
    }

    static func read(base: String) throws -> ShardRecord {
        let path = Self.path(base: base)
        guard FileSystem.exists(path) else {
            throw CollapseError("no shard record: not written by `collapse generate --shard K/N`", path: path)
        }
        do {
            return try JSONDecoder().decode(ShardRecord.self, from: Data(InputFile(path: path).readAll()))
        } catch let error as CollapseError { throw error } catch {
            throw CollapseError("not a valid shard record", path: path)
        }
    }

    /// The fields every shard of one pass shares.
    private var pass: [String] {
        ["\(count)", "\(prompts)", promptsChecksum, model, "\(decoding.beams)", "\(decoding.repetitionPenalty)", "\(decoding.newTokens)"]
    }

    /// - Throws: unless the shards at `bases` (in the order given) are one whole pass, naming
    ///   the first shard that is not where it belongs.
    public static func checkWholePass(_ bases: [String], vocabulary: Vocabulary) throws {
        let records = try bases.map { try read(base: $0) }
        guard let first = records.first else { throw CollapseError("nothing to merge: no shards") }
        guard records.count == first.count else {
            throw CollapseError("\(records.count) shard(s) given, but the pass has \(first.count)", path: path(base: bases[0]))
        }
        for (position, (base, record)) in zip(bases, records).enumerated() {
            let file = path(base: base)
            guard record.pass == first.pass else {
                throw CollapseError("shard of another pass than \(path(base: bases[0])) (other prompts, model or decoding settings)", path: file)
            }
            guard record.index == position else {
                throw CollapseError("shard \(record.index)/\(record.count) given in place \(position): give shards 0…\(first.count - 1) once each, in order", path: file)
            }
            let reader = try BlockFileReader(path: "\(base).blocks", vocabulary: vocabulary)
            let share = try Shard(index: record.index, count: record.count).range(of: record.prompts).count
            guard reader.header.payloadChecksum.hexDigits == record.blocksChecksum, reader.blockCount == share else {
                throw CollapseError("holds \(reader.blockCount) blocks that are not the ones its record describes (\(share) of shard \(record.index)/\(record.count))", path: reader.path)
            }
        }
    }
}

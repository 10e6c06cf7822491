import Foundation
import ZIPFoundation

/// Reading gzip files (RFC 1952), such as the digits corpus as it is distributed: the member's
/// header is parsed here, its deflate data inflated by ZIPFoundation (zlib), and the trailer's
/// CRC-32 and length checked, so a damaged or truncated file is refused rather than half read.
public enum Gzip {
    /// The content of a single-member gzip file.
    /// - Complexity: O(n) in the compressed and decompressed sizes.
    public static func decompress(_ bytes: [UInt8], path: String) throws -> [UInt8] {
        let start = try payloadStart(bytes, path: path)
        guard bytes.count >= start + 8 else { throw CollapseError("gzip data is truncated", path: path) }
        let payload = Data(bytes[start...])
        let chunk = 1 << 16
        var output: [UInt8] = []
        let checksum: UInt32
        do {
            checksum = try Data.decompress(size: Int64(payload.count), bufferSize: chunk, skipCRC32: false, provider: { position, size in
                // zlib is told every chunk is `size` bytes long, so the last one is padded; asking
                // past the end means the deflate stream never ended.
                let offset = Int(position)
                guard offset < payload.count else { throw CollapseError("gzip data is truncated", path: path) }
                var piece = payload.subdata(in: offset..<min(payload.count, offset + size))
                piece.append(Data(count: size - piece.count))
                return piece
            }, consumer: { output.append(contentsOf: $0) })
        } catch let error as CollapseError {
            throw error
        } catch {
            throw CollapseError("gzip data is damaged (\(error))", path: path)
        }
        let trailer = bytes.suffix(8).map(UInt32.init)
        let storedChecksum = trailer[0] | trailer[1] << 8 | trailer[2] << 16 | trailer[3] << 24
        let storedLength = trailer[4] | trailer[5] << 8 | trailer[6] << 16 | trailer[7] << 24
        guard storedChecksum == checksum, storedLength == UInt32(truncatingIfNeeded: output.count) else {
            throw CollapseError("gzip data fails its CRC-32 or length check (damaged or truncated file?)", path: path)
        }
        return output
    }

    /// The whole content of a file, decompressed when its name ends in `.gz`.
    public static func readAll(path: String) throws -> [UInt8] {
        let bytes = try InputFile(path: path).readAll()
        return path.hasSuffix(".gz") ? try decompress(bytes, path: path) : bytes
    }

    /// Where the deflate data begins: after the fixed header and the optional fields its flags name.
    static func payloadStart(_ bytes: [UInt8], path: String) throws -> Int {
        guard bytes.count >= 10, bytes[0] == 0x1f, bytes[1] == 0x8b else { throw CollapseError("not a gzip file", path: path) }
        guard bytes[2] == 8 else { throw CollapseError("gzip compression method \(bytes[2]) is not deflate", path: path) }
        let flags = bytes[3]
        var position = 10
        if flags & 0x04 != 0 {
            guard bytes.count >= position + 2 else { throw CollapseError("gzip header is truncated", path: path) }
            position += 2 + (Int(bytes[position]) | Int(bytes[position + 1]) << 8)
        }
        for flag: UInt8 in [0x08, 0x10] where flags & flag != 0 {
            guard let end = bytes[min(position, bytes.count)...].firstIndex(of: 0) else { throw CollapseError("gzip header is truncated", path: path) }
            position = end + 1
        }
        if flags & 0x02 != 0 { position += 2 }
        return position
    }
}

import Foundation
import ZIPFoundation

/// A single-member gzip file of `bytes`: the header, raw deflate from ZIPFoundation, CRC-32 and length.
public func gzipped(_ bytes: [UInt8]) throws -> [UInt8] {
    var deflated = Data()
    let input = Data(bytes)
    let checksum = try Data.compress(size: Int64(input.count), bufferSize: 1 << 14, provider: { position, size in
        input.subdata(in: Int(position)..<(Int(position) + size))
    }, consumer: { deflated.append($0) })
    let little: (UInt32) -> [UInt8] = { value in (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
    return [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3] + [UInt8](deflated) + little(checksum) + little(UInt32(bytes.count))
}

/// XXH64 of a whole file, as 16 hex digits: how manifests record the files they vouch for.
/// - Complexity: O(file size), read in 1 MiB chunks.
public func fileChecksum(_ path: String) throws -> String {
    let file = try InputFile(path: path)
    var hasher = XXHash64()
    var buffer = [UInt8](repeating: 0, count: 1 << 20)
    while true {
        let count = try buffer.withUnsafeMutableBytes { try file.read(into: $0) }
        if count == 0 { break }
        buffer.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
    }
    return hasher.finalize().hexDigits
}

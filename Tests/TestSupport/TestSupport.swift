import Foundation

/// `WIKITEXT2_DIR`, when set and non-empty: tests that need the full corpus run only then.
public let wikiText2Directory = ProcessInfo.processInfo.environment["WIKITEXT2_DIR"].flatMap { $0.isEmpty ? nil : $0 }

/// A fresh directory under the system's temporary directory, named for the calling test.
public func temporaryDirectory(_ name: String = #function) throws -> String {
    let path = "\(NSTemporaryDirectory())collapse-tests-\(ProcessInfo.processInfo.processIdentifier)-\(name.filter(\.isLetter))-\(UInt32.random(in: 0...UInt32.max))"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// `../shared/anchors` beside the WikiText-2 directory (`../shared/corpora/wikitext-2`).
public func anchorsDirectory() -> URL? {
    wikiText2Directory.map {
        URL(fileURLWithPath: $0).standardizedFileURL.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("anchors")
    }
}

/// The handwritten digits: `DIGITS_DIR` when set, else `../shared/corpora/digits` beside the
/// WikiText-2 directory, when it is there.
public let digitsDirectory: String? = {
    if let path = ProcessInfo.processInfo.environment["DIGITS_DIR"], !path.isEmpty { return path }
    guard let wikiText2Directory else { return nil }
    let sibling = URL(fileURLWithPath: wikiText2Directory).standardizedFileURL.deletingLastPathComponent().appendingPathComponent("digits").path
    return FileManager.default.fileExists(atPath: "\(sibling)/digits.csv.gz") ? sibling : nil
}()

/// Replaces the file at `path` with `bytes` (a damaged or truncated copy, say).
public func writeBytes(_ bytes: [UInt8], to path: String) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

/// How many of the pages under `bytes` are in this process's resident memory (from
/// `/proc/self/pagemap`'s present bit), of how many.
public func residentPages(_ bytes: UnsafeRawBufferPointer) -> (resident: Int, total: Int) {
    guard let base = bytes.baseAddress, !bytes.isEmpty, let map = FileHandle(forReadingAtPath: "/proc/self/pagemap") else { return (0, 0) }
    defer { try? map.close() }
    let page = Int(sysconf(Int32(_SC_PAGESIZE)))
    let first = Int(bitPattern: base) / page, last = (Int(bitPattern: base) + bytes.count - 1) / page
    var resident = 0
    for index in first...last {
        try? map.seek(toOffset: UInt64(index * 8))
        guard let entry = try? map.read(upToCount: 8), entry.count == 8 else { continue }
        if entry.withUnsafeBytes({ $0.loadUnaligned(as: UInt64.self) }) >> 63 == 1 { resident += 1 }
    }
    return (resident, last - first + 1)
}

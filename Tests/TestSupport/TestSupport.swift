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

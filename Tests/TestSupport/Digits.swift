import Foundation
import Storage

/// CSV text of `count` synthetic digits in the corpus's format: class c (index mod 10) has a
/// bright column c mod 8 and a bright row c / 2, the other pixels dim noise.
public func syntheticDigitsCSV(count: Int, seed: UInt64 = 5) -> String {
    var random = SplitMix64(seed: seed)
    return (0..<count).map { index in
        let label = index % 10
        let pixels = (0..<64).map { pixel -> String in
            let bright = pixel % 8 == label % 8 || pixel / 8 == label / 2
            return "\(bright ? 10 + Int(random.next() % 7) : Int(random.next() % 4))"
        }
        return (pixels + ["\(label)"]).joined(separator: ",")
    }.joined(separator: "\n") + "\n"
}

/// Every file of a VAE run directory but its manifest (it records timings) and lock, by
/// relative path; the report with the run's directory name taken out of its title.
public func vaeRunFiles(_ directory: String) throws -> [String: Data] {
    var files: [String: Data] = [:]
    let enumerator = FileManager.default.enumerator(atPath: directory)
    while let relative = enumerator?.nextObject() as? String {
        var isDirectory: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: "\(directory)/\(relative)", isDirectory: &isDirectory)
        if !isDirectory.boolValue, relative != "manifest.json", relative != ".lock" {
            files[relative] = try Data(contentsOf: URL(fileURLWithPath: "\(directory)/\(relative)"))
        }
    }
    if let report = files["report.html"] {
        let name = URL(fileURLWithPath: directory).lastPathComponent
        files["report.html"] = Data(String(decoding: report, as: UTF8.self).replacingOccurrences(of: "VAE run \(name)", with: "VAE run").utf8)
    }
    return files
}

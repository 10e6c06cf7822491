import Foundation
import Reporting
import Storage
import ZIPFoundation

/// Public corpora `collapse corpus fetch` knows how to get.
public enum KnownCorpus: String, CaseIterable, Sendable {
    case wikiText2 = "wikitext-2"

    /// The public mirror of the original release archive (Merity et al. 2016, CC BY-SA 3.0).
    public var mirror: String {
        switch self {
        case .wikiText2: "https://wikitext.smerity.com/wikitext-2-v1.zip"
        }
    }
}

/// Downloads a corpus archive, unpacks it and imports it.
///
/// The archive and its contents go to `<root>/.downloads/`; nothing under `<root>/<name>` is
/// touched unless the whole download, unpacking and import succeed.
public enum CorpusFetcher {
    public static func fetch(_ corpus: KnownCorpus, from url: String? = nil, name: String, root: String,
                             options: ImportOptions) throws -> Corpus {
        let address = url ?? corpus.mirror
        let destination = "\(root)/\(name)"
        if FileSystem.exists(destination) && !options.replaceExisting {
            throw CollapseError("already exists (use --force to replace it)", path: destination)
        }
        let downloads = "\(root)/.downloads"
        try FileSystem.createDirectory(downloads)
        let archivePath = "\(downloads)/\(corpus.rawValue).zip"
        try download(address, to: archivePath)
        let unpacked = "\(downloads)/\(corpus.rawValue)"
        try FileSystem.remove(unpacked)
        try unpack(archivePath, into: unpacked)
        guard let source = try splitDirectory(under: unpacked) else {
            throw CollapseError("archive from \(address) has no WikiText-style split files", path: archivePath)
        }
        return try CorpusImporter.importDirectory(source, name: name, root: root, options: options)
    }

    /// Fetches `address` into `path` (atomically) with `curl`, whose progress meter (bytes, rate,
    /// time left) goes to stderr. A child process rather than an HTTP client linked in: the
    /// client's libraries (curl, TLS, Kerberos…) would load at the start of every command.
    static func download(_ address: String, to path: String) throws {
        guard let url = URL(string: address), let scheme = url.scheme, ["http", "https", "file"].contains(scheme) else {
            throw CollapseError("not a URL this tool can download from", path: address)
        }
        let file = try OutputFile(path: path)
        let quiet = ProgressReporter.isQuiet
        // curl writes over the temporary file `file` holds open, so committing it renames what curl wrote.
        let curl = Process()
        curl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        curl.arguments = ["curl", "--location", "--silent", "--show-error", "--output", file.temporaryPath,
                          "--write-out", "%{http_code}"] + (quiet ? [] : ["--progress-bar"]) + ["--", address]
        let status = Pipe(), errors = Pipe()
        curl.standardOutput = status
        curl.standardError = quiet ? errors : FileHandle.standardError
        do { try curl.run() } catch { throw CollapseError("download failed: cannot run curl (\(error))", path: address) }
        let code = String(decoding: status.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let message = quiet ? String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) : ""
        curl.waitUntilExit()
        // curl reports 000 where no HTTP status came back (file URLs, connection failures).
        if let http = Int(code), http != 0, !(200..<300).contains(http) {
            throw CollapseError("download failed: HTTP \(http)", path: address)
        }
        guard curl.terminationStatus == 0 else {
            let reason = message.split(whereSeparator: \.isNewline).first.map(String.init) ?? "curl exited with status \(curl.terminationStatus)"
            throw CollapseError("download failed: \(reason)", path: address)
        }
        try file.commit()
    }

    /// Unpacks every regular file of a zip archive under `directory`, checking each entry's CRC.
    static func unpack(_ archivePath: String, into directory: String) throws {
        let archive: Archive
        do {
            archive = try Archive(url: URL(fileURLWithPath: archivePath), accessMode: .read)
        } catch {
            throw CollapseError("not a readable zip archive", path: archivePath)
        }
        try FileSystem.createDirectory(directory)
        for entry in archive where entry.type == .file {
            let components = entry.path.split(separator: "/")
            guard !components.isEmpty, !components.contains(".."), !entry.path.hasPrefix("/") else {
                throw CollapseError("archive entry '\(entry.path)' points outside the archive", path: archivePath)
            }
            let target = "\(directory)/\(components.joined(separator: "/"))"
            try FileSystem.createDirectory(String(target[..<target.lastIndex(of: "/")!]))
            let output = try OutputFile(path: target)
            do {
                let checksum = try archive.extract(entry) { data in
                    try data.withUnsafeBytes { try output.write($0) }
                }
                // ZIPFoundation computes the CRC but leaves the comparison to the caller.
                guard checksum == entry.checksum else {
                    throw CollapseError("archive entry '\(entry.path)' fails its CRC check (damaged download?)", path: archivePath)
                }
            } catch let error as CollapseError {
                throw error
            } catch {
                throw CollapseError("archive entry '\(entry.path)' is damaged (\(error))", path: archivePath)
            }
            try output.commit()
        }
    }

    /// The first directory (breadth-first) that holds a WikiText-style set of split files.
    static func splitDirectory(under root: String) throws -> String? {
        var queue = [root]
        while !queue.isEmpty {
            let directory = queue.removeFirst()
            if (try? WikiTextLayout.locate(in: directory)) != nil { return directory }
            queue += try FileSystem.contents(of: directory).map { "\(directory)/\($0)" }.filter(FileSystem.isDirectory)
        }
        return nil
    }
}

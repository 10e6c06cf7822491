import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Reporting
import Storage
import Synchronization
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

    /// Fetches `address` into `path` (atomically), with progress on stderr.
    static func download(_ address: String, to path: String) throws {
        guard let url = URL(string: address), let scheme = url.scheme, ["http", "https", "file"].contains(scheme) else {
            throw CollapseError("not a URL this tool can download from", path: address)
        }
        let file = try OutputFile(path: path)
        let delegate = DownloadDelegate(file: file)
        let session = URLSession(configuration: .ephemeral, delegate: delegate, delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        session.dataTask(with: url).resume()
        delegate.done.wait()
        if let problem = delegate.problem { throw CollapseError(problem, path: address) }
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

/// Streams a response body into a file and records the outcome.
private final class DownloadDelegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    // Callbacks arrive serially on the session's queue; `done` publishes the result.
    private let file: OutputFile
    private var progress: ProgressReporter?
    private(set) var problem: String?
    let done = DispatchSemaphore(value: 0)

    init(file: OutputFile) {
        self.file = file
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        if let http = response as? HTTPURLResponse, !(200..<300).contains(http.statusCode) {
            problem = "download failed: HTTP \(http.statusCode)"
            completionHandler(.cancel)
            return
        }
        let expected = response.expectedContentLength
        progress = ProgressReporter(stage: "download", total: expected > 0 ? Int(expected) : 0, unit: "B")
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        guard problem == nil else { return }
        do {
            try data.withUnsafeBytes { try file.write($0) }
            progress?.advance(by: data.count)
        } catch {
            problem = "\(error)"
            dataTask.cancel()
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        progress?.finish()
        if problem == nil, let error {
            problem = "download failed: \(error.localizedDescription)"
        }
        done.signal()
    }
}

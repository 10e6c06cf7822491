import Foundation
import Testing
import TestSupport
import ZIPFoundation
@testable import CorpusStore
@testable import Storage

/// A one-thread HTTP/1.0 server on 127.0.0.1 that serves fixed bodies by path and 404 otherwise.
final class LoopbackServer: Sendable {
    let port: UInt16
    private let socket: Int32

    init(routes: [String: [UInt8]]) throws {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 8) == 0 else { throw CollapseError("cannot listen on 127.0.0.1") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = UInt16(bigEndian: address.sin_port)
        socket = fd
        Thread.detachNewThread {
            while true {
                let client = accept(fd, nil, nil)
                if client < 0 { return }
                var request = [UInt8](repeating: 0, count: 4096)
                let count = recv(client, &request, request.count, 0)
                let line = String(decoding: request[..<max(count, 0)], as: UTF8.self).split(separator: " ")
                let path = line.count > 1 ? String(line[1]) : "/"
                let body = routes[path]
                var response = Array((body == nil ? "HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n"
                    : "HTTP/1.0 200 OK\r\nContent-Length: \(body!.count)\r\nContent-Type: application/zip\r\n\r\n").utf8)
                response += body ?? []
                var sent = 0
                while sent < response.count {
                    let n = response[sent...].withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                    if n <= 0 { break }
                    sent += n
                }
                close(client)
            }
        }
    }

    deinit { shutdown(socket, Int32(SHUT_RDWR)); close(socket) }
}

@Suite struct FetchTests {
    /// A zip laid out like the WikiText-2 release: `wikitext-2/wiki.{split}.tokens`.
    func fixtureArchive(in root: String) throws -> [UInt8] {
        try makeWikiTextFixture(in: "\(root)/wikitext-2", names: { "wiki.\($0.rawValue).tokens" })
        let archivePath = "\(root)/fixture.zip"
        let archive = try Archive(url: URL(fileURLWithPath: archivePath), accessMode: .create)
        for split in Split.allCases {
            try archive.addEntry(with: "wikitext-2/wiki.\(split.rawValue).tokens", relativeTo: URL(fileURLWithPath: root),
                                 compressionMethod: .deflate)
        }
        return try fileBytes(archivePath)
    }

    @Test func fetchesUnpacksAndImportsFromAnHTTPServer() throws {
        let root = try temporaryDirectory()
        defer { try? FileSystem.remove(root) }
        let server = try LoopbackServer(routes: ["/wikitext-2-v1.zip": try fixtureArchive(in: root)])
        var options = ImportOptions()
        options.blockSize = 8
        let corpus = try CorpusFetcher.fetch(.wikiText2, from: "http://127.0.0.1:\(server.port)/wikitext-2-v1.zip",
                                             name: "wikitext-2", root: "\(root)/Corpora", options: options)
        #expect(corpus.manifest.record(for: .train)?.statistics.lines == 60)
        #expect(corpus.manifest.tokenizer == .icu)
        #expect(FileSystem.exists("\(root)/Corpora/.downloads/wikitext-2/wikitext-2/wiki.valid.tokens"))
    }

    @Test func missingArchiveIsAnErrorAndChangesNothing() throws {
        let root = try temporaryDirectory()
        defer { try? FileSystem.remove(root) }
        let server = try LoopbackServer(routes: [:])
        let url = "http://127.0.0.1:\(server.port)/nothing.zip"
        #expect(throws: CollapseError("download failed: HTTP 404", path: url)) {
            try CorpusFetcher.fetch(.wikiText2, from: url, name: "wikitext-2", root: "\(root)/Corpora", options: ImportOptions())
        }
        #expect(!FileSystem.exists("\(root)/Corpora/wikitext-2"))
    }

    @Test func damagedArchiveIsAnError() throws {
        let root = try temporaryDirectory()
        defer { try? FileSystem.remove(root) }
        var archive = try fixtureArchive(in: root)
        // Inside the first entry's deflated data (its local header is 30 bytes plus the name).
        archive[90] ^= 0xFF
        let server = try LoopbackServer(routes: ["/a.zip": archive, "/junk.zip": Array("not a zip".utf8)])
        for name in ["a.zip", "junk.zip"] {
            #expect(throws: CollapseError.self) {
                try CorpusFetcher.fetch(.wikiText2, from: "http://127.0.0.1:\(server.port)/\(name)",
                                        name: "wikitext-2", root: "\(root)/Corpora", options: ImportOptions())
            }
        }
        #expect(!FileSystem.exists("\(root)/Corpora/wikitext-2"))
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// Writes straight to file descriptor 2 (the C `stderr` global is not concurrency-safe).
public func writeToStandardError(_ text: String) {
    var text = text
    text.withUTF8 { bytes in
        var offset = 0
        while offset < bytes.count {
            let written = write(2, bytes.baseAddress! + offset, bytes.count - offset)
            if written <= 0 { return }
            offset += written
        }
    }
}

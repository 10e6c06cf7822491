#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Files whose every checksum was verified, remembered by what identifies their bytes on disk
/// (device, inode, size, modification and change times to the nanosecond, and a fingerprint the
/// caller gives, such as the checksum of the file's table of contents), so that opening the same
/// unchanged file again needs no second pass over it. A write to the file, or any change to its
/// metadata, sets its change time, which no program can set back; so a record holds only while
/// the bytes are the ones verified. What a record cannot see is the medium itself decaying
/// under an unchanged file: `COLLAPSE_VERIFY=always` verifies at every opening.
///
/// Records live in `$COLLAPSE_CACHE`, else `$XDG_CACHE_HOME/collapse`, else `~/.cache/collapse`;
/// when none can be written, nothing is recorded and every opening verifies.
public enum VerificationRecord {
    /// A file changed less than this long ago is not recorded: file times advance in steps of a
    /// clock tick, so a change within the same tick as the verification could leave them equal.
    static let settlingSeconds: Int = 2

    /// Whether `path` was verified as it is now, with the same `fingerprint`.
    public static func holds(for path: String, fingerprint: String) -> Bool {
        guard ProcessInfo.processInfo.environment["COLLAPSE_VERIFY"] != "always",
              let identity = Identity(path: path), let file = recordFile(for: identity),
              let recorded = try? String(contentsOfFile: file, encoding: .utf8) else { return false }
        return recorded == identity.line(fingerprint: fingerprint)
    }

    /// Records that `path` was verified whole, unless it changed too recently to be told apart
    /// from a later change. Failing to record changes nothing but the next opening's work.
    public static func record(for path: String, fingerprint: String) {
        guard let identity = Identity(path: path), identity.isSettled, let file = recordFile(for: identity) else { return }
        try? FileSystem.createDirectory(FileSystem.parent(of: file))
        try? FileSystem.writeText(identity.line(fingerprint: fingerprint), to: file)
    }

    /// What identifies a file's bytes on disk.
    struct Identity {
        let device, inode: UInt64
        let size: Int64
        let modified, changed: (seconds: Int, nanoseconds: Int)

        init?(path: String) {
            var info = stat()
            guard stat(path, &info) == 0 else { return nil }
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
            size = Int64(info.st_size)
            modified = (info.st_mtim.tv_sec, info.st_mtim.tv_nsec)
            changed = (info.st_ctim.tv_sec, info.st_ctim.tv_nsec)
        }

        var isSettled: Bool { time(nil) - changed.seconds >= VerificationRecord.settlingSeconds }

        func line(fingerprint: String) -> String {
            "\(size) \(modified.seconds).\(modified.nanoseconds) \(changed.seconds).\(changed.nanoseconds) \(fingerprint)\n"
        }
    }

    static func recordFile(for identity: Identity) -> String? {
        let environment = ProcessInfo.processInfo.environment
        let directory: String
        if let cache = environment["COLLAPSE_CACHE"], !cache.isEmpty {
            directory = cache
        } else if let cache = environment["XDG_CACHE_HOME"], !cache.isEmpty {
            directory = "\(cache)/collapse"
        } else if let home = environment["HOME"], !home.isEmpty {
            directory = "\(home)/.cache/collapse"
        } else {
            return nil
        }
        return "\(directory)/verified/\(identity.device)-\(identity.inode)"
    }
}

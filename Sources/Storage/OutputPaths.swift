#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The check every command makes of where it will write, before any work starts: each output
/// can be written, no two outputs are one file, and no output is one of the command's inputs
/// (an output renamed over an input would destroy the data it was computed from).
public enum OutputPaths {
    /// - Parameters:
    ///   - outputs: the files the command will write.
    ///   - inputs: the files it reads (a directory stands for itself only; name its files).
    /// - Throws: a one-line error naming the output and, for a clash, the other path.
    /// - Complexity: one `stat` per path, O(outputs × (outputs + inputs)) comparisons.
    public static func check(outputs: [String], inputs: [String]) throws {
        let inputIdentities = inputs.map { (path: $0, identity: identity(of: $0)) }
        var seen: [(path: String, key: String)] = []
        for output in outputs {
            try FileSystem.checkWritable(output)
            let key = normalized(output)
            if let earlier = seen.first(where: { $0.key == key }) {
                throw CollapseError("written twice: it is also the output \(earlier.path)", path: output)
            }
            seen.append((output, key))
            let outputIdentity = identity(of: output)
            for input in inputIdentities where normalized(input.path) == key || (outputIdentity != nil && input.identity == outputIdentity) {
                throw CollapseError("is one of the command's inputs (\(input.path)); writing it would destroy that input", path: output)
            }
        }
    }

    /// Device and inode of an existing file (hard links and symbolic links resolve to it).
    static func identity(of path: String) -> [UInt64]? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return [UInt64(status.st_dev), UInt64(status.st_ino)]
    }

    /// An absolute spelling of a path whose file may not exist yet: the real path of its
    /// directory, then its last component.
    static func normalized(_ path: String) -> String {
        let directory = FileSystem.parent(of: path)
        guard let resolved = realpath(directory, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved) + "/" + FileSystem.lastComponent(of: path)
    }
}

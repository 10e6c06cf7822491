#if canImport(Glibc)
import Glibc
#endif
import Storage

/// How much memory a command may plan to use, and the check that refuses a setting whose
/// estimated need does not fit, before any work starts.
///
/// The budget is the kernel's `MemAvailable`, capped by the cgroup's limit when there is one;
/// `COLLAPSE_MEMORY_LIMIT` (bytes, or with a K/M/G suffix) overrides it, e.g. to leave room for
/// other jobs.
public enum MemoryBudget {
    /// Bytes available, or nil when it cannot be told (then nothing is refused).
    /// - Throws: when `COLLAPSE_MEMORY_LIMIT` is set but is not a size.
    public static func available() throws -> Int? {
        if let text = getenv("COLLAPSE_MEMORY_LIMIT").map({ String(cString: $0) }) {
            guard let bytes = parseSize(text) else {
                throw CollapseError("COLLAPSE_MEMORY_LIMIT '\(text)' is not a size (bytes, or a number with K, M, G or T)")
            }
            return bytes
        }
        var budget = meminfoAvailable()
        if let limit = cgroupRemaining() { budget = min(budget ?? limit, limit) }
        return budget
    }

    /// - Throws: `CollapseError` "`what` needs about X GiB of memory, but only Y GiB is available …".
    public static func ensure(_ bytes: Int, for what: String, path: String? = nil) throws {
        guard let available = try available(), bytes > available else { return }
        throw CollapseError("\(what) needs about \(describe(bytes)) of memory, but only \(describe(available)) is available (COLLAPSE_MEMORY_LIMIT or the system's free memory)", path: path)
    }

    /// "1.5 GiB", "300 MiB".
    public static func describe(_ bytes: Int) -> String {
        let units: [(String, Double)] = [("GiB", 1_073_741_824), ("MiB", 1_048_576), ("KiB", 1024)]
        for (name, size) in units where Double(bytes) >= size {
            let value = Double(bytes) / size
            return value >= 100 ? "\(Int(value.rounded())) \(name)" : "\((value * 10).rounded() / 10) \(name)"
        }
        return "\(bytes) B"
    }

    /// "512M", "2G", "1048576" → bytes.
    static func parseSize(_ text: String) -> Int? {
        let text = trimmed(text)
        guard let last = text.last else { return nil }
        let multipliers: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
        if let multiplier = multipliers[Character(last.uppercased())] {
            return Int(text.dropLast()).flatMap { Int.product(of: [$0, multiplier]) }
        }
        return Int(text).flatMap { $0 >= 0 ? $0 : nil }
    }

    static func meminfoAvailable() -> Int? {
        guard let text = try? InputFile.readText(path: "/proc/meminfo") else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("MemAvailable:") {
            let fields = line.split(separator: " ")
            if fields.count >= 2, let kibibytes = Int(fields[1]) { return Int.product(of: [kibibytes, 1024]) }
        }
        return nil
    }

    /// cgroup v2 `memory.max − memory.current` of this process's group, when limited.
    static func cgroupRemaining() -> Int? {
        guard let maximum = try? InputFile.readText(path: "/sys/fs/cgroup/memory.max"),
              let limit = Int(trimmed(maximum)) else { return nil }
        let current = (try? InputFile.readText(path: "/sys/fs/cgroup/memory.current")).flatMap { Int(trimmed($0)) } ?? 0
        return max(0, limit - current)
    }
}

/// `text` without surrounding spaces and line breaks.
private func trimmed(_ text: String) -> String {
    let blank: Set<Character> = [" ", "\n", "\t"]
    return String(text.drop(while: { blank.contains($0) }).reversed().drop(while: { blank.contains($0) }).reversed())
}

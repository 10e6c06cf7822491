import Foundation
import Reporting
import Storage

/// One child process run to completion: its wall time, its CPU time (user + system, from
/// `wait4`) and its peak resident memory. `wait4`'s peak counts the memory of the process that
/// spawned it (the spawned child shares it until it starts the program), so the peak is read
/// instead from the child's own `VmHWM` in /proc, every few milliseconds while it runs.
struct ChildRun {
    var wall: Double
    var cpu: Double
    var peakKiB: Int

    var peakMiB: Double { Double(peakKiB) / 1024 }

    static let slowest = ChildRun(wall: .infinity, cpu: .infinity, peakKiB: .max)

    init(wall: Double, cpu: Double, peakKiB: Int) {
        (self.wall, self.cpu, self.peakKiB) = (wall, cpu, peakKiB)
    }

    /// Runs `executable` with stdout discarded and stdin from `input` (or nothing); a failure
    /// names the command, its exit status and the last line it wrote to stderr.
    init(_ executable: String, _ arguments: [String], input: String? = nil) throws {
        let errors = "\(NSTemporaryDirectory())collapse-bench-child-\(ProcessInfo.processInfo.processIdentifier).err"
        defer { try? FileSystem.remove(errors) }
        var pid: pid_t = 0
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, input ?? "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, errors, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let start = monotonicSeconds()
        guard posix_spawn(&pid, executable, &actions, nil, argv, environ) == 0 else { throw CollapseError("cannot start", path: executable) }
        var status: Int32 = 0
        var usage = rusage()
        var peak = 0
        while wait4(pid, &status, WNOHANG, &usage) == 0 {
            peak = max(peak, Self.highWaterKiB(of: pid))
            usleep(2_000)
        }
        wall = monotonicSeconds() - start
        guard status == 0 else {
            let said = (try? InputFile.readText(path: errors))?.split(whereSeparator: \.isNewline).last.map { ": \($0)" } ?? ""
            let how = status & 0x7f == 0 ? "exit status \(status >> 8)" : "signal \(status & 0x7f)"
            throw CollapseError("\(FileSystem.lastComponent(of: executable)) \(arguments.joined(separator: " ")) failed (\(how))\(said)", path: executable)
        }
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) * 1e-6 }
        cpu = seconds(usage.ru_utime) + seconds(usage.ru_stime)
        peakKiB = peak
    }

    /// `VmHWM` of a running process, KiB (0 once it has exited, or before it started its program).
    static func highWaterKiB(of pid: pid_t) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return 0 }
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }

    /// Each figure the better of the two.
    func best(_ other: ChildRun) -> ChildRun {
        ChildRun(wall: min(wall, other.wall), cpu: min(cpu, other.cpu), peakKiB: min(peakKiB, other.peakKiB))
    }
}

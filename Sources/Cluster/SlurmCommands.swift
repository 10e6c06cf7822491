import Foundation
import Storage

/// Slurm's client commands (`sbatch`, `squeue`, `scancel`), run as child processes from the
/// `PATH`; `SLURM_CONF` and the rest of the environment pass through to them and to the jobs.
struct SlurmCommands: Sendable {
    /// What one job or array task is doing.
    struct TaskState: Sendable, Equatable {
        /// Slurm's state name, e.g. PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, TIMEOUT.
        var state: String
        /// Why it waits or ended, e.g. Dependency, NonZeroExitCode, DependencyNeverSatisfied.
        var reason: String

        var hasEnded: Bool { !["PENDING", "RUNNING", "CONFIGURING", "COMPLETING", "REQUEUED", "RESIZING", "SUSPENDED"].contains(state) }
        var succeeded: Bool { state == "COMPLETED" }
    }

    /// Submits a job whose script is the shell command line `command` and returns its id.
    func submit(_ command: String, options: [String]) throws -> String {
        let output = try run("sbatch", ["--parsable"] + options + ["--wrap", "exec \(command)"])
        guard let id = output.split(separator: "\n").last?.split(separator: ";").first.map(String.init), !id.isEmpty,
              id.allSatisfy(\.isNumber) else {
            throw CollapseError("sbatch printed no job id: \(output.prefix(200))")
        }
        return id
    }

    /// The state of every task of `jobs` still known to the controller, by "ID" or "ID_TASK".
    /// Jobs Slurm has forgotten (finished longer ago than its MinJobAge) are absent.
    func states(of jobs: [String]) throws -> [String: TaskState] {
        guard !jobs.isEmpty else { return [:] }
        let output: String
        do {
            output = try run("squeue", ["-h", "-r", "-t", "all", "-j", jobs.joined(separator: ","), "-o", "%i|%T|%r"])
        } catch let error as CollapseError where error.problem.contains("Invalid job id") {
            return [:]
        }
        var states: [String: TaskState] = [:]
        for line in output.split(separator: "\n") {
            let fields = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 3 else { continue }
            states[fields[0]] = TaskState(state: fields[1], reason: fields[2])
        }
        return states
    }

    func cancel(_ jobs: [String]) throws {
        guard !jobs.isEmpty else { return }
        _ = try run("scancel", jobs)
    }

    /// Runs a Slurm command; its standard output, or its first line of error as the thrown problem.
    private func run(_ name: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [name] + arguments
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        do { try process.run() } catch { throw CollapseError("cannot run \(name): \(error.localizedDescription)") }
        let printed = output.fileHandleForReading.readDataToEndOfFile()
        let complaint = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let line = String(decoding: complaint, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
            let missing = process.terminationStatus == 127 ? "not found on PATH (is this a Slurm client machine?)" : "failed (status \(process.terminationStatus))"
            throw CollapseError("\(name) \(missing)\(line.isEmpty ? "" : ": \(line)")")
        }
        return String(decoding: printed, as: UTF8.self)
    }

    /// `text` as one word for a POSIX shell.
    static func shellQuoted(_ text: String) -> String {
        if !text.isEmpty, text.allSatisfy({ $0.isLetter || $0.isNumber || "-_./=:,+@%".contains($0) }) { return text }
        return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

import Foundation
import Pipeline
import Reporting
import Storage

/// Runs a run's pipeline as Slurm jobs (`RunPlan`): per seed and generation, training as one
/// job, writing and scoring as array jobs of the configured shards, merge and evaluation after
/// them, every job held by `afterok` on the jobs whose files it reads, so seeds proceed in
/// parallel and each step starts when its inputs are there. The jobs run `collapse run-step`
/// and write into the run directory, which must be on a filesystem the nodes share.
///
/// This process submits the steps still to do, records each in the manifest as it sees it end
/// (so a driver stopped at any moment continues with `--resume`, which resubmits only missing or
/// damaged steps and shards), shows progress, and on the first failure cancels the rest and
/// names the step, its state and its log. Ctrl-C cancels its jobs before it exits.
public final class SlurmExecutor {
    private let run: RunExecutor
    private let settings: SlurmSettings
    private let batch: Int
    private let slurm = SlurmCommands()
    private let log = StageLog("slurm")

    /// - Parameters:
    ///   - batch: prompts each writing task decodes in lockstep.
    public init(executor: RunExecutor, settings: SlurmSettings, batch: Int) {
        run = executor
        self.settings = settings
        self.batch = batch
    }

    private var logDirectory: String { "\(run.directory)/logs" }
    /// The ids of the jobs this run has in the queue, kept so that a driver that was killed
    /// outright (no chance to cancel) has them cancelled by the next one.
    private var jobList: String { "\(logDirectory)/slurm-jobs.txt" }

    public func execute() throws {
        // Before `begin` clears half-written files: an earlier driver's jobs may still write.
        try cancelLeftoverJobs()
        try run.begin()
        try FileSystem.createDirectory(logDirectory)
        let plan = try RunPlan(configuration: run.configuration, shards: settings.shards)
        let pending = plan.pending(finished: run.isFinished)
        try run.saveManifest()
        if !pending.isEmpty {
            let watch = InterruptWatch()
            defer { watch.end() }
            var queue = JobQueue()
            do {
                try submit(pending, of: plan, to: &queue)
                log.note("submitted \(queue.submissions) jobs for \(pending.count) steps of \(run.configuration.name) (\(settings.shards) shards)")
                try wait(for: &queue, watch: watch)
            } catch {
                let active = queue.activeJobs
                if !active.isEmpty {
                    try? slurm.cancel(active)
                    writeToStandardError("slurm: cancelled \(active.count) job(s) of \(run.configuration.name)\n")
                }
                try? FileSystem.remove(jobList)
                throw error
            }
        }
        try? FileSystem.remove(jobList)
        try run.finish()
    }

    /// What was submitted and not yet seen to end.
    private struct JobQueue {
        /// Step → its job ("ID") or array task ("ID_K"), and when it was submitted.
        var waiting: [(step: RunStep, task: String, job: String)] = []
        var started: [RunStep: Double] = [:]
        var jobOfStep: [RunStep: String] = [:]
        /// Job ids in the order submitted.
        var jobs: [String] = []
        var submissions: Int { jobs.count }
        var activeJobs: [String] { Array(Set(waiting.map(\.job))).sorted() }
    }

    /// One job per unsharded step, one array job per generation's pending shards of a kind.
    private func submit(_ pending: [RunStep], of plan: RunPlan, to queue: inout JobQueue) throws {
        var groups: [[RunStep]] = []
        for step in pending {
            if let last = groups.last?.last, step.isSharded, last.isSharded, last.kind == step.kind, last.seed == step.seed,
               last.generation == step.generation {
                groups[groups.count - 1].append(step)
            } else {
                groups.append([step])
            }
        }
        for group in groups {
            let dependencies = Set(group.flatMap(plan.dependencies).compactMap { queue.jobOfStep[$0] })
            let id = try slurm.submit(command(for: group[0]), options: options(for: group, after: dependencies))
            queue.jobs.append(id)
            try FileSystem.writeText(queue.jobs.map { "\($0)\n" }.joined(), to: jobList)
            for step in group {
                queue.jobOfStep[step] = id
                queue.waiting.append((step, step.isSharded ? "\(id)_\(step.shard.index)" : id, id))
            }
        }
    }

    private func options(for group: [RunStep], after dependencies: Set<String>) -> [String] {
        let first = group[0]
        var options = ["--job-name=collapse-\(run.configuration.name)-s\(first.seed)g\(first.generation)-\(first.kind.rawValue)",
                       "--output=\(logFile(first, pattern: true))", "--cpus-per-task=\(settings.cpusPerTask)",
                       "--chdir=\(FileManager.default.currentDirectoryPath)", "--kill-on-invalid-dep=yes"]
        if first.isSharded { options.append("--array=" + group.map { String($0.shard.index) }.joined(separator: ",")) }
        if !dependencies.isEmpty { options.append("--dependency=afterok:" + dependencies.sorted().joined(separator: ":")) }
        if let partition = settings.partition { options.append("--partition=\(partition)") }
        if let time = settings.timeLimit { options.append("--time=\(time)") }
        return options + settings.sbatchArguments
    }

    /// The job's command line: this executable's `run-step`, an array task's shard from Slurm's
    /// task id.
    private func command(for step: RunStep) -> String {
        let quoted = ([Self.executablePath, "run-step", run.directory, "--step", step.kind.rawValue, "--seed", String(step.seed),
                       "--generation", String(step.generation), "--threads", String(settings.cpusPerTask), "--batch", String(batch)])
            .map(SlurmCommands.shellQuoted).joined(separator: " ")
        return quoted + (step.isSharded ? " --shard \"$SLURM_ARRAY_TASK_ID/\(step.shard.count)\"" : " --shards \(step.shard.count)")
    }

    /// `logs/seed-S-gen-K-KIND[-shard-I-of-N].log`; for an array, with Slurm's `%a` for I.
    private func logFile(_ step: RunStep, pattern: Bool = false) -> String {
        var name = step.key.replacingOccurrences(of: "/", with: "-")
        if pattern && step.isSharded { name = name.replacingOccurrences(of: "shard-\(step.shard.index)-of", with: "shard-%a-of") }
        return "\(logDirectory)/\(name).log"
    }

    private func wait(for queue: inout JobQueue, watch: InterruptWatch) throws {
        let progress = ProgressReporter(stage: "slurm \(run.configuration.name)", total: queue.waiting.count, unit: "steps")
        while !queue.waiting.isEmpty {
            if let signal = watch.signal {
                throw CollapseError("stopped by signal \(signal); its jobs are cancelled; continue with `collapse run \(run.directory) --resume --executor slurm`")
            }
            let states = try slurm.states(of: queue.activeJobs)
            let now = monotonicSeconds()
            var stillWaiting: [(step: RunStep, task: String, job: String)] = []
            var ended: [(step: RunStep, state: SlurmCommands.TaskState?)] = []
            for entry in queue.waiting {
                let state = states[entry.task]
                if state?.state == "RUNNING", queue.started[entry.step] == nil { queue.started[entry.step] = now }
                if state?.hasEnded ?? true { ended.append((entry.step, state)) } else { stillWaiting.append(entry) }
            }
            queue.waiting = stillWaiting
            // Every step that succeeded is recorded before the first failure is reported.
            var failure: (any Error)?
            for (step, state) in ended {
                do {
                    try finished(step, state: state, seconds: now - (queue.started[step] ?? now))
                    let running = queue.waiting.first { queue.started[$0.step] != nil }
                    progress.advance(by: 1, detail: running.map { "running \($0.step)" } ?? "")
                } catch {
                    failure = failure ?? error
                }
            }
            if let failure { throw failure }
            if !queue.waiting.isEmpty { usleep(useconds_t(settings.pollSeconds * 1_000_000)) }
        }
        progress.finish()
    }

    /// Records a step that ended, or throws its failure: a job Slurm no longer knows counts as
    /// done only when every file of the step is there.
    private func finished(_ step: RunStep, state: SlurmCommands.TaskState?, seconds: Double) throws {
        let log = logFile(step)
        if state?.succeeded ?? true, let missing = run.firstMissingOutput(of: step) {
            let how = state == nil ? "left the queue" : "ended"
            throw CollapseError("\(step) \(how) without writing \(missing)\(lastLine(of: log).map { ": \($0)" } ?? ""); log: \(log)")
        }
        guard let state, !state.succeeded else {
            try run.record(step, seconds: seconds)
            return
        }
        let reason = state.reason == "None" ? "" : ", \(state.reason)"
        throw CollapseError("\(step) \(state.state.lowercased())\(reason)\(lastLine(of: log).map { ": \($0)" } ?? ""); log: \(log)")
    }

    /// The last line a job printed (its error, when it failed).
    private func lastLine(of log: String) -> String? {
        guard let bytes = try? InputFile(path: log).readAll() else { return nil }
        let line = String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline).last.map(String.init)
        return line.map { $0.hasPrefix("Error: ") ? String($0.dropFirst(7)) : $0 }
    }

    /// Cancels what a driver that was killed left in the queue.
    private func cancelLeftoverJobs() throws {
        guard FileSystem.exists(jobList), let text = try? InputFile.readText(path: jobList) else { return }
        let ids = text.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
        let active = try slurm.states(of: ids).filter { !$0.value.hasEnded }.keys.map { String($0.split(separator: "_")[0]) }
        if !active.isEmpty {
            try slurm.cancel(Array(Set(active)).sorted())
            writeToStandardError("slurm: cancelled \(Set(active).count) job(s) an earlier driver of \(run.configuration.name) left queued\n")
        }
        try FileSystem.remove(jobList)
    }

    /// This program's file, for the jobs to run.
    static var executablePath: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}

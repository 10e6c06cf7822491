import Foundation
import Reporting
import Storage

/// The order-5 n-gram beside KenLM in one bench run, both as child processes on the same input:
/// training (`lmplz` against `collapse ngram train`, with and without ARPA output) and scoring
/// the test split 50 times over, model load included (`query` on KenLM's probing binary against
/// `collapse ngram score`), with wall time, CPU time and peak memory, and each ratio beside the
/// goal it is held to.
///
/// The text is formed as KenLM's reference figures were (`../shared/anchors/kenlm`): `<unk>`
/// renamed `<wt-unk>`, blank lines dropped, whitespace tokens.
struct KenLMComparison {
    /// The folder holding `lmplz`, `build_binary` and `query`.
    let kenlmDirectory: String
    /// The `collapse` binary.
    let executable: String
    let trainPath: String
    let testPath: String
    let repeats: Int
    /// Copies of the test split scored in one pass (12.2 M tokens for WikiText-2).
    static let testCopies = 50

    func measure() throws -> [Measurement] {
        let directory = "\(NSTemporaryDirectory())collapse-bench-kenlm-\(ProcessInfo.processInfo.processIdentifier)"
        try FileSystem.createDirectory(directory)
        defer { try? FileSystem.remove(directory) }
        let train = "\(directory)/train.txt", test = "\(directory)/test-x\(Self.testCopies).txt", line = "\(directory)/one-line.txt"
        let testText = try Self.prepared(trainPath: testPath)
        try FileSystem.writeText(try Self.prepared(trainPath: trainPath), to: train)
        try FileSystem.writeText(String(repeating: testText, count: Self.testCopies), to: test)
        try FileSystem.writeText(String(testText.prefix { $0 != "\n" }) + "\n", to: line)
        let tokens = testText.split(separator: "\n").reduce(0) { $0 + $1.split(separator: " ").count + 1 } * Self.testCopies

        let kenlm = { (tool: String) in "\(kenlmDirectory)/\(tool)" }
        let ours = ["ngram", "train", "--order", "5", "--mode", "sentence", "--tokenizer", "whitespace", "--train", train]
        // Interleaved rounds, the best of each figure (this machine's speed drifts within a minute).
        var lmplz = ChildRun.slowest, training = ChildRun.slowest, trainingARPA = ChildRun.slowest
        var query = ChildRun.slowest, scoring = ChildRun.slowest, queryLine = ChildRun.slowest, scoringLine = ChildRun.slowest
        for _ in 0..<repeats {
            lmplz = lmplz.best(try ChildRun(kenlm("lmplz"), ["-o", "5", "-S", "1G", "--text", train, "--arpa", "\(directory)/kenlm.arpa"]))
            training = training.best(try ChildRun(executable, ours + ["--out", "\(directory)/o5.mcngram"]))
            trainingARPA = trainingARPA.best(try ChildRun(executable, ours + ["--out", "\(directory)/o5-arpa.mcngram", "--arpa", "\(directory)/ours.arpa"]))
        }
        _ = try ChildRun(kenlm("build_binary"), ["\(directory)/kenlm.arpa", "\(directory)/kenlm.binary"])
        let score = ["ngram", "score", "--model", "\(directory)/o5.mcngram", "--mode", "sentence", "--tokenizer", "whitespace", "--text"]
        for _ in 0..<repeats {
            query = query.best(try ChildRun(kenlm("query"), ["-v", "summary", "\(directory)/kenlm.binary"], input: test))
            scoring = scoring.best(try ChildRun(executable, score + [test]))
            queryLine = queryLine.best(try ChildRun(kenlm("query"), ["-v", "summary", "\(directory)/kenlm.binary"], input: line))
            scoringLine = scoringLine.best(try ChildRun(executable, score + [line]))
        }
        return rows(lmplz: lmplz, training: training, trainingARPA: trainingARPA, query: query, scoring: scoring,
                    queryLine: queryLine, scoringLine: scoringLine, tokens: tokens)
    }

    func rows(lmplz: ChildRun, training: ChildRun, trainingARPA: ChildRun, query: ChildRun, scoring: ChildRun,
              queryLine: ChildRun, scoringLine: ChildRun, tokens: Int) -> [Measurement] {
        let train = "kenlm vs ours: train o5", score = "kenlm vs ours: score o5, test × \(Self.testCopies) (\(Format.grouped(tokens)) tokens, load included)"
        let load = "kenlm vs ours: load + score one line"
        return [
            Measurement(stage: train, metric: "lmplz wall", value: lmplz.wall, unit: "s"),
            Measurement(stage: train, metric: "lmplz CPU", value: lmplz.cpu, unit: "s"),
            Measurement(stage: train, metric: "lmplz peak RSS", value: lmplz.peakMiB, unit: "MiB"),
            Measurement(stage: train, metric: "ours wall", value: training.wall, unit: "s"),
            Measurement(stage: train, metric: "ours CPU", value: training.cpu, unit: "s"),
            Measurement(stage: train, metric: "ours peak RSS", value: training.peakMiB, unit: "MiB"),
            Measurement(stage: train, metric: "ours ÷ lmplz, wall (goal ≤ 0.5)", value: training.wall / lmplz.wall, unit: "x"),
            Measurement(stage: train, metric: "ours ÷ lmplz, CPU", value: training.cpu / lmplz.cpu, unit: "x"),
            Measurement(stage: train, metric: "ours with --arpa ÷ lmplz, CPU (goal ≤ 1)", value: trainingARPA.cpu / lmplz.cpu, unit: "x"),
            Measurement(stage: score, metric: "query", value: Double(tokens) / query.wall / 1e6, unit: "M tokens/s"),
            Measurement(stage: score, metric: "query peak RSS", value: query.peakMiB, unit: "MiB"),
            Measurement(stage: score, metric: "ours", value: Double(tokens) / scoring.wall / 1e6, unit: "M tokens/s"),
            Measurement(stage: score, metric: "ours peak RSS (goal ≤ query's)", value: scoring.peakMiB, unit: "MiB"),
            Measurement(stage: score, metric: "ours ÷ query (goal ≥ 1.2)", value: query.wall / scoring.wall, unit: "x"),
            Measurement(stage: load, metric: "query wall", value: queryLine.wall * 1e3, unit: "ms"),
            Measurement(stage: load, metric: "ours wall (goal: milliseconds)", value: scoringLine.wall * 1e3, unit: "ms"),
        ]
    }

    /// A split's text as KenLM's reference figures formed it: `<unk>` renamed, blank lines dropped.
    static func prepared(trainPath path: String) throws -> String {
        try InputFile.readText(path: path).split(separator: "\n")
            .filter { !$0.allSatisfy(\.isWhitespace) }
            .map { $0.replacingOccurrences(of: "<unk>", with: "<wt-unk>") + "\n" }
            .joined()
    }
}

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

    /// Runs `executable` with stdout discarded and stdin from `input` (or nothing).
    init(_ executable: String, _ arguments: [String], input: String? = nil) throws {
        var pid: pid_t = 0
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, input ?? "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
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
            throw CollapseError("\(FileSystem.lastComponent(of: executable)) \(arguments.joined(separator: " ")) failed (status \(status))", path: executable)
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

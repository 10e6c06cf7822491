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
    /// Runs of the one-line score per round, interleaved with `query`'s.
    static let lineRuns = 10

    func measure() throws -> [Measurement] {
        let directory = "\(NSTemporaryDirectory())collapse-bench-kenlm-\(ProcessInfo.processInfo.processIdentifier)"
        try FileSystem.createDirectory(directory)
        defer { try? FileSystem.remove(directory) }
        let train = "\(directory)/train.txt", test = "\(directory)/test-x\(Self.testCopies).txt", line = "\(directory)/one-line.txt"
        let testText = try Self.prepared(testPath)
        try FileSystem.writeText(try Self.prepared(trainPath), to: train)
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
            // A one-line score lasts milliseconds, where one run's luck with the scheduler and
            // the page cache shows: the best of several per round, for both sides alike.
            for _ in 0..<Self.lineRuns {
                queryLine = queryLine.best(try ChildRun(kenlm("query"), ["-v", "summary", "\(directory)/kenlm.binary"], input: line))
                scoringLine = scoringLine.best(try ChildRun(executable, score + [line]))
            }
        }
        return rows(lmplz: lmplz, training: training, trainingARPA: trainingARPA, query: query, scoring: scoring,
                    queryLine: queryLine, scoringLine: scoringLine, tokens: tokens)
    }

    func rows(lmplz: ChildRun, training: ChildRun, trainingARPA: ChildRun, query: ChildRun, scoring: ChildRun,
              queryLine: ChildRun, scoringLine: ChildRun, tokens: Int) -> [Measurement] {
        let train = "kenlm vs ours: train o5", score = "kenlm vs ours: score o5, test × \(Self.testCopies) (\(Format.grouped(tokens)) tokens, load included)"
        let load = "kenlm vs ours: load + score one line"
        let cores = Double(ProcessInfo.processInfo.activeProcessorCount)
        return [
            Measurement(stage: train, metric: "lmplz wall", value: lmplz.wall, unit: "s"),
            Measurement(stage: train, metric: "lmplz CPU", value: lmplz.cpu, unit: "s"),
            Measurement(stage: train, metric: "lmplz peak RSS", value: lmplz.peakMiB, unit: "MiB"),
            Measurement(stage: train, metric: "ours wall", value: training.wall, unit: "s"),
            Measurement(stage: train, metric: "ours CPU", value: training.cpu, unit: "s"),
            Measurement(stage: train, metric: "ours peak RSS", value: training.peakMiB, unit: "MiB"),
            Measurement(stage: train, metric: "ours ÷ lmplz, wall", value: training.wall / lmplz.wall, unit: "x", goal: .atMost(0.4)),
            Measurement(stage: train, metric: "ours ÷ lmplz, CPU", value: training.cpu / lmplz.cpu, unit: "x"),
            Measurement(stage: train, metric: "ours: cores busy (CPU ÷ wall, \(Int(cores)) cores)", value: training.cpu / training.wall, unit: "cores",
                        goal: .atLeast(0.75 * cores)),
            Measurement(stage: train, metric: "ours with --arpa ÷ lmplz, CPU", value: trainingARPA.cpu / lmplz.cpu, unit: "x", goal: .atMost(1)),
            Measurement(stage: score, metric: "query", value: Double(tokens) / query.wall / 1e6, unit: "M tokens/s"),
            Measurement(stage: score, metric: "query peak RSS", value: query.peakMiB, unit: "MiB"),
            Measurement(stage: score, metric: "ours", value: Double(tokens) / scoring.wall / 1e6, unit: "M tokens/s"),
            Measurement(stage: score, metric: "ours peak RSS", value: scoring.peakMiB, unit: "MiB"),
            Measurement(stage: score, metric: "ours ÷ query, speed", value: query.wall / scoring.wall, unit: "x", goal: .atLeast(1.5)),
            Measurement(stage: score, metric: "ours ÷ query, peak RSS", value: scoring.peakMiB / query.peakMiB, unit: "x", goal: .atMost(1)),
            Measurement(stage: load, metric: "query wall", value: queryLine.wall * 1e3, unit: "ms"),
            Measurement(stage: load, metric: "ours wall", value: scoringLine.wall * 1e3, unit: "ms"),
            Measurement(stage: load, metric: "ours ÷ query, wall", value: scoringLine.wall / queryLine.wall, unit: "x", goal: .atMost(2)),
        ]
    }

    /// A split's text as KenLM's reference figures formed it: `<unk>` renamed, blank lines dropped.
    static func prepared(_ path: String) throws -> String {
        try InputFile.readText(path: path).split(separator: "\n")
            .filter { !$0.allSatisfy(\.isWhitespace) }
            .map { $0.replacingOccurrences(of: "<unk>", with: "<wt-unk>") + "\n" }
            .joined()
    }
}

import ArgumentParser
import Benchmarks
import Foundation
import Pipeline
import Settings

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure stage throughputs; print a table and write JSON.")

    @Option(help: "WikiText-2 directory (default: $WIKITEXT2_DIR).")
    var wikitext: String?
    @Option(help: "Where to write the JSON results.")
    var out = "bench.json"
    @Option(help: "Repetitions per measurement (the best is reported).")
    var repeats = 3
    @Option(name: .customLong("run"), help: "Also time recomputing all metrics of this run (e.g. the 10-generation default run).")
    var runDirectory: String?

    func validate() throws {
        try check(repeats, Limits.repeats, "--repeats")
    }

    func run() throws {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let suite = try BenchmarkSuite(wikiTextDirectory: wikitext ?? BenchmarkSuite.defaultWikiTextDirectory(), repeats: repeats,
                                       executable: executable)
        var results = try suite.run()
        if let run = runDirectory {
            let seconds = try RunExecutor.recomputeMetrics(runDirectory: run, threads: ProcessInfo.processInfo.activeProcessorCount)
            results.measurements.append(Measurement(stage: "metrics", metric: "recompute all generations of \(run)", value: seconds, unit: "s"))
        }
        print(results.rendered(), terminator: "")
        try results.write(to: out)
        print("wrote \(out)")
    }
}

import ArgumentParser
import Benchmarks
import Foundation

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

    func run() throws {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let suite = try BenchmarkSuite(wikiTextDirectory: wikitext ?? BenchmarkSuite.defaultWikiTextDirectory(), repeats: repeats,
                                       executable: executable)
        let results = try suite.run()
        print(results.rendered(), terminator: "")
        try results.write(to: out)
        print("wrote \(out)")
    }
}

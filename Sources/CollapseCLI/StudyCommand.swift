import ArgumentParser
import Cluster
import Foundation
import ModelFamilies
import Pipeline
import Settings
import Study

struct StudyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "study",
        abstract: "Run a grid of runs (families × regimes × seeds) and write its results with the paper's figures.",
        discussion: "Expands STUDY.json into one run per family and regime (and, for a family with `base`, first a one-generation run that trains its base model), runs each — or continues it, when it exists — and writes Runs/<study>/results.md and results.html: test perplexity by generation per family and regime (Fig. 10), per-sequence perplexity under generation 0 of the real data and generations 1, 5 and 9 (Fig. 11), each regime against the first, how many continuations fall into runs of one token, and each stage's time; every figure with its 95 % interval. Interrupted, it continues where it stopped.")

    @Argument(help: "A study configuration (JSON).")
    var study: String
    @Option(help: "Directory that holds the study's directory.")
    var runs = "Runs"
    @OptionGroup var execution: ExecutionOptions

    func run() throws {
        let study = try Study(path: study, runsRoot: runs, registry: .standard)
        let settings = try execution.slurmSettings(configuration: nil)
        let options = execution.runOptions(resume: true, settings: settings)
        for directory in try study.run({ configuration, root in
            try execution.execute(try RunExecutor(configurationPath: configuration, runsRoot: root, options: options), settings: settings)
        }) {
            print("run: \(directory)")
        }
        for file in try StudyResults(study: study).write() { print("wrote \(file)") }
    }
}

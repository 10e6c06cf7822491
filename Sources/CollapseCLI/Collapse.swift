import ArgumentParser
import Foundation
import NeuralNetworks
import Reporting

@main
struct Collapse: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collapse",
        abstract: "A lab for model collapse: language models trained on their predecessors' text.",
        subcommands: [CorpusCommand.self, NGramCommand.self, GPT2Command.self, GenerateCommand.self, MergeCommand.self, RunCommand.self, RunStepCommand.self, StudyCommand.self, TheoryCommand.self, VAECommand.self, SamplesCommand.self, CompareCommand.self, ReportCommand.self, MetricsCommand.self, BenchCommand.self])

    static func main() {
        do {
            var command = try parseAsRoot()
            // Restarting costs tens of milliseconds: worth it only where matrix products run.
            if !(command is MakesNoMatrixProducts) { BLASKernels.restartWithBestKernelsIfNeeded() }
            tuneMemoryAllocator()
            try command.run()
        } catch {
            // Help and version requests print as usual; every failure is one line on stderr.
            let code = exitCode(for: error)
            guard code != .success else { exit(withError: error) }
            let lines = message(for: error).split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            writeToStandardError("Error: \(lines.filter { !$0.isEmpty }.joined(separator: "; "))\n")
            Foundation.exit(code.rawValue == 0 ? 1 : code.rawValue)
        }
    }
}

/// Commands that never call BLAS, so they need not restart to get OpenBLAS's best kernels.
protocol MakesNoMatrixProducts {}

extension NGramCommand.Train: MakesNoMatrixProducts {}
extension NGramCommand.Score: MakesNoMatrixProducts {}
extension CorpusCommand.Import: MakesNoMatrixProducts {}
extension CorpusCommand.Stats: MakesNoMatrixProducts {}
extension CorpusCommand.Fetch: MakesNoMatrixProducts {}
extension CorpusCommand.CompareTokenizers: MakesNoMatrixProducts {}
extension MergeCommand: MakesNoMatrixProducts {}
extension SamplesCommand: MakesNoMatrixProducts {}
extension CompareCommand: MakesNoMatrixProducts {}
extension ReportCommand: MakesNoMatrixProducts {}
extension MetricsCommand: MakesNoMatrixProducts {}
extension TheoryCommand.Gaussian: MakesNoMatrixProducts {}
extension TheoryCommand.Discrete: MakesNoMatrixProducts {}
extension TheoryCommand.Mixture: MakesNoMatrixProducts {}

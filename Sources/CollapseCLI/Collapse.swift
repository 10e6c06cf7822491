import ArgumentParser

@main
struct Collapse: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collapse",
        abstract: "A lab for model collapse: language models trained on their predecessors' text.",
        subcommands: [CorpusCommand.self, NGramCommand.self, GenerateCommand.self, RunCommand.self, SamplesCommand.self, CompareCommand.self, ReportCommand.self, MetricsCommand.self, BenchCommand.self])

    static func main() {
        tuneMemoryAllocator()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exit(withError: error)
        }
    }
}

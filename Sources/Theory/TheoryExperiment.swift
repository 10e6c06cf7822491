/// What every closed-form experiment offers the command line: checks of its parameters, a
/// simulation, and a result that prints and writes itself.
public protocol TheoryExperiment: Sendable {
    associatedtype Result: TheoryResult
    /// - Throws: naming the first option out of its range.
    func validate() throws
    /// Every run, spread over `threads` (the same result at every thread count).
    func simulate(threads: Int) -> Result
}

public protocol TheoryResult {
    /// The files `write(to:)` puts in its directory.
    static var files: [String] { get }
    /// The console table.
    func summary() -> String
    func write(to directory: String) throws
}

extension GaussianExperiment: TheoryExperiment {}
extension DiscreteExperiment: TheoryExperiment {}
extension MixtureExperiment: TheoryExperiment {}

extension GaussianResult: TheoryResult {
    public static let files = ["gaussian.tsv", "gaussian.json", "report.html"]
}

extension DiscreteResult: TheoryResult {
    public static let files = ["discrete.tsv", "absorption.tsv", "discrete.json", "report.html"]
}

extension MixtureResult: TheoryResult {
    public static let files = ["gmm.tsv", "gmm.json", "report.html"]
}

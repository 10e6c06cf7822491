/// An error a person can act on: the file concerned and what is wrong with it, on one line.
///
/// Every layer throws this for bad input, so the command line can print `description` as the
/// single line of an error report and exit non-zero.
public struct CollapseError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file or directory the problem is about, when there is one.
    public let path: String?
    /// What is wrong, without the path; never contains a line break.
    public let problem: String

    public init(_ problem: String, path: String? = nil) {
        self.path = path
        self.problem = problem.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    public var description: String {
        guard let path else { return problem }
        return "\(path): \(problem)"
    }

    /// The same problem attributed to `path` when it has no file yet.
    public func attributed(to path: String) -> CollapseError {
        self.path == nil ? CollapseError(problem, path: path) : self
    }
}

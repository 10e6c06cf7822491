import Reporting
import Storage

/// What `collapse bench` measured, with the machine facts needed to compare runs.
public struct BenchmarkResults: Codable, Sendable {
    public var date: String
    public var corpus: String
    public var icuVersion: String
    public var zstdVersion: String
    /// The kernel family OpenBLAS runs (its speed depends on it far more than on the CPU's clock).
    public var blasKernels: String?
    public var repeats: Int
    public var measurements: [Measurement]

    public init(date: String, corpus: String, icuVersion: String, zstdVersion: String, repeats: Int, measurements: [Measurement]) {
        self.date = date
        self.corpus = corpus
        self.icuVersion = icuVersion
        self.zstdVersion = zstdVersion
        self.repeats = repeats
        self.measurements = measurements
    }

    /// The figures whose goal is missed: a row short of its goal, unless another row of the same
    /// goal (`Goal.group`) meets it.
    public var shortfalls: [Measurement] {
        measurements.filter { !$0.meetsGoal && !metElsewhereInGroup($0) }
    }

    /// Whether another row of `measurement`'s goal meets it.
    private func metElsewhereInGroup(_ measurement: Measurement) -> Bool {
        guard let group = measurement.goal?.group else { return false }
        return measurements.contains { $0.goal?.group == group && $0.meetsGoal }
    }

    public func rendered() -> String {
        var table = TextTable(header: ["stage", "metric", "value", "unit", "goal", "verdict"])
        for m in measurements {
            let small = m.value != 0 && abs(m.value) < 1e-3
            let verdict = m.verdict.map { $0 == "short" && metElsewhereInGroup(m) ? "short (\(m.goal?.group ?? "") met)" : $0 } ?? ""
            table.append([m.stage, m.metric, small ? Format.scientific(m.value, digits: 2) : Format.fixed(m.value, digits: m.value < 10 ? 3 : 1), m.unit,
                          m.goal.map { $0.text + ($0.group.map { " (\($0): one row suffices)" } ?? "") } ?? "", verdict])
        }
        return "benchmarks on \(corpus) (best of \(repeats); ICU \(icuVersion), zstd \(zstdVersion)\(blasKernels.map { "; OpenBLAS \($0) kernels" } ?? ""))\n" + table.render()
    }

    public func write(to path: String) throws {
        try FileSystem.writeText(try prettyJSON(self), to: path)
    }
}

/// What a figure is held to: a bound on a ratio to a reference measured in the same run (KenLM,
/// PyTorch, Hugging Face) or on a share of a ceiling measured there, never an absolute time, so
/// the verdict means the same on a slow machine and a fast one.
public struct Goal: Codable, Sendable, Equatable {
    public enum Direction: String, Codable, Sendable {
        case atMost, atLeast
    }

    public var direction: Direction
    public var bound: Double
    /// A goal met in one of several ways ("training speed": ≥ 1.5× PyTorch, or ≥ 95 % of the
    /// ceiling): the rows of a group meet it when any one of them does. nil for a goal of its own.
    public var group: String?

    public static func atMost(_ bound: Double, in group: String? = nil) -> Goal {
        Goal(direction: .atMost, bound: bound, group: group)
    }

    public static func atLeast(_ bound: Double, in group: String? = nil) -> Goal {
        Goal(direction: .atLeast, bound: bound, group: group)
    }

    public func isMet(by value: Double) -> Bool {
        direction == .atMost ? value <= bound : value >= bound
    }

    /// "≤ 0.4", "≥ 95".
    public var text: String {
        (direction == .atMost ? "≤ " : "≥ ") + Self.plain(bound)
    }

    private static func plain(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e9 ? String(Int(value)) : String(value)
    }
}

/// One measured figure, and what it is held to (`goal`) with the verdict.
public struct Measurement: Codable, Sendable {
    public var stage: String
    public var metric: String
    public var value: Double
    public var unit: String
    public var goal: Goal?
    /// `ok` or `short` when the figure has a goal.
    public var verdict: String?

    public init(stage: String, metric: String, value: Double, unit: String, goal: Goal? = nil) {
        self.stage = stage
        self.metric = metric
        self.value = value
        self.unit = unit
        self.goal = goal
        verdict = goal.map { $0.isMet(by: value) ? "ok" : "short" }
    }

    public var meetsGoal: Bool { goal?.isMet(by: value) ?? true }
}

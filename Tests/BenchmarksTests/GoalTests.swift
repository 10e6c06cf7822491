import Testing
@testable import Benchmarks

/// Bench figures judge themselves: each goal gives a verdict, a goal met one of several ways is
/// met when any of its rows is, and the shortfalls are exactly the goals missed.
@Suite struct GoalTests {
    func results(_ measurements: [Measurement]) -> BenchmarkResults {
        BenchmarkResults(date: "", corpus: "c", icuVersion: "", zstdVersion: "", repeats: 1, measurements: measurements)
    }

    @Test func boundsAreInclusiveInTheirDirection() {
        #expect(Goal.atMost(0.4).isMet(by: 0.4) && !Goal.atMost(0.4).isMet(by: 0.41))
        #expect(Goal.atLeast(1.5).isMet(by: 1.5) && !Goal.atLeast(1.5).isMet(by: 1.49))
        #expect(Measurement(stage: "s", metric: "m", value: 0.5, unit: "x", goal: .atMost(0.4)).verdict == "short")
        #expect(Measurement(stage: "s", metric: "m", value: 0.3, unit: "x", goal: .atMost(0.4)).verdict == "ok")
        #expect(Measurement(stage: "s", metric: "m", value: 0.3, unit: "x").verdict == nil)
        #expect(Goal.atLeast(95).text == "≥ 95" && Goal.atMost(0.4).text == "≤ 0.4")
    }

    @Test func aGoalOfSeveralRowsIsMetByAnyOne() {
        let ceilingShort = Measurement(stage: "t", metric: "share of the ceiling", value: 90, unit: "%", goal: .atLeast(95, in: "training speed"))
        let pytorchOK = Measurement(stage: "t", metric: "ours ÷ PyTorch", value: 1.6, unit: "x", goal: .atLeast(1.5, in: "training speed"))
        let pytorchShort = Measurement(stage: "t", metric: "ours ÷ PyTorch", value: 1.2, unit: "x", goal: .atLeast(1.5, in: "training speed"))
        #expect(results([ceilingShort, pytorchOK]).shortfalls.isEmpty)
        #expect(results([ceilingShort, pytorchShort]).shortfalls.count == 2)
        #expect(results([ceilingShort]).shortfalls.map(\.metric) == ["share of the ceiling"])
        let table = results([ceilingShort, pytorchOK]).rendered()
        #expect(table.contains("short (training speed met)") && table.contains("≥ 95 (training speed: one row suffices)"))
    }

    @Test func onlyMissedGoalsAreShortfalls() {
        let rows = [
            Measurement(stage: "train", metric: "ours ÷ lmplz, wall", value: 0.52, unit: "x", goal: .atMost(0.4)),
            Measurement(stage: "score", metric: "ours ÷ query", value: 1.68, unit: "x", goal: .atLeast(1.5)),
            Measurement(stage: "score", metric: "ours", value: 7.7, unit: "M tokens/s"),
        ]
        #expect(results(rows).shortfalls.map(\.metric) == ["ours ÷ lmplz, wall"])
    }
}

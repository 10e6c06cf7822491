import Foundation

/// Linear warm-up to the peak rate, then cosine decay to a floor at the last step.
public struct LearningRateSchedule: Sendable, Equatable, Codable {
    public var peak: Double
    public var warmupSteps: Int
    /// The rate at the last step, as a fraction of the peak.
    public var floorRatio: Double
    public var totalSteps: Int

    public init(peak: Double, warmupSteps: Int, floorRatio: Double, totalSteps: Int) {
        self.peak = peak
        self.warmupSteps = warmupSteps
        self.floorRatio = floorRatio
        self.totalSteps = totalSteps
    }

    /// The rate of step `step` (from 0): peak·(step+1)/warm-up during warm-up, then
    /// floor + (peak − floor)·½(1 + cos(π·progress)) with progress from 0 to 1 at the last step.
    public func rate(at step: Int) -> Double {
        if step < warmupSteps { return peak * Double(step + 1) / Double(warmupSteps) }
        let floor = peak * floorRatio
        let span = max(1, totalSteps - 1 - warmupSteps)
        let progress = min(1, Double(step - warmupSteps) / Double(span))
        return floor + (peak - floor) * 0.5 * (1 + cos(Double.pi * progress))
    }
}

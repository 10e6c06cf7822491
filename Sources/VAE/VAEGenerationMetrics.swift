import Foundation
import Statistics

/// What one generation of one seed measured: its training, how it judges the real digits, and
/// how generation 0 judges its samples, with their variety and closeness to the real digits.
public struct VAEGenerationMetrics: Codable, Sendable, Equatable {
    public var seed: UInt64
    public var generation: Int
    public var trainingImages: Int
    /// Real digits among the training images (all of them for generation 0).
    public var realTrainingImages: Int
    /// The last epoch's mean training loss (negative ELBO per image, nats).
    public var finalTrainingLoss: Double
    /// The mean negative ELBO of the real digits under this generation's model.
    public var realNegativeELBO: Double
    /// The negative ELBO of this generation's samples under generation 0.
    public var sampleNegativeELBO: PercentileSummary
    public var meanSampleNegativeELBO: Double
    /// Shares of samples above the real digits' 99th percentile under generation 0 (new
    /// improbable images) and below their 1st (only the most typical ones).
    public var aboveRealP99: Double
    public var belowRealP1: Double
    public var statistics: SampleStatistics
}

/// The real digits measured as a generation is: generation 0's negative ELBO of each, and their
/// own variety (each digit's nearest neighbour is another one).
public struct VAEReference: Codable, Sendable, Equatable {
    public var seed: UInt64
    public var negativeELBO: PercentileSummary
    public var meanNegativeELBO: Double
    public var statistics: SampleStatistics
}

/// How a GPT-2 model is trained: AdamW with decoupled weight decay (2-D weights only),
/// linear warm-up then cosine decay, gradient-norm clipping, shuffled blocks each epoch.
public struct TrainingSettings: Sendable, Equatable, Codable {
    /// Blocks per optimizer step.
    public var batchSize = 32
    public var learningRate = 3e-3
    public var warmupSteps = 50
    /// The rate at the last step ÷ the peak.
    public var floorRatio = 0.1
    public var weightDecay = 0.1
    public var clip = 1.0
    public var beta1 = 0.9
    public var beta2 = 0.95
    public var epsilon = 1e-8
    /// Passes over the training blocks, or (when set) a number of steps instead.
    public var epochs = 1
    public var steps: Int?
    /// Stop after this many seconds; the schedule then spans the steps that the first 20
    /// steps' rate says will fit.
    public var timeBudget: Double?
    /// Measure the real validation loss every this many steps (and at each epoch's end).
    public var evaluateEvery: Int?

    public init() {}
}

import Settings

/// The range of every number a VAE run takes (README, "Ranges"); a test checks the README's
/// table lists each with the same range.
public enum VAELimits {
    public static let generations = Limit<Int>(["--generations (vae)"], 1...1000, reason: "VAE generations including generation 0")
    public static let samples = Limit<Int>(["--samples (vae)"], 2...1_000_000, reason: "images each generation samples and the next learns from")
    public static let hidden = Limit<Int>(["--hidden"], 1...4096, reason: "units of the encoder's and the decoder's hidden layer")
    public static let latent = Limit<Int>(["--latent"], 1...256, reason: "latent dimensions")
    public static let pixelDeviation = Limit<Double>(["--pixel-deviation"], 0.001...10, reason: "σ of the Gaussian likelihood, pixels in [0, 1]")
    public static let epochs = Limit<Int>(["--epochs (vae)"], 1...100_000, reason: "passes over a generation's training images")
    public static let batchSize = Limit<Int>(["--batch-size (vae)"], 1...65_536, reason: "images per Adam step")
    public static let learningRate = Limit<Double>(["--learning-rate (vae)"], 0...1, includesLower: false, reason: "Adam's step size")
    public static let realFraction = Limit<Double>(["--real-fraction"], 0...1, includesLower: false,
                                                   reason: "γ of the VAE's `real-fraction` regime (1: real digits only)")
    public static let draws = Limit<Int>(["--draws"], 1...256, reason: "reparameterised draws averaged in each image's ELBO")
    public static let seedCount = Limit<Int>(["--seeds (vae, how many)"], 1...100, reason: "one independent VAE run per seed")

    public static var rows: [LimitRow] {
        [generations.row, samples.row, hidden.row, latent.row, epochs.row, batchSize.row, draws.row, seedCount.row,
         pixelDeviation.row, learningRate.row, realFraction.row]
    }
}

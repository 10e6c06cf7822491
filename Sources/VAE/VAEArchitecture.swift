import NeuralNetworks
import Settings
import Storage

/// The shape of the VAE: an MLP encoder (pixels → hidden → mean and log-variance of a Gaussian
/// latent) and an MLP decoder (latent → hidden → pixel means through a sigmoid), GELU between
/// layers, and a Gaussian likelihood of fixed deviation on the pixels.
///
/// The Gaussian (rather than Bernoulli) likelihood is a density over images of any greyness, so
/// the ELBO of a blurred sample and of a crisp real digit are bounds of the same quantity.
public struct VAEArchitecture: Codable, Sendable, Equatable {
    /// One input per pixel of an 8×8 digit.
    public var inputs: Int { DigitSet.pixels }
    public var hidden = 128
    public var latent = 8
    /// σ of p(x | z) = N(decoder(z), σ² I), in pixel units of [0, 1].
    public var pixelDeviation = 0.1

    public init(hidden: Int = 128, latent: Int = 8, pixelDeviation: Double = 0.1) {
        (self.hidden, self.latent, self.pixelDeviation) = (hidden, latent, pixelDeviation)
    }

    /// Hugging-Face-style names, each `[in, out]` like the transformer's `Conv1D` weights, so the
    /// same `Linear` layer runs both.
    var layout: TensorLayout {
        var layout = TensorLayout()
        for (name, inputs, outputs) in layers {
            layout.add("\(name).weight", [inputs, outputs], decays: false)
            layout.add("\(name).bias", [outputs], decays: false)
        }
        return layout
    }

    var layers: [(name: String, inputs: Int, outputs: Int)] {
        [("encoder.hidden", inputs, hidden), ("encoder.head", hidden, 2 * latent),
         ("decoder.hidden", latent, hidden), ("decoder.output", hidden, inputs)]
    }

    /// PyTorch's `nn.Linear` initialization: weights and biases uniform in ±1/√(fan-in).
    func initialized<T: Scalar>(seed: UInt64) -> TensorBuffer<T> {
        let layout = layout
        let parameters = TensorBuffer<T>(count: layout.count)
        var random = SplitMix64(seed: seed)
        for (name, inputs, _) in layers {
            let bound = 1 / Double(inputs).squareRoot()
            for suffix in ["weight", "bias"] {
                guard let entry = layout.entry(named: "\(name).\(suffix)") else { continue }
                for i in entry.offset..<(entry.offset + entry.count) {
                    parameters[i] = T((2 * random.unitInterval() - 1) * bound)
                }
            }
        }
        return parameters
    }

    /// Refuses shapes that cannot train.
    public func validate() throws {
        try VAELimits.hidden.check(hidden, as: "--hidden")
        try VAELimits.latent.check(latent, as: "--latent")
        try VAELimits.pixelDeviation.check(pixelDeviation, as: "--pixel-deviation")
    }
}

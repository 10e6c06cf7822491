import Foundation
import NeuralNetworks

/// A VAE over the neural LM's layers (`Linear`, `GELU`): the loss of an image x is its negative
/// ELBO with one reparameterised draw z = μ + σ ⊙ ε,
///
///   −ELBO(x) = ‖x − decoder(z)‖² / (2s²) + D·log(s√(2π)) + ½ Σ (μ² + σ² − 1 − log σ²),
///
/// with s the pixel deviation and D the pixel count. Forward and backward sit side by side; the
/// parameters, their gradients and the optimizer's moments share one `TensorLayout`.
public final class VariationalAutoencoder<T: Scalar> {
    public let architecture: VAEArchitecture
    let layout: TensorLayout
    public let parameters: TensorBuffer<T>
    public let gradients: TensorBuffer<T>
    /// Activations of the last forward pass, kept for backward; grown, never shrunk.
    private var workspace: VAEWorkspace<T>
    /// Rows of the last forward pass.
    private var rows = 0

    public init(architecture: VAEArchitecture, parameters: TensorBuffer<T>) {
        self.architecture = architecture
        layout = architecture.layout
        precondition(parameters.count == layout.count, "parameters do not fit the architecture")
        self.parameters = parameters
        gradients = TensorBuffer(count: layout.count)
        workspace = VAEWorkspace(architecture: architecture, rows: 0)
    }

    /// A freshly initialized model.
    public convenience init(architecture: VAEArchitecture, seed: UInt64) {
        self.init(architecture: architecture, parameters: architecture.initialized(seed: seed))
    }

    func offset(_ name: String) -> Int {
        guard let entry = layout.entry(named: name) else { preconditionFailure("no tensor \(name)") }
        return entry.offset
    }

    func weight(_ layer: String) -> UnsafeMutablePointer<T> { parameters.pointer + offset("\(layer).weight") }
    func bias(_ layer: String) -> UnsafeMutablePointer<T> { parameters.pointer + offset("\(layer).bias") }

    /// Writes the negative ELBO of each of `rows` images into `losses`, with noise ε (`rows ×
    /// latent`) for the reparameterised draw, and keeps what `backward` needs.
    /// - Complexity: O(rows × hidden × (pixels + latent)).
    public func forward(images: UnsafePointer<T>, noise: UnsafePointer<T>, rows: Int, losses: UnsafeMutablePointer<T>) {
        if rows > workspace.rows { workspace = VAEWorkspace(architecture: architecture, rows: rows) }
        self.rows = rows
        let (d, h, l) = (architecture.inputs, architecture.hidden, architecture.latent)
        let w = workspace
        w.x.pointer.update(from: images, count: rows * d)
        w.noise.pointer.update(from: noise, count: rows * l)
        Linear.forward(w.h1Pre.pointer, w.x.pointer, weight: weight("encoder.hidden"), bias: bias("encoder.hidden"), rows: rows, inputs: d, outputs: h)
        GELU.forward(w.h1.pointer, w.h1Pre.pointer, count: rows * h)
        Linear.forward(w.head.pointer, w.h1.pointer, weight: weight("encoder.head"), bias: bias("encoder.head"), rows: rows, inputs: h, outputs: 2 * l)
        Latent.sample(w.z.pointer, head: w.head.pointer, noise: w.noise.pointer, rows: rows, latent: l)
        decode(w, rows: rows)
        let recon = Reconstruction(deviation: T(architecture.pixelDeviation), pixels: d)
        for row in 0..<rows {
            losses[row] = recon.loss(w.x.pointer + row * d, mean: w.mean.pointer + row * d)
                + Latent.divergence(head: w.head.pointer + row * 2 * l, latent: l)
        }
    }

    /// The decoder half of `forward`: z → hidden → pixel means.
    private func decode(_ w: VAEWorkspace<T>, rows: Int) {
        let (d, h, l) = (architecture.inputs, architecture.hidden, architecture.latent)
        Linear.forward(w.g1Pre.pointer, w.z.pointer, weight: weight("decoder.hidden"), bias: bias("decoder.hidden"), rows: rows, inputs: l, outputs: h)
        GELU.forward(w.g1.pointer, w.g1Pre.pointer, count: rows * h)
        Linear.forward(w.mean.pointer, w.g1.pointer, weight: weight("decoder.output"), bias: bias("decoder.output"), rows: rows, inputs: h, outputs: d)
        Reconstruction<T>.sigmoid(w.mean.pointer, count: rows * d)
    }

    /// Adds to `gradients` the gradient of `scale` × the sum of the last forward's losses.
    /// - Complexity: twice the forward's products.
    public func backward(scale: T) {
        let (d, h, l) = (architecture.inputs, architecture.hidden, architecture.latent)
        let w = workspace, g = gradients.pointer
        for buffer in [w.dG1, w.dG1Pre, w.dZ, w.dH1, w.dH1Pre] { buffer.fill(0) }
        Reconstruction(deviation: T(architecture.pixelDeviation), pixels: d)
            .backward(w.dMean.pointer, images: w.x.pointer, mean: w.mean.pointer, count: rows * d, scale: scale)
        Linear.backward(dinp: w.dG1.pointer, dweight: g + offset("decoder.output.weight"), dbias: g + offset("decoder.output.bias"),
                        dout: w.dMean.pointer, inp: w.g1.pointer, weight: weight("decoder.output"), rows: rows, inputs: h, outputs: d)
        GELU.backward(dinp: w.dG1Pre.pointer, w.g1Pre.pointer, dout: w.dG1.pointer, count: rows * h)
        Linear.backward(dinp: w.dZ.pointer, dweight: g + offset("decoder.hidden.weight"), dbias: g + offset("decoder.hidden.bias"),
                        dout: w.dG1Pre.pointer, inp: w.z.pointer, weight: weight("decoder.hidden"), rows: rows, inputs: l, outputs: h)
        Latent.backward(dHead: w.dHead.pointer, dz: w.dZ.pointer, head: w.head.pointer, noise: w.noise.pointer, rows: rows, latent: l, scale: scale)
        Linear.backward(dinp: w.dH1.pointer, dweight: g + offset("encoder.head.weight"), dbias: g + offset("encoder.head.bias"),
                        dout: w.dHead.pointer, inp: w.h1.pointer, weight: weight("encoder.head"), rows: rows, inputs: h, outputs: 2 * l)
        GELU.backward(dinp: w.dH1Pre.pointer, w.h1Pre.pointer, dout: w.dH1.pointer, count: rows * h)
        Linear.backward(dinp: nil, dweight: g + offset("encoder.hidden.weight"), dbias: g + offset("encoder.hidden.bias"),
                        dout: w.dH1Pre.pointer, inp: w.x.pointer, weight: weight("encoder.hidden"), rows: rows, inputs: d, outputs: h)
    }

    /// The decoder's pixel means for `rows` latent points (`rows × latent`), as `rows × pixels`.
    /// - Complexity: O(rows × hidden × (pixels + latent)).
    public func decode(latents: UnsafePointer<T>, rows: Int) -> [T] {
        if rows > workspace.rows { workspace = VAEWorkspace(architecture: architecture, rows: rows) }
        workspace.z.pointer.update(from: latents, count: rows * architecture.latent)
        decode(workspace, rows: rows)
        return Array(UnsafeBufferPointer(start: workspace.mean.pointer, count: rows * architecture.inputs))
    }
}

/// The buffers of one forward and backward pass for up to `rows` images.
struct VAEWorkspace<T: Scalar> {
    let rows: Int
    let x, h1Pre, h1, head, noise, z, g1Pre, g1, mean: TensorBuffer<T>
    let dMean, dG1, dG1Pre, dZ, dHead, dH1, dH1Pre: TensorBuffer<T>

    init(architecture: VAEArchitecture, rows: Int) {
        self.rows = rows
        let (d, h, l) = (architecture.inputs, architecture.hidden, architecture.latent)
        (x, mean, dMean) = (TensorBuffer(count: rows * d), TensorBuffer(count: rows * d), TensorBuffer(count: rows * d))
        (h1Pre, h1, dH1, dH1Pre) = (TensorBuffer(count: rows * h), TensorBuffer(count: rows * h), TensorBuffer(count: rows * h), TensorBuffer(count: rows * h))
        (g1Pre, g1, dG1, dG1Pre) = (TensorBuffer(count: rows * h), TensorBuffer(count: rows * h), TensorBuffer(count: rows * h), TensorBuffer(count: rows * h))
        (head, dHead) = (TensorBuffer(count: rows * 2 * l), TensorBuffer(count: rows * 2 * l))
        (noise, z, dZ) = (TensorBuffer(count: rows * l), TensorBuffer(count: rows * l), TensorBuffer(count: rows * l))
    }
}

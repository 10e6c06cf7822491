import Foundation
import NeuralNetworks
import Storage

extension VariationalAutoencoder<Float> {
    /// Images per pass when scoring or sampling: enough for the products to run on BLAS.
    static var inferenceRows: Int { 512 }

    /// The negative ELBO of every image (nats), averaged over `draws` reparameterised draws. Image
    /// i's draws depend only on `seed` and i, so two sets' i-th images are judged alike.
    /// - Complexity: O(draws × images × hidden × (pixels + latent)).
    public func negativeELBO(of data: DigitSet, draws: Int, seed: UInt64) -> [Double] {
        let latent = architecture.latent
        var result = [Double](repeating: 0, count: data.count)
        var noise = [Float](repeating: 0, count: Self.inferenceRows * latent)
        var losses = [Float](repeating: 0, count: Self.inferenceRows)
        for start in stride(from: 0, to: data.count, by: Self.inferenceRows) {
            let rows = min(Self.inferenceRows, data.count - start)
            var samplers = (start..<(start + rows)).map { NormalSampler(seed: seed ^ (UInt64($0) &* 0x9E37_79B9_7F4A_7C15)) }
            for _ in 0..<draws {
                for row in 0..<rows {
                    for j in 0..<latent { noise[row * latent + j] = Float(samplers[row].next()) }
                }
                data.values.withUnsafeBufferPointer { values in
                    guard let base = values.baseAddress else { return }
                    forward(images: base + start * DigitSet.pixels, noise: noise, rows: rows, losses: &losses)
                }
                for row in 0..<rows { result[start + row] += Double(losses[row]) / Double(draws) }
            }
        }
        return result
    }

    /// `count` images from the model: z from the prior N(0, I), the decoder's pixel means.
    /// - Complexity: O(count × hidden × (pixels + latent)).
    public func sample(count: Int, seed: UInt64) -> DigitSet {
        var random = NormalSampler(seed: seed)
        var values: [Float] = []
        values.reserveCapacity(count * DigitSet.pixels)
        for start in stride(from: 0, to: count, by: Self.inferenceRows) {
            let rows = min(Self.inferenceRows, count - start)
            let latents = (0..<(rows * architecture.latent)).map { _ in Float(random.next()) }
            values += decode(latents: latents, rows: rows)
        }
        return DigitSet(values: values)
    }
}

extension VariationalAutoencoder<Float> {
    static let architectureKey = "modelcollapse.vae"

    /// Saves the weights as safetensors, the architecture in the metadata.
    public func save(to path: String) throws {
        let tensors = layout.entries.map { entry in
            (name: entry.name, shape: entry.shape, values: UnsafeBufferPointer(start: parameters.pointer + entry.offset, count: entry.count))
        }
        try SafeTensors.write(to: path, tensors: tensors, metadata: [Self.architectureKey: try prettyJSON(architecture)])
    }

    /// Loads what `save(to:)` wrote; a damaged file or a missing tensor is an error naming it.
    public static func load(path: String) throws -> VariationalAutoencoder<Float> {
        let file = try SafeTensors(path: path)
        guard let text = file.metadata[architectureKey],
              let architecture = try? JSONDecoder().decode(VAEArchitecture.self, from: Data(text.utf8)) else {
            throw CollapseError("is not a VAE checkpoint (no architecture in its metadata)", path: path)
        }
        do { try architecture.validate() } catch let error as CollapseError { throw error.attributed(to: path) }
        let layout = architecture.layout
        let parameters = TensorBuffer<Float>(count: layout.count)
        for entry in layout.entries {
            let values = try file.floats(entry.name, shape: entry.shape)
            (parameters.pointer + entry.offset).update(from: values, count: entry.count)
        }
        return VariationalAutoencoder(architecture: architecture, parameters: parameters)
    }
}

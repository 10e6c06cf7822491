import NeuralNetworks

/// The Gaussian latent: the encoder's head holds μ and log σ² side by side for each row; the
/// draw is reparameterised (z = μ + σ ⊙ ε) so the gradient flows through μ and σ. Forward and
/// backward side by side.
enum Latent {
    /// z = μ + exp(½ log σ²) ⊙ ε, row by row. O(rows × latent).
    static func sample<T: Scalar>(_ z: UnsafeMutablePointer<T>, head: UnsafePointer<T>, noise: UnsafePointer<T>, rows: Int, latent: Int) {
        for row in 0..<rows {
            let (mean, logVariance) = (head + row * 2 * latent, head + row * 2 * latent + latent)
            for j in 0..<latent {
                z[row * latent + j] = mean[j] + T.exp(logVariance[j] / 2) * noise[row * latent + j]
            }
        }
    }

    /// KL(N(μ, σ²) ‖ N(0, I)) = ½ Σ (μ² + σ² − 1 − log σ²) for one row's head. O(latent).
    static func divergence<T: Scalar>(head: UnsafePointer<T>, latent: Int) -> T {
        var sum: T = 0
        for j in 0..<latent {
            let (mean, logVariance) = (head[j], head[latent + j])
            sum += mean * mean + T.exp(logVariance) - 1 - logVariance
        }
        return sum / 2
    }

    /// dHead ← the gradient of `scale` × (Σ KL) and of the decoder's loss through z (given as dz).
    /// O(rows × latent).
    static func backward<T: Scalar>(dHead: UnsafeMutablePointer<T>, dz: UnsafePointer<T>, head: UnsafePointer<T>, noise: UnsafePointer<T>,
                                    rows: Int, latent: Int, scale: T) {
        for row in 0..<rows {
            for j in 0..<latent {
                let (mean, logVariance) = (head[row * 2 * latent + j], head[row * 2 * latent + latent + j])
                let (gradient, epsilon) = (dz[row * latent + j], noise[row * latent + j])
                let deviation = T.exp(logVariance / 2)
                dHead[row * 2 * latent + j] = gradient + scale * mean
                dHead[row * 2 * latent + latent + j] = gradient * epsilon * deviation / 2 + scale * (deviation * deviation - 1) / 2
            }
        }
    }
}

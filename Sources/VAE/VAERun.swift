import Foundation
import Reporting
import Storage

/// A recursive VAE run in a directory: for each seed, generation after generation, a VAE trains
/// (on the real digits, then on its predecessor's samples), samples a new set, and generation 0
/// judges it. Each finished generation is recorded in the manifest with its files' checksums;
/// `resume` continues after the last intact one and ends with the same files as a run that was
/// never interrupted.
public struct VAERun {
    public let directory: String
    public let configuration: VAERunConfiguration

    public init(directory: String, configuration: VAERunConfiguration) {
        self.directory = directory
        self.configuration = configuration
    }

    /// Runs what is not finished yet and writes `metrics.tsv` and `report.html`.
    /// - Parameter resume: continue a run already in `directory` (its configuration must match).
    /// - Complexity: generations × seeds trainings, each O(epochs × images × model size).
    public func execute(digits digitsPath: String, resume: Bool) throws -> VAERunResult {
        try configuration.validate()
        let real = try DigitSet.load(path: digitsPath)
        let digitsChecksum = try fileChecksum(try DigitSet.locate(digitsPath))
        try FileSystem.createDirectory(directory)
        let lock = try FileLock(path: "\(directory)/.lock", exclusive: true, subject: directory, purpose: "collapse vae")
        defer { lock.release() }
        var manifest = try startingManifest(digitsChecksum: digitsChecksum, resume: resume)
        try FileSystem.writeText(try prettyJSON(configuration), to: "\(directory)/config.json")
        try FileSystem.writeText(DigitGrid.svg(real), to: "\(directory)/real-digits.svg")
        // The real digits' own variety is the same for every seed: measured once (O(n²)).
        var realStatistics: SampleStatistics?
        for seed in configuration.seeds {
            var state = SeedState()
            var rerun = false
            for generation in 0..<configuration.generations {
                let key = VAEManifest.key(seed: seed, generation: generation)
                if !rerun, manifest.isIntact(key, in: directory) { continue }
                rerun = true
                let start = monotonicSeconds()
                let outputs = try runGeneration(generation, seed: seed, real: real, state: &state, realStatistics: &realStatistics)
                manifest.stages[key] = VAEManifest.Stage(outputs: try Dictionary(uniqueKeysWithValues: outputs.map {
                    ($0, try fileChecksum("\(directory)/\($0)"))
                }), seconds: monotonicSeconds() - start)
                try manifest.save(in: directory)
            }
        }
        let result = try VAERunResult(directory: directory, configuration: configuration)
        try result.write()
        return result
    }

    /// The manifest to continue from: a new one, or the run's own when resuming.
    private func startingManifest(digitsChecksum: String, resume: Bool) throws -> VAEManifest {
        let fresh = VAEManifest(configuration: configuration, digitsChecksum: digitsChecksum)
        guard FileSystem.exists("\(directory)/\(VAEManifest.fileName)") else {
            let others = try FileSystem.contents(of: directory).filter { $0 != ".lock" }
            guard others.isEmpty else { throw CollapseError("is not empty and holds no VAE run; choose another --out", path: directory) }
            try fresh.save(in: directory)
            return fresh
        }
        guard resume else { throw CollapseError("already holds a VAE run; add --resume to continue it, or choose another --out", path: directory) }
        let manifest = try VAEManifest.load(in: directory)
        guard manifest.configuration == configuration else {
            throw CollapseError("was started with another configuration (see its config.json); resume it with the same options, or choose another --out", path: directory)
        }
        guard manifest.digitsChecksum == digitsChecksum else {
            throw CollapseError("was started on other digits (their checksum differs); choose another --out", path: directory)
        }
        return manifest
    }

    /// What later generations of a seed need from earlier ones, loaded from disk when a resumed
    /// run starts in the middle.
    struct SeedState {
        var judge: VariationalAutoencoder<Float>?
        var reference: VAEReference?
        var previousSamples: DigitSet?
    }

    func generationDirectory(seed: UInt64, generation: Int) -> String { "seed-\(seed)/gen-\(generation)" }

    /// Salts of the random choices: one stream per purpose.
    enum Salt: UInt64 {
        case initialization = 0x494E_4954, training = 0x5452_4149, sampling = 0x5341_4D50, realPick = 0x5245_414C, judging = 0x4A55_4447
    }

    func seed(_ seed: UInt64, _ generation: Int, _ salt: Salt) -> UInt64 {
        VAERunConfiguration.seed(seed, generation: generation, salt: salt.rawValue)
    }
}

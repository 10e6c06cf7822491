import CorpusStore
import LanguageModeling
import Reporting
import Settings
import Storage

/// How a run records, verifies, skips and rebuilds its stages (resume and repair).
extension RunExecutor {
    /// Whether `step` ended before with its files intact. A record whose files are missing or
    /// damaged is dropped (and said so on stderr), so the step is done again.
    public func isFinished(_ step: RunStep) -> Bool {
        guard manifest.stages[step.key] != nil else { return false }
        guard let damaged = manifest.firstDamagedOutput(of: step.key, in: directory) else { return true }
        writeToStandardError("\(damaged): missing or damaged (checksum differs from the manifest); recomputing \(step.key)\n")
        manifest.stages[step.key] = nil
        return false
    }

    /// The first file `step` should have written that is not there.
    public func firstMissingOutput(of step: RunStep) -> String? {
        outputs(of: step).map { "\(directory)/\($0)" }.first { !FileSystem.exists($0) }
    }

    /// Records `step` as finished with the checksums of its files. A merge drops its generation's
    /// written shards (records and files), an evaluation its scored shards: what is left is
    /// what a local run leaves.
    public func record(_ step: RunStep, seconds: Double) throws {
        var checksums: [String: String] = [:]
        for file in outputs(of: step) { checksums[file] = try fileChecksum("\(directory)/\(file)") }
        manifest.stages[step.key] = RunManifest.Stage(name: step.key, outputs: checksums, seconds: seconds)
        let parts: RunStep.Kind? = step.kind == .merge ? .generate : step.kind == .evaluate ? .score : nil
        if let parts, step.shard.count > 1 {
            for index in 0..<step.shard.count {
                let part = RunStep(parts, seed: step.seed, generation: step.generation, shard: try Shard(index: index, count: step.shard.count))
                manifest.stages[part.key] = nil
                for file in outputs(of: part) { try FileSystem.remove("\(directory)/\(file)") }
            }
            // The scoring tasks write into the directory after the merge: only the last step
            // of a generation removes it.
            let shards = "\(directory)/\(step.base)/shards"
            if step.kind == .evaluate, FileSystem.isDirectory(shards), (try FileSystem.contents(of: shards)).isEmpty {
                try FileSystem.remove(shards)
            }
        }
        try manifest.save(in: directory)
    }

    /// Saves the manifest (after `isFinished` dropped records).
    public func saveManifest() throws {
        try manifest.save(in: directory)
    }

    /// The path of a run file a finished stage recorded, after checking its bytes. A worker
    /// also takes a file its driver has not recorded yet (a step it depends on just ended);
    /// models and block files check their own bytes as they are read.
    func verifiedPath(_ file: String) throws -> String {
        let path = "\(directory)/\(file)"
        if options.worker && manifest.recordedChecksum(of: file) == nil && FileSystem.exists(path) { return path }
        guard let checksum = manifest.recordedChecksum(of: file) else {
            throw CollapseError("not recorded by any finished stage of the run", path: path)
        }
        guard FileSystem.exists(path), try fileChecksum(path) == checksum else {
            throw CollapseError("missing or damaged (checksum differs from the manifest); recompute it with `collapse run \(directory) --resume`", path: path)
        }
        return path
    }

    /// Writes a file of the run as a whole and records its checksum; says so when the file on
    /// disk was not what the manifest recorded (edited or damaged).
    func writeRunFile(_ name: String, _ text: String) throws {
        let path = "\(directory)/\(name)"
        if let recorded = manifest.files?[name], FileSystem.exists(path), (try? fileChecksum(path)) != recorded {
            writeToStandardError("\(path): damaged (checksum differs from the manifest); rewriting it\n")
        }
        try FileSystem.writeText(text, to: path)
        manifest.files = (manifest.files ?? [:]).merging([name: try fileChecksum(path)]) { $1 }
    }

    /// Temporary files of a process that was killed mid-write.
    func removeLeftovers(in directory: String) throws {
        for name in try FileSystem.contents(of: directory) {
            let path = "\(directory)/\(name)"
            if FileSystem.isDirectory(path) { try removeLeftovers(in: path) } else if name.contains(".tmp-") { try FileSystem.remove(path) }
        }
    }

    /// A manifest rebuilt from the files on disk: per seed, each generation's training and
    /// generation stages in order, as long as their files pass their own checksums (models and
    /// block files carry them; the text must be the blocks' text). Evaluations are recomputed.
    func rebuiltManifest() throws -> RunManifest {
        var rebuilt = RunManifest(configuration: configuration, vocabularyHash: corpus.vocabulary.hash.hexDigits, corpusIdentity: corpus.identity)
        for seed in configuration.seeds {
            for k in 0..<configuration.generations {
                let base = "seed-\(seed)/gen-\(k)"
                let files = modelFiles(seed: seed, generation: k)
                guard (try? loadModel("\(directory)/\(modelFile(seed: seed, generation: k))")) != nil,
                      files.allSatisfy({ FileSystem.exists("\(directory)/\($0)") }) else { break }
                try record("\(base)/train", files, in: &rebuilt)
                let outputs = ["\(base)/corpus.blocks", "\(base)/corpus.txt.zst"]
                guard intactCorpus("\(directory)/\(base)/corpus") else { break }
                try record("\(base)/generate", outputs, in: &rebuilt)
            }
        }
        writeToStandardError("\(directory)/\(RunManifest.fileName): rebuilt from \(rebuilt.stages.count) intact stage(s); evaluations will be recomputed\n")
        return rebuilt
    }

    private func record(_ key: String, _ outputs: [String], in manifest: inout RunManifest) throws {
        var checksums: [String: String] = [:]
        for file in outputs { checksums[file] = try fileChecksum("\(directory)/\(file)") }
        manifest.stages[key] = RunManifest.Stage(name: key, outputs: checksums, seconds: 0, rebuilt: true)
    }

    /// A generated split whose block file verifies and whose text is exactly its blocks' text.
    private func intactCorpus(_ base: String) -> Bool {
        guard let reader = try? BlockFileReader(path: "\(base).blocks", vocabulary: corpus.vocabulary),
              reader.blockSize == configuration.decoding.newTokens else { return false }
        var expected = ""
        guard (try? reader.forEachBlock { expected += corpus.vocabulary.text(of: $0) + "\n" }) != nil,
              let text = try? Zstd.readAll(path: "\(base).txt.zst") else { return false }
        return text == Array(expected.utf8)
    }

    /// Refuses a configuration whose largest stage would not fit in memory.
    static func checkMemory(_ configuration: RunConfiguration, family: any ModelFamily, corpus: Corpus, path: String) throws {
        let realBlocks = corpus.manifest.record(for: .train)?.statistics.blocks ?? 0
        try MemoryBudget.ensure(estimatedPeakBytes(configuration, family: family, realBlocks: realBlocks, vocabularySize: corpus.vocabulary.count),
                                for: "the run (its largest generation, \(realBlocks) blocks)", path: path)
    }
}

import CorpusStore
import LanguageModeling
import Reporting
import Settings
import Storage

/// How a run records, verifies, skips and rebuilds its stages (resume and repair).
extension RunExecutor {
    /// Runs `body` unless the stage finished before and its files are intact (and, when
    /// re-evaluating, the stage is not an evaluation). The record is replaced only once the
    /// stage succeeded.
    func stage(_ key: String, outputs: [String], _ body: () throws -> Void) throws {
        if manifest.stages[key] != nil && !(options.reevaluate && key.hasSuffix("/evaluate")) {
            guard let damaged = manifest.firstDamagedOutput(of: key, in: directory) else { return }
            writeToStandardError("\(damaged): missing or damaged (checksum differs from the manifest); recomputing \(key)\n")
            manifest.stages[key] = nil
        }
        let start = monotonicSeconds()
        try body()
        var checksums: [String: String] = [:]
        for file in outputs { checksums[file] = try fileChecksum("\(directory)/\(file)") }
        manifest.stages[key] = RunManifest.Stage(name: key, outputs: checksums, seconds: monotonicSeconds() - start)
        try manifest.save(in: directory)
    }

    /// The path of a run file a finished stage recorded, after checking its bytes.
    func verifiedPath(_ file: String) throws -> String {
        let path = "\(directory)/\(file)"
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
        var rebuilt = RunManifest(configuration: configuration, vocabularyHash: corpus.vocabulary.hash.hexDigits)
        for seed in configuration.seeds {
            for k in 0..<configuration.generations {
                let base = "seed-\(seed)/gen-\(k)"
                let model = modelFile(seed: seed, generation: k)
                guard (try? loadModel("\(directory)/\(model)")) != nil else { break }
                try record("\(base)/train", [model], in: &rebuilt)
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
              reader.blockSize == configuration.newTokens else { return false }
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

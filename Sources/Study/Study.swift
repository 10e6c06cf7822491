import Foundation
import LanguageModeling
import Pipeline
import Reporting
import Storage

/// A study's directory (`Runs/<name>/`): `study.json` as given, `configs/` with every run's
/// configuration as it was run, the runs themselves, and `results.md` and `results.html`.
public struct Study {
    public let configuration: StudyConfiguration
    public let directory: String
    let registry: FamilyRegistry

    /// - Parameter runsRoot: where the study's directory goes (`Runs`).
    public init(path: String, runsRoot: String, registry: FamilyRegistry) throws {
        configuration = try StudyConfiguration.load(from: path, registry: registry)
        directory = "\(runsRoot)/\(configuration.name)"
        self.registry = registry
        try FileSystem.createDirectory("\(directory)/configs")
        try FileSystem.writeText(try InputFile.readText(path: path), to: "\(directory)/study.json")
    }

    /// Runs the base runs, then the grid, each through `execute` (given a configuration file
    /// and the directory that holds the study's runs; it starts the run, or continues it).
    /// - Returns: the run directories, base runs first.
    public func run(_ execute: (_ configuration: String, _ runsRoot: String) throws -> Void) throws -> [String] {
        var done: [String] = []
        var bases: [String: (path: String, checksum: String)] = [:]
        for run in configuration.baseRuns {
            try execute(try write(run, configuration: run.configuration(baseChecksum: "")), directory)
            let family = try registry.family(named: run.familyName, path: "\(directory)/configs/\(run.name).json")
            let path = StudyRun.baseModelPath(run: run.name, in: directory, seed: configuration.seeds[0], modelFileName: family.modelFileName)
            bases[run.name] = (path, try fileChecksum(path))
            done.append("\(directory)/\(run.name)")
        }
        for run in configuration.runs {
            let base = run.base.flatMap { bases[$0] }
            try execute(try write(run, configuration: run.configuration(basePath: base?.path, baseChecksum: base?.checksum ?? "")), directory)
            done.append("\(directory)/\(run.name)")
        }
        return done
    }

    /// Writes `configs/<run>.json`; returns its path.
    private func write(_ run: StudyRun, configuration: JSONValue) throws -> String {
        let path = "\(directory)/configs/\(run.name).json"
        try FileSystem.writeText(try prettyJSON(configuration), to: path)
        return path
    }
}

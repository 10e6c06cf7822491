import Foundation
import ModelFamilies
import Pipeline
import Study
import Testing

/// The configurations the README and the Makefile point researchers at must load as shipped:
/// a key renamed in the code, or a value moved out of its range, would otherwise surface only
/// when someone starts an hour-long study.
@Suite struct ShippedConfigurationTests {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Runs/configs").path

    static func shipped() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".json") }.sorted()
    }

    @Test func everyShippedRunAndStudyConfigurationLoads() throws {
        let names = try Self.shipped()
        #expect(names.contains("study-wikitext2.json"))
        #expect(names.contains("study-wikitext2-accumulate.json"))
        for name in names {
            let path = "\(Self.directory)/\(name)"
            let text = try String(contentsOfFile: path, encoding: .utf8)
            if text.contains("\"families\"") {
                let study = try StudyConfiguration.load(from: path, registry: .standard)
                #expect(study.seeds.count == 3, "\(name)")
                #expect(study.generations == 10, "\(name)")
            } else {
                let run = try RunConfiguration.load(from: path, registry: .standard)
                #expect(run.name == String(name.dropLast(".json".count)), "\(name)")
            }
        }
    }
}

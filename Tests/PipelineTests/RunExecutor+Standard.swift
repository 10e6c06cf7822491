import Foundation
import ModelFamilies
import Pipeline

extension RunExecutor {
    /// A run of the standard families, as the executable makes one.
    convenience init(configurationPath: String, runsRoot: String, resume: Bool, threads: Int) throws {
        try self.init(configurationPath: configurationPath, runsRoot: runsRoot,
                      options: RunOptions(registry: .standard, resume: resume, threads: threads))
    }
}

import Settings
import Storage

/// The model families a command can use, looked up by name (a configuration's `family`) or by
/// a model file.
public struct FamilyRegistry: Sendable {
    public let families: [any ModelFamily]

    public init(_ families: [any ModelFamily]) {
        self.families = families
    }

    public var names: [String] { families.map(\.name) }

    /// - Throws: naming the known families.
    public func family(named name: String, path: String? = nil) throws -> any ModelFamily {
        guard let family = families.first(where: { $0.name == name }) else {
            throw CollapseError("model family '\(name)' is not available (known: \(names.joined(separator: ", ")))", path: path)
        }
        return family
    }

    /// Tells every family the thread count to compute with (see `ModelFamily.useThreads`).
    public func useThreads(_ count: Int) {
        for family in families { family.useThreads(count) }
    }

    /// Loads a model file of whichever family recognizes it.
    public func load(from path: String) throws -> any LanguageModel {
        guard FileSystem.exists(path) else { throw CollapseError("no such file or directory", path: path) }
        guard let family = families.first(where: { $0.recognizes(path: path) }) else {
            throw CollapseError("not a model file of a known family (\(names.joined(separator: ", ")))", path: path)
        }
        return try family.load(from: path)
    }

    /// Reads a configuration's model section: its `family`, then that family's own keys.
    /// - Returns: the family and the normalized section.
    public func modelSection(_ reader: inout SettingsReader) throws -> (family: any ModelFamily, settings: JSONValue) {
        let family = try self.family(named: try reader.string("family"), path: reader.path)
        let settings = try family.normalizedSettings(&reader)
        try reader.finish()
        return (family, settings)
    }
}

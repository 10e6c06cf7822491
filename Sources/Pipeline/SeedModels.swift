import LanguageModeling

/// One seed's models by generation, kept once trained or loaded (and checked) from their files
/// on first use; `keep` drops the ones no later stage needs.
final class SeedModels {
    private var models: [Int: any LanguageModel] = [:]
    private let load: (Int) throws -> any LanguageModel

    init(executor: RunExecutor, seed: UInt64) {
        load = { [unowned executor] k in try executor.loadModel("\(executor.directory)/\(executor.modelFile(seed: seed, generation: k))") }
    }

    /// Model k: kept, or loaded from its file.
    func model(_ k: Int) throws -> any LanguageModel {
        if let model = models[k] { return model }
        let loaded = try load(k)
        models[k] = loaded
        return loaded
    }

    func store(_ model: any LanguageModel, generation k: Int) {
        models[k] = model
    }

    /// Forgets every model but those `needed` says are.
    func keep(_ needed: (Int) -> Bool) {
        models = models.filter { needed($0.key) }
    }
}

import LanguageModeling

/// What a run's steps read — the corpus's shared data, a seed's models, a generation's training
/// blocks — prepared when a step first asks for it and kept while the steps after it can still
/// need it. A run done in one process (the local executor) so reads, trains and assembles each
/// once; a step done alone (a cluster job) prepares only what it reads.
final class StepInputs {
    private unowned let executor: RunExecutor
    private var sharedData: SharedData?
    private var seedModels: (seed: UInt64, models: SeedModels)?
    private var training: TrainingBlocks?

    init(executor: RunExecutor) {
        self.executor = executor
    }

    func shared() throws -> SharedData {
        if let sharedData { return sharedData }
        let loaded = try SharedData(corpus: executor.corpus)
        sharedData = loaded
        return loaded
    }

    /// The models of `step`'s seed. A step of generation k reads models 0, k − 1 and k at most
    /// (generation 0 scores, the previous one may be fine-tuned), so the others are let go.
    func models(for step: RunStep) -> SeedModels {
        if let seedModels, seedModels.seed == step.seed {
            seedModels.models.keep { $0 == 0 || $0 >= step.generation - 1 }
            return seedModels.models
        }
        let models = SeedModels(executor: executor, seed: step.seed)
        seedModels = (step.seed, models)
        return models
    }

    /// The blocks `step`'s generation learns from, assembled by the run's regime once per
    /// generation (training, `previous` prompts and the evaluation all read them).
    func trainingBlocks(for step: RunStep) throws -> TrainingSequences {
        var current = try training.flatMap { $0.seed == step.seed && $0.generation == step.generation ? $0 : nil }
            ?? TrainingBlocks(executor: executor, shared: try shared(), seed: step.seed, generation: step.generation)
        let blocks = try current.blocks()
        training = current
        return blocks
    }

    /// The blocks `step`'s generation continues: the real training blocks, or its model's own.
    func prompts(for step: RunStep) throws -> TrainingSequences {
        let shared = try shared()
        return executor.configuration.prompts == .original ? shared.realBlocks
            : try trainingBlocks(for: step).prefix(shared.realBlocks.count)
    }
}

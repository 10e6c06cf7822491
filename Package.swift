// swift-tools-version: 6.0
import PackageDescription

// One library module per concern; the `collapse` executable only parses arguments.
// System libraries come in through SwiftPM system-library (or thin C) targets.
let nativeCPU: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "native"])]

let package = Package(
    name: "ModelCollapse",
    products: [
        .executable(name: "collapse", targets: ["CollapseCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", exact: "0.9.20"),
    ],
    targets: [
        // ICU sits behind a C target whose public header has no ICU types: Foundation on Linux
        // carries its own ICU whose clang module clashes with the system headers.
        .target(name: "CICUWords", linkerSettings: [.linkedLibrary("icuuc")]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CMalloc"),
        .systemLibrary(name: "CPrefetch"),
        // OpenBLAS is opened at run time (dlopen) by the first product: the target holds only its
        // functions' types. libopenblas0 (of libopenblas-dev) provides the library.
        .systemLibrary(name: "COpenBLAS"),

        .target(name: "Storage", dependencies: ["CZstd", "CPrefetch", .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        .target(name: "Reporting"),
        // Descriptive statistics, t and bootstrap intervals: the uncertainty of every figure.
        .target(name: "Statistics", dependencies: ["Storage"]),
        .target(name: "Settings", dependencies: ["Storage"]),
        .target(name: "Tokenization", dependencies: ["CICUWords", "CPrefetch", "Settings", "Storage"]),
        .target(name: "CorpusStore", dependencies: [
            "Settings", "Storage", "Tokenization", "Reporting",
            .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        ]),
        .target(name: "LanguageModeling", dependencies: ["Storage", "Tokenization", "Settings"]),
        .target(name: "NGram", dependencies: ["CPrefetch", "Storage", "Tokenization", "Settings", "LanguageModeling"]),
        // Numeric code is built for the machine it runs on: SIMD with FMA and wide vectors
        // (the default x86-64 baseline turns SIMD fused multiply-adds into library calls).
        .target(name: "NeuralNetworks", dependencies: ["COpenBLAS", "Storage"], swiftSettings: nativeCPU),
        .target(name: "GPT2", dependencies: ["NeuralNetworks", "LanguageModeling", "Settings", "Storage", "Tokenization", "Reporting"],
                swiftSettings: nativeCPU),
        // The one place that names every model family.
        .target(name: "ModelFamilies", dependencies: ["LanguageModeling", "NGram", "GPT2"]),
        .target(name: "Decoding", dependencies: ["LanguageModeling", "Tokenization", "Reporting"]),
        .target(name: "Evaluation", dependencies: ["LanguageModeling", "Statistics", "Tokenization"]),
        .target(name: "Pipeline", dependencies: ["Settings", "Statistics", "Evaluation", "CorpusStore", "Decoding", "LanguageModeling", "Reporting", "Storage", "Tokenization"]),
        // A grid of runs (families × regimes × seeds) and its results, the paper's figures side by side.
        .target(name: "Study", dependencies: ["Pipeline", "Statistics", "Evaluation", "CorpusStore", "LanguageModeling", "Reporting", "Settings", "Storage", "Tokenization"]),
        // Runs as Slurm jobs: the pipeline's steps submitted with their dependencies, watched and recorded.
        .target(name: "Cluster", dependencies: ["Pipeline", "Reporting", "Settings", "Storage"]),
        // The paper's closed-form experiments: discrete, Gaussian and mixture fitting, with their theory.
        .target(name: "Theory", dependencies: ["Reporting", "Storage"]),
        // The paper's recursive VAE on handwritten digits, over the neural LM's layers and optimiser.
        .target(name: "VAE", dependencies: ["NeuralNetworks", "Statistics", "Reporting", "Settings", "Storage"], swiftSettings: nativeCPU),
        .target(name: "Benchmarks", dependencies: ["Storage", "Tokenization", "CorpusStore", "NGram", "GPT2", "NeuralNetworks", "LanguageModeling", "ModelFamilies", "Decoding", "Reporting"],
                exclude: ["Reference"]),
        .executableTarget(name: "CollapseCLI", dependencies: [
            "CMalloc", "Settings", "Benchmarks", "Pipeline", "Study", "Cluster", "Theory", "VAE", "ModelFamilies", "GPT2", "NeuralNetworks", "Decoding", "CorpusStore", "NGram", "LanguageModeling", "Tokenization", "Reporting", "Storage",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ],
        // A position-dependent executable: the loader then has no relative relocations to apply to
        // it at every start (about 80,000 for Swift's metadata), a third of a short command's time.
        linkerSettings: [.unsafeFlags(["-Xlinker", "-no-pie"])]),

        // Helpers shared by the test targets (temporary directories, the WikiText-2 location).
        .target(name: "TestSupport", dependencies: ["CorpusStore", "LanguageModeling", "Settings", "Storage", "Tokenization", "ZIPFoundation"], path: "Tests/TestSupport"),

        .testTarget(name: "ReportingTests", dependencies: ["Reporting"]),
        .testTarget(name: "StatisticsTests", dependencies: ["Statistics", "Storage"]),
        .testTarget(name: "SettingsTests", dependencies: ["Settings", "Storage", "TestSupport"]),
        .testTarget(name: "StorageTests", dependencies: ["Storage", "TestSupport"]),
        .testTarget(name: "TokenizationTests", dependencies: ["TestSupport", "Tokenization", "Storage"]),
        .testTarget(name: "CorpusStoreTests", dependencies: ["TestSupport", "CorpusStore", "Tokenization", "Storage", "ZIPFoundation"]),
        .testTarget(name: "NGramTests", dependencies: ["TestSupport", "NGram", "LanguageModeling", "Tokenization", "Storage"]),
        .testTarget(name: "DecodingTests", dependencies: ["TestSupport", "Decoding", "NGram", "LanguageModeling", "Tokenization", "Storage"]),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation", "LanguageModeling", "Statistics", "TestSupport"]),
        .testTarget(name: "PipelineTests", dependencies: ["TestSupport", "Pipeline", "Evaluation", "CorpusStore", "NGram", "LanguageModeling", "ModelFamilies", "Tokenization", "Storage"]),
        .testTarget(name: "ModelContractTests", dependencies: ["TestSupport", "LanguageModeling", "Decoding", "NGram", "GPT2", "Settings", "Storage", "Tokenization"]),
        .testTarget(name: "NeuralNetworksTests", dependencies: ["NeuralNetworks"], swiftSettings: nativeCPU),
        .testTarget(name: "GPT2Tests", dependencies: ["GPT2", "Decoding", "NeuralNetworks", "TestSupport", "Storage", "Tokenization", "LanguageModeling", "Settings"],
                    swiftSettings: nativeCPU),
        .testTarget(name: "TheoryTests", dependencies: ["Theory", "Storage"]),
        .testTarget(name: "VAETests", dependencies: ["VAE", "NeuralNetworks", "Statistics", "Storage", "TestSupport"], swiftSettings: nativeCPU),
        .testTarget(name: "ClusterTests", dependencies: ["Cluster", "Pipeline", "ModelFamilies", "Storage", "TestSupport"]),
        .testTarget(name: "LanguageModelingTests", dependencies: ["LanguageModeling"]),
        .testTarget(name: "BenchmarksTests", dependencies: ["Benchmarks"]),
        .testTarget(name: "CLITests", dependencies: ["CollapseCLI", "TestSupport", "Storage", "Pipeline", "Study", "ModelFamilies"]),
    ]
)

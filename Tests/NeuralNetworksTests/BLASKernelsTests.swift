import Testing
@testable import NeuralNetworks

@Suite struct BLASKernelsTests {
    let avx512: Set<String> = ["fma", "avx2", "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]

    @Test func anUnknownCPUWithAVX512GetsTheAVX512Kernels() {
        #expect(BLASKernels.betterCoreType(coreName: "Prescott", cpuFlags: avx512) == "SkylakeX")
        #expect(BLASKernels.betterCoreType(coreName: "Prescott", cpuFlags: avx512.union(["avx512_bf16"])) == "Cooperlake")
    }

    @Test func anUnknownCPUWithOnlyAVX2GetsTheHaswellKernels() {
        #expect(BLASKernels.betterCoreType(coreName: "Nehalem", cpuFlags: ["avx", "avx2", "fma"]) == "Haswell")
        #expect(BLASKernels.betterCoreType(coreName: "Prescott", cpuFlags: ["avx", "avx2"]) == nil)
    }

    @Test func aRecognizedCPUKeepsOpenBLASsChoice() {
        #expect(BLASKernels.betterCoreType(coreName: "Zen", cpuFlags: avx512) == nil)
        #expect(BLASKernels.betterCoreType(coreName: "Haswell", cpuFlags: avx512) == nil)
        #expect(BLASKernels.betterCoreType(coreName: "Cooperlake", cpuFlags: avx512) == nil)
    }

    @Test func anOldCPUKeepsTheGenericKernels() {
        #expect(BLASKernels.betterCoreType(coreName: "Prescott", cpuFlags: ["sse3", "ssse3"]) == nil)
    }

    @Test func theCPUFlagsAreReadOnLinux() {
        #expect(BLASKernels.cpuFlags().contains("sse2"))
    }
}

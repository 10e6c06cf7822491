import Foundation

/// OpenBLAS picks its kernels once, when the library loads, from the CPU's model number. A CPU
/// newer than the library gets the generic SSE3 kernels ("Prescott"): OpenBLAS 0.3.21 does so on
/// Intel's model 207 (Emerald Rapids), where sgemm then runs at a quarter of the speed of the
/// AVX-512 kernels the CPU can run. The only remedy OpenBLAS offers is the `OPENBLAS_CORETYPE`
/// variable, read at load time, so the process starts again with it set.
public enum BLASKernels {
    /// The variable OpenBLAS reads to choose its kernels.
    static let variable = "OPENBLAS_CORETYPE"

    /// Kernel families that use neither AVX2 nor AVX-512: what OpenBLAS falls back to on an
    /// unknown x86 CPU.
    static let fallbacks: Set<String> = ["prescott", "core2", "penryn", "dunnington", "nehalem", "sandybridge", "atom",
                                         "katmai", "coppermine", "northwood", "banias", "unknown"]

    /// The kernel family to ask for when OpenBLAS chose `coreName` but the CPU, by its feature
    /// flags (as `/proc/cpuinfo` names them), runs a faster one; nil when the choice stands.
    public static func betterCoreType(coreName: String, cpuFlags: Set<String>) -> String? {
        guard fallbacks.contains(coreName.lowercased()) else { return nil }
        let avx512 = ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"].allSatisfy(cpuFlags.contains)
        if avx512 && cpuFlags.contains("avx512_bf16") { return "Cooperlake" }
        if avx512 { return "SkylakeX" }
        if cpuFlags.contains("avx2") && cpuFlags.contains("fma") { return "Haswell" }
        return nil
    }

    /// Starts this program again (same process id, arguments and descriptors) with
    /// `OPENBLAS_CORETYPE` naming the best kernels the CPU runs, when OpenBLAS chose generic ones
    /// and the variable is not set already. Returns when nothing needs doing or the restart fails.
    public static func restartWithBestKernelsIfNeeded() {
        guard ProcessInfo.processInfo.environment[variable] == nil,
              let better = betterCoreType(coreName: BLAS.coreName, cpuFlags: cpuFlags()) else { return }
        setenv(variable, better, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        unsetenv(variable)
    }

    /// The feature flags of the first CPU in `/proc/cpuinfo` (empty where there is none).
    static func cpuFlags() -> Set<String> {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":") else { return [] }
        return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
    }
}

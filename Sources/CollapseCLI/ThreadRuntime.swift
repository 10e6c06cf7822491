import Foundation

/// OpenBLAS reads its thread settings once, when the library loads (before `main`). Its idle
/// worker threads otherwise spin for about 2²⁸ cycles after each product, taking a core from
/// the layers' own parallel loops between products; a timeout of 2⁴ cycles makes them sleep at
/// once. So the tool sets it and, if it was not already set, starts itself again, once.
func settleNumericRuntime() {
    let name = "OPENBLAS_THREAD_TIMEOUT"
    guard getenv(name) == nil else { return }
    setenv(name, "4", 1)
    // execv returns only on failure; then the tool goes on with OpenBLAS's default.
    execv("/proc/self/exe", CommandLine.unsafeArgv)
}

#if canImport(Glibc)
import Glibc
#endif

/// Seconds on a monotonic clock, for rates and timings.
public func monotonicSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) * 1e-9
}

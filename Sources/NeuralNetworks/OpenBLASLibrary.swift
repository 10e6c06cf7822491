import COpenBLAS
import Foundation

/// OpenBLAS, opened on the first use of a product rather than linked: a command that never
/// multiplies matrices starts without loading it (with libgfortran, a few milliseconds and the
/// threads it starts). Opening it also turns its own threads off (see `BLAS`).
@usableFromInline
struct OpenBLASLibrary: @unchecked Sendable {
    /// Debian's name for the library (libopenblas0, which libopenblas-dev installs).
    static let name = "libopenblas.so.0"

    @usableFromInline let sgemm: CollapseSGEMM
    @usableFromInline let dgemm: CollapseDGEMM
    let setThreads: CollapseSetThreads
    let coreName: CollapseCoreName
    let shutdownThreads: CollapseShutdownThreads

    /// The library, opened once per process; a process without it stops with a one-line error.
    @usableFromInline static let shared = OpenBLASLibrary.open()

    static func open() -> OpenBLASLibrary {
        func fail(_ problem: String) -> Never {
            FileHandle.standardError.write(Data("Error: \(problem)\n".utf8))
            exit(1)
        }
        guard let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) else {
            fail("cannot open OpenBLAS (\(dlerror().map { String(cString: $0) } ?? "not found")); install libopenblas-dev")
        }
        func function<Function>(_ symbol: String, _ type: Function.Type) -> Function {
            guard let address = dlsym(handle, symbol) else { fail("\(name) has no \(symbol)") }
            return unsafeBitCast(address, to: type)
        }
        let library = OpenBLASLibrary(sgemm: function("cblas_sgemm", CollapseSGEMM.self),
                                      dgemm: function("cblas_dgemm", CollapseDGEMM.self),
                                      setThreads: function("openblas_set_num_threads", CollapseSetThreads.self),
                                      coreName: function("openblas_get_corename", CollapseCoreName.self),
                                      shutdownThreads: function("blas_thread_shutdown_", CollapseShutdownThreads.self))
        // The threads OpenBLAS started when it loaded spin waiting for work until they time
        // out, taking a core from whatever the process does next; `withOwnThreads` gets them
        // back (OpenBLAS starts them again on the first product that asks for them).
        library.setThreads(1)
        _ = library.shutdownThreads()
        return library
    }
}

/* OpenBLAS through the CBLAS ABI, opened with dlopen on the first matrix product (`OpenBLASLibrary` in
   NeuralNetworks): loading it, with libgfortran, and starting its threads costs milliseconds that
   commands which never multiply matrices (n-gram scoring above all) need not pay. So nothing here
   is linked: these are the types of the few functions looked up, and the CBLAS constants. */
#ifndef COLLAPSE_OPENBLAS_SHIM_H
#define COLLAPSE_OPENBLAS_SHIM_H

enum {
    CollapseCBLASRowMajor = 101,
    CollapseCBLASNoTrans = 111,
    CollapseCBLASTrans = 112,
};

typedef void (*CollapseSGEMM)(int order, int transposeA, int transposeB, int m, int n, int k, float alpha,
                              const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc);
typedef void (*CollapseDGEMM)(int order, int transposeA, int transposeB, int m, int n, int k, double alpha,
                              const double *a, int lda, const double *b, int ldb, double beta, double *c, int ldc);
/* openblas_set_num_threads */
typedef void (*CollapseSetThreads)(int threads);
/* openblas_get_corename */
typedef char *(*CollapseCoreName)(void);
/* blas_thread_shutdown_: exported by OpenBLAS, not declared in its headers; stops the threads it
   starts when it loads (they come back on the first product that asks for them). */
typedef int (*CollapseShutdownThreads)(void);

#endif

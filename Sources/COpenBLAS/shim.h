#include <cblas.h>

/* Stops the threads OpenBLAS starts when it loads (they come back on the first product that
   asks for them). Exported by OpenBLAS, not declared in its headers. */
int blas_thread_shutdown_(void);

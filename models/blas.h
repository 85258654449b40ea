/* blas.h - the BLAS and LAPACK routines of OpenBLAS that training calls,
 * loaded from its library the first time a fit needs them (blas.c)
 * rather than linked: OpenBLAS's relocations and thread pool took about
 * 6 ms of every start of every program linking libchurn, and scoring
 * never calls it. Looked up in OpenBLAS's own handle: GSL links a
 * reference CBLAS whose functions have the same names (GSL's own calls,
 * in gsl_eigen_symmv, go to it). Private to models/. */
#ifndef CHURN_MODELS_BLAS_H
#define CHURN_MODELS_BLAS_H

#include "ml/internal.h"

/* The CBLAS prototypes and constants (the standard's header, as GSL
 * ships it; OpenBLAS's cblas.h would clash with it where GSL's headers
 * are included too). */
#include <gsl/gsl_cblas.h>

/* The library, by its soname (Debian's libopenblas0). */
#define CHURN__BLAS_LIBRARY "libopenblas.so.0"

/* LAPACK's Cholesky factor and solve (OpenBLAS ships no lapacke.h). The
 * trailing size_t is the hidden length of the character argument that
 * gfortran-built routines expect (dpotrs_ is reference Fortran); those
 * written in C ignore it. Declared for their types only: never linked. */
void dpotrf_(const char *uplo, const int *n, double *a, const int *lda,
             int *info, size_t uplo_len);
void dpotrs_(const char *uplo, const int *n, const int *nrhs, const double *a,
             const int *lda, double *b, const int *ldb, int *info,
             size_t uplo_len);

/* Every routine models/ calls. */
#define CHURN__BLAS_FUNCTIONS(X)                                              \
    X(cblas_ddot)                                                             \
    X(cblas_daxpy)                                                            \
    X(cblas_dgemv)                                                            \
    X(cblas_dgemm)                                                            \
    X(cblas_dsyrk)                                                            \
    X(dpotrf_)                                                                \
    X(dpotrs_)

/* A pointer to each, typed as declared above. */
typedef struct churn__blas_lib {
#define CHURN__BLAS_POINTER(name) __typeof__(name) *name;
    CHURN__BLAS_FUNCTIONS(CHURN__BLAS_POINTER)
#undef CHURN__BLAS_POINTER
} churn__blas_lib;

/* Loads the routines, once for the whole process (any thread may call
 * this): CHURN_OK, or CHURN_EIO with err saying why (the next call tries
 * again). Every fit calls it before its ranks agree to go on. */
int churn__blas_open(churn_error *err);

/* The routines, once churn__blas_open has returned CHURN_OK. */
const churn__blas_lib *churn__blas(void);

#endif

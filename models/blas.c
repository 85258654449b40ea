/* blas.c - OpenBLAS opened on first use (see blas.h). */
#include "models/blas.h"

#include <dlfcn.h>

static churn__dynlib opened = CHURN__DYNLIB_INIT;
static churn__blas_lib lib; /* written once, while opening */

/* Looks every routine up in the library: the first missing, or NULL. */
static const char *find(void *h)
{
    const char *missing = NULL;
#define CHURN__BLAS_FIND(name)                                                \
    if (!(lib.name = (__typeof__(lib.name))dlsym(h, #name)) && !missing)      \
        missing = #name;
    CHURN__BLAS_FUNCTIONS(CHURN__BLAS_FIND)
#undef CHURN__BLAS_FIND
    return missing;
}

int churn__blas_open(churn_error *err)
{
    char why[200] = "";
    if (churn__dynlib_open(&opened, CHURN__BLAS_LIBRARY, find, why,
                           sizeof why))
        return CHURN_OK;
    return churn__fail(err, CHURN_EIO, "cannot load OpenBLAS: %s; install "
                       "it (Debian: libopenblas0; tools/install-deps)", why);
}

const churn__blas_lib *churn__blas(void)
{
    return &lib;
}

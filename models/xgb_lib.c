/* xgb_lib.c - XGBoost's C library opened on first use (see xgb_lib.h). */
#include "models/xgb_lib.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

static pthread_mutex_t opening = PTHREAD_MUTEX_INITIALIZER;
static churn__xgb_lib lib;   /* written once, under opening */
static atomic_int lib_ok;    /* set once lib is complete */

/* Opens the library into lib; 0 with why set when it cannot. A failure
 * is not remembered: a later call tries again (dlopen can fail for want
 * of memory). */
static int open_library(char *why, size_t size)
{
    /* RTLD_NODELETE: the table stays valid for the life of the process,
     * whoever else closes the library. */
    void *h = dlopen(CHURN__XGB_LIBRARY, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    const char *missing = NULL;
    if (!h) {
        const char *e = dlerror();
        snprintf(why, size, "%s", e ? e : CHURN__XGB_LIBRARY);
        return 0;
    }
#define CHURN__XGB_FIND(name)                                                 \
    if (!(lib.name = (__typeof__(lib.name))dlsym(h, #name)) && !missing)      \
        missing = #name;
    CHURN__XGB_FUNCTIONS(CHURN__XGB_FIND)
#undef CHURN__XGB_FIND
    if (missing)
        snprintf(why, size, "%s has no %s (XGBoost 1.7 or later is needed)",
                 CHURN__XGB_LIBRARY, missing);
    return !missing;
}

const churn__xgb_lib *churn__xgb_lib_open(churn_error *err)
{
    if (atomic_load_explicit(&lib_ok, memory_order_acquire))
        return &lib;
    char why[200] = "";
    pthread_mutex_lock(&opening);
    int ok = atomic_load_explicit(&lib_ok, memory_order_relaxed) ||
             open_library(why, sizeof why);
    if (ok)
        atomic_store_explicit(&lib_ok, 1, memory_order_release);
    pthread_mutex_unlock(&opening);
    if (ok)
        return &lib;
    churn__fail(err, CHURN_EIO, "gbdt: cannot load XGBoost's C library: %s; "
                "install it (Debian: libxgboost0; tools/install-deps)", why);
    return NULL;
}

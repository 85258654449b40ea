/* xgb_lib.c - XGBoost's C library opened on first use (see xgb_lib.h). */
#include "models/xgb_lib.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

static pthread_once_t opened = PTHREAD_ONCE_INIT;
static churn__xgb_lib lib;
static int lib_ok;
static char lib_error[200]; /* why it could not be loaded */

static void open_library(void)
{
    /* RTLD_NODELETE: the table stays valid for the life of the process,
     * whoever else closes the library. */
    void *h = dlopen(CHURN__XGB_LIBRARY, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    const char *missing = NULL;
    if (!h) {
        snprintf(lib_error, sizeof lib_error, "%s", dlerror());
        return;
    }
#define CHURN__XGB_FIND(name)                                                 \
    if (!(lib.name = (__typeof__(lib.name))dlsym(h, #name)) && !missing)      \
        missing = #name;
    CHURN__XGB_FUNCTIONS(CHURN__XGB_FIND)
#undef CHURN__XGB_FIND
    if (missing)
        snprintf(lib_error, sizeof lib_error, "%s has no %s (XGBoost 1.7 "
                 "or later is needed)", CHURN__XGB_LIBRARY, missing);
    lib_ok = !missing;
}

const churn__xgb_lib *churn__xgb_lib_open(churn_error *err)
{
    pthread_once(&opened, open_library);
    if (lib_ok)
        return &lib;
    churn__fail(err, CHURN_EIO, "gbdt: cannot load XGBoost's C library: %s; "
                "install it (Debian: libxgboost0; tools/install-deps)",
                lib_error);
    return NULL;
}

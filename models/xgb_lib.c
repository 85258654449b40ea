/* xgb_lib.c - XGBoost's C library opened on first use (see xgb_lib.h). */
#include "models/xgb_lib.h"

#include <dlfcn.h>

static churn__dynlib opened = CHURN__DYNLIB_INIT;
static churn__xgb_lib lib; /* written once, while opening */

/* Looks every function up in the library: the first missing, or NULL. */
static const char *find(void *h)
{
    const char *missing = NULL;
#define CHURN__XGB_FIND(name)                                                 \
    if (!(lib.name = (__typeof__(lib.name))dlsym(h, #name)) && !missing)      \
        missing = #name;
    CHURN__XGB_FUNCTIONS(CHURN__XGB_FIND)
#undef CHURN__XGB_FIND
    return missing;
}

const churn__xgb_lib *churn__xgb_lib_open(churn_error *err)
{
    char why[200] = "";
    if (churn__dynlib_open(&opened, CHURN__XGB_LIBRARY, find, why,
                           sizeof why))
        return &lib;
    churn__fail(err, CHURN_EIO, "gbdt: cannot load XGBoost's C library: %s "
                "(XGBoost 1.7 or later is needed); install it (Debian: "
                "libxgboost0; tools/install-deps)", why);
    return NULL;
}

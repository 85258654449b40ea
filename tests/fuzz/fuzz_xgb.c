/* fuzz_xgb.c - libFuzzer target: the bytes as a booster's UBJSON, through
 * the structural check that guards XGBoost's reader (models/xgb_ubj.c).
 * XGBoost's own loader is not fuzzed here: it trusts a tree's child and
 * feature indices by design (models/xgb.h), so it only sees bytes whose
 * checksum the model file has verified. */
#include "fuzz_util.h"

#include "models/xgb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    churn_error err;
    int rc = churn__xgb_check_ubj(data, size, &err);
    if (rc != CHURN_OK && rc != CHURN_EFORMAT)
        abort();
    if (rc && strncmp(err.message, "xgboost: not a booster (UBJSON byte ",
                      36) != 0)
        abort();
    return 0;
}

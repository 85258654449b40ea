/* fuzz_events.c - libFuzzer target: the bytes as an event log, through
 * churn_features_extract (reader, per-customer state, snapshots, labels). */
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static fuzz_file file;
    static churn_feature_opts *opts;
    if (!opts) {
        fuzz_file_init(&file, "events.csv");
        opts = churn_feature_opts_new();
        double as_of;
        if (!opts || churn_parse_time("2025-01-01", 10, &as_of) != CHURN_OK)
            abort();
        churn_feature_opts_set_as_of(opts, (int64_t)as_of);
        churn_feature_opts_set_horizon(opts, 90);
        churn_feature_opts_set_snapshots(opts, 2, 30);
    }
    fuzz_file_set(&file, data, size);
    churn_error err;
    churn_dataset *ds = NULL;
    int rc = churn_features_extract(file.path, NULL, opts, &ds, &err);
    fuzz_check_place(rc, &err, file.path);
    if ((rc == CHURN_OK) != (ds != NULL))
        abort();
    churn_dataset_free(ds);
    return 0;
}

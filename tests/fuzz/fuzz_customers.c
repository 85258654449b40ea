/* fuzz_customers.c - libFuzzer target: the bytes as a customers file,
 * read as churn-features reads it (id column customer_id, unique ids) and
 * joined to a fixed event log. */
#include "fuzz_util.h"

static const char events[] =
    "customer_id,timestamp,event,value\n"
    "a,2024-10-01,signup,\n"
    "a,2024-12-20,login,3\n"
    "b,2024-11-05,purchase,19.5\n"
    "c,2024-12-01,ticket,\n"
    "c,2025-01-10,cancel,\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static fuzz_file ev, file;
    static churn_feature_opts *opts;
    static churn_csv_opts *co;
    if (!opts) {
        fuzz_file_init(&ev, "events.csv");
        fuzz_file_init(&file, "customers.csv");
        fuzz_file_set(&ev, (const uint8_t *)events, sizeof events - 1);
        opts = churn_feature_opts_new();
        co = churn_csv_opts_new();
        double as_of;
        if (!opts || !co ||
            churn_parse_time("2025-01-01", 10, &as_of) != CHURN_OK ||
            churn_csv_opts_set_id_column(co, "customer_id") != CHURN_OK ||
            churn_csv_opts_set_unique_ids(co, 1) != CHURN_OK)
            abort();
        churn_feature_opts_set_as_of(opts, (int64_t)as_of);
        churn_feature_opts_set_horizon(opts, 30);
    }
    fuzz_file_set(&file, data, size);
    churn_error err;
    churn_dataset *customers = NULL, *ds = NULL;
    int rc = churn_dataset_read_csv(file.path, co, &customers, &err);
    fuzz_check_place(rc, &err, file.path);
    if (rc == CHURN_OK) {
        rc = churn_features_extract(ev.path, customers, opts, &ds, &err);
        fuzz_check_error(rc, &err);
    }
    churn_dataset_free(ds);
    churn_dataset_free(customers);
    return 0;
}

/* fuzz_baseline.c - libFuzzer target: the bytes as the baseline report
 * JSON of the accuracy gate (churn_eval_gate), against a fixed report. */
#include "fuzz_util.h"

static churn_eval *fixed_report(void)
{
    static const double prob[] = {0.9, 0.8, 0.7, 0.6, 0.4, 0.3, 0.2, 0.1};
    static const double label[] = {1, 1, 0, 1, 0, 0, 1, 0};
    churn_eval_opts *o = churn_eval_opts_new();
    churn_eval *e = NULL;
    churn_error err;
    if (!o || churn_eval_opts_set_bootstrap(o, 0, 1) ||
        churn_eval_compute(prob, label, 8, o, &e, &err) ||
        churn_eval_add_feature(e, "tenure_days") ||
        churn_eval_add_feature(e, "plan"))
        abort();
    churn_eval_opts_free(o);
    return e;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static fuzz_file file;
    static churn_eval *e;
    if (!e) {
        fuzz_file_init(&file, "baseline.json");
        e = fixed_report();
    }
    fuzz_file_set(&file, data, size);
    churn_error err;
    char reasons[1024];
    size_t failed = 0;
    int rc = churn_eval_gate(e, file.path, "auc,pr_auc,log_loss,brier,ece",
                             0.01, &failed, reasons, sizeof reasons, &err);
    fuzz_check_place(rc, &err, file.path);
    if (memchr(reasons, '\0', sizeof reasons) == NULL)
        abort();
    return 0;
}

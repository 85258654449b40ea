/* test_eval.c - the evaluation report: every figure against scikit-learn
 * on tied scores, hand-computed cases, the bootstrap, JSON and the gate,
 * cross-validation and the held-out report of training. */
#include "testutil.h"

#include "churn.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reference figures computed once by scikit-learn 1.2.1 / numpy 1.24.2:
 *     /usr/bin/python3 tests/ref/eval_ref.py
 * (the script says how each figure is made). Threshold 0.5, offer cost 3,
 * customer value 10. 200 rows, 9 distinct scores: heavy ties. */
static const double ref_prob[200] = {
    0.2, 0.8, 0.2, 0.9, 0.5, 0.6, 0.7, 0.5, 0.3, 0.2, 0.1, 0.7, 0.4, 0.2, 0.8,
    0.3, 0.4, 0.3, 0.6, 0.6, 0.6, 0.3, 0.3, 0.3, 0.3, 0.2, 0.2, 0.9, 0.9, 0.2,
    0.1, 0.2, 0.7, 0.8, 0.1, 0.6, 0.1, 0.5, 0.6, 0.9, 0.3, 0.8, 0.8, 0.9, 0.1,
    0.5, 0.9, 0.4, 0.8, 0.5, 0.7, 0.5, 0.1, 0.1, 0.2, 0.3, 0.9, 0.6, 0.8, 0.6,
    0.6, 0.8, 0.9, 0.9, 0.8, 0.1, 0.4, 0.1, 0.5, 0.8, 0.1, 0.2, 0.4, 0.3, 0.8,
    0.4, 0.6, 0.5, 0.6, 0.9, 0.9, 0.2, 0.8, 0.4, 0.1, 0.4, 0.5, 0.9, 0.4, 0.1,
    0.8, 0.1, 0.5, 0.8, 0.5, 0.5, 0.8, 0.1, 0.6, 0.4, 0.9, 0.8, 0.1, 0.2, 0.5,
    0.7, 0.3, 0.4, 0.9, 0.9, 0.4, 0.9, 0.3, 0.1, 0.5, 0.6, 0.9, 0.9, 0.7, 0.7,
    0.7, 0.7, 0.7, 0.9, 0.4, 0.1, 0.3, 0.2, 0.4, 0.8, 0.1, 0.5, 0.8, 0.3, 0.1,
    0.3, 0.1, 0.8, 0.2, 0.2, 0.8, 0.8, 0.6, 0.9, 0.1, 0.9, 0.6, 0.3, 0.8, 0.6,
    0.9, 0.1, 0.6, 0.5, 0.6, 0.3, 0.1, 0.5, 0.4, 0.9, 0.5, 0.4, 0.6, 0.5, 0.9,
    0.8, 0.5, 0.2, 0.6, 0.7, 0.7, 0.9, 0.2, 0.4, 0.4, 0.3, 0.4, 0.5, 0.5, 0.3,
    0.2, 0.3, 0.2, 0.3, 0.7, 0.6, 0.9, 0.6, 0.5, 0.6, 0.7, 0.6, 0.6, 0.6, 0.4,
    0.7, 0.6, 0.3, 0.3, 0.1};
static const double ref_label[200] = {
    0, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0,
    1, 0, 1, 1, 0, 1, 0, 1, 0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 0, 0, 1, 1, 1, 1, 0,
    1, 1, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1,
    0, 0, 1, 1, 1, 1, 0, 1, 0, 0, 0, 0, 1, 0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 0,
    0, 0, 1, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0, 0, 1, 1, 1, 1, 1, 1, 0, 1, 1, 0,
    0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 1, 0, 0, 0, 0,
    1, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 0, 0, 1, 1, 1, 1, 0, 0, 0,
    0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 1,
    0};
static const struct {
    const char *name;
    double value;
} ref_figures[] = {
    {"auc", 0.775736458663288},
    {"pr_auc", 0.6737830370457418},
    {"log_loss", 0.5940104983647244},
    {"brier", 0.20135000000000003},
    {"accuracy", 0.685},
    {"precision", 0.5614035087719298},
    {"recall", 0.8311688311688312},
    {"f1", 0.6701570680628272},
    {"tp", 64.0},
    {"fp", 50.0},
    {"tn", 73.0},
    {"fn", 13.0},
    {"ece", 0.13849999999999993},
    {"precision_at_1pct", 1.0},
    {"recall_at_1pct", 0.025974025974025976},
    {"precision_at_5pct", 0.9},
    {"recall_at_5pct", 0.11688311688311688},
    {"precision_at_10pct", 0.85},
    {"recall_at_10pct", 0.22077922077922077},
    {"precision_at_20pct", 0.75},
    {"recall_at_20pct", 0.38961038961038963},
    {"top_decile_lift", 2.207792207792208},
    {"best_profit", 298.0},
    {"best_threshold", 0.5},
    {"best_targeted", 114.0},
};
static const double ref_gains[10] = {
    0.22077922077922077, 0.38961038961038963, 0.5584415584415584,
    0.6753246753246753, 0.7922077922077922, 0.8571428571428571,
    0.8701298701298701, 0.9090909090909091, 0.961038961038961, 1.0};

static churn_eval *ref_eval(size_t resamples, uint64_t seed)
{
    churn_eval_opts *o = churn_eval_opts_new();
    assert_non_null(o);
    assert_int_equal(churn_eval_opts_set_threshold(o, 0.5), CHURN_OK);
    assert_int_equal(churn_eval_opts_set_profit(o, 3, 10), CHURN_OK);
    assert_int_equal(churn_eval_opts_set_bootstrap(o, resamples, seed),
                     CHURN_OK);
    churn_eval *e = NULL;
    churn_error err;
    assert_int_equal(churn_eval_compute(ref_prob, ref_label, 200, o, &e,
                                        &err), CHURN_OK);
    churn_eval_opts_free(o);
    return e;
}

static void test_figures_equal_scikit_learn(void **state)
{
    (void)state;
    churn_eval *e = ref_eval(0, 1);
    size_t n = sizeof ref_figures / sizeof ref_figures[0];
    for (size_t i = 0; i < n; i++) {
        double got = churn_eval_metric(e, ref_figures[i].name);
        if (!(fabs(got - ref_figures[i].value) <= 1e-9))
            fail_msg("%s: %.17g, scikit-learn %.17g", ref_figures[i].name,
                     got, ref_figures[i].value);
    }
    for (size_t d = 0; d < 10; d++) {
        size_t rows, pos;
        double lift, gain;
        assert_int_equal(churn_eval_decile(e, d, &rows, &pos, &lift, &gain),
                         CHURN_OK);
        assert_int_equal(rows, 20);
        assert_near(gain, ref_gains[d], 1e-12);
    }
    assert_near(churn_eval_metric(e, "rows"), 200, 0);
    assert_true(isnan(churn_eval_metric(e, "auc_ci_low")));
    assert_true(isnan(churn_eval_metric(e, "no_such_metric")));
    churn_eval_free(e);
}

static void test_hand_computed_ties(void **state)
{
    (void)state;
    /* Ranked: 0.9 (+), then 0.8 twice (one +, one -) as ONE threshold,
     * then 0.1 (-). AP = recall gained x precision: 0.5 * 1/1 at 0.9,
     * 0.5 * 2/3 at 0.8 = 5/6. AUC: pairs (+,-) = 4: 0.9 beats both, the
     * + at 0.8 ties one (1/2) and beats 0.1: (2 + 1.5) / 4 = 0.875.
     * Threshold 0.8: TP 2, FP 1, TN 1, FN 0; F1 = 4 / 5.
     * Profit, cost 1, value 10: at 0.9: 10 - 1 = 9; at 0.8: 20 - 3 = 17;
     * at 0.1: 20 - 4 = 16; best 17 at 0.8 with 3 targeted.
     * Calibration: 0.1 in bin 0, 0.8 in bin 7, 0.9 in bin 8:
     * ECE = (1/4)|0.1 - 0| + (2/4)|0.8 - 0.5| + (1/4)|0.9 - 1| = 0.2. */
    const double prob[] = {0.8, 0.1, 0.9, 0.8, 0.5};
    const double label[] = {1, 0, 1, 0, NAN};
    churn_eval_opts *o = churn_eval_opts_new();
    churn_eval_opts_set_threshold(o, 0.8);
    churn_eval_opts_set_bootstrap(o, 0, 1);
    churn_eval *e = NULL;
    assert_int_equal(churn_eval_compute(prob, label, 5, o, &e, NULL),
                     CHURN_OK);
    assert_near(churn_eval_metric(e, "rows"), 4, 0);
    assert_near(churn_eval_metric(e, "pr_auc"), 5.0 / 6.0, 1e-15);
    assert_near(churn_eval_metric(e, "auc"), 0.875, 1e-15);
    assert_near(churn_eval_metric(e, "tp"), 2, 0);
    assert_near(churn_eval_metric(e, "fp"), 1, 0);
    assert_near(churn_eval_metric(e, "tn"), 1, 0);
    assert_near(churn_eval_metric(e, "fn"), 0, 0);
    assert_near(churn_eval_metric(e, "f1"), 0.8, 1e-15);
    assert_near(churn_eval_metric(e, "best_profit"), 17, 0);
    assert_near(churn_eval_metric(e, "best_threshold"), 0.8, 0);
    assert_near(churn_eval_metric(e, "best_targeted"), 3, 0);
    assert_near(churn_eval_metric(e, "ece"), 0.2, 1e-15);
    size_t rows;
    double mean, observed;
    churn_eval_calibration(e, 7, &rows, &mean, &observed);
    assert_int_equal(rows, 2);
    assert_near(mean, 0.8, 1e-15);
    assert_near(observed, 0.5, 0);
    churn_eval_calibration(e, 3, &rows, &mean, &observed);
    assert_int_equal(rows, 0);
    assert_true(isnan(mean));
    /* An offer that costs more than a customer is worth: target nobody. */
    churn_eval_opts_set_profit(o, 20, 10);
    churn_eval_free(e);
    assert_int_equal(churn_eval_compute(prob, label, 5, o, &e, NULL),
                     CHURN_OK);
    assert_near(churn_eval_metric(e, "best_profit"), 0, 0);
    assert_near(churn_eval_metric(e, "best_targeted"), 0, 0);
    assert_true(churn_eval_metric(e, "best_threshold") > 0.9);
    churn_eval_free(e);
    churn_eval_opts_free(o);
}

static void test_bootstrap_seeded(void **state)
{
    (void)state;
    churn_eval *a = ref_eval(300, 7), *b = ref_eval(300, 7);
    churn_eval *c = ref_eval(300, 8);
    const char *names[] = {"auc_ci_low", "auc_ci_high", "pr_auc_ci_low",
                           "pr_auc_ci_high"};
    for (size_t i = 0; i < 4; i++)
        assert_true(churn_eval_metric(a, names[i]) ==
                    churn_eval_metric(b, names[i]));
    assert_true(churn_eval_metric(a, "auc_ci_low") !=
                churn_eval_metric(c, "auc_ci_low"));
    /* The interval holds the estimate and is a few standard errors wide
     * (Hanley-McNeil: about 0.033 for AUC 0.78 with 77 / 123 rows). */
    double lo = churn_eval_metric(a, "auc_ci_low");
    double hi = churn_eval_metric(a, "auc_ci_high");
    double auc = churn_eval_metric(a, "auc");
    assert_true(lo < auc && auc < hi);
    assert_true(hi - lo > 0.08 && hi - lo < 0.18);
    lo = churn_eval_metric(a, "pr_auc_ci_low");
    hi = churn_eval_metric(a, "pr_auc_ci_high");
    assert_true(lo < churn_eval_metric(a, "pr_auc") &&
                churn_eval_metric(a, "pr_auc") < hi);
    churn_eval_free(a);
    churn_eval_free(b);
    churn_eval_free(c);
}

static void test_errors(void **state)
{
    (void)state;
    const double prob[] = {0.2, NAN, 0.7};
    const double one_class[] = {1, 1, 1};
    const double label[] = {0, 1, 1};
    churn_eval *e = (churn_eval *)1;
    churn_error err;
    assert_int_equal(churn_eval_compute(prob, one_class, 3, NULL, &e, &err),
                     CHURN_EINVAL);
    assert_null(e);
    const double fine[] = {0.2, 0.4, 0.7};
    assert_int_equal(churn_eval_compute(fine, one_class, 3, NULL, &e, &err),
                     CHURN_EEMPTY);
    assert_non_null(strstr(err.message, "both classes"));
    assert_int_equal(churn_eval_compute(prob, label, 3, NULL, &e, &err),
                     CHURN_EINVAL);
    assert_string_equal(err.message, "probability of row 2 is NaN");
    churn_eval_opts *o = churn_eval_opts_new();
    assert_int_equal(churn_eval_opts_set_threshold(o, 1.5), CHURN_EINVAL);
    assert_int_equal(churn_eval_opts_set_profit(o, -1, 2), CHURN_EINVAL);
    assert_int_equal(churn_eval_opts_set_bootstrap(o, 2000000, 1),
                     CHURN_EINVAL);
    churn_eval_opts_free(o);
    assert_int_equal(churn_eval_decile(NULL, 0, NULL, NULL, NULL, NULL),
                     CHURN_EINVAL);
    churn_eval_free(NULL);
}

/* Reads the telecom data with its label. */
static churn_dataset *telecom(void)
{
    churn_csv_opts *o = churn_csv_opts_new();
    churn_dataset *ds = NULL;
    churn_error err;
    assert_int_equal(churn_csv_opts_set_label_column(o, "churn"), CHURN_OK);
    if (churn_dataset_read_csv("datasets/mlc_churn.csv", o, &ds, &err))
        fail_msg("%s", err.message);
    churn_csv_opts_free(o);
    return ds;
}

static void test_json_and_gate(void **state)
{
    (void)state;
    char path[512], reasons[1024];
    snprintf(path, sizeof path, "%s/report.json", tu_tmpdir());
    churn_eval *e = ref_eval(0, 1);
    assert_int_equal(churn_eval_add_feature(e, "tenure_days"), CHURN_OK);
    assert_int_equal(churn_eval_add_feature(e, "tickets_30d"), CHURN_OK);
    assert_int_equal(churn_eval_add_info(e, "note", "a \"quoted\" <b>"),
                     CHURN_OK);
    churn_error err;
    assert_int_equal(churn_eval_write_json(e, path, &err), CHURN_OK);
    char *text = tu_read_file(path, NULL);
    assert_non_null(strstr(text, "\"schema\": \"churn-eval\""));
    assert_non_null(strstr(text, "\"version\": 1"));
    assert_non_null(strstr(text, "\"tp\": 64,"));
    assert_non_null(strstr(text, "\"auc_ci_low\": null"));
    assert_non_null(strstr(text, "\"note\": \"a \\\"quoted\\\" <b>\""));
    free(text);
    /* Against itself: nothing fails, whatever the metrics. */
    size_t failed = 99;
    assert_int_equal(churn_eval_gate(e, path, "auc,pr_auc,log_loss,ece,f1",
                                     0, &failed, reasons, sizeof reasons,
                                     &err), CHURN_OK);
    assert_int_equal(failed, 0);
    assert_string_equal(reasons, "");
    /* Worse probabilities (the ranks of the last 100 rows reversed) fail
     * AUC; log loss rises. One line each. */
    double worse[200];
    for (size_t i = 0; i < 200; i++)
        worse[i] = i < 100 ? ref_prob[i] : 1 - ref_prob[i];
    churn_eval *w = NULL;
    assert_int_equal(churn_eval_compute(worse, ref_label, 200, NULL, &w,
                                        &err), CHURN_OK);
    churn_eval_add_feature(w, "tenure_days");
    churn_eval_add_feature(w, "tickets_30d");
    assert_int_equal(churn_eval_gate(w, path, "auc,log_loss", 0.01, &failed,
                                     reasons, sizeof reasons, &err),
                     CHURN_OK);
    assert_int_equal(failed, 2);
    assert_true(strncmp(reasons, "auc dropped by ", 15) == 0);
    assert_non_null(strstr(reasons, "\nlog_loss rose by "));
    /* A drop smaller than allowed passes. */
    assert_int_equal(churn_eval_gate(w, path, NULL, 0.5, &failed, NULL, 0,
                                     &err), CHURN_OK);
    assert_int_equal(failed, 0);
    /* Another feature set fails, naming the difference. */
    churn_eval_add_feature(w, "satisfaction_last");
    assert_int_equal(churn_eval_gate(w, path, "auc", 1, &failed, reasons,
                                     sizeof reasons, &err), CHURN_OK);
    assert_int_equal(failed, 1);
    assert_string_equal(reasons, "features differ: baseline has 2, now 3; "
                        "new 'satisfaction_last'\n");
    /* Errors: a count is not a gate metric; a misspelt name. */
    assert_int_equal(churn_eval_gate(e, path, "auc,rows", 0, &failed, NULL, 0,
                                     &err), CHURN_EINVAL);
    assert_non_null(strstr(err.message, "'rows' is not a metric"));
    assert_int_equal(churn_eval_gate(e, path, "acu", 0, &failed, NULL, 0,
                                     &err), CHURN_EINVAL);
    churn_eval_free(w);
    churn_eval_free(e);
}

static void test_gate_bad_baselines(void **state)
{
    (void)state;
    churn_eval *e = ref_eval(0, 1);
    size_t failed;
    churn_error err;
    const char *p = tu_write_text(0, "broken.json",
                                  "{\"schema\": \"churn-eval\",\n"
                                  "  \"version\": 1,,\n}\n");
    assert_int_equal(churn_eval_gate(e, p, NULL, 0, &failed, NULL, 0, &err),
                     CHURN_EPARSE);
    /* The second comma of '  "version": 1,,' is at column 16. */
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 16);
    p = tu_write_text(0, "newer.json",
                      "{\"schema\": \"churn-eval\", \"version\": 2}");
    assert_int_equal(churn_eval_gate(e, p, NULL, 0, &failed, NULL, 0, &err),
                     CHURN_EVERSION);
    assert_non_null(strstr(err.message, "version 2 is newer"));
    p = tu_write_text(0, "other.json", "{\"schema\": \"other\"}");
    assert_int_equal(churn_eval_gate(e, p, NULL, 0, &failed, NULL, 0, &err),
                     CHURN_EFORMAT);
    p = tu_write_text(0, "nometric.json", "{\"schema\": \"churn-eval\", "
                      "\"version\": 1, \"metrics\": {\"auc\": 0.7}}");
    assert_int_equal(churn_eval_gate(e, p, "pr_auc", 0, &failed, NULL, 0,
                                     &err), CHURN_EFORMAT);
    assert_non_null(strstr(err.message, "no number for metric 'pr_auc'"));
    char missing[512];
    snprintf(missing, sizeof missing, "%s/absent.json", tu_tmpdir());
    assert_int_equal(churn_eval_gate(e, missing, NULL, 0, &failed, NULL, 0,
                                     &err), CHURN_EIO);
    assert_int_equal(churn_eval_write_json(e, "/nonexistent/dir/r.json",
                                           &err), CHURN_EIO);
    assert_int_equal(churn_eval_write_html(e, "t", "/nonexistent/dir/r.html",
                                           &err), CHURN_EIO);
    churn_eval_free(e);
}

static void test_cross_validation(void **state)
{
    (void)state;
    churn_dataset *ds = telecom();
    churn_train_opts *to = churn_train_opts_new();
    churn_train_opts_set_validation(to, 0);
    churn_eval_opts *o = churn_eval_opts_new();
    churn_eval_opts_set_bootstrap(o, 0, 3);
    churn_eval *a = NULL, *b = NULL;
    churn_error err;
    assert_int_equal(churn_eval_cv(ds, to, 4, o, &a, &err), CHURN_OK);
    assert_int_equal(churn_eval_cv(ds, to, 4, o, &b, &err), CHURN_OK);
    /* Every row is scored once, out of fold; the same seed, the same
     * folds and figures. */
    assert_int_equal(churn_eval_n_folds(a), 4);
    assert_near(churn_eval_metric(a, "rows"), 5000, 0);
    assert_near(churn_eval_fold_mean(a, "rows"), 1250, 0);
    assert_true(churn_eval_metric(a, "auc") == churn_eval_metric(b, "auc"));
    /* Out-of-fold AUC is below the in-sample one (0.841) and the folds
     * spread around it. */
    double auc = churn_eval_metric(a, "auc");
    assert_true(auc > 0.78 && auc < 0.84);
    assert_near(churn_eval_fold_mean(a, "auc"), auc, 0.02);
    assert_true(churn_eval_fold_sd(a, "auc") > 0.001);
    assert_true(churn_eval_fold_sd(a, "auc") < 0.06);
    churn_eval_free(b);
    /* The report says what was trained, and no fold figure is "n/a". */
    char path[512];
    snprintf(path, sizeof path, "%s/cv.json", tu_tmpdir());
    assert_int_equal(churn_eval_write_json(a, path, &err), CHURN_OK);
    char *text = tu_read_file(path, NULL);
    assert_non_null(strstr(text, "\"training\": {\n    \"family\": "
                                 "\"logistic\",\n    \"c\": 1,\n    "
                                 "\"class_weight\": \"none\","));
    assert_non_null(strstr(text, "\"seed\": 42,\n    \"folds\": 4,\n    "
                                 "\"fold_seed\": 3\n"));
    free(text);
    snprintf(path, sizeof path, "%s/cv.html", tu_tmpdir());
    assert_int_equal(churn_eval_write_html(a, "data.csv", path, &err),
                     CHURN_OK);
    text = tu_read_file(path, NULL);
    assert_non_null(strstr(text, "<h1>Churn model evaluation: logistic, "
                                 "C 1, class weight none</h1>"));
    assert_null(strstr(text, "n/a"));
    assert_null(strstr(text, "nan"));
    free(text);
    assert_int_equal(churn_eval_cv(ds, to, 1, o, &b, &err), CHURN_EINVAL);
    assert_null(b);
    churn_eval_free(a);
    churn_eval_opts_free(o);
    churn_train_opts_free(to);
    churn_dataset_free(ds);
}

/* The one-line reading follows its wording rules (docs/REPORT_JSON.md):
 * checked on two cases worked out by hand. */
static void test_reading(void **state)
{
    (void)state;
    double prob[20], label[20];
    char path[512];
    churn_error err;
    snprintf(path, sizeof path, "%s/reading.json", tu_tmpdir());
    /* Four churners above sixteen others: AUC 1, every resample too; the
     * top decile (2 rows) holds 2 of 4 churners at 1 / 0.2 = 5 times the
     * rate. */
    for (size_t i = 0; i < 20; i++) {
        label[i] = i < 4;
        prob[i] = i < 4 ? 0.9 : 0.1;
    }
    churn_eval *e = NULL;
    assert_int_equal(churn_eval_compute(prob, label, 20, NULL, &e, &err),
                     CHURN_OK);
    assert_int_equal(churn_eval_write_json(e, path, &err), CHURN_OK);
    char *text = tu_read_file(path, NULL);
    assert_non_null(strstr(text, "\"reading\": \"Ranks churners very well "
                                 "(AUC 1.00): the top 10 % hold 50 % of "
                                 "them, 5.0 times the average rate.\""));
    free(text);
    churn_eval_free(e);
    /* One probability for all: AUC 0.5 and so is every resample's; the
     * top decile is the first two rows (input order), one churner of
     * ten: 10 %, lift (1/2) / (10/20) = 1. */
    for (size_t i = 0; i < 20; i++) {
        label[i] = i % 2 == 0;
        prob[i] = 0.5;
    }
    assert_int_equal(churn_eval_compute(prob, label, 20, NULL, &e, &err),
                     CHURN_OK);
    assert_int_equal(churn_eval_write_json(e, path, &err), CHURN_OK);
    text = tu_read_file(path, NULL);
    assert_non_null(strstr(text, "\"reading\": \"Cannot be told apart from "
                                 "random ranking (AUC 0.50, its interval "
                                 "reaches 0.5): the top 10 % hold 10 % of "
                                 "them, 1.0 times the average rate.\""));
    /* No model: the training setup is empty, the title the caller's. */
    assert_non_null(strstr(text, "\"training\": {}"));
    free(text);
    snprintf(path, sizeof path, "%s/reading.html", tu_tmpdir());
    assert_int_equal(churn_eval_write_html(e, "scores.csv", path, &err),
                     CHURN_OK);
    text = tu_read_file(path, NULL);
    assert_non_null(strstr(text, "<h1>Churn model evaluation: scores.csv"
                                 "</h1>"));
    assert_non_null(strstr(text, "<meta name=\"viewport\""));
    free(text);
    churn_eval_free(e);
}

static void test_validation_report(void **state)
{
    (void)state;
    churn_dataset *ds = telecom();
    churn_train_opts *to = churn_train_opts_new();
    churn_model *m = NULL;
    churn_eval *e = NULL;
    churn_error err;
    assert_int_equal(churn_train(ds, to, &m, &err), CHURN_OK);
    assert_int_equal(churn_model_validation_eval(m, NULL, &e, &err),
                     CHURN_OK);
    /* The very predictions training measured its validation AUC on. */
    assert_near(churn_eval_metric(e, "auc"),
                churn_model_metric(m, "validation_auc"), 1e-15);
    assert_near(churn_eval_metric(e, "log_loss"),
                churn_model_metric(m, "validation_log_loss"), 1e-15);
    assert_near(churn_eval_metric(e, "rows"), 1000, 0);
    churn_eval_free(e);
    /* A loaded model has none. */
    char path[512];
    snprintf(path, sizeof path, "%s/v.churn", tu_tmpdir());
    assert_int_equal(churn_model_save(m, path, &err), CHURN_OK);
    churn_model_free(m);
    assert_int_equal(churn_model_load(path, &m, &err), CHURN_OK);
    assert_int_equal(churn_model_validation_eval(m, NULL, &e, &err),
                     CHURN_EEMPTY);
    assert_null(e);
    churn_model_free(m);
    churn_train_opts_free(to);
    churn_dataset_free(ds);
}

static void test_importance(void **state)
{
    (void)state;
    /* 400 rows: churn follows "signal" (with label noise), "noise" is
     * unrelated, "constant" never changes. Values from a fixed LCG. */
    churn_dataset *ds = churn_dataset_new(3);
    churn_error err;
    const char *names[] = {"signal", "noise", "constant"};
    for (size_t j = 0; j < 3; j++)
        assert_int_equal(churn_dataset_set_column(ds, j, names[j],
                                                  CHURN_NUMERIC, &err),
                         CHURN_OK);
    churn_dataset_set_label_name(ds, "churned", &err);
    uint64_t r = 12345;
    for (size_t i = 0; i < 400; i++) {
        double u[3];
        for (size_t k = 0; k < 3; k++) {
            r = r * 6364136223846793005u + 1442695040888963407u;
            u[k] = (double)(r >> 11) / 9007199254740992.0;
        }
        double x[3] = {u[0], u[1], 7};
        double y = (u[0] + 0.3 * u[2]) > 0.75;
        assert_int_equal(churn_dataset_add_row(ds, NULL, x, y, &err),
                         CHURN_OK);
    }
    churn_train_opts *to = churn_train_opts_new();
    churn_train_opts_set_validation(to, 0);
    churn_model *m = NULL;
    assert_int_equal(churn_train(ds, to, &m, &err), CHURN_OK);
    double prob[400], label[400];
    assert_int_equal(churn_model_predict_dataset(m, ds, prob, &err),
                     CHURN_OK);
    for (size_t i = 0; i < 400; i++)
        label[i] = churn_dataset_label(ds, i);
    churn_eval *e = NULL;
    assert_int_equal(churn_eval_compute(prob, label, 400, NULL, &e, &err),
                     CHURN_OK);
    assert_int_equal(churn_eval_add_importance(e, m, ds, 9, &err), CHURN_OK);
    assert_int_equal(churn_eval_n_importance(e), 3);
    const char *name;
    double coef[3], perm[3];
    for (size_t j = 0; j < 3; j++) {
        assert_int_equal(churn_eval_importance(e, j, &name, &coef[j],
                                               &perm[j]), CHURN_OK);
        assert_string_equal(name, names[j]);
    }
    /* Shuffling the signal destroys the ranking (AUC falls towards 0.5),
     * the noise barely matters, a constant column not at all. */
    assert_true(perm[0] > 0.3);
    assert_true(fabs(perm[1]) < 0.03);
    assert_true(perm[2] == 0);
    assert_true(coef[0] > 5 * coef[1]);
    assert_int_equal(churn_eval_importance(e, 3, &name, &coef[0], &perm[0]),
                     CHURN_EINVAL);
    /* Data without one of the model's inputs: the binding's error. */
    churn_dataset *other = churn_dataset_new(1);
    churn_dataset_set_column(other, 0, "signal", CHURN_NUMERIC, &err);
    assert_int_equal(churn_eval_add_importance(e, m, other, 9, &err),
                     CHURN_EFORMAT);
    assert_non_null(strstr(err.message, "noise"));
    assert_int_equal(churn_eval_n_importance(e), 0);
    churn_dataset_free(other);
    churn_eval_free(e);
    churn_model_free(m);
    churn_train_opts_free(to);
    churn_dataset_free(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_figures_equal_scikit_learn),
        cmocka_unit_test(test_hand_computed_ties),
        cmocka_unit_test(test_bootstrap_seeded),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_json_and_gate),
        cmocka_unit_test(test_gate_bad_baselines),
        cmocka_unit_test(test_cross_validation),
        cmocka_unit_test(test_validation_report),
        cmocka_unit_test(test_reading),
        cmocka_unit_test(test_importance),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

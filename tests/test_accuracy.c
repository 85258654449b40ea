/* test_accuracy.c - the accuracy gate: held-out AUC on the bundled telecom
 * data and on generated histories must not fall below what was measured.
 * Thresholds sit 0.02 under the measured values: noise from a change of
 * seed is about 0.01, a real regression (a lost feature, a broken
 * pipeline step) costs more. */
#include "testutil.h"

#include "ml/metrics.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static churn_model *train_on(const churn_dataset *ds, double validation)
{
    churn_train_opts *o = churn_train_opts_new();
    assert_int_equal(churn_train_opts_set_validation(o, validation), 0);
    churn_model *m = NULL;
    churn_error err;
    if (churn_train(ds, o, &m, &err) != CHURN_OK)
        fail_msg("train: %s", err.message);
    churn_train_opts_free(o);
    return m;
}

/* Telecom data, 25 % of customers held out (stratified, seed 42).
 * Measured: AUC 0.8102 (scikit-learn's LogisticRegression on a 75/25 split
 * of the same data: 0.811, datasets/README.md). */
static void test_telecom_holdout_auc(void **state)
{
    (void)state;
    churn_csv_opts *o = churn_csv_opts_new();
    churn_csv_opts_set_label_column(o, "churn");
    churn_dataset *ds = NULL;
    churn_error err;
    if (churn_dataset_read_csv("datasets/mlc_churn.csv", o, &ds, &err))
        fail_msg("%s", err.message);
    churn_model *m = train_on(ds, 0.25);
    double auc = churn_model_metric(m, "validation_auc");
    print_message("telecom held-out AUC %.4f (threshold 0.79)\n", auc);
    assert_true(auc >= 0.79);
    churn_model_free(m);
    churn_dataset_free(ds);
    churn_csv_opts_free(o);
}

/* Generates histories with seed into folder name and extracts features. */
static churn_dataset *synth_features(const char *name, uint64_t seed,
                                     const char **dir_out)
{
    static char dirs[2][512];
    char *dir = dirs[seed & 1];
    snprintf(dir, sizeof dirs[0], "%s/%s", tu_tmpdir(), name);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", dir);
    assert_int_equal(system(cmd), 0);
    churn_synth_opts *so = churn_synth_opts_new();
    churn_synth_opts_set_customers(so, 6000);
    churn_synth_opts_set_seed(so, seed);
    churn_error err;
    if (churn_synth_generate(so, dir, &err))
        fail_msg("synth: %s", err.message);
    churn_synth_opts_free(so);
    char path[600];
    snprintf(path, sizeof path, "%s/customers.csv", dir);
    churn_dataset *customers = NULL;
    if (churn_dataset_read_csv(path, NULL, &customers, &err))
        fail_msg("%s", err.message);
    churn_feature_opts *fo = churn_feature_opts_new();
    double t0;
    assert_int_equal(churn_parse_time("2025-01-01", 10, &t0), 0);
    churn_feature_opts_set_as_of(fo, (int64_t)t0);
    churn_feature_opts_set_horizon(fo, 90);
    snprintf(path, sizeof path, "%s/events.csv", dir);
    churn_dataset *ds = NULL;
    if (churn_features_extract(path, customers, fo, &ds, &err))
        fail_msg("%s", err.message);
    churn_feature_opts_free(fo);
    churn_dataset_free(customers);
    *dir_out = dir;
    return ds;
}

/* Trained on one generated population, scored on another (different
 * seed). The oracle is the generator's own churn probability on the
 * scored population: no model can expect to beat it, and features that
 * miss the signal fall far below it. Measured (6000 customers each):
 * model AUC 0.7949, oracle 0.8447. On 8000-customer populations
 * scikit-learn's LogisticRegression on the same features scored 0.798
 * (ours 0.797) and a gradient-boosted model 0.794: the gap to the oracle
 * is what the generator's hidden traits keep from any model. */
static void test_synth_close_to_oracle(void **state)
{
    (void)state;
    const char *dir_train, *dir_test;
    churn_dataset *train = synth_features("train", 1, &dir_train);
    churn_dataset *test = synth_features("test", 2, &dir_test);
    churn_model *m = train_on(train, 0);
    size_t n = churn_dataset_n_rows(test);
    double *prob = malloc(n * sizeof *prob), *label = malloc(n * sizeof *label);
    churn_error err;
    if (churn_model_predict_dataset(m, test, prob, &err))
        fail_msg("%s", err.message);
    for (size_t i = 0; i < n; i++)
        label[i] = churn_dataset_label(test, i);
    double auc = tu_auc(prob, label, n);

    char path[600];
    snprintf(path, sizeof path, "%s/truth.csv", dir_test);
    churn_csv_opts *o = churn_csv_opts_new();
    churn_csv_opts_set_label_column(o, "churned");
    churn_dataset *truth = NULL;
    if (churn_dataset_read_csv(path, o, &truth, &err))
        fail_msg("%s", err.message);
    size_t nt = churn_dataset_n_rows(truth);
    size_t col = churn_dataset_column_index(truth, "churn_probability");
    double *p_true = malloc(nt * sizeof *p_true), *y_true = malloc(nt * sizeof *y_true);
    for (size_t i = 0; i < nt; i++) {
        p_true[i] = churn_dataset_value(truth, i, col);
        y_true[i] = churn_dataset_label(truth, i);
    }
    double oracle = tu_auc(p_true, y_true, nt);
    /* The feature population and the truth population are the same
     * customers: those active at the as-of date. */
    assert_int_equal(nt, n);
    print_message("synthetic held-out AUC %.4f, oracle %.4f (gap allowed "
                  "0.07)\n", auc, oracle);
    assert_true(oracle > 0.80);
    assert_true(auc >= 0.775);
    assert_true(auc >= oracle - 0.07);
    free(p_true);
    free(y_true);
    free(prob);
    free(label);
    churn_dataset_free(truth);
    churn_csv_opts_free(o);
    churn_model_free(m);
    churn_dataset_free(train);
    churn_dataset_free(test);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_telecom_holdout_auc),
        cmocka_unit_test(test_synth_close_to_oracle),
    };
    return cmocka_run_group_tests_name("accuracy", tests, NULL, NULL);
}

/* test_gbdt.c - the gbdt family (models/family_gbdt.c): TreeSHAP
 * contributions summed per input plus the bias are the log-odds, missing
 * values reach XGBoost as missing, churn_model_predict's batch path fails
 * with a message where one row cannot be scored, the options' ranges, a
 * save/load round trip to the same bits, the report's mean |SHAP|. */
#include "testutil.h"

#include "models/model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_ROWS 400

static uint64_t lcg_state;

static double uniform(void)
{
    lcg_state = lcg_state * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(lcg_state >> 11) / 9007199254740992.0;
}

/* Usage, tickets, a spend with missing cells and a 3-level plan. */
static churn_dataset *make_data(void)
{
    static const char *const plans[] = {"basic", "plus", "pro"};
    churn_dataset *ds = churn_dataset_new(4);
    assert_non_null(ds);
    assert_int_equal(churn_dataset_set_column(ds, 0, "usage", CHURN_NUMERIC,
                                              NULL), 0);
    assert_int_equal(churn_dataset_set_column(ds, 1, "tickets",
                                              CHURN_NUMERIC, NULL), 0);
    assert_int_equal(churn_dataset_set_column(ds, 2, "spend", CHURN_NUMERIC,
                                              NULL), 0);
    assert_int_equal(churn_dataset_set_column(ds, 3, "plan",
                                              CHURN_CATEGORICAL, NULL), 0);
    assert_int_equal(churn_dataset_set_label_name(ds, "churned", NULL), 0);
    lcg_state = 5;
    for (size_t i = 0; i < N_ROWS; i++) {
        double code;
        assert_int_equal(churn_dataset_level_code(ds, 3, plans[i % 3], &code,
                                                  NULL), 0);
        double row[4] = {uniform() * 10, (double)(int)(uniform() * 5),
                         uniform() < 0.2 ? NAN : uniform() * 100, code};
        double y = 2 - 0.4 * row[0] + row[1] + 0.8 * (i % 3) +
                       uniform() * 3 > 3;
        char id[32];
        snprintf(id, sizeof id, "c%zu", i);
        assert_int_equal(churn_dataset_add_row(ds, id, row, y, NULL), 0);
    }
    return ds;
}

static churn_model *train_gbdt(const churn_dataset *ds)
{
    churn_train_opts *o = churn_train_opts_new();
    assert_non_null(o);
    assert_int_equal(churn_train_opts_set_model(o, "gbdt"), 0);
    assert_int_equal(churn_train_opts_set_depth(o, 3), 0);
    churn_model *m = NULL;
    churn_error err;
    assert_int_equal(churn_train(ds, o, &m, &err), 0);
    churn_train_opts_free(o);
    return m;
}

/* The family's contributions, summed per input over the one-hot levels,
 * plus XGBoost's bias give the margin; the margin is the log-odds of the
 * probability (no calibration by default). */
static void test_contributions_sum_to_log_odds(void **state)
{
    (void)state;
    churn_dataset *ds = make_data();
    churn_model *m = train_gbdt(ds);
    assert_string_equal(m->clf.family->name, "gbdt");
    size_t d = churn_model_n_inputs(m), p = m->n_outputs;
    assert_int_equal(d, 4);
    assert_int_equal(p, 6); /* 3 numbers, 3 plan levels */
    assert_true(churn_model_metric(m, "trees") >= 1);
    size_t out_input[6];
    for (size_t k = 0; k < p; k++)
        out_input[k] = churn__pipeline_output_input(m->pipe, k);
    double raw[4], z[6], contrib[4], scratch[3 * 4 + 6 + 1], prob;
    int saw_missing = 0;
    churn_error err;
    for (size_t i = 0; i < N_ROWS; i++) {
        for (size_t j = 0; j < d; j++)
            raw[j] = churn_dataset_value(ds, i, j);
        saw_missing |= isnan(raw[2]);
        churn__pipeline_transform(m->pipe, raw, z);
        /* No imputation: a missing spend reaches XGBoost as NaN. */
        assert_int_equal(isnan(z[2]), isnan(raw[2]));
        double f = churn__classifier_decision(&m->clf, z);
        churn__classifier_contrib(&m->clf, z, out_input, d, contrib, scratch);
        /* scratch holds the per-output values and the bias after them. */
        double plan = scratch[3] + scratch[4] + scratch[5];
        assert_float_equal(contrib[3], plan, 1e-12);
        double sum = scratch[p];
        for (size_t j = 0; j < d; j++)
            sum += contrib[j];
        assert_float_equal(sum, f, 1e-5 * (1 + fabs(f)));
        assert_int_equal(churn_model_predict(m, raw, 1, &prob, &err), 0);
        assert_float_equal(log(prob / (1 - prob)), f, 1e-9 * (1 + fabs(f)));
    }
    assert_true(saw_missing);
    churn_model_free(m);
    churn_dataset_free(ds);
}

/* The batch decisions can fail: a value beyond float's range is refused
 * with a message, not scored as NaN. */
static void test_predict_reports_errors(void **state)
{
    (void)state;
    churn_dataset *ds = make_data();
    churn_model *m = train_gbdt(ds);
    double x[8] = {1, 2, 3, 0, 1, 1e300, 3, 1}, prob[2];
    churn_error err;
    assert_int_equal(churn_model_predict(m, x, 2, prob, &err), CHURN_EINVAL);
    assert_non_null(strstr(err.message, "float"));
    x[5] = 2;
    assert_int_equal(churn_model_predict(m, x, 2, prob, &err), 0);
    churn_model_free(m);
    churn_dataset_free(ds);
}

/* Saved and loaded, the model scores every row to the same bits. */
static void test_round_trip(void **state)
{
    (void)state;
    churn_dataset *ds = make_data();
    churn_model *m = train_gbdt(ds), *back = NULL;
    char path[512];
    snprintf(path, sizeof path, "%s/gbdt.churn", tu_tmpdir());
    churn_error err;
    assert_int_equal(churn_model_save(m, path, &err), 0);
    assert_int_equal(churn_model_load(path, &back, &err), 0);
    double a[N_ROWS], b[N_ROWS];
    assert_int_equal(churn_model_predict_dataset(m, ds, a, &err), 0);
    assert_int_equal(churn_model_predict_dataset(back, ds, b, &err), 0);
    assert_memory_equal(a, b, sizeof a);
    assert_float_equal(churn_model_metric(back, "trees"),
                       churn_model_metric(m, "trees"), 0);
    churn_model_free(back);
    churn_model_free(m);
    churn_dataset_free(ds);
}

/* Each setter takes its range and refuses what lies outside. */
static void test_option_ranges(void **state)
{
    (void)state;
    churn_train_opts *o = churn_train_opts_new();
    assert_non_null(o);
    assert_int_equal(churn_train_opts_set_trees(o, 0), CHURN_EINVAL);
    assert_int_equal(churn_train_opts_set_trees(o, 100001), CHURN_EINVAL);
    assert_int_equal(churn_train_opts_set_trees(o, 100000), 0);
    assert_int_equal(churn_train_opts_set_depth(o, 0), CHURN_EINVAL);
    assert_int_equal(churn_train_opts_set_depth(o, 65), CHURN_EINVAL);
    assert_int_equal(churn_train_opts_set_depth(o, 64), 0);
    assert_int_equal(churn_train_opts_set_learning_rate(o, 0), CHURN_EINVAL);
    assert_int_equal(churn_train_opts_set_learning_rate(o, 1.5),
                     CHURN_EINVAL);
    assert_int_equal(churn_train_opts_set_learning_rate(o, NAN),
                     CHURN_EINVAL);
    assert_int_equal(churn_train_opts_set_learning_rate(o, 1), 0);
    assert_int_equal(churn_train_opts_set_subsample(o, 0), CHURN_EINVAL);
    assert_int_equal(churn_train_opts_set_subsample(o, 0.5), 0);
    assert_int_equal(churn_train_opts_set_colsample(o, 1.01), CHURN_EINVAL);
    assert_int_equal(churn_train_opts_set_colsample(o, 0.5), 0);
    assert_int_equal(churn_train_opts_set_min_child_weight(o, -1),
                     CHURN_EINVAL);
    assert_int_equal(churn_train_opts_set_min_child_weight(o, INFINITY),
                     CHURN_EINVAL);
    assert_int_equal(churn_train_opts_set_min_child_weight(o, 0), 0);
    assert_int_equal(churn_train_opts_set_lambda(o, -0.1), CHURN_EINVAL);
    assert_int_equal(churn_train_opts_set_lambda(o, 0), 0);
    assert_int_equal(churn_train_opts_set_threads(o, 0), CHURN_EINVAL);
    assert_int_equal(churn_train_opts_set_threads(o, 1025), CHURN_EINVAL);
    assert_int_equal(churn_train_opts_set_threads(o, 2), 0);
    assert_int_equal(churn_train_opts_set_early_stopping(o, 100001),
                     CHURN_EINVAL);
    assert_int_equal(churn_train_opts_set_early_stopping(o, 0), 0);
    assert_int_equal(churn_train_opts_set_trees(NULL, 5), CHURN_EINVAL);
    churn_train_opts_free(o);
}

/* Mean |SHAP| per input in the importance (the family's batch
 * contributions): the same as XGBoost's TreeSHAP of one row at a time
 * (the per-row operation, churn-score's), summed per input by hand; the
 * batch and per-row contributions agree to the bit; NaN for a logistic
 * model. */
static void test_mean_abs_shap(void **state)
{
    (void)state;
    churn_dataset *ds = make_data();
    churn_model *m = train_gbdt(ds);
    size_t d = churn_model_n_inputs(m), p = m->n_outputs;
    double prob[N_ROWS], label[N_ROWS], raw[4];
    double *z = malloc(N_ROWS * p * sizeof *z);
    double *c = malloc(N_ROWS * (p + 1) * sizeof *c);
    double *batch = malloc(N_ROWS * d * sizeof *batch);
    size_t out_input[6];
    assert_non_null(batch);
    for (size_t k = 0; k < p; k++)
        out_input[k] = churn__pipeline_output_input(m->pipe, k);
    assert_non_null(z);
    assert_non_null(c);
    for (size_t i = 0; i < N_ROWS; i++) {
        for (size_t j = 0; j < d; j++)
            raw[j] = churn_dataset_value(ds, i, j);
        churn__pipeline_transform(m->pipe, raw, z + i * p);
        label[i] = churn_dataset_label(ds, i);
    }
    churn_error err;
    for (size_t i = 0; i < N_ROWS; i++)
        assert_int_equal(churn__xgb_contributions(m->clf.state, z + i * p, 1,
                                                  c + i * (p + 1), &err), 0);
    assert_int_equal(churn__classifier_contribs(&m->clf, z, N_ROWS, p,
                                                out_input, d, batch, &err),
                     0);
    double want[4] = {0};
    for (size_t i = 0; i < N_ROWS; i++) {
        double per[4] = {0};
        for (size_t k = 0; k < p; k++)
            per[out_input[k]] += c[i * (p + 1) + k];
        assert_memory_equal(per, batch + i * d, sizeof per);
        for (size_t j = 0; j < d; j++)
            want[j] += fabs(per[j]) / N_ROWS;
    }
    assert_int_equal(churn_model_predict_dataset(m, ds, prob, &err), 0);
    churn_eval *e = NULL;
    assert_int_equal(churn_eval_compute(prob, label, N_ROWS, NULL, &e, &err),
                     0);
    assert_true(isnan(churn_eval_importance_shap(e, 0))); /* none yet */
    assert_int_equal(churn_eval_add_importance(e, m, ds, 3, &err), 0);
    for (size_t j = 0; j < d; j++)
        assert_float_equal(churn_eval_importance_shap(e, j), want[j], 1e-9);
    assert_true(want[0] > 0.1); /* usage drives churn here */
    churn_eval_free(e);
    churn_model_free(m);

    churn_train_opts *o = churn_train_opts_new();
    assert_non_null(o);
    assert_int_equal(churn_train(ds, o, &m, &err), 0);
    assert_int_equal(churn_eval_compute(prob, label, N_ROWS, NULL, &e, &err),
                     0);
    assert_int_equal(churn_eval_add_importance(e, m, ds, 3, &err), 0);
    assert_true(isnan(churn_eval_importance_shap(e, 0)));
    churn_eval_free(e);
    churn_model_free(m);
    churn_train_opts_free(o);
    free(z);
    free(c);
    free(batch);
    churn_dataset_free(ds);
}

/* The registry knows gbdt, and what it asks of the pipeline: missing
 * values kept, no standardization. */
static void test_registry(void **state)
{
    (void)state;
    const churn__family *f = churn__family_find("gbdt");
    assert_ptr_equal(f, &churn__family_gbdt);
    assert_int_equal(f->prep.keep_missing, 1);
    assert_int_equal(f->prep.standardize, 0);
    assert_int_equal(f->distributed, 0);
    assert_int_equal(f->margin, 0);
    assert_true(f->shap);
    assert_non_null(f->decisions);
    assert_non_null(churn__figure_find("trees"));
}

/* Class weight "balanced" is scale_pos_weight = negatives / positives:
 * the two classes weigh alike, so the mean probability moves from the
 * churn rate (which the unweighted fit follows) toward one half. */
static void test_balanced_weight(void **state)
{
    (void)state;
    churn_dataset *ds = make_data();
    double mean[2] = {0, 0}, rate = 0, prob[N_ROWS];
    for (size_t i = 0; i < N_ROWS; i++)
        rate += churn_dataset_label(ds, i) / N_ROWS;
    for (int w = 0; w < 2; w++) {
        churn_train_opts *o = churn_train_opts_new();
        assert_non_null(o);
        assert_int_equal(churn_train_opts_set_model(o, "gbdt"), 0);
        assert_int_equal(churn_train_opts_set_class_weight(
                             o, w ? "balanced" : "none"), 0);
        churn_model *m = NULL;
        churn_error err;
        assert_int_equal(churn_train(ds, o, &m, &err), 0);
        assert_string_equal(churn_model_class_weight(m),
                            w ? "balanced" : "none");
        assert_int_equal(churn_model_predict_dataset(m, ds, prob, &err), 0);
        for (size_t i = 0; i < N_ROWS; i++)
            mean[w] += prob[i] / N_ROWS;
        churn_model_free(m);
        churn_train_opts_free(o);
    }
    /* Balanced classes weigh alike: the mean moves toward one half. */
    assert_true(fabs(rate - 0.5) > 0.05);
    assert_float_equal(mean[0], rate, 0.03);
    if (!(fabs(mean[1] - 0.5) < fabs(mean[0] - 0.5) - 0.02))
        fail_msg("rate %g, mean none %g, balanced %g", rate, mean[0],
                 mean[1]);
    churn_dataset_free(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_contributions_sum_to_log_odds),
        cmocka_unit_test(test_predict_reports_errors),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_option_ranges),
        cmocka_unit_test(test_mean_abs_shap),
        cmocka_unit_test(test_registry),
        cmocka_unit_test(test_balanced_weight),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

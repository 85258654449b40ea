/* test_survival.c - time to churn: days_to_churn from event logs (cancel
 * and no-activity rules, snapshots), its CSV column (both readers, never
 * an input), the discrete-time hazard fit against the life table, the
 * survival curve, restricted mean and CLV by hand, the model file round
 * trip, reasons, and what training refuses. */
#include "featutil.h"
#include "tu_dataset.h"

#include "models/model.h"
#include "models/survival.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------- the label */

/* Horizon 30 from 2024-01-01: a cancels on day 10, b never, c after the
 * horizon, d at the as-of instant (day 0). */
static const char cancel_log[] = "customer_id,timestamp,event\n"
                                 "a,2023-12-01,login\na,2024-01-11,cancel\n"
                                 "b,2023-12-01,login\nb,2024-01-05,login\n"
                                 "c,2023-12-01,login\nc,2024-02-15,cancel\n"
                                 "d,2023-12-01,login\nd,2024-01-01,cancel\n"
                                 "a,2024-01-20,cancel\n"; /* later: no */

static void test_days_with_cancels(void **state)
{
    (void)state;
    churn_feature_opts *o = fu_opts_at(T0);
    assert_int_equal(churn_feature_opts_set_horizon(o, 30), CHURN_OK);
    churn_dataset *ds = fu_extract(cancel_log, o, NULL);
    assert_true(churn_dataset_has_days_to_churn(ds));
    assert_true(churn_dataset_days_to_churn(ds, fu_row_of(ds, "a")) == 10);
    assert_true(isnan(churn_dataset_days_to_churn(ds, fu_row_of(ds, "b"))));
    assert_true(isnan(churn_dataset_days_to_churn(ds, fu_row_of(ds, "c"))));
    assert_true(churn_dataset_days_to_churn(ds, fu_row_of(ds, "d")) == 0);
    /* Not a column: no model could take it as an input. */
    assert_int_equal(churn_dataset_column_index(ds, "days_to_churn"),
                     (size_t)-1);
    churn_dataset_free(ds);
    churn_feature_opts_free(o);
}

/* No cancel events: churned = no activity in [t0, t0 + 30); its day is
 * when the silence reached 30 days (last activity + 30 - t0), 0 when it
 * already had. */
static void test_days_without_cancels(void **state)
{
    (void)state;
    churn_feature_opts *o = fu_opts_at(T0);
    assert_int_equal(churn_feature_opts_set_horizon(o, 30), CHURN_OK);
    const char *log = "customer_id,timestamp,event\n"
                      "a,2023-12-20,login\n"             /* 30-12 = 18 */
                      "b,2023-11-15,login\n"             /* quiet 47: 0 */
                      "c,2023-12-31T12:00:00Z,login\n"   /* 29.5 */
                      "e,2023-12-01,login\ne,2024-01-10,login\n";
    churn_dataset *ds = fu_extract(log, o, NULL);
    assert_true(churn_dataset_days_to_churn(ds, fu_row_of(ds, "a")) == 18);
    assert_true(churn_dataset_days_to_churn(ds, fu_row_of(ds, "b")) == 0);
    assert_true(churn_dataset_days_to_churn(ds, fu_row_of(ds, "c")) == 29.5);
    assert_true(isnan(churn_dataset_days_to_churn(ds, fu_row_of(ds, "e"))));
    assert_true(churn_dataset_label(ds, fu_row_of(ds, "e")) == 0);
    churn_dataset_free(ds);
    churn_feature_opts_free(o);
}

/* Two snapshots 10 days apart: a's cancel is 10 days after the newest
 * and 20 after the older one. */
static void test_days_per_snapshot(void **state)
{
    (void)state;
    churn_feature_opts *o = fu_opts_at(T0);
    assert_int_equal(churn_feature_opts_set_horizon(o, 30), CHURN_OK);
    assert_int_equal(churn_feature_opts_set_snapshots(o, 2, 10), CHURN_OK);
    churn_dataset *ds = fu_extract(cancel_log, o, NULL);
    size_t seen = 0;
    for (size_t i = 0; i < churn_dataset_n_rows(ds); i++) {
        if (strcmp(churn_dataset_id(ds, i), "a") != 0)
            continue;
        double t = churn_dataset_as_of(ds, i);
        double want = t == T0 ? 10 : 20;
        assert_true(churn_dataset_days_to_churn(ds, i) == want);
        seen++;
    }
    assert_int_equal(seen, 2);
    churn_dataset_free(ds);
    churn_feature_opts_free(o);
}

/* Written by churn_dataset_write_csv, read back by both readers (a quoted
 * field sends a file to the general one): the same days, no column. */
static void test_csv_round_trip(void **state)
{
    (void)state;
    churn_feature_opts *o = fu_opts_at(T0);
    assert_int_equal(churn_feature_opts_set_horizon(o, 30), CHURN_OK);
    churn_dataset *ds = fu_extract(cancel_log, o, NULL);
    const char *path = tu_write_text(1, "days.csv", "");
    churn_error err;
    assert_int_equal(churn_dataset_write_csv(ds, path, "customer_id", &err),
                     CHURN_OK);
    size_t len;
    char *text = tu_read_file(path, &len);
    assert_non_null(strstr(text, ",churned,days_to_churn\n"));
    char *quoted = malloc(len + 3);
    snprintf(quoted, len + 3, "\"%s", text); /* "customer_id",... */
    char *comma = strchr(quoted, ',');
    memmove(comma + 1, comma, strlen(comma) + 1);
    *comma = '"';
    const char *paths[2] = {path, tu_write_text(2, "quoted.csv", quoted)};
    for (int k = 0; k < 2; k++) {
        churn_csv_opts *co = churn_csv_opts_new();
        assert_int_equal(churn_csv_opts_set_label_column(co, "churned"),
                         CHURN_OK);
        churn_dataset *back = NULL;
        assert_int_equal(churn_dataset_read_csv(paths[k], co, &back, &err),
                         CHURN_OK);
        assert_int_equal(churn_dataset_n_cols(back), churn_dataset_n_cols(ds));
        assert_int_equal(churn_dataset_column_index(back, "days_to_churn"),
                         (size_t)-1);
        for (size_t i = 0; i < churn_dataset_n_rows(ds); i++) {
            double a = churn_dataset_days_to_churn(ds, i);
            double b = churn_dataset_days_to_churn(back, i);
            assert_true(a == b || (isnan(a) && isnan(b)));
        }
        churn_dataset_free(back);
        churn_csv_opts_free(co);
    }
    free(text);
    free(quoted);
    churn_dataset_free(ds);
    churn_feature_opts_free(o);
}

/* ------------------------------------------------------ the hazard core */

/* No inputs: each bin's hazard is the life table's events / at risk. */
static void test_fit_is_life_table(void **state)
{
    (void)state;
    enum { N = 40 };
    double y[N], days[N];
    size_t at_risk[4] = {0}, events[4] = {0};
    for (size_t i = 0; i < N; i++) {
        /* Bins of 10 days over 40: churn in bin i % 5 (4 = censored). */
        size_t b = (i * 7) % 5;
        y[i] = b < 4;
        days[i] = b < 4 ? 10.0 * b + (double)(i % 10) : NAN;
        for (size_t k = 0; k < 4 && k <= b; k++)
            at_risk[k]++;
        if (b < 4)
            events[b]++;
    }
    churn__hazard *hz = churn__hazard_new(0, 4, 40);
    churn_error err;
    double it;
    assert_int_equal(churn__hazard_fit(hz, NULL, y, days, N, 1.0, &it, &err),
                     CHURN_OK);
    double s = 1;
    for (size_t b = 0; b < 4; b++) {
        double h = (double)events[b] / (double)at_risk[b];
        assert_true(fabs(1 / (1 + exp(-hz->alpha[b])) - h) < 1e-6);
        s *= 1 - h;
        /* S at the bin's end is the Kaplan-Meier product. */
        double ls = churn__hazard_log_survival(hz, 0, 10.0 * (b + 1));
        assert_true(fabs(exp(ls) - s) < 1e-6);
    }
    churn__hazard_free(hz);
}

/* The curve with hand-set hazards: P never decreases (also beyond the
 * horizon, where the last bin's hazard holds), RMST <= H, by hand for a
 * constant hazard. */
static void test_curve_by_hand(void **state)
{
    (void)state;
    churn__hazard *hz = churn__hazard_new(1, 3, 30);
    double alpha[3] = {-1, -3, -2};
    memcpy(hz->alpha, alpha, sizeof alpha);
    hz->w[0] = 0.5;
    double prev = 0;
    for (double t = 0; t <= 200; t += 0.5) {
        double p = -expm1(churn__hazard_log_survival(hz, 0.3, t));
        assert_true(p >= prev);
        prev = p;
    }
    double q0 = 1 - 1 / (1 + exp(1 - 0.3)), q2 = 1 - 1 / (1 + exp(2 - 0.3));
    /* 5 days into bin 0: q0^(1/2); 15 days past H: q2^(3/2) more. */
    double s30 = exp(churn__hazard_log_survival(hz, 0.3, 30));
    assert_true(fabs(exp(churn__hazard_log_survival(hz, 0.3, 5)) -
                     sqrt(q0)) < 1e-12);
    assert_true(fabs(exp(churn__hazard_log_survival(hz, 0.3, 45)) -
                     s30 * pow(q2, 1.5)) < 1e-12);
    assert_true(churn__hazard_rmst(hz, 0.3) <= 30);
    assert_true(churn__hazard_rmst(hz, 0.3) > 0);
    /* Constant hazard h per 10-day bin: integral of q^(t/10) over [0, 30]
     * is 10 (1 - q^3) / -log q. */
    for (size_t b = 0; b < 3; b++)
        hz->alpha[b] = -2;
    double q = 1 - 1 / (1 + exp(2.0));
    assert_true(fabs(churn__hazard_rmst(hz, 0) -
                     10 * (1 - pow(q, 3)) / -log(q)) < 1e-9);
    churn__hazard_free(hz);
}

/* CLV for a constant hazard with month-long bins: S(m months) = q^m, so
 * the sum is margin x (1 - x^120) / (1 - x) with x = q / (1 + r). */
static void test_clv_by_hand(void **state)
{
    (void)state;
    churn__hazard *hz = churn__hazard_new(0, 3, 3 * CHURN__MONTH_DAYS);
    for (size_t b = 0; b < 3; b++)
        hz->alpha[b] = -2.5;
    double q = 1 - 1 / (1 + exp(2.5)), r = 0.01, x = q / (1 + r);
    double want = 20 * x * (1 - pow(x, CHURN__CLV_MONTHS)) / (1 - x);
    assert_true(fabs(churn__hazard_clv(hz, 0, 20, r) - want) < 1e-9 * want);
    churn__hazard_free(hz);
}

/* ---------------------------------------------- the family and the model */

/* A dataset of n customers: x drives the hazard; churned ones get days
 * spread over a 60-day horizon. */
static churn_dataset *timed_data(size_t n)
{
    churn_dataset *ds = tu_dataset(2, (const char *const[]){"x", "noise"});
    churn_error err;
    for (size_t i = 0; i < n; i++) {
        double x = (double)(i % 17) / 8.0 - 1, noise = (double)(i % 5);
        double v[2] = {x, noise};
        /* churn when a fixed pseudo-random draw falls under a rising
         * function of x */
        double u = fmod((double)i * 0.61803398875, 1.0);
        int churned = u < 0.15 + 0.25 * (x + 1) / 2;
        assert_int_equal(churn_dataset_add_row(ds, NULL, v, churned, &err),
                         CHURN_OK);
        assert_int_equal(churn_dataset_set_days_to_churn(
                             ds, i, churned ? fmod(u * 997, 60) : NAN, &err),
                         CHURN_OK);
    }
    assert_int_equal(churn_dataset_set_label_name(ds, "churned", &err),
                     CHURN_OK);
    return ds;
}

static churn_model *train_survival(const churn_dataset *ds)
{
    churn_train_opts *o = churn_train_opts_new();
    assert_int_equal(churn_train_opts_set_model(o, "survival"), CHURN_OK);
    assert_int_equal(churn_train_opts_set_horizon(o, 60), CHURN_OK);
    churn_model *m = NULL;
    churn_error err;
    int rc = churn_train(ds, o, &m, &err);
    if (rc != CHURN_OK)
        fail_msg("%s", err.message);
    churn_train_opts_free(o);
    return m;
}

/* Saved and loaded: the same bits for every output; probability is
 * P(churn within the horizon); p_h never decreases; expected <= H. */
static void test_model_round_trip(void **state)
{
    (void)state;
    churn_dataset *ds = timed_data(400);
    churn_model *m = train_survival(ds);
    assert_string_equal(churn_model_family(m), "survival");
    assert_true(churn_model_horizon(m) == 60);
    assert_true(churn_model_metric(m, "horizon_days") == 60);
    const char *path = tu_write_text(3, "s.churn", "");
    churn_error err;
    assert_int_equal(churn_model_save(m, path, &err), CHURN_OK);
    churn_model *back = NULL;
    assert_int_equal(churn_model_load(path, &back, &err), CHURN_OK);
    double x[4] = {-1, 2, 1, 0}, days[4] = {15, 30, 60, 120};
    double p[8], p2[8], prob[2], e[2], e2[2], clv[2], clv2[2];
    double margin[2] = {10, 10};
    assert_int_equal(churn_model_survival(m, x, 2, days, 4, p, &err),
                     CHURN_OK);
    assert_int_equal(churn_model_survival(back, x, 2, days, 4, p2, &err),
                     CHURN_OK);
    assert_memory_equal(p, p2, sizeof p);
    assert_int_equal(churn_model_predict(back, x, 2, prob, &err), CHURN_OK);
    assert_int_equal(churn_model_expected_days(m, x, 2, e, &err), CHURN_OK);
    assert_int_equal(churn_model_expected_days(back, x, 2, e2, &err),
                     CHURN_OK);
    assert_memory_equal(e, e2, sizeof e);
    assert_int_equal(churn_model_clv(m, x, 2, margin, 0.01, clv, &err),
                     CHURN_OK);
    assert_int_equal(churn_model_clv(back, x, 2, margin, 0.01, clv2, &err),
                     CHURN_OK);
    assert_memory_equal(clv, clv2, sizeof clv);
    for (size_t i = 0; i < 2; i++) {
        for (size_t k = 1; k < 4; k++)
            assert_true(p[i * 4 + k] >= p[i * 4 + k - 1]);
        assert_true(fabs(p[i * 4 + 2] - prob[i]) < 1e-14);
        assert_true(e[i] > 0 && e[i] <= 60);
    }
    /* x drives churn up: the customer at x = 1 is riskier. */
    assert_true(p[6] > p[2]);
    churn_model_free(back);
    churn_model_free(m);
    churn_dataset_free(ds);
}

/* Reasons are the inputs' terms of the hazard log-odds: they sum to
 * w.z, and the decision value grows with that sum. */
static void test_reasons_sum(void **state)
{
    (void)state;
    churn_dataset *ds = timed_data(300);
    churn_model *m = train_survival(ds);
    const churn__hazard *hz = churn__model_hazard(m);
    assert_non_null(hz);
    size_t dim = m->n_outputs;
    double z[8], contrib[2], scratch[64];
    size_t out_input[8];
    for (size_t k = 0; k < dim; k++) {
        z[k] = 0.3 * (double)k - 0.2;
        out_input[k] = k % 2;
    }
    churn__classifier_contrib(&m->clf, z, out_input, 2, contrib, scratch);
    assert_true(fabs(contrib[0] + contrib[1] - churn__hazard_eta(hz, z)) <
                1e-12);
    double f = churn__classifier_decision(&m->clf, z);
    z[0] += hz->w[0] > 0 ? 1 : -1;
    assert_true(churn__classifier_decision(&m->clf, z) > f);
    churn_model_free(m);
    churn_dataset_free(ds);
}

/* Another family never takes days_to_churn (it is no column), and a
 * survival model's calls refuse another family. */
static void test_other_families(void **state)
{
    (void)state;
    churn_dataset *ds = timed_data(200);
    churn_train_opts *o = churn_train_opts_new();
    churn_model *m = NULL;
    churn_error err;
    assert_int_equal(churn_train(ds, o, &m, &err), CHURN_OK);
    assert_int_equal(churn_model_n_inputs(m), 2);
    assert_true(isnan(churn_model_horizon(m)));
    double x[2] = {0, 0}, p, days = 30;
    assert_int_equal(churn_model_survival(m, x, 1, &days, 1, &p, &err),
                     CHURN_EINVAL);
    assert_non_null(strstr(err.message, "needs a survival model"));
    churn_model_free(m);
    churn_train_opts_free(o);
    churn_dataset_free(ds);
}

/* Cross-validation copies the data per fold: the times go with it. */
static void test_cross_validation(void **state)
{
    (void)state;
    churn_dataset *ds = timed_data(400);
    churn_train_opts *o = churn_train_opts_new();
    assert_int_equal(churn_train_opts_set_model(o, "survival"), CHURN_OK);
    assert_int_equal(churn_train_opts_set_horizon(o, 60), CHURN_OK);
    churn_eval_opts *eo = churn_eval_opts_new();
    assert_int_equal(churn_eval_opts_set_bootstrap(eo, 0, 1), CHURN_OK);
    churn_eval *e = NULL;
    churn_error err;
    int rc = churn_eval_cv(ds, o, 3, eo, &e, &err);
    if (rc != CHURN_OK)
        fail_msg("%s", err.message);
    assert_true(churn_eval_metric(e, "auc") > 0.5);
    churn_eval_free(e);
    churn_eval_opts_free(eo);
    churn_train_opts_free(o);
    churn_dataset_free(ds);
}

/* churn_dataset_add_column (churn-segment's clv): every row gains its
 * cell at the end, the old cells stay, a taken name is refused. */
static void test_add_column(void **state)
{
    (void)state;
    churn_dataset *ds = timed_data(50);
    double v[50];
    for (size_t i = 0; i < 50; i++)
        v[i] = (double)i / 4;
    v[7] = NAN;
    churn_error err;
    assert_int_equal(churn_dataset_add_column(ds, "clv", v, &err), CHURN_OK);
    assert_int_equal(churn_dataset_n_cols(ds), 3);
    assert_int_equal(churn_dataset_column_index(ds, "clv"), 2);
    for (size_t i = 0; i < 50; i++) {
        assert_true(churn_dataset_value(ds, i, 0) ==
                    (double)(i % 17) / 8.0 - 1);
        assert_true(churn_dataset_value(ds, i, 2) == v[i] || i == 7);
    }
    assert_true(isnan(churn_dataset_value(ds, 7, 2)));
    assert_int_equal(churn_dataset_add_column(ds, "x", v, &err),
                     CHURN_EFORMAT);
    /* Rows added afterwards have the new width. */
    double row[3] = {1, 2, 3};
    assert_int_equal(churn_dataset_add_row(ds, "z", row, 0, &err), CHURN_OK);
    assert_true(churn_dataset_value(ds, 50, 2) == 3);
    churn_dataset_free(ds);
}

/* What training the survival family refuses, with its message. */
static void test_refusals(void **state)
{
    (void)state;
    churn_dataset *ds = timed_data(100);
    churn_train_opts *o = churn_train_opts_new();
    churn_model *m = NULL;
    churn_error err;
    assert_int_equal(churn_train_opts_set_model(o, "survival"), CHURN_OK);
    assert_int_equal(churn_train(ds, o, &m, &err), CHURN_EINVAL);
    assert_non_null(strstr(err.message, "horizon"));
    assert_int_equal(churn_train_opts_set_horizon(o, 60), CHURN_OK);
    assert_int_equal(churn_train_opts_set_search(o, 1), CHURN_OK);
    assert_int_equal(churn_train(ds, o, &m, &err), CHURN_EINVAL);
    assert_non_null(strstr(err.message, "grid search"));
    assert_int_equal(churn_train_opts_set_search(o, 0), CHURN_OK);
    /* A churned row whose time is missing cannot be placed in a bin. */
    size_t i = 0;
    while (!(churn_dataset_label(ds, i) > 0.5))
        i++;
    assert_int_equal(churn_dataset_set_days_to_churn(ds, i, NAN, &err),
                     CHURN_OK);
    assert_int_equal(churn_train(ds, o, &m, &err), CHURN_EINVAL);
    assert_non_null(strstr(err.message, "days_to_churn"));
    assert_null(m);
    churn_train_opts_free(o);
    churn_dataset_free(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_days_with_cancels),
        cmocka_unit_test(test_days_without_cancels),
        cmocka_unit_test(test_days_per_snapshot),
        cmocka_unit_test(test_csv_round_trip),
        cmocka_unit_test(test_fit_is_life_table),
        cmocka_unit_test(test_curve_by_hand),
        cmocka_unit_test(test_clv_by_hand),
        cmocka_unit_test(test_model_round_trip),
        cmocka_unit_test(test_reasons_sum),
        cmocka_unit_test(test_other_families),
        cmocka_unit_test(test_cross_validation),
        cmocka_unit_test(test_add_column),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

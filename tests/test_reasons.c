/* test_reasons.c - reasons by feature family in words: the families, the
 * sums, the sentences for hand-made customers, the ranking, and the
 * scores' text. */
#include "testutil.h"
#include "tu_dataset.h"

#include "models/model.h"
#include "models/reasons.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Columns: 13 built-in features and two customer columns. */
static const char *const names[] = {
    "tenure_days",        "recency_activity_days", "activity_30d",
    "activity_90d",       "activity_trend",        "tickets_30d",
    "tickets_90d",        "tickets_unresolved",    "satisfaction_last",
    "satisfaction_trend", "purchases_90d",         "monetary_90d",
    "recency_purchase_days", "plan",               "fee"};
#define D 15
/* The family each column belongs to, written out by hand. */
static const char *const family[D] = {
    "tenure",       "activity",     "activity",  "activity", "activity",
    "tickets",      "tickets",      "tickets",   "satisfaction",
    "satisfaction", "purchases",    "purchases", "purchases", "plan", "fee"};

static double lcg(uint64_t *state)
{
    *state = *state * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(*state >> 11) / 9007199254740992.0;
}

static churn_dataset *make_data(size_t n)
{
    churn_dataset *ds = churn_dataset_new(D);
    for (size_t j = 0; j < D; j++)
        assert_int_equal(churn_dataset_set_column(
                             ds, j, names[j],
                             j == 13 ? CHURN_CATEGORICAL : CHURN_NUMERIC,
                             NULL),
                         CHURN_OK);
    assert_int_equal(churn_dataset_set_label_name(ds, "churned", NULL),
                     CHURN_OK);
    static const char *plans[] = {"basic", "pro"};
    uint64_t state = 99;
    for (size_t i = 0; i < n; i++) {
        double row[D];
        for (size_t j = 0; j < D; j++)
            row[j] = floor(lcg(&state) * 20);
        row[4] = 2 * lcg(&state) - 1;
        row[9] = lcg(&state) - 0.5;
        assert_int_equal(churn_dataset_level_code(ds, 13, plans[i % 2],
                                                  &row[13], NULL), CHURN_OK);
        double logit = 0.2 * row[7] - 2 * row[4] - 0.1 * row[2] +
                       (i % 2 ? 0.5 : 0) - 0.3 * row[8] + 1;
        double y = lcg(&state) < 1 / (1 + exp(-logit));
        char id[32];
        snprintf(id, sizeof id, "c%zu", i);
        assert_int_equal(churn_dataset_add_row(ds, id, row, y, NULL),
                         CHURN_OK);
    }
    return ds;
}

static churn_model *train(const churn_dataset *ds)
{
    churn_train_opts *o = churn_train_opts_new();
    churn_model *m = NULL;
    churn_error err;
    if (churn_train(ds, o, &m, &err) != CHURN_OK)
        fail_msg("train: %s", err.message);
    churn_train_opts_free(o);
    return m;
}

/* Each input's contribution, as the linear model defines it: the sum of
 * its outputs' w_k z_k. */
static void contributions(const churn_model *m, const churn_dataset *ds,
                          size_t row, double *contrib)
{
    double raw[D], z[64], b;
    size_t d = churn_model_n_inputs(m);
    for (size_t j = 0; j < d; j++) {
        size_t col = churn_dataset_column_index(ds,
                                                churn_model_input_name(m, j));
        double v = churn_dataset_value(ds, row, col);
        if (churn_model_input_kind(m, j) == CHURN_CATEGORICAL && !isnan(v))
            v = churn_model_category_code(
                m, j, churn_dataset_level(ds, col, (size_t)v));
        raw[j] = v;
        contrib[j] = 0;
    }
    churn__pipeline_transform(m->pipe, raw, z);
    const double *w = churn__classifier_linear(&m->clf, &b);
    for (size_t k = 0; k < m->n_outputs; k++)
        contrib[churn__pipeline_output_input(m->pipe, k)] += w[k] * z[k];
}

static void test_every_builtin_feature_has_a_family(void **state)
{
    (void)state;
    size_t n;
    const churn_feature_info *f = churn_feature_list(&n);
    for (size_t j = 0; j < n; j++)
        assert_true(churn__group_of(f[j].name) != CHURN__GROUP_NONE);
    assert_int_equal(churn__group_of("events_feature_x_30d"),
                     CHURN__GROUP_ACTIVITY);
    assert_int_equal(churn__group_of("activity_level"), CHURN__GROUP_NONE);
    assert_int_equal(churn__group_of("tenure"), CHURN__GROUP_NONE);
    assert_int_equal(churn__group_of("events_30d"), CHURN__GROUP_NONE);
    for (size_t j = 0; j < 13; j++)
        assert_string_equal(churn__group_name(churn__group_of(names[j])),
                            family[j]);
}

/* Each group's contribution is the sum of its inputs' (hand-grouped),
 * the groups come largest first, and all of them add up to the sum of
 * every input's contribution. */
static void test_group_sums_and_order(void **state)
{
    (void)state;
    churn_dataset *ds = make_data(400);
    churn_model *m = train(ds);
    size_t d = churn_model_n_inputs(m);
    assert_int_equal(d, D);
    for (size_t row = 0; row < 400; row += 37) {
        double contrib[D], total = 0;
        contributions(m, ds, row, contrib);
        churn_reasons *x = NULL;
        assert_int_equal(churn_reasons_explain(m, ds, row, 10, 1, &x, NULL),
                         CHURN_OK);
        assert_int_equal(churn_reasons_n(x), 7); /* 5 families + 2 */
        double groups = 0;
        for (size_t k = 0; k < 7; k++) {
            double want = 0;
            for (size_t j = 0; j < d; j++)
                if (!strcmp(family[churn_dataset_column_index(
                                ds, churn_model_input_name(m, j))],
                            churn_reasons_group(x, k)))
                    want += contrib[j];
            assert_true(fabs(churn_reasons_contribution(x, k) - want) <
                        1e-12);
            if (k)
                assert_true(churn_reasons_contribution(x, k) <=
                            churn_reasons_contribution(x, k - 1));
            groups += churn_reasons_contribution(x, k);
        }
        for (size_t j = 0; j < d; j++)
            total += contrib[j];
        assert_true(fabs(groups - total) < 1e-12);
        /* Fewer reasons: the first ones of the full list. */
        churn_reasons *two = NULL;
        assert_int_equal(churn_reasons_explain(m, ds, row, 2, 1, &two, NULL),
                         CHURN_OK);
        assert_int_equal(churn_reasons_n(two), 2);
        for (size_t k = 0; k < 2; k++)
            assert_string_equal(churn_reasons_text(two, k),
                                churn_reasons_text(x, k));
        assert_null(churn_reasons_text(two, 2));
        /* By input: each input's own contribution. */
        churn_reasons *by_input = NULL;
        assert_int_equal(
            churn_reasons_explain(m, ds, row, 10, 0, &by_input, NULL),
            CHURN_OK);
        for (size_t k = 0; k < 10; k++) {
            size_t j = churn_dataset_column_index(
                ds, churn_reasons_group(by_input, k));
            assert_true(fabs(churn_reasons_contribution(by_input, k) -
                             contrib[j]) < 1e-12);
        }
        churn_reasons_free(by_input);
        churn_reasons_free(two);
        churn_reasons_free(x);
    }
    churn_model_free(m);
    churn_dataset_free(ds);
}

/* The text of group g among x's reasons. */
static const char *text_of(const churn_reasons *x, const char *g)
{
    for (size_t k = 0; k < churn_reasons_n(x); k++)
        if (!strcmp(churn_reasons_group(x, k), g))
            return churn_reasons_text(x, k);
    fail_msg("no reason '%s'", g);
    return NULL;
}

/* Two hand-made customers; the sentences are known exactly. The first
 * fell from 100 to 27 activities: trend (27-100)/127, down 73 %. */
static void test_words_for_hand_made_customers(void **state)
{
    (void)state;
    churn_dataset *train_ds = make_data(400);
    churn_model *m = train(train_ds);
    static const char *const cells[] = {
        "45", "2",  "27", "506", "-0.57480314960629919", "5", "6", "3",
        "4",  "-0.3", "2", "12.5", "10", "pro", "49.5",
        "400", "45", "0", "0", NULL, "0", "0", "0", NULL, NULL, "0", "0",
        NULL, "basic", NULL,
        "1", "0.5", "4", "4", "1", "1", "1", "1", "7", "0.2", "1",
        "3", "100", "pro", "10"};
    churn_dataset *ds = tu_dataset_rows(
        D,
        (const char *const[]){"tenure_days", "recency_activity_days",
                              "activity_30d", "activity_90d",
                              "activity_trend", "tickets_30d",
                              "tickets_90d", "tickets_unresolved",
                              "satisfaction_last", "satisfaction_trend",
                              "purchases_90d", "monetary_90d",
                              "recency_purchase_days", "@plan", "fee"},
        3, cells);
    churn_reasons *x = NULL;
    assert_int_equal(churn_reasons_explain(m, ds, 0, 10, 1, &x, NULL),
                     CHURN_OK);
    assert_string_equal(text_of(x, "activity"),
                        "activity down 73 % on the month before");
    assert_string_equal(text_of(x, "tickets"),
                        "3 unresolved tickets, 5 tickets in 30 days");
    assert_string_equal(text_of(x, "satisfaction"), "satisfaction 4, falling");
    assert_string_equal(text_of(x, "purchases"),
                        "2 purchases in 90 days, spend 12.50");
    assert_string_equal(text_of(x, "tenure"), "customer for 45 days");
    assert_string_equal(text_of(x, "plan"), "plan=pro");
    assert_string_equal(text_of(x, "fee"), "fee=49.5");
    churn_reasons_free(x);
    assert_int_equal(churn_reasons_explain(m, ds, 1, 10, 1, &x, NULL),
                     CHURN_OK);
    assert_string_equal(text_of(x, "activity"), "no activity for 45 days");
    assert_string_equal(text_of(x, "tickets"), "no tickets in 90 days");
    assert_string_equal(text_of(x, "satisfaction"), "no satisfaction score");
    assert_string_equal(text_of(x, "purchases"), "no purchase yet");
    assert_string_equal(text_of(x, "tenure"), "customer for 400 days");
    assert_string_equal(text_of(x, "fee"), "fee=missing");
    churn_reasons_free(x);
    assert_int_equal(churn_reasons_explain(m, ds, 2, 10, 1, &x, NULL),
                     CHURN_OK);
    assert_string_equal(text_of(x, "activity"),
                        "activity this month, none the month before");
    assert_string_equal(text_of(x, "tickets"),
                        "1 unresolved ticket, 1 ticket in 30 days");
    assert_string_equal(text_of(x, "satisfaction"), "satisfaction 7, rising");
    assert_string_equal(text_of(x, "purchases"),
                        "1 purchase in 90 days, spend 3.00");
    assert_string_equal(text_of(x, "tenure"), "customer for 1 day");
    churn_reasons_free(x);
    /* Errors. */
    churn_error err;
    assert_int_equal(churn_reasons_explain(m, ds, 3, 3, 1, &x, &err),
                     CHURN_EINVAL);
    assert_int_equal(churn_reasons_explain(m, ds, 0, 11, 1, &x, &err),
                     CHURN_EINVAL);
    assert_null(x);
    churn_dataset_free(ds);
    churn_model_free(m);
    churn_dataset_free(train_ds);
}

/* churn_score_dataset's text is the explained reasons, "words (+x.xx)"
 * joined by "; "; by input it is the form before, name=value. */
static void test_scores_text(void **state)
{
    (void)state;
    churn_dataset *ds = make_data(400);
    churn_model *m = train(ds);
    churn_score_opts *o = churn_score_opts_new();
    churn_scores *s = NULL;
    assert_int_equal(churn_score_dataset(m, ds, o, &s, NULL), CHURN_OK);
    for (size_t r = 0; r < 400; r += 51) {
        churn_reasons *x = NULL;
        assert_int_equal(churn_reasons_explain(m, ds, churn_scores_row(s, r),
                                               3, 1, &x, NULL),
                         CHURN_OK);
        char want[2048];
        size_t len = 0;
        for (size_t k = 0; k < 3; k++)
            len += (size_t)snprintf(want + len, sizeof want - len,
                                    "%s%s (%+.2f)", k ? "; " : "",
                                    churn_reasons_text(x, k),
                                    churn_reasons_contribution(x, k));
        /* The library never shows a minus sign on a zero. */
        for (char *p = strstr(want, "(-0.00)"); p; p = strstr(p, "(-0.00)"))
            p[1] = '+';
        assert_string_equal(churn_scores_reasons(s, r), want);
        churn_reasons_free(x);
    }
    churn_scores_free(s);
    assert_int_equal(churn_score_opts_set_reason_groups(o, 0), CHURN_OK);
    assert_int_equal(churn_score_dataset(m, ds, o, &s, NULL), CHURN_OK);
    const char *text = churn_scores_reasons(s, 0);
    size_t eq = strcspn(text, "=");
    assert_true(text[eq] == '=');
    char name[64];
    assert_true(eq < sizeof name);
    memcpy(name, text, eq);
    name[eq] = '\0';
    assert_true(churn_dataset_column_index(ds, name) != (size_t)-1);
    churn_scores_free(s);
    churn_score_opts_free(o);
    churn_model_free(m);
    churn_dataset_free(ds);
}

/* The one-per-input ranking against a plain stable selection: larger
 * first, equal contributions in input order; 1 to 100 inputs (the
 * quick path takes them in bit masks up to 64). Values are drawn from a
 * few, with both zeros and infinities, so that ties are common. */
static void test_rank_inputs_against_a_selection(void **state)
{
    (void)state;
    static const double pool[] = {-INFINITY, -2.5, -1, -0.0, 0.0,
                                  0.25,      1,    3,  INFINITY};
    unsigned long long seed = 42;
    for (size_t trial = 0; trial < 30000; trial++) {
        double contrib[100]; /* beyond 64: no bit masks */
        size_t d = 1 + trial % 100, n_max = 1 + trial / 100 % 10;
        for (size_t j = 0; j < d; j++) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            contrib[j] = trial % 3 ? pool[(seed >> 33) % 9]
                                   : (double)((seed >> 33) % 1000) / 7;
        }
        churn__reason out[CHURN__MAX_REASONS];
        size_t n = churn__reasons_rank_inputs(contrib, d, n_max, out);
        assert_int_equal(n, n_max < d ? n_max : d);
        int taken[100] = {0};
        for (size_t k = 0; k < n; k++) {
            /* The k-th: the first input of the largest value not taken. */
            size_t want = (size_t)-1;
            for (size_t j = 0; j < d; j++)
                if (!taken[j] &&
                    (want == (size_t)-1 || contrib[j] > contrib[want]))
                    want = j;
            taken[want] = 1;
            assert_int_equal(out[k].input, want);
            assert_true(out[k].contrib == contrib[want]);
            assert_int_equal(out[k].group, CHURN__GROUP_NONE);
        }
    }
    /* A NaN (never made by a model's inputs) still gives distinct
     * inputs, as many as asked. */
    double with_nan[5] = {1, NAN, 3, 2, 0};
    churn__reason out[3];
    assert_int_equal(churn__reasons_rank_inputs(with_nan, 5, 3, out), 3);
    assert_true(out[0].input != out[1].input && out[1].input != out[2].input &&
                out[0].input != out[2].input);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_builtin_feature_has_a_family),
        cmocka_unit_test(test_group_sums_and_order),
        cmocka_unit_test(test_words_for_hand_made_customers),
        cmocka_unit_test(test_scores_text),
        cmocka_unit_test(test_rank_inputs_against_a_selection),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

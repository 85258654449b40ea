/* test_survival_eval.c - the survival evaluation (ml/km.c,
 * ml/survival_eval.c): Kaplan-Meier against a hand-computed life table,
 * the C-index by hand and against an independent O(n^2) pair loop, the
 * IPCW Brier score and time-dependent AUC by hand and, without
 * censoring, against their plain forms; the report's JSON and HTML. */
#include "testutil.h"

#include "churn.h"

#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------- Kaplan-Meier */

static void test_km_life_table(void **state)
{
    (void)state;
    /* time  1 2 2 3 4 4 5, churned 1 1 0 1 0 1 0. Life table:
     *   t  at risk  churned  S
     *   1     7        1     6/7
     *   2     6        1     6/7 * 5/6 = 5/7      (one censored at 2)
     *   3     4        1     5/7 * 3/4 = 15/28
     *   4     3        1     15/28 * 2/3 = 5/14   (one censored at 4)
     *   5: censored only, no step.
     * Greenwood at 2: (5/7)^2 (1/(7*6) + 1/(6*5)). */
    const double t[] = {1, 2, 2, 3, 4, 4, 5}, e[] = {1, 1, 0, 1, 0, 1, 0};
    const double want_t[] = {1, 2, 3, 4}, want_n[] = {7, 6, 4, 3};
    const double want_s[] = {6.0 / 7, 5.0 / 7, 15.0 / 28, 5.0 / 14};
    churn_km *km = NULL;
    churn_error err;
    assert_int_equal(churn_km_fit(t, e, 7, &km, &err), CHURN_OK);
    assert_int_equal(churn_km_n_steps(km), 4);
    for (size_t i = 0; i < 4; i++) {
        double time, n, d, s, v;
        assert_int_equal(churn_km_step(km, i, &time, &n, &d, &s, &v),
                         CHURN_OK);
        assert_true(time == want_t[i] && n == want_n[i] && d == 1);
        assert_near(s, want_s[i], 1e-15);
        if (i == 1)
            assert_near(v, 25.0 / 49 * (1.0 / 42 + 1.0 / 30), 1e-15);
    }
    assert_int_equal(churn_km_step(km, 4, NULL, NULL, NULL, NULL, NULL),
                     CHURN_EINVAL);
    assert_true(churn_km_at(km, 0.5) == 1);
    assert_near(churn_km_at(km, 2), 5.0 / 7, 1e-15);    /* right-continuous */
    assert_near(churn_km_at(km, 2.5), 5.0 / 7, 1e-15);
    assert_near(churn_km_at(km, 99), 5.0 / 14, 1e-15);
    churn_km_free(km);
    const double bad[] = {1, 0, 0.5};
    assert_int_equal(churn_km_fit(t, bad, 3, &km, &err), CHURN_EINVAL);
    assert_non_null(strstr(err.message, "row 3"));
}

/* ------------------------------------------------------------ C-index */

/* The definition, pair by pair: i churned, and t_i < t_j or (t_i = t_j
 * and j censored); concordant when risk_i > risk_j, half when equal. */
static double pairwise_c(const double *t, const double *e, const double *r,
                         size_t n, double *pairs)
{
    double num = 0, den = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            if (i == j || e[i] != 1)
                continue;
            if (!(t[i] < t[j] || (t[i] == t[j] && e[j] == 0)))
                continue;
            den += 1;
            num += r[i] > r[j] ? 1 : r[i] == r[j] ? 0.5 : 0;
        }
    *pairs = den;
    return num / den;
}

static churn_survival_eval *eval_of(const double *t, const double *e,
                                    size_t n, const double *risk,
                                    const double *p, const double *h,
                                    size_t k, const char *const *tier)
{
    churn_survival_eval *s = NULL;
    churn_error err;
    if (churn_survival_eval_compute(t, e, n, risk, p, h, k, tier, &s, &err))
        fail_msg("%s", err.message);
    return s;
}

static void test_c_index_by_hand(void **state)
{
    (void)state;
    /* row  t  churned risk
     *  0   1    1     0.9   vs 1..5 (all later): 5 pairs, all concordant
     *  1   2    0     0.5   censored: never first of a pair
     *  2   3    1     0.7   vs 4 (0.1): concordant; vs 3 (censored the
     *                       same day, 0.7): tied; vs 5 (churned the same
     *                       day): not comparable
     *  3   3    0     0.7
     *  4   5    1     0.1   nobody later
     *  5   3    1     0.2   vs 4 (0.1): concordant; vs 3 (0.7): discordant
     * 9 pairs, 7 concordant, 1 tied: C = 7.5 / 9. */
    const double t[] = {1, 2, 3, 3, 5, 3}, e[] = {1, 0, 1, 0, 1, 1};
    const double r[] = {0.9, 0.5, 0.7, 0.7, 0.1, 0.2};
    churn_survival_eval *s = eval_of(t, e, 6, r, NULL, NULL, 0, NULL);
    assert_true(churn_survival_eval_get(s, "comparable_pairs", 0) == 9);
    assert_true(churn_survival_eval_get(s, "concordant_pairs", 0) == 7);
    assert_true(churn_survival_eval_get(s, "tied_risk_pairs", 0) == 1);
    assert_near(churn_survival_eval_get(s, "c_index", 0), 7.5 / 9, 1e-15);
    assert_true(churn_survival_eval_get(s, "events", 0) == 4);
    assert_true(isnan(churn_survival_eval_get(s, "no_such_figure", 0)));
    churn_survival_eval_free(s);
}

static void test_c_index_matches_pair_loop(void **state)
{
    (void)state;
    /* Integer days 1..30 and risks on a grid of 0.05: many ties in both,
     * about a third censored. */
    enum { N = 700 };
    static double t[N], e[N], r[N];
    srand(7);
    for (int round = 0; round < 5; round++) {
        size_t n = round == 0 ? 3 : (size_t)(N / (5 - round));
        for (size_t i = 0; i < n; i++) {
            t[i] = 1 + rand() % 30;
            e[i] = rand() % 3 != 0;
            r[i] = (rand() % 21) * 0.05;
        }
        e[0] = 1;
        t[1] = t[0] + 1;
        double pairs, want = pairwise_c(t, e, r, n, &pairs);
        churn_survival_eval *s = eval_of(t, e, n, r, NULL, NULL, 0, NULL);
        assert_near(churn_survival_eval_get(s, "c_index", 0), want, 1e-9);
        assert_true(churn_survival_eval_get(s, "comparable_pairs", 0) ==
                    pairs);
        churn_survival_eval_free(s);
    }
}

/* ---------------------------------------------- Brier and td-AUC at h */

static void test_brier_and_auc_by_hand(void **state)
{
    (void)state;
    /* row  t  churned  P(3.5)
     *  0   1    1       0.3   case, G(1-) = 1
     *  1   2    0       0.5   censored by h: no term
     *  2   3    1       0.7   case, G(3-) = 4/5
     *  3   4    1       0.4   control
     *  4   5    0       0.6   control
     *  5   6    0       0.2   control
     * Censoring Kaplan-Meier G: at 2, 5 at risk, one censored: 4/5; next
     * step at 5, so G(3.5) = 4/5.
     * Brier = [0.7^2 + 0.3^2 / 0.8 + (0.4^2 + 0.6^2 + 0.2^2) / 0.8] / 6
     *       = (0.49 + 0.1125 + 0.2 + 0.45 + 0.05) / 6 = 1.3025 / 6.
     * AUC: case 0 (weight 1) beats 1 of 3 controls, case 2 (weight 5/4)
     * all 3: (1 + 3.75) / ((1 + 1.25) * 3) = 4.75 / 6.75. */
    const double t[] = {1, 2, 3, 4, 5, 6}, e[] = {1, 0, 1, 1, 0, 0};
    const double p[] = {0.3, 0.5, 0.7, 0.4, 0.6, 0.2}, h = 3.5;
    churn_survival_eval *s = eval_of(t, e, 6, p, p, &h, 1, NULL);
    assert_int_equal(churn_survival_eval_n_horizons(s), 1);
    assert_near(churn_survival_eval_get(s, "brier", 0), 1.3025 / 6, 1e-15);
    assert_near(churn_survival_eval_get(s, "td_auc", 0), 4.75 / 6.75,
                1e-15);
    assert_true(churn_survival_eval_get(s, "cases", 0) == 2);
    assert_true(churn_survival_eval_get(s, "controls", 0) == 3);
    /* Kaplan-Meier: 1/6 at 1, then 4 at risk at 3: S(3.5) = 5/6 * 3/4. */
    assert_near(churn_survival_eval_get(s, "km_churn", 0), 1 - 0.625,
                1e-15);
    assert_near(churn_survival_eval_get(s, "mean_predicted", 0), 2.7 / 6,
                1e-15);
    assert_true(isnan(churn_survival_eval_get(s, "brier", 1)));
    churn_survival_eval_free(s);
}

static void test_censored_on_a_churn_day_leaves_after_it(void **state)
{
    (void)state;
    /* t 2 2 3, churned 1 0 0, P(2.5) = 0.5 each. The censoring on day 2
     * comes after the churn that day: G(2-) = 1 weights the case, while
     * G(2.5-) = 1 - 1/2 (two at risk once the churn left, one censored).
     * Brier = (0.25 / 1 + 0 + 0.25 / 0.5) / 3 = 0.25. */
    const double t[] = {2, 2, 3}, e[] = {1, 0, 0}, p[] = {0.5, 0.5, 0.5};
    const double h = 2.5;
    churn_survival_eval *s = eval_of(t, e, 3, p, p, &h, 1, NULL);
    assert_near(churn_survival_eval_get(s, "brier", 0), 0.25, 1e-15);
    churn_survival_eval_free(s);
}

static void test_censored_on_day_h_is_a_control(void **state)
{
    (void)state;
    /* t 1 2 3 3, churned 1 0 0 0, h = 3, P(3) = 0.5 0.5 0.4 0.2. The two
     * censored on day 3 were seen through it: controls, weighted by
     * 1 / G(3-) = 1 / (1 - 1/3) (row 1 censored on day 2 of 3 at risk).
     * Brier = (0.5^2 + 0 + (0.4^2 + 0.2^2) * 1.5) / 4 = 0.55 / 4;
     * AUC: the case's 0.5 beats both controls: 1. */
    const double t[] = {1, 2, 3, 3}, e[] = {1, 0, 0, 0};
    const double p[] = {0.5, 0.5, 0.4, 0.2}, h = 3;
    churn_survival_eval *s = eval_of(t, e, 4, p, p, &h, 1, NULL);
    assert_near(churn_survival_eval_get(s, "brier", 0), 0.55 / 4, 1e-15);
    assert_true(churn_survival_eval_get(s, "td_auc", 0) == 1);
    assert_true(churn_survival_eval_get(s, "controls", 0) == 2);
    churn_survival_eval_free(s);
}

static void test_no_censoring_gives_plain_figures(void **state)
{
    (void)state;
    enum { N = 300 };
    static double t[N], e[N], p[2 * N], y[N], col[N];
    const double h[2] = {10, 20};
    srand(11);
    for (size_t i = 0; i < N; i++) {
        t[i] = 1 + rand() % 40;
        e[i] = 1;
        p[2 * i] = (rand() % 11) / 10.0;
        p[2 * i + 1] = (rand() % 101) / 100.0;
    }
    churn_survival_eval *s = eval_of(t, e, N, p, p, h, 2, NULL);
    for (size_t j = 0; j < 2; j++) {
        double plain = 0;
        for (size_t i = 0; i < N; i++) {
            y[i] = t[i] <= h[j];
            col[i] = p[2 * i + j];
            plain += (y[i] - col[i]) * (y[i] - col[i]);
        }
        assert_near(churn_survival_eval_get(s, "brier", j), plain / N,
                    1e-12);
        assert_near(churn_survival_eval_get(s, "td_auc", j),
                    tu_auc(col, y, N), 1e-12);
    }
    churn_survival_eval_free(s);
}

/* Figures of tests/ref/survival_eval_ref.py (the textbook formulas in
 * plain Python, written apart from ml/survival_eval.c; with distinct
 * times they are also scikit-survival's), computed once with
 *   /usr/bin/python3 tests/ref/survival_eval_ref.py
 * on the same 30 rows, made here as there. */
static void test_against_python_reference(void **state)
{
    (void)state;
    enum { N = 30 };
    double t[N], e[N], r[N], p[2 * N];
    const double h[2] = {7.5, 15.5};
    uint64_t lcg = 12345;
    for (size_t i = 0; i < N; i++) {
        lcg = (lcg * 1103515245 + 12345) % 2147483648u;
        t[i] = (double)((i * 37) % 101) * 0.25 + 0.01 * (double)(i % 7);
        e[i] = lcg % 3 == 0 ? 0 : 1;
        r[i] = (double)((lcg >> 8) % 1000) / 1000;
        for (size_t j = 0; j < 2; j++)
            p[2 * i + j] = fmin(1.0, r[i] * h[j] / 16);
    }
    churn_survival_eval *s = eval_of(t, e, N, r, p, h, 2, NULL);
    assert_near(churn_survival_eval_get(s, "c_index", 0),
                0.6418338108882522, 1e-12);
    assert_near(churn_survival_eval_get(s, "td_auc", 0),
                0.7042763094758259, 1e-12);
    assert_near(churn_survival_eval_get(s, "brier", 0),
                0.16809647684100118, 1e-12);
    assert_near(churn_survival_eval_get(s, "km_churn", 0),
                0.24503703703703683, 1e-12);
    assert_near(churn_survival_eval_get(s, "td_auc", 1),
                0.6155116902381875, 1e-12);
    assert_near(churn_survival_eval_get(s, "brier", 1),
                0.2755419455364627, 1e-12);
    assert_near(churn_survival_eval_get(s, "km_churn", 1),
                0.532641975308642, 1e-12);
    churn_survival_eval_free(s);
}

/* -------------------------------------------- calibration and tiers */

static void test_calibration_groups_and_tiers(void **state)
{
    (void)state;
    /* 20 rows, P(5) = i / 20 for row i; rows 10..19 churn on day 3, the
     * rest are censored on day 9. Groups of two by P: group g holds rows
     * 2g and 2g + 1, mean P (4g + 1) / 40; groups 5..9 all churned by 5,
     * groups 0..4 none. */
    enum { N = 20 };
    double t[N], e[N], p[N];
    const char *tier[N];
    for (size_t i = 0; i < N; i++) {
        p[i] = (double)i / N;
        e[i] = i >= 10;
        t[i] = i >= 10 ? 3 : 9;
        tier[i] = i >= 15 ? "high" : i >= 10 ? "medium" : i >= 2 ? "low"
                                                                  : NULL;
    }
    const double h = 5;
    churn_survival_eval *s = eval_of(t, e, N, p, p, &h, 1, tier);
    for (size_t g = 0; g < 10; g++) {
        size_t rows;
        double mean, observed;
        assert_int_equal(churn_survival_eval_calibration(s, 0, g, &rows,
                                                         &mean, &observed),
                         CHURN_OK);
        assert_int_equal(rows, 2);
        assert_near(mean, (4.0 * (double)g + 1) / 40, 1e-15);
        assert_true(observed == (g >= 5 ? 1 : 0));
    }
    /* sum over rows |mean - observed| / 20: 2 * sum_g |...| / 20. */
    double want = 0;
    for (size_t g = 0; g < 10; g++)
        want += 2 * fabs((4.0 * (double)g + 1) / 40 - (g >= 5));
    assert_near(churn_survival_eval_get(s, "calibration_error", 0),
                want / N, 1e-15);
    /* Tiers in the order high, medium, low; the NULL rows in none. */
    assert_int_equal(churn_survival_eval_n_tiers(s), 3);
    size_t rows, events;
    assert_string_equal(churn_survival_eval_tier(s, 0, &rows, &events),
                        "high");
    assert_true(rows == 5 && events == 5);
    assert_string_equal(churn_survival_eval_tier(s, 1, NULL, NULL),
                        "medium");
    assert_string_equal(churn_survival_eval_tier(s, 2, &rows, &events),
                        "low");
    assert_true(rows == 8 && events == 0);
    assert_null(churn_survival_eval_tier(s, 3, NULL, NULL));
    assert_true(churn_survival_eval_tier_km(s, 0, 3) == 0);
    assert_true(churn_survival_eval_tier_km(s, 2, 9) == 1);
    churn_survival_eval_free(s);
}

static void test_bad_inputs_name_the_row(void **state)
{
    (void)state;
    const double t[] = {1, 2, 3}, e[] = {1, 0, 1}, r[] = {0.1, 0.2, 0.3};
    const double neg[] = {1, -2, 3}, badp[] = {0.1, 0.2, 1.5}, h = 2;
    churn_survival_eval *s = NULL;
    churn_error err;
    assert_int_equal(churn_survival_eval_compute(neg, e, 3, r, r, &h, 1,
                                                 NULL, &s, &err),
                     CHURN_EINVAL);
    assert_non_null(strstr(err.message, "row 2"));
    assert_int_equal(churn_survival_eval_compute(t, e, 3, r, badp, &h, 1,
                                                 NULL, &s, &err),
                     CHURN_EINVAL);
    assert_non_null(strstr(err.message, "row 3"));
    const double zero = 0;
    assert_int_equal(churn_survival_eval_compute(t, e, 3, r, r, &zero, 1,
                                                 NULL, &s, &err),
                     CHURN_EINVAL);
    assert_null(s);
}

static void test_nothing_to_compare(void **state)
{
    (void)state;
    /* No rows at all, then rows that are all censored: no comparable
     * pair, no case; NaN figures, not a failure. Kaplan-Meier stays 1. */
    const double t[] = {3, 5}, e[] = {0, 0}, p[] = {0.2, 0.4}, h = 4;
    churn_survival_eval *s = eval_of(t, e, 0, p, p, &h, 1, NULL);
    assert_true(isnan(churn_survival_eval_get(s, "c_index", 0)));
    assert_true(isnan(churn_survival_eval_get(s, "brier", 0)));
    churn_survival_eval_free(s);
    s = eval_of(t, e, 2, p, p, &h, 1, NULL);
    assert_true(churn_survival_eval_get(s, "comparable_pairs", 0) == 0);
    assert_true(isnan(churn_survival_eval_get(s, "c_index", 0)));
    assert_true(isnan(churn_survival_eval_get(s, "td_auc", 0)));
    assert_true(churn_survival_eval_get(s, "km_churn", 0) == 0);
    /* Brier: the one control (t = 5) after G(4-) = 1 - 1/2. */
    assert_near(churn_survival_eval_get(s, "brier", 0), 0.16 / 0.5 / 2,
                1e-15);
    churn_survival_eval_free(s);
}

/* ------------------------------------------------------- the report */

static churn_eval *report_with_survival(void)
{
    const double t[] = {1, 2, 3, 4, 5, 6}, e[] = {1, 0, 1, 1, 0, 0};
    const double p[] = {0.3, 0.5, 0.7, 0.4, 0.6, 0.2};
    const double p2[] = {0.3, 0.4, 0.5, 0.6, 0.7, 0.2,
                         0.8, 0.9, 0.5, 0.6, 0.6, 0.7};
    const double h[2] = {3.5, 5};
    const char *tier[] = {"low", "medium", "high", "medium", "high", "low"};
    const double label[] = {1, 0, 1, 1, 0, 0};
    churn_eval *rep = NULL;
    churn_error err;
    assert_int_equal(churn_eval_compute(p, label, 6, NULL, &rep, &err),
                     CHURN_OK);
    assert_int_equal(churn_eval_add_survival(rep, t, e, 6, p, p2, h, 2,
                                             tier, &err), CHURN_OK);
    return rep;
}

static void test_json_survival_section(void **state)
{
    (void)state;
    churn_eval *rep = report_with_survival();
    char path[512];
    snprintf(path, sizeof path, "%s/survival.json", tu_tmpdir());
    churn_error err;
    assert_int_equal(churn_eval_write_json(rep, path, &err), CHURN_OK);
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr);
    assert_non_null(root);
    json_t *sv = json_object_get(root, "survival");
    assert_true(json_is_object(sv));
    double c = churn_survival_eval_get(churn_eval_survival(rep), "c_index",
                                       0);
    assert_true(json_real_value(json_object_get(sv, "c_index")) == c);
    assert_true(json_real_value(json_object_get(
                    json_object_get(root, "metrics"), "c_index")) == c);
    assert_true(churn_eval_metric(rep, "c_index") == c);
    static const char *const keys[] = {"rows", "churned", "comparable_pairs",
                                       "concordant_pairs", "tied_risk_pairs",
                                       "horizons", "km", "tiers"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        assert_non_null(json_object_get(sv, keys[i]));
    json_t *h1 = json_array_get(json_object_get(sv, "horizons"), 0);
    static const char *const per[] = {"horizon", "td_auc", "brier",
                                      "km_churn", "mean_predicted",
                                      "calibration_error", "cases",
                                      "controls", "calibration"};
    for (size_t i = 0; i < sizeof per / sizeof per[0]; i++)
        assert_non_null(json_object_get(h1, per[i]));
    assert_int_equal(json_array_size(json_object_get(h1, "calibration")),
                     10);
    json_t *t0 = json_array_get(json_object_get(sv, "tiers"), 0);
    assert_string_equal(json_string_value(json_object_get(t0, "tier")),
                        "high");
    assert_true(json_is_array(json_object_get(t0, "km")));
    json_decref(root);
    churn_eval_free(rep);
}

static void test_html_survival_section(void **state)
{
    (void)state;
    churn_eval *rep = report_with_survival();
    char path[512], cmd[1200];
    snprintf(path, sizeof path, "%s/survival.html", tu_tmpdir());
    churn_error err;
    assert_int_equal(churn_eval_write_html(rep, "s", path, &err), CHURN_OK);
    char *text = tu_read_file(path, NULL);
    assert_non_null(strstr(text, "Survival: time to churn"));
    assert_non_null(strstr(text, "Kaplan-Meier by risk tier"));
    assert_non_null(strstr(text, "<path fill=\"none\""));
    assert_null(strstr(text, "<script"));
    free(text);
    if (system("command -v xmllint >/dev/null 2>&1") == 0) {
        snprintf(cmd, sizeof cmd, "xmllint --noout '%s'", path);
        assert_int_equal(system(cmd), 0);
    }
    churn_eval_free(rep);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_km_life_table),
        cmocka_unit_test(test_c_index_by_hand),
        cmocka_unit_test(test_c_index_matches_pair_loop),
        cmocka_unit_test(test_brier_and_auc_by_hand),
        cmocka_unit_test(test_censored_on_a_churn_day_leaves_after_it),
        cmocka_unit_test(test_censored_on_day_h_is_a_control),
        cmocka_unit_test(test_no_censoring_gives_plain_figures),
        cmocka_unit_test(test_against_python_reference),
        cmocka_unit_test(test_calibration_groups_and_tiers),
        cmocka_unit_test(test_bad_inputs_name_the_row),
        cmocka_unit_test(test_nothing_to_compare),
        cmocka_unit_test(test_json_survival_section),
        cmocka_unit_test(test_html_survival_section),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

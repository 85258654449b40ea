/* test_segment.c - retention analytics: RFM quintiles with ties and the
 * segment rules (built in and from a file), lifecycle stages at their
 * thresholds, the health score and its breakdown, KPIs on a hand-made log,
 * the retention-rate and CLV formulas, and every error. */
#include "featutil.h"
#include "segment_fixtures.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static churn_dataset *segment(const churn_dataset *in,
                              const churn_segment_opts *o)
{
    churn_dataset *out = NULL;
    churn_error err;
    int rc = churn_segment(in, o, &out, &err);
    if (rc != CHURN_OK)
        fail_msg("churn_segment: %s", err.message);
    return out;
}

static double value(const churn_dataset *ds, size_t i, const char *col)
{
    size_t j = churn_dataset_column_index(ds, col);
    assert_true(j != (size_t)-1);
    return churn_dataset_value(ds, i, j);
}

/* The text of categorical column col in row i. */
static const char *text(const churn_dataset *ds, size_t i, const char *col)
{
    size_t j = churn_dataset_column_index(ds, col);
    assert_int_equal(churn_dataset_column_kind(ds, j), CHURN_CATEGORICAL);
    return churn_dataset_level(ds, j, (size_t)churn_dataset_value(ds, i, j));
}

/* ---------------------------------------------------------------- RFM */

/* rfm_rows: see segment_fixtures.h. */

static void test_rfm_quintiles_with_ties(void **state)
{
    (void)state;
    static const double r[10] = {5, 5, 4, 4, 3, 1, 3, 2, 2, 1};
    static const double f[10] = {1, 2, 2, 2, 3, 3, 4, 4, 5, 5};
    /* Rules (first match): (5,1) (5,2) (4,2) (4,2) potential; (3,3) and
     * (3,4) loyal; R 1-2 with F >= 3 and M 3 < 4: slipping. */
    static const char *const seg[10] = {
        "potential", "potential", "potential", "potential", "loyal",
        "slipping",  "loyal",     "slipping",  "slipping",  "slipping"};
    churn_dataset *in = features(10, rfm_rows, NULL);
    churn_segment_opts *o = churn_segment_opts_new();
    churn_dataset *out = segment(in, o);
    assert_int_equal(churn_dataset_n_rows(out), 10);
    for (size_t i = 0; i < 10; i++) {
        assert_string_equal(churn_dataset_id(out, i),
                            churn_dataset_id(in, i));
        assert_true(value(out, i, "recency_score") == r[i]);
        assert_true(value(out, i, "frequency_score") == f[i]);
        assert_true(value(out, i, "monetary_score") == 3);
        assert_true(value(out, i, "rfm_code") == 100 * r[i] + 10 * f[i] + 3);
        assert_string_equal(text(out, i, "rfm_segment"), seg[i]);
    }
    assert_false(churn_dataset_has_labels(out));
    churn_dataset_free(out);
    /* One customer alone: mid-rank 1 of 1 -> 1 + floor(2.5) = 3. */
    in = (churn_dataset_free(in), features(1, rfm_rows, NULL));
    out = segment(in, o);
    assert_true(value(out, 0, "rfm_code") == 333);
    assert_string_equal(text(out, 0, "rfm_segment"), "loyal");
    churn_dataset_free(out);
    churn_dataset_free(in);
    churn_segment_opts_free(o);
}

/* Champions and can't-lose need M >= 4: M from monetary = 1..10 in row
 * order gives scores 1,1,2,2,3,3,4,4,5,5 (distinct ranks 1..10). */
/* A name means one thing in every output: the built-in RFM segments, the
 * lifecycle stages, the health tiers and churn-score's risk tiers share
 * no name (RFM once had at_risk and lost). All levels of a column are
 * there, used or not, in their fixed order. */
static void test_vocabularies_are_disjoint(void **state)
{
    (void)state;
    static const char *const cols[3] = {"rfm_segment", "lifecycle_stage",
                                        "health_tier"};
    static const char *const risk[3] = {"high", "medium", "low"};
    churn_dataset *in = features(10, rfm_rows, NULL);
    churn_segment_opts *o = churn_segment_opts_new();
    churn_dataset *out = segment(in, o);
    size_t counts[3];
    for (size_t a = 0; a < 3; a++) {
        size_t ja = churn_dataset_column_index(out, cols[a]);
        counts[a] = churn_dataset_n_levels(out, ja);
        for (size_t k = 0; k < counts[a]; k++) {
            const char *name = churn_dataset_level(out, ja, k);
            for (size_t r = 0; r < 3; r++)
                assert_string_not_equal(name, risk[r]);
            for (size_t b = a + 1; b < 3; b++) {
                size_t jb = churn_dataset_column_index(out, cols[b]);
                for (size_t m = 0; m < churn_dataset_n_levels(out, jb); m++)
                    if (!strcmp(name, churn_dataset_level(out, jb, m)))
                        fail_msg("'%s' is both a %s and a %s", name,
                                 cols[a], cols[b]);
            }
        }
    }
    assert_int_equal(counts[0], 9); /* 8 rules and "other" */
    assert_int_equal(counts[1], 4);
    assert_int_equal(counts[2], 3);
    churn_dataset_free(out);
    churn_segment_opts_free(o);
    churn_dataset_free(in);
}

static void test_rfm_rules_by_monetary(void **state)
{
    (void)state;
    double rows[10][N_IN];
    memcpy(rows, rfm_rows, sizeof rows);
    for (size_t i = 0; i < 10; i++)
        rows[i][3] = (double)i + 1;
    /* Row 7 made the most recent (0 days): R from worst missing, 70, 60,
     * 40, 20, 10, 3, 1,1 (mean rank 8.5), 0 -> row scores: 7 R5, 4 R3
     * (rank 5), 6 R2 (rank 4), 8 R2, 9 R1. With F and M: row 7 = 544
     * champions; row 4 = 333 loyal; rows 6 (244), 8 (255), 9 (155):
     * cant_lose. */
    rows[7][1] = 0;
    churn_dataset *in = features(10, (const double(*)[N_IN])rows, NULL);
    churn_segment_opts *o = churn_segment_opts_new();
    churn_dataset *out = segment(in, o);
    assert_true(value(out, 7, "rfm_code") == 544);
    assert_string_equal(text(out, 7, "rfm_segment"), "champions");
    assert_string_equal(text(out, 4, "rfm_segment"), "loyal");
    assert_true(value(out, 6, "rfm_code") == 244);
    assert_string_equal(text(out, 6, "rfm_segment"), "cant_lose");
    assert_string_equal(text(out, 8, "rfm_segment"), "cant_lose");
    assert_string_equal(text(out, 9, "rfm_segment"), "cant_lose");
    churn_dataset_free(out);
    churn_dataset_free(in);
    churn_segment_opts_free(o);
}

static void test_rules_file(void **state)
{
    (void)state;
    const char *path = tu_write_text(0, "rules.csv",
                                     "segment,r,f,m\n"
                                     "\"best, really\",5,*,*\n"
                                     "low,1-2,1-3,3\n");
    churn_segment_opts *o = churn_segment_opts_new();
    churn_error err;
    assert_int_equal(churn_segment_opts_read_rules(o, path, &err), CHURN_OK);
    churn_dataset *in = features(10, rfm_rows, NULL);
    churn_dataset *out = segment(in, o);
    assert_string_equal(text(out, 0, "rfm_segment"), "best, really");
    assert_string_equal(text(out, 2, "rfm_segment"), "other");  /* R4 */
    assert_string_equal(text(out, 5, "rfm_segment"), "low");    /* 133 */
    assert_string_equal(text(out, 9, "rfm_segment"), "other");  /* 153 */
    churn_dataset_free(out);
    churn_dataset_free(in);
    churn_segment_opts_free(o);
}

static void expect_rules_error(const char *content, int code,
                               const char *where)
{
    const char *path = tu_write_text(1, "bad_rules.csv", content);
    churn_segment_opts *o = churn_segment_opts_new();
    churn_error err;
    assert_int_equal(churn_segment_opts_read_rules(o, path, &err), code);
    char expect[600];
    snprintf(expect, sizeof expect, "%s%s", path, where);
    if (strncmp(err.message, expect, strlen(expect)) != 0)
        fail_msg("'%s' does not start with '%s'", err.message, expect);
    /* The defaults are still in place after a failure. */
    churn_dataset *in = features(10, rfm_rows, NULL);
    churn_dataset *out = segment(in, o);
    assert_string_equal(text(out, 0, "rfm_segment"), "potential");
    churn_dataset_free(out);
    churn_dataset_free(in);
    churn_segment_opts_free(o);
}

static void test_rules_errors(void **state)
{
    (void)state;
    expect_rules_error("segment,r,f,m\nvip,6,*,*\n", CHURN_EPARSE,
                       ":2:5: bad score range '6'");
    expect_rules_error("segment,r,f,m\nvip,5,*,3-2\n", CHURN_EPARSE,
                       ":2:9: bad score range '3-2'");
    expect_rules_error("segment,r,f,x\nvip,5,*,*\n", CHURN_EFORMAT,
                       ":1:13: expected the header");
    expect_rules_error("segment,r,f,m\nvip,5,*\n", CHURN_EFORMAT,
                       ":2: expected 4 fields, found 3");
    expect_rules_error("segment,r,f,m\n,5,*,*\n", CHURN_EFORMAT,
                       ":2:1: a segment name needs");
    expect_rules_error("segment,r,f,m\n", CHURN_EEMPTY,
                       ": no rules after the header");
    churn_segment_opts *o = churn_segment_opts_new();
    churn_error err;
    assert_int_equal(churn_segment_opts_read_rules(o, "/nonexistent/r.csv",
                                                   &err), CHURN_EIO);
    churn_segment_opts_free(o);
}

/* ---------------------------------------------------------- lifecycle */

static void test_lifecycle_boundaries(void **state)
{
    (void)state;
    /* (tenure, days since last activity): new is tenure < 30, dormant is
     * inactive >= 30, lost inactive >= 90, lost wins over new; without
     * any activity the customer is inactive for the whole tenure. */
    static const double cases[][2] = {
        {29.999, 1}, {30, 1},  {100, 29.99}, {100, 30},  {100, 89.99},
        {100, 90},   {10, NAN}, {95, NAN},   {60, NAN}};
    static const char *const expect[] = {
        "new", "active", "active", "dormant", "dormant",
        "lost", "new", "lost", "dormant"};
    size_t n = sizeof cases / sizeof *cases;
    double rows[9][N_IN];
    for (size_t i = 0; i < n; i++) {
        memcpy(rows[i], rfm_rows[0], sizeof rows[i]);
        rows[i][0] = cases[i][0];
        rows[i][1] = cases[i][1];
    }
    churn_dataset *in = features(n, (const double(*)[N_IN])rows, NULL);
    churn_segment_opts *o = churn_segment_opts_new();
    churn_dataset *out = segment(in, o);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(text(out, i, "lifecycle_stage"), expect[i]);
    churn_dataset_free(out);
    /* No new stage, dormant from 14 days, lost from 60. */
    assert_int_equal(churn_segment_opts_set_lifecycle(o, 0, 14, 60), 0);
    out = segment(in, o);
    static const char *const expect2[] = {
        "active", "active", "dormant", "dormant", "lost",
        "lost", "active", "lost", "lost"};
    for (size_t i = 0; i < n; i++)
        assert_string_equal(text(out, i, "lifecycle_stage"), expect2[i]);
    churn_dataset_free(out);
    assert_int_equal(churn_segment_opts_set_lifecycle(o, 30, 60, 60),
                     CHURN_EINVAL);
    assert_int_equal(churn_segment_opts_set_lifecycle(o, -1, 30, 90),
                     CHURN_EINVAL);
    assert_int_equal(churn_segment_opts_set_lifecycle(o, 30, 0, 90),
                     CHURN_EINVAL);
    assert_int_equal(churn_segment_opts_set_lifecycle(NULL, 30, 30, 90),
                     CHURN_EINVAL);
    churn_dataset_free(in);
    churn_segment_opts_free(o);
}

/* -------------------------------------------------------------- health */

/* activity_30d 12 -> 0.75 x 25 = 18.75; trend 0 -> 0.75 x 15 = 11.25;
 * recency 10 -> 0.75 x 20 = 15; 1 unresolved -> 0.5 x 15 = 7.5;
 * satisfaction 6 -> 0.4 x 15 = 6; no satisfaction trend -> 0.5 x 5 = 2.5;
 * last payment 40 days -> 0.5 x 5 = 2.5. Sum 63.5: watch. */
static const double mid_points[7] = {18.75, 11.25, 15, 7.5, 6, 2.5, 2.5};

static void assert_breakdown_sums(const churn_dataset *out)
{
    for (size_t i = 0; i < churn_dataset_n_rows(out); i++) {
        double sum = 0;
        for (size_t k = 0; k < churn_health_n_components(); k++) {
            char name[64];
            snprintf(name, sizeof name, "health_%s",
                     churn_health_component(k));
            sum += value(out, i, name);
        }
        assert_near(sum, value(out, i, "health_score"), 1e-9);
        assert_true(sum >= 0 && sum <= 100 + 1e-9);
    }
}

static void test_health_breakdown(void **state)
{
    (void)state;
    const double rows[3][N_IN] = {
        {200, 10, 30, 50, 12, 0, 1, 6, NAN, 40},
        {200, 1, 30, 50, 25, 0.5, 0, 9, 0.1, 5},       /* all full: 100 */
        {200, 100, 30, 50, 0, -1, 3, 2, -1, 100}};     /* none: 0 */
    churn_dataset *in = features(3, rows, NULL);
    churn_segment_opts *o = churn_segment_opts_new();
    churn_dataset *out = segment(in, o);
    assert_int_equal(churn_health_n_components(), 7);
    assert_null(churn_health_component(7));
    for (size_t k = 0; k < 7; k++) {
        char name[64];
        snprintf(name, sizeof name, "health_%s", churn_health_component(k));
        assert_near(value(out, 0, name), mid_points[k], 1e-12);
    }
    assert_near(value(out, 0, "health_score"), 63.5, 1e-12);
    assert_string_equal(text(out, 0, "health_tier"), "watch");
    assert_near(value(out, 1, "health_score"), 100, 1e-12);
    assert_string_equal(text(out, 1, "health_tier"), "healthy");
    assert_near(value(out, 2, "health_score"), 0, 1e-12);
    assert_string_equal(text(out, 2, "health_tier"), "at_risk");
    assert_breakdown_sums(out);
    churn_dataset_free(out);
    /* A tier starts exactly at its threshold. */
    assert_int_equal(churn_segment_opts_set_health_tiers(o, 63.5, 10), 0);
    out = segment(in, o);
    assert_string_equal(text(out, 0, "health_tier"), "healthy");
    churn_dataset_free(out);
    /* Without the activity weight the others are scaled to 100:
     * (63.5 - 18.75) x 100 / 75 = 59.666... */
    assert_int_equal(churn_segment_opts_set_health_weight(o, "activity", 0),
                     0);
    out = segment(in, o);
    assert_near(value(out, 0, "health_score"), 44.75 * 100 / 75, 1e-9);
    assert_near(value(out, 0, "health_recency"), 15 * 100.0 / 75, 1e-9);
    assert_breakdown_sums(out);
    churn_dataset_free(out);
    churn_dataset_free(in);
    churn_segment_opts_free(o);
}

static void test_health_breakdown_property(void **state)
{
    (void)state;
    churn_dataset *in = features(10, rfm_rows, NULL);
    churn_segment_opts *o = churn_segment_opts_new();
    assert_int_equal(churn_segment_opts_set_health_weight(o, "tickets", 3.3),
                     0);
    churn_dataset *out = segment(in, o);
    assert_breakdown_sums(out);
    churn_dataset_free(out);
    churn_dataset_free(in);
    churn_segment_opts_free(o);
}

static void test_options_errors(void **state)
{
    (void)state;
    churn_segment_opts *o = churn_segment_opts_new();
    assert_int_equal(churn_segment_opts_set_health_weight(o, "nope", 1),
                     CHURN_EINVAL);
    assert_int_equal(churn_segment_opts_set_health_weight(o, "recency", -1),
                     CHURN_EINVAL);
    for (size_t k = 0; k + 1 < churn_health_n_components(); k++)
        assert_int_equal(churn_segment_opts_set_health_weight(
                             o, churn_health_component(k), 0), 0);
    /* The last weight may not go to 0 as well. */
    assert_int_equal(churn_segment_opts_set_health_weight(
                         o, churn_health_component(6), 0), CHURN_EINVAL);
    assert_int_equal(churn_segment_opts_set_health_tiers(o, 40, 70),
                     CHURN_EINVAL);
    assert_int_equal(churn_segment_opts_set_health_tiers(o, 101, 70),
                     CHURN_EINVAL);
    assert_int_equal(churn_segment_opts_set_rfm_columns(o, "a", "", "c"),
                     CHURN_EINVAL);
    churn_segment_opts_free(NULL);
    churn_segment_opts_free(o);
}

/* Labels, ids and a missing column. */
static void test_segment_inputs(void **state)
{
    (void)state;
    static const double labels[2] = {1, 0};
    churn_dataset *in = features(2, rfm_rows, labels);
    churn_segment_opts *o = churn_segment_opts_new();
    churn_dataset *out = segment(in, o);
    assert_string_equal(churn_dataset_label_name(out), "churned");
    assert_true(churn_dataset_label(out, 0) == 1);
    assert_true(churn_dataset_label(out, 1) == 0);
    churn_dataset_free(out);
    churn_error err;
    assert_int_equal(churn_segment_opts_set_rfm_columns(
                         o, "recency_activity_days", "purchases_90d",
                         "monetary_90d"), 0);
    assert_int_equal(churn_segment(in, o, &out, &err), CHURN_EFORMAT);
    assert_null(out);
    assert_string_equal(err.message, "segments need the column "
                        "'purchases_90d', which the features do not have");
    churn_dataset_free(in);
    /* A health input missing. */
    churn_dataset *few = churn_dataset_new(2);
    churn_dataset_set_column(few, 0, "tenure_days", CHURN_NUMERIC, NULL);
    churn_dataset_set_column(few, 1, "recency_activity_days", CHURN_NUMERIC,
                             NULL);
    churn_dataset_add_row(few, "x", (const double[]){1, 1}, NAN, NULL);
    assert_int_equal(churn_segment_opts_set_rfm_columns(
                         o, "recency_activity_days", "tenure_days",
                         "tenure_days"), 0);
    assert_int_equal(churn_segment(few, o, &out, &err), CHURN_EFORMAT);
    assert_string_equal(err.message, "the health component 'activity' "
                        "needs the column 'activity_30d', which the "
                        "features do not have");
    churn_dataset_free(few);
    few = churn_dataset_new(1);
    assert_int_equal(churn_segment(few, o, &out, &err), CHURN_EEMPTY);
    assert_int_equal(churn_segment(NULL, o, &out, &err), CHURN_EINVAL);
    churn_dataset_free(few);
    churn_segment_opts_free(o);
}

/* Summary by segment of the ten customers of test_rfm_quintiles_with_ties:
 * potential rows 0-3, loyal 4 and 6, slipping 5, 7, 8, 9. Labels: row i
 * churned when i is odd, row 9 unknown. potential: 4 customers, share
 * 0.4, churn 2/4; loyal: 2, 0.2, 0/2 (rows 4, 6); slipping: 4, 0.4, rows 5
 * and 7 churned, 8 not, 9 unknown: 2/3. Health: every row has the same
 * components but recency (and trend, activity 0, tickets 0 -> 15 points;
 * satisfaction, its trend and payment missing -> 7.5 + 2.5 + 2.5; trend 0
 * -> 11.25), so health = 38.75 + recency points: <=7 days 20, <=14 15,
 * <=30 10, <=60 5, else 0. potential (1,1,3,10): 20+20+20+15 = 75 / 4;
 * loyal (20, 40): 10 + 5 = 15 / 2. */
static void test_summary(void **state)
{
    (void)state;
    double labels[10];
    for (size_t i = 0; i < 10; i++)
        labels[i] = i == 9 ? NAN : (double)(i % 2);
    churn_dataset *in = features(10, rfm_rows, labels);
    churn_segment_opts *o = churn_segment_opts_new();
    churn_dataset *seg = segment(in, o), *sum = NULL;
    churn_error err;
    assert_int_equal(churn_segment_summary(seg, "rfm_segment", &sum, &err),
                     CHURN_OK);
    assert_int_equal(churn_dataset_n_rows(sum), 3);
    assert_string_equal(churn_dataset_column_name(sum, 3), "churn_rate");
    /* Level order is rule order: loyal, potential, slipping. */
    static const char *const ids[3] = {"loyal", "potential", "slipping"};
    static const double expect[3][4] = {{2, 0.2, 38.75 + 7.5, 0},
                                        {4, 0.4, 38.75 + 18.75, 0.5},
                                        {4, 0.4, NAN, 2.0 / 3}};
    for (size_t i = 0; i < 3; i++) {
        assert_string_equal(churn_dataset_id(sum, i), ids[i]);
        for (size_t c = 0; c < 4; c++)
            if (!isnan(expect[i][c]))
                assert_near(churn_dataset_value(sum, i, c), expect[i][c],
                            1e-12);
    }
    churn_dataset_free(sum);
    assert_int_equal(churn_segment_summary(seg, "health_score", &sum, &err),
                     CHURN_EFORMAT);
    assert_null(sum);
    churn_dataset_free(seg);
    churn_dataset_free(in);
    /* Without labels: no churn_rate column. Stages of the ten (tenure
     * 100): inactive 1, 1, 3, 10, 20 active; 40-70 dormant; none
     * (inactive for the tenure, 100 days) lost. */
    in = features(10, rfm_rows, NULL);
    seg = segment(in, o);
    assert_int_equal(churn_segment_summary(seg, "lifecycle_stage", &sum,
                                           &err), CHURN_OK);
    assert_int_equal(churn_dataset_n_cols(sum), 3);
    assert_int_equal(churn_dataset_n_rows(sum), 3);
    static const char *const stages[3] = {"active", "dormant", "lost"};
    static const double counts[3] = {5, 4, 1};
    for (size_t i = 0; i < 3; i++) {
        assert_string_equal(churn_dataset_id(sum, i), stages[i]);
        assert_true(churn_dataset_value(sum, i, 0) == counts[i]);
    }
    churn_dataset_free(sum);
    churn_dataset_free(seg);
    churn_dataset_free(in);
    churn_segment_opts_free(o);
}

/* ---------------------------------------------------------------- KPIs */

static void test_retention_formula_and_clv(void **state)
{
    (void)state;
    /* The worked example: (220 - 50) / 200 = 0.85. */
    assert_near(churn_retention_rate(200, 220, 50), 0.85, 1e-15);
    assert_true(isnan(churn_retention_rate(0, 10, 10)));
    /* 20 a month for 1 / 0.05 = 20 months: 400; 1 / 0.01 = 100 months
     * is capped at 60: 1200, as is p = 0. */
    assert_near(churn_clv(20, 0.05, 60), 400, 1e-12);
    assert_near(churn_clv(20, 0.01, 60), 1200, 1e-12);
    assert_near(churn_clv(20, 0, 60), 1200, 1e-12);
    assert_true(isnan(churn_clv(20, -0.1, 60)));
    assert_true(isnan(churn_clv(20, 1.5, 60)));
    assert_true(isnan(churn_clv(20, 0.1, -1)));
}

/* Period [2024-01-01, 2024-04-01), 91 days; the period before it starts
 * 2023-10-02. a: customer throughout, bought 10 before and 15 in the
 * period. b: customer at start, bought 20 before, cancels in February.
 * c: signs up in January, stays. d: signs up in January, cancels
 * 2024-02-15. e: signs up in February. f: first event exactly at the end,
 * which the end does not see yet.
 * At start {a, b}, at end {a, c, e}: retained {a}, new 2, retention
 * (3 - 2) / 2 = 0.5. Revenue 30 before, 15 in the period: 0.5.
 * Cohorts: January {c, d}: on 02-01 both (1), on 03-01 and 04-01 only c
 * (0.5, 0.5); February {e}: 03-01, 04-01 (1, 1); March: empty. */
/* kpi_log: the log described above, in segment_fixtures.h. */

static void test_kpis(void **state)
{
    (void)state;
    const char *path = tu_write_text(0, "kpi.csv", kpi_log);
    churn_feature_opts *o = churn_feature_opts_new();
    churn_kpi *k = NULL;
    churn_error err;
    int64_t start = 1704067200, end = 1711929600; /* 2024-01-01, 04-01 */
    int rc = churn_kpi_compute(path, o, start, end, &k, &err);
    if (rc != CHURN_OK)
        fail_msg("%s", err.message);
    assert_true(churn_kpi_value(k, "customers_start") == 2);
    assert_true(churn_kpi_value(k, "customers_end") == 3);
    assert_true(churn_kpi_value(k, "retained") == 1);
    assert_true(churn_kpi_value(k, "new") == 2);
    assert_near(churn_kpi_value(k, "retention_rate"), 0.5, 1e-15);
    assert_near(churn_kpi_value(k, "churn_rate"), 0.5, 1e-15);
    assert_near(churn_kpi_value(k, "revenue_start"), 30, 1e-12);
    assert_near(churn_kpi_value(k, "revenue_end"), 15, 1e-12);
    assert_near(churn_kpi_value(k, "revenue_retention"), 0.5, 1e-15);
    assert_true(isnan(churn_kpi_value(k, "nope")));
    assert_int_equal(churn_kpi_n_cohorts(k), 3);
    assert_int_equal(churn_kpi_n_months(k), 3);
    static const char *const names[3] = {"2024-01", "2024-02", "2024-03"};
    static const size_t sizes[3] = {2, 1, 0};
    static const double cells[3][3] = {
        {1, 0.5, 0.5}, {1, 1, NAN}, {NAN, NAN, NAN}};
    for (size_t i = 0; i < 3; i++) {
        assert_string_equal(churn_kpi_cohort(k, i), names[i]);
        assert_int_equal(churn_kpi_cohort_size(k, i), sizes[i]);
        for (size_t m = 1; m <= 3; m++) {
            double v = churn_kpi_cohort_retention(k, i, m);
            if (isnan(cells[i][m - 1]))
                assert_true(isnan(v));
            else
                assert_near(v, cells[i][m - 1], 1e-15);
        }
    }
    assert_true(isnan(churn_kpi_cohort_retention(k, 0, 0)));
    assert_true(isnan(churn_kpi_cohort_retention(k, 0, 4)));
    assert_null(churn_kpi_cohort(k, 3));
    churn_kpi_free(k);
    assert_int_equal(churn_kpi_compute(path, o, end, start, &k, &err),
                     CHURN_EINVAL);
    assert_null(k);
    assert_int_equal(churn_kpi_compute(path, o, start, start + 86400 * 3700,
                                       &k, &err), CHURN_EINVAL);
    assert_int_equal(churn_kpi_compute("/nonexistent/e.csv", o, start, end,
                                       &k, &err), CHURN_EIO);
    churn_kpi_free(NULL);
    churn_feature_opts_free(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfm_quintiles_with_ties),
        cmocka_unit_test(test_vocabularies_are_disjoint),
        cmocka_unit_test(test_rfm_rules_by_monetary),
        cmocka_unit_test(test_rules_file),
        cmocka_unit_test(test_rules_errors),
        cmocka_unit_test(test_lifecycle_boundaries),
        cmocka_unit_test(test_health_breakdown),
        cmocka_unit_test(test_health_breakdown_property),
        cmocka_unit_test(test_options_errors),
        cmocka_unit_test(test_segment_inputs),
        cmocka_unit_test(test_summary),
        cmocka_unit_test(test_retention_formula_and_clv),
        cmocka_unit_test(test_kpis),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

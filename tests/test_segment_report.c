/* test_segment_report.c - the segment section of the evaluation report:
 * the figures churn_eval_add_segments and churn_eval_add_kpi put in the
 * report (read back from its JSON, and from its HTML tables) against hand
 * counts, an independent count from the per-customer segments, and the
 * KPI cohort table; label sources; every error. */
#include "featutil.h"
#include "segment_fixtures.h"
#include "ml/eval.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "Evaluated rows": ids and labels only (one dummy column). */
static churn_dataset *evaluated(size_t n, const char *const *ids,
                                const double *labels)
{
    churn_dataset *ds = churn_dataset_new(1);
    double x = 0;
    assert_int_equal(churn_dataset_set_column(ds, 0, "x", CHURN_NUMERIC,
                                              NULL), 0);
    assert_int_equal(churn_dataset_set_label_name(ds, "churned", NULL), 0);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(churn_dataset_add_row(ds, ids[i], &x, labels[i],
                                               NULL), 0);
    return ds;
}

static churn_dataset *segment(const churn_dataset *features)
{
    churn_segment_opts *o = churn_segment_opts_new();
    churn_dataset *seg = NULL;
    churn_error err;
    if (churn_segment(features, o, &seg, &err) != CHURN_OK)
        fail_msg("churn_segment: %s", err.message);
    churn_segment_opts_free(o);
    return seg;
}

/* A small report to attach sections to. */
static churn_eval *report(void)
{
    static const double prob[4] = {0.9, 0.2, 0.6, 0.1};
    static const double label[4] = {1, 0, 0, 1};
    churn_eval *e = NULL;
    assert_int_equal(churn_eval_compute(prob, label, 4, NULL, &e, NULL),
                     CHURN_OK);
    return e;
}

/* Writes e as JSON and reads it back. */
static json_t *as_json(const churn_eval *e)
{
    char path[512];
    json_error_t jerr;
    snprintf(path, sizeof path, "%s/report.json", tu_tmpdir());
    assert_int_equal(churn_eval_write_json(e, path, NULL), CHURN_OK);
    json_t *root = json_load_file(path, 0, &jerr);
    if (!root)
        fail_msg("report JSON: %s", jerr.text);
    return root;
}

/* The level object called level in group column of the JSON segments. */
static json_t *json_level(json_t *root, const char *column, const char *level)
{
    json_t *groups = json_object_get(json_object_get(root, "segments"),
                                     "groups");
    for (size_t g = 0; g < json_array_size(groups); g++) {
        json_t *grp = json_array_get(groups, g);
        if (strcmp(json_string_value(json_object_get(grp, "column")),
                   column) != 0)
            continue;
        json_t *levels = json_object_get(grp, "levels");
        for (size_t k = 0; k < json_array_size(levels); k++) {
            json_t *lv = json_array_get(levels, k);
            if (strcmp(json_string_value(json_object_get(lv, "level")),
                       level) == 0)
                return lv;
        }
    }
    return NULL;
}

static double num(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

/* The label of the evaluated row with this id, by a plain scan (NaN when
 * there is none): the independent join. */
static double scan_label(const churn_dataset *ev, const char *id)
{
    for (size_t r = 0; ev && r < churn_dataset_n_rows(ev); r++)
        if (strcmp(churn_dataset_id(ev, r), id) == 0)
            return churn_dataset_label(ev, r);
    return NAN;
}

/* Checks every level of the three groupings in the JSON against counts
 * made row by row from the per-customer segments, labels taken from ev by
 * scan_label, or from seg itself when ev is NULL. Returns the levels. */
static size_t check_independent(json_t *root, const churn_dataset *seg,
                                const churn_dataset *ev)
{
    static const char *const columns[3] = {"rfm_segment", "lifecycle_stage",
                                           "health_tier"};
    size_t levels_seen = 0;
    for (size_t g = 0; g < 3; g++) {
        size_t j = churn_dataset_column_index(seg, columns[g]);
        for (size_t k = 0; k < churn_dataset_n_levels(seg, j); k++) {
            double customers = 0, labelled = 0, churned = 0;
            for (size_t i = 0; i < churn_dataset_n_rows(seg); i++) {
                if (churn_dataset_value(seg, i, j) != (double)k)
                    continue;
                double y = ev ? scan_label(ev, churn_dataset_id(seg, i))
                              : churn_dataset_label(seg, i);
                customers++;
                labelled += !isnan(y);
                churned += y == 1;
            }
            json_t *lv = json_level(root, columns[g],
                                    churn_dataset_level(seg, j, k));
            if (customers == 0) { /* levels that do not occur are left out */
                assert_null(lv);
                continue;
            }
            assert_non_null(lv);
            levels_seen++;
            assert_true(num(lv, "customers") == customers);
            assert_true(num(lv, "labelled") == labelled);
            assert_true(num(lv, "churned") == churned);
            if (labelled > 0)
                assert_true(num(lv, "churn_rate") == churned / labelled);
            else
                assert_true(json_is_null(json_object_get(lv, "churn_rate")));
        }
    }
    return levels_seen;
}

/* Evaluated rows in another order than the segments, c3 missing, c8
 * unlabelled, an extra customer x. By hand: potential c0..c3 -> labelled
 * c0 1, c1 0, c2 1: 2 of 3; loyal c4 0, c6 1: 1 of 2; slipping c5 1, c7 0,
 * c9 1 (c8 unlabelled): 2 of 3. Stages: active c0-c4 (c3 unmatched): 2
 * of 4; lost c5: 1 of 1; dormant c6-c9: 2 of 3. 9 customers matched. */
static void test_counts_by_hand_and_independently(void **state)
{
    (void)state;
    static const char *const ids[10] = {"c9", "x", "c0", "c5", "c8", "c1",
                                        "c7", "c2", "c6", "c4"};
    static const double labels[10] = {1, 1, 1, 1, NAN, 0, 0, 1, 1, 0};
    churn_dataset *in = features(10, rfm_rows, NULL), *seg = segment(in);
    churn_dataset *ev = evaluated(10, ids, labels);
    churn_eval *e = report();
    churn_error err;
    if (churn_eval_add_segments(e, seg, ev, &err) != CHURN_OK)
        fail_msg("%s", err.message);
    json_t *root = as_json(e);
    json_t *s = json_object_get(root, "segments");
    assert_string_equal(json_string_value(json_object_get(s, "labels")),
                        "evaluated");
    assert_true(num(s, "customers") == 10);
    assert_true(num(s, "matched") == 9);
    static const struct {
        const char *column, *level;
        double customers, labelled, churned;
    } hand[] = {{"rfm_segment", "potential", 4, 3, 2},
                {"rfm_segment", "loyal", 2, 2, 1},
                {"rfm_segment", "slipping", 4, 3, 2},
                {"lifecycle_stage", "active", 5, 4, 2},
                {"lifecycle_stage", "lost", 1, 1, 1},
                {"lifecycle_stage", "dormant", 4, 3, 2}};
    for (size_t t = 0; t < sizeof hand / sizeof hand[0]; t++) {
        json_t *lv = json_level(root, hand[t].column, hand[t].level);
        assert_non_null(lv);
        assert_true(num(lv, "customers") == hand[t].customers);
        assert_true(num(lv, "labelled") == hand[t].labelled);
        assert_true(num(lv, "churned") == hand[t].churned);
        assert_near(num(lv, "churn_rate"), hand[t].churned /
                    hand[t].labelled, 1e-15);
    }
    assert_null(json_level(root, "rfm_segment", "champions"));
    assert_null(json_level(root, "lifecycle_stage", "new"));
    assert_true(check_independent(root, seg, ev) >= 7);
    json_decref(root);
    /* The HTML shows the same figures in its tables. */
    char path[512];
    snprintf(path, sizeof path, "%s/report.html", tu_tmpdir());
    assert_int_equal(churn_eval_write_html(e, "t", path, NULL), CHURN_OK);
    char *html = tu_read_file(path, NULL);
    assert_non_null(strstr(html, "<h2>Segments</h2>"));
    assert_non_null(strstr(html, "<td class=\"k\">potential</td><td>4</td>"
                                 "<td>40.0%</td><td>3</td><td>2</td>"
                                 "<td>66.7%</td>"));
    assert_non_null(strstr(html, "9 of 10 customers"));
    assert_null(strstr(html, "Cohort retention")); /* no KPIs added */
    assert_non_null(strstr(html, "Customers and churn rate by RFM segment"));
    assert_non_null(strstr(html, "scores 1\u2013" "5 over that population"));
    free(html);
    /* The headings and the words about the groups are those features/
     * gave them; the HTML writer in ml/ knows no column names of its own. */
    e->segments->group[0].title = "Recency-frequency group";
    e->segments->groups_text = "three groupings";
    assert_int_equal(churn_eval_write_html(e, "t", path, NULL), CHURN_OK);
    html = tu_read_file(path, NULL);
    assert_non_null(strstr(html, "by Recency-frequency group</text>"));
    assert_non_null(strstr(html, "at the as-of date, by three groupings."));
    assert_null(strstr(html, "RFM segment"));
    free(html);
    churn_eval_free(e);
    churn_dataset_free(ev);
    churn_dataset_free(seg);
    churn_dataset_free(in);
}

/* Without evaluated rows the segments' own labels count (the history's
 * horizon), as churn_segment_summary counts them; without either, counts
 * only. Adding again replaces the section. */
static void test_history_labels_and_none(void **state)
{
    (void)state;
    static const double labels[10] = {1, 0, 1, 1, 0, 1, 0, 0, NAN, 1};
    churn_dataset *in = features(10, rfm_rows, labels), *seg = segment(in), *sum = NULL;
    churn_eval *e = report();
    assert_int_equal(churn_eval_add_segments(e, seg, NULL, NULL), CHURN_OK);
    json_t *root = as_json(e);
    json_t *s = json_object_get(root, "segments");
    assert_string_equal(json_string_value(json_object_get(s, "labels")),
                        "history");
    assert_true(json_is_null(json_object_get(s, "matched")));
    check_independent(root, seg, NULL);
    assert_int_equal(churn_segment_summary(seg, "health_tier", &sum, NULL),
                     CHURN_OK);
    for (size_t i = 0; i < churn_dataset_n_rows(sum); i++) {
        json_t *lv = json_level(root, "health_tier", churn_dataset_id(sum, i));
        assert_non_null(lv);
        assert_true(num(lv, "customers") == churn_dataset_value(sum, i, 0));
        assert_near(num(lv, "churn_rate"), churn_dataset_value(sum, i, 3),
                    1e-15);
    }
    churn_dataset_free(sum);
    json_decref(root);
    churn_dataset *bare = features(10, rfm_rows, NULL), *bare_seg = segment(bare);
    assert_int_equal(churn_eval_add_segments(e, bare_seg, NULL, NULL),
                     CHURN_OK);
    root = as_json(e);
    s = json_object_get(root, "segments");
    assert_string_equal(json_string_value(json_object_get(s, "labels")),
                        "none");
    json_t *lv = json_level(root, "rfm_segment", "slipping");
    assert_true(num(lv, "labelled") == 0);
    assert_true(json_is_null(json_object_get(lv, "churn_rate")));
    json_decref(root);
    churn_eval_free(e);
    churn_dataset_free(bare_seg);
    churn_dataset_free(bare);
    churn_dataset_free(seg);
    churn_dataset_free(in);
}

/* Generated histories: every level equals the independent count, with
 * the extracted rows as the evaluated rows (all matched). */
static void test_synthetic_population(void **state)
{
    (void)state;
    churn_synth_opts *so = churn_synth_opts_new();
    churn_feature_opts *fo = fu_opts_at(1735689600); /* 2025-01-01 */
    churn_dataset *features = NULL;
    churn_error err;
    char events[512];
    snprintf(events, sizeof events, "%s/events.csv", tu_tmpdir());
    assert_int_equal(churn_synth_opts_set_customers(so, 400), CHURN_OK);
    assert_int_equal(churn_synth_generate(so, tu_tmpdir(), &err), CHURN_OK);
    assert_int_equal(churn_feature_opts_set_horizon(fo, 90), CHURN_OK);
    if (churn_features_extract(events, NULL, fo, &features, &err))
        fail_msg("%s", err.message);
    churn_dataset *seg = segment(features);
    churn_eval *e = report();
    assert_int_equal(churn_eval_add_segments(e, seg, features, NULL),
                     CHURN_OK);
    json_t *root = as_json(e);
    json_t *s = json_object_get(root, "segments");
    assert_true(num(s, "matched") == (double)churn_dataset_n_rows(seg));
    assert_true(check_independent(root, seg, features) >= 8);
    json_decref(root);
    churn_eval_free(e);
    churn_dataset_free(seg);
    churn_dataset_free(features);
    churn_feature_opts_free(fo);
    churn_synth_opts_free(so);
}

/* The same history with the customers who cancelled before the as-of
 * (churn_feature_opts_set_cancelled): they count in lifecycle stage lost
 * only, never match an evaluated row, and the page says how many there
 * are; the RFM table's shares are of the scored customers. */
static void test_synthetic_with_cancelled(void **state)
{
    (void)state;
    churn_synth_opts *so = churn_synth_opts_new();
    churn_feature_opts *fo = fu_opts_at(1735689600); /* 2025-01-01 */
    churn_dataset *pop = NULL, *all = NULL;
    churn_error err;
    char events[512];
    snprintf(events, sizeof events, "%s/events.csv", tu_tmpdir());
    assert_int_equal(churn_synth_opts_set_customers(so, 400), CHURN_OK);
    assert_int_equal(churn_synth_generate(so, tu_tmpdir(), &err), CHURN_OK);
    assert_int_equal(churn_feature_opts_set_horizon(fo, 90), CHURN_OK);
    if (churn_features_extract(events, NULL, fo, &pop, &err))
        fail_msg("%s", err.message);
    assert_int_equal(churn_feature_opts_set_cancelled(fo, 1), CHURN_OK);
    if (churn_features_extract(events, NULL, fo, &all, &err))
        fail_msg("%s", err.message);
    size_t n = churn_dataset_n_rows(all), m = churn_dataset_n_rows(pop);
    assert_true(n > m);
    churn_dataset *seg = segment(all);
    churn_eval *e = report();
    assert_int_equal(churn_eval_add_segments(e, seg, pop, NULL), CHURN_OK);
    json_t *root = as_json(e);
    json_t *s = json_object_get(root, "segments");
    assert_true(num(s, "customers") == (double)n);
    assert_true(num(s, "matched") == (double)m);
    assert_true(check_independent(root, seg, pop) >= 8);
    /* lost = the cancelled customers + the lost ones of the population. */
    churn_dataset *seg_pop = segment(pop), *sum = NULL;
    assert_int_equal(churn_segment_summary(seg_pop, "lifecycle_stage", &sum,
                                           NULL), CHURN_OK);
    double lost_pop = 0;
    for (size_t i = 0; i < churn_dataset_n_rows(sum); i++)
        if (strcmp(churn_dataset_id(sum, i), "lost") == 0)
            lost_pop = churn_dataset_value(sum, i, 0);
    assert_true(num(json_level(root, "lifecycle_stage", "lost"),
                    "customers") == lost_pop + (double)(n - m));
    churn_dataset_free(sum);
    json_decref(root);
    char path[512], want[160];
    snprintf(path, sizeof path, "%s/report.html", tu_tmpdir());
    assert_int_equal(churn_eval_write_html(e, "t", path, NULL), CHURN_OK);
    char *html = tu_read_file(path, NULL);
    snprintf(want, sizeof want, "%zu of them cancelled before it: they are "
             "in stage lost", n - m);
    assert_non_null(strstr(html, want));
    snprintf(want, sizeof want, "%zu of %zu customers have an evaluated "
             "row", m, n);
    assert_non_null(strstr(html, want));
    /* Champions' share is of the m scored customers. */
    assert_int_equal(churn_segment_summary(seg, "rfm_segment", &sum, NULL),
                     CHURN_OK);
    snprintf(want, sizeof want, "<td class=\"k\">%s</td><td>%.0f</td>"
             "<td>%.1f%%</td>", churn_dataset_id(sum, 0),
             churn_dataset_value(sum, 0, 0),
             100 * churn_dataset_value(sum, 0, 0) / (double)m);
    assert_non_null(strstr(html, want));
    free(html);
    churn_dataset_free(sum);
    churn_eval_free(e);
    churn_dataset_free(seg_pop);
    churn_dataset_free(seg);
    churn_dataset_free(all);
    churn_dataset_free(pop);
    churn_feature_opts_free(fo);
    churn_synth_opts_free(so);
}

static void test_segment_errors(void **state)
{
    (void)state;
    static const char *const ids[3] = {"c1", "c2", "c1"};
    static const double labels[3] = {1, 0, 0};
    churn_dataset *in = features(10, rfm_rows, NULL), *seg = segment(in);
    churn_dataset *ev = evaluated(3, ids, labels);
    churn_eval *e = report();
    churn_error err;
    /* c1 twice, no as-of times to tell the rows apart. */
    assert_int_equal(churn_eval_add_segments(e, seg, ev, &err),
                     CHURN_EFORMAT);
    assert_non_null(strstr(err.message, "'c1'"));
    /* Different as-of times on both sides pick one row. */
    for (size_t i = 0; i < 10; i++)
        assert_int_equal(churn_dataset_set_as_of(in, i, 1e9, NULL), 0);
    churn_dataset *seg_t = segment(in);
    assert_int_equal(churn_dataset_set_as_of(ev, 0, 1e9, NULL), 0);
    assert_int_equal(churn_dataset_set_as_of(ev, 2, 2e9, NULL), 0);
    assert_int_equal(churn_eval_add_segments(e, seg_t, ev, &err), CHURN_OK);
    json_t *root = as_json(e);
    json_t *lv = json_level(root, "rfm_segment", "potential"); /* c0-c3 */
    assert_true(num(lv, "labelled") == 2 && num(lv, "churned") == 1);
    json_decref(root);
    /* Features are not segments; NULLs. */
    assert_int_equal(churn_eval_add_segments(e, in, NULL, &err),
                     CHURN_EFORMAT);
    assert_non_null(strstr(err.message, "rfm_segment"));
    assert_int_equal(churn_eval_add_segments(NULL, seg, NULL, &err),
                     CHURN_EINVAL);
    assert_int_equal(churn_eval_add_segments(e, NULL, NULL, &err),
                     CHURN_EINVAL);
    assert_int_equal(churn_eval_add_kpi(e, NULL, &err), CHURN_EINVAL);
    churn_eval_free(e);
    churn_dataset_free(seg_t);
    churn_dataset_free(ev);
    churn_dataset_free(seg);
    churn_dataset_free(in);
}

/* kpi_log (segment_fixtures.h), the log of test_segment.c's KPI test: cohorts
 * January {c, d} (1, 0.5, 0.5), February {e} (1, 1, -), March empty, over
 * [2024-01-01, 2024-04-01). */

/* Every cohort cell of the report equals the KPI table's, NaN = null. */
static void test_kpi_cohorts(void **state)
{
    (void)state;
    const char *path = tu_write_text(0, "kpi.csv", kpi_log);
    churn_feature_opts *o = churn_feature_opts_new();
    churn_kpi *k = NULL;
    churn_error err;
    if (churn_kpi_compute(path, o, 1704067200, 1711929600, &k, &err))
        fail_msg("%s", err.message);
    assert_true(churn_kpi_value(k, "start") == 1704067200);
    assert_true(churn_kpi_value(k, "end") == 1711929600);
    churn_eval *e = report();
    assert_int_equal(churn_eval_add_kpi(e, k, &err), CHURN_OK);
    json_t *root = as_json(e), *kpi = json_object_get(root, "kpi");
    assert_string_equal(json_string_value(json_object_get(kpi, "start")),
                        "2024-01-01");
    assert_string_equal(json_string_value(json_object_get(kpi, "end")),
                        "2024-04-01");
    assert_true(num(kpi, "customers_start") == 2);
    assert_near(num(kpi, "retention_rate"), 0.5, 1e-15);
    json_t *rows = json_object_get(kpi, "cohorts");
    assert_int_equal(json_array_size(rows), churn_kpi_n_cohorts(k));
    for (size_t i = 0; i < churn_kpi_n_cohorts(k); i++) {
        json_t *row = json_array_get(rows, i);
        json_t *cells = json_object_get(row, "retention");
        assert_string_equal(json_string_value(json_object_get(row,
                            "cohort")), churn_kpi_cohort(k, i));
        assert_true(num(row, "size") == (double)churn_kpi_cohort_size(k, i));
        assert_int_equal(json_array_size(cells), churn_kpi_n_months(k));
        for (size_t m = 1; m <= churn_kpi_n_months(k); m++) {
            double want = churn_kpi_cohort_retention(k, i, m);
            json_t *v = json_array_get(cells, m - 1);
            if (isnan(want))
                assert_true(json_is_null(v));
            else
                assert_true(json_number_value(v) == want);
        }
    }
    json_decref(root);
    char out[512];
    snprintf(out, sizeof out, "%s/kpi.html", tu_tmpdir());
    assert_int_equal(churn_eval_write_html(e, "t", out, NULL), CHURN_OK);
    char *html = tu_read_file(out, NULL);
    assert_non_null(strstr(html, "<title>Cohort retention</title>"));
    /* January: 100%, 50%, 50% in the heat map and in its table. */
    assert_non_null(strstr(html, "<td class=\"k\">2024-01</td><td>2</td>"
                                 "<td>100.0%</td><td>50.0%</td>"
                                 "<td>50.0%</td></tr>"));
    assert_non_null(strstr(html, ">50%</text>"));
    assert_null(strstr(html, "<h2>Segments</h2>")); /* none added */
    free(html);
    churn_eval_free(e);
    churn_kpi_free(k);
    churn_feature_opts_free(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts_by_hand_and_independently),
        cmocka_unit_test(test_history_labels_and_none),
        cmocka_unit_test(test_synthetic_population),
        cmocka_unit_test(test_synthetic_with_cancelled),
        cmocka_unit_test(test_segment_errors),
        cmocka_unit_test(test_kpi_cohorts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_segment_cancelled.c - customers who cancelled before the as-of
 * date: churn_feature_opts_set_cancelled adds them to an extraction with
 * their cancel_date and no label, the population's rows unchanged; and
 * churn_segment puts them in lifecycle stage lost, not scored, the others
 * scored as without them; the summaries' shares and health means. */
#include "featutil.h"

#include <math.h>
#include <string.h>

static churn_dataset *segment(const churn_dataset *in,
                              const churn_segment_opts *o)
{
    churn_dataset *out = NULL;
    churn_error err;
    if (churn_segment(in, o, &out, &err) != CHURN_OK)
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

/* As-of 2024-01-01: a and b are in the population (b cancels after it);
 * e cancelled on 2023-12-01 (and again later), f's only event is a
 * cancel on 2023-10-10; g is first seen after the as-of. */
static const char cancel_log[] =
    "customer_id,timestamp,event,value\n"
    "a,2023-09-01,signup,\n"
    "a,2023-12-30,login,\n"
    "a,2023-12-20,purchase,50\n"
    "b,2023-09-01,signup,\n"
    "b,2023-12-02,login,\n"
    "e,2023-09-01,signup,\n"
    "e,2023-11-05,login,\n"
    "e,2023-12-15,cancel,\n"
    "e,2023-12-01,cancel,\n"
    "f,2023-10-10,cancel,\n"
    "g,2024-02-01,cancel,\n"
    "b,2024-01-15,cancel,\n";

/* Row i of x has the id of row k of y and the same value in each of y's
 * columns (matched by name; categorical codes, which share level order). */
static void assert_same_row(const churn_dataset *x, size_t i,
                            const churn_dataset *y, size_t k)
{
    assert_string_equal(churn_dataset_id(x, i), churn_dataset_id(y, k));
    for (size_t j = 0; j < churn_dataset_n_cols(y); j++) {
        size_t jx = churn_dataset_column_index(
            x, churn_dataset_column_name(y, j));
        double u = churn_dataset_value(x, i, jx);
        double v = churn_dataset_value(y, k, j);
        assert_true(jx != (size_t)-1);
        assert_true((isnan(u) && isnan(v)) || u == v);
    }
}

static void test_cancelled_customers(void **state)
{
    (void)state;
    churn_feature_opts *o = fu_opts_at(T0);
    assert_int_equal(churn_feature_opts_set_horizon(o, 30), CHURN_OK);
    churn_dataset *pop = fu_extract(cancel_log, o, NULL);
    assert_int_equal(churn_feature_opts_set_cancelled(o, 2), CHURN_EINVAL);
    assert_int_equal(churn_feature_opts_set_cancelled(NULL, 1),
                     CHURN_EINVAL);
    assert_int_equal(churn_feature_opts_set_cancelled(o, 1), CHURN_OK);
    churn_dataset *all = fu_extract(cancel_log, o, NULL);
    /* The population is as before; e and f follow in order of first
     * event, with the date of their first cancel and no label. */
    assert_int_equal(churn_dataset_n_rows(pop), 2);
    assert_int_equal(churn_dataset_column_index(pop, "cancel_date"),
                     (size_t)-1);
    assert_int_equal(churn_dataset_n_rows(all), 4);
    assert_int_equal(churn_dataset_n_cols(all), churn_dataset_n_cols(pop) + 1);
    assert_string_equal(
        churn_dataset_column_name(all, churn_dataset_n_cols(all) - 1),
        "cancel_date");
    static const char *const ids[4] = {"a", "b", "e", "f"};
    static const char *const dates[4] = {NULL, NULL, "2023-12-01",
                                         "2023-10-10"};
    for (size_t i = 0; i < 4; i++) {
        assert_string_equal(churn_dataset_id(all, i), ids[i]);
        if (dates[i]) {
            assert_string_equal(text(all, i, "cancel_date"), dates[i]);
            assert_true(isnan(churn_dataset_label(all, i)));
        } else {
            assert_true(isnan(value(all, i, "cancel_date")));
            assert_same_row(all, i, pop, i);
        }
    }
    assert_true(churn_dataset_label(all, 1) == 1); /* b cancels after */
    /* e's features at the as-of, as for anyone: tenure from 2023-09-01. */
    fu_assert_feature(all, "e", "tenure_days", 122);

    /* Segments: e and f lost with their dates and no scores; a and b
     * scored exactly as without them. */
    churn_segment_opts *so = churn_segment_opts_new();
    churn_dataset *seg_pop = segment(pop, so), *seg = segment(all, so);
    assert_int_equal(churn_dataset_n_cols(seg),
                     churn_dataset_n_cols(seg_pop) + 1);
    for (size_t i = 0; i < 2; i++) {
        assert_same_row(seg, i, seg_pop, i);
        assert_true(isnan(value(seg, i, "cancel_date")));
    }
    for (size_t i = 2; i < 4; i++) {
        assert_string_equal(text(seg, i, "lifecycle_stage"), "lost");
        assert_string_equal(text(seg, i, "cancel_date"), dates[i]);
        static const char *const unscored[] = {
            "recency_score", "frequency_score", "monetary_score", "rfm_code",
            "rfm_segment", "health_score", "health_tier", "health_activity"};
        for (size_t c = 0; c < sizeof unscored / sizeof *unscored; c++)
            assert_true(isnan(value(seg, i, unscored[c])));
    }
    assert_string_equal(text(seg, 0, "lifecycle_stage"), "active");
    assert_string_equal(text(seg, 1, "lifecycle_stage"), "dormant");

    /* Summaries: stages cover all 4 (shares of 4), RFM and tiers the 2
     * scored ones (shares of 2); lost has no health and no label. */
    churn_dataset *sum = NULL;
    churn_error err;
    assert_int_equal(churn_segment_summary(seg, "lifecycle_stage", &sum,
                                           &err), CHURN_OK);
    assert_int_equal(churn_dataset_n_rows(sum), 3);
    static const char *const stages[3] = {"active", "dormant", "lost"};
    static const double counts[3] = {1, 1, 2};
    for (size_t i = 0; i < 3; i++) {
        assert_string_equal(churn_dataset_id(sum, i), stages[i]);
        assert_true(churn_dataset_value(sum, i, 0) == counts[i]);
        assert_true(churn_dataset_value(sum, i, 1) == counts[i] / 4);
    }
    assert_true(isnan(churn_dataset_value(sum, 2, 2)));
    assert_true(isnan(churn_dataset_value(sum, 2, 3)));
    assert_true(churn_dataset_value(sum, 1, 3) == 1); /* b churned */
    churn_dataset_free(sum);
    static const char *const scored[2] = {"rfm_segment", "health_tier"};
    for (size_t g = 0; g < 2; g++) {
        assert_int_equal(churn_segment_summary(seg, scored[g], &sum, &err),
                         CHURN_OK);
        double customers = 0, share = 0;
        for (size_t i = 0; i < churn_dataset_n_rows(sum); i++) {
            customers += churn_dataset_value(sum, i, 0);
            share += churn_dataset_value(sum, i, 1);
        }
        assert_true(customers == 2);
        assert_near(share, 1, 1e-15);
        churn_dataset_free(sum);
    }

    /* A customers column called cancel_date now clashes. */
    churn_dataset *cu = churn_dataset_new(1);
    double code;
    assert_int_equal(churn_dataset_set_column(cu, 0, "cancel_date",
                                              CHURN_CATEGORICAL, NULL), 0);
    assert_int_equal(churn_dataset_level_code(cu, 0, "soon", &code, NULL),
                     CHURN_OK);
    assert_int_equal(churn_dataset_add_row(cu, "a", &code, NAN, NULL), 0);
    assert_int_equal(fu_extract_fails(cancel_log, o, cu, &err),
                     CHURN_EFORMAT);
    assert_non_null(strstr(err.message, "'cancel_date' clashes"));
    churn_dataset_free(cu);
    churn_dataset_free(seg);
    churn_dataset_free(seg_pop);
    churn_segment_opts_free(so);
    churn_dataset_free(all);
    churn_dataset_free(pop);
    churn_feature_opts_free(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cancelled_customers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_pipeline.c - the preprocessing pipeline: medians, indicators,
 * one-hot outputs, standardization, fitting on a subset, and binding to
 * datasets laid out and coded differently. (Its file section:
 * test_pipeline_io.c.) */
#include "testutil.h"
#include "tu_dataset.h"

#include "ml/pipeline.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------- helpers */

static churn__pipeline *fit_all(const churn_dataset *ds)
{
    churn__pipeline *p = NULL;
    churn_error err;
    int rc = churn__pipeline_fit(ds, NULL, 0, &p, &err);
    if (rc != CHURN_OK)
        fail_msg("fit: %s", err.message);
    return p;
}

/* Transforms row i of ds (bound to p) into out. */
static void transform_row(const churn__pipeline *p, const churn_dataset *ds,
                          size_t i, double *out)
{
    churn__binding *b;
    double raw[16];
    assert_int_equal(churn__pipeline_bind(p, ds, &b, NULL), CHURN_OK);
    churn__binding_row(b, ds, i, raw);
    churn__pipeline_transform(p, raw, out);
    churn__binding_free(b);
}

static void assert_scaling(const churn__pipeline *p, size_t k,
                           double center, double scale)
{
    double c, s;
    churn__pipeline_output_scaling(p, k, &c, &s);
    assert_near(c, center, 1e-15 * fabs(center));
    assert_near(s, scale, 1e-15 * scale);
}

/* ---------------------------------------------------- fitting and use */

static void test_medians_indicators_and_scaling(void **state)
{
    (void)state;
    /* odd: 7 1 3 and a missing value: median of {1,3,7} = 3; imputed
     *   column {7,1,3,3}: mean 14/4 = 3.5, population variance
     *   (3.5^2 + 2.5^2 + 0.5^2 + 0.5^2) / 4 = 19/4; indicator {0,0,0,1}:
     *   mean 1/4, variance 1/4 * 3/4 = 3/16.
     * even: 4 1 10 3: median of {1,3,4,10} = (3 + 4) / 2 = 3.5; mean 4.5,
     *   variance (0.25 + 12.25 + 30.25 + 2.25) / 4 = 45/4; no missing
     *   value, so no indicator. */
    const char *cols[] = {"odd", "even"};
    const char *cells[] = {"7", "4", "1", "1", "3", "10", NULL, "3"};
    churn_dataset *ds = tu_dataset_rows(2, cols, 4, cells);
    churn__pipeline *p = fit_all(ds);
    assert_int_equal(churn__pipeline_n_inputs(p), 2);
    assert_string_equal(churn__pipeline_input_name(p, 1), "even");
    assert_int_equal(churn__pipeline_input_kind(p, 0), CHURN_NUMERIC);
    assert_int_equal(churn__pipeline_n_outputs(p), 3);
    assert_string_equal(churn__pipeline_output_name(p, 0), "odd");
    assert_string_equal(churn__pipeline_output_name(p, 1), "odd_missing");
    assert_string_equal(churn__pipeline_output_name(p, 2), "even");
    assert_int_equal(churn__pipeline_output_input(p, 1), 0);
    assert_int_equal(churn__pipeline_output_input(p, 2), 1);
    assert_scaling(p, 0, 3.5, sqrt(19.0 / 4));
    assert_scaling(p, 1, 0.25, sqrt(3.0 / 16));
    assert_scaling(p, 2, 4.5, sqrt(45.0 / 4));
    /* A row missing both: the medians stand in, the indicator is 1, and
     * "even" (never missing in training) gets no indicator. */
    const double raw[] = {NAN, NAN};
    double out[3];
    churn__pipeline_transform(p, raw, out);
    assert_near(out[0], (3 - 3.5) / sqrt(19.0 / 4), 1e-15);
    assert_near(out[1], (1 - 0.25) / sqrt(3.0 / 16), 1e-15);
    assert_near(out[2], (3.5 - 4.5) / sqrt(45.0 / 4), 1e-15);
    const double seen[] = {8, 0};
    churn__pipeline_transform(p, seen, out);
    assert_near(out[0], (8 - 3.5) / sqrt(19.0 / 4), 1e-15);
    assert_near(out[1], (0 - 0.25) / sqrt(3.0 / 16), 1e-15);
    assert_near(out[2], (0 - 4.5) / sqrt(45.0 / 4), 1e-15);
    churn__pipeline_free(p);
    churn_dataset_free(ds);
}

static void test_tiny_and_huge_values_standardize(void **state)
{
    (void)state;
    /* {1e-300, 3e-300}: mean 2e-300, sd 1e-300, whose square underflows;
     * {1e300, -1e300}: mean 0, sd 1e300, whose square overflows. Both must
     * standardize to -1 and 1 (to rounding), not be taken as constant. */
    const char *cols[] = {"tiny", "huge"};
    const char *cells[] = {"1e-300", "1e300", "3e-300", "-1e300"};
    churn_dataset *ds = tu_dataset_rows(2, cols, 2, cells);
    churn__pipeline *p = fit_all(ds);
    assert_scaling(p, 0, 2e-300, 1e-300);
    assert_scaling(p, 1, 0, 1e300);
    double out[2];
    transform_row(p, ds, 0, out);
    assert_near(out[0], -1, 1e-15);
    assert_near(out[1], 1, 1e-15);
    churn__pipeline_free(p);
    churn_dataset_free(ds);
}

static void test_one_hot_names_order_unknown(void **state)
{
    (void)state;
    /* Dataset codes: unused 0, pro 1, basic 2, team 3. "unused" never
     * occurs, so the pipeline keeps pro, basic, team as codes 0, 1, 2.
     * Shares over 5 rows: pro 1/5, basic 2/5, team 1/5 (the missing row
     * counts in the denominator); sd sqrt(q (1 - q)): 0.4, sqrt(0.24),
     * 0.4. */
    const char *cols[] = {"@plan"};
    const char *levels[] = {"unused", "pro", "basic", "team"};
    const char *cells[] = {"basic", "pro", "basic", "team", NULL};
    churn_dataset *ds = tu_dataset(1, cols);
    tu_add_levels(ds, 0, levels, 4);
    tu_add_rows(ds, 5, cells);
    churn__pipeline *p = fit_all(ds);
    assert_int_equal(churn__pipeline_input_kind(p, 0), CHURN_CATEGORICAL);
    assert_int_equal(churn__pipeline_n_levels(p, 0), 3);
    assert_string_equal(churn__pipeline_level(p, 0, 0), "pro");
    assert_string_equal(churn__pipeline_level(p, 0, 2), "team");
    assert_null(churn__pipeline_level(p, 0, 3));
    assert_int_equal(churn__pipeline_level_code(p, 0, "basic"), 1);
    assert_int_equal(churn__pipeline_level_code(p, 0, "unused"), (size_t)-1);
    assert_int_equal(churn__pipeline_level_code(p, 0, "PRO"), (size_t)-1);
    assert_int_equal(churn__pipeline_n_outputs(p), 3);
    assert_string_equal(churn__pipeline_output_name(p, 0), "plan=pro");
    assert_string_equal(churn__pipeline_output_name(p, 1), "plan=basic");
    assert_string_equal(churn__pipeline_output_name(p, 2), "plan=team");
    assert_scaling(p, 0, 0.2, 0.4);
    assert_scaling(p, 1, 0.4, sqrt(0.24));
    assert_scaling(p, 2, 0.2, 0.4);
    double out[3], none[3];
    const double basic = 1;
    churn__pipeline_transform(p, &basic, out);
    assert_near(out[0], -0.5, 1e-15);
    assert_near(out[1], 0.6 / sqrt(0.24), 1e-15);
    assert_near(out[2], -0.5, 1e-15);
    /* Missing or unknown: every one-hot value 0, i.e. -center / scale. */
    const double odd[] = {NAN, 3, -1, 1.5, 1e300, INFINITY};
    for (size_t t = 0; t < 6; t++) {
        churn__pipeline_transform(p, &odd[t], none);
        assert_near(none[0], -0.5, 1e-15);
        assert_near(none[1], -0.4 / sqrt(0.24), 1e-15);
        assert_near(none[2], -0.5, 1e-15);
    }
    churn__pipeline_free(p);
    churn_dataset_free(ds);
}

/* 40 rows: a numeric with missing values, a numeric without, and a
 * categorical with 4 levels and missing values. */
static churn_dataset *mixed_dataset(void)
{
    static const char *const plans[] = {"basic", "pro", "team", "free"};
    churn_dataset *ds = churn_dataset_new(3);
    assert_int_equal(churn_dataset_set_column(ds, 0, "spend", CHURN_NUMERIC,
                                              NULL), CHURN_OK);
    assert_int_equal(churn_dataset_set_column(ds, 1, "logins", CHURN_NUMERIC,
                                              NULL), CHURN_OK);
    assert_int_equal(churn_dataset_set_column(ds, 2, "plan",
                                              CHURN_CATEGORICAL, NULL),
                     CHURN_OK);
    for (size_t i = 0; i < 40; i++) {
        double row[3] = {i % 7 == 3 ? NAN : (double)(i * i % 23) * 0.37,
                         (double)(i % 5) + 1e-3 * (double)i, NAN};
        if (i % 9 != 4)
            assert_int_equal(churn_dataset_level_code(ds, 2,
                                                      plans[i * 7 % 11 % 4],
                                                      &row[2], NULL),
                             CHURN_OK);
        assert_int_equal(churn_dataset_add_row(ds, NULL, row, i % 2, NULL),
                         CHURN_OK);
    }
    return ds;
}

static void test_transformed_training_rows_are_standard(void **state)
{
    (void)state;
    churn_dataset *ds = mixed_dataset();
    churn__pipeline *p = fit_all(ds);
    size_t n = churn_dataset_n_rows(ds), d = churn__pipeline_n_outputs(p);
    /* spend, spend_missing, logins, and four plan levels. */
    assert_int_equal(d, 7);
    double sum[7] = {0}, sum_sq[7] = {0}, out[7];
    for (size_t i = 0; i < n; i++) {
        transform_row(p, ds, i, out);
        for (size_t k = 0; k < d; k++)
            sum[k] += out[k];
    }
    for (size_t i = 0; i < n; i++) {
        transform_row(p, ds, i, out);
        for (size_t k = 0; k < d; k++) {
            double dev = out[k] - sum[k] / (double)n;
            sum_sq[k] += dev * dev;
        }
    }
    for (size_t k = 0; k < d; k++) {
        assert_near(sum[k] / (double)n, 0, 1e-14);
        assert_near(sqrt(sum_sq[k] / (double)n), 1, 1e-14);
    }
    churn__pipeline_free(p);
    churn_dataset_free(ds);
}

static void test_constant_and_never_observed_columns(void **state)
{
    (void)state;
    const char *cols[] = {"flat", "gone", "@one"};
    const char *cells[] = {"0.1", NULL, "x", "0.1", NULL, "x",
                           "0.1", NULL, "x"};
    churn_dataset *ds = tu_dataset_rows(3, cols, 3, cells);
    churn__pipeline *p = fit_all(ds);
    /* flat; gone and gone_missing, kept though constant; one=x. */
    assert_int_equal(churn__pipeline_n_outputs(p), 4);
    assert_string_equal(churn__pipeline_output_name(p, 2), "gone_missing");
    assert_scaling(p, 0, 0.1, 1);
    assert_scaling(p, 3, 1, 1);
    double out[4];
    for (size_t i = 0; i < 3; i++) {
        transform_row(p, ds, i, out);
        for (size_t k = 0; k < 4; k++)
            assert_true(out[k] == 0.0);
    }
    /* A value for "gone" at scoring time is ignored: training never saw
     * one, so the row is treated as missing like every training row. */
    const double raw[] = {0.1, 5, 0};
    churn__pipeline_transform(p, raw, out);
    assert_true(out[1] == 0.0 && out[2] == 0.0);
    churn__pipeline_free(p);
    churn_dataset_free(ds);
}

static void test_fit_on_subset_ignores_held_out_rows(void **state)
{
    (void)state;
    /* Row 4 holds a huge value, the only "solo" level and the only missing
     * "full" value; fitting on rows 0..3 must equal fitting on a dataset
     * of rows 0..3 alone. */
    const char *cols[] = {"num", "@cat", "full"};
    const char *cells[] = {"1",   "a",    "5",  "2", "b", "6",
                           "4",   "a",    "7",  NULL, "b", "8",
                           "1e6", "solo", NULL};
    churn_dataset *all = tu_dataset_rows(3, cols, 5, cells);
    churn_dataset *head = tu_dataset_rows(3, cols, 4, cells);
    const size_t rows[] = {0, 1, 2, 3};
    churn__pipeline *p, *q = fit_all(head);
    assert_int_equal(churn__pipeline_fit(all, rows, 4, &p, NULL), CHURN_OK);
    size_t d = churn__pipeline_n_outputs(p);
    assert_int_equal(d, churn__pipeline_n_outputs(q));
    assert_int_equal(d, 5); /* num, num_missing, cat=a, cat=b, full */
    assert_int_equal(churn__pipeline_n_levels(p, 1), 2);
    for (size_t k = 0; k < d; k++) {
        double c1, s1, c2, s2;
        churn__pipeline_output_scaling(p, k, &c1, &s1);
        churn__pipeline_output_scaling(q, k, &c2, &s2);
        assert_string_equal(churn__pipeline_output_name(p, k),
                            churn__pipeline_output_name(q, k));
        assert_true(c1 == c2 && s1 == s2);
    }
    churn__pipeline_free(p);
    /* Bad row lists. */
    churn_error err;
    const size_t bad[] = {0, 5};
    assert_int_equal(churn__pipeline_fit(all, bad, 2, &p, &err),
                     CHURN_EINVAL);
    assert_null(p);
    assert_string_equal(err.message, "training row 5 out of range (5 rows)");
    assert_int_equal(churn__pipeline_fit(all, rows, 0, &p, &err),
                     CHURN_EEMPTY);
    churn__pipeline_free(q);
    churn_dataset_free(all);
    churn_dataset_free(head);
}

/* Many rows, known answers exact in binary: a large offset (a one-pass
 * sum of squares would cancel every digit of the variance), a column
 * whose mean is 0 (any bias of the mean shows in full), and a constant
 * column with missing values (imputed with itself: center exact, scale
 * 1, so every row transforms to exactly 0). */
static void test_many_rows_known_moments(void **state)
{
    (void)state;
    enum { N = 100000 };
    churn_dataset *ds = churn_dataset_new(3);
    const char *names[] = {"offset", "centered", "constant"};
    for (size_t j = 0; j < 3; j++)
        assert_int_equal(churn_dataset_set_column(ds, j, names[j],
                                                  CHURN_NUMERIC, NULL),
                         CHURN_OK);
    for (size_t i = 0; i < N; i++) {
        double row[3] = {1e9 + (double)(i % 2),
                         (double)(i % 10) * 0.25 - 1.125,
                         i % 5 == 0 ? NAN : 7.0};
        char id[16];
        snprintf(id, sizeof id, "r%zu", i);
        assert_int_equal(churn_dataset_add_row(ds, id, row, 0, NULL),
                         CHURN_OK);
    }
    churn__pipeline *p = fit_all(ds);
    assert_int_equal(churn__pipeline_n_outputs(p), 4);
    assert_scaling(p, 0, 1e9 + 0.5, 0.5);
    double c, s;
    churn__pipeline_output_scaling(p, 1, &c, &s);
    /* mean of (k - 4.5) / 4 over k = 0..9 is 0; variance 8.25 / 16 */
    assert_near(c, 0, 1e-17);
    assert_near(s, sqrt(8.25 / 16), 1e-15);
    churn__pipeline_output_scaling(p, 2, &c, &s);
    assert_true(c == 7.0 && s == 1.0);
    assert_scaling(p, 3, 0.2, 0.4); /* the indicator: q = 1/5 */
    double out[4];
    transform_row(p, ds, 0, out);
    assert_true(out[2] == 0.0);
    churn__pipeline_free(p);
    churn_dataset_free(ds);
}

static void test_fit_errors(void **state)
{
    (void)state;
    churn_error err;
    churn__pipeline *p;
    churn_dataset *ds = churn_dataset_new(1);
    assert_int_equal(churn_dataset_set_column(ds, 0, "x", CHURN_NUMERIC,
                                              NULL), CHURN_OK);
    assert_int_equal(churn__pipeline_fit(ds, NULL, 0, &p, &err),
                     CHURN_EEMPTY);
    const double inf = INFINITY;
    assert_int_equal(churn_dataset_add_row(ds, "c7", &inf, 0, NULL),
                     CHURN_OK);
    assert_int_equal(churn__pipeline_fit(ds, NULL, 0, &p, &err),
                     CHURN_EINVAL);
    assert_string_equal(err.message, "column 'x', row 'c7': infinite value");
    churn_dataset_free(ds);
    /* Values farther from their mean (-0.57e308) than the largest double
     * cannot be standardized. */
    const char *cols[] = {"big"};
    const char *cells[] = {"1.7e308", "-1.7e308", "-1.7e308"};
    ds = tu_dataset_rows(1, cols, 3, cells);
    assert_int_equal(churn__pipeline_fit(ds, NULL, 0, &p, &err),
                     CHURN_ENUMERIC);
    assert_string_equal(err.message,
                        "column 'big': values too large to standardize");
    churn_dataset_free(ds);
    /* A category code that is not a level of the dataset. */
    ds = churn_dataset_new(1);
    assert_int_equal(churn_dataset_set_column(ds, 0, "c", CHURN_CATEGORICAL,
                                              NULL), CHURN_OK);
    const double code = 2;
    assert_int_equal(churn_dataset_add_row(ds, "r1", &code, 0, NULL),
                     CHURN_OK);
    assert_int_equal(churn__pipeline_fit(ds, NULL, 0, &p, &err),
                     CHURN_EINVAL);
    assert_string_equal(err.message,
                        "column 'c', row 'r1': 2 is not a level code");
    churn_dataset_free(ds);
    ds = churn_dataset_new(0);
    assert_int_equal(churn__pipeline_fit(ds, NULL, 0, &p, &err),
                     CHURN_EEMPTY);
    churn_dataset_free(ds);
}

/* ------------------------------------------------------------- binding */

static void test_bind_reordered_and_recoded(void **state)
{
    (void)state;
    const char *cols_a[] = {"tenure", "@plan", "@region"};
    const char *cells_a[] = {"3", "basic", "north", "12", "pro", "south",
                             NULL, "pro", NULL, "7", NULL, "east"};
    churn_dataset *a = tu_dataset_rows(3, cols_a, 4, cells_a);
    /* The same rows with columns reordered, an extra column, levels
     * registered in another order, and a region the model never saw. */
    const char *cols_b[] = {"@region", "extra", "@plan", "tenure"};
    const char *cells_b[] = {"north", "0", "basic", "3",
                             "south", "0", "pro", "12",
                             NULL, "0", "pro", NULL,
                             "east", "0", NULL, "7",
                             "mars", "1", "basic", "3"};
    churn_dataset *b = tu_dataset(4, cols_b);
    const char *regions[] = {"mars", "east", "south", "north"};
    const char *plans[] = {"pro", "enterprise", "basic"};
    tu_add_levels(b, 0, regions, 4);
    tu_add_levels(b, 2, plans, 3);
    tu_add_rows(b, 5, cells_b);
    churn__pipeline *p = fit_all(a);
    size_t d = churn__pipeline_n_outputs(p);
    double out_a[16], out_b[16];
    for (size_t i = 0; i < 4; i++) {
        transform_row(p, a, i, out_a);
        transform_row(p, b, i, out_b);
        assert_memory_equal(out_a, out_b, d * sizeof(double));
    }
    /* "mars" is unknown: the same as a missing region. */
    churn__binding *bb;
    double raw[3];
    assert_int_equal(churn__pipeline_bind(p, b, &bb, NULL), CHURN_OK);
    churn__binding_row(bb, b, 4, raw);
    assert_true(raw[0] == 3 && raw[1] == 0 && raw[2] == -1);
    churn__binding_free(bb);
    const double known[] = {3, 0, NAN};
    churn__pipeline_transform(p, raw, out_b);
    churn__pipeline_transform(p, known, out_a);
    assert_memory_equal(out_a, out_b, d * sizeof(double));
    churn__pipeline_free(p);
    churn_dataset_free(a);
    churn_dataset_free(b);
}

static void test_bind_errors(void **state)
{
    (void)state;
    const char *cols[] = {"tenure", "@plan", "@region"};
    const char *cells[] = {"3", "basic", "north"};
    churn_dataset *train = tu_dataset_rows(3, cols, 1, cells);
    churn__pipeline *p = fit_all(train);
    churn__binding *b = NULL;
    churn_error err;
    const char *lacking[] = {"@region", "other"};
    churn_dataset *ds = tu_dataset_rows(2, lacking, 0, NULL);
    assert_int_equal(churn__pipeline_bind(p, ds, &b, &err), CHURN_EFORMAT);
    assert_null(b);
    assert_string_equal(err.message, "missing column(s): tenure, plan");
    churn_dataset_free(ds);
    const char *kinds[] = {"@tenure", "@plan", "@region"};
    ds = tu_dataset_rows(3, kinds, 0, NULL);
    assert_int_equal(churn__pipeline_bind(p, ds, &b, &err), CHURN_EFORMAT);
    assert_string_equal(err.message, "column 'tenure' is categorical in the "
                                     "data but numeric in the model");
    churn_dataset_free(ds);
    const char *kinds2[] = {"tenure", "plan", "@region"};
    ds = tu_dataset_rows(3, kinds2, 0, NULL);
    assert_int_equal(churn__pipeline_bind(p, ds, &b, &err), CHURN_EFORMAT);
    assert_string_equal(err.message, "column 'plan' is numeric in the "
                                     "data but categorical in the model");
    churn_dataset_free(ds);
    churn__pipeline_free(p);
    churn_dataset_free(train);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_medians_indicators_and_scaling),
        cmocka_unit_test(test_tiny_and_huge_values_standardize),
        cmocka_unit_test(test_one_hot_names_order_unknown),
        cmocka_unit_test(test_transformed_training_rows_are_standard),
        cmocka_unit_test(test_constant_and_never_observed_columns),
        cmocka_unit_test(test_fit_on_subset_ignores_held_out_rows),
        cmocka_unit_test(test_many_rows_known_moments),
        cmocka_unit_test(test_fit_errors),
        cmocka_unit_test(test_bind_reordered_and_recoded),
        cmocka_unit_test(test_bind_errors),
    };
    return cmocka_run_group_tests_name("pipeline", tests, NULL, NULL);
}

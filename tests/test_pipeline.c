/* test_pipeline.c - the preprocessing pipeline: medians, indicators,
 * one-hot outputs, standardization, fitting on a subset, binding to other
 * layouts, and the model-file section's round trip and errors. */
#include "testutil.h"

#include "pipeline.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------- helpers */

/* A dataset from text: cols names the columns ("@name" = categorical);
 * cells holds n_rows x n_cols cells row-major, NULL = missing, numbers
 * read with strtod, categories added as levels in order of appearance. */
static churn_dataset *make_dataset(size_t n_cols, const char *const *cols,
                                   size_t n_rows, const char *const *cells)
{
    churn_dataset *ds = churn_dataset_new(n_cols);
    assert_non_null(ds);
    for (size_t j = 0; j < n_cols; j++) {
        int cat = cols[j][0] == '@';
        assert_int_equal(churn_dataset_set_column(
                             ds, j, cols[j] + cat,
                             cat ? CHURN_CATEGORICAL : CHURN_NUMERIC, NULL),
                         CHURN_OK);
    }
    double row[16];
    assert_true(n_cols <= 16);
    for (size_t i = 0; i < n_rows; i++) {
        for (size_t j = 0; j < n_cols; j++) {
            const char *cell = cells[i * n_cols + j];
            if (!cell)
                row[j] = NAN;
            else if (cols[j][0] == '@')
                assert_int_equal(
                    churn_dataset_level_code(ds, j, cell, &row[j], NULL),
                    CHURN_OK);
            else
                row[j] = strtod(cell, NULL);
        }
        assert_int_equal(churn_dataset_add_row(ds, NULL, row, NAN, NULL),
                         CHURN_OK);
    }
    return ds;
}

/* Adds levels to categorical column j before any row uses them, so that
 * the dataset's codes differ from the order rows show them in. */
static void add_levels(churn_dataset *ds, size_t j, const char *const *texts,
                       size_t n)
{
    for (size_t k = 0; k < n; k++) {
        double code;
        assert_int_equal(churn_dataset_level_code(ds, j, texts[k], &code,
                                                  NULL),
                         CHURN_OK);
        assert_true(code == (double)k);
    }
}

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

/* The section p writes, in new memory. */
static char *write_text(const churn__pipeline *p, size_t *len)
{
    char *text = NULL;
    FILE *f = open_memstream(&text, len);
    assert_non_null(f);
    assert_int_equal(churn__pipeline_write(p, f), CHURN_OK);
    assert_int_equal(fclose(f), 0);
    return text;
}

/* A line reader over a writable copy of text. */
static churn__lines lines_over(const char *text)
{
    churn__lines r = {0};
    r.path = "m.model";
    r.len = strlen(text);
    r.buf = malloc(r.len + 1);
    assert_non_null(r.buf);
    memcpy(r.buf, text, r.len + 1);
    return r;
}

/* Reads a pipeline from text; returns the status, err filled. */
static int read_text(const char *text, churn__pipeline **out,
                     churn_error *err)
{
    churn__lines r = lines_over(text);
    int rc = churn__pipeline_read(&r, out, err);
    free(r.buf);
    return rc;
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
    churn_dataset *ds = make_dataset(2, cols, 4, cells);
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
    churn_dataset *ds = make_dataset(2, cols, 2, cells);
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
    const char *levels[] = {"unused", "pro", "basic", "team"};
    churn_dataset *ds = churn_dataset_new(1);
    assert_int_equal(churn_dataset_set_column(ds, 0, "plan",
                                              CHURN_CATEGORICAL, NULL),
                     CHURN_OK);
    add_levels(ds, 0, levels, 4);
    const double codes[] = {2, 1, 2, 3, NAN};
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(churn_dataset_add_row(ds, NULL, &codes[i], 0, NULL),
                         CHURN_OK);
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
    churn_dataset *ds = make_dataset(3, cols, 3, cells);
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
    churn_dataset *all = make_dataset(3, cols, 5, cells);
    churn_dataset *head = make_dataset(3, cols, 4, cells);
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
    ds = make_dataset(1, cols, 3, cells);
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
    churn_dataset *a = make_dataset(3, cols_a, 4, cells_a);
    /* The same rows with columns reordered, an extra column, levels
     * registered in another order, and a region the model never saw. */
    const char *cols_b[] = {"@region", "extra", "@plan", "tenure"};
    const char *cells_b[] = {"north", "0", "basic", "3",
                             "south", "0", "pro", "12",
                             NULL, "0", "pro", NULL,
                             "east", "0", NULL, "7",
                             "mars", "1", "basic", "3"};
    churn_dataset *b = churn_dataset_new(4);
    for (size_t j = 0; j < 4; j++)
        assert_int_equal(
            churn_dataset_set_column(b, j, cols_b[j] + (cols_b[j][0] == '@'),
                                     cols_b[j][0] == '@' ? CHURN_CATEGORICAL
                                                         : CHURN_NUMERIC,
                                     NULL),
            CHURN_OK);
    const char *regions[] = {"mars", "east", "south", "north"};
    const char *plans[] = {"pro", "enterprise", "basic"};
    add_levels(b, 0, regions, 4);
    add_levels(b, 2, plans, 3);
    for (size_t i = 0; i < 5; i++) {
        double row[4];
        for (size_t j = 0; j < 4; j++) {
            const char *cell = cells_b[i * 4 + j];
            if (!cell)
                row[j] = NAN;
            else if (j == 0 || j == 2)
                churn_dataset_level_code(b, j, cell, &row[j], NULL);
            else
                row[j] = strtod(cell, NULL);
        }
        assert_int_equal(churn_dataset_add_row(b, NULL, row, 0, NULL),
                         CHURN_OK);
    }
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
    churn_dataset *train = make_dataset(3, cols, 1, cells);
    churn__pipeline *p = fit_all(train);
    churn__binding *b = NULL;
    churn_error err;
    const char *lacking[] = {"@region", "other"};
    churn_dataset *ds = make_dataset(2, lacking, 0, NULL);
    assert_int_equal(churn__pipeline_bind(p, ds, &b, &err), CHURN_EFORMAT);
    assert_null(b);
    assert_string_equal(err.message, "missing column(s): tenure, plan");
    churn_dataset_free(ds);
    const char *kinds[] = {"@tenure", "@plan", "@region"};
    ds = make_dataset(3, kinds, 0, NULL);
    assert_int_equal(churn__pipeline_bind(p, ds, &b, &err), CHURN_EFORMAT);
    assert_string_equal(err.message, "column 'tenure' is categorical in the "
                                     "data but numeric in the model");
    churn_dataset_free(ds);
    const char *kinds2[] = {"tenure", "plan", "@region"};
    ds = make_dataset(3, kinds2, 0, NULL);
    assert_int_equal(churn__pipeline_bind(p, ds, &b, &err), CHURN_EFORMAT);
    assert_string_equal(err.message, "column 'plan' is numeric in the "
                                     "data but categorical in the model");
    churn_dataset_free(ds);
    churn__pipeline_free(p);
    churn_dataset_free(train);
}

/* ------------------------------------------------------- serialization */

static void test_write_read_is_bit_identical(void **state)
{
    (void)state;
    const char *cols[] = {"monthly fee, USD", "50% off",
                          "@r\xC3\xA9gion \xC3\xA9t\xC3\xA9"};
    const char *cells[] = {"0.1",    "1e-300", "x,y",
                           "1e-300", "2e-300", "100%",
                           NULL,     "0.1",    "\xC3\xA9 \xC3\xBC",
                           "3",      "0.3",    "",
                           "0.7",    "1e-300", NULL,
                           "0.1",    "7",      "a b"};
    churn_dataset *ds = make_dataset(3, cols, 6, cells);
    churn__pipeline *p = fit_all(ds);
    size_t len;
    char *text = write_text(p, &len);
    churn__pipeline *q;
    churn_error err;
    if (read_text(text, &q, &err) != CHURN_OK)
        fail_msg("read: %s", err.message);
    size_t d = churn__pipeline_n_outputs(p);
    assert_int_equal(churn__pipeline_n_inputs(q), 3);
    assert_int_equal(churn__pipeline_n_outputs(q), d);
    for (size_t j = 0; j < 3; j++) {
        assert_string_equal(churn__pipeline_input_name(q, j), cols[j] +
                            (cols[j][0] == '@'));
        assert_int_equal(churn__pipeline_input_kind(q, j),
                         churn__pipeline_input_kind(p, j));
    }
    assert_int_equal(churn__pipeline_n_levels(q, 2), 5);
    assert_string_equal(churn__pipeline_level(q, 2, 3), "");
    assert_string_equal(churn__pipeline_level(q, 2, 2), "\xC3\xA9 \xC3\xBC");
    for (size_t k = 0; k < d; k++) {
        double cp, sp, cq, sq;
        churn__pipeline_output_scaling(p, k, &cp, &sp);
        churn__pipeline_output_scaling(q, k, &cq, &sq);
        assert_memory_equal(&cp, &cq, sizeof cp);
        assert_memory_equal(&sp, &sq, sizeof sp);
        assert_string_equal(churn__pipeline_output_name(p, k),
                            churn__pipeline_output_name(q, k));
    }
    /* Every training row, and rows with missing and unknown values. */
    double out_p[16], out_q[16], raw[3];
    churn__binding *b;
    assert_int_equal(churn__pipeline_bind(q, ds, &b, NULL), CHURN_OK);
    for (size_t i = 0; i < 8; i++) {
        if (i < 6) {
            churn__binding_row(b, ds, i, raw);
        } else {
            raw[0] = i == 6 ? NAN : 0.1;
            raw[1] = i == 6 ? NAN : 1e-300;
            raw[2] = i == 6 ? NAN : 99;
        }
        churn__pipeline_transform(p, raw, out_p);
        churn__pipeline_transform(q, raw, out_q);
        assert_memory_equal(out_p, out_q, d * sizeof(double));
    }
    churn__binding_free(b);
    /* Writing what was read gives the same text. */
    size_t len2;
    char *again = write_text(q, &len2);
    assert_int_equal(len, len2);
    assert_memory_equal(text, again, len);
    free(again);
    free(text);
    churn__pipeline_free(p);
    churn__pipeline_free(q);
    churn_dataset_free(ds);
}

/* A section written by hand: age (median 2, some missing) and plan. */
static const char good[] = "pipeline 2 4\n"
                           "numeric age 2 some\n"
                           "categorical plan 2\n"
                           "level basic\n"
                           "level pro\n"
                           "output age 2 1.5\n"
                           "output age_missing 0.25 0.5\n"
                           "output plan=basic 0.5 0.5\n"
                           "output plan=pro 0.5 0.5\n"
                           "end pipeline\n"
                           "next section\n";

static void test_read_hand_written_section(void **state)
{
    (void)state;
    churn__lines r = lines_over(good);
    churn__pipeline *p;
    churn_error err;
    assert_int_equal(churn__pipeline_read(&r, &p, &err), CHURN_OK);
    /* The reader stops after "end pipeline". */
    assert_int_equal(churn__lines_next(&r, "more", &err), CHURN_OK);
    assert_string_equal(r.cur, "next section");
    free(r.buf);
    /* age missing -> 2: (2 - 2) / 1.5 = 0, indicator (1 - 0.25) / 0.5 =
     * 1.5; plan pro: basic (0 - 0.5) / 0.5 = -1, pro 1. */
    const double raw1[] = {NAN, 1}, raw2[] = {5, 0};
    double out[4];
    churn__pipeline_transform(p, raw1, out);
    assert_true(out[0] == 0 && out[1] == 1.5 && out[2] == -1 && out[3] == 1);
    /* age 5: (5 - 2) / 1.5 = 2, indicator (0 - 0.25) / 0.5 = -0.5. */
    churn__pipeline_transform(p, raw2, out);
    assert_true(out[0] == 2 && out[1] == -0.5 && out[2] == 1 &&
                out[3] == -1);
    churn__pipeline_free(p);
}

/* good with the first occurrence of from replaced by to. */
static char *edited(const char *from, const char *to)
{
    const char *at = strstr(good, from);
    assert_non_null(at);
    size_t head = (size_t)(at - good), nf = strlen(from), nt = strlen(to);
    char *s = malloc(sizeof good + nt);
    assert_non_null(s);
    memcpy(s, good, head);
    memcpy(s + head, to, nt);
    memcpy(s + head + nt, at + nf, sizeof good - head - nf);
    return s;
}

static void test_read_errors_name_line_and_column(void **state)
{
    (void)state;
    static const struct {
        const char *from, *to;
        size_t line, column;
        const char *message;
    } cases[] = {
        {"pipeline 2 4", "pipeline 2 5", 1, 12,
         "m.model:1:12: 5 outputs declared, the inputs make 4"},
        {"pipeline 2 4", "pipeline 0 4", 1, 10,
         "m.model:1:10: a pipeline needs at least one input"},
        {"pipeline 2 4", "pipeline 99999999999 4", 1, 10,
         "m.model:1:10: count 99999999999 larger than the file"},
        {"pipeline 2 4", "pipeline 2 -4", 1, 12,
         "m.model:1:12: '-4' is not a count"},
        {"numeric age", "numerical age", 2, 1,
         "m.model:2:1: expected 'numeric' or 'categorical', found "
         "'numerical'"},
        {"age 2 some", "age 2 sometimes", 2, 15,
         "m.model:2:15: expected 'none', 'some' or 'all', found "
         "'sometimes'"},
        {"age 2 some", "age 2", 2, 14, "m.model:2:14: expected a name"},
        {"age 2 some", "age 2 some x", 2, 20,
         "m.model:2:20: unexpected 'x' at end of line"},
        {"plan 2", "plan 3", 6, 1,
         "m.model:6:1: expected 'level', found 'output'"},
        {"level pro", "level basic", 5, 7,
         "m.model:5:7: duplicate level 'basic'"},
        {"age 2 1.5", "age 2 1.5x", 6, 14,
         "m.model:6:14: '1.5x' is not a number"},
        {"age 2 1.5", "age nan 1.5", 6, 12,
         "m.model:6:12: expected a finite number"},
        {"0.25 0.5", "0.25 0", 7, 25,
         "m.model:7:25: expected a finite number > 0"},
        {"plan=pro", "plan=max", 9, 8,
         "m.model:9:8: expected output 'plan=pro', found 'plan=max'"},
        {"end pipeline", "end pipeline x", 10, 14,
         "m.model:10:14: unexpected 'x' at end of line"},
        {"end pipeline\n", "", 10, 1,
         "m.model:10:1: expected 'end', found 'next'"},
        {"output plan=pro 0.5 0.5\nend pipeline\nnext section\n", "", 9, 0,
         "m.model:9: unexpected end of file (expected an output)"},
    };
    for (size_t t = 0; t < sizeof cases / sizeof cases[0]; t++) {
        char *text = edited(cases[t].from, cases[t].to);
        /* Not NULL before, so that assert_null checks the reader. */
        static char sentinel;
        churn__pipeline *p = (churn__pipeline *)(void *)&sentinel;
        churn_error err;
        assert_int_equal(read_text(text, &p, &err), CHURN_EFORMAT);
        assert_null(p);
        assert_string_equal(err.message, cases[t].message);
        assert_int_equal(err.line, cases[t].line);
        assert_int_equal(err.column, cases[t].column);
        free(text);
    }
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
        cmocka_unit_test(test_fit_errors),
        cmocka_unit_test(test_bind_reordered_and_recoded),
        cmocka_unit_test(test_bind_errors),
        cmocka_unit_test(test_write_read_is_bit_identical),
        cmocka_unit_test(test_read_hand_written_section),
        cmocka_unit_test(test_read_errors_name_line_and_column),
    };
    return cmocka_run_group_tests_name("pipeline", tests, NULL, NULL);
}

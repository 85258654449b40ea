/* test_synth_table.c - the generator's numeric tables (churn_synth_table):
 * shape, determinism, labels drawn from the documented model, errors. */
#include "testutil.h"

#include "ml/internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *table_path(const char *name)
{
    static char paths[4][512];
    static int next;
    char *path = paths[next++ & 3];
    snprintf(path, sizeof paths[0], "%s/%s", tu_tmpdir(), name);
    return path;
}

static void write_table(uint64_t seed, size_t rows, size_t d,
                        const char *path)
{
    churn_synth_opts *o = churn_synth_opts_new();
    assert_non_null(o);
    churn_synth_opts_set_seed(o, seed);
    churn_error err;
    int rc = churn_synth_table(o, rows, d, path, &err);
    if (rc != CHURN_OK)
        fail_msg("table: %s", err.message);
    churn_synth_opts_free(o);
}

static churn_dataset *read_table(const char *path)
{
    churn_csv_opts *o = churn_csv_opts_new();
    churn_dataset *ds = NULL;
    churn_error err;
    assert_int_equal(churn_csv_opts_set_label_column(o, "churned"),
                     CHURN_OK);
    if (churn_dataset_read_csv(path, o, &ds, &err) != CHURN_OK)
        fail_msg("read: %s", err.message);
    churn_csv_opts_free(o);
    return ds;
}

/* The model of docs/SYNTH.md, written out again from the document. */
static double documented_log_odds(const churn_dataset *ds, size_t i,
                                  size_t d, int linear_only)
{
    double x[16], f = -1.2;
    for (size_t j = 0; j < d; j++) {
        x[j] = churn_dataset_value(ds, i, j);
        f += (j % 2 == 0 ? 0.9 : -0.9) / sqrt((double)j + 1) * x[j];
    }
    if (linear_only)
        return f;
    return f + 0.8 * (x[1] * x[1] - 1) + 1.0 * x[2] * x[3] +
           (x[4] > 1 ? 1.5 : 0);
}

static void test_shape_and_determinism(void **state)
{
    (void)state;
    const char *a = table_path("a.csv"), *b = table_path("b.csv"),
               *c = table_path("c.csv");
    write_table(5, 200, 6, a);
    write_table(5, 200, 6, b);
    write_table(6, 200, 6, c);
    size_t la, lb, lc;
    char *ta = tu_read_file(a, &la), *tb = tu_read_file(b, &lb),
         *tc = tu_read_file(c, &lc);
    assert_true(la == lb && memcmp(ta, tb, la) == 0);
    assert_false(la == lc && memcmp(ta, tc, la) == 0);
    assert_memory_equal(ta, "customer_id,x1,x2,x3,x4,x5,x6,churned\nt001,",
                        42);
    churn_dataset *ds = read_table(a);
    assert_int_equal(churn_dataset_n_rows(ds), 200);
    assert_int_equal(churn_dataset_n_cols(ds), 6);
    assert_string_equal(churn_dataset_column_name(ds, 5), "x6");
    assert_string_equal(churn_dataset_id(ds, 199), "t200");
    for (size_t i = 0; i < 200; i++)
        for (size_t j = 0; j < 6; j++) {
            double v = churn_dataset_value(ds, i, j) * 1e4;
            assert_true(fabs(v - nearbyint(v)) < 1e-6); /* 4 decimals */
        }
    churn_dataset_free(ds);
    free(ta);
    free(tb);
    free(tc);
}

/* Observed churners against the sum of the model's probabilities over a
 * set of rows: a z-score (sum of Bernoulli(p_i) has variance sum p(1-p)). */
static double z_score(const churn_dataset *ds, size_t d, int linear_only,
                      int only_extreme_x2)
{
    double churned = 0, sum_p = 0, sum_var = 0;
    for (size_t i = 0; i < churn_dataset_n_rows(ds); i++) {
        if (only_extreme_x2 && fabs(churn_dataset_value(ds, i, 1)) < 1.5)
            continue;
        double p = 1 / (1 + exp(-documented_log_odds(ds, i, d,
                                                     linear_only)));
        sum_p += p;
        sum_var += p * (1 - p);
        churned += churn_dataset_label(ds, i);
    }
    return (churned - sum_p) / sqrt(sum_var);
}

/* The labels follow the documented model, its nonlinear part included:
 * among rows with |x2| >= 1.5 (where the U-shaped term is large) the full
 * model's expected churners match, the linear part's alone fall short. */
static void test_labels_follow_the_model(void **state)
{
    (void)state;
    const char *path = table_path("model.csv");
    write_table(11, 20000, 6, path);
    churn_dataset *ds = read_table(path);
    assert_true(fabs(z_score(ds, 6, 0, 0)) < 4);
    assert_true(fabs(z_score(ds, 6, 0, 1)) < 4);
    assert_true(z_score(ds, 6, 1, 1) > 6);
    churn_dataset_free(ds);
}

static void test_errors(void **state)
{
    (void)state;
    churn_synth_opts *o = churn_synth_opts_new();
    churn_error err;
    const char *path = table_path("never.csv");
    assert_int_equal(churn_synth_table(o, 0, 5, path, &err), CHURN_EINVAL);
    assert_int_equal(churn_synth_table(o, 5, 0, path, &err), CHURN_EINVAL);
    assert_int_equal(churn_synth_table(o, 5, 10001, path, &err),
                     CHURN_EINVAL);
    assert_int_equal(churn_synth_table(NULL, 5, 5, path, &err),
                     CHURN_EINVAL);
    assert_int_equal(churn_synth_table(o, 5, 5, "", &err), CHURN_EINVAL);
    const char *bad = table_path("no-such-folder/t.csv");
    assert_int_equal(churn_synth_table(o, 5, 5, bad, &err), CHURN_EIO);
    assert_non_null(strstr(err.file, "no-such-folder/t.csv"));
    churn_synth_opts_free(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shape_and_determinism),
        cmocka_unit_test(test_labels_follow_the_model),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

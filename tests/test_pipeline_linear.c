/* test_pipeline_linear.c - the fused pipeline + linear function
 * (churn__pipeline_linear, churn_model_predict's path for linear models)
 * gives, at every vector width and for every row count, the very bits of
 * churn__pipeline_transform followed by a plain dot product in output
 * order: every kind of input (numeric always seen, sometimes missing,
 * never observed, kept as NaN; categorical) and odd raw values (NaN,
 * unknown, fractional and negative codes, -0.0, infinities). */
#include "testutil.h"
#include "tu_dataset.h"

#include "ml/pipeline.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Columns: always seen, sometimes missing, never observed, categorical
 * with three levels, and another numeric one. */
#define N_IN 5
#define MAX_ROWS 37

static churn__pipeline *fit(int keep_missing)
{
    const char *cols[N_IN] = {"seen", "gappy", "gone", "@plan", "spend"};
    const char *cells[] = {
        "1.5", "2",  NULL, "basic", "10",  "-3",  NULL, NULL, "plus", "0.25",
        "0.7", "8",  NULL, "pro",   "1e3", "2.25", "5", NULL, "basic", "-7",
        "11",  NULL, NULL, "plus",  "3"};
    churn_dataset *ds = tu_dataset_rows(N_IN, cols, 5, cells);
    churn__pipeline_opts opts = {keep_missing, 1};
    churn__pipeline *p = NULL;
    churn_error err;
    if (churn__pipeline_fit_opts(ds, NULL, 0, NULL, &opts, &p, &err) !=
        CHURN_OK)
        fail_msg("fit: %s", err.message);
    churn_dataset_free(ds);
    return p;
}

/* A deterministic uniform in [0, 1). */
static double uniform(uint64_t *s)
{
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(*s >> 11) / 9007199254740992.0;
}

/* MAX_ROWS raw rows: mostly ordinary values, with NaN, infinities, -0.0
 * and codes that are no level (-1, 3, 1.5, NaN) mixed in. */
static void make_rows(double *x)
{
    static const double odd[] = {NAN, -0.0, INFINITY, -INFINITY, 1e300};
    static const double codes[] = {0, 1, 2, -0.0, -1, 3, 1.5, NAN};
    uint64_t s = 7;
    for (size_t r = 0; r < MAX_ROWS; r++)
        for (size_t j = 0; j < N_IN; j++) {
            double u = uniform(&s);
            double *v = &x[r * N_IN + j];
            if (j == 3)
                *v = codes[(size_t)(u * 8)];
            else if (u < 0.25)
                *v = odd[(size_t)(u * 20)];
            else
                *v = 20 * u - 8;
        }
}

/* The reference: transform, then b + w[0] z[0] + w[1] z[1] + ... */
static double reference(const churn__pipeline *p, const double *raw,
                        const double *w, double b)
{
    double z[32];
    assert_true(churn__pipeline_n_outputs(p) <= 32);
    churn__pipeline_transform(p, raw, z);
    double sum = b;
    for (size_t k = 0; k < churn__pipeline_n_outputs(p); k++)
        sum += w[k] * z[k];
    return sum;
}

static void check_pipeline(int keep_missing)
{
    churn__pipeline *p = fit(keep_missing);
    size_t n_out = churn__pipeline_n_outputs(p);
    /* seen; gappy, gappy_missing (none when kept); gone, gone_missing
     * (gone alone when kept); plan=basic, plus, pro; spend. */
    assert_int_equal(n_out, keep_missing ? 7 : 9);
    double w[32], x[MAX_ROWS * N_IN], want[MAX_ROWS], got[MAX_ROWS + 1];
    uint64_t s = 3;
    for (size_t k = 0; k < n_out; k++)
        w[k] = uniform(&s) * 4 - 2;
    double b = -0.37;
    make_rows(x);
    for (size_t r = 0; r < MAX_ROWS; r++)
        want[r] = reference(p, x + r * N_IN, w, b);
    size_t widths[] = {2, 4, 8}, tried = 0;
    for (size_t i = 0; i < 3; i++)
        /* Every row count up to MAX_ROWS: full groups and every tail. */
        for (size_t n = 0; n <= MAX_ROWS; n++) {
            got[n] = 12345; /* must stay: n rows written, no more */
            if (!churn__pipeline_linear_lanes(p, x, N_IN, n, w, b, got,
                                              widths[i]))
                break;
            tried += n == 0;
            assert_memory_equal(got, want, n * sizeof *got);
            assert_true(got[n] == 12345);
        }
    assert_true(tried >= 1); /* 2 lanes exist everywhere */
    churn__pipeline_linear(p, x, N_IN, MAX_ROWS, w, b, got);
    assert_memory_equal(got, want, sizeof want);
    churn__pipeline_free(p);
}

static void test_imputed_pipeline_same_bits(void **state)
{
    (void)state;
    check_pipeline(0);
}

static void test_kept_missing_pipeline_same_bits(void **state)
{
    (void)state;
    check_pipeline(1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_imputed_pipeline_same_bits),
        cmocka_unit_test(test_kept_missing_pipeline_same_bits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_rff.c - random Fourier features, rbf-approx before the Nystroem
 * landmarks (test_nystroem.c): their cosine, the blockwise Newton fit
 * (which Nystroem shares) against logistic regression on the
 * materialized features, seeded determinism, and files written with
 * them, which still load and score. */
#include "testutil.h"

#include "models/model.h"
#include "ring_rows.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PI 3.14159265358979323846

/* Fits random Fourier features (churn__rff_fit, which rbf-approx
 * trained with before Nystroem) into the svm state *c. */
static int rff_fit(churn__kernel_model *c, const churn__fit_params *fp,
                   const double *z, const double *y, size_t n, size_t dim,
                   double *iterations)
{
    memset(c, 0, sizeof *c);
    c->dim = dim;
    int rc = churn__rff_fit(c, fp, z, y, n, dim, iterations, NULL);
    if (rc != CHURN_OK)
        churn__kernel_model_clear(c);
    return rc;
}

/* The cosine matches libm's within 2 units of 1e-16 over the whole range:
 * around each quadrant boundary (where the reduction switches between
 * sin and cos, and signs), at large arguments, and beyond the fast
 * path's limit; NaN and infinities give NaN. */
static void test_cosine_matches_libm(void **state)
{
    (void)state;
    double worst = 0;
    for (int q = -400; q <= 400; q++)
        for (int t = -3; t <= 3; t++) {
            double x = q * (PI / 4) + t * 1e-9;
            worst = fmax(worst, fabs(churn__rff_cos(x) - cos(x)));
        }
    uint64_t rng = 5;
    for (int i = 0; i < 200000; i++) {
        double x = (lr_uniform(&rng) * 2 - 1) * (i % 2 ? 30 : 2e5);
        worst = fmax(worst, fabs(churn__rff_cos(x) - cos(x)));
    }
    assert_true(worst <= 2.3e-16);
    assert_true(churn__rff_cos(0) == 1.0);
    assert_true(churn__rff_cos(1e300) == cos(1e300));
    assert_true(isnan(churn__rff_cos(NAN)));
    assert_true(isnan(churn__rff_cos(INFINITY)));
}

/* The block of features (one GEMM, the vectorized cosine) equals the
 * features one at a time from plain dot products, also for a row with
 * a huge input, which takes libm's cosine; so does a row's decision
 * value, exactly. */
static void test_feature_block_matches_one_at_a_time(void **state)
{
    (void)state;
    const size_t n = 37, dim = 3, d = 21; /* 21: groups of 8 and a tail */
    double z[37 * 3], y[37], phi[37 * 21];
    ring_rows(n, dim, 4, z, y);
    churn__fit_params fp = {.family = &churn__family_rbf_approx, .c = 1,
                            .gamma = 1,
                            .kernel = CHURN__K_RBF_APPROX, .components = d,
                            .seed = 11};
    churn__kernel_model c;
    assert_int_equal(rff_fit(&c, &fp, z, y, n, dim, NULL), 0);
    z[5 * dim + 1] = 3e9;
    churn__rff_features(&c, z, n, phi);
    for (size_t i = 0; i < n; i++)
        for (size_t r = 0; r < d; r++) {
            double s = 0;
            for (size_t k = 0; k < dim; k++)
                s += c.sv[r * dim + k] * z[i * dim + k];
            double want = churn__rff_feature(&c, r, s);
            assert_near(phi[i * d + r], want, i == 5 ? 1e-6 : 1e-15);
        }
    /* A row's decision value sums the same features, to the same bits. */
    for (size_t i = 0; i < n; i++) {
        double f = 0;
        for (size_t r = 0; r < d; r++) {
            double s = 0;
            for (size_t k = 0; k < dim; k++)
                s += c.sv[r * dim + k] * z[i * dim + k];
            f += c.sv_coef[r] * churn__rff_feature(&c, r, s);
        }
        assert_true(churn__svm_kernel_decision(&c, z + i * dim) == f + c.b);
    }
    churn__kernel_model_clear(&c);
}

/* The blockwise Newton fit reaches the optimum that logistic regression
 * on the materialized n x D feature matrix reaches (as rbf-approx was
 * trained before): weights and intercept within 1e-9, also with class
 * weights and another C. */
static void test_blockwise_fit_equals_materialized(void **state)
{
    (void)state;
    const size_t n = 600, dim = 4, d = 30; /* 600: several blocks */
    double *z = malloc(n * dim * sizeof *z), *y = malloc(n * sizeof *y);
    double *phi = malloc(n * d * sizeof *phi), w[30], b;
    ring_rows(n, dim, 7, z, y);
    for (int balanced = 0; balanced <= 1; balanced++) {
        churn__fit_params fp = {.family = &churn__family_rbf_approx,
                                .c = balanced ? 10 : 1,
                                .balanced = balanced, .gamma = 1.5,
                                .kernel = CHURN__K_RBF_APPROX,
                                .components = d, .seed = 3};
        churn__kernel_model c;
        double iterations = 0;
        assert_int_equal(rff_fit(&c, &fp, z, y, n, dim, &iterations), 0);
        assert_true(iterations >= 3 && iterations < 30);
        /* The materialized fit, from plain dot products. */
        for (size_t i = 0; i < n; i++)
            for (size_t r = 0; r < d; r++) {
                double s = 0;
                for (size_t k = 0; k < dim; k++)
                    s += c.sv[r * dim + k] * z[i * dim + k];
                phi[i * d + r] = churn__rff_feature(&c, r, s);
            }
        churn__fit_params lp = fp;
        lp.family = &churn__family_logistic;
        assert_int_equal(churn__logistic_weights(&lp, phi, y, n, d, w, &b,
                                                 NULL, NULL), 0);
        for (size_t r = 0; r < d; r++)
            assert_near(c.sv_coef[r], w[r], 1e-9);
        assert_near(c.b, b, 1e-9);
        churn__kernel_model_clear(&c);
    }
    free(z);
    free(y);
    free(phi);
}

/* On more rows than the Hessian sample (50,000) the fit estimates the
 * Hessian from a sample and reads the features back from a float copy:
 * still the materialized fit's decision values within 1e-6 (measured:
 * 7e-8, the float rounding of the features). */
static void test_sampled_hessian_fit_near_materialized(void **state)
{
    (void)state;
    const size_t n = 70000, dim = 2, d = 12;
    double *z = malloc(n * dim * sizeof *z), *y = malloc(n * sizeof *y);
    double *phi = malloc(n * d * sizeof *phi), w[12], b;
    ring_rows(n, dim, 8, z, y);
    churn__fit_params fp = {.family = &churn__family_rbf_approx, .c = 1,
                            .gamma = 1,
                            .kernel = CHURN__K_RBF_APPROX, .components = d,
                            .seed = 5};
    churn__kernel_model c;
    assert_int_equal(rff_fit(&c, &fp, z, y, n, dim, NULL), 0);
    churn__rff_features(&c, z, n, phi);
    churn__fit_params lp = fp;
    lp.family = &churn__family_logistic;
    assert_int_equal(churn__logistic_weights(&lp, phi, y, n, d, w, &b, NULL,
                                             NULL), 0);
    double worst = 0;
    for (size_t i = 0; i < n; i += 97) {
        double f = b;
        for (size_t r = 0; r < d; r++)
            f += w[r] * phi[i * d + r];
        worst = fmax(worst, fabs(churn__svm_kernel_decision(&c, z + i * dim)
                                 - f));
    }
    assert_true(worst < 1e-6);
    churn__kernel_model_clear(&c);
    free(z);
    free(y);
    free(phi);
}

/* The same seed draws the same directions and fits the same bits; another
 * seed draws others. */
static void test_seeded_determinism(void **state)
{
    (void)state;
    const size_t n = 300, dim = 3, d = 16;
    double z[300 * 3], y[300];
    ring_rows(n, dim, 9, z, y);
    churn__kernel_model c[3];
    const uint64_t seeds[] = {17, 17, 18};
    for (size_t t = 0; t < 3; t++) {
        churn__fit_params fp = {.family = &churn__family_rbf_approx, .c = 1,
                                .kernel = CHURN__K_RBF_APPROX,
                                .components = d, .seed = seeds[t]};
        assert_int_equal(rff_fit(&c[t], &fp, z, y, n, dim, NULL), 0);
    }
    assert_memory_equal(c[0].sv, c[1].sv, d * dim * sizeof(double));
    assert_memory_equal(c[0].phase, c[1].phase, d * sizeof(double));
    assert_memory_equal(c[0].sv_coef, c[1].sv_coef, d * sizeof(double));
    assert_true(c[0].b == c[1].b);
    assert_true(memcmp(c[0].sv, c[2].sv, d * dim * sizeof(double)) != 0);
    for (size_t t = 0; t < 3; t++)
        churn__kernel_model_clear(&c[t]);
}

/* tests/ref/rff_format1.churn was written by churn 0.1.0 before the
 * blockwise fit (churn-train --kernel rbf-approx --validation 0
 * --calibration none on 60 rows of two inputs). It still loads, and its
 * decision values are the formula of its own numbers with libm's cosine
 * (parsed here independently of the reader) within 1e-12. */
static void test_file_written_before_loads(void **state)
{
    (void)state;
    const char *path = "tests/ref/rff_format1.churn";
    churn_model *m = NULL;
    churn_error err;
    if (churn_model_load(path, &m, &err) != CHURN_OK)
        fail_msg("load: %s", err.message);
    char *text = tu_read_file(path, NULL);
    assert_non_null(text);
    double center[2], scale[2], b, coef[200], phase[200], sv[200][2];
    const char *p = strstr(text, "output usage ");
    assert_int_equal(sscanf(p, "output usage %lf %lf\noutput spend %lf %lf",
                            &center[0], &scale[0], &center[1], &scale[1]),
                     4);
    p = strstr(text, "\nintercept ");
    assert_int_equal(sscanf(p, "\nintercept %lf", &b), 1);
    p = strstr(text, "\ncomponents 200\n");
    assert_non_null(p);
    p = strchr(p + 1, '\n');
    for (size_t i = 0; i < 200; i++) {
        assert_int_equal(sscanf(p, "\ncomponent %lf %lf %lf %lf", &coef[i],
                                &phase[i], &sv[i][0], &sv[i][1]), 4);
        p = strchr(p + 1, '\n');
    }
    double scratch[2];
    for (int t = 0; t < 9; t++) {
        double raw[2] = {-1 + t * 0.25, 0.8 - t * 0.2}, z[2], f = b;
        for (int k = 0; k < 2; k++)
            z[k] = (raw[k] - center[k]) / scale[k];
        for (size_t i = 0; i < 200; i++)
            f += coef[i] * sqrt(2.0 / 200) *
                 cos(sv[i][0] * z[0] + sv[i][1] * z[1] + phase[i]);
        assert_near(churn__model_decision(m, raw, scratch), f, 1e-12);
    }
    free(text);
    churn_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cosine_matches_libm),
        cmocka_unit_test(test_feature_block_matches_one_at_a_time),
        cmocka_unit_test(test_blockwise_fit_equals_materialized),
        cmocka_unit_test(test_sampled_hessian_fit_near_materialized),
        cmocka_unit_test(test_seeded_determinism),
        cmocka_unit_test(test_file_written_before_loads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

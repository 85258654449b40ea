/* test_logistic.c - the L2 logistic regression solver: scikit-learn's
 * answers, optimality, invariances, separable data, the CG path, errors. */
#include "testutil.h"

#include "logistic_rows.h"

#include "models/logistic.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* main_x/main_y (60 x 4), sep_x/sep_y (24 x 2) and scikit-learn's
 * coefficients, from tests/ref/logistic_ref.py (the command is there).
 * liblinear is not a reference: Debian's 2.3.0 regularizes the bias that
 * -B adds and has no option to leave it free, unlike our intercept. */
#include "ref/logistic_ref.h"

#define MAIN_N 60
#define MAIN_D 4
#define SEP_N 24
#define SEP_D 2
#define CHOLESKY ((size_t)1000) /* wide_threshold: the default path */
#define CG ((size_t)0)          /* wide_threshold: always CG */

static int fit(const double *x, size_t n, size_t d, const double *y,
               const double *s, double c, size_t wide, double *w, double *b,
               churn__logistic_info *info, churn_error *err)
{
    churn__logistic_params p;
    churn__logistic_params_default(&p);
    p.c = c;
    p.wide_threshold = wide;
    return churn__logistic_fit(x, n, d, y, s, &p, w, b, info, err);
}

static void assert_close(double got, double want, double tol,
                         const char *what, size_t j)
{
    if (!(fabs(got - want) <= tol))
        fail_msg("%s[%zu]: got %.17g, want %.17g (tolerance %g)", what, j,
                 got, want, tol);
}

/* s_i = 0.5, 0.75, 1, 1.25, 0.5, ...: the sample weights of ref_weighted. */
static void cyclic_weights(double *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        s[i] = 0.5 + 0.25 * (double)(i % 4);
}

/* scikit-learn's class_weight='balanced': s_i = n / (2 n_class(y_i)). */
static void balanced_weights(const double *y, size_t n, double *s)
{
    size_t pos = 0;
    for (size_t i = 0; i < n; i++)
        pos += y[i] != 0;
    for (size_t i = 0; i < n; i++)
        s[i] = (double)n / (2.0 * (double)(y[i] != 0 ? pos : n - pos));
}

/* The objective and the largest gradient component at (w, b), written
 * plainly in long double, independently of the solver's formulas. */
static long double objective(const double *x, size_t n, size_t d,
                             const double *y, const double *s, double c,
                             const double *w, double b, long double *gmax)
{
    long double f = 0, g[16] = {0};
    assert_true(d < 16);
    for (size_t j = 0; j < d; j++) {
        f += 0.5L * w[j] * w[j];
        g[j] = w[j];
    }
    for (size_t i = 0; i < n; i++) {
        long double z = b, si = s ? s[i] : 1.0;
        for (size_t j = 0; j < d; j++)
            z += (long double)x[i * d + j] * w[j];
        long double t = y[i] != 0 ? 1 : -1;
        long double p = 1 / (1 + expl(-z));
        f += c * si * log1pl(expl(-t * z));
        for (size_t j = 0; j < d; j++)
            g[j] += c * si * (p - y[i]) * x[i * d + j];
        g[d] += c * si * (p - y[i]);
    }
    *gmax = 0;
    for (size_t j = 0; j <= d; j++)
        *gmax = fmaxl(*gmax, fabsl(g[j]));
    return f;
}

/* ------------------------------------------------------- known answers */

/* Each case of tests/ref/logistic_ref.py, on both solver paths, against
 * scikit-learn's newton-cg answer (whose own gradient is at most 4.5e-8,
 * so 1e-6 leaves room for its error, not ours). */
static void test_matches_scikit_learn(void **state)
{
    (void)state;
    double s_cyclic[MAIN_N], s_balanced[MAIN_N];
    cyclic_weights(s_cyclic, MAIN_N);
    balanced_weights(main_y, MAIN_N, s_balanced);
    struct {
        const char *name;
        double c;
        const double *s, *w, *b;
    } cases[] = {
        {"C=1", 1.0, NULL, ref_c1_w, &ref_c1_b},
        {"C=0.1", 0.1, NULL, ref_c01_w, &ref_c01_b},
        {"balanced", 1.0, s_balanced, ref_balanced_w, &ref_balanced_b},
        {"weighted C=2", 2.0, s_cyclic, ref_weighted_w, &ref_weighted_b},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        for (int path = 0; path < 2; path++) {
            double w[MAIN_D], b;
            churn__logistic_info info;
            churn_error err;
            int rc = fit(main_x, MAIN_N, MAIN_D, main_y, cases[k].s,
                         cases[k].c, path ? CG : CHOLESKY, w, &b, &info,
                         &err);
            if (rc != CHURN_OK)
                fail_msg("%s: %s", cases[k].name, err.message);
            assert_int_equal(info.used_cg, path);
            for (size_t j = 0; j < MAIN_D; j++)
                assert_close(w[j], cases[k].w[j], 1e-6, cases[k].name, j);
            assert_close(b, *cases[k].b, 1e-6, cases[k].name, MAIN_D);
        }
    }
}

/* A constant nonzero column: the free intercept absorbs it entirely, so
 * its coefficient is 0 (any other value costs penalty for nothing) and
 * the rest equal the C=1 answer; scikit-learn agrees for 2.0 (ref_const).
 * The solver knows constant columns and keeps them at exactly 0, even at
 * 1e12, where computing their gradient would leave rounding noise of
 * about 1e-16 * 1e12 * sum |p_i - y_i| (see logistic.c). */
static void test_constant_column(void **state)
{
    (void)state;
    const double values[] = {2.0, 0.1, 1e8, 1e12};
    double x[MAIN_N * 5], w[5], b;
    for (size_t j = 0; j < 5; j++)
        assert_close(ref_const_w[j], j < 4 ? ref_c1_w[j] : 0, 1e-8, "ref", j);
    assert_close(ref_const_b, ref_c1_b, 1e-8, "ref b", 0);
    for (size_t k = 0; k < 4; k++) {
        for (size_t i = 0; i < MAIN_N; i++) {
            memcpy(x + i * 5, main_x + i * MAIN_D, MAIN_D * sizeof *x);
            x[i * 5 + 4] = values[k];
        }
        for (int path = 0; path < 2; path++) {
            assert_int_equal(fit(x, MAIN_N, 5, main_y, NULL, 1.0,
                                 path ? CG : CHOLESKY, w, &b, NULL, NULL),
                             CHURN_OK);
            for (size_t j = 0; j < MAIN_D; j++)
                assert_close(w[j], ref_const_w[j], 1e-6, "w", j);
            assert_true(w[4] == 0.0);
            assert_close(b, ref_const_b, 1e-6, "b", 0);
        }
    }
}

/* A column shifted by 1e6: the intercept absorbs the shift, so w is the
 * C=1 answer and b + 1e6 w_2 its intercept. Without centering (logistic.c)
 * the column would nearly repeat the intercept's and leave the Hessian's
 * condition number near 1e12. */
static void test_large_mean_column(void **state)
{
    (void)state;
    double x[MAIN_N * MAIN_D], w[MAIN_D], b;
    memcpy(x, main_x, sizeof x);
    for (size_t i = 0; i < MAIN_N; i++)
        x[i * MAIN_D + 2] += 1e6;
    for (int path = 0; path < 2; path++) {
        assert_int_equal(fit(x, MAIN_N, MAIN_D, main_y, NULL, 1.0,
                             path ? CG : CHOLESKY, w, &b, NULL, NULL),
                         CHURN_OK);
        for (size_t j = 0; j < MAIN_D; j++)
            assert_close(w[j], ref_c1_w[j], 1e-6, "w", j);
        assert_close(b + 1e6 * w[2], ref_c1_b, 1e-6, "b + 1e6 w_2", 0);
    }
}

/* An all-zero column has gradient w_j and a Hessian row e_j, so Newton's
 * steps keep it at exactly 0 on both paths; the others are unchanged. */
static void test_zero_column_is_exactly_zero(void **state)
{
    (void)state;
    double x[MAIN_N * 5], w[5], b;
    for (size_t i = 0; i < MAIN_N; i++) {
        x[i * 5] = 0.0;
        memcpy(x + i * 5 + 1, main_x + i * MAIN_D, MAIN_D * sizeof *x);
    }
    for (int path = 0; path < 2; path++) {
        assert_int_equal(fit(x, MAIN_N, 5, main_y, NULL, 1.0,
                             path ? CG : CHOLESKY, w, &b, NULL, NULL),
                         CHURN_OK);
        assert_true(w[0] == 0.0);
        for (size_t j = 0; j < MAIN_D; j++)
            assert_close(w[j + 1], ref_c1_w[j], 1e-6, "w", j + 1);
        assert_close(b, ref_c1_b, 1e-6, "b", 0);
    }
}

/* The main rows with a column of 1e8, and 6 more rows where it is 0 and
 * x_0 is +-2000 with the matching label. Those rows' margins are in the
 * thousands, so their curvature p (1 - p) underflows to 0 and they do
 * not move the optimum: the answer is the C=1 one, with b + 1e8 w_4 as
 * its intercept. The column is not constant, so centering does not zero
 * it, yet on the rows that carry curvature it nearly repeats the
 * intercept's column: the case the intercept's ridge in logistic.c is
 * for (whether the ridge is needed depends on the last bits of the
 * BLAS kernel's rounding; the answer must not). */
static void test_rows_without_curvature(void **state)
{
    (void)state;
    enum { rows = MAIN_N + 6 };
    double x[rows * 5], y[rows], w[5], b;
    memset(x, 0, sizeof x);
    for (size_t i = 0; i < rows; i++) {
        if (i < MAIN_N) {
            memcpy(x + i * 5, main_x + i * MAIN_D, MAIN_D * sizeof *x);
            x[i * 5 + 4] = 1e8;
            y[i] = main_y[i];
        } else {
            y[i] = (double)(i % 2);
            x[i * 5] = y[i] != 0 ? 2000 : -2000;
        }
    }
    for (int path = 0; path < 2; path++) {
        assert_int_equal(fit(x, rows, 5, y, NULL, 1.0, path ? CG : CHOLESKY,
                             w, &b, NULL, NULL), CHURN_OK);
        for (size_t j = 0; j < MAIN_D; j++)
            assert_close(w[j], ref_c1_w[j], 1e-6, "w", j);
        assert_close(b + 1e8 * w[4], ref_c1_b, 1e-6, "b + 1e8 w_4", 0);
    }
}

/* ------------------------------------------------------------ properties */

/* At the answer the gradient (computed here in long double) vanishes to
 * the tolerance 1e-10 * max(1, initial gradient), which is < 1e-7 here,
 * and info reports the same objective. */
static void test_gradient_vanishes(void **state)
{
    (void)state;
    double s[MAIN_N], w[MAIN_D], b;
    const double cs[] = {0.01, 1.0, 100.0};
    cyclic_weights(s, MAIN_N);
    for (size_t k = 0; k < 3; k++) {
        churn__logistic_info info;
        long double gmax;
        assert_int_equal(fit(main_x, MAIN_N, MAIN_D, main_y, s, cs[k],
                             CHOLESKY, w, &b, &info, NULL), CHURN_OK);
        long double f = objective(main_x, MAIN_N, MAIN_D, main_y, s, cs[k],
                                  w, b, &gmax);
        if (!(gmax <= 1e-7L))
            fail_msg("C=%g: gradient %Lg", cs[k], gmax);
        assert_close(info.objective, (double)f, 1e-12 * (double)f, "f", k);
        assert_true(info.grad_norm <= 1e-7);
        assert_true(info.iterations >= 1 && info.iterations <= 15);
    }
}

/* A tolerance below what doubles can resolve (1e-300) still ends well:
 * the line search measures the objective's change row by row without
 * cancellation, so Newton polishes the gradient to rounding level
 * (about 1e-15 here), then stops at that floor instead of failing. */
static void test_tolerance_below_rounding(void **state)
{
    (void)state;
    churn__logistic_params p;
    churn__logistic_info info;
    churn_error err;
    double w[MAIN_D], b;
    churn__logistic_params_default(&p);
    p.tol = 1e-300;
    for (int path = 0; path < 2; path++) {
        p.wide_threshold = path ? CG : CHOLESKY;
        int rc = churn__logistic_fit(main_x, MAIN_N, MAIN_D, main_y, NULL, &p,
                                     w, &b, &info, &err);
        if (rc != CHURN_OK)
            fail_msg("%s", err.message);
        assert_true(info.grad_norm <= 1e-13);
        assert_true(info.iterations <= 25);
        for (size_t j = 0; j < MAIN_D; j++)
            assert_close(w[j], ref_c1_w[j], 1e-6, "w", j);
    }
}

/* Reordering the rows (with their labels and weights) changes nothing
 * but the order of sums: the answer agrees to 1e-10. */
static void test_row_order_invariance(void **state)
{
    (void)state;
    double s[MAIN_N], xp[MAIN_N * MAIN_D], yp[MAIN_N], sp[MAIN_N];
    double w[MAIN_D], b, wp[MAIN_D], bp;
    cyclic_weights(s, MAIN_N);
    for (size_t i = 0; i < MAIN_N; i++) {
        size_t from = (i * 7 + 3) % MAIN_N; /* 7 is prime to 60 */
        memcpy(xp + i * MAIN_D, main_x + from * MAIN_D, sizeof wp);
        yp[i] = main_y[from];
        sp[i] = s[from];
    }
    for (int path = 0; path < 2; path++) {
        size_t wide = path ? CG : CHOLESKY;
        assert_int_equal(fit(main_x, MAIN_N, MAIN_D, main_y, s, 1.0, wide, w,
                             &b, NULL, NULL), CHURN_OK);
        assert_int_equal(fit(xp, MAIN_N, MAIN_D, yp, sp, 1.0, wide, wp, &bp,
                             NULL, NULL), CHURN_OK);
        for (size_t j = 0; j < MAIN_D; j++)
            assert_close(wp[j], w[j], 1e-10, "w", j);
        assert_close(bp, b, 1e-10, "b", 0);
    }
}

/* Separable data: without the penalty the weights would grow forever;
 * with it the optimum is finite and matches scikit-learn at C = 10. With
 * C up to 1e6 the fit still converges, ||w|| grows with C, and the
 * objective after k iterations (max_iter = k stops there; info still
 * reports it) never increases. */
static void test_separable_data(void **state)
{
    (void)state;
    double w[SEP_D], b, last_norm = 0;
    churn__logistic_info info;
    assert_int_equal(fit(sep_x, SEP_N, SEP_D, sep_y, NULL, 10.0, CHOLESKY,
                         w, &b, &info, NULL), CHURN_OK);
    for (size_t j = 0; j < SEP_D; j++)
        assert_close(w[j], ref_sep_w[j], 1e-6, "w", j);
    assert_close(b, ref_sep_b, 1e-6, "b", 0);
    const double cs[] = {10.0, 1e3, 1e6};
    for (size_t k = 0; k < 3; k++) {
        size_t iterations;
        assert_int_equal(fit(sep_x, SEP_N, SEP_D, sep_y, NULL, cs[k],
                             CHOLESKY, w, &b, &info, NULL), CHURN_OK);
        double norm = hypot(w[0], w[1]);
        assert_true(isfinite(norm) && isfinite(b) && norm > last_norm);
        last_norm = norm;
        iterations = info.iterations;
        double previous = INFINITY;
        for (size_t stop = 1; stop <= iterations; stop++) {
            churn__logistic_params p;
            churn__logistic_params_default(&p);
            p.c = cs[k];
            p.max_iter = stop;
            int rc = churn__logistic_fit(sep_x, SEP_N, SEP_D, sep_y, NULL, &p,
                                         w, &b, &info, NULL);
            assert_int_equal(rc, stop < iterations ? CHURN_ENUMERIC
                                                   : CHURN_OK);
            assert_true(info.objective <= previous);
            previous = info.objective;
        }
    }
}

/* No features: the answer is the log-odds of the (weighted) classes, the
 * starting point, so no iteration is needed. 22 of 60 rows are 1. */
static void test_intercept_only(void **state)
{
    (void)state;
    double b;
    churn__logistic_info info;
    assert_int_equal(fit(NULL, MAIN_N, 0, main_y, NULL, 1.0, CHOLESKY, NULL,
                         &b, &info, NULL), CHURN_OK);
    assert_close(b, log(22.0 / 38.0), 1e-15, "b", 0);
    assert_int_equal(info.iterations, 0);
    assert_int_equal(fit(NULL, MAIN_N, 0, main_y, NULL, 1.0, CG, NULL, &b,
                         &info, NULL), CHURN_OK);
    assert_close(b, log(22.0 / 38.0), 1e-15, "b", 0);
}

/* 20000 x 40: Newton needs only a handful of iterations, and the CG path
 * lands on the same answer. */
static void test_medium_problem(void **state)
{
    (void)state;
    size_t n = 20000, d = 40;
    double *x = malloc(n * d * sizeof *x), *y = malloc(n * sizeof *y);
    double w[40], b, wc[40], bc;
    churn__logistic_info info;
    assert_non_null(x);
    assert_non_null(y);
    lr_make_rows(n, d, x, y);
    assert_int_equal(fit(x, n, d, y, NULL, 1.0, CHOLESKY, w, &b, &info,
                         NULL), CHURN_OK);
    assert_true(info.iterations <= 15);
    assert_int_equal(info.used_cg, 0);
    assert_int_equal(fit(x, n, d, y, NULL, 1.0, CG, wc, &bc, &info, NULL),
                     CHURN_OK);
    assert_int_equal(info.used_cg, 1);
    for (size_t j = 0; j < d; j++)
        assert_close(wc[j], w[j], 1e-6, "w", j);
    assert_close(bc, b, 1e-6, "b", 0);
    free(x);
    free(y);
}

/* ---------------------------------------------------------------- errors */

static void expect_error(int rc, const churn_error *err, int code,
                         const char *message)
{
    assert_int_equal(rc, code);
    assert_int_equal(err->code, code);
    assert_string_equal(err->message, message);
}

static void test_errors(void **state)
{
    (void)state;
    double x[MAIN_N * MAIN_D], y[MAIN_N], s[MAIN_N], w[MAIN_D], b = 7.0;
    churn__logistic_params p;
    churn_error err;
    memcpy(x, main_x, sizeof x);
    memcpy(y, main_y, sizeof y);
    cyclic_weights(s, MAIN_N);
    churn__logistic_params_default(&p);
    expect_error(churn__logistic_fit(x, 0, MAIN_D, y, NULL, &p, w, &b, NULL,
                                     &err), &err, CHURN_EINVAL,
                 "logistic: no rows to fit");
    expect_error(churn__logistic_fit(x, MAIN_N, MAIN_D, NULL, NULL, &p, w, &b,
                                     NULL, &err), &err, CHURN_EINVAL,
                 "logistic: NULL argument");
    const double bad_c[] = {0.0, -1.0, NAN, INFINITY};
    const char *bad_c_text[] = {"0", "-1", "nan", "inf"};
    for (size_t k = 0; k < 4; k++) {
        char want[128];
        p.c = bad_c[k];
        snprintf(want, sizeof want, "logistic: C must be positive and "
                 "finite, not %s", bad_c_text[k]);
        expect_error(churn__logistic_fit(x, MAIN_N, MAIN_D, y, NULL, &p, w,
                                         &b, NULL, &err), &err, CHURN_EINVAL,
                     want);
    }
    p.c = 1e308; /* c * 60 * log(1 + e^-|b|) overflows */
    expect_error(churn__logistic_fit(x, MAIN_N, MAIN_D, y, NULL, &p, w, &b,
                                     NULL, &err), &err, CHURN_ENUMERIC,
                 "logistic: objective or gradient not finite (C or the "
                 "weights too large?)");
    p.c = 1.0;
    p.tol = 0;
    expect_error(churn__logistic_fit(x, MAIN_N, MAIN_D, y, NULL, &p, w, &b,
                                     NULL, &err), &err, CHURN_EINVAL,
                 "logistic: tolerance 0 and iteration cap 100 must be "
                 "positive");
    churn__logistic_params_default(&p);
    x[3 * MAIN_D + 2] = NAN;
    expect_error(churn__logistic_fit(x, MAIN_N, MAIN_D, y, NULL, &p, w, &b,
                                     NULL, &err), &err, CHURN_ENUMERIC,
                 "logistic: x[3][2] is nan, not a finite number");
    x[3 * MAIN_D + 2] = -INFINITY;
    expect_error(churn__logistic_fit(x, MAIN_N, MAIN_D, y, NULL, &p, w, &b,
                                     NULL, &err), &err, CHURN_ENUMERIC,
                 "logistic: x[3][2] is -inf, not a finite number");
    x[3 * MAIN_D + 2] = main_x[3 * MAIN_D + 2];
    y[5] = NAN;
    expect_error(churn__logistic_fit(x, MAIN_N, MAIN_D, y, NULL, &p, w, &b,
                                     NULL, &err), &err, CHURN_ENUMERIC,
                 "logistic: row 5 has label nan, weight 1; both must be "
                 "finite");
    y[5] = 2;
    expect_error(churn__logistic_fit(x, MAIN_N, MAIN_D, y, NULL, &p, w, &b,
                                     NULL, &err), &err, CHURN_EINVAL,
                 "logistic: row 5 has label 2, weight 1; labels must be 0 "
                 "or 1, weights >= 0");
    y[5] = main_y[5];
    s[8] = -0.5;
    expect_error(churn__logistic_fit(x, MAIN_N, MAIN_D, y, s, &p, w, &b,
                                     NULL, &err), &err, CHURN_EINVAL,
                 "logistic: row 8 has label 0, weight -0.5; labels must be "
                 "0 or 1, weights >= 0");
    /* Zero weight on every row of class 1: the intercept would run off. */
    for (size_t i = 0; i < MAIN_N; i++)
        s[i] = main_y[i] != 0 ? 0.0 : 1.0;
    expect_error(churn__logistic_fit(x, MAIN_N, MAIN_D, y, s, &p, w, &b,
                                     NULL, &err), &err, CHURN_EINVAL,
                 "logistic: both classes need positive weight (class 1: 0, "
                 "class 0: 38)");
}

/* Running out of iterations is an error, reported with the gradient
 * reached; w and b are left as they were, info tells how far it got. */
static void test_no_convergence(void **state)
{
    (void)state;
    double w[MAIN_D] = {9, 9, 9, 9}, b = 9;
    churn__logistic_params p;
    churn__logistic_info info;
    churn_error err;
    churn__logistic_params_default(&p);
    p.max_iter = 1;
    assert_int_equal(churn__logistic_fit(main_x, MAIN_N, MAIN_D, main_y, NULL,
                                         &p, w, &b, &info, &err),
                     CHURN_ENUMERIC);
    assert_non_null(strstr(err.message,
                           "logistic: no convergence in 1 iterations "
                           "(gradient "));
    assert_int_equal(info.iterations, 1);
    assert_true(info.grad_norm > 0);
    for (size_t j = 0; j < MAIN_D; j++)
        assert_true(w[j] == 9);
    assert_true(b == 9);
}

/* Documented defaults; NULL parameters mean them. */
static void test_defaults(void **state)
{
    (void)state;
    churn__logistic_params p;
    double w[MAIN_D], b, wd[MAIN_D], bd;
    churn__logistic_params_default(&p);
    assert_true(p.c == 1.0 && p.tol == 1e-10);
    assert_int_equal(p.max_iter, 100);
    assert_int_equal(p.wide_threshold, 1000);
    assert_int_equal(churn__logistic_fit(main_x, MAIN_N, MAIN_D, main_y, NULL,
                                         NULL, w, &b, NULL, NULL), CHURN_OK);
    assert_int_equal(churn__logistic_fit(main_x, MAIN_N, MAIN_D, main_y, NULL,
                                         &p, wd, &bd, NULL, NULL), CHURN_OK);
    assert_memory_equal(w, wd, sizeof w);
    assert_true(b == bd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matches_scikit_learn),
        cmocka_unit_test(test_constant_column),
        cmocka_unit_test(test_zero_column_is_exactly_zero),
        cmocka_unit_test(test_large_mean_column),
        cmocka_unit_test(test_rows_without_curvature),
        cmocka_unit_test(test_gradient_vanishes),
        cmocka_unit_test(test_tolerance_below_rounding),
        cmocka_unit_test(test_row_order_invariance),
        cmocka_unit_test(test_separable_data),
        cmocka_unit_test(test_intercept_only),
        cmocka_unit_test(test_medium_problem),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_no_convergence),
        cmocka_unit_test(test_defaults),
    };
    return cmocka_run_group_tests_name("logistic", tests, NULL, NULL);
}

/* test_select.c - order statistics by selection (ml/select.c) against a
 * whole sort, on the shapes that steer its bucket rounds: smooth data,
 * a far outlier, heavy tails, ties, signed zeros, ranges that overflow
 * or underflow; the median against GSL's. */
#include "testutil.h"

#include "ml/select.h"

#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static uint64_t state_x = 88172645463325252u;

/* xorshift64: uniform in [0, 1). */
static double uniform(void)
{
    state_x ^= state_x << 13;
    state_x ^= state_x >> 7;
    state_x ^= state_x << 17;
    return (double)(state_x >> 11) / 9007199254740992.0;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

enum shape { SMOOTH, OUTLIER, HEAVY, TIES, ZEROS, HUGE, TINY, SHAPES };

static double draw(enum shape s, size_t i)
{
    double u = uniform();
    switch (s) {
    case SMOOTH: /* a sum of uniforms: bell-shaped */
        return u + uniform() + uniform() - 1.5;
    case OUTLIER: /* one value far above the rest */
        return i == 7 ? 1e12 : u;
    case HEAVY: /* Pareto-like: most values near 1, a few huge */
        return 1.0 / (1e-9 + u * u * u);
    case TIES:
        return floor(u * 3);
    case ZEROS: /* -0, +0 and a few others */
        return u < 0.4 ? -0.0 : u < 0.8 ? 0.0 : u - 0.9;
    case HUGE: /* high - low overflows */
        return (u < 0.5 ? -1 : 1) * 1.7e308 * uniform();
    case TINY: /* subnormal spacing: the scale overflows */
        return (double)(state_x % 5) * 4.9e-324;
    default:
        return 0;
    }
}

/* Nine decile positions and the two middle ones, checked against qsort
 * (equal values compare equal: -0 and +0 may come either way). */
static void check(const double *sorted, double *v, size_t n)
{
    size_t pos[11];
    double got[11];
    for (size_t q = 1; q <= 9; q++)
        pos[q - 1] = (q * n + 9) / 10 - 1;
    pos[9] = (n - 1) / 2;
    pos[10] = n / 2;
    /* ascending: the middle pair goes in its place */
    qsort(pos, 11, sizeof *pos, cmp_size);
    churn__select_positions(v, n, pos, 11, got);
    for (size_t q = 0; q < 11; q++)
        assert_true(got[q] == sorted[pos[q]]);
}

static void test_positions_equal_sorting(void **state)
{
    (void)state;
    enum { M = 200000 };
    double *v = malloc(M * sizeof *v), *s = malloc(M * sizeof *s);
    double *g = malloc(M * sizeof *g);
    assert_non_null(v);
    assert_non_null(s);
    assert_non_null(g);
    for (int shape = 0; shape < SHAPES; shape++) {
        for (size_t n = 1; n <= M; n = n < 40 ? n + 1 : n * 4 + 3) {
            for (size_t i = 0; i < n; i++)
                v[i] = s[i] = g[i] = draw((enum shape)shape, i);
            qsort(s, n, sizeof *s, cmp);
            check(s, v, n);
            /* the median as GSL takes it, to the bit */
            double want = gsl_stats_median(g, 1, n);
            for (size_t i = 0; i < n; i++)
                g[i] = s[n - 1 - i]; /* another order, same values */
            double got = churn__select_median(g, n);
            assert_true(got == want || (isnan(got) && isnan(want)));
        }
    }
    free(v);
    free(s);
    free(g);
}

/* Each round's buckets: values outside the wanted ones are never
 * returned, whatever their count (a position at each end). */
static void test_ends_and_repeats(void **state)
{
    (void)state;
    enum { M = 50000 };
    static double v[M];
    for (size_t i = 0; i < M; i++)
        v[i] = (double)((i * 7919) % M);
    size_t pos[4] = {0, 0, M - 1, M - 1};
    double got[4];
    churn__select_positions(v, M, pos, 4, got);
    assert_true(got[0] == 0 && got[1] == 0);
    assert_true(got[2] == M - 1 && got[3] == M - 1);
    assert_true(churn__select_median(v, 0) == 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_positions_equal_sorting),
        cmocka_unit_test(test_ends_and_repeats),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

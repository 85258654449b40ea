/* test_decsum.c - exact decimal sums: churn__decsum against sums done
 * with integers and read by strtod, and feature files of a small history
 * carrying the decimal sums a person would write (0.1 + 0.2 = 0.3). */
#include "featutil.h"

#include "ml/internal.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bit-for-bit equality, so that 0.30000000000000004 is not "near" 0.3. */
static void assert_same(double got, double want)
{
    if (memcmp(&got, &want, sizeof got) != 0)
        fail_msg("got %.17g, expected %.17g", got, want);
}

static double sum_of(const double *x, size_t n)
{
    churn__decsum s = {0};
    for (size_t i = 0; i < n; i++)
        churn__decsum_add(&s, x[i]);
    return churn__decsum_value(&s);
}

static void test_known_sums(void **state)
{
    (void)state;
    const double a[] = {0.1, 0.2};
    assert_same(sum_of(a, 2), 0.3); /* plain doubles: 0.30000000000000004 */
    const double b[] = {19.99, 19.99, 19.99, 19.99, 19.99, 19.99, 19.99};
    assert_same(sum_of(b, 7), 139.93); /* plain: 139.92999999999998 */
    const double c[] = {0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1};
    assert_same(sum_of(c, 10), 1.0); /* plain: 0.9999999999999999 */
    const double d[] = {956.78, 0.1, -0.5, 1e6, 0.001};
    assert_same(sum_of(d, 5), 1000956.381);
    const double e[] = {0.5, -0.5};
    assert_same(sum_of(e, 2), 0.0);
    assert_same(sum_of(NULL, 0), 0.0);
    /* Beyond 9 decimals or 2^50 units: a plain double sum from there. */
    const double f[] = {0.1, 1.0 / 3};
    assert_same(sum_of(f, 2), 0.1 + 1.0 / 3);
    const double third[] = {1.0 / 3, 1.0 / 3, 1.0 / 3};
    assert_same(sum_of(third, 3), 1.0 / 3 + 1.0 / 3 + 1.0 / 3);
    const double g[] = {1e300, 1e300};
    assert_same(sum_of(g, 2), 2e300);
    const double h[] = {9e15, 9e15, 9e15}; /* units past 2^50 */
    assert_same(sum_of(h, 3), 2.7e16);
}

/* Random amounts with 0 to 4 decimals: the reference sum is exact in
 * integer units of 10^-4, printed as a decimal and read by strtod. */
static void test_random_amounts_match_exact_sum(void **state)
{
    (void)state;
    uint64_t seed = 2024;
    for (int trial = 0; trial < 20000; trial++) {
        churn__decsum s = {0};
        int64_t units = 0; /* of 10^-4 */
        int n = 1 + trial % 40;
        for (int i = 0; i < n; i++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            int decimals = (int)(seed >> 60) % 5;
            int64_t m = (int64_t)((seed >> 20) % 10000000) - 2000000;
            int64_t scale = 1;
            for (int k = decimals; k < 4; k++)
                scale *= 10;
            char text[40];
            snprintf(text, sizeof text, "%" PRId64 "e-%d", m, decimals);
            churn__decsum_add(&s, strtod(text, NULL));
            units += m * scale;
        }
        char exact[48];
        snprintf(exact, sizeof exact, "%" PRId64 "e-4", units);
        assert_same(churn__decsum_value(&s), strtod(exact, NULL));
    }
}

/* Sums merged and subtracted (revenue in a period = total at its end -
 * total at its start, over customers) stay exact decimal sums. */
static void test_merge(void **state)
{
    (void)state;
    uint64_t seed = 7;
    churn__decsum all = {0};
    int64_t units = 0; /* of 10^-3 */
    for (int c = 0; c < 1000; c++) {
        churn__decsum end = {0}, start = {0};
        for (int i = 0; i < 5; i++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            int64_t m = (int64_t)((seed >> 24) % 100000);
            int decimals = 1 + (int)(seed >> 61) % 3; /* 1 to 3 */
            char text[32];
            snprintf(text, sizeof text, "%" PRId64 "e-%d", m, decimals);
            double x = strtod(text, NULL);
            churn__decsum_add(&end, x);
            if (i < 2)
                churn__decsum_add(&start, x);
            else
                units += m * (decimals == 1 ? 100 : decimals == 2 ? 10 : 1);
        }
        churn__decsum_merge(&all, &end, 1);
        churn__decsum_merge(&all, &start, -1);
    }
    char exact[48];
    snprintf(exact, sizeof exact, "%" PRId64 "e-3", units);
    assert_same(churn__decsum_value(&all), strtod(exact, NULL));
    churn__decsum inexact = {0}, one = {0};
    churn__decsum_add(&inexact, 1.0 / 3);
    churn__decsum_add(&one, 1);
    churn__decsum_merge(&inexact, &one, -1);
    assert_same(churn__decsum_value(&inexact), 1.0 / 3 - 1);
}

/* A small history whose sums are noisy when added as doubles: the
 * features are the exact decimal sums, and the mean resolution time the
 * double nearest the true mean. */
static void test_features_carry_exact_sums(void **state)
{
    (void)state;
    churn_feature_opts *o = fu_opts_at(T0);
    const char *log = "customer_id,timestamp,event,value\n"
                      "a,2023-12-30,login,0.1\n"
                      "a,2023-12-31,login,0.2\n"
                      "a,2023-12-01,purchase,0.1\n"
                      "a,2023-12-02,purchase,0.2\n"
                      "a,2023-06-01,purchase,956.78\n"
                      "a,2023-12-03,survey,0.1\n"
                      "a,2023-12-04,survey,0.2\n"
                      "b,2023-12-31,login,\n"
                      "b,2023-12-01,order,19.99\n"
                      "b,2023-12-02,order,19.99\n"
                      "b,2023-12-03,order,19.99\n"
                      "b,2023-12-04,order,19.99\n"
                      "b,2023-12-05,order,19.99\n"
                      "b,2023-12-06,order,19.99\n"
                      "b,2023-12-07,order,19.99\n"
                      /* three tickets of 7 s, 8 s, 8 s */
                      "c,2023-12-31,login,\n"
                      "c,1703000000,ticket,\n"
                      "c,1703000007,ticket_closed,\n"
                      "c,1703100000,ticket,\n"
                      "c,1703100008,ticket_closed,\n"
                      "c,1703200000,ticket,\n"
                      "c,1703200008,ticket_closed,\n";
    churn_dataset *ds = fu_extract(log, o, NULL);
    assert_same(fu_get(ds, "a", "activity_7d"), 0.3);
    assert_same(fu_get(ds, "a", "monetary_90d"), 0.3);
    assert_same(fu_get(ds, "a", "monetary_total"), 957.08);
    assert_same(fu_get(ds, "a", "satisfaction_mean"), 0.15);
    assert_same(fu_get(ds, "b", "monetary_90d"), 139.93);
    assert_same(fu_get(ds, "b", "monetary_total"), 139.93);
    /* 23 s over 3 tickets, in days: the double nearest 23 / 259200,
     * 8.873456790123456e-05 (python3: float(Fraction(23, 259200))); two
     * divisions, 23 / 3 / 86400, give 8.873456790123458e-05. */
    assert_same(fu_get(ds, "c", "ticket_resolution_days_mean"),
                8.873456790123456e-05);
    churn_dataset_free(ds);
    churn_feature_opts_free(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_sums),
        cmocka_unit_test(test_random_amounts_match_exact_sum),
        cmocka_unit_test(test_merge),
        cmocka_unit_test(test_features_carry_exact_sums),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_format.c - the printf-free number formatting of ml/format.c
 * (churn__format_g, churn__format_fixed, churn__format_double), which
 * writes the million-row outputs of churn-score, against snprintf on
 * millions of doubles: random bit patterns (every exponent, subnormals),
 * values like probabilities and contributions, exact binary fractions
 * (ties of rounding at every digit), short decimals, and the neighbours
 * of powers of ten, where the decimal exponent is found. */
#include "ml/internal.h"
#include "testutil.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

static uint64_t next_random(uint64_t *seed)
{
    /* splitmix64 */
    uint64_t z = (*seed += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static long n_checked;

/* "%.<p>g" for the precisions churn-score and the reports use. */
static void check_g(double x, int p)
{
    char fast[CHURN__NUM_BUF], slow[64];
    size_t n = churn__format_g(x, p, fast);
    snprintf(slow, sizeof slow, "%.*g", p, x);
    tu_unsign_printf_zero(slow, 0);
    if (strcmp(fast, slow) != 0 || n != strlen(slow))
        fail_msg("%%.%dg of %a: '%s', snprintf '%s'", p, x, fast, slow);
    n_checked++;
}

/* "%+.<dec>f" and "%.<dec>f" (|x| small enough for a fixed text). */
static void check_fixed(double x, int dec)
{
    char fast[CHURN__NUM_BUF], slow[400];
    for (int plus = 0; plus <= 1; plus++) {
        size_t n = churn__format_fixed(x, dec, plus, fast);
        snprintf(slow, sizeof slow, plus ? "%+.*f" : "%.*f", dec, x);
        tu_unsign_printf_zero(slow, plus);
        if (strcmp(fast, slow) != 0 || n != strlen(slow))
            fail_msg("%%%s.%df of %a: '%s', snprintf '%s'", plus ? "+" : "",
                     dec, x, fast, slow);
        n_checked++;
    }
}

/* The shortest of "%.15g", "%.16g", "%.17g" that strtod reads back
 * (from "%.1g" for subnormals), never "-0": churn__format_double's
 * definition. */
static void check_shortest(double x)
{
    char fast[CHURN__NUM_BUF], slow[64];
    if (isnan(x))
        return;
    for (int prec = fabs(x) < DBL_MIN ? 1 : 15; prec <= 17; prec++) {
        snprintf(slow, sizeof slow, "%.*g", prec, x);
        if (prec == 17 || strtod(slow, NULL) == x)
            break;
    }
    tu_unsign_printf_zero(slow, 0);
    churn__format_double(x, fast);
    if (strcmp(fast, slow) != 0)
        fail_msg("shortest of %a: '%s', snprintf '%s'", x, fast, slow);
    n_checked++;
}

static void check_all(double x)
{
    check_g(x, 4);
    check_g(-x, 4);
    if (fabs(x) < 1e17) {
        check_fixed(x, 2);
        check_fixed(-x, 0);
    }
    check_shortest(x);
}

/* Random bit patterns: every exponent, subnormals, both signs. */
static void test_random_bits(void **state)
{
    (void)state;
    uint64_t seed = 11;
    for (int n = 0; n < 150000; n++) {
        uint64_t bits = next_random(&seed);
        double x;
        memcpy(&x, &bits, sizeof x);
        if (isfinite(x))
            check_all(x);
        bits &= 0x800fffffffffffffull; /* subnormals */
        memcpy(&x, &bits, sizeof x);
        check_g(x, 4);
        check_shortest(x);
    }
}

/* What churn-score writes: probabilities in (0, 1), contributions of a
 * few units, inputs with four decimals, counts and amounts. */
static void test_scoring_values(void **state)
{
    (void)state;
    uint64_t seed = 12;
    for (int n = 0; n < 150000; n++) {
        uint64_t r = next_random(&seed);
        double u = (double)(r >> 11) / 9007199254740992.0; /* [0, 1) */
        check_all(u);
        check_all(1 / (1 + exp(8 * (0.5 - u)))); /* a sigmoid */
        check_all((u - 0.5) * 6);                 /* a contribution */
        check_all((double)(int64_t)(r % 80001 - 40000) / 10000); /* x.xxxx */
        check_all((double)(r % 100000) / 100);    /* an amount */
        check_all((double)(r % 5000));            /* a count */
    }
}

/* Exact binary fractions m / 2^j: every one that ends in a 5 at some
 * decimal is a tie there, rounded to even by printf. */
static void test_ties(void **state)
{
    (void)state;
    uint64_t seed = 13;
    for (int n = 0; n < 150000; n++) {
        uint64_t r = next_random(&seed);
        int j = (int)(r % 40);
        double m = (double)((r >> 8) % (1u << (1 + (r >> 40) % 24)));
        check_all(ldexp(m, -j));
        check_all(ldexp(m + 0.5, -j % 8)); /* .5, .25, ... */
    }
    /* Ties at the fourth significant digit and at the second decimal. */
    for (int k = 0; k < 20000; k++) {
        check_all(k + 0.125);
        check_all(k + 0.375);
        check_all(k / 8.0);
        check_all((k * 10 + 5) / 1.0);      /* 12345 -> %.4g tie */
        check_all((k * 10 + 5) / 10000.0);  /* rounded, near a tie */
        check_all(ldexp(2 * k + 1, -12));
    }
    /* Decimals that end in a 5 just past the digit kept ("1.115" for
     * %.2f, "1.2345e-3" for %.4g): as doubles they lie a hair above or
     * below the half, and x 10^s as a double often lands on the half
     * itself (1.115 x 100 = 111.5, while 1.115 is below 1.115): the
     * quick path must leave these to the exact one. */
    for (int k = 0; k < 200000; k++) {
        char text[32];
        snprintf(text, sizeof text, "%d.%02d5", k / 100, k % 100);
        check_all(strtod(text, NULL));
        snprintf(text, sizeof text, "%de%d", k * 10 + 5, k % 31 - 20);
        check_all(strtod(text, NULL));
    }
}

/* Just below and above powers of ten (the decimal exponent is found from
 * the binary one, one off near them) and of two; the extremes. */
static void test_powers_and_extremes(void **state)
{
    (void)state;
    for (int k = -320; k <= 308; k++) {
        double t = pow(10, k);
        double x = t;
        for (int i = 0; i < 20; i++)
            x = nextafter(x, 0);
        for (int i = 0; i < 40; i++, x = nextafter(x, INFINITY))
            check_all(x);
        /* Where rounding to 4 or 2 digits carries into a new digit. */
        check_all(t * 9.9995);
        check_all(t * 9.99949999999);
        check_all(t * 0.999999999999999);
    }
    for (int b = -1074; b <= 1023; b++) {
        double x = ldexp(1, b);
        check_all(x);
        check_all(nextafter(x, 0));
        check_all(nextafter(x, INFINITY));
    }
    const double known[] = {0.0,     -0.0,     DBL_MIN, -DBL_MIN,
                            DBL_MAX, -DBL_MAX, 4.9e-324, -4.9e-324,
                            DBL_TRUE_MIN * 3, 1e-5, 9.9995, 0.5, 1.5, 2.5,
                            1e15,    1e16,     1e17,    1e21,
                            1e22,    1e23,     INFINITY, -INFINITY};
    for (size_t i = 0; i < sizeof known / sizeof *known; i++) {
        check_g(known[i], 4);
        check_shortest(known[i]);
        if (fabs(known[i]) < 1e17)
            check_fixed(known[i], 2);
    }
    char buf[CHURN__NUM_BUF];
    churn__format_fixed(-0.0, 2, 1, buf);
    assert_string_equal(buf, "+0.00");
    churn__format_g(-0.0, 4, buf);
    assert_string_equal(buf, "0");
    assert_string_equal(churn__format_double(-0.0, buf), "0");
    assert_string_equal(churn__format_double(NAN, buf), "");
    /* Every check above ran: millions of texts. */
    print_message("%ld texts compared with snprintf\n", n_checked);
    assert_true(n_checked > 2000000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_bits),
        cmocka_unit_test(test_scoring_values),
        cmocka_unit_test(test_ties),
        cmocka_unit_test(test_powers_and_extremes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

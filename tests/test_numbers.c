/* test_numbers.c - churn__parse_double: its fast path for plain decimals
 * must accept exactly what strtod accepts and return the same double. */
#include "testutil.h"

#include "internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The reference: strtod must take the whole text and give a finite
 * value. Only called with texts of [0-9.+-], which churn__parse_double
 * hands to strtod as they are. */
static int reference(const char *text, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end || errno == ERANGE || !isfinite(v))
        return 0;
    *out = v;
    return 1;
}

static void check(const char *text)
{
    double fast = 1234.5, slow = 1234.5;
    int ok_fast = churn__parse_double(text, strlen(text), &fast);
    int ok_slow = reference(text, &slow);
    if (ok_fast != ok_slow)
        fail_msg("'%s': accepted %d, strtod %d", text, ok_fast, ok_slow);
    if (ok_fast && memcmp(&fast, &slow, sizeof fast) != 0)
        fail_msg("'%s': %.17g, strtod %.17g", text, fast, slow);
}

static void test_known_cases(void **state)
{
    (void)state;
    const char *cases[] = {"0", "-0", "+0", "5.", ".5", "-.5", "12.50",
                           "1709251200", "1709251200.25", "0.1", "0.3",
                           "999999999999999", "9999999999999999",
                           "123456789012345.6", "0.000000000000001",
                           "1.2.3", ".", "-", "+", "+-1", "--1", "1-",
                           "", "00000000000000000001", "3.14159265358979"};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        check(cases[i]);
    double v;
    assert_int_equal(churn__parse_double("-0", 2, &v), 1);
    assert_true(v == 0 && signbit(v)); /* the sign of zero survives */
    assert_int_equal(churn__parse_double(" 2.5 ", 5, &v), 1);
    assert_true(v == 2.5);
    assert_int_equal(churn__parse_double("1e3", 3, &v), 1);
    assert_true(v == 1000);
}

/* 200000 random texts over the characters of plain numbers. */
static void test_random_texts_match_strtod(void **state)
{
    (void)state;
    const char alphabet[] = "0123456789012345678901234567890123456789.-+";
    uint64_t seed = 99;
    char text[24];
    for (int n = 0; n < 200000; n++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        size_t len = 1 + (size_t)(seed >> 59) % 20;
        for (size_t i = 0; i < len; i++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            text[i] = alphabet[(seed >> 33) % (sizeof alphabet - 1)];
        }
        text[len] = '\0';
        check(text);
    }
}

/* churn__format_double against its definition: the shortest of %.15g,
 * %.16g, %.17g that strtod reads back to x. Whole numbers take a path
 * of their own, so many of them, of every size, and their neighbours. */
static void check_format(double x)
{
    char want[64], got[CHURN__NUM_BUF];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(want, sizeof want, "%.*g", prec, x);
        if (prec == 17 || strtod(want, NULL) == x)
            break;
    }
    churn__format_double(x, got);
    if (strcmp(got, want) != 0)
        fail_msg("%.17g: '%s', expected '%s'", x, got, want);
}

static void test_format_matches_printf(void **state)
{
    (void)state;
    const double cases[] = {0, -0.0, 1, -1, 9, 10, 99, 100, 1e14, -1e14,
                            999999999999999, -999999999999999, 1e15, -1e15,
                            1e15 + 2, 4e15, 9007199254740992.0, 1e16,
                            0.5, -0.5, 1.5, 2.0000000000000004, 1e300};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        check_format(cases[i]);
    uint64_t seed = 5;
    for (int n = 0; n < 100000; n++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        double whole = (double)(seed >> (11 + (seed & 63) % 50));
        check_format(seed & 1 ? whole : -whole);
        check_format(whole + 0.25);
        check_format(nextafter(whole, 0));
    }
    char buf[CHURN__NUM_BUF];
    assert_string_equal(churn__format_double(NAN, buf), "");
    assert_string_equal(churn__format_double(-0.0, buf), "-0");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_matches_printf),
        cmocka_unit_test(test_known_cases),
        cmocka_unit_test(test_random_texts_match_strtod),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_numbers.c - churn__parse_double: its fast path for plain decimals
 * must accept exactly what strtod accepts and return the same double; the
 * printf-free formatting must write exactly what printf writes. */
#include "testutil.h"

#include "ml/decimal.h"
#include "ml/internal.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The reference: strtod must take the whole text and give a finite
 * value. Only called with texts of [0-9.+-eE], which churn__parse_double
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
    size_t len = strlen(text);
    int ok_fast = churn__parse_double(text, len, &fast);
    int ok_slow = reference(text, &slow);
    if (ok_fast != ok_slow)
        fail_msg("'%s': accepted %d, strtod %d", text, ok_fast, ok_slow);
    if (ok_fast && memcmp(&fast, &slow, sizeof fast) != 0)
        fail_msg("'%s': %.17g, strtod %.17g", text, fast, slow);
    /* As a field of a line, bytes after it (the readers' numbers scan
     * up to the delimiter, reading ahead 8 bytes at a time): what the
     * scan reads is a number with strtod's bits, the whole text when
     * strtod takes it all, or nothing (left to strtod). */
    char line[128], prefix[128];
    if (len + 9 > sizeof line)
        return;
    memcpy(line, text, len);
    memcpy(line + len, ",7777777", 9);
    double in_line = -1234.5, ref = 0;
    size_t got = churn__scan_decimal(line, len + 8, &in_line);
    if (got == 0)
        return;
    memcpy(prefix, text, got);
    prefix[got] = '\0';
    if ((ok_slow && got != len) || !reference(prefix, &ref) ||
        memcmp(&in_line, &ref, sizeof ref) != 0)
        fail_msg("'%s' in a line: %zu bytes, %.17g; strtod %d", text, got,
                 in_line, ok_slow);
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

static uint64_t next_random(uint64_t *seed)
{
    *seed = *seed * 6364136223846793005ull + 1442695040888963407ull;
    return *seed ^ (*seed >> 29);
}

/* Long decimals (16 to 19 significant digits, the 128-bit path) in fixed
 * notation with 1 to 21 decimals, and the same digits with exponents. */
static void test_long_decimals_match_strtod(void **state)
{
    (void)state;
    uint64_t seed = 7;
    char text[64];
    for (int n = 0; n < 300000; n++) {
        uint64_t m = next_random(&seed);
        int digits = 16 + (int)(next_random(&seed) % 4);
        while (m >= 10000000000000000000ull)
            m /= 10;
        char num[24];
        snprintf(num, sizeof num, "%019llu", (unsigned long long)m);
        num[digits] = '\0';
        int point = (int)(next_random(&seed) % 23); /* digits before '.' */
        int zeros = (int)(next_random(&seed) % 4); /* after the point */
        if (point > 0 && point < digits)
            snprintf(text, sizeof text, "%.*s.%s", point, num, num + point);
        else
            snprintf(text, sizeof text, "0.%.*s%s", zeros, "000", num);
        check(text);
        snprintf(text, sizeof text, "-%s.%se%d", "9", num, (int)(next_random(&seed) % 40) - 20);
        check(text);
    }
}

/* Round-trip texts of random doubles: %.15g/%.16g/%.17g of random bits
 * (with subnormals, extremes) and of values in ordinary ranges. */
static void test_printed_doubles_match_strtod(void **state)
{
    (void)state;
    uint64_t seed = 11;
    char text[64];
    for (int n = 0; n < 300000; n++) {
        uint64_t bits = next_random(&seed);
        double x;
        memcpy(&x, &bits, sizeof x);
        if (n % 2)
            x = ldexp((double)(bits >> 11), (int)(next_random(&seed) % 80) - 100);
        if (!isfinite(x))
            continue;
        snprintf(text, sizeof text, "%.*g", 15 + n % 3, x);
        check(text);
        snprintf(text, sizeof text, "%.*f", (int)(n % 22), x);
        if (strlen(text) < 40)
            check(text);
    }
}

/* Exact midpoints between two doubles, where rounding ties to even:
 * in [2^52, 2^53) they are x.5, in [2^51, 2^52) x.25 and x.75, in [2^50,
 * 2^51) x.125 ... (17 to 19 digits), and the decimals next to them. */
static void test_ties_round_to_even(void **state)
{
    (void)state;
    uint64_t seed = 3;
    char text[64];
    const char *frac[] = {"5", "25", "75", "125", "375", "625", "875"};
    const uint64_t base[] = {1ull << 52, 1ull << 51, 1ull << 51, 1ull << 50,
                             1ull << 50, 1ull << 50, 1ull << 50};
    for (int n = 0; n < 20000; n++) {
        size_t f = (size_t)(n % 7);
        uint64_t i = base[f] + next_random(&seed) % base[f];
        if (n < 7)
            i = base[f] + (uint64_t)n; /* the first ones, both parities */
        snprintf(text, sizeof text, "%llu.%s", (unsigned long long)i, frac[f]);
        check(text);
        snprintf(text, sizeof text, "%llu.%s1", (unsigned long long)i,
                 frac[f]);
        check(text);
        snprintf(text, sizeof text, "%llu.%s", (unsigned long long)i - 1,
                 "9999999");
        check(text);
    }
    check("4503599627370497.5");
    check("4503599627370498.5");
    check("2251799813685249.25");
    check("0.1000000000000000055511151231257827"); /* > 19 digits */
    check("1e-400");
    check("1e400");
    check("1e");
    check("1e+");
    check("2.5E-3");
    check("0e5");
    check("-0.0e0");
}

/* The edge cases of decimal conversion: signed zeros, the limits of the
 * range (1e-400 and 1e309 are out of it, as strtod says with ERANGE),
 * 2^53 + 1 (the first integer a double cannot hold: ties to even), the
 * halfway case at the smallest normal, 0.1, leading zeros, and texts that
 * are not numbers. Leading and trailing spaces are allowed around any of
 * them. */
static void test_edge_cases(void **state)
{
    (void)state;
    const char *cases[] = {
        "0", "-0", "+0", "0.0", "-0.0", "00", "0e0", "0e-999", "1e-400",
        "-1e-400", "1e309", "-1e309", "1e308", "1.7976931348623157e308",
        "1.7976931348623158e308", "1.7976931348623159e308",
        "2.2250738585072011e-308", "2.2250738585072012e-308",
        "2.2250738585072014e-308", "4.9406564584124654e-324",
        "9007199254740992", "9007199254740993", "9007199254740994",
        "9007199254740995", "9007199254740993.0", "90071992547409930e-1",
        "18446744073709551615", "18446744073709551616",
        "99999999999999999999", "0.1", "0.2", "0.30000000000000004",
        "1e22", "1e23", "1e-22", "1e-23", "123456789e-22", "8.98846567431158e307",
        "0000000000000000000000000012.5", "0.00000000000000000000000001",
        "1.", ".5", "+1", "-.5e1", "1e", "1e+", "e5", "--1", "+-1", "1e5.5",
        "1..2", ".", "-", "1-1", "1e--5"};
    char text[80];
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        check(cases[i]);
        for (int pad = 0; pad < 3; pad++) { /* with spaces around */
            double a = 1234.5, b = 1234.5;
            snprintf(text, sizeof text, pad == 0 ? " %s" :
                     pad == 1 ? "%s\t" : "  %s  ", cases[i]);
            int ok_a = churn__parse_double(text, strlen(text), &a);
            int ok_b = churn__parse_double(cases[i], strlen(cases[i]), &b);
            assert_int_equal(ok_a, ok_b);
            assert_memory_equal(&a, &b, sizeof a);
        }
    }
    /* strtod takes these; churn does not mean them as numbers */
    const char *not_numbers[] = {"0x10", "inf", "-INF", "nan", "infinity",
                                 "1,5", "1_000", "1e5f", "\xc2\xa0"};
    double v;
    for (size_t i = 0; i < sizeof not_numbers / sizeof *not_numbers; i++)
        assert_int_equal(churn__parse_double(not_numbers[i],
                                             strlen(not_numbers[i]), &v),
                         0);
    assert_int_equal(churn__parse_double("9007199254740993", 16, &v), 1);
    assert_true(v == 9007199254740992.0); /* 2^53 + 1: ties to even */
    assert_int_equal(churn__parse_double("1e309", 5, &v), 0);
    assert_int_equal(churn__parse_double("1e-400", 6, &v), 0);
    assert_int_equal(churn__parse_double(" ", 1, &v), 0);
    assert_int_equal(churn__parse_double("1 2", 3, &v), 0);
}

/* A million random decimals: a sign or none, 1 to 25 digits with a
 * point anywhere or none, and an exponent or none (up to 3 digits, so
 * some overflow and some underflow), sometimes with a stray character;
 * each must give strtod's acceptance and strtod's bits. */
static void test_random_decimals_match_strtod(void **state)
{
    (void)state;
    uint64_t seed = 2024;
    char text[64];
    for (int n = 0; n < 1000000; n++) {
        uint64_t r = next_random(&seed);
        size_t len = 0;
        if (r % 4 == 0)
            text[len++] = r % 8 == 0 ? '-' : '+';
        int digits = 1 + (int)((r >> 3) % 25);
        int point = (int)((r >> 8) % (unsigned)(digits + 6)) - 1;
        int zeros = (int)((r >> 16) % 3) == 0 ? (int)((r >> 18) % 20) : 0;
        uint64_t d = next_random(&seed);
        for (int i = 0; i < digits; i++) {
            if (i == point)
                text[len++] = '.';
            if (i < zeros)
                text[len++] = '0';
            else {
                if (i % 16 == 0)
                    d = next_random(&seed);
                text[len++] = (char)('0' + d % 10);
                d /= 10;
            }
        }
        if (point == digits)
            text[len++] = '.';
        uint64_t e = next_random(&seed);
        if (e % 3 == 0) {
            text[len++] = e % 2 ? 'e' : 'E';
            if (e % 5 < 2)
                text[len++] = e % 5 ? '-' : '+';
            len += (size_t)snprintf(text + len, sizeof text - len, "%d",
                                    (int)((e >> 8) % (e % 7 ? 40 : 400)));
        }
        if ((e >> 20) % 50 == 0) /* a stray character somewhere */
            text[(e >> 30) % len] = "e.-+x "[(e >> 40) % 6];
        text[len] = '\0';
        if (strchr(text, ' ') || strchr(text, 'x'))
            continue; /* not for strtod's judgement: see check */
        check(text);
    }
}

/* Texts longer than 63 characters are numbers too (strtod takes them):
 * long mantissas, many leading zeros, the exact decimal of a double. */
static void test_long_texts_match_strtod(void **state)
{
    (void)state;
    char text[CHURN__NUMBER_MAX + 2];
    uint64_t seed = 5;
    for (int n = 0; n < 2000; n++) {
        size_t len = 64 + (size_t)(next_random(&seed) % 700), i = 0;
        if (n % 3 == 0)
            text[i++] = '-';
        size_t point = (size_t)(next_random(&seed) % len);
        for (; i < len; i++)
            text[i] = i == point ? '.' : (char)('0' + next_random(&seed) % 10);
        if (n % 2)
            i += (size_t)snprintf(text + i, 8, "e-%d",
                                  (int)(next_random(&seed) % 300));
        text[i] = '\0';
        check(text);
    }
    check("0.1000000000000000055511151231257827021181583404541015625000000");
    check("0.10000000000000000555111512312578270211815834045410156250000000");
    check("2.225073858507201136057409796709131975934819546351645648023426109"
          "724822222021076945516529523908135087914149158913039621106870086438"
          "694594645527657207407820621743379988141063267329253552286881372149"
          "012981122451451889849057222307285255133155755015914397476397983411"
          "801999323962548289017107081850690630666655994938275772572015763062"
          "690663332647565300009245888316433037779785086741355157158296847542"
          "2e-308"); /* halfway at the smallest normal, exactly */
    /* Leading zeros do not count (the fast path skips them); strtod is
     * asked about at most CHURN__NUMBER_MAX characters. */
    double v;
    memset(text, '0', CHURN__NUMBER_MAX + 1);
    text[CHURN__NUMBER_MAX] = '7';
    assert_int_equal(churn__parse_double(text, CHURN__NUMBER_MAX + 1, &v), 1);
    assert_true(v == 7);
    memset(text, '1', CHURN__NUMBER_MAX + 1);
    text[0] = '0';
    text[1] = '.';
    text[CHURN__NUMBER_MAX] = '\0';
    check(text); /* 0.111...1, at the limit */
    assert_int_equal(churn__parse_double(text, CHURN__NUMBER_MAX, &v), 1);
    text[CHURN__NUMBER_MAX] = '1';
    assert_int_equal(churn__parse_double(text, CHURN__NUMBER_MAX + 1, &v),
                     0); /* a strtod text past the limit */
}

/* churn__format_double by its definition: the shortest of %.15g, %.16g
 * and %.17g that strtod reads back; subnormals, with fewer bits, from
 * %.1g on. */
static void reference_shortest(double x, char *buf)
{
    for (int prec = fabs(x) < DBL_MIN ? 1 : 15; prec <= 17; prec++) {
        snprintf(buf, CHURN__NUM_BUF, "%.*g", prec, x);
        if (prec == 17 || strtod(buf, NULL) == x)
            break;
    }
}

/* Compares the printf-free formatting with snprintf on x. */
static void check_format(double x)
{
    char fast[CHURN__NUM_BUF], slow[CHURN__NUM_BUF];
    for (int p = 1; p <= 17; p += (p < 4 ? 1 : 6)) {
        size_t n = churn__format_g(x, p, fast);
        snprintf(slow, sizeof slow, "%.*g", p, x);
        tu_unsign_printf_zero(slow, 0);
        if (strcmp(fast, slow) != 0 || n != strlen(slow))
            fail_msg("%%.%dg of %a: '%s', snprintf '%s'", p, x, fast, slow);
    }
    if (fabs(x) < 1e15) {
        for (int dec = 0; dec <= 4; dec += 2) {
            churn__format_fixed(x, dec, 1, fast);
            snprintf(slow, sizeof slow, "%+.*f", dec, x);
            tu_unsign_printf_zero(slow, 1);
            if (strcmp(fast, slow) != 0)
                fail_msg("%%+.%df of %a: '%s', snprintf '%s'", dec, x, fast,
                         slow);
        }
    }
    if (isnan(x))
        return;
    churn__format_double(x, fast);
    reference_shortest(x, slow);
    tu_unsign_printf_zero(slow, 0);
    if (strcmp(fast, slow) != 0)
        fail_msg("shortest of %a: '%s', reference '%s'", x, fast, slow);
    double back = strtod(fast, NULL);
    if (memcmp(&back, &x, sizeof x) != 0 && !isinf(x) && x != 0)
        fail_msg("'%s' does not read back to %a", fast, x);
}

/* Random bit patterns (every exponent: subnormals, extremes), values
 * like probabilities, short decimals and exact ties of rounding. */
static void test_formatting_matches_printf(void **state)
{
    (void)state;
    uint64_t seed = 5;
    for (int n = 0; n < 200000; n++) {
        uint64_t bits = next_random(&seed);
        double x;
        memcpy(&x, &bits, sizeof x);
        if (!isnan(x))
            check_format(x);
        check_format((double)(bits >> 11) / 9007199254740992.0); /* [0,1) */
        check_format((double)(int64_t)(bits % 2000001) / 1000.0 - 1000.0);
        check_format(ldexp((double)(bits >> 11), -(int)(bits % 60)));
    }
    /* Just below and above powers of ten, where a log10 guess of the
     * exponent can be one off and rounding carries into a new digit. */
    for (int k = -30; k <= 30; k++) {
        double t = pow(10, k);
        double x = t;
        for (int i = 0; i < 40; i++)
            x = nextafter(x, 0);
        for (int i = 0; i < 80; i++, x = nextafter(x, INFINITY))
            check_format(x);
        check_format(t * 0.99999999999999995);
        check_format(t * 9.9999999999999995);
    }
    const double known[] = {0.0, -0.0, 0.5, 1.5, 2.5, 0.125, -0.125, 0.375,
                            1e-5, 9.9995, 99995, 0.00099995, 1e16, 1e17,
                            123456789012345678.0, 4.9e-324, -4.9e-324,
                            2.2250738585072014e-308, 1.7976931348623157e308,
                            -1.7976931348623157e308, 0.1, 0.2, 0.3,
                            1.0 / 3, 2.0 / 3, 9.5, 10.5, 1e-4, 0.00012345,
                            999999.5, 1e21, 1e22, 5e-310, INFINITY,
                            -INFINITY};
    for (size_t i = 0; i < sizeof known / sizeof *known; i++)
        check_format(known[i]);
    char buf[CHURN__NUM_BUF];
    assert_string_equal(churn__format_double(NAN, buf), "");
    assert_string_equal(churn__format_double(0.1, buf), "0.1");
    churn__format_fixed(0.125, 2, 1, buf); /* a tie: to even */
    assert_string_equal(buf, "+0.12");
    churn__format_fixed(-0.001, 2, 1, buf); /* a zero has no minus */
    assert_string_equal(buf, "+0.00");
    churn__format_fixed(-0.00001, 4, 0, buf);
    assert_string_equal(buf, "0.0000");
    churn__format_g(-1e-30, 4, buf);
    assert_string_equal(buf, "-1e-30");
    churn__format_g(-0.0, 4, buf);
    assert_string_equal(buf, "0");
}

/* churn__format_double against its definition: the shortest of %.15g,
 * %.16g, %.17g that strtod reads back to x. Whole numbers take a path
 * of their own, so many of them, of every size, and their neighbours. */
static void check_shortest(double x)
{
    char want[64], got[CHURN__NUM_BUF];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(want, sizeof want, "%.*g", prec, x);
        if (prec == 17 || strtod(want, NULL) == x)
            break;
    }
    churn__format_double(x, got);
    tu_unsign_printf_zero(want, 0);
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
        check_shortest(cases[i]);
    uint64_t seed = 5;
    for (int n = 0; n < 100000; n++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        double whole = (double)(seed >> (11 + (seed & 63) % 50));
        check_shortest(seed & 1 ? whole : -whole);
        check_shortest(whole + 0.25);
        check_shortest(nextafter(whole, 0));
    }
    char buf[CHURN__NUM_BUF];
    assert_string_equal(churn__format_double(NAN, buf), "");
    assert_string_equal(churn__format_double(-0.0, buf), "0");
}

/* The significant digits of text ("-1.25e-05" -> 3, "100" -> 1). */
static int significant_digits(const char *text)
{
    int n = 0, last = 0, leading = 1;
    for (const char *p = text; *p && *p != 'e'; p++) {
        if (*p < '0' || *p > '9' || (*p == '0' && leading))
            continue;
        leading = 0;
        n++;
        if (*p != '0')
            last = n; /* trailing zeros of a whole number do not count */
    }
    return last;
}

/* The shortest round trip, checked by its definition with strtod: the
 * text reads back to x bit for bit, and no decimal with one digit less
 * does (the %.<n-1>g rounding is the nearest such decimal). */
static void check_round_trip(double x)
{
    char got[CHURN__NUM_BUF], shorter[400];
    churn__format_double(x, got);
    double back = strtod(got, NULL);
    if (!(back == x) || (x != 0 && signbit(back) != signbit(x)))
        fail_msg("%a: '%s' reads back as %a", x, got, back);
    if (strchr(got, '-') == got && back == 0)
        fail_msg("%a: a negative zero '%s'", x, got);
    int n = significant_digits(got);
    if (n > 1) {
        snprintf(shorter, sizeof shorter, "%.*g", n - 1, x);
        if (strtod(shorter, NULL) == x)
            fail_msg("%a: '%s' is not shortest, '%s' reads back too", x,
                     got, shorter);
    }
}

static void test_shortest_round_trip(void **state)
{
    (void)state;
    const double cases[] = {-0.0, 0.0, 1e-300, -1e-300, 0.1 + 0.2, 0.3,
                            956.8800000000001, 956.88, 1.0 / 3, 2.0 / 3,
                            9007199254740993.0, 9007199254740992.0,
                            123456789012345680.0, 1e22, 1e23, 5e-324,
                            1.7976931348623157e308, 0.1, 100, 1e15 + 0.5};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        check_round_trip(cases[i]);
    uint64_t seed = 17;
    for (int n = 0; n < 200000; n++) {
        uint64_t bits = next_random(&seed);
        double x;
        memcpy(&x, &bits, sizeof x);
        if (isfinite(x))
            check_round_trip(x);
        check_round_trip((double)(int64_t)(bits % 100000000) / 100.0);
    }
    char buf[CHURN__NUM_BUF];
    /* Python's repr of the same doubles (python3 -c 'print(repr(...))'). */
    assert_string_equal(churn__format_double(0.1 + 0.2, buf),
                        "0.30000000000000004");
    assert_string_equal(churn__format_double(956.88, buf), "956.88");
    assert_string_equal(churn__format_double(1e-300, buf), "1e-300");
}

/* churn_format_number, the tools' one formatter. */
static void test_format_number(void **state)
{
    (void)state;
    char buf[32];
    assert_string_equal(churn_format_number(956.88, -1, buf, sizeof buf),
                        "956.88");
    assert_string_equal(churn_format_number(-0.0, -1, buf, sizeof buf), "0");
    assert_string_equal(churn_format_number(-0.00001, 4, buf, sizeof buf),
                        "0.0000");
    assert_string_equal(churn_format_number(-0.00006, 4, buf, sizeof buf),
                        "-0.0001");
    assert_string_equal(churn_format_number(0.125, 2, buf, sizeof buf),
                        "0.12");
    assert_string_equal(churn_format_number(NAN, 4, buf, sizeof buf), "n/a");
    assert_string_equal(churn_format_number(-INFINITY, -1, buf, sizeof buf),
                        "n/a");
    char small[4];
    assert_string_equal(churn_format_number(12345, 0, small, sizeof small),
                        "123"); /* cut to the buffer, still terminated */
}

/* The expected length of the plain prefix [+-]digits[.digits] of
 * text[0..avail) with at least one digit (no exponent is written here),
 * and its digit count. */
static size_t plain_prefix(const char *text, size_t avail, int *n_digits)
{
    size_t i = avail > 0 && (text[0] == '-' || text[0] == '+');
    *n_digits = 0;
    for (; i < avail && text[i] >= '0' && text[i] <= '9'; i++)
        ++*n_digits;
    if (i < avail && text[i] == '.')
        for (i++; i < avail && text[i] >= '0' && text[i] <= '9'; i++)
            ++*n_digits;
    return *n_digits ? i : 0;
}

/* churn__scan_decimal reads digits 8 bytes at a time: every run length
 * (0 to 20 digits on each side of the point), every byte after a run
 * (the bytes around '0'-'9' and those >= 0xFA, whose carries a per-byte
 * test must not let through) and every cut of avail must give the
 * prefix a byte-by-byte scan finds, with strtod's value. */
static void test_scan_prefix_every_run_length(void **state)
{
    (void)state;
    const unsigned char after[] = {',', '\n', '/', ':', 'x', 0, 0xFA, 0xFF,
                                   '0' + 0x80, ' '};
    unsigned seed = 7;
    char text[64], copy[64];
    for (int sign = 0; sign < 3; sign++)
        for (int a = 0; a <= 20; a++)
            for (int b = -1; b <= 20; b++) /* -1: no point */
                for (size_t k = 0; k < sizeof after; k++) {
                    size_t n = 0;
                    if (sign)
                        text[n++] = sign == 1 ? '-' : '+';
                    for (int d = 0; d < a; d++)
                        text[n++] = (char)('0' + (seed = seed * 1103515245u +
                                                         12345u) % 10);
                    if (b >= 0)
                        text[n++] = '.';
                    for (int d = 0; d < b; d++)
                        text[n++] = (char)('0' + (seed = seed * 1103515245u +
                                                         12345u) % 10);
                    text[n++] = (char)after[k];
                    memset(text + n, '7', sizeof text - n);
                    for (size_t avail = 0; avail <= n + 9; avail++) {
                        int n_digits;
                        size_t want = plain_prefix(text, avail, &n_digits);
                        double v = -1234.5;
                        size_t got = churn__scan_decimal(text, avail, &v);
                        if (n_digits > 15) { /* m >= 2^53 may be left to
                                                strtod */
                            if (got != 0 && got != want)
                                fail_msg("a=%d b=%d avail=%zu: %zu, not %zu",
                                         a, b, avail, got, want);
                        } else if (got != want) {
                            fail_msg("a=%d b=%d after=%d avail=%zu: %zu, "
                                     "not %zu", a, b, after[k], avail, got,
                                     want);
                        }
                        if (got == 0)
                            continue;
                        memcpy(copy, text, got);
                        copy[got] = '\0';
                        double ref = strtod(copy, NULL);
                        if (memcmp(&v, &ref, sizeof v) != 0)
                            fail_msg("'%s': %.17g, strtod %.17g", copy, v,
                                     ref);
                    }
                }
}

/* A field for the lanes: plain ([-]digits[.digits], 1 to 7 bytes after
 * the sign) when plain is set, else random bytes of number texts. */
static size_t lane_field(uint64_t *seed, int plain, char *text)
{
    static const char any[] = "0123456789.-+eE x";
    size_t n = 0;
    if (!plain) {
        size_t len = (size_t)(next_random(seed) % 10);
        for (; n < len; n++)
            text[n] = any[next_random(seed) % (sizeof any - 1)];
        return n;
    }
    if (next_random(seed) % 2)
        text[n++] = '-';
    size_t body = 1 + (size_t)(next_random(seed) % 7);
    /* The point's place; past the end (or a one-byte body): none. */
    size_t point = (size_t)(next_random(seed) % (body + 2));
    for (size_t k = 0; k < body; k++)
        text[n++] = k == point && body > 1
                        ? '.'
                        : (char)('0' + next_random(seed) % 10);
    return n;
}

/* churn__decimal_lanes against churn__scan_decimal_inline: a field the
 * lanes take is one the scan takes whole, with the same bits; every plain
 * field is taken (else the lanes would quietly cost a second reading of
 * each field). Random bytes follow each field, a delimiter first when
 * plain. */
static void test_lanes_match_scan(void **state)
{
    (void)state;
    if (!churn__decimal_lanes_usable()) {
        print_message("no AVX-512 here: the lanes are not used\n");
        return;
    }
    uint64_t seed = 99;
    enum { N = 64 };
    static const char after[] = "0123456789,.-\n\r";
    size_t taken = 0, plain_fields = 0;
    for (int round = 0; round < 20000; round++) {
        char text[N][24];
        uint64_t window[N], length[N];
        double out[N];
        unsigned char ok[N / 8];
        int plain[N];
        for (size_t k = 0; k < N; k++) {
            plain[k] = next_random(&seed) % 3 != 0;
            size_t len = lane_field(&seed, plain[k], text[k]);
            for (size_t j = len; j < sizeof text[k]; j++)
                text[k][j] = after[next_random(&seed) % (sizeof after - 1)];
            if (plain[k])
                text[k][len] = ",\n\r"[next_random(&seed) % 3];
            memcpy(&window[k], text[k], 8);
            length[k] = len;
        }
        churn__decimal_lanes(N, window, length, out, ok);
        for (size_t k = 0; k < N; k++) {
            int lane = ok[k / 8] >> (k % 8) & 1;
            plain_fields += (size_t)plain[k];
            if (plain[k] && !lane)
                fail_msg("plain field '%.*s' declined", (int)length[k],
                         text[k]);
            if (!lane)
                continue;
            taken++;
            double v = -1234.5;
            size_t got = churn__scan_decimal_inline(text[k], length[k], &v);
            if (got != length[k] || memcmp(&v, &out[k], sizeof v) != 0)
                fail_msg("'%.*s': lanes %.17g, scan %zu bytes %.17g",
                         (int)length[k], text[k], out[k], got, v);
        }
    }
    assert_true(taken >= plain_fields); /* random ones now and then too */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_matches_printf),
        cmocka_unit_test(test_shortest_round_trip),
        cmocka_unit_test(test_format_number),
        cmocka_unit_test(test_known_cases),
        cmocka_unit_test(test_scan_prefix_every_run_length),
        cmocka_unit_test(test_random_texts_match_strtod),
        cmocka_unit_test(test_long_decimals_match_strtod),
        cmocka_unit_test(test_printed_doubles_match_strtod),
        cmocka_unit_test(test_ties_round_to_even),
        cmocka_unit_test(test_edge_cases),
        cmocka_unit_test(test_random_decimals_match_strtod),
        cmocka_unit_test(test_long_texts_match_strtod),
        cmocka_unit_test(test_formatting_matches_printf),
        cmocka_unit_test(test_lanes_match_scan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

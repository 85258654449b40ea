/* format.c - every number written for people: printf's decimal forms of
 * doubles ("%.17g", "%.4g", "%+.2f") without printf and without a
 * negative zero, the shortest round-trip form, and churn_format_number
 * for the tools. For the million-row outputs of scoring the digits come
 * from exact integer arithmetic (x = m 2^q, times a power of ten, rounded
 * half to even as glibc's printf rounds), so the text is printf's to the
 * byte; the few values out of its reach go to snprintf. */
#include "ml/internal.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const uint64_t pow10_u64[] = {
    1ull,
    10ull,
    100ull,
    1000ull,
    10000ull,
    100000ull,
    1000000ull,
    10000000ull,
    100000000ull,
    1000000000ull,
    10000000000ull,
    100000000000ull,
    1000000000000ull,
    10000000000000ull,
    100000000000000ull,
    1000000000000000ull,
    10000000000000000ull,
    100000000000000000ull,
    1000000000000000000ull,
    10000000000000000000ull};

#ifdef __SIZEOF_INT128__
typedef unsigned __int128 u128;

static int bit_length(u128 v)
{
    int n = 0;
    for (; v >> 64; v >>= 64)
        n += 64;
    return n + (v ? 64 - __builtin_clzll((uint64_t)v) : 0);
}

/* 5^0 .. 5^27: 5^27 < 2^63. */
static const uint64_t pow5_u64[28] = {
    1ull,
    5ull,
    25ull,
    125ull,
    625ull,
    3125ull,
    15625ull,
    78125ull,
    390625ull,
    1953125ull,
    9765625ull,
    48828125ull,
    244140625ull,
    1220703125ull,
    6103515625ull,
    30517578125ull,
    152587890625ull,
    762939453125ull,
    3814697265625ull,
    19073486328125ull,
    95367431640625ull,
    476837158203125ull,
    2384185791015625ull,
    11920928955078125ull,
    59604644775390625ull,
    298023223876953125ull,
    1490116119384765625ull,
    7450580596923828125ull};

/* 10^0 .. 10^22, exact as doubles. */
static const double pow10_exact[23] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* scaled_round by one double operation, where it is sure: y = x 10^s
 * (10^s exact, so y is x 10^s correctly rounded). Rounding is monotonic
 * and every half k + 1/2 below 2^52 is a double, so x 10^s below a half
 * gives y at most that half, above it at least: unless y is exactly a
 * half (a tie, 0.125 x 100, or a value a hair off one, 1.115 x 100 =
 * 111.5), y rounds as x 10^s does. Those go to the exact path, as do
 * large y. Nearly every value a score file says takes this path. */
static int scaled_round_quick(double x, int s, u128 *out)
{
    if (s > 22 || s < -22)
        return 0;
    double y = s >= 0 ? x * pow10_exact[s] : x / pow10_exact[-s];
    if (!(y < 0x1p52))
        return 0;
    double whole = floor(y), frac = y - whole; /* both exact */
    if (frac == 0.5)
        return 0;
    *out = (u128)(uint64_t)whole + (frac > 0.5);
    return 1;
}

/* round(x 10^s), ties to even, exactly, for finite x > 0 and |s| <= 27.
 * Returns 0 when the numbers would need more than 126 bits. */
static int scaled_round(double x, int s, u128 *out)
{
    if (scaled_round_quick(x, s, out))
        return 1;
    /* x = m 2^q with m odd, from the bits (a subnormal has no hidden
     * bit and the exponent of the smallest normal). */
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    int biased = (int)(bits >> 52 & 0x7ff);
    uint64_t m = bits & ((1ull << 52) - 1);
    int q = biased ? biased - 1075 : -1074;
    if (biased)
        m |= 1ull << 52;
    int zeros = __builtin_ctzll(m); /* m > 0: x > 0 */
    m >>= zeros;
    q += zeros;
    if (s > 27 || s < -27)
        return 0;
    u128 num = m, den = 1;
    if (s >= 0) { /* 10^s = 5^s 2^s; m 5^s < 2^53 2^63 */
        num = (u128)m * pow5_u64[s];
        q += s;
    } else {
        den = (u128)pow10_u64[-s > 19 ? 19 : -s];
        for (int i = 19; i < -s; i++)
            den *= 10;
    }
    if (q >= 0) {
        if (bit_length(num) + q > 126)
            return 0;
        num <<= q;
    } else if (den == 1) { /* a power of two below: shift */
        if (-q > 126) {
            *out = 0; /* x 10^s < 2^-126 / ... far below one half */
            return bit_length(num) < -q - 1;
        }
        u128 mask = ((u128)1 << -q) - 1, half = (u128)1 << (-q - 1);
        u128 d = num >> -q, r = num & mask;
        *out = d + (r > half || (r == half && (d & 1)));
        return 1;
    } else {
        if (bit_length(den) - q > 126)
            return 0;
        den <<= -q;
    }
    u128 d = num / den, r = num % den;
    *out = d + (2 * r > den || (2 * r == den && (d & 1)));
    return 1;
}

/* floor(log10(x)) for finite x > 0, or one off: a start for g_digits,
 * which corrects a guess up to two off. From the binary exponent b
 * (2^b <= x < 2^(b+1)): floor(b log10(2)) (78913 / 2^18 is log10(2) to
 * 6 digits: exact for |b| < 1700) is the exponent or one below it;
 * within 10^+-22 a comparison settles it (below 1, 10^-k is rounded:
 * near a power of ten still one off at most). */
static int decimal_exponent_guess(double x)
{
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    int biased = (int)(bits >> 52 & 0x7ff);
    uint64_t m = bits & ((1ull << 52) - 1); /* > 0 when subnormal */
    int b = biased ? biased - 1023 : -1074 + 63 - __builtin_clzll(m);
    int g = b >= 0 ? (b * 78913) >> 18 : -((-b * 78913 + (1 << 18) - 1) >> 18);
    if (g + 1 >= 0 && g + 1 <= 22) {
        g += x >= pow10_exact[g + 1];
    } else if (g + 1 < 0 && g + 1 >= -22) {
        g += x * pow10_exact[-(g + 1)] >= 1;
    }
    return g;
}

/* The precision-digit decimal of x > 0: *d in [10^(p-1), 10^p) and *e
 * with x ~ d 10^(e-p+1), rounded as printf rounds; guess: the decimal
 * exponent, or up to two off (a carry of rounding can make it one more
 * than floor(log10(x))). Returns 0 when out of reach. */
static int g_digits_from(double x, int p, int guess, uint64_t *d, int *e)
{
    for (int tries = 0; tries < 4; tries++) {
        u128 v;
        if (!scaled_round(x, p - 1 - guess, &v))
            return 0;
        if (v < pow10_u64[p - 1]) {
            guess--;
        } else if (v >= pow10_u64[p]) { /* a low guess, or a carry to
                                           10^p: one more digit left */
            guess++;
        } else {
            /* 10^(p-1) may be a carry from just below 10^guess (a guess
             * one too high): then one exponent less holds the digits,
             * unless it too carries over. */
            u128 below;
            if (v == pow10_u64[p - 1] &&
                !scaled_round(x, p - guess, &below))
                return 0;
            if (v == pow10_u64[p - 1] && below < pow10_u64[p]) {
                v = below;
                guess--;
            }
            *d = (uint64_t)v;
            *e = guess;
            return 1;
        }
    }
    return 0;
}

static int g_digits(double x, int p, uint64_t *d, int *e)
{
    return g_digits_from(x, p, decimal_exponent_guess(x), d, e);
}

static int fixed_digits(double x, int decimals, uint64_t *d)
{
    u128 v = 0;
    if (x != 0 && !scaled_round(x, decimals, &v))
        return 0;
    if (v >> 64)
        return 0;
    *d = (uint64_t)v;
    return 1;
}
#else
static int g_digits_from(double x, int p, int guess, uint64_t *d, int *e)
{
    (void)x, (void)p, (void)guess, (void)d, (void)e;
    return 0;
}

static int g_digits(double x, int p, uint64_t *d, int *e)
{
    (void)x, (void)p, (void)d, (void)e;
    return 0;
}

static int fixed_digits(double x, int decimals, uint64_t *d)
{
    (void)x, (void)decimals, (void)d;
    return 0;
}
#endif

/* "00" to "99". */
static const char two_digits[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233"
    "34353637383940414243444546474849505152535455565758596061626364656667"
    "6869707172737475767778798081828384858687888990919293949596979899";

/* Writes the n lowest decimal digits of v, with leading zeros: two at a
 * time, and the 17 digits of a probability as two independent halves
 * (each division waits for the one before it). */
static void put_digits(uint64_t v, int n, char *out)
{
    if (n > 8) { /* the low 8 digits apart, alongside the rest */
        uint64_t high = v / 100000000u;
        uint32_t low = (uint32_t)(v - high * 100000000u);
        for (int i = n - 2; i >= n - 8; i -= 2) {
            memcpy(out + i, two_digits + 2 * (low % 100), 2);
            low /= 100;
        }
        v = high;
        n -= 8;
    }
    int i = n - 2;
    for (; i >= 0; i -= 2) {
        memcpy(out + i, two_digits + 2 * (v % 100), 2);
        v /= 100;
    }
    if (i == -1)
        out[0] = (char)('0' + v % 10);
}

/* "%.<p>g" of the value d 10^(e-p+1) (d has p digits): style e when the
 * exponent is below -4 or at least p, else style f; trailing zeros and a
 * bare point dropped. */
static size_t emit_g(int negative, uint64_t d, int e, int p, char *buf)
{
    char dig[20];
    put_digits(d, p, dig);
    int n = p;
    while (n > 1 && dig[n - 1] == '0')
        n--;
    size_t k = 0;
    if (negative)
        buf[k++] = '-';
    if (e < -4 || e >= p) {
        buf[k++] = dig[0];
        if (n > 1) {
            buf[k++] = '.';
            memcpy(buf + k, dig + 1, (size_t)n - 1);
            k += (size_t)n - 1;
        }
        buf[k++] = 'e';
        buf[k++] = e < 0 ? '-' : '+';
        int a = abs(e);
        if (a >= 100) {
            buf[k++] = (char)('0' + a / 100);
            a %= 100;
        }
        buf[k++] = (char)('0' + a / 10);
        buf[k++] = (char)('0' + a % 10);
    } else if (e >= 0) {
        memcpy(buf + k, dig, (size_t)e + 1);
        k += (size_t)e + 1;
        if (n > e + 1) {
            buf[k++] = '.';
            memcpy(buf + k, dig + e + 1, (size_t)(n - e - 1));
            k += (size_t)(n - e - 1);
        }
    } else {
        buf[k++] = '0';
        buf[k++] = '.';
        for (int i = 0; i < -e - 1; i++)
            buf[k++] = '0';
        memcpy(buf + k, dig, (size_t)n);
        k += (size_t)n;
    }
    buf[k] = '\0';
    return k;
}

/* A text that shows zero ("-0", "-0.00", "-0e+00") loses its minus sign:
 * people read "-0" as a negative amount. With plus, the sign becomes '+'
 * as for any other zero. Returns the new length. */
static size_t unsign_zero(char *buf, size_t n, int plus)
{
    if (n < 2 || buf[0] != '-' || buf[1] < '0' || buf[1] > '9')
        return n; /* positive, or "-inf" */
    for (size_t i = 1; i < n && buf[i] != 'e'; i++)
        if (buf[i] >= '1' && buf[i] <= '9')
            return n;
    if (plus) {
        buf[0] = '+';
        return n;
    }
    memmove(buf, buf + 1, n); /* with the terminating NUL */
    return n - 1;
}

/* printf's text of x, without a negative zero. */
static size_t format_g_signed(double x, int precision, char *buf);

size_t churn__format_g(double x, int precision, char *buf)
{
    return unsign_zero(buf, format_g_signed(x, precision, buf), 0);
}

static size_t format_g_signed(double x, int precision, char *buf)
{
    uint64_t d;
    int e;
    if (x == 0) {
        int neg = signbit(x) != 0;
        memcpy(buf, "-0", 3);
        if (!neg)
            memmove(buf, buf + 1, 2);
        return (size_t)1 + (size_t)neg;
    }
    if (isfinite(x) && precision >= 1 && precision <= 17 &&
        g_digits(fabs(x), precision, &d, &e))
        return emit_g(signbit(x) != 0, d, e, precision, buf);
    int n = snprintf(buf, CHURN__NUM_BUF, "%.*g", precision, x);
    return n > 0 ? (size_t)n : 0;
}

static size_t format_fixed_signed(double x, int decimals, int plus,
                                  char *buf);

size_t churn__format_fixed(double x, int decimals, int plus, char *buf)
{
    return unsign_zero(buf, format_fixed_signed(x, decimals, plus, buf),
                       plus);
}

static size_t format_fixed_signed(double x, int decimals, int plus,
                                  char *buf)
{
    uint64_t d;
    if (!isfinite(x) || decimals < 0 || decimals > 9 ||
        !fixed_digits(fabs(x), decimals, &d)) {
        int n = snprintf(buf, CHURN__NUM_BUF, plus ? "%+.*f" : "%.*f",
                         decimals, x);
        return n > 0 ? (size_t)n : 0;
    }
    size_t k = 0;
    if (signbit(x))
        buf[k++] = '-';
    else if (plus)
        buf[k++] = '+';
    uint64_t whole = d / pow10_u64[decimals];
    char dig[20];
    int n = 1;
    while (n < 20 && whole >= pow10_u64[n])
        n++;
    put_digits(whole, n, dig);
    memcpy(buf + k, dig, (size_t)n);
    k += (size_t)n;
    if (decimals > 0) {
        buf[k++] = '.';
        put_digits(d % pow10_u64[decimals], decimals, buf + k);
        k += (size_t)decimals;
    }
    buf[k] = '\0';
    return k;
}

/* Shortest of "%.15g", "%.16g", "%.17g" that reads back to x: the 17
 * digits from g_digits, the 15 and 16 from them, the reading back from
 * churn__decimal_to_double. Returns 0 when either cannot say.
 *
 * Rounding the 17 digits d17 (x 10^k rounded, off by at most 1/2) to p
 * rounds x itself unless the digits dropped are exactly a half (5 or
 * 50): with r the dropped part and 10^j its unit, x 10^k's dropped part
 * is r -+ 1/2, on the same side of 10^j / 2 as r whenever 2 r != 10^j.
 * A half goes to g_digits_from, exactly. */
static int shortest_fast(double x, char *buf)
{
    double a = fabs(x);
    uint64_t d17;
    int e17;
    if (!g_digits(a, 17, &d17, &e17))
        return 0;
    for (int p = 15; p <= 16; p++) {
        /* Constant divisors: the compiler multiplies instead of dividing
         * (a 64-bit division costs tens of cycles, twice a number). */
        uint64_t unit = p == 15 ? 100 : 10;
        uint64_t r = p == 15 ? d17 % 100 : d17 % 10, d;
        int e = e17;
        if (2 * r == unit) {
            if (!g_digits_from(a, p, e17, &d, &e))
                return 0;
        } else {
            d = (p == 15 ? d17 / 100 : d17 / 10) + (2 * r > unit);
            if (d == pow10_u64[p]) { /* 9.99..96 -> 10.0: a carry */
                d = pow10_u64[p - 1];
                e++;
            }
        }
        double back = 0;
        if (!churn__decimal_to_double(d, e - p + 1, &back))
            return 0;
        if (back == a) {
            emit_g(signbit(x) != 0, d, e, p, buf);
            return 1;
        }
    }
    emit_g(signbit(x) != 0, d17, e17, 17, buf);
    return 1;
}

/* Writes the whole number x (|x| < 10^15, not -0) as its digits. */
static char *format_whole(double x, char *buf)
{
    char digits[24];
    int n = 0;
    uint64_t u = x < 0 ? (uint64_t)-(int64_t)x : (uint64_t)x;
    do {
        digits[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    char *p = buf;
    if (x < 0)
        *p++ = '-';
    while (n > 0)
        *p++ = digits[--n];
    *p = '\0';
    return buf;
}

char *churn__format_double(double x, char *buf)
{
    if (x == 0)
        x = 0.0; /* "0" for -0: the same number to a person */
    /* Whole numbers below 10^15 (counts, mostly) print as their digits
     * under %.15g, and those read back exactly: written directly they
     * skip the digit generation below. */
    if (x > -1e15 && x < 1e15 && x == (double)(int64_t)x &&
        !(x == 0 && signbit(x)))
        return format_whole(x, buf);
    if (isnan(x)) {
        buf[0] = '\0';
        return buf;
    }
    if (isinf(x)) {
        snprintf(buf, CHURN__NUM_BUF, "%s", x > 0 ? "inf" : "-inf");
        return buf;
    }
    /* Normal doubles: the shortest form has 15 digits or more, or %.15g
     * ends in zeros that fall away. Subnormals carry fewer bits, so fewer
     * digits may do (5e-324): try them all. */
    int first = fabs(x) < DBL_MIN ? 1 : 15;
    if (x != 0 && first == 15 && shortest_fast(x, buf))
        return buf;
    for (int prec = first; prec <= 17; prec++) {
        /* At most 24 characters ("-1.2345678901234567e-308"); the test
         * of the length is for the compiler, which cannot know that. */
        int len = snprintf(buf, CHURN__NUM_BUF, "%.*g", prec, x);
        if (len < 0 || len >= CHURN__NUM_BUF || prec == 17 ||
            strtod(buf, NULL) == x)
            break;
    }
    return buf;
}

char *churn_format_number(double x, int decimals, char *buf, size_t size)
{
    char text[CHURN__NUM_BUF];
    if (!buf || size == 0)
        return buf;
    if (!isfinite(x))
        snprintf(text, sizeof text, "n/a");
    else if (decimals < 0)
        churn__format_double(x, text);
    else
        churn__format_fixed(x, decimals > 9 ? 9 : decimals, 0, text);
    snprintf(buf, size, "%s", text);
    return buf;
}

/* text.c - locale-free number formatting and parsing, small string helpers. */
#include "internal.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const double pow10_table[] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

#ifdef __SIZEOF_INT128__
typedef unsigned __int128 u128;

/* m / 10^k rounded to the nearest double, ties to even, for 2^53 <= m <
 * 2^64 and 1 <= k <= 21: the 16 to 19 digit decimals that shortest
 * round-trip output and spreadsheets write. The double quotient is off by
 * at most two units in the last place (m and the quotient are each
 * rounded once), so we step to the neighbour while the exact value lies
 * beyond a midpoint, comparing m / 10^k with (2M +- 1) / 2^(s+1) in
 * 128-bit integers, where d = M / 2^s. Returns 0 (caller uses strtod)
 * when the result would need more room than that. */
static int div_pow10_exact(uint64_t m, int k, double *out)
{
    u128 p = 1;
    for (int i = 0; i < k; i++)
        p *= 10;
    double d = (double)m / pow10_table[k];
    int m_bits = 64 - __builtin_clzll(m);
    for (int step = 0; step < 4; step++) {
        if (!(d >= 1e-6 && d < 0x1p53))
            return 0;
        int e;
        uint64_t big = (uint64_t)ldexp(frexp(d, &e), 53); /* d = big/2^s */
        int s = 53 - e;
        if (m_bits + s + 2 > 127)
            return 0;
        u128 lhs = (u128)m << (s + 1);          /* m / 10^k vs midpoints */
        u128 up = ((u128)(2 * big + 1)) * p;    /* (2M+1) / 2^(s+1) */
        if (lhs > up || (lhs == up && (big & 1))) {
            d = nextafter(d, INFINITY);
            continue;
        }
        u128 low_l = lhs, low_r = ((u128)(2 * big - 1)) * p;
        if (big == (uint64_t)1 << 52) { /* a power of two: the gap below
                                           is half as wide */
            low_l = (u128)m << (s + 2);
            low_r = ((u128)(4 * big - 1)) * p;
        }
        if (low_l < low_r || (low_l == low_r && (big & 1))) {
            d = nextafter(d, 0);
            continue;
        }
        *out = d;
        return 1;
    }
    return 0;
}
#else
static int div_pow10_exact(uint64_t m, int k, double *out)
{
    (void)m, (void)k, (void)out;
    return 0;
}
#endif

/* Plain decimals, [+-]digits[.digits][e[+-]digits], without strtod, the
 * common case in event logs and feature files. Up to 19 significant
 * digits go into an integer m, the value is m * 10^e10:
 * - m < 2^53 and |e10| <= 22: m and 10^|e10| are exact doubles, so one
 *   multiplication or division is correctly rounded, the same double
 *   strtod returns (Clinger's fast path);
 * - larger m, 1 <= -e10 <= 21: div_pow10_exact;
 * - e10 = 0: the conversion of m is correctly rounded.
 * Anything else (spaces, more digits, large exponents, a malformed text)
 * returns 0 and takes the general path, which decides. */
static int parse_simple_decimal(const char *text, size_t len, double *out)
{
    size_t i = 0;
    int negative = len > 0 && text[0] == '-';
    if (len > 0 && (text[0] == '-' || text[0] == '+'))
        i++;
    uint64_t m = 0;
    int n_digits = 0, n_sig = 0, n_frac = 0, dot = 0;
    for (; i < len; i++) {
        char ch = text[i];
        if (ch >= '0' && ch <= '9') {
            n_digits++;
            if (m > 0 || ch != '0')
                if (++n_sig > 19)
                    return 0;
            m = m * 10 + (uint64_t)(ch - '0');
            n_frac += dot;
        } else if (ch == '.' && !dot) {
            dot = 1;
        } else {
            break;
        }
    }
    if (n_digits == 0)
        return 0;
    int e10 = -n_frac;
    if (i < len) { /* an exponent, or something strtod must judge */
        if (text[i] != 'e' && text[i] != 'E')
            return 0;
        i++;
        int exp_negative = i < len && text[i] == '-';
        if (i < len && (text[i] == '-' || text[i] == '+'))
            i++;
        int exp = 0, n_exp = 0;
        for (; i < len && text[i] >= '0' && text[i] <= '9'; i++)
            if (++n_exp > 4)
                return 0;
            else
                exp = exp * 10 + (text[i] - '0');
        if (n_exp == 0 || i < len)
            return 0;
        e10 += exp_negative ? -exp : exp;
    }
    double v;
    if (!churn__decimal_to_double(m, e10, &v))
        return 0;
    *out = negative ? -v : v;
    return 1;
}

int churn__decimal_to_double(uint64_t m, int e10, double *out)
{
    if (m == 0)
        *out = 0;
    else if (m < ((uint64_t)1 << 53) && e10 >= -22 && e10 <= 22)
        *out = e10 < 0 ? (double)m / pow10_table[-e10]
                       : (double)m * pow10_table[e10];
    else if (e10 == 0)
        *out = (double)m;
    else if (e10 >= -21 && e10 < 0 && m >= ((uint64_t)1 << 53))
        return div_pow10_exact(m, -e10, out);
    else
        return 0;
    return 1;
}

int churn__parse_double(const char *text, size_t len, double *out)
{
    if (parse_simple_decimal(text, len, out))
        return 1;
    char tmp[64];
    while (len > 0 && isspace((unsigned char)text[0])) {
        text++;
        len--;
    }
    while (len > 0 && isspace((unsigned char)text[len - 1]))
        len--;
    if (len == 0 || len >= sizeof tmp)
        return 0;
    /* Only plain decimal numbers: strtod would also take "nan", "inf" and
     * hexadecimal, which no churn export means as a number. */
    for (size_t i = 0; i < len; i++) {
        char ch = text[i];
        if (!(isdigit((unsigned char)ch) || ch == '.' || ch == '-' ||
              ch == '+' || ch == 'e' || ch == 'E'))
            return 0;
    }
    memcpy(tmp, text, len);
    tmp[len] = '\0';
    char *end;
    errno = 0;
    double v = strtod(tmp, &end);
    if (end != tmp + len || errno == ERANGE || !isfinite(v))
        return 0;
    *out = v;
    return 1;
}

int churn__equal_nocase(const char *text, size_t len, const char *word)
{
    size_t n = strlen(word);
    if (n != len)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (tolower((unsigned char)text[i]) != tolower((unsigned char)word[i]))
            return 0;
    return 1;
}

int churn__is_missing(const char *text, size_t len)
{
    /* The markers are at most 4 bytes: most numbers are out at once. */
    if (len > 4 && !isspace((unsigned char)text[0]) &&
        !isspace((unsigned char)text[len - 1]))
        return 0;
    while (len > 0 && isspace((unsigned char)text[0])) {
        text++;
        len--;
    }
    while (len > 0 && isspace((unsigned char)text[len - 1]))
        len--;
    return len == 0 || churn__equal_nocase(text, len, "na") ||
           churn__equal_nocase(text, len, "n/a") ||
           churn__equal_nocase(text, len, "nan") ||
           churn__equal_nocase(text, len, "null");
}

char *churn__strdup(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

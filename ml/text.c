/* text.c - locale-free number formatting and parsing, small string helpers. */
#include "ml/internal.h"
#include "ml/decimal.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

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
    u128 p = k <= 19 ? (u128)churn__pow10_u64[k] : (u128)churn__pow10_u64[19] *
                                                churn__pow10_u64[k - 19];
    double d = (double)m / churn__pow10_double[k];
    int m_bits = 64 - __builtin_clzll(m);
    for (int step = 0; step < 4; step++) {
        if (!(d >= 1e-6 && d < 0x1p53))
            return 0;
        uint64_t bits; /* d = big / 2^s, big with 53 bits */
        memcpy(&bits, &d, sizeof bits);
        uint64_t big = (bits & (((uint64_t)1 << 52) - 1)) | (uint64_t)1 << 52;
        int s = 1075 - (int)(bits >> 52);
        if (m_bits + s + 2 > 127)
            return 0;
        u128 lhs = (u128)m << (s + 1);          /* m / 10^k vs midpoints */
        u128 up = ((u128)(2 * big + 1)) * p;    /* (2M+1) / 2^(s+1) */
        if (lhs > up || (lhs == up && (big & 1))) {
            bits++; /* the next double up */
            memcpy(&d, &bits, sizeof d);
            continue;
        }
        u128 low_l = lhs, low_r = ((u128)(2 * big - 1)) * p;
        if (big == (uint64_t)1 << 52) { /* a power of two: the gap below
                                           is half as wide */
            low_l = (u128)m << (s + 2);
            low_r = ((u128)(4 * big - 1)) * p;
        }
        if (low_l < low_r || (low_l == low_r && (big & 1))) {
            bits--;
            memcpy(&d, &bits, sizeof d);
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

size_t churn__scan_decimal(const char *text, size_t avail, double *out)
{
    return churn__scan_decimal_inline(text, avail, out);
}

/* A whole text of the plain form (see churn__scan_decimal). */
static int parse_simple_decimal(const char *text, size_t len, double *out)
{
    double v;
    if (len == 0 || churn__scan_decimal(text, len, &v) != len)
        return 0;
    *out = v;
    return 1;
}

int churn__decimal_to_double(uint64_t m, int e10, double *out)
{
    if (m == 0)
        *out = 0;
    else if (m < ((uint64_t)1 << 53) && e10 >= -22 && e10 <= 22)
        *out = e10 < 0 ? (double)m / churn__pow10_double[-e10]
                       : (double)m * churn__pow10_double[e10];
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
    while (len > 0 && isspace((unsigned char)text[0])) {
        text++;
        len--;
    }
    while (len > 0 && isspace((unsigned char)text[len - 1]))
        len--;
    /* strtod needs a terminated copy; long mantissas (more digits than a
     * double needs, yet numbers) fit, without an allocation to fail. */
    char tmp[CHURN__NUMBER_MAX + 1];
    if (len == 0 || len > CHURN__NUMBER_MAX)
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
    /* The markers are at most 4 bytes and start with n: most numbers are
     * out at once. */
    if (len > 0 && !isspace((unsigned char)text[0]) &&
        !isspace((unsigned char)text[len - 1]) &&
        (len > 4 || (text[0] | 0x20) != 'n'))
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

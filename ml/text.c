/* text.c - locale-free number formatting and parsing, small string helpers. */
#include "ml/internal.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const uint64_t pow10_u64[] = {
    1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull,
    10000000ull, 100000000ull, 1000000000ull, 10000000000ull,
    100000000000ull, 1000000000000ull, 10000000000000ull,
    100000000000000ull, 1000000000000000ull, 10000000000000000ull,
    100000000000000000ull, 1000000000000000000ull,
    10000000000000000000ull};

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
    u128 p = k <= 19 ? (u128)pow10_u64[k] : (u128)pow10_u64[19] *
                                                pow10_u64[k - 19];
    double d = (double)m / pow10_table[k];
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

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* The value of 8 ASCII digits in x, first digit in the lowest byte, in
 * three multiplications: neighbouring digits are paired (10 a + b, each
 * pair in the even byte), then the four pairs are weighted 10^6, 10^4,
 * 10^2, 1 and summed in the upper half of one 64-bit product. */
static uint64_t eight_value(uint64_t x)
{
    const uint64_t mask = 0x000000FF000000FFull;
    const uint64_t w_0_2 = 100 + (1000000ull << 32); /* pairs 0 and 2 */
    const uint64_t w_1_3 = 1 + (10000ull << 32);     /* pairs 1 and 3 */
    x -= 0x3030303030303030ull;
    x = x * 10 + (x >> 8);
    return (((x & mask) * w_0_2) + (((x >> 16) & mask) * w_1_3)) >> 32;
}
#define CHURN_SWAR_DIGITS 1
#endif

#ifdef CHURN_SWAR_DIGITS
/* How many of the 8 bytes of x (loaded little-endian) lead with ASCII
 * digits, 0 to 8. A byte is a digit when its high nibble is 3 and stays
 * 3 once 6 is added; a carry out of a byte only comes from a byte >=
 * 0xFA, itself no digit, so the lowest flagged byte is the first
 * non-digit. */
static inline unsigned leading_digits(uint64_t x)
{
    const uint64_t high = 0xF0F0F0F0F0F0F0F0ull, threes = 0x3030303030303030ull;
    uint64_t bad = ((x & high) ^ threes) |
                   (((x + 0x0606060606060606ull) & high) ^ threes);
    return bad ? (unsigned)__builtin_ctzll(bad) / 8 : 8;
}

/* The value of the first k (1 to 7) digits of x: shifted to the top so
 * that '0's fill the low bytes, then read as 8 digits. */
static inline uint64_t first_digits_value(uint64_t x, unsigned k)
{
    unsigned gone = 8 * (8 - k);
    return eight_value((x << gone) | (0x3030303030303030ull >> (64 - gone)));
}
#endif

/* Digits from text[i] on, appended to *m (which wraps past 19 digits;
 * the caller counts them). Returns the index after them. A run of fewer
 * than 8 digits, the common case, costs one load and no loop. */
static inline size_t take_digits(const char *text, size_t i, size_t avail,
                                 uint64_t *m)
{
    uint64_t v = *m;
#ifdef CHURN_SWAR_DIGITS
    while (avail - i >= 8) {
        uint64_t x;
        memcpy(&x, text + i, sizeof x);
        unsigned k = leading_digits(x);
        if (k < 8) {
            if (k > 0)
                v = v * pow10_u64[k] + first_digits_value(x, k);
            *m = v;
            return i + k;
        }
        v = v * 100000000u + eight_value(x);
        i += 8;
    }
#endif
    for (; i < avail && (unsigned char)(text[i] - '0') < 10; i++)
        v = v * 10 + (uint64_t)(text[i] - '0');
    *m = v;
    return i;
}

/* churn__decimal_to_double, inline in the scanner: m < 2^53 and
 * |e10| <= 22 is one exact operation, correctly rounded (both operands
 * are exact doubles). */
static inline int to_double(uint64_t m, int e10, double *out)
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

/* Plain decimals, [+-]digits[.digits][e[+-]digits], without strtod, the
 * common case in event logs and feature files. Up to 19 significant
 * digits go into an integer m, the value is m * 10^e10, converted by
 * churn__decimal_to_double. Returns the length of the longest prefix of
 * text[0..avail) of that form when it converts, else 0: a malformed
 * text, more digits, a large exponent are for strtod to judge. */
size_t churn__scan_decimal(const char *text, size_t avail, double *out)
{
    if (avail == 0)
        return 0;
    /* The sign without a branch: in a column of mixed signs it is a coin
     * toss the processor would mispredict half the time. */
    int negative = text[0] == '-';
    size_t i = (size_t)(negative | (text[0] == '+'));
    uint64_t m = 0;
    size_t first = i;
    i = take_digits(text, i, avail, &m);
    int n_digits = (int)(i - first), n_frac = 0;
    if (i < avail && text[i] == '.') {
        size_t start = ++i;
        i = take_digits(text, i, avail, &m);
        n_frac = (int)(i - start);
        n_digits += n_frac;
    }
    if (n_digits == 0)
        return 0;
    if (n_digits > 19) { /* leading zeros are not significant */
        int n_zeros = 0;
        for (size_t j = first; j < i && (text[j] == '0' || text[j] == '.');
             j++)
            n_zeros += text[j] == '0';
        if (n_digits - n_zeros > 19)
            return 0;
    }
    int e10 = -n_frac;
    if (i < avail && (text[i] == 'e' || text[i] == 'E')) {
        i++;
        int exp_negative = i < avail && text[i] == '-';
        if (i < avail && (text[i] == '-' || text[i] == '+'))
            i++;
        int exp = 0, n_exp = 0;
        for (; i < avail && text[i] >= '0' && text[i] <= '9'; i++)
            if (++n_exp > 4)
                return 0;
            else
                exp = exp * 10 + (text[i] - '0');
        if (n_exp == 0)
            return 0;
        e10 += exp_negative ? -exp : exp;
    }
    double v;
    if (!to_double(m, e10, &v))
        return 0;
    uint64_t bits; /* v >= 0: setting the sign bit is -v, -0 included */
    memcpy(&bits, &v, sizeof bits);
    bits |= (uint64_t)negative << 63;
    memcpy(out, &bits, sizeof bits);
    return i;
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
    return to_double(m, e10, out);
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

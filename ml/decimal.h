/* decimal.h - churn__scan_decimal (see ml/internal.h) inline, for the
 * per-field loops of the readers, where the call itself was a tenth of
 * the cost of a field: the digit runs read 8 bytes at a time, the quick
 * conversion. text.c holds the exported function and the slow cases. */
#ifndef CHURN_ML_DECIMAL_H
#define CHURN_ML_DECIMAL_H

#include "ml/internal.h"

#include <stdint.h>
#include <string.h>

static const uint64_t churn__pow10_u64[] = {
    1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull,
    10000000ull, 100000000ull, 1000000000ull, 10000000000ull,
    100000000000ull, 1000000000000ull, 10000000000000ull,
    100000000000000ull, 1000000000000000ull, 10000000000000000ull,
    100000000000000000ull, 1000000000000000000ull,
    10000000000000000000ull};

static const double churn__pow10_double[] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* The value of 8 ASCII digits in x, first digit in the lowest byte, in
 * three multiplications: neighbouring digits are paired (10 a + b, each
 * pair in the even byte), then the four pairs are weighted 10^6, 10^4,
 * 10^2, 1 and summed in the upper half of one 64-bit product. */
static inline uint64_t churn__eight_value(uint64_t x)
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
static inline unsigned churn__leading_digits(uint64_t x)
{
    const uint64_t high = 0xF0F0F0F0F0F0F0F0ull;
    const uint64_t threes = 0x3030303030303030ull;
    uint64_t bad = ((x & high) ^ threes) |
                   (((x + 0x0606060606060606ull) & high) ^ threes);
    return bad ? (unsigned)__builtin_ctzll(bad) / 8 : 8;
}

/* The value of the first k (1 to 7) digits of x: shifted to the top so
 * that '0's fill the low bytes, then read as 8 digits. */
static inline uint64_t churn__first_digits(uint64_t x, unsigned k)
{
    unsigned gone = 8 * (8 - k);
    return churn__eight_value((x << gone) |
                              (0x3030303030303030ull >> (64 - gone)));
}
#endif

#ifdef CHURN_SWAR_DIGITS
/* The 8 bytes at text, when they start with digits[.digits] followed by
 * a byte that is neither a digit nor 'e'/'E' (at least one digit, at
 * most 7 in all): *m gets the digits' value, *n_digits their count,
 * *n_frac those after the point; returns the length read (point
 * included). Else 0, nothing set. A carry in churn__leading_digits' test
 * comes only from a byte >= 0xFA, never from digits or '.', so the flags
 * up to the first non-digit after the point are exact. */
static inline size_t churn__short_decimal(const char *text, uint64_t *m,
                                          int *n_digits, int *n_frac)
{
    const uint64_t high = 0xF0F0F0F0F0F0F0F0ull;
    const uint64_t threes = 0x3030303030303030ull;
    uint64_t x;
    memcpy(&x, text, sizeof x);
    uint64_t bad = ((x & high) ^ threes) |
                   (((x + 0x0606060606060606ull) & high) ^ threes);
    if (!bad)
        return 0; /* 8 digits or more */
    unsigned point = (unsigned)__builtin_ctzll(bad) / 8, end = point;
    uint64_t digits = x; /* the digits, the point squeezed out */
    if (text[point] == '.') {
        uint64_t after = point < 7 ? bad & (~0ull << (8 * (point + 1))) : 0;
        if (!after)
            return 0; /* digits up to the 8th byte and beyond */
        end = (unsigned)__builtin_ctzll(after) / 8;
        uint64_t low = point ? (~0ull >> (64 - 8 * point)) : 0;
        digits = (x & low) | ((x >> 8) & ~low);
    }
    unsigned count = end - (end > point); /* digits in all */
    char next = text[end];
    if (count == 0 || next == 'e' || next == 'E')
        return 0;
    *m = churn__first_digits(digits, count);
    *n_digits = (int)count;
    *n_frac = (int)(end > point ? end - point - 1 : 0);
    return end;
}
#endif

/* Digits from text[i] on, appended to *m (which wraps past 19 digits;
 * the caller counts them). Returns the index after them. A run of fewer
 * than 8 digits, the common case, costs one load and no loop. */
static inline size_t churn__take_digits(const char *text, size_t i,
                                        size_t avail, uint64_t *m)
{
    uint64_t v = *m;
#ifdef CHURN_SWAR_DIGITS
    while (avail - i >= 8) {
        uint64_t x;
        memcpy(&x, text + i, sizeof x);
        unsigned k = churn__leading_digits(x);
        if (k < 8) {
            if (k > 0)
                v = v * churn__pow10_u64[k] + churn__first_digits(x, k);
            *m = v;
            return i + k;
        }
        v = v * 100000000u + churn__eight_value(x);
        i += 8;
    }
#endif
    for (; i < avail && (unsigned char)(text[i] - '0') < 10; i++)
        v = v * 10 + (uint64_t)(text[i] - '0');
    *m = v;
    return i;
}

/* churn__decimal_to_double inline for its one-operation case: m < 2^53
 * and |e10| <= 22 is one exact operation on two exact doubles, correctly
 * rounded (m = 0 included); text.c takes the others. */
static inline int churn__decimal_quick(uint64_t m, int e10, double *out)
{
    if (m < ((uint64_t)1 << 53) && e10 >= -22 && e10 <= 22) {
        *out = e10 < 0 ? (double)m / churn__pow10_double[-e10]
                       : (double)m * churn__pow10_double[e10];
        return 1;
    }
    return churn__decimal_to_double(m, e10, out);
}

/* Plain decimals, [+-]digits[.digits][e[+-]digits], without strtod, the
 * common case in event logs and feature files. Up to 19 significant
 * digits go into an integer m, the value is m * 10^e10, converted by
 * churn__decimal_to_double. Returns the length of the longest prefix of
 * text[0..avail) of that form when it converts, else 0: a malformed
 * text, more digits, a large exponent are for strtod to judge. */
static inline size_t churn__scan_decimal_inline(const char *text,
                                                size_t avail, double *out)
{
    if (avail == 0)
        return 0;
    /* The sign without a branch: in a column of mixed signs it is a coin
     * toss the processor would mispredict half the time. */
    int negative = text[0] == '-';
    size_t i = (size_t)(negative | (text[0] == '+'));
    uint64_t m = 0;
    size_t first = i;
    int n_digits = 0, n_frac = 0;
    size_t took = 0;
#ifdef CHURN_SWAR_DIGITS
    /* The usual field, digits[.digits] within the next 8 bytes and no
     * exponent: from one load (the same m and exponent as below). */
    if (avail - i >= 8)
        took = churn__short_decimal(text + i, &m, &n_digits, &n_frac);
#endif
    if (took) {
        i += took;
    } else {
        i = churn__take_digits(text, i, avail, &m);
        n_digits = (int)(i - first);
        if (i < avail && text[i] == '.') {
            size_t start = ++i;
            i = churn__take_digits(text, i, avail, &m);
            n_frac = (int)(i - start);
            n_digits += n_frac;
        }
        if (n_digits == 0)
            return 0;
    }
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
    if (!churn__decimal_quick(m, e10, &v))
        return 0;
    uint64_t bits; /* v >= 0: setting the sign bit is -v, -0 included */
    memcpy(&bits, &v, sizeof bits);
    bits |= (uint64_t)negative << 63;
    memcpy(out, &bits, sizeof bits);
    return i;
}

/* decimal_lanes.c: fields eight at a time. Field k's text starts at
 * window[k] (its first 8 bytes, loaded little-endian; bytes past the
 * field may be anything, and beyond the text's end 0) and is length[k]
 * bytes long; n is a multiple of 8. Bit j of ok[k / 8] is set where
 * field k = 8 (k / 8) + j is a plain [-]digits[.digits] of at most 7
 * bytes after the sign: out[k] is then its value, the bits
 * churn__scan_decimal_inline gives. The others are the caller's to read
 * one at a time (out[k] is then garbage). Only where
 * churn__decimal_lanes_usable says so (AVX-512 on x86-64); elsewhere it
 * takes none. */
int churn__decimal_lanes_usable(void);
void churn__decimal_lanes(size_t n, const uint64_t *window,
                          const uint64_t *length, double *out,
                          unsigned char *ok);

#endif

/* decsum.c - sums of decimal amounts (prices, scores, hours) that come out
 * as the double nearest the exact decimal sum: 0.1 + 0.2 is 0.3, not
 * 0.30000000000000004, so that feature files carry the figures a person
 * would add up by hand. */
#include "ml/internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* Decimals a value may have and still be summed exactly: cents need 2,
 * rates and hours a few more; 9 keeps sums up to 9.2e9 exact. */
#define MAX_SCALE 9

static const double pow10_d[MAX_SCALE + 1] = {1e0, 1e1, 1e2, 1e3, 1e4,
                                              1e5, 1e6, 1e7, 1e8, 1e9};
static const int64_t pow10_i[MAX_SCALE + 1] = {
    1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000,
    1000000000};

/* |units| stays below 2^50, where decimals 10^-k apart are distinct
 * doubles, so the decimal found is the only one with k decimals. */
churn__decimal churn__decimal_of(double x)
{
    churn__decimal d = {x, 0, -1};
    for (int i = 0; i <= MAX_SCALE; i++) {
        double y = x * pow10_d[i];
        if (!(fabs(y) < 0x1p50))
            break;
        double r = nearbyint(y);
        /* r and 10^i are exact and the quotient correctly rounded: it is
         * the double that the decimal r 10^-i reads to. */
        if (r / pow10_d[i] == x) {
            d.units = (int64_t)r;
            d.scale = (int8_t)i;
            break;
        }
    }
    return d;
}

/* From here on the sum is a plain double sum. */
static void make_inexact(churn__decsum *s)
{
    double v = churn__decsum_value(s);
    s->scale = -1;
    s->v.sum = v;
}

void churn__decsum_add(churn__decsum *s, double x)
{
    churn__decimal d = churn__decimal_of(x);
    churn__decsum_add_decimal(s, &d);
}

void churn__decsum_add_rescaled(churn__decsum *s, const churn__decimal *d)
{
    double x = d->value;
    int64_t m = d->units, t;
    int k = d->scale;
    if (s->scale < 0 || k < 0) {
        if (s->scale >= 0)
            make_inexact(s);
        s->v.sum += x;
        return;
    }
    int64_t units = s->v.units;
    if (k > s->scale) { /* more decimals than so far: rescale the sum */
        if (__builtin_mul_overflow(units, pow10_i[k - s->scale], &units)) {
            make_inexact(s);
            s->v.sum += x;
            return;
        }
        s->v.units = units;
        s->scale = (int8_t)k;
    } else if (__builtin_mul_overflow(m, pow10_i[s->scale - k], &m)) {
        make_inexact(s);
        s->v.sum += x;
        return;
    }
    if (__builtin_add_overflow(units, m, &t)) {
        make_inexact(s);
        s->v.sum += x;
        return;
    }
    s->v.units = t;
}

void churn__decsum_merge(churn__decsum *into, const churn__decsum *s,
                         int sign)
{
    if (into->scale >= 0 && s->scale >= 0) {
        int scale = into->scale > s->scale ? into->scale : s->scale;
        int64_t a, b, t;
        if (!__builtin_mul_overflow(into->v.units,
                                    pow10_i[scale - into->scale], &a) &&
            !__builtin_mul_overflow(s->v.units, pow10_i[scale - s->scale],
                                    &b) &&
            !(sign < 0 ? __builtin_sub_overflow(a, b, &t)
                       : __builtin_add_overflow(a, b, &t))) {
            into->v.units = t;
            into->scale = (int8_t)scale;
            return;
        }
    }
    double x = churn__decsum_value(s);
    if (into->scale >= 0)
        make_inexact(into);
    into->v.sum += sign < 0 ? -x : x;
}

double churn__decsum_value(const churn__decsum *s)
{
    if (s->scale < 0)
        return s->v.sum;
    int64_t u = s->v.units;
    uint64_t mag = u < 0 ? 0 - (uint64_t)u : (uint64_t)u;
    double v;
    if (!churn__decimal_to_double(mag, -s->scale, &v)) {
        /* Out of the quick cases (not expected for scale <= 9): strtod
         * rounds the decimal text correctly. */
        char text[48];
        snprintf(text, sizeof text, "%llue-%d", (unsigned long long)mag,
                 s->scale);
        v = strtod(text, NULL);
    }
    return u < 0 ? -v : v;
}

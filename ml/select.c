/* select.c - order statistics by selection: a few bucket passes shrink
 * the values to those near the wanted positions, then a quickselect for
 * several positions at once finishes on what is left. */
#include "ml/select.h"

#include <math.h>
#include <string.h>

/* Buckets per counting pass: counts on the stack (32 KB), and for smooth
 * data a bucket near the middle of 200,000 values holds about 200 of
 * them. */
#define BUCKETS 4096
/* Below this many values one quickselect costs less than counting. */
#define SMALL 2048

/* Puts v[lo..hi) in order at the np ascending positions pos[] (each in
 * [lo, hi)): afterwards v[pos[i]] is the value a sort would put there.
 * Quickselect for several positions at once, with a three-way partition
 * so that ties (0/1 columns) end a range at once. */
static void select_at(double *v, size_t lo, size_t hi, const size_t *pos,
                      size_t np)
{
    while (np > 0 && hi - lo > 16) {
        double a = v[lo], b = v[lo + (hi - lo) / 2], c = v[hi - 1];
        double p = a < b ? (b < c ? b : a < c ? c : a)
                         : (a < c ? a : b < c ? c : b);
        size_t lt = lo, i = lo, gt = hi; /* < p | == p | unseen | > p */
        while (i < gt) {
            double x = v[i];
            if (x < p) {
                v[i++] = v[lt];
                v[lt++] = x;
            } else if (x > p) {
                v[i] = v[--gt];
                v[gt] = x;
            } else {
                i++;
            }
        }
        size_t left = 0, right = 0; /* positions below lt, from gt on */
        while (left < np && pos[left] < lt)
            left++;
        right = left;
        while (right < np && pos[right] < gt)
            right++;
        select_at(v, lo, lt, pos, left);
        pos += right;
        np -= right;
        lo = gt;
    }
    for (size_t i = lo + 1; np > 0 && i < hi; i++) { /* a short range */
        double x = v[i];
        size_t j = i;
        for (; j > lo && v[j - 1] > x; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
}

/* The bucket of x: (x - low) scale, floored, the last bucket taking the
 * top. Never decreasing in x (each step rounds monotonically), so the
 * buckets are ranges of values in order. */
static size_t bucket_of(double x, double low, double scale)
{
    double t = (x - low) * scale; /* >= 0: x >= low */
    /* Through int: one instruction, where a conversion to size_t also
     * tests for values at and above 2^63 (t is below BUCKETS here). */
    return t < (double)(BUCKETS - 1) ? (size_t)(int)t : BUCKETS - 1;
}

/* The smallest and largest of v[0..n), n >= 1: four of each at a time,
 * so that each comparison does not wait for the one before it (exact:
 * the order of comparisons cannot change a minimum). */
static void range(const double *v, size_t n, double *low, double *high)
{
    double lo[4] = {v[0], v[0], v[0], v[0]}, hi[4] = {v[0], v[0], v[0], v[0]};
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        for (int k = 0; k < 4; k++) {
            lo[k] = v[i + k] < lo[k] ? v[i + k] : lo[k];
            hi[k] = v[i + k] > hi[k] ? v[i + k] : hi[k];
        }
    }
    for (; i < n; i++) {
        lo[0] = v[i] < lo[0] ? v[i] : lo[0];
        hi[0] = v[i] > hi[0] ? v[i] : hi[0];
    }
    for (int k = 1; k < 4; k++) {
        lo[0] = lo[k] < lo[0] ? lo[k] : lo[0];
        hi[0] = hi[k] > hi[0] ? hi[k] : hi[0];
    }
    *low = lo[0];
    *high = hi[0];
}

/* One counting round: moves the values of the buckets that hold the
 * positions pos[0..np) to the front of v[0..n), rewrites pos as
 * positions among them, and returns how many they are (n when the
 * values cannot be spread over buckets). */
static size_t narrow(double *v, size_t n, size_t *pos, size_t np)
{
    double low, high;
    range(v, n, &low, &high);
    /* A range that overflows, or so small that the scale does, is left
     * to the quickselect, as are equal values. */
    double scale = (double)BUCKETS / (high - low);
    if (!(high > low) || !isfinite(high - low) || !isfinite(scale))
        return n;
    size_t count[BUCKETS] = {0};
    for (size_t i = 0; i < n; i++)
        count[bucket_of(v[i], low, scale)]++;
    /* Wanted buckets get the start of their values among the kept ones;
     * the others SIZE_MAX. Reuses count: first, each bucket's start. */
    size_t start = 0, kept = 0, q = 0;
    for (size_t b = 0; b < BUCKETS; b++) {
        size_t c = count[b];
        int wanted = q < np && pos[q] < start + c;
        for (; q < np && pos[q] < start + c; q++)
            pos[q] = kept + (pos[q] - start);
        count[b] = wanted ? kept : (size_t)-1;
        kept += wanted ? c : 0;
        start += c;
    }
    size_t front = 0;
    for (size_t i = 0; i < n; i++) {
        if (count[bucket_of(v[i], low, scale)] != (size_t)-1) {
            double x = v[front];
            v[front++] = v[i];
            v[i] = x;
        }
    }
    return front;
}

void churn__select_positions_region(double *v, size_t n, const size_t *pos,
                                    size_t np, double *out, size_t *at,
                                    size_t *n_region)
{
    memcpy(at, pos, np * sizeof *at);
    /* Each round keeps the buckets of the wanted positions: for smooth
     * data a few thousandths of the values, for one far outlier all but
     * it (a second round then spreads the rest). A round drops whole
     * buckets, each below or above every wanted value, and moves each
     * position down by the dropped values below it. */
    for (int round = 0; round < 4 && n > SMALL; round++) {
        size_t kept = narrow(v, n, at, np);
        if (kept == n)
            break;
        n = kept;
    }
    select_at(v, 0, n, at, np);
    for (size_t q = 0; q < np; q++)
        out[q] = v[at[q]];
    *n_region = n;
}

void churn__select_positions(double *v, size_t n, const size_t *pos,
                             size_t np, double *out)
{
    size_t at[CHURN__SELECT_MAX], n_region;
    churn__select_positions_region(v, n, pos, np, out, at, &n_region);
}

double churn__select_median(double *v, size_t n)
{
    if (n == 0)
        return 0.0;
    size_t pos[2] = {(n - 1) / 2, n / 2};
    double mid[2];
    churn__select_positions(v, n, pos, 2, mid);
    return pos[0] == pos[1] ? mid[0] : (mid[0] + mid[1]) / 2.0;
}

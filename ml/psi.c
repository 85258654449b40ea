/* psi.c - the population stability index over reference bins, and the
 * decile edges those bins come from for numbers. */
#include "ml/psi.h"

#include <math.h>

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

size_t churn__decile_edges(double *v, size_t n, double *edges)
{
    size_t pos[CHURN__DECILES], k = 0;
    if (n == 0)
        return 0;
    for (size_t q = 1; q <= CHURN__DECILES; q++) /* ceil(q n / 10) - 1 */
        pos[q - 1] = (q * n + 9) / 10 - 1;
    select_at(v, 0, n, pos, CHURN__DECILES);
    for (size_t q = 0; q < CHURN__DECILES; q++)
        if (k == 0 || v[pos[q]] > edges[k - 1])
            edges[k++] = v[pos[q]];
    return k;
}

size_t churn__edge_bin(const double *edges, size_t k, double x)
{
    /* The edges below x, counted without a branch: at most nine, and a
     * binary search's branches mispredict on every row (measured: a
     * seventh of churn-score --drift's time). */
    size_t b = 0;
    for (size_t i = 0; i < k; i++)
        b += edges[i] < x;
    return b;
}

double churn__psi_term(double expected, double actual, double floor)
{
    double e = expected > floor ? expected : floor;
    double a = actual > floor ? actual : floor;
    return (a - e) * log(a / e);
}

double churn__psi_counts(const double *expected, double expected_total,
                         const double *actual, double actual_total,
                         size_t n, double floor)
{
    double sum = 0;
    for (size_t b = 0; b < n; b++) {
        double e = expected_total > 0 ? expected[b] / expected_total : 0;
        double a = actual_total > 0 ? actual[b] / actual_total : 0;
        sum += churn__psi_term(e, a, floor);
    }
    return sum;
}

/* psi.c - the population stability index over reference bins, and the
 * decile edges those bins come from for numbers. */
#include "psi.h"

#include <math.h>

size_t churn__decile_edges(const double *sorted, size_t n, double *edges)
{
    size_t k = 0;
    for (size_t q = 1; n > 0 && q <= CHURN__DECILES; q++) {
        /* ceil(q n / 10) in integers: exact for every n. */
        size_t at = (q * n + 9) / 10 - 1;
        double v = sorted[at];
        if (k == 0 || v > edges[k - 1])
            edges[k++] = v;
    }
    return k;
}

size_t churn__edge_bin(const double *edges, size_t k, double x)
{
    size_t lo = 0, hi = k; /* the first edge >= x is in [lo, hi] */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (edges[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
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

/* psi.c - the population stability index over reference bins, and the
 * decile edges those bins come from for numbers. */
#include "ml/psi.h"
#include "ml/select.h"

#include <math.h>

size_t churn__decile_bins(double *v, size_t n, double *edges, size_t *tally)
{
    size_t pos[CHURN__DECILES], at[CHURN__DECILES], from[CHURN__DECILES];
    size_t k = 0, n_region;
    double value[CHURN__DECILES];
    if (n == 0) {
        tally[0] = 0;
        return 0;
    }
    for (size_t q = 1; q <= CHURN__DECILES; q++) /* ceil(q n / 10) - 1 */
        pos[q - 1] = (q * n + 9) / 10 - 1;
    churn__select_positions_region(v, n, pos, CHURN__DECILES, value, at,
                                   &n_region);
    for (size_t q = 0; q < CHURN__DECILES; q++) {
        if (k == 0 || value[q] > edges[k - 1]) {
            from[k] = q; /* any position of an edge's value counts alike */
            edges[k++] = value[q];
        }
    }
    /* Values at or below edge e: those the selection dropped below it,
     * pos - at, and those of the region; bin b holds the values at or
     * below edge b but not edge b - 1. */
    size_t region[CHURN__DECILES + 1] = {0};
    for (size_t i = 0; i < n_region; i++)
        region[churn__edge_bin(edges, k, v[i])]++;
    size_t below = 0, in_region = 0;
    for (size_t e = 0; e < k; e++) {
        in_region += region[e];
        size_t upto = pos[from[e]] - at[from[e]] + in_region;
        tally[e] = upto - below;
        below = upto;
    }
    tally[k] = n - below;
    return k;
}

size_t churn__decile_edges(double *v, size_t n, double *edges)
{
    size_t tally[CHURN__DECILES + 1];
    return churn__decile_bins(v, n, edges, tally);
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

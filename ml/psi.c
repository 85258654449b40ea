/* psi.c - the population stability index over reference bins, and the
 * decile edges those bins come from for numbers. */
#include "ml/psi.h"
#include "ml/select.h"

#include <math.h>

size_t churn__decile_edges(double *v, size_t n, double *edges)
{
    size_t pos[CHURN__DECILES], k = 0;
    double at[CHURN__DECILES];
    if (n == 0)
        return 0;
    for (size_t q = 1; q <= CHURN__DECILES; q++) /* ceil(q n / 10) - 1 */
        pos[q - 1] = (q * n + 9) / 10 - 1;
    churn__select_positions(v, n, pos, CHURN__DECILES, at);
    for (size_t q = 0; q < CHURN__DECILES; q++)
        if (k == 0 || at[q] > edges[k - 1])
            edges[k++] = at[q];
    return k;
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

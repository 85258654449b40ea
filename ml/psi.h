/* psi.h - the population stability index and the reference bins it is
 * measured over (decile edges of numbers). Pure statistics on counts and
 * sorted values. Internal: not installed, names are churn__*. */
#ifndef CHURN_ML_PSI_H
#define CHURN_ML_PSI_H

#include <stddef.h>

/* Decile edges most: nine cut points make ten bins. */
#define CHURN__DECILES 9

/* The decile edges of v[0..n) (no NaN): for q = 1..9 the value that
 * would be at position ceil(q n / 10) - 1 were v sorted, the smallest
 * value with at least q tenths of the values at or below it, so every
 * edge is a value of the data and no interpolation rounds it. Equal
 * edges (ties: 0/1 columns, small counts) are merged, so the edges
 * written to edges[] strictly ascend. Returns their number, 0 to 9 (0
 * when n is 0). Reorders v: a selection of the nine positions, not a
 * whole sort (a few passes over the values instead of n log n
 * comparisons through a callback). */
size_t churn__decile_edges(double *v, size_t n, double *edges);

/* churn__decile_edges, and in tally[0..k] (k the edges' number) how
 * many values of v fall in each bin of churn__edge_bin. Counted from the
 * selection's own work, not by a pass over every value: the values it
 * dropped are counted by where they lie against each edge, and only
 * those left around the edges are binned one by one. */
size_t churn__decile_bins(double *v, size_t n, double *edges, size_t *tally);

/* The bin of x among the k ascending edges: bin b < k holds the values
 * in (edges[b-1], edges[b]] (edges[-1] = -inf), bin k those above the
 * last edge. x must not be NaN. Inline: it runs once per value of every
 * column, where a call cost as much as its comparisons. */
static inline size_t churn__edge_bin(const double *edges, size_t k,
                                     double x)
{
    /* The edges below x, counted without a branch: at most nine, and a
     * binary search's branches mispredict on every row (measured: a
     * seventh of churn-score --drift's time). */
    size_t b = 0;
    for (size_t i = 0; i < k; i++)
        b += edges[i] < x;
    return b;
}

/* One bin's term of the index, (a - e) ln(a / e), with the shares a
 * (actual) and e (expected) each raised to floor first, so an empty bin
 * gives a finite term (0 when both are empty). */
double churn__psi_term(double expected, double actual, double floor);

/* The index over n bins: the sum of churn__psi_term over the bins, the
 * shares being counts divided by their totals (a total of 0 gives shares
 * of 0). Never negative. */
double churn__psi_counts(const double *expected, double expected_total,
                         const double *actual, double actual_total,
                         size_t n, double floor);

#endif

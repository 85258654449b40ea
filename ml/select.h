/* select.h - order statistics without sorting: the values a sort would
 * put at a few positions (medians, decile edges). Internal: not
 * installed, names are churn__*. */
#ifndef CHURN_ML_SELECT_H
#define CHURN_ML_SELECT_H

#include <stddef.h>

/* Positions one call selects at most. */
#define CHURN__SELECT_MAX 16

/* Writes to out[q] the value a sort of v[0..n) would put at position
 * pos[q], for q < np (np <= CHURN__SELECT_MAX; pos ascending, repeats
 * allowed, each < n). v holds no NaN; it is reordered, never changed
 * otherwise. Exact: every result is a value of v. Allocates nothing. */
void churn__select_positions(double *v, size_t n, const size_t *pos,
                             size_t np, double *out);

/* churn__select_positions that also says where the selection ended: the
 * values it last worked on are v[0..*n_region) afterwards, and hold
 * every value equal to an out[q]; the value for pos[q] is at v[at[q]].
 * Every value outside the region lies strictly below or strictly above
 * each out[q], and pos[q] - at[q] of them lie below it: so the values at
 * or below out[q] count pos[q] - at[q] plus those of the region. */
void churn__select_positions_region(double *v, size_t n, const size_t *pos,
                                    size_t np, double *out, size_t *at,
                                    size_t *n_region);

/* The median as gsl_stats_median takes it: the middle value of v[0..n),
 * or the mean of the two middle ones; 0 when n is 0. v as above. */
double churn__select_median(double *v, size_t n);

#endif

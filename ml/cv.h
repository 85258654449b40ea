/* cv.h - splits of a dataset's rows for validation and cross-validation:
 * by customer (all rows of one id together) and stratified by label. */
#ifndef CHURN_ML_CV_H
#define CHURN_ML_CV_H

#include "ml/internal.h"

/* Assigns each of rows[0..n) of ds a fold in 0..k-1 (fold_out, n entries,
 * caller-owned). Customers, not rows, are dealt: all rows with the same id
 * share a fold, so stacked snapshots of one customer never sit on both
 * sides. Within each class (a customer's class is the label of its first
 * row) customers are shuffled with GSL's mt19937 seeded by seed and dealt
 * round-robin, so every fold keeps the churn rate. Same input and seed,
 * same folds. k must be at least 2. */
int churn__cv_folds(const churn_dataset *ds, const size_t *rows, size_t n,
                    size_t k, uint64_t seed, size_t *fold_out,
                    churn_error *err);

/* Marks rows held out for validation (held, n entries): in each class the
 * first round(fraction * customers) customers of the same shuffle. */
int churn__cv_holdout(const churn_dataset *ds, const size_t *rows, size_t n,
                      double fraction, uint64_t seed, unsigned char *held,
                      churn_error *err);

#endif

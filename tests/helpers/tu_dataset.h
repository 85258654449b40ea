/* tu_dataset.h - in-memory datasets from text cells, for the unit tests. */
#ifndef CHURN_TU_DATASET_H
#define CHURN_TU_DATASET_H

#include "churn.h"

/* A dataset with no rows; cols names its n_cols columns, "@name" for a
 * categorical one. Fails the test when the dataset API fails. */
churn_dataset *tu_dataset(size_t n_cols, const char *const *cols);
/* Appends n_rows rows from cells (n_rows x n_cols, row-major): NULL is
 * missing, numbers are read with strtod, categories are added as levels
 * in order of first appearance. Labels are NaN; ids the row numbers. */
void tu_add_rows(churn_dataset *ds, size_t n_rows, const char *const *cells);
/* tu_dataset followed by tu_add_rows. */
churn_dataset *tu_dataset_rows(size_t n_cols, const char *const *cols,
                               size_t n_rows, const char *const *cells);
/* Adds levels texts[0..n) to categorical column j, which must have none
 * yet, so that its codes are 0..n-1 in that order. */
void tu_add_levels(churn_dataset *ds, size_t j, const char *const *texts,
                   size_t n);

#endif

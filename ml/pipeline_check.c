/* pipeline_check.c - the limits training rows must meet before a pipeline
 * is fitted on them (rows, named columns, row indices in range) and the
 * limits of a categorical input's levels; used by the fit on one process
 * (pipeline_fit.c) and across ranks (pipeline_dist.c). */
#include "ml/pipeline_impl.h"

int churn__check_levels(const char *name, double n_levels, double n_values,
                        churn_error *err)
{
    if (n_values >= CHURN_ID_LIKE_MIN_VALUES &&
        n_levels * 100 >= n_values * CHURN_ID_LIKE_SHARE_PCT)
        return churn__fail(err, CHURN_EFORMAT,
                           "column '%s' has %.0f distinct texts in %.0f "
                           "training rows: it looks like an id, not an "
                           "input; name it the id (--id %s) or leave it out "
                           "(--drop %s)", name, n_levels, n_values, name,
                           name);
    if (n_levels > CHURN_MAX_LEVELS)
        return churn__fail(err, CHURN_EFORMAT,
                           "column '%s' has %.0f levels, more than the %d a "
                           "categorical input may have; name it the id (--id "
                           "%s), leave it out (--drop %s) or group its "
                           "levels", name, n_levels, CHURN_MAX_LEVELS, name,
                           name);
    return CHURN_OK;
}

/* Checks ds and rows and counts the outputs fitting can make at most. */
int churn__check_training(const churn__fit_rows *t, int spans,
                          size_t *max_outputs, churn_error *err)
{
    if (t->n == 0 && !spans) /* a rank of a job may have none */
        return churn__fail(err, CHURN_EEMPTY, "no training rows");
    if (t->n_cols == 0)
        return churn__fail(err, CHURN_EEMPTY, "no feature columns");
    size_t n_rows = churn_dataset_n_rows(t->ds);
    for (size_t i = 0; t->rows && i < t->n; i++)
        if (t->rows[i] >= n_rows)
            return churn__fail(err, CHURN_EINVAL,
                               "training row %zu out of range (%zu rows)",
                               t->rows[i], n_rows);
    *max_outputs = 0;
    for (size_t j = 0; j < t->n_cols; j++) {
        if (!churn_dataset_column_name(t->ds, j))
            return churn__fail(err, CHURN_EINVAL, "column %zu has no name",
                               j);
        *max_outputs += churn_dataset_column_kind(t->ds, j) == CHURN_NUMERIC
                            ? 2
                            : churn_dataset_n_levels(t->ds, j);
    }
    return CHURN_OK;
}

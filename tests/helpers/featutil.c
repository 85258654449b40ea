/* featutil.c - helpers for the feature-extraction tests. */
#include "featutil.h"

#include <math.h>
#include <string.h>

churn_feature_opts *fu_opts_at(int64_t t0)
{
    churn_feature_opts *o = churn_feature_opts_new();
    assert_non_null(o);
    assert_int_equal(churn_feature_opts_set_as_of(o, t0), CHURN_OK);
    return o;
}

churn_dataset *fu_extract(const char *events, const churn_feature_opts *o,
                          const churn_dataset *customers)
{
    const char *path = tu_write_text(0, "events.csv", events);
    churn_dataset *ds = NULL;
    churn_error err;
    churn_error_clear(&err);
    int rc = churn_features_extract(path, customers, o, &ds, &err);
    if (rc != CHURN_OK)
        fail_msg("extract failed (%d): %s", rc, err.message);
    assert_non_null(ds);
    return ds;
}

int fu_extract_fails(const char *events, const churn_feature_opts *o,
                     const churn_dataset *customers, churn_error *err)
{
    const char *path = tu_write_text(0, "events.csv", events);
    churn_dataset *ds = (churn_dataset *)1;
    churn_error_clear(err);
    int rc = churn_features_extract(path, customers, o, &ds, err);
    assert_int_not_equal(rc, CHURN_OK);
    assert_null(ds);
    assert_int_equal(err->code, rc);
    return rc;
}

size_t fu_row_of(const churn_dataset *ds, const char *id)
{
    for (size_t i = 0; i < churn_dataset_n_rows(ds); i++)
        if (strcmp(churn_dataset_id(ds, i), id) == 0)
            return i;
    return (size_t)-1;
}

double fu_get(const churn_dataset *ds, const char *id, const char *col)
{
    size_t i = fu_row_of(ds, id), j = churn_dataset_column_index(ds, col);
    if (i == (size_t)-1 || j == (size_t)-1)
        fail_msg("no row '%s' or no column '%s'", id, col);
    return churn_dataset_value(ds, i, j);
}

void fu_assert_feature(const churn_dataset *ds, const char *id,
                       const char *col, double expect)
{
    double v = fu_get(ds, id, col);
    if (isnan(expect) ? !isnan(v) : !(fabs(v - expect) <= 1e-9))
        fail_msg("%s %s: got %.17g, expected %.17g", id, col, v, expect);
}


/* dataset_append.c - joins datasets of the same columns (shard files read
 * one by one), mapping category codes by their text. */
#include "ml/internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* NULL-safe equality of two names (a column may be unnamed). */
static int same_name(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

static const char *shown(const char *name) { return name ? name : "?"; }

static const char *kind_name(churn_column_kind k)
{
    return k == CHURN_CATEGORICAL ? "categorical" : "numeric";
}

/* CHURN_OK when from has into's columns (names, kinds, order) and label
 * column; else CHURN_EFORMAT naming the first difference. */
static int check_shape(const churn_dataset *into, const churn_dataset *from,
                       churn_error *err)
{
    size_t n_into = churn_dataset_n_cols(into);
    size_t n_from = churn_dataset_n_cols(from);
    size_t n = n_into < n_from ? n_into : n_from;
    for (size_t j = 0; j < n; j++) {
        const char *a = churn_dataset_column_name(into, j);
        const char *b = churn_dataset_column_name(from, j);
        if (!same_name(a, b))
            return churn__fail(err, CHURN_EFORMAT,
                               "append: column %zu is '%s' here but '%s' in "
                               "the rows appended", j + 1, shown(a),
                               shown(b));
        churn_column_kind ka = churn_dataset_column_kind(into, j);
        churn_column_kind kb = churn_dataset_column_kind(from, j);
        if (ka != kb)
            return churn__fail(err, CHURN_EFORMAT,
                               "append: column '%s' is %s here but %s in the "
                               "rows appended", shown(a), kind_name(ka),
                               kind_name(kb));
    }
    if (n_into != n_from)
        return churn__fail(err, CHURN_EFORMAT,
                           "append: %zu columns here but %zu in the rows "
                           "appended (first extra: '%s')", n_into, n_from,
                           shown(n_into > n_from
                                     ? churn_dataset_column_name(into, n)
                                     : churn_dataset_column_name(from, n)));
    const char *la = churn_dataset_label_name(into);
    const char *lb = churn_dataset_label_name(from);
    if (!same_name(la, lb)) {
        if (!la || !lb)
            return churn__fail(err, CHURN_EFORMAT,
                               "append: label column '%s' %s but not %s",
                               la ? la : lb,
                               la ? "here" : "in the rows appended",
                               la ? "in the rows appended" : "here");
        return churn__fail(err, CHURN_EFORMAT,
                           "append: label column '%s' here but '%s' in the "
                           "rows appended", la, lb);
    }
    return CHURN_OK;
}

/* For each categorical column j, map[j][k] = into's code of from's level
 * k (levels new to into are added to it). map[j] is NULL for numeric
 * columns and columns without levels. */
static int map_levels(churn_dataset *into, const churn_dataset *from,
                      double **map, churn_error *err)
{
    size_t d = churn_dataset_n_cols(from);
    for (size_t j = 0; j < d; j++) {
        size_t n = churn_dataset_n_levels(from, j);
        if (churn_dataset_column_kind(from, j) != CHURN_CATEGORICAL || !n)
            continue;
        if (!(map[j] = malloc(n * sizeof *map[j])))
            return churn__fail_nomem(err);
        for (size_t k = 0; k < n; k++) {
            int rc = churn_dataset_level_code(
                into, j, churn_dataset_level(from, j, k), &map[j][k], err);
            if (rc != CHURN_OK)
                return rc;
        }
    }
    return CHURN_OK;
}

/* Copies row i of from (values recoded with map) to the end of into. */
static int copy_row(churn_dataset *into, const churn_dataset *from, size_t i,
                    double *const *map, double *row, churn_error *err)
{
    size_t d = churn_dataset_n_cols(from);
    const double *src = churn_dataset_values(from) + i * d;
    for (size_t j = 0; j < d; j++) {
        double v = src[j];
        if (map[j] && !isnan(v)) {
            size_t k = (size_t)v;
            v = k < churn_dataset_n_levels(from, j) ? map[j][k] : NAN;
        }
        row[j] = v;
    }
    const char *id = churn_dataset_id(from, i);
    int rc = churn__dataset_add_row_n(into, id, strlen(id), row,
                                      churn_dataset_label(from, i), err);
    double t = churn_dataset_as_of(from, i);
    if (rc == CHURN_OK && !isnan(t))
        rc = churn_dataset_set_as_of(into, churn_dataset_n_rows(into) - 1, t,
                                     err);
    if (rc == CHURN_OK && churn_dataset_has_days_to_churn(from))
        rc = churn_dataset_set_days_to_churn(
            into, churn_dataset_n_rows(into) - 1,
            churn_dataset_days_to_churn(from, i), err);
    return rc;
}

int churn_dataset_append(churn_dataset *into, const churn_dataset *from,
                         churn_error *err)
{
    if (!into || !from || into == from)
        return churn__fail(err, CHURN_EINVAL,
                           "append: need two distinct datasets");
    int rc = check_shape(into, from, err);
    if (rc != CHURN_OK)
        return rc;
    size_t d = churn_dataset_n_cols(from), n = churn_dataset_n_rows(from);
    double **map = calloc(d ? d : 1, sizeof *map);
    double *row = malloc((d ? d : 1) * sizeof *row);
    if (!map || !row)
        rc = churn__fail_nomem(err);
    if (rc == CHURN_OK)
        rc = map_levels(into, from, map, err);
    if (rc == CHURN_OK)
        rc = churn_dataset_reserve(into, churn_dataset_n_rows(into) + n, err);
    for (size_t i = 0; rc == CHURN_OK && i < n; i++)
        rc = copy_row(into, from, i, map, row, err);
    for (size_t j = 0; map && j < d; j++)
        free(map[j]);
    free(map);
    free(row);
    return rc;
}

/* pipeline_bind.c - maps a dataset's columns and level codes to a fitted
 * pipeline's inputs by name and level text, so data laid out or coded
 * differently from the training data scores the same. */
#include "ml/pipeline.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct churn__binding {
    size_t n_inputs;
    size_t *column;     /* the dataset column of each input */
    size_t *n_codes;    /* categorical: the dataset's levels when bound */
    double **code_map;  /* categorical: dataset code -> pipeline code as a
                           double, -1 when unknown; NULL for numeric */
};

void churn__binding_free(churn__binding *b)
{
    if (!b)
        return;
    for (size_t j = 0; b->code_map && j < b->n_inputs; j++)
        free(b->code_map[j]);
    free(b->code_map);
    free(b->n_codes);
    free(b->column);
    free(b);
}

/* Finds every input's column; names all missing ones in one error. */
static int find_columns(const churn__pipeline *p, const churn_dataset *ds,
                        size_t *column, churn_error *err)
{
    char list[400] = "";
    size_t used = 0, n_missing = 0;
    for (size_t j = 0; j < churn__pipeline_n_inputs(p); j++) {
        const char *name = churn__pipeline_input_name(p, j);
        column[j] = churn_dataset_column_index(ds, name);
        if (column[j] != (size_t)-1)
            continue;
        /* A list too long for the message is cut; the count stays right. */
        if (used < sizeof list) {
            int w = snprintf(list + used, sizeof list - used, "%s%s",
                             n_missing ? ", " : "", name);
            used += w > 0 ? (size_t)w : 0;
        }
        n_missing++;
    }
    /* The data's file first when it has one: the model is not at fault. */
    if (n_missing)
        return churn__fail_at(err, CHURN_EFORMAT, churn_dataset_source(ds), 0,
                              0, "missing column(s): %s", list);
    for (size_t j = 0; j < churn__pipeline_n_inputs(p); j++) {
        churn_column_kind want = churn__pipeline_input_kind(p, j);
        if (churn_dataset_column_kind(ds, column[j]) != want)
            return churn__fail_at(
                err, CHURN_EFORMAT, churn_dataset_source(ds), 0, 0,
                "column '%s' is %s in the data but %s in the model",
                churn__pipeline_input_name(p, j),
                want == CHURN_NUMERIC ? "categorical" : "numeric",
                want == CHURN_NUMERIC ? "numeric" : "categorical");
    }
    return CHURN_OK;
}

/* Maps the level codes of dataset column col to input j's codes. */
static double *map_codes(const churn__pipeline *p, size_t j,
                         const churn_dataset *ds, size_t col, size_t n_codes)
{
    double *map = malloc((n_codes ? n_codes : 1) * sizeof *map);
    if (!map)
        return NULL;
    for (size_t c = 0; c < n_codes; c++) {
        size_t code = churn__pipeline_level_code(
            p, j, churn_dataset_level(ds, col, c));
        map[c] = code == (size_t)-1 ? -1.0 : (double)code;
    }
    return map;
}

int churn__pipeline_bind(const churn__pipeline *p, const churn_dataset *ds,
                         churn__binding **out, churn_error *err)
{
    *out = NULL;
    size_t n = churn__pipeline_n_inputs(p), room = n ? n : 1;
    churn__binding *b = calloc(1, sizeof *b);
    int rc = CHURN_OK;
    if (!b || !(b->column = calloc(room, sizeof *b->column)) ||
        !(b->n_codes = calloc(room, sizeof *b->n_codes)) ||
        !(b->code_map = calloc(room, sizeof *b->code_map))) {
        rc = churn__fail_nomem(err);
        goto done;
    }
    b->n_inputs = n;
    if ((rc = find_columns(p, ds, b->column, err)) != CHURN_OK)
        goto done;
    for (size_t j = 0; j < n; j++) {
        if (churn__pipeline_input_kind(p, j) != CHURN_CATEGORICAL)
            continue;
        b->n_codes[j] = churn_dataset_n_levels(ds, b->column[j]);
        b->code_map[j] = map_codes(p, j, ds, b->column[j], b->n_codes[j]);
        if (!b->code_map[j]) {
            rc = churn__fail_nomem(err);
            goto done;
        }
    }
    *out = b;
    b = NULL;
done:
    churn__binding_free(b);
    return rc;
}

void churn__binding_row(const churn__binding *b, const churn_dataset *ds,
                        size_t i, double *raw)
{
    const double *row =
        churn_dataset_values(ds) + i * churn_dataset_n_cols(ds);
    for (size_t j = 0; j < b->n_inputs; j++) {
        double v = row[b->column[j]];
        const double *map = b->code_map[j];
        if (map && !isnan(v))
            v = (v >= 0 && v < (double)b->n_codes[j] && v == floor(v))
                    ? map[(size_t)v]
                    : -1.0;
        raw[j] = v;
    }
}

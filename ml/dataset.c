/* dataset.c - the one dataset type: dense row-major values, column names
 * and kinds, category levels, row ids, labels and as-of times. */
#include "ml/internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct churn_dataset {
    size_t n_cols, n_rows, cap_rows;
    double *values;          /* n_rows x n_cols, row-major */
    char **names;            /* per column */
    churn__strmap *name_map; /* names in the order they were set, so */
    size_t *name_col;        /* that lookups stay fast for wide data */
    churn_column_kind *kinds;
    churn__strmap **levels;  /* per column; NULL until a level is added */
    size_t *id_offsets;      /* per row, into ids */
    char *ids;
    size_t ids_len, ids_cap;
    double *labels;          /* per row; NaN = unknown */
    double *as_of;           /* per row, NULL until one is set */
    double *days_to_churn;   /* per row, NULL until one is set; NaN =
                              * censored (no churn event seen) */
    char *label_name;        /* NULL = no label column */
    char *source;            /* where the rows came from; NULL = unsaid */
    char *id_name;           /* the ids' column; NULL = row numbers */
};

churn_dataset *churn_dataset_new(size_t n_cols)
{
    churn_dataset *ds = calloc(1, sizeof *ds);
    if (!ds)
        return NULL;
    ds->n_cols = n_cols;
    size_t n = n_cols ? n_cols : 1;
    ds->names = calloc(n, sizeof *ds->names);
    ds->kinds = calloc(n, sizeof *ds->kinds);
    ds->levels = calloc(n, sizeof *ds->levels);
    ds->name_map = churn__strmap_new();
    ds->name_col = malloc(n * sizeof *ds->name_col);
    if (!ds->names || !ds->kinds || !ds->levels || !ds->name_map ||
        !ds->name_col) {
        churn_dataset_free(ds);
        return NULL;
    }
    return ds;
}

void churn_dataset_free(churn_dataset *ds)
{
    if (!ds)
        return;
    for (size_t j = 0; j < ds->n_cols; j++) {
        if (ds->names)
            free(ds->names[j]);
        if (ds->levels)
            churn__strmap_free(ds->levels[j]);
    }
    free(ds->names);
    churn__strmap_free(ds->name_map);
    free(ds->name_col);
    free(ds->kinds);
    free(ds->levels);
    free(ds->values);
    free(ds->id_offsets);
    free(ds->ids);
    free(ds->labels);
    free(ds->as_of);
    free(ds->days_to_churn);
    free(ds->label_name);
    free(ds->source);
    free(ds->id_name);
    free(ds);
}

int churn_dataset_set_column(churn_dataset *ds, size_t j, const char *name,
                             churn_column_kind kind, churn_error *err)
{
    if (!ds || j >= ds->n_cols || !name || !*name)
        return churn__fail(err, CHURN_EINVAL,
                           "column %zu: missing name or index out of range",
                           j);
    if (ds->names[j])
        return churn__fail(err, CHURN_EINVAL, "column %zu is already named",
                           j);
    if (churn_dataset_column_index(ds, name) != (size_t)-1)
        return churn__fail(err, CHURN_EFORMAT, "duplicate column name '%s'",
                           name);
    size_t k;
    ds->names[j] = churn__strdup(name);
    if (!ds->names[j] ||
        churn__strmap_intern(ds->name_map, name, strlen(name), &k, NULL)) {
        free(ds->names[j]);
        ds->names[j] = NULL;
        return churn__fail_nomem(err);
    }
    ds->name_col[k] = j;
    ds->kinds[j] = kind;
    return CHURN_OK;
}

int churn_dataset_set_label_name(churn_dataset *ds, const char *name,
                                 churn_error *err)
{
    if (!ds || !name || !*name)
        return churn__fail(err, CHURN_EINVAL, "empty label name");
    char *copy = churn__strdup(name);
    if (!copy)
        return churn__fail_nomem(err);
    free(ds->label_name);
    ds->label_name = copy;
    return CHURN_OK;
}

int churn_dataset_set_id_name(churn_dataset *ds, const char *name,
                              churn_error *err)
{
    if (!ds)
        return churn__fail(err, CHURN_EINVAL, "no dataset");
    char *copy = NULL;
    if (name && *name && !(copy = churn__strdup(name)))
        return churn__fail_nomem(err);
    free(ds->id_name);
    ds->id_name = copy;
    return CHURN_OK;
}

const char *churn_dataset_id_name(const churn_dataset *ds)
{
    return ds ? ds->id_name : NULL;
}

int churn_dataset_reserve(churn_dataset *ds, size_t n_rows, churn_error *err)
{
    if (n_rows <= ds->cap_rows)
        return CHURN_OK;
    /* Rows already there are copied (churn__huge_grow): grown by at least
     * half again, a caller that asks for one block more at a time (a
     * reader whose foretelling fell short, appends) copies each row a few
     * times in all, not once a block. Pages never written cost nothing. */
    size_t half_again = ds->cap_rows + ds->cap_rows / 2;
    if (ds->n_rows > 0 && n_rows < half_again && half_again > ds->cap_rows)
        n_rows = half_again;
    size_t row = (ds->n_cols ? ds->n_cols : 1) * sizeof(double);
    if (n_rows > SIZE_MAX / row)
        return churn__fail_nomem(err);
    /* Each array grows whole or not at all; on failure those grown keep
     * their room, and cap_rows the smallest. */
    size_t n = ds->n_rows;
    double *v = churn__huge_grow(ds->values, ds->n_cols ? n * row : 0,
                                 n_rows * row);
    if (!v)
        return churn__fail_nomem(err);
    ds->values = v;
    size_t *off = churn__huge_grow(ds->id_offsets, n * sizeof *off,
                                   n_rows * sizeof *off);
    if (!off)
        return churn__fail_nomem(err);
    ds->id_offsets = off;
    double *lab = churn__huge_grow(ds->labels, n * sizeof *lab,
                                   n_rows * sizeof *lab);
    if (!lab)
        return churn__fail_nomem(err);
    ds->labels = lab;
    if (ds->as_of) {
        double *a = churn__huge_grow(ds->as_of, n * sizeof *a,
                                     n_rows * sizeof *a);
        if (!a)
            return churn__fail_nomem(err);
        ds->as_of = a;
    }
    if (ds->days_to_churn) {
        double *a = churn__huge_grow(ds->days_to_churn, n * sizeof *a,
                                     n_rows * sizeof *a);
        if (!a)
            return churn__fail_nomem(err);
        ds->days_to_churn = a;
    }
    ds->cap_rows = n_rows;
    return CHURN_OK;
}

static int append_id(churn_dataset *ds, const char *id, size_t len,
                     churn_error *err)
{
    if (ds->ids_len + len + 1 > ds->ids_cap) {
        size_t cap = ds->ids_cap ? ds->ids_cap : 1024;
        while (cap < ds->ids_len + len + 1)
            cap *= 2;
        char *p = churn__huge_grow(ds->ids, ds->ids_len, cap);
        if (!p)
            return churn__fail_nomem(err);
        ds->ids = p;
        ds->ids_cap = cap;
    }
    memcpy(ds->ids + ds->ids_len, id, len);
    ds->ids[ds->ids_len + len] = '\0';
    ds->id_offsets[ds->n_rows] = ds->ids_len;
    ds->ids_len += len + 1;
    return CHURN_OK;
}

int churn_dataset_add_row(churn_dataset *ds, const char *id,
                          const double *values, double label,
                          churn_error *err)
{
    return churn__dataset_add_row_n(ds, id, id ? strlen(id) : 0, values,
                                    label, err);
}

int churn__dataset_add_row_n(churn_dataset *ds, const char *id,
                             size_t id_len, const double *values,
                             double label, churn_error *err)
{
    if (!ds || (!values && ds->n_cols))
        return churn__fail(err, CHURN_EINVAL, "no dataset or no values");
    if (ds->n_rows == ds->cap_rows) {
        int rc = churn_dataset_reserve(
            ds, ds->cap_rows ? ds->cap_rows * 2 : 64, err);
        if (rc != CHURN_OK)
            return rc;
    }
    char number[32];
    if (!id) {
        snprintf(number, sizeof number, "%zu", ds->n_rows + 1);
        id = number;
        id_len = strlen(number);
    }
    int rc = append_id(ds, id, id_len, err);
    if (rc != CHURN_OK)
        return rc;
    if (ds->n_cols) {
        double *dst = ds->values + ds->n_rows * ds->n_cols;
        if (values != dst) /* a reader may have parsed in place */
            memcpy(dst, values, ds->n_cols * sizeof *values);
    }
    ds->labels[ds->n_rows] = label;
    if (ds->as_of)
        ds->as_of[ds->n_rows] = NAN;
    if (ds->days_to_churn)
        ds->days_to_churn[ds->n_rows] = NAN;
    ds->n_rows++;
    return CHURN_OK;
}

void churn__dataset_clear_rows(churn_dataset *ds)
{
    ds->n_rows = 0;
    ds->ids_len = 0;
}

double *churn__dataset_next_rows(churn_dataset *ds, size_t n)
{
    if (ds->n_rows + n > ds->cap_rows &&
        churn_dataset_reserve(ds, ds->n_rows + n, NULL) != CHURN_OK)
        return NULL;
    return ds->values + ds->n_rows * ds->n_cols;
}

int churn_dataset_level_code(churn_dataset *ds, size_t j, const char *text,
                             double *code, churn_error *err)
{
    if (!ds || j >= ds->n_cols || !text)
        return churn__fail(err, CHURN_EINVAL, "column %zu out of range", j);
    if (!ds->levels[j] && !(ds->levels[j] = churn__strmap_new()))
        return churn__fail_nomem(err);
    size_t idx;
    if (churn__strmap_intern(ds->levels[j], text, strlen(text), &idx, NULL))
        return churn__fail_nomem(err);
    *code = (double)idx;
    return CHURN_OK;
}

int churn_dataset_set_as_of(churn_dataset *ds, size_t i, double as_of_unix,
                            churn_error *err)
{
    if (!ds || i >= ds->n_rows)
        return churn__fail(err, CHURN_EINVAL, "row %zu out of range", i);
    if (!ds->as_of) {
        ds->as_of = churn__huge_alloc((ds->cap_rows ? ds->cap_rows : 1) *
                                     sizeof *ds->as_of);
        if (!ds->as_of)
            return churn__fail_nomem(err);
        for (size_t r = 0; r < ds->n_rows; r++)
            ds->as_of[r] = NAN;
    }
    ds->as_of[i] = as_of_unix;
    return CHURN_OK;
}

int churn_dataset_add_column(churn_dataset *ds, const char *name,
                             const double *values, churn_error *err)
{
    if (!ds || !name || !*name || (!values && ds->n_rows))
        return churn__fail(err, CHURN_EINVAL, "add column: null argument");
    if (churn_dataset_column_index(ds, name) != (size_t)-1)
        return churn__fail(err, CHURN_EFORMAT, "duplicate column name '%s'",
                           name);
    size_t d = ds->n_cols, cap = ds->cap_rows ? ds->cap_rows : 1;
    double *v = malloc(cap * (d + 1) * sizeof *v);
    char **names = realloc(ds->names, (d + 1) * sizeof *names);
    if (names)
        ds->names = names;
    churn_column_kind *kinds = realloc(ds->kinds, (d + 1) * sizeof *kinds);
    if (kinds)
        ds->kinds = kinds;
    churn__strmap **levels = realloc(ds->levels, (d + 1) * sizeof *levels);
    if (levels)
        ds->levels = levels;
    size_t *name_col = realloc(ds->name_col, (d + 1) * sizeof *name_col);
    if (name_col)
        ds->name_col = name_col;
    if (!v || !names || !kinds || !levels || !name_col) {
        free(v);
        return churn__fail_nomem(err);
    }
    /* Row-major: every row gets one more cell at its end. */
    for (size_t i = 0; i < ds->n_rows; i++) {
        if (d)
            memcpy(v + i * (d + 1), ds->values + i * d, d * sizeof *v);
        v[i * (d + 1) + d] = values[i];
    }
    names[d] = NULL;
    levels[d] = NULL;
    ds->n_cols = d + 1;
    int rc = churn_dataset_set_column(ds, d, name, CHURN_NUMERIC, err);
    if (rc != CHURN_OK) { /* out of memory naming it: as it was */
        ds->n_cols = d;
        free(v);
        return rc;
    }
    free(ds->values);
    ds->values = v;
    return CHURN_OK;
}

int churn_dataset_set_days_to_churn(churn_dataset *ds, size_t i,
                                    double days, churn_error *err)
{
    if (!ds || i >= ds->n_rows)
        return churn__fail(err, CHURN_EINVAL, "row %zu out of range", i);
    if (!(days >= 0) && !isnan(days))
        return churn__fail(err, CHURN_EINVAL,
                           "days_to_churn %g of row %zu is negative", days,
                           i + 1);
    if (!ds->days_to_churn) {
        ds->days_to_churn = churn__huge_alloc(
            (ds->cap_rows ? ds->cap_rows : 1) * sizeof *ds->days_to_churn);
        if (!ds->days_to_churn)
            return churn__fail_nomem(err);
        for (size_t r = 0; r < ds->n_rows; r++)
            ds->days_to_churn[r] = NAN;
    }
    ds->days_to_churn[i] = days;
    return CHURN_OK;
}

double churn_dataset_days_to_churn(const churn_dataset *ds, size_t i)
{
    return (ds->days_to_churn && i < ds->n_rows) ? ds->days_to_churn[i]
                                                 : NAN;
}

int churn_dataset_has_days_to_churn(const churn_dataset *ds)
{
    return ds && ds->days_to_churn != NULL;
}

size_t churn_dataset_n_rows(const churn_dataset *ds) { return ds->n_rows; }
size_t churn_dataset_n_cols(const churn_dataset *ds) { return ds->n_cols; }

const char *churn_dataset_column_name(const churn_dataset *ds, size_t j)
{
    return j < ds->n_cols ? ds->names[j] : NULL;
}

churn_column_kind churn_dataset_column_kind(const churn_dataset *ds, size_t j)
{
    return j < ds->n_cols ? ds->kinds[j] : CHURN_NUMERIC;
}

size_t churn_dataset_column_index(const churn_dataset *ds, const char *name)
{
    if (!name)
        return (size_t)-1;
    size_t k = churn__strmap_find(ds->name_map, name, strlen(name));
    return k == (size_t)-1 ? k : ds->name_col[k];
}

const double *churn_dataset_values(const churn_dataset *ds)
{
    return ds->values;
}

double churn_dataset_value(const churn_dataset *ds, size_t i, size_t j)
{
    if (i >= ds->n_rows || j >= ds->n_cols)
        return NAN;
    return ds->values[i * ds->n_cols + j];
}

const char *churn_dataset_id(const churn_dataset *ds, size_t i)
{
    return i < ds->n_rows ? ds->ids + ds->id_offsets[i] : NULL;
}

double churn_dataset_label(const churn_dataset *ds, size_t i)
{
    return i < ds->n_rows ? ds->labels[i] : NAN;
}

int churn_dataset_has_labels(const churn_dataset *ds)
{
    return ds->label_name != NULL;
}

const char *churn_dataset_label_name(const churn_dataset *ds)
{
    return ds->label_name;
}

double churn_dataset_as_of(const churn_dataset *ds, size_t i)
{
    return (ds->as_of && i < ds->n_rows) ? ds->as_of[i] : NAN;
}

size_t churn_dataset_n_levels(const churn_dataset *ds, size_t j)
{
    return (j < ds->n_cols && ds->levels[j])
               ? churn__strmap_count(ds->levels[j])
               : 0;
}

const char *churn_dataset_level(const churn_dataset *ds, size_t j, size_t k)
{
    if (j >= ds->n_cols || !ds->levels[j])
        return NULL;
    return churn__strmap_key(ds->levels[j], k);
}

int churn_dataset_set_source(churn_dataset *ds, const char *source)
{
    if (!ds)
        return CHURN_EINVAL;
    char *copy = NULL;
    if (source && !(copy = churn__strdup(source)))
        return CHURN_ENOMEM;
    free(ds->source);
    ds->source = copy;
    return CHURN_OK;
}

const char *churn_dataset_source(const churn_dataset *ds)
{
    return ds ? ds->source : NULL;
}

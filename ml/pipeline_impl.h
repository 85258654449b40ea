/* pipeline_impl.h - the pipeline's representation, shared by pipeline.c
 * (building, transform), pipeline_fit.c, pipeline_check.c and
 * pipeline_dist.c (fitting), pipeline_io.c (model-file section) and
 * pipeline_linear.c (the fused linear decisions) only; every other file
 * goes through pipeline.h. */
#ifndef CHURN_ML_PIPELINE_IMPL_H
#define CHURN_ML_PIPELINE_IMPL_H

#include "ml/pipeline.h"

/* How often a numeric input was missing in the training rows. */
enum churn__missing_state {
    CHURN__MISSING_NONE = 0, /* never: no indicator output */
    CHURN__MISSING_SOME = 1, /* sometimes: an indicator follows the value */
    CHURN__MISSING_ALL = 2,  /* always: the input carries no information,
                                so every row is treated as missing, even
                                one with a value */
    CHURN__MISSING_KEPT = 3  /* not imputed (churn__pipeline_opts
                                keep_missing): NaN passed on, no
                                indicator */
};

struct churn__pipeline_input {
    char *name;
    churn_column_kind kind;
    size_t first_out;          /* index of its first output */
    size_t n_out;
    double impute;             /* numeric: training median, 0 if none */
    enum churn__missing_state missing;
    churn__strmap *levels;     /* categorical: kept levels, index = code */
};

/* Whether input in has a "<name>_missing" output after its value. */
static inline int churn__has_indicator(const struct churn__pipeline_input *in)
{
    return in->missing == CHURN__MISSING_SOME ||
           in->missing == CHURN__MISSING_ALL;
}

struct churn__pipeline {
    size_t n_inputs;
    struct churn__pipeline_input *inputs; /* zeroed until filled */
    size_t n_outputs, cap_outputs;
    char **out_names;
    size_t *out_input;
    double *center, *scale;
};

/* A pipeline with n_inputs zeroed inputs and no outputs, or NULL. */
churn__pipeline *churn__pipeline_new(size_t n_inputs);
/* Allocates room for cap outputs; called once, before adding outputs.
 * Returns CHURN_OK or CHURN_ENOMEM. */
int churn__pipeline_reserve_outputs(churn__pipeline *p, size_t cap);
/* The number of outputs an input makes, from its kind, missing state and
 * levels: the one rule both fitting and reading follow. */
size_t churn__pipeline_outputs_of(const struct churn__pipeline_input *in);
/* Appends the named outputs of input j (center 0, scale 1 until set) into
 * the reserved room. Returns CHURN_OK or CHURN_ENOMEM. */
int churn__pipeline_add_outputs(churn__pipeline *p, size_t j);

/* What fitting reads: the training rows of a dataset. */
typedef struct churn__fit_rows {
    const churn_dataset *ds;
    const double *values;
    size_t n_cols;
    const size_t *rows; /* NULL: rows 0..n-1 */
    size_t n;           /* this process's training rows */
    double total;       /* training rows of every rank of the job */
    int keep_missing;   /* churn__pipeline_opts */
} churn__fit_rows;

/* The dataset row of training row i. */
static inline size_t churn__fit_row(const churn__fit_rows *t, size_t i)
{
    return t->rows ? t->rows[i] : i;
}

/* Checks t's dataset and rows (CHURN_EEMPTY: no rows unless spans, a
 * rank of a job, or no columns; CHURN_EINVAL: a row out of range, an
 * unnamed column) and sets *max_outputs to the most outputs fitting can
 * make (pipeline_check.c). */
int churn__check_training(const churn__fit_rows *t, int spans,
                          size_t *max_outputs, churn_error *err);

/* CHURN_OK when categorical input name, with n_levels distinct levels
 * among n_values non-missing training values (of every rank), is within
 * the limits churn.h documents (CHURN_MAX_LEVELS, id-like columns); else
 * CHURN_EFORMAT naming the column and the fixes. */
int churn__check_levels(const char *name, double n_levels, double n_values,
                        churn_error *err);

/* CHURN_OK when every rank's ds has the same columns (count, names,
 * kinds, in order), else CHURN_EFORMAT on every rank. Collective. */
int churn__check_columns_dist(const churn_dataset *ds,
                              const churn_comm *comm, churn_error *err);

/* Fit input j of p across the ranks of comm (pipeline_dist.c) from col,
 * its values in this rank's training rows; scratch has room for t->n
 * doubles. Collective: every rank calls them for the same j. */
int churn__fit_numeric_dist(churn__pipeline *p, size_t j,
                            const churn__fit_rows *t, const double *col,
                            double *scratch, const churn_comm *comm,
                            churn_error *err);
int churn__fit_categorical_dist(churn__pipeline *p, size_t j,
                                const churn__fit_rows *t, const double *col,
                                const churn_comm *comm, churn_error *err);

#endif /* CHURN_ML_PIPELINE_IMPL_H */

/* pipeline.h - ml/'s preprocessing pipeline (impute, one-hot encode,
 * standardize), its binding to datasets and its model-file section.
 * Internal: not installed, names are churn__*. */
#ifndef CHURN_ML_PIPELINE_H
#define CHURN_ML_PIPELINE_H

#include "ml/internal.h"

/* A fitted pipeline: raw feature columns ("inputs") in, standardized model
 * features ("outputs") out. Immutable once fitted or read; every function
 * that takes a const pointer only reads it and is thread-safe. */
typedef struct churn__pipeline churn__pipeline;

/* Fits the pipeline on rows[0..n) of ds (rows == NULL: all rows of ds, and
 * n is ignored), using every feature column of ds in column order.
 *
 * Numeric input: missing values are imputed with the median of the
 * non-missing training values; an output "<name>_missing" (0/1) follows
 * the value output only when the training rows had a missing value. An
 * input missing in every training row is "never observed": every row,
 * training or scored, is treated as missing (imputed 0, indicator 1), so
 * both outputs are constant 0 but kept, so that output shapes do not
 * depend on the data.
 * Categorical input: one output "<name>=<level>" per level that occurs in
 * the training rows, in ds's level-code order; a missing or unknown
 * category has every one-hot value 0. A categorical input with too many
 * levels, or one that looks like an id, is CHURN_EFORMAT (see
 * churn__check_levels and CHURN_MAX_LEVELS in churn.h).
 * Every output is then standardized, one-hot outputs included, so that L2
 * regularization penalizes all coefficients on the same scale: center =
 * mean and scale = population standard deviation (divisor n, as
 * scikit-learn's StandardScaler) over the training rows, scale 1 when the
 * deviation is 0, so a constant output becomes 0.
 *
 * Errors: CHURN_EEMPTY (no rows, no columns), CHURN_EINVAL (a row index out
 * of range, an unnamed column, an infinite value, a category code that is
 * not a level of ds), CHURN_ENUMERIC (values too large to standardize),
 * CHURN_ENOMEM. On success *out is a new pipeline the caller frees with
 * churn__pipeline_free; on error *out is NULL. */
int churn__pipeline_fit(const churn_dataset *ds, const size_t *rows, size_t n,
                        churn__pipeline **out, churn_error *err);
/* The same, across the ranks of comm (NULL: this process alone), each
 * rank with its own dataset and rows (possibly none): every rank gets the
 * pipeline a single process would fit on all the ranks' rows, rank 0's
 * first (equal to rounding: medians exactly, means and deviations from
 * sums; see pipeline_dist.c). Collective. The ranks' datasets must have
 * the same columns (names, kinds, order): CHURN_EFORMAT otherwise. */
int churn__pipeline_fit_comm(const churn_dataset *ds, const size_t *rows,
                             size_t n, const churn_comm *comm,
                             churn__pipeline **out, churn_error *err);
/* What a model family asks of the pipeline (models/family.h). The
 * defaults, {0, 1}, are the rules above. */
typedef struct churn__pipeline_opts {
    int keep_missing; /* numeric inputs: no imputation and no
                       * "<name>_missing" output; a missing value stays
                       * NaN in the output (the file says "kept"; the
                       * median is still found, and scales the others
                       * as it would impute them when standardize) */
    int standardize;  /* 0: every output as it is (center 0, scale 1) */
} churn__pipeline_opts;
/* churn__pipeline_fit_comm with opts (NULL: the defaults). */
int churn__pipeline_fit_opts(const churn_dataset *ds, const size_t *rows,
                             size_t n, const churn_comm *comm,
                             const churn__pipeline_opts *opts,
                             churn__pipeline **out, churn_error *err);
/* churn__pipeline_fit_opts with columns, when not NULL, room for n times
 * churn_dataset_n_cols(ds) doubles (overwritten): every column is copied
 * out of the row-major values in one pass over the rows, where without
 * it a small buffer takes a few columns per pass. */
int churn__pipeline_fit_into(const churn_dataset *ds, const size_t *rows,
                             size_t n, const churn_comm *comm,
                             const churn__pipeline_opts *opts,
                             double *columns, churn__pipeline **out,
                             churn_error *err);
/* Frees p; NULL is fine. */
void churn__pipeline_free(churn__pipeline *p);

/* The raw inputs: one per feature column of the training dataset. Names
 * and level texts stay valid as long as p. Out-of-range indices give
 * NULL, 0 or (size_t)-1. */
size_t churn__pipeline_n_inputs(const churn__pipeline *p);
const char *churn__pipeline_input_name(const churn__pipeline *p, size_t j);
churn_column_kind churn__pipeline_input_kind(const churn__pipeline *p,
                                             size_t j);
/* Categorical input j: the number of levels kept and level k's text. */
size_t churn__pipeline_n_levels(const churn__pipeline *p, size_t j);
const char *churn__pipeline_level(const churn__pipeline *p, size_t j,
                                  size_t k);
/* Code (0..n_levels-1) of a level text in input j, or (size_t)-1 when
 * unknown or when input j is numeric. */
size_t churn__pipeline_level_code(const churn__pipeline *p, size_t j,
                                  const char *text);

/* The outputs, in order: per input, numeric "<name>" then
 * "<name>_missing" when it has one; categorical "<name>=<level>" per
 * level. */
size_t churn__pipeline_n_outputs(const churn__pipeline *p);
const char *churn__pipeline_output_name(const churn__pipeline *p, size_t k);
/* The input output k comes from. */
size_t churn__pipeline_output_input(const churn__pipeline *p, size_t k);
/* Output k is (v - center) / scale, where v is the imputed value, the 0/1
 * indicator or the 0/1 one-hot value; scale > 0. The model container uses
 * these to report coefficients in raw units. */
void churn__pipeline_output_scaling(const churn__pipeline *p, size_t k,
                                    double *center, double *scale);

/* Transforms one raw row (n_inputs doubles in input order; categorical as
 * the pipeline's level codes; NaN = missing; a code that is not an integer
 * in 0..n_levels-1 = unknown) into n_outputs doubles written to out.
 * Allocates nothing; thread-safe. */
void churn__pipeline_transform(const churn__pipeline *p, const double *raw,
                               double *out);

/* The first step of churn__pipeline_transform, for n_rows raw rows at x
 * (row r at x + r * d): their outputs before standardization (the
 * imputed value, the 0/1 missing indicator, the 0/1 one-hot value),
 * output k of row r written to out[k * stride + r]; the transform is then
 * (value - center[k]) / scale[k]. Allocates nothing; thread-safe. */
void churn__pipeline_values(const churn__pipeline *p, const double *x,
                            size_t d, size_t n_rows, double *out,
                            size_t stride);
/* The decision values b + sum_k w[k] z[k] (k = 0 .. n_outputs - 1, in
 * that order) of n_rows raw rows at x (row r at x + r * d), where z is
 * the row churn__pipeline_transform makes: the same operations in the
 * same order, so the very bits of transform and then a plain loop over
 * the dot product, but several rows side by side and no z written
 * (pipeline_linear.c). w has n_outputs weights; writes n_rows values to
 * out. Allocates nothing; thread-safe. */
void churn__pipeline_linear(const churn__pipeline *p, const double *x,
                            size_t d, size_t n_rows, const double *w,
                            double b, double *out);
/* The same with the kernel that sums lanes rows side by side (2, 4 or 8),
 * for the tests: returns 1, or 0 (and writes nothing) when this build or
 * processor has no such kernel. */
int churn__pipeline_linear_lanes(const churn__pipeline *p, const double *x,
                                 size_t d, size_t n_rows, const double *w,
                                 double b, double *out, size_t lanes);

/* A column map from a dataset to a pipeline's inputs. */
typedef struct churn__binding churn__binding;

/* Finds each input of p by name in ds and, for categorical inputs, maps
 * ds's level codes to p's by level text. Extra columns of ds are ignored.
 * Errors (CHURN_EFORMAT): "missing column(s): a, b" naming every input ds
 * lacks; an input whose column in ds has the other kind. On success *out
 * is a new binding the caller frees with churn__binding_free; it holds no
 * pointer into p or ds. Levels added to ds later count as unknown. */
int churn__pipeline_bind(const churn__pipeline *p, const churn_dataset *ds,
                         churn__binding **out, churn_error *err);
void churn__binding_free(churn__binding *b);
/* Writes row i of ds as raw inputs in pipeline order into raw (n_inputs
 * doubles): numbers as they are, categories as the pipeline's codes (-1
 * for a level the pipeline does not know), NaN for missing. ds must be the
 * bound dataset or have the same columns. Allocates nothing. */
void churn__binding_row(const churn__binding *b, const churn_dataset *ds,
                        size_t i, double *raw);

/* Writes p as a model-file section (lines "pipeline <n_inputs>
 * <n_outputs>" ... "end pipeline"; see pipeline_io.c). Returns CHURN_OK,
 * or CHURN_EIO when the stream has an error. */
int churn__pipeline_write(const churn__pipeline *p, FILE *f);
/* Reads the section churn__pipeline_write wrote, starting at the next line
 * of r and ending after its "end pipeline" line. The pipeline read
 * transforms bit-identically to the one written. Every count, dimension,
 * name and number is checked; errors are CHURN_EFORMAT naming the line and
 * column (or CHURN_ENOMEM). On error *out is NULL. */
int churn__pipeline_read(churn__lines *r, churn__pipeline **out,
                         churn_error *err);

#endif /* CHURN_ML_PIPELINE_H */

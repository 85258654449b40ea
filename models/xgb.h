/* xgb.h - gradient-boosted trees trained and evaluated by XGBoost's C
 * library, behind our own types: the only header of models/ that knows
 * XGBoost exists (xgb.c calls it, through the functions xgb_lib.c loads
 * on first use). Internal; names churn__xgb_*. */
#ifndef CHURN_MODELS_XGB_H
#define CHURN_MODELS_XGB_H

#include "ml/internal.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Training parameters. XGBoost's own defaults except where said. */
typedef struct churn__xgb_params {
    size_t max_rounds;        /* boosting rounds at most (--trees); 100 */
    size_t depth;             /* max_depth, 1..64; 6 */
    double learning_rate;     /* eta, in (0, 1]; 0.3 */
    double subsample;         /* rows drawn per tree, in (0, 1]; 1 */
    double colsample;         /* columns drawn per tree, in (0, 1]; 1 */
    double min_child_weight;  /* >= 0; 1 */
    double lambda;            /* L2 penalty on leaf weights, >= 0; 1 */
    double scale_pos_weight;  /* weight of positive rows, > 0; 1 */
    uint64_t seed;            /* XGBoost's seed and the hold-out shuffle; 0 */
    size_t threads;           /* nthread, >= 1; 1 (ours: XGBoost's trees
                               * depend on the thread count, and a model
                               * file should not depend on the machine) */
    size_t early_stopping_rounds; /* ours: 0 = off (train max_rounds);
                                   * default 20, see churn__xgb_fit */
    double holdout;           /* ours: the fraction of each class held out
                               * for early stopping, in (0, 0.5]; 0.2 */
} churn__xgb_params;

/* Fills p with the defaults above. */
void churn__xgb_params_default(churn__xgb_params *p);

/* A fitted booster: owns XGBoost's booster and its serialized bytes. */
typedef struct churn__xgb churn__xgb;

/* Trains binary:logistic trees (tree_method hist) on x (n x d row-major
 * doubles, NaN = missing; converted to float once, as XGBoost reads
 * them) and y (n labels, 0 or 1). p NULL means the defaults.
 *
 * Early stopping (p->early_stopping_rounds > 0): a stratified share
 * p->holdout of each class, shuffled with GSL's mt19937 seeded by
 * p->seed, is held out; trees are grown on the other rows while the
 * held-out log loss is watched; training stops once it has not improved
 * for early_stopping_rounds rounds (or at max_rounds), and the best
 * round count R is kept. The booster is then REFITTED ON ALL n ROWS for R
 * rounds: the held-out rows are a fifth of the data, too valuable to
 * lose, and the refit is as deterministic as the first fit. When the
 * share rounds to no row at all (a handful of rows), max_rounds are
 * trained on all rows and info->holdout_rows says 0.
 *
 * Same x, y, params (seed, threads): the same bytes. On success *out is
 * a new booster the caller frees; info (may be NULL) is filled.
 * Returns CHURN_OK, CHURN_EINVAL (bad parameters, n or d 0, a label not
 * 0/1, one class only, a value that is infinite or beyond float's range),
 * CHURN_ENUMERIC (XGBoost failed; its message), CHURN_ENOMEM. */
typedef struct churn__xgb_info {
    size_t rounds;          /* rounds in the returned booster */
    size_t holdout_rows;    /* rows held out (0 without early stopping) */
    double holdout_logloss; /* held-out log loss at the best round (NaN
                             * without early stopping) */
} churn__xgb_info;

int churn__xgb_fit(const churn__xgb_params *p, const double *x,
                   const double *y, size_t n, size_t d, churn__xgb **out,
                   churn__xgb_info *info, churn_error *err);

/* Frees b; NULL is fine. */
void churn__xgb_free(churn__xgb *b);

/* Boosting rounds (trees) and input features of b. */
size_t churn__xgb_rounds(const churn__xgb *b);
size_t churn__xgb_n_features(const churn__xgb *b);

/* b's booster in XGBoost's UBJSON model format; *len receives its size.
 * The bytes belong to b and live as long as it. */
const unsigned char *churn__xgb_bytes(const churn__xgb *b, size_t *len);

/* Loads a booster from UBJSON bytes (as churn__xgb_bytes gives) that
 * must be a binary:logistic model of d features. The bytes pass
 * churn__xgb_check_ubj first. On success *out is new; CHURN_EFORMAT for
 * bytes that are not a whole UBJSON object, with XGBoost's message for
 * ones it cannot read, or for a model of another kind; CHURN_ENOMEM.
 * XGBoost does not check a tree's child and feature indices: bytes must
 * come from a source whose integrity is checked (the model file's
 * checksum), as a shared library would. */
int churn__xgb_load(const void *bytes, size_t len, size_t d,
                    churn__xgb **out, churn_error *err);

/* CHURN_OK when bytes[0..len) are exactly one UBJSON object in the
 * subset XGBoost 1.7 reads, every length inside the bytes; else
 * CHURN_EFORMAT "xgboost: not a booster (UBJSON byte N of LEN: why)".
 * XGBoost's own reader reads past the end of truncated bytes. */
int churn__xgb_check_ubj(const void *bytes, size_t len, churn_error *err);

/* The text form, for our text model file: a line
 *     xgboost-ubj BYTES LINES
 * then LINES lines of standard base64 (RFC 4648 alphabet, '=' padding
 * only at the very end) of the UBJSON bytes, 76 characters each except
 * the last. Exact: the bytes read back are the bytes written. */
void churn__xgb_write_text(FILE *f, const churn__xgb *b);

/* Reads the text form from r, starting with the next line, for a model
 * of d features. Strict: a wrong header, a character outside the
 * alphabet, a line of the wrong length, misplaced padding, nonzero
 * padding bits or a byte count that disagrees are CHURN_EFORMAT naming
 * the line and column; then as churn__xgb_load. */
int churn__xgb_read_text(churn__lines *r, size_t d, churn__xgb **out,
                         churn_error *err);

/* Margins (log-odds) of n rows of x (n x d, NaN = missing) into out (n,
 * caller-owned), as floats XGBoost computes, widened. Thread-safe: many
 * threads may call it on one b at once (XGBoost 1.7 keeps in-place
 * prediction's output per thread and per booster, and b is configured
 * before it is handed out). CHURN_EINVAL for an infinite value or one
 * beyond float's range, CHURN_ENUMERIC or CHURN_ENOMEM from XGBoost. */
int churn__xgb_margins(const churn__xgb *b, const double *x, size_t n,
                       double *out, churn_error *err);

/* TreeSHAP contributions of n rows: out (n x (d + 1), caller-owned) gets
 * per row d feature contributions then the bias; each row sums to its
 * margin within float rounding. Thread-safe as churn__xgb_margins. */
int churn__xgb_contributions(const churn__xgb *b, const double *x, size_t n,
                             double *out, churn_error *err);

#endif /* CHURN_MODELS_XGB_H */

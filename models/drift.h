/* drift.h - reference distributions a model keeps of its training rows
 * (each input and the score), for the population stability index of new
 * data (churn_drift_* in churn.h; docs/DRIFT.md). Not installed. */
#ifndef CHURN_MODELS_DRIFT_H
#define CHURN_MODELS_DRIFT_H

#include "ml/internal.h"
#include "ml/psi.h"

/* The share floor of an empty bin (docs/DRIFT.md). */
#define CHURN__DRIFT_FLOOR 1e-4

/* At most this many of a rank's training rows are scored for the score's
 * reference (every k-th row, k = ceil(n / cap)): a kernel model's
 * prediction of every training row cost a fifth of its training, and
 * deciles of 5,000 probabilities are as good a reference for a PSI as
 * deciles of all of them. The inputs' references use every row. */
#define CHURN__DRIFT_SCORE_ROWS 5000

/* One column's bins and their counts. Bins 0..n_bins-1 are the numeric
 * ranges (n_edges + 1 of them, see churn__edge_bin) or the categorical
 * levels in the pipeline's code order; bin n_bins holds unknown levels
 * (never in a reference; always empty for numbers); bin n_bins + 1 the
 * missing values. */
typedef struct churn__drift_col {
    int categorical;
    size_t n_edges;
    double edges[CHURN__DECILES];
    size_t n_bins;
    double *count;        /* n_bins + 2 */
} churn__drift_col;

/* The references of a model: its training rows binned per input (in the
 * pipeline's input order) and the probabilities of a sample of them
 * (score_rows of the rows; all of them up to CHURN__DRIFT_SCORE_ROWS per
 * rank) binned by deciles. */
typedef struct churn__drift_ref {
    double rows;
    double score_rows;
    size_t n_inputs;
    churn__drift_col *input;
    churn__drift_col score;
} churn__drift_ref;

struct churn_model;

/* The reference itself (drift.c, which calls nothing of the model). */
void churn__drift_ref_free(churn__drift_ref *r);

/* The bin of value x (NaN = missing; a categorical code outside the
 * levels = unknown) in column c. */
size_t churn__drift_bin(const churn__drift_col *c, double x);

/* Computes m's references from rows[0..n) of ds (the rows the final model
 * was fitted on; across the ranks of comm, every rank's rows: the inputs'
 * references are the same as one process on all of them, the score's is
 * fitted from each rank's own sample) and keeps them in m->drift.
 * Collective when comm spans ranks. Above the model (drift_fit.c).
 * scratch, when not NULL, has room for n times the model's inputs and is
 * used for their values (training passes the buffer its standardized
 * rows were in: pages already mapped); NULL: one is allocated. */
int churn__drift_fit(struct churn_model *m, const churn_dataset *ds,
                     const size_t *rows, size_t n, const churn_comm *comm,
                     double *scratch, churn_error *err);

/* The model file's drift section (lines "drift N ROWS" ... "end drift"),
 * and its reader: starts at the next line of r, checks every count and
 * name against m's pipeline, and sets m->drift. */
void churn__drift_write(const churn__drift_ref *d,
                        const struct churn_model *m, FILE *f);
int churn__drift_read(churn__lines *r, struct churn_model *m,
                      churn_error *err);

#endif

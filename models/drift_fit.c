/* drift_fit.c - the reference distributions of a model's training rows,
 * fitted at training (across ranks too) from the model's own inputs and
 * probabilities: above the model (model.c) and the reference (drift.c). */
#include "models/drift.h"
#include "ml/comm.h"
#include "models/model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Bins the n values v (every rank's; reordered) into c, whose kind and,
 * for categories, n_bins are set: numbers get their decile edges first,
 * and their counts with them. */
static int fit_col(churn__drift_col *c, double *v, size_t n,
                   churn_error *err)
{
    size_t seen = 0; /* numbers: the non-missing values first */
    /* Integer tallies: an increment of a double waits for the one
     * before it. */
    size_t tally[CHURN__DECILES + 1];
    if (!c->categorical) {
        for (size_t i = 0; i < n; i++)
            if (!isnan(v[i]))
                v[seen++] = v[i];
        c->n_edges = churn__decile_bins(v, seen, c->edges, tally);
        c->n_bins = c->n_edges + 1;
    }
    if (!(c->count = calloc(c->n_bins + 2, sizeof *c->count)))
        return churn__fail_nomem(err);
    if (c->categorical) {
        for (size_t i = 0; i < n; i++)
            c->count[churn__drift_bin(c, v[i])]++;
        return CHURN_OK;
    }
    /* The seen numbers by their edges, and the missing ones in the bin
     * churn__drift_bin gives NaN. */
    for (size_t b = 0; b < c->n_bins; b++)
        c->count[b] = (double)tally[b];
    c->count[c->n_bins + 1] = (double)(n - seen);
    return CHURN_OK;
}

/* Every rank's n values at mine, gathered on every rank into *all
 * (*total of them; a malloc'd copy for a single process). */
static int gather_values(const churn_comm *comm, const double *mine,
                         size_t n, double **all, size_t *total,
                         churn_error *err)
{
    int ranks = churn__comm_spans(comm) ? comm->size : 1;
    size_t *lens = malloc((size_t)ranks * sizeof *lens);
    void *out = NULL;
    int rc = lens ? CHURN_OK : churn__fail_nomem(err);
    if ((rc = churn_comm_agree(comm, rc, err)) == CHURN_OK)
        rc = churn__comm_gather(comm, mine, n * sizeof *mine, 1, &out, lens,
                                err);
    size_t bytes = 0;
    for (int r = 0; rc == CHURN_OK && r < ranks; r++)
        bytes += lens[r];
    free(lens);
    *all = out;
    *total = bytes / sizeof **all;
    return rc;
}

/* Rows bound and scored per block: the block of raw rows stays in cache
 * while it is scored and copied out input by input. */
#define DRIFT_BLOCK 256

/* The stride of the score's sample of n rows: every k-th row, k =
 * ceil(n / CHURN__DRIFT_SCORE_ROWS), so at most that many rows, spread
 * over the file and the same on every run. */
static size_t score_stride(size_t n)
{
    size_t cap = CHURN__DRIFT_SCORE_ROWS;
    return n > cap ? (n + cap - 1) / cap : 1;
}

/* This rank's rows as raw inputs, input after input (input j of row i at
 * cols[j * n + i]; cols is scratch when given), and the probabilities of
 * its sample (rows 0, k, 2k, ... for k = score_stride(n); *n_prob of
 * them). Block by block, so the inputs' columns are written from a block
 * in cache, not gathered by a pass over all rows per input; the block's
 * sampled rows are then packed to its front and scored, the others never
 * (a row scores to the same bits in any block: churn_model_predict). */
static int local_values(const churn_model *m, const churn_dataset *ds,
                        const size_t *rows, size_t n, double *scratch,
                        double **cols_out, double **prob_out,
                        size_t *n_prob, churn_error *err)
{
    size_t d = churn_model_n_inputs(m), k = score_stride(n), scored = 0;
    churn__binding *bind = NULL;
    double *cols = scratch ? scratch
                           : malloc((n * d > 0 ? n * d : 1) * sizeof *cols);
    double *prob = malloc((n ? (n + k - 1) / k : 1) * sizeof *prob);
    double *raw = malloc(DRIFT_BLOCK * (d ? d : 1) * sizeof *raw);
    int rc = cols && prob && raw
                 ? churn__pipeline_bind(m->pipe, ds, &bind, err)
                 : churn__fail_nomem(err);
    for (size_t i0 = 0; rc == CHURN_OK && i0 < n; i0 += DRIFT_BLOCK) {
        size_t b = n - i0 < DRIFT_BLOCK ? n - i0 : DRIFT_BLOCK, s = 0;
        for (size_t i = 0; i < b; i++)
            churn__binding_row(bind, ds, rows[i0 + i], raw + i * d);
        for (size_t j = 0; j < d; j++)
            for (size_t i = 0; i < b; i++)
                cols[j * n + i0 + i] = raw[i * d + j];
        for (size_t i = 0; i < b; i++) /* to the front, in order */
            if ((i0 + i) % k == 0 && s++ != i)
                memcpy(raw + (s - 1) * d, raw + i * d, d * sizeof *raw);
        if (s > 0)
            rc = churn_model_predict(m, raw, s, prob + scored, err);
        scored += s;
    }
    churn__binding_free(bind);
    free(raw);
    if (rc != CHURN_OK) {
        if (cols != scratch)
            free(cols);
        free(prob);
        return rc;
    }
    *cols_out = cols;
    *prob_out = prob;
    *n_prob = scored;
    return CHURN_OK;
}

int churn__drift_fit(churn_model *m, const churn_dataset *ds,
                     const size_t *rows, size_t n, const churn_comm *comm,
                     double *scratch, churn_error *err)
{
    size_t d = churn_model_n_inputs(m), total = 0, n_prob = 0;
    double *cols = NULL, *prob = NULL, *all = NULL, counts[2];
    int spans = churn__comm_spans(comm);
    churn__drift_ref *r = calloc(1, sizeof *r);
    int rc = r && (r->input = calloc(d ? d : 1, sizeof *r->input))
                 ? local_values(m, ds, rows, n, scratch, &cols, &prob,
                                &n_prob, err)
                 : churn__fail_nomem(err);
    /* Every rank fails alike before the gathers. */
    if ((rc = churn_comm_agree(comm, rc, err)) != CHURN_OK)
        goto done;
    /* The job's rows and sampled rows: every rank's. */
    counts[0] = (double)n;
    counts[1] = (double)n_prob;
    if (spans && (rc = churn__comm_reduce(comm, counts, 2, CHURN_REDUCE_SUM,
                                          err)) != CHURN_OK)
        goto done;
    r->n_inputs = d;
    /* Each column alone (every rank's values of it), so memory is one
     * column of the job's rows at a time. */
    for (size_t j = 0; j <= d && rc == CHURN_OK; j++) {
        churn__drift_col *c = j < d ? &r->input[j] : &r->score;
        double *values = j < d ? cols + j * n : prob;
        size_t len = j < d ? n : n_prob;
        if (j < d && churn_model_input_kind(m, j) == CHURN_CATEGORICAL) {
            c->categorical = 1;
            c->n_bins = churn__pipeline_n_levels(m->pipe, j);
        }
        /* One process fits its own column in place (used once, so its
         * reordering harms nothing); ranks fit the gathered copy. */
        if (spans)
            rc = gather_values(comm, values, len, &all, &total, err);
        else
            total = len;
        if (rc == CHURN_OK)
            rc = churn_comm_agree(comm,
                                  fit_col(c, spans ? all : values, total,
                                          err),
                                  err);
        free(all);
        all = NULL;
    }
    r->rows = counts[0];
    r->score_rows = counts[1];
done:
    if (cols != scratch)
        free(cols);
    free(prob);
    if (rc != CHURN_OK) {
        churn__drift_ref_free(r);
        return rc;
    }
    churn__drift_ref_free(m->drift);
    m->drift = r;
    return CHURN_OK;
}

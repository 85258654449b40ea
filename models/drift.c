/* drift.c - the reference distributions of a model's training rows: fitted
 * at training (across ranks too), written to and read from the model
 * file's drift section. */
#include "models/drift.h"
#include "ml/comm.h"
#include "models/model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void churn__drift_ref_free(churn__drift_ref *r)
{
    if (!r)
        return;
    for (size_t j = 0; r->input && j < r->n_inputs; j++)
        free(r->input[j].count);
    free(r->input);
    free(r->score.count);
    free(r);
}

size_t churn__drift_bin(const churn__drift_col *c, double x)
{
    if (isnan(x))
        return c->n_bins + 1;
    if (c->categorical)
        return x >= 0 && x < (double)c->n_bins && x == floor(x)
                   ? (size_t)x : c->n_bins;
    return churn__edge_bin(c->edges, c->n_edges, x);
}

/* Bins the n values v (every rank's; reordered) into c, whose kind and,
 * for categories, n_bins are set: numbers get their decile edges first. */
static int fit_col(churn__drift_col *c, double *v, size_t n,
                   churn_error *err)
{
    if (!c->categorical) {
        size_t seen = 0; /* the non-missing values first */
        for (size_t i = 0; i < n; i++)
            if (!isnan(v[i]))
                v[seen++] = v[i];
        c->n_edges = churn__decile_edges(v, seen, c->edges);
        c->n_bins = c->n_edges + 1;
        for (size_t i = seen; i < n; i++)
            v[i] = NAN;
    }
    if (!(c->count = calloc(c->n_bins + 2, sizeof *c->count)))
        return churn__fail_nomem(err);
    for (size_t i = 0; i < n; i++)
        c->count[churn__drift_bin(c, v[i])]++;
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

/* This rank's rows as raw inputs (n x d) and their probabilities. */
static int local_values(const churn_model *m, const churn_dataset *ds,
                        const size_t *rows, size_t n, double **raw_out,
                        double **prob_out, churn_error *err)
{
    size_t d = churn_model_n_inputs(m);
    churn__binding *bind = NULL;
    double *raw = malloc((n * d > 0 ? n * d : 1) * sizeof *raw);
    double *prob = malloc((n ? n : 1) * sizeof *prob);
    int rc = raw && prob ? churn__pipeline_bind(m->pipe, ds, &bind, err)
                         : churn__fail_nomem(err);
    for (size_t i = 0; rc == CHURN_OK && i < n; i++)
        churn__binding_row(bind, ds, rows[i], raw + i * d);
    if (rc == CHURN_OK)
        rc = churn_model_predict(m, raw, n, prob, err);
    churn__binding_free(bind);
    if (rc != CHURN_OK) {
        free(raw);
        free(prob);
        return rc;
    }
    *raw_out = raw;
    *prob_out = prob;
    return CHURN_OK;
}

/* Inputs copied out of the row-major raw values per pass (a cache line
 * of doubles). */
#define DRIFT_GROUP 8

/* Copies inputs j0 .. j0 + DRIFT_GROUP - 1 (those below d) of the n x d
 * rows raw into cols, input after input: one pass over the rows, where
 * an input at a time would read a cache line per row for each. */
static void gather_inputs(const double *raw, size_t n, size_t d, size_t j0,
                          double *cols)
{
    size_t g_n = d - j0 < DRIFT_GROUP ? d - j0 : DRIFT_GROUP;
    for (size_t i = 0; i < n; i++)
        for (size_t g = 0; g < g_n; g++)
            cols[g * n + i] = raw[i * d + j0 + g];
}

int churn__drift_fit(churn_model *m, const churn_dataset *ds,
                     const size_t *rows, size_t n, const churn_comm *comm,
                     churn_error *err)
{
    size_t d = churn_model_n_inputs(m), total = 0;
    double *raw = NULL, *prob = NULL, *col = NULL, *all = NULL;
    churn__drift_ref *r = calloc(1, sizeof *r);
    int rc = r && (r->input = calloc(d ? d : 1, sizeof *r->input)) &&
                     (col = malloc((n ? DRIFT_GROUP * n : 1) *
                                   sizeof *col))
                 ? local_values(m, ds, rows, n, &raw, &prob, err)
                 : churn__fail_nomem(err);
    /* Every rank fails alike before the gathers. */
    if ((rc = churn_comm_agree(comm, rc, err)) != CHURN_OK)
        goto done;
    r->n_inputs = d;
    /* Each column alone (every rank's values of it), so memory is one
     * column of the job's rows at a time. */
    for (size_t j = 0; j <= d && rc == CHURN_OK; j++) {
        churn__drift_col *c = j < d ? &r->input[j] : &r->score;
        if (j < d && j % DRIFT_GROUP == 0)
            gather_inputs(raw, n, d, j, col);
        const double *values = j < d ? col + j % DRIFT_GROUP * n : prob;
        if (j < d && churn_model_input_kind(m, j) == CHURN_CATEGORICAL) {
            c->categorical = 1;
            c->n_bins = churn__pipeline_n_levels(m->pipe, j);
        }
        rc = gather_values(comm, values, n, &all, &total, err);
        if (rc == CHURN_OK)
            rc = churn_comm_agree(comm, fit_col(c, all, total, err), err);
        free(all);
        all = NULL;
    }
    r->rows = (double)total;
done:
    free(raw);
    free(prob);
    free(col);
    if (rc != CHURN_OK) {
        churn__drift_ref_free(r);
        return rc;
    }
    churn__drift_ref_free(m->drift);
    m->drift = r;
    return CHURN_OK;
}

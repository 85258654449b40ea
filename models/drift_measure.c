/* drift_measure.c - churn_drift: new rows binned as the model's
 * references and the population stability index of each input and of the
 * score (churn.h, docs/DRIFT.md). */
#include "models/drift_measure.h"
#include "models/model.h"
#include "ml/comm.h"
#include "ml/eval.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int churn_drift_has_references(const churn_model *m)
{
    return m && m->drift != NULL;
}

static void item_clear(churn__drift_item *it)
{
    free(it->name);
    for (size_t k = 0; it->levels && k < it->col.n_bins; k++)
        free(it->levels[k]);
    free(it->levels);
    free(it->expected);
    free(it->actual);
}

void churn_drift_free(churn_drift *d)
{
    if (!d)
        return;
    for (size_t j = 0; d->item && j <= d->n_inputs; j++)
        item_clear(&d->item[j]);
    free(d->item);
    free(d->order);
    free(d);
}

/* Sets it up from reference column c: bins, edges, level texts (input j
 * of m; j = n_inputs for the score), expected counts, zero actual ones. */
static int item_init(churn__drift_item *it, const churn_model *m, size_t j,
                     const churn__drift_col *c)
{
    size_t nb = c->n_bins + 2;
    it->col = *c;
    it->name = churn__strdup(j < churn_model_n_inputs(m)
                                 ? churn_model_input_name(m, j) : "score");
    it->expected = malloc(nb * sizeof *it->expected);
    it->actual = calloc(nb, sizeof *it->actual);
    if (!it->name || !it->expected || !it->actual)
        return CHURN_ENOMEM;
    memcpy(it->expected, c->count, nb * sizeof *it->expected);
    it->expected_total = 0;
    for (size_t b = 0; b < nb; b++)
        it->expected_total += c->count[b];
    it->col.count = it->actual;
    if (!c->categorical)
        return CHURN_OK;
    if (!(it->levels = calloc(c->n_bins ? c->n_bins : 1, sizeof *it->levels)))
        return CHURN_ENOMEM;
    for (size_t k = 0; k < c->n_bins; k++)
        if (!(it->levels[k] = churn__strdup(
                  churn__pipeline_level(m->pipe, j, k))))
            return CHURN_ENOMEM;
    return CHURN_OK;
}

/* Bins every row of ds and its probability. */
static int count_rows(churn_drift *d, const churn_model *m,
                      const churn_dataset *ds, const double *prob,
                      churn_error *err)
{
    size_t n = churn_dataset_n_rows(ds), p = d->n_inputs;
    double *own = NULL, *raw = malloc((p ? p : 1) * sizeof *raw);
    churn__binding *bind = NULL;
    int rc = raw ? CHURN_OK : churn__fail_nomem(err);
    if (rc == CHURN_OK && !prob) {
        own = malloc((n ? n : 1) * sizeof *own);
        rc = own ? churn_model_predict_dataset(m, ds, own, err)
                 : churn__fail_nomem(err);
        prob = own;
    }
    if (rc == CHURN_OK)
        rc = churn__pipeline_bind(m->pipe, ds, &bind, err);
    for (size_t i = 0; rc == CHURN_OK && i < n; i++) {
        churn__binding_row(bind, ds, i, raw);
        for (size_t j = 0; j < p; j++)
            d->item[j].actual[churn__drift_bin(&d->item[j].col, raw[j])]++;
        d->item[p].actual[churn__drift_bin(&d->item[p].col, prob[i])]++;
    }
    churn__binding_free(bind);
    free(raw);
    free(own);
    return rc;
}

/* Ranks d's inputs by PSI, largest first; equal ones in input order. */
static void rank_inputs(churn_drift *d)
{
    for (size_t j = 0; j < d->n_inputs; j++) {
        size_t r = j; /* insertion: stable */
        double v = d->item[j].psi;
        while (r > 0 && d->item[d->order[r - 1]].psi < v) {
            d->order[r] = d->order[r - 1];
            r--;
        }
        d->order[r] = j;
    }
}

/* The PSI of every item from its counts, each reference's shares of its
 * own total (the score's counts a sample), and the inputs' ranking. */
static void finish(churn_drift *d)
{
    for (size_t j = 0; j <= d->n_inputs; j++) {
        churn__drift_item *it = &d->item[j];
        it->psi = churn__psi_counts(it->expected, it->expected_total,
                                    it->actual, (double)d->rows,
                                    it->col.n_bins + 2, CHURN__DRIFT_FLOOR);
    }
    rank_inputs(d);
}

int churn_drift_measure(const churn_model *m, const churn_dataset *ds,
                        const double *prob, churn_drift **out,
                        churn_error *err)
{
    if (!m || !ds || !out)
        return churn__fail(err, CHURN_EINVAL, "drift: null argument");
    *out = NULL;
    if (!m->drift)
        return churn__fail(err, CHURN_EINVAL,
                           "the model has no drift references (trained "
                           "before churn recorded them)");
    const churn__drift_ref *ref = m->drift;
    size_t p = ref->n_inputs;
    churn_drift *d = calloc(1, sizeof *d);
    int rc = d && (d->item = calloc(p + 1, sizeof *d->item)) &&
                     (d->order = malloc((p ? p : 1) * sizeof *d->order))
                 ? CHURN_OK : CHURN_ENOMEM;
    if (rc == CHURN_OK)
        d->n_inputs = p;
    for (size_t j = 0; rc == CHURN_OK && j <= p; j++)
        rc = item_init(&d->item[j], m, j,
                       j < p ? &ref->input[j] : &ref->score);
    if (rc == CHURN_ENOMEM)
        churn__fail_nomem(err);
    if (rc == CHURN_OK)
        rc = count_rows(d, m, ds, prob, err);
    if (rc != CHURN_OK) {
        churn_drift_free(d);
        return rc;
    }
    d->rows = churn_dataset_n_rows(ds);
    d->reference_rows = ref->rows;
    finish(d);
    *out = d;
    return CHURN_OK;
}

int churn_drift_combine(churn_drift *d, const churn_comm *comm,
                        churn_error *err)
{
    if (!d)
        return churn__fail(err, CHURN_EINVAL, "drift: null argument");
    if (!churn__comm_spans(comm))
        return CHURN_OK;
    size_t len = 1; /* the rows, then every item's counts */
    for (size_t j = 0; j <= d->n_inputs; j++)
        len += d->item[j].col.n_bins + 2;
    double *v = malloc(len * sizeof *v);
    int rc = churn_comm_agree(comm, v ? CHURN_OK : churn__fail_nomem(err),
                              err);
    if (rc != CHURN_OK) {
        free(v);
        return rc;
    }
    size_t at = 1;
    v[0] = (double)d->rows;
    for (size_t j = 0; j <= d->n_inputs; j++)
        for (size_t b = 0; b < d->item[j].col.n_bins + 2; b++)
            v[at++] = d->item[j].actual[b];
    rc = churn__comm_reduce(comm, v, len, CHURN_REDUCE_SUM, err);
    if (rc == CHURN_OK) {
        at = 1;
        d->rows = (size_t)v[0];
        for (size_t j = 0; j <= d->n_inputs; j++)
            for (size_t b = 0; b < d->item[j].col.n_bins + 2; b++)
                d->item[j].actual[b] = v[at++];
        finish(d);
    }
    free(v);
    return rc;
}

size_t churn_drift_n_rows(const churn_drift *d) { return d ? d->rows : 0; }

size_t churn_drift_n_reference_rows(const churn_drift *d)
{
    return d ? (size_t)d->reference_rows : 0;
}

size_t churn_drift_n_inputs(const churn_drift *d)
{
    return d ? d->n_inputs : 0;
}

const char *churn_drift_input_name(const churn_drift *d, size_t r)
{
    return d && r < d->n_inputs ? d->item[d->order[r]].name : NULL;
}

double churn_drift_input_psi(const churn_drift *d, size_t r)
{
    return d && r < d->n_inputs ? d->item[d->order[r]].psi : NAN;
}

double churn_drift_score_psi(const churn_drift *d)
{
    return d ? d->item[d->n_inputs].psi : NAN;
}

double churn_drift_max_psi(const churn_drift *d)
{
    if (!d)
        return NAN;
    double top = churn_drift_score_psi(d);
    if (d->n_inputs && churn_drift_input_psi(d, 0) > top)
        top = churn_drift_input_psi(d, 0);
    return top;
}

int churn_eval_add_drift(churn_eval *e, const churn_drift *d)
{
    if (!e || !d)
        return CHURN_EINVAL;
    churn__eval_drift *s = calloc(1, sizeof *s);
    int rc = s && (s->name = calloc(d->n_inputs + 1, sizeof *s->name)) &&
                     (s->psi = malloc((d->n_inputs + 1) * sizeof *s->psi))
                 ? CHURN_OK : CHURN_ENOMEM;
    for (size_t r = 0; rc == CHURN_OK && r < d->n_inputs; r++) {
        s->n = r + 1;
        s->psi[r] = churn_drift_input_psi(d, r);
        if (!(s->name[r] = churn__strdup(churn_drift_input_name(d, r))))
            rc = CHURN_ENOMEM;
    }
    if (rc != CHURN_OK) {
        churn__eval_drift_free(s);
        return rc;
    }
    s->rows = d->rows;
    s->reference_rows = (size_t)d->reference_rows;
    s->score_psi = churn_drift_score_psi(d);
    churn__eval_drift_free(e->drift);
    e->drift = s;
    return CHURN_OK;
}

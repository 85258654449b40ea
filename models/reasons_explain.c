/* reasons_explain.c - churn_reasons_explain: one customer's reasons as
 * data (group, words, contribution), the same ones churn-score writes. */
#include "models/reasons.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct churn_reasons {
    size_t n;
    double contrib[CHURN__MAX_REASONS];
    char *group[CHURN__MAX_REASONS];
    char *text[CHURN__MAX_REASONS];
};

void churn_reasons_free(churn_reasons *x)
{
    if (!x)
        return;
    for (size_t k = 0; k < x->n; k++) {
        free(x->group[k]);
        free(x->text[k]);
    }
    free(x);
}

static char *copy(const char *s)
{
    size_t n = strlen(s) + 1;
    char *c = malloc(n);
    return c ? memcpy(c, s, n) : NULL;
}

/* The contributions of row `row` into contrib (d, then the scratch of
 * churn__classifier_contrib), as churn_score_dataset computes them. */
static int row_contributions(const churn_model *m, const churn_dataset *ds,
                             size_t row, double *contrib, churn_error *err)
{
    size_t d = churn__pipeline_n_inputs(m->pipe), p = m->n_outputs;
    churn__binding *bind = NULL;
    double *raw = malloc((d ? d : 1) * sizeof *raw);
    double *z = malloc((p ? p : 1) * sizeof *z);
    size_t *out_input = malloc((p ? p : 1) * sizeof *out_input);
    int rc = raw && z && out_input ? CHURN_OK : churn__fail_nomem(err);
    if (rc == CHURN_OK)
        rc = churn__pipeline_bind(m->pipe, ds, &bind, err);
    if (rc == CHURN_OK) {
        for (size_t k = 0; k < p; k++)
            out_input[k] = churn__pipeline_output_input(m->pipe, k);
        churn__binding_row(bind, ds, row, raw);
        churn__model_decision(m, raw, z); /* z: the standardized row */
        churn__classifier_contrib(&m->clf, z, out_input, d, contrib,
                                  contrib + d);
    }
    churn__binding_free(bind);
    free(raw);
    free(z);
    free(out_input);
    return rc;
}

/* Fills x from the ranked reasons r (n of them) of row `row`. */
static int fill(churn_reasons *x, const churn__reason *r, size_t n,
                const churn__reasons_plan *p, size_t row, int by_group)
{
    const churn_model *m = p->m;
    for (size_t k = 0; k < n; k++) {
        char text[512];
        const char *group = churn__group_name(r[k].group);
        if (by_group)
            churn__reason_words(&r[k], p, row, text, sizeof text);
        else /* the input as it is: a reason without a family */
            churn__reason_words(&(churn__reason){CHURN__GROUP_NONE,
                                                 r[k].input, r[k].contrib},
                                p, row, text, sizeof text);
        x->group[k] = copy(group ? group : churn__pipeline_input_name(
                                               m->pipe, r[k].input));
        x->text[k] = copy(text);
        x->contrib[k] = r[k].contrib;
        x->n = k + 1;
        if (!x->group[k] || !x->text[k])
            return CHURN_ENOMEM;
    }
    return CHURN_OK;
}

int churn_reasons_explain(const churn_model *m, const churn_dataset *ds,
                          size_t row, size_t n, int by_group,
                          churn_reasons **out, churn_error *err)
{
    if (!m || !ds || !out)
        return churn__fail(err, CHURN_EINVAL, "explain: null argument");
    *out = NULL;
    if (n > CHURN__MAX_REASONS || row >= churn_dataset_n_rows(ds))
        return churn__fail(err, CHURN_EINVAL,
                           "explain: row %zu of %zu, %zu reasons (0..%d)",
                           row, churn_dataset_n_rows(ds), n,
                           CHURN__MAX_REASONS);
    size_t d = churn__pipeline_n_inputs(m->pipe), p = m->n_outputs;
    double *contrib = malloc((4 * d + p + 1) * sizeof *contrib);
    churn_reasons *x = calloc(1, sizeof *x);
    churn__reason r[CHURN__MAX_REASONS];
    churn__reasons_plan plan;
    int rc = contrib && x ? CHURN_OK : churn__fail_nomem(err);
    int have_plan = rc == CHURN_OK;
    if (have_plan && churn__reasons_plan_init(&plan, m, ds) != CHURN_OK)
        rc = churn__fail_nomem(err);
    if (rc == CHURN_OK && n > 0)
        rc = row_contributions(m, ds, row, contrib, err);
    if (rc == CHURN_OK && n > 0) {
        size_t k = churn__reasons_rank(&plan, contrib, by_group, n, r);
        if (fill(x, r, k, &plan, row, by_group) != CHURN_OK)
            rc = churn__fail_nomem(err);
    }
    if (have_plan)
        churn__reasons_plan_clear(&plan);
    free(contrib);
    if (rc == CHURN_OK)
        *out = x;
    else
        churn_reasons_free(x);
    return rc;
}

size_t churn_reasons_n(const churn_reasons *x) { return x ? x->n : 0; }

const char *churn_reasons_group(const churn_reasons *x, size_t k)
{
    return x && k < x->n ? x->group[k] : NULL;
}

const char *churn_reasons_text(const churn_reasons *x, size_t k)
{
    return x && k < x->n ? x->text[k] : NULL;
}

double churn_reasons_contribution(const churn_reasons *x, size_t k)
{
    return x && k < x->n ? x->contrib[k] : NAN;
}

/* importance.c - per-input feature importance of a model on labeled data:
 * standardized coefficients, permutation importance (AUC lost) and, for a
 * family with exact Shapley contributions, their mean |value|. */
#include "ml/eval.h"
#include "ml/metrics.h"
#include "models/model.h"
#include "ml/rng.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The largest |w_k| over the pipeline outputs made from input j: the
 * standardized value, its missing indicator, its one-hot levels. */
static double coefficient(const churn_model *m, size_t j)
{
    double b;
    const double *w = churn__classifier_linear(&m->clf, &b); /* NULL: not
                                                              * linear */
    if (!w)
        return NAN;
    double best = 0;
    for (size_t k = 0; k < m->n_outputs; k++)
        if (churn__pipeline_output_input(m->pipe, k) == j &&
            fabs(w[k]) > best)
            best = fabs(w[k]);
    return best;
}

/* The labeled rows of ds as raw model inputs (n x d) and their labels. */
static int bind_rows(const churn_model *m, const churn_dataset *ds,
                     double **x_out, double **y_out, size_t *n_out,
                     churn_error *err)
{
    size_t n_all = churn_dataset_n_rows(ds), d = churn_model_n_inputs(m);
    size_t n = 0;
    churn__binding *bind = NULL;
    double *x = malloc((n_all * d + 1) * sizeof *x);
    double *y = malloc((n_all + 1) * sizeof *y);
    int rc = x && y ? churn__pipeline_bind(m->pipe, ds, &bind, err)
                    : churn__fail_nomem(err);
    for (size_t i = 0; rc == CHURN_OK && i < n_all; i++) {
        double label = churn_dataset_label(ds, i);
        if (isnan(label))
            continue;
        churn__binding_row(bind, ds, i, x + n * d);
        y[n++] = label;
    }
    churn__binding_free(bind);
    if (rc != CHURN_OK) {
        free(x);
        free(y);
        return rc;
    }
    *x_out = x;
    *y_out = y;
    *n_out = n;
    return CHURN_OK;
}

/* Fills e's importance arrays (allocated by the caller) for m on x. */
static int permute_inputs(churn_eval *e, const churn_model *m, double *x,
                          const double *y, size_t n, uint64_t seed,
                          churn_error *err)
{
    size_t d = churn_model_n_inputs(m);
    double *prob = malloc((n + 1) * sizeof *prob);
    double *column = malloc((n + 1) * sizeof *column);
    double *shuffled = malloc((n + 1) * sizeof *shuffled);
    gsl_rng *rng = churn__rng_alloc();
    int rc = prob && column && shuffled && rng ? CHURN_OK
                                               : churn__fail_nomem(err);
    if (rc == CHURN_OK)
        rc = churn_model_predict(m, x, n, prob, err);
    double base = NAN, auc;
    if (rc == CHURN_OK && churn__auc(prob, y, n, &base) != CHURN_OK)
        rc = churn__fail_nomem(err);
    if (rng)
        gsl_rng_set(rng, (unsigned long)seed);
    for (size_t j = 0; rc == CHURN_OK && j < d; j++) {
        for (size_t i = 0; i < n; i++)
            column[i] = shuffled[i] = x[i * d + j];
        gsl_ran_shuffle(rng, shuffled, n, sizeof *shuffled);
        for (size_t i = 0; i < n; i++)
            x[i * d + j] = shuffled[i];
        rc = churn_model_predict(m, x, n, prob, err);
        for (size_t i = 0; i < n; i++)
            x[i * d + j] = column[i];
        e->imp_coef[j] = coefficient(m, j);
        if (rc == CHURN_OK && churn__auc(prob, y, n, &auc) != CHURN_OK)
            rc = churn__fail_nomem(err);
        e->imp_perm[j] = rc == CHURN_OK ? base - auc : NAN;
    }
    free(prob);
    free(column);
    free(shuffled);
    gsl_rng_free(rng);
    return rc;
}

/* e->imp_shap[j]: the mean |contribution| of input j over the n rows of
 * x, for a family whose contributions are Shapley values. */
static int mean_abs_shap(churn_eval *e, const churn_model *m,
                         const double *x, size_t n, churn_error *err)
{
    size_t d = churn_model_n_inputs(m), p = m->n_outputs;
    e->imp_shap = calloc(d + 1, sizeof *e->imp_shap);
    double *z = malloc((n * p + 1) * sizeof *z);
    double *contrib = malloc((n * d + 1) * sizeof *contrib);
    size_t *out_input = malloc((p + 1) * sizeof *out_input);
    int rc = e->imp_shap && z && contrib && out_input
                 ? CHURN_OK : churn__fail_nomem(err);
    for (size_t k = 0; rc == CHURN_OK && k < p; k++)
        out_input[k] = churn__pipeline_output_input(m->pipe, k);
    for (size_t i = 0; rc == CHURN_OK && i < n; i++)
        churn__pipeline_transform(m->pipe, x + i * d, z + i * p);
    if (rc == CHURN_OK)
        rc = churn__classifier_contribs(&m->clf, z, n, p, out_input, d,
                                        contrib, err);
    for (size_t i = 0; rc == CHURN_OK && i < n; i++)
        for (size_t j = 0; j < d; j++)
            e->imp_shap[j] += fabs(contrib[i * d + j]) / (double)n;
    free(z);
    free(contrib);
    free(out_input);
    return rc;
}

static void clear_importance(churn_eval *e)
{
    for (size_t i = 0; e->imp_names && i < e->n_imp; i++)
        free(e->imp_names[i]);
    free(e->imp_names);
    free(e->imp_coef);
    free(e->imp_perm);
    free(e->imp_shap);
    e->imp_names = NULL;
    e->imp_coef = e->imp_perm = e->imp_shap = NULL;
    e->n_imp = 0;
}

int churn_eval_add_importance(churn_eval *e, const churn_model *m,
                              const churn_dataset *ds, uint64_t seed,
                              churn_error *err)
{
    if (!e || !m || !ds)
        return churn__fail(err, CHURN_EINVAL, "churn_eval_add_importance: "
                           "null argument");
    clear_importance(e);
    size_t d = churn_model_n_inputs(m), n = 0;
    double *x = NULL, *y = NULL;
    int rc = bind_rows(m, ds, &x, &y, &n, err);
    if (rc != CHURN_OK)
        return rc;
    e->imp_names = calloc(d + 1, sizeof *e->imp_names);
    e->imp_coef = malloc((d + 1) * sizeof *e->imp_coef);
    e->imp_perm = malloc((d + 1) * sizeof *e->imp_perm);
    if (!e->imp_names || !e->imp_coef || !e->imp_perm)
        rc = churn__fail_nomem(err);
    for (size_t j = 0; rc == CHURN_OK && j < d; j++)
        if (!(e->imp_names[j] = churn__strdup(churn_model_input_name(m, j))))
            rc = churn__fail_nomem(err);
    e->n_imp = d;
    if (rc == CHURN_OK && m->clf.family->shap)
        rc = mean_abs_shap(e, m, x, n, err);
    if (rc == CHURN_OK)
        rc = permute_inputs(e, m, x, y, n, seed, err);
    if (rc != CHURN_OK)
        clear_importance(e);
    free(x);
    free(y);
    return rc;
}

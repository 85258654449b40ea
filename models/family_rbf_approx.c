/* family_rbf_approx.c - the rbf-approx family: Nystroem landmarks and L2
 * logistic regression on their features (nystroem.c), across ranks too.
 * The result is an rbf kernel expansion over the landmarks, so it is
 * stored and scored as an svm state (family_svm.c); its decision value
 * is a log-odds all the same. */
#include "models/classifier.h"
#include "ml/comm.h"

#include <stdlib.h>

static int rbf_approx_fit(void **state, const churn__fit_params *fp,
                          const double *z, const double *y, size_t n,
                          size_t dim, double *figures, churn_error *err)
{
    *state = NULL;
    double iterations = 0;
    churn__kernel_model *c = calloc(1, sizeof *c);
    /* Collective: a rank out of memory here fails every rank. */
    int rc = churn_comm_agree(fp->comm,
                              c ? CHURN_OK : churn__fail_nomem(err), err);
    if (rc != CHURN_OK) {
        free(c);
        return rc;
    }
    c->dim = dim;
    rc = churn__nystroem_fit(c, fp, z, y, n, dim, &iterations, err);
    if (rc != CHURN_OK) {
        churn__kernel_model_clear(c);
        free(c);
        return rc;
    }
    if (figures) {
        figures[0] = fp->c;
        figures[1] = c->gamma;
        figures[2] = iterations;
    }
    *state = c;
    return CHURN_OK;
}

/* The search's values of C: those of the svm family it stands in for. */
static const double c_grid[] = {1, 3, 10};
/* gamma as multiples of 1 / p: the old svm grid's (each point costs a
 * fit of its own features). */
static const double gamma_scale[] = {0.25, 0.5, 1};

static int rbf_approx_grid(const churn__fit_params *base, size_t i,
                           size_t p, churn__fit_params *fp)
{
    return churn__kernel_grid(base, i, p, c_grid,
                              sizeof c_grid / sizeof *c_grid, gamma_scale,
                              sizeof gamma_scale / sizeof *gamma_scale, fp);
}

static const churn__figure *const figures[] = {
    &churn__figure_c, &churn__figure_gamma,
    &churn__figure_newton_iterations};

/* Only fit: every other operation is the svm family's. */
const churn__family churn__family_rbf_approx = {
    .name = "rbf-approx",
    .stored_as = &churn__family_svm,
    .distributed = 1,
    .margin = 0,
    .kernels = 1,
    .prep = {.keep_missing = 0, .standardize = 1},
    .c_grid = c_grid,
    .n_c_grid = sizeof c_grid / sizeof *c_grid,
    .grid = rbf_approx_grid,
    .params = churn__kernel_params,
    .figures = figures,
    .n_figures = sizeof figures / sizeof *figures,
    .fit = rbf_approx_fit,
};

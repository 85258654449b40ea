/* family_gbdt.c - the gbdt family: gradient-boosted trees fitted and
 * evaluated by XGBoost (xgb.c), on the pipeline's one-hot outputs with
 * missing values kept as NaN and no standardization (trees need
 * neither). Its decision value is XGBoost's margin, a log-odds, so no
 * calibration follows by default; its contributions are TreeSHAP's. */
#include "models/family.h"
#include "models/xgb.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static void gbdt_free(void *state) { churn__xgb_free(state); }

/* scale_pos_weight for class weight "balanced": negatives / positives,
 * the ratio of the two class weights n / (2 n_class). */
static double positive_weight(const double *y, size_t n)
{
    size_t pos = 0;
    for (size_t i = 0; i < n; i++)
        pos += y[i] > 0.5;
    return pos > 0 && pos < n ? (double)(n - pos) / (double)pos : 1.0;
}

static int gbdt_fit(void **state, const churn__fit_params *fp,
                    const double *z, const double *y, size_t n, size_t dim,
                    double *figures, churn_error *err)
{
    *state = NULL;
    churn__xgb_params p = fp->xgb;
    p.seed = fp->seed;
    p.scale_pos_weight = fp->balanced ? positive_weight(y, n) : 1.0;
    churn__xgb *b = NULL;
    churn__xgb_info info;
    int rc = churn__xgb_fit(&p, z, y, n, dim, &b, &info, err);
    if (rc != CHURN_OK)
        return rc;
    if (figures)
        figures[0] = (double)info.rounds;
    *state = b;
    return CHURN_OK;
}

/* One row alone: the operation cannot fail, so a row XGBoost refuses
 * (a value beyond float's range) gets NaN; churn_model_predict goes
 * through gbdt_decisions, which says why. */
static double gbdt_decision(const void *state, const double *z)
{
    double f;
    return churn__xgb_margins(state, z, 1, &f, NULL) == CHURN_OK ? f : NAN;
}

static int gbdt_decisions(const void *state, const double *z, size_t n,
                          double *out, churn_error *err)
{
    return churn__xgb_margins(state, z, n, out, err);
}

/* TreeSHAP per one-hot output, summed over the outputs of each input
 * (a categorical column's levels, a numeric column's one output). */
static void gbdt_contrib(const void *state, const double *z,
                         const size_t *out_input, size_t n_in,
                         double *contrib, double *scratch)
{
    const churn__xgb *b = state;
    size_t dim = churn__xgb_n_features(b);
    int rc = churn__xgb_contributions(b, z, 1, scratch, NULL);
    for (size_t j = 0; j < n_in; j++)
        contrib[j] = rc == CHURN_OK ? 0 : NAN;
    for (size_t k = 0; rc == CHURN_OK && k < dim; k++)
        contrib[out_input[k]] += scratch[k];
}

/* Rows of TreeSHAP values per call: bounds the (dim + 1)-wide copy. */
#define CONTRIB_BLOCK 512

static int gbdt_contribs(const void *state, const double *z, size_t n,
                         const size_t *out_input, size_t n_in,
                         double *contrib, churn_error *err)
{
    const churn__xgb *b = state;
    size_t dim = churn__xgb_n_features(b);
    size_t block = n < CONTRIB_BLOCK ? n : CONTRIB_BLOCK;
    double *shap = malloc((block * (dim + 1) + 1) * sizeof *shap);
    int rc = shap ? CHURN_OK : churn__fail_nomem(err);
    for (size_t i0 = 0; i0 < n && rc == CHURN_OK; i0 += block) {
        size_t k = n - i0 < block ? n - i0 : block;
        rc = churn__xgb_contributions(b, z + i0 * dim, k, shap, err);
        for (size_t i = 0; rc == CHURN_OK && i < k; i++) {
            double *row = contrib + (i0 + i) * n_in;
            for (size_t j = 0; j < n_in; j++)
                row[j] = 0;
            for (size_t o = 0; o < dim; o++)
                row[out_input[o]] += shap[i * (dim + 1) + o];
        }
    }
    free(shap);
    return rc;
}

static const double *gbdt_linear(const void *state, double *b)
{
    (void)state;
    (void)b;
    return NULL;
}

static void gbdt_write(const void *state, const char *const *names, FILE *f)
{
    (void)names;
    churn__xgb_write_text(f, state);
}

static int gbdt_read(churn__lines *r, void **state, size_t dim,
                     const char *const *names, churn_error *err)
{
    (void)names;
    churn__xgb *b = NULL;
    int rc = churn__xgb_read_text(r, dim, &b, err);
    *state = rc == CHURN_OK ? b : NULL;
    return rc;
}

/* The search's grid: depth x learning rate, the rounds found by early
 * stopping (at most max(the --trees asked for, GRID_ROUNDS), so that a
 * small learning rate gets the rounds it needs; --trees alone with
 * --early-stopping 0). */
static const size_t depth_grid[] = {2, 4, 6};
static const double rate_grid[] = {0.03, 0.1, 0.3};
#define GRID_ROUNDS 1000

static int gbdt_grid(const churn__fit_params *base, size_t i, size_t p,
                     churn__fit_params *fp)
{
    const size_t n_rate = sizeof rate_grid / sizeof *rate_grid;
    (void)p;
    if (i >= n_rate * (sizeof depth_grid / sizeof *depth_grid))
        return 0;
    *fp = *base;
    fp->xgb.depth = depth_grid[i / n_rate];
    fp->xgb.learning_rate = rate_grid[i % n_rate];
    /* Without early stopping (asked for) every --trees round is kept. */
    if (fp->xgb.early_stopping_rounds > 0 &&
        fp->xgb.max_rounds < GRID_ROUNDS)
        fp->xgb.max_rounds = GRID_ROUNDS;
    return 1;
}

static void gbdt_params(const churn__fit_params *fp, char *buf, size_t size)
{
    snprintf(buf, size, "depth %zu, learning rate %g", fp->xgb.depth,
             fp->xgb.learning_rate);
}

static const churn__figure trees = {"trees", "", " trees", 0, 0};

static const churn__figure *const figures[] = {&trees};

const churn__family churn__family_gbdt = {
    .name = "gbdt",
    .distributed = 0, /* XGBoost's collective needs its own tracker */
    .margin = 0,
    .kernels = 0,
    .shap = 1,
    .prep = {.keep_missing = 1, .standardize = 0},
    .grid = gbdt_grid,
    .params = gbdt_params,
    .figures = figures,
    .n_figures = sizeof figures / sizeof *figures,
    .fit = gbdt_fit,
    .decision = gbdt_decision,
    .decisions = gbdt_decisions,
    .contrib = gbdt_contrib,
    .contribs = gbdt_contribs,
    .linear = gbdt_linear,
    .write = gbdt_write,
    .read = gbdt_read,
    .free = gbdt_free,
};

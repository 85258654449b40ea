/* search.c - cross-validation inside the training rows: out-of-fold
 * decision values, the grid search over C (and gamma) and calibration. */
#include "train.h"
#include "cv.h"
#include "metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

churn__calib_kind churn__calibration_for(int requested,
                                         const churn__fit_params *fp)
{
    if (requested >= 0)
        return (churn__calib_kind)requested;
    /* A log-odds needs no calibration (and Platt's out-of-fold fits would
     * triple the cost of rbf-approx); a margin gets Platt's. */
    return fp->family->margin ? CHURN__CAL_PLATT : CHURN__CAL_NONE;
}

int churn__auto_balanced(int requested_calibration,
                         const churn__fit_params *fp)
{
    return churn__calibration_for(requested_calibration, fp) !=
           CHURN__CAL_NONE;
}

/* The class weights the grid of the family of base tries: none and
 * balanced under "auto" when churn__auto_balanced allows it, else the
 * base point's own. */
static size_t weights_of(const churn__search *sr,
                         const churn__fit_params *base, int weight[2])
{
    if (sr->weight_auto && churn__auto_balanced(sr->calibration, base)) {
        weight[0] = 0;
        weight[1] = 1;
        return 2;
    }
    weight[0] = sr->weight_auto ? 0 : base->balanced;
    return 1;
}

int churn__out_of_fold(const churn__fit_params *fp, const double *z,
                       const double *y, size_t n, size_t p,
                       const size_t *fold, size_t k, double *f_out,
                       churn_error *err)
{
    int rc = CHURN_OK;
    double *zt = malloc((n * p > 0 ? n * p : 1) * sizeof *zt);
    double *yt = malloc((n ? n : 1) * sizeof *yt);
    if (!zt || !yt)
        rc = churn__fail_nomem(err);
    for (size_t g = 0; rc == CHURN_OK && g < k; g++) {
        size_t nt = 0;
        for (size_t i = 0; i < n; i++)
            if (fold[i] != g) {
                memcpy(zt + nt * p, z + i * p, p * sizeof *zt);
                yt[nt++] = y[i];
            }
        churn__classifier c;
        rc = churn__classifier_fit(&c, fp, zt, yt, nt, p, NULL, err);
        for (size_t i = 0; rc == CHURN_OK && i < n; i++)
            if (fold[i] == g)
                f_out[i] = churn__classifier_decision(&c, z + i * p);
        churn__classifier_clear(&c);
    }
    free(zt);
    free(yt);
    return rc;
}

/* The figure a grid point is judged by, larger is better: AUC, PR-AUC,
 * or minus the log loss after Platt scaling of the out-of-fold values. */
static int judge(const churn__search *sr, const double *f, const double *y,
                 size_t n, double *metric, churn_error *err)
{
    if (sr->metric != CHURN__METRIC_LOGLOSS) {
        int rc = sr->metric == CHURN__METRIC_PR_AUC
                     ? churn__pr_auc(f, y, n, metric)
                     : churn__auc(f, y, n, metric);
        return rc == CHURN_OK ? rc : churn__fail_nomem(err);
    }
    churn__calibration cal;
    int rc = churn__calibration_fit(&cal, CHURN__CAL_PLATT, f, y, n, err);
    double *prob = malloc((n ? n : 1) * sizeof *prob);
    if (rc == CHURN_OK && !prob)
        rc = churn__fail_nomem(err);
    for (size_t i = 0; rc == CHURN_OK && i < n; i++)
        prob[i] = churn__calibrate(&cal, f[i]);
    if (rc == CHURN_OK)
        *metric = -churn__log_loss(prob, y, n);
    free(prob);
    churn__calibration_clear(&cal);
    return rc;
}

/* The default grids: small, so that a search on a few thousand rows
 * takes seconds. C's values are the family's; gamma is a multiple of
 * 1 / p. */
static const double gamma_scale[] = {0.25, 0.5, 1};

/* Whether the search tries gamma_scale for base (rbf and rbf-approx). */
static int gamma_grid(const churn__fit_params *base)
{
    return base->family->kernels && (base->kernel == CHURN__K_RBF ||
                                     base->kernel == CHURN__K_RBF_APPROX);
}

/* The grid points of base's family. */
static size_t grid_points(const churn__search *sr,
                          const churn__fit_params *base)
{
    int weight[2];
    return base->family->n_c_grid *
           (gamma_grid(base) ? sizeof gamma_scale / sizeof *gamma_scale : 1) *
           weights_of(sr, base, weight);
}

/* Evaluates the grid of one family; keeps the best point in *best. */
static int search_family(churn__search *sr, const churn__fit_params *base,
                         const double *z, const double *y, size_t n,
                         size_t p, const size_t *fold, double *f,
                         churn__fit_params *best, double *best_metric,
                         churn_error *err)
{
    int kernels = base->family->kernels, rbf = gamma_grid(base);
    size_t n_c = base->family->n_c_grid;
    size_t n_g = rbf ? sizeof gamma_scale / sizeof *gamma_scale : 1;
    int weight[2];
    size_t n_w = weights_of(sr, base, weight);
    /* Shown as the family that stores the model (rbf-approx as svm). */
    const char *family = churn__family_stored(base->family)->name;
    int rc = CHURN_OK;
    for (size_t a = 0; rc == CHURN_OK && a < n_c * n_w; a++)
        for (size_t g = 0; rc == CHURN_OK && g < n_g; g++) {
            churn__fit_params fp = *base;
            fp.balanced = weight[a / n_c];
            fp.c = base->family->c_grid[a % n_c];
            if (rbf)
                fp.gamma = gamma_scale[g] / (double)(p ? p : 1);
            double metric = NAN;
            rc = churn__out_of_fold(&fp, z, y, n, p, fold,
                                    CHURN__SEARCH_FOLDS, f, err);
            if (rc == CHURN_OK)
                rc = judge(sr, f, y, n, &metric, err);
            if (rc != CHURN_OK)
                break;
            double shown = sr->metric == CHURN__METRIC_LOGLOSS ? -metric
                                                               : metric;
            double gamma = kernels && fp.kernel != CHURN__K_LINEAR
                               ? (fp.gamma > 0 ? fp.gamma : 1.0 / (double)p)
                               : NAN;
            const char *kernel = kernels ? churn__kernel_name(fp.kernel)
                                         : "-";
            if (sr->report)
                sr->report(sr->report_user, family, kernel, fp.c, gamma,
                           shown);
            if (sr->report_weighted)
                sr->report_weighted(sr->report_weighted_user, family, kernel,
                                    fp.balanced ? "balanced" : "none", fp.c,
                                    gamma, shown);
            if (sr->progress)
                sr->progress(sr->progress_user, "searching", ++sr->done,
                             sr->total);
            if (metric > *best_metric || isnan(*best_metric)) {
                *best_metric = metric;
                *best = fp;
            }
        }
    return rc;
}

/* The folds of rows[0..n) and room for n decision values; the caller
 * frees both, also on error. */
static int folds_for(const churn__search *sr, const churn_dataset *ds,
                     const size_t *rows, size_t n, size_t **fold, double **f,
                     churn_error *err)
{
    *fold = malloc((n ? n : 1) * sizeof **fold);
    *f = malloc((n ? n : 1) * sizeof **f);
    if (!*fold || !*f)
        return churn__fail_nomem(err);
    return churn__cv_folds(ds, rows, n, CHURN__SEARCH_FOLDS, sr->seed, *fold,
                           err);
}

int churn__search_run(churn__search *sr, const churn_dataset *ds,
                      const size_t *rows, const double *z, const double *y,
                      size_t n, size_t p, int both_families,
                      churn__fit_params *fp, churn_error *err)
{
    size_t *fold = NULL;
    double *f = NULL;
    int rc = folds_for(sr, ds, rows, n, &fold, &f, err);
    churn__fit_params best = *fp;
    double best_metric = NAN;
    /* Both: logistic, then svm with the kernel asked for. */
    churn__fit_params base = *fp, second = *fp;
    if (both_families) {
        base.family = &churn__family_logistic;
        second.family = churn__family_for(&churn__family_svm, fp->kernel);
    }
    sr->done = 0;
    sr->total = grid_points(sr, &base) +
                (both_families ? grid_points(sr, &second) : 0);
    if (rc == CHURN_OK)
        rc = search_family(sr, &base, z, y, n, p, fold, f, &best,
                           &best_metric, err);
    if (rc == CHURN_OK && both_families)
        rc = search_family(sr, &second, z, y, n, p, fold, f, &best,
                           &best_metric, err);
    if (rc == CHURN_OK) {
        *fp = best;
        sr->best_metric = sr->metric == CHURN__METRIC_LOGLOSS ? -best_metric
                                                             : best_metric;
    }
    free(fold);
    free(f);
    return rc;
}

int churn__calibration_fit_cv(const churn__search *sr,
                              const churn_dataset *ds, const size_t *rows,
                              const double *z, const double *y, size_t n,
                              size_t p, const churn__fit_params *fp,
                              churn__calib_kind kind, churn__calibration *cal,
                              churn_error *err)
{
    size_t *fold = NULL;
    double *f = NULL;
    int rc = folds_for(sr, ds, rows, n, &fold, &f, err);
    if (rc == CHURN_OK)
        rc = churn__out_of_fold(fp, z, y, n, p, fold, CHURN__SEARCH_FOLDS,
                                f, err);
    if (rc == CHURN_OK)
        rc = churn__calibration_fit(cal, kind, f, y, n, err);
    free(fold);
    free(f);
    return rc;
}

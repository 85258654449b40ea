/* search.c - the model search inside the training rows: every family's
 * grid cross-validated (on a sample above CHURN_SEARCH_ROWS rows), each
 * fold through a pipeline fitted on the others' rows, the leaderboard,
 * the time budget; out-of-fold decision values for calibration. */
#include "models/train.h"
#include "ml/cv.h"
#include "ml/metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

double churn__now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* One fold of the searched rows: the other folds' rows (t) and its own
 * (v, with room fv for their decision values), through a pipeline
 * fitted on the other folds' rows. */
typedef struct fold_data {
    double *zt, *yt, *zv, *yv, *fv;
    size_t nt, nv, p;
} fold_data;

/* The folds through the pipeline one family asks for; rebuilt when a
 * family asks for another (families sharing a need share the data). */
typedef struct search_data {
    const churn_dataset *ds;
    const size_t *rows, *fold;
    size_t n;
    int built;
    churn__pipeline_opts prep;
    fold_data f[CHURN__SEARCH_FOLDS];
    size_t p_all; /* outputs of the pipeline fitted on all n rows */
} search_data;

static void data_clear(search_data *d)
{
    for (size_t g = 0; g < CHURN__SEARCH_FOLDS; g++) {
        fold_data *f = &d->f[g];
        free(f->zt);
        free(f->yt);
        free(f->zv);
        free(f->yv);
        free(f->fv);
        memset(f, 0, sizeof *f);
    }
    d->built = 0;
}

/* Rows sel[0..ns) of ds through pipe into z (ns x outputs) and their 0/1
 * labels into y. */
static int transform_rows(const churn__pipeline *pipe, const churn_dataset *ds,
                          const size_t *sel, size_t ns, double *z, double *y,
                          churn_error *err)
{
    size_t p = churn__pipeline_n_outputs(pipe);
    churn__binding *bind = NULL;
    double *raw = malloc((churn__pipeline_n_inputs(pipe) + 1) * sizeof *raw);
    int rc = raw ? churn__pipeline_bind(pipe, ds, &bind, err)
                 : churn__fail_nomem(err);
    for (size_t i = 0; rc == CHURN_OK && i < ns; i++) {
        churn__binding_row(bind, ds, sel[i], raw);
        churn__pipeline_transform(pipe, raw, z + i * p);
        y[i] = churn_dataset_label(ds, sel[i]) > 0.5;
    }
    churn__binding_free(bind);
    free(raw);
    return rc;
}

/* Fold g of d: a pipeline fitted on the other folds' rows only (no
 * statistic of a row leaks into the model that scores it). */
static int build_fold(search_data *d, size_t g, size_t *train, size_t *val,
                      churn_error *err)
{
    fold_data *f = &d->f[g];
    for (size_t i = 0; i < d->n; i++) {
        if (d->fold[i] == g)
            val[f->nv++] = d->rows[i];
        else
            train[f->nt++] = d->rows[i];
    }
    churn__pipeline *pipe = NULL;
    int rc = churn__pipeline_fit_opts(d->ds, train, f->nt, NULL, &d->prep,
                                      &pipe, err);
    if (rc != CHURN_OK)
        return rc;
    size_t p = f->p = churn__pipeline_n_outputs(pipe);
    f->zt = malloc((f->nt * p > 0 ? f->nt * p : 1) * sizeof *f->zt);
    f->zv = malloc((f->nv * p > 0 ? f->nv * p : 1) * sizeof *f->zv);
    f->yt = malloc((f->nt ? f->nt : 1) * sizeof *f->yt);
    f->yv = malloc((f->nv ? f->nv : 1) * sizeof *f->yv);
    f->fv = malloc((f->nv ? f->nv : 1) * sizeof *f->fv);
    if (!f->zt || !f->zv || !f->yt || !f->yv || !f->fv)
        rc = churn__fail_nomem(err);
    if (rc == CHURN_OK)
        rc = transform_rows(pipe, d->ds, train, f->nt, f->zt, f->yt, err);
    if (rc == CHURN_OK)
        rc = transform_rows(pipe, d->ds, val, f->nv, f->zv, f->yv, err);
    churn__pipeline_free(pipe);
    return rc;
}

/* Makes d hold the folds through the pipeline family asks for. */
static int data_for(search_data *d, const churn__family *family,
                    churn_error *err)
{
    const churn__pipeline_opts *prep = &family->prep;
    if (d->built && d->prep.keep_missing == prep->keep_missing &&
        d->prep.standardize == prep->standardize)
        return CHURN_OK;
    data_clear(d);
    d->prep = *prep;
    churn__pipeline *pipe = NULL;
    size_t *train = malloc((d->n ? d->n : 1) * sizeof *train);
    size_t *val = malloc((d->n ? d->n : 1) * sizeof *val);
    int rc = train && val ? churn__pipeline_fit_opts(d->ds, d->rows, d->n,
                                                     NULL, prep, &pipe, err)
                          : churn__fail_nomem(err);
    if (rc == CHURN_OK)
        d->p_all = churn__pipeline_n_outputs(pipe);
    churn__pipeline_free(pipe);
    for (size_t g = 0; rc == CHURN_OK && g < CHURN__SEARCH_FOLDS; g++)
        rc = build_fold(d, g, train, val, err);
    free(train);
    free(val);
    d->built = rc == CHURN_OK;
    return rc;
}

/* Whether the time budget has run out. */
static int over_budget(const churn__search *sr)
{
    return sr->deadline > 0 && churn__now() >= sr->deadline;
}

/* Cross-validates fp on d's folds: the figure of each fold (larger is
 * better, see judge), *mean and *sd (n - 1) over them. With may_stop,
 * *stopped is set (and nothing measured) when the budget runs out
 * between folds. */
static int evaluate(const churn__search *sr, const churn__fit_params *fp,
                    search_data *d, int may_stop, double *mean, double *sd,
                    int *stopped, churn_error *err)
{
    double v[CHURN__SEARCH_FOLDS];
    const size_t k = CHURN__SEARCH_FOLDS;
    *stopped = 0;
    for (size_t g = 0; g < k; g++) {
        if (may_stop && over_budget(sr)) {
            *stopped = 1;
            return CHURN_OK;
        }
        fold_data *f = &d->f[g];
        churn__classifier c;
        int rc = churn__classifier_fit(&c, fp, f->zt, f->yt, f->nt, f->p,
                                       NULL, err);
        if (rc == CHURN_OK)
            rc = churn__classifier_decisions(&c, f->zv, f->nv, f->p, f->fv,
                                             err);
        churn__classifier_clear(&c);
        if (rc == CHURN_OK)
            rc = judge(sr, f->fv, f->yv, f->nv, &v[g], err);
        if (rc != CHURN_OK)
            return rc;
    }
    double sum = 0, ss = 0;
    for (size_t g = 0; g < k; g++)
        sum += v[g];
    *mean = sum / (double)k;
    for (size_t g = 0; g < k; g++)
        ss += (v[g] - *mean) * (v[g] - *mean);
    *sd = sqrt(ss / (double)(k - 1));
    return CHURN_OK;
}

/* Grid point i of base's family (see churn__family.grid). */
static int grid_point(const churn__fit_params *base, size_t i, size_t p,
                      churn__fit_params *fp)
{
    const churn__family *f = base->family;
    if (f->grid)
        return f->grid(base, i, p, fp);
    if (i >= (f->n_c_grid ? f->n_c_grid : 1))
        return 0;
    *fp = *base;
    if (f->n_c_grid)
        fp->c = f->c_grid[i];
    return 1;
}

/* The candidates of base's family: grid points times class weights. */
static size_t family_size(const churn__search *sr,
                          const churn__fit_params *base)
{
    churn__fit_params fp;
    int weight[2];
    size_t n = 0;
    while (grid_point(base, n, 1, &fp))
        n++;
    return n * weights_of(sr, base, weight);
}

/* The leaderboard row of candidate fp (its figures NaN). */
static void describe(churn__candidate *c, const churn__fit_params *fp)
{
    const churn__family *f = fp->family;
    snprintf(c->family, sizeof c->family, "%s",
             churn__family_stored(f)->name);
    if (f->params)
        f->params(fp, c->params, sizeof c->params);
    else if (f->n_c_grid)
        snprintf(c->params, sizeof c->params, "C %.6g", fp->c);
    else
        snprintf(c->params, sizeof c->params, "defaults");
    snprintf(c->weight, sizeof c->weight, "%s",
             fp->balanced ? "balanced" : "none");
    c->metric = c->sd = c->seconds = NAN;
}

/* The old per-point callbacks and the progress. */
static void report_point(churn__search *sr, const churn__fit_params *fp,
                         size_t p, double shown)
{
    int kernels = fp->family->kernels;
    double gamma = kernels && fp->kernel != CHURN__K_LINEAR
                       ? (fp->gamma > 0 ? fp->gamma : 1.0 / (double)p)
                       : NAN;
    const char *family = churn__family_stored(fp->family)->name;
    const char *kernel = kernels ? churn__kernel_name(fp->kernel) : "-";
    if (sr->report)
        sr->report(sr->report_user, family, kernel, fp->c, gamma, shown);
    if (sr->report_weighted)
        sr->report_weighted(sr->report_weighted_user, family, kernel,
                            fp->balanced ? "balanced" : "none", fp->c,
                            gamma, shown);
}

/* Where the search stands: the best so far, whether the budget ended it. */
typedef struct search_state {
    double best; /* larger is better; NaN: none yet */
    int stopped;
    size_t evaluated;
} search_state;

/* Evaluates the candidates of base's family, adding them to the board;
 * once the budget runs out, the rest are listed with no figures. */
static int search_family(churn__search *sr, const churn__fit_params *base,
                         search_data *d, search_state *st,
                         churn__fit_params *best, churn_error *err)
{
    int weight[2];
    size_t n_w = weights_of(sr, base, weight);
    int rc = CHURN_OK;
    if (!st->stopped && st->evaluated > 0 && over_budget(sr))
        st->stopped = 1;
    if (!st->stopped)
        rc = data_for(d, base->family, err);
    for (size_t a = 0; rc == CHURN_OK && a < n_w; a++) {
        churn__fit_params fp;
        for (size_t j = 0; rc == CHURN_OK &&
                           grid_point(base, j, d->p_all, &fp); j++) {
            fp.balanced = weight[a];
            churn__candidate *c = &sr->board.cand[sr->board.n++];
            describe(c, &fp);
            if (!st->stopped && st->evaluated > 0 && over_budget(sr))
                st->stopped = 1;
            if (st->stopped)
                continue;
            double t0 = churn__now(), metric = NAN, sd = NAN;
            int stopped = 0;
            rc = evaluate(sr, &fp, d, st->evaluated > 0, &metric, &sd,
                          &stopped, err);
            if (rc != CHURN_OK || (st->stopped = stopped))
                continue;
            int loss = sr->metric == CHURN__METRIC_LOGLOSS;
            c->metric = loss ? -metric : metric;
            c->sd = sd;
            c->seconds = churn__now() - t0;
            st->evaluated++;
            report_point(sr, &fp, d->p_all, c->metric);
            if (sr->progress)
                sr->progress(sr->progress_user, "searching", ++sr->done,
                             sr->total);
            if (metric > st->best || isnan(st->best)) {
                st->best = metric;
                *best = fp;
                sr->board.chosen = sr->board.n - 1;
            }
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

/* rows[0..n), or a sample of about max rows of them (the customers the
 * stratified hold-out split keeps), into *out (caller frees). */
static int search_rows(const churn__search *sr, const churn_dataset *ds,
                       const size_t *rows, size_t n, size_t **out,
                       size_t *n_out, churn_error *err)
{
    size_t *kept = malloc((n ? n : 1) * sizeof *kept);
    unsigned char *drop = calloc(n ? n : 1, 1);
    int rc = kept && drop ? CHURN_OK : churn__fail_nomem(err);
    if (rc == CHURN_OK && sr->max_rows && n > sr->max_rows)
        rc = churn__cv_holdout(ds, rows, n,
                               1.0 - (double)sr->max_rows / (double)n,
                               sr->seed, drop, err);
    *n_out = 0;
    for (size_t i = 0; rc == CHURN_OK && i < n; i++)
        if (!drop[i])
            kept[(*n_out)++] = rows[i];
    free(drop);
    if (rc != CHURN_OK)
        free(kept);
    *out = rc == CHURN_OK ? kept : NULL;
    return rc;
}

/* The families a search tries: fp's, or every classifier of the
 * registry (a family fitted as another's, rbf-approx, only as svm's
 * kernel; a timed one, survival, never). */
static size_t search_bases(const churn__fit_params *fp, int all,
                           churn__fit_params *base, size_t room)
{
    if (!all) {
        base[0] = *fp;
        return 1;
    }
    size_t n = 0;
    const churn__family *f;
    for (size_t i = 0; n < room && (f = churn__family_at(i)); i++)
        if (!f->stored_as && !f->timed) {
            base[n] = *fp;
            base[n++].family = churn__family_for(f, fp->kernel);
        }
    return n;
}

#define MAX_BASES 16

int churn__search_run(churn__search *sr, const churn_dataset *ds,
                      const size_t *rows, size_t n, int all_families,
                      churn__fit_params *fp, churn_error *err)
{
    churn__fit_params base[MAX_BASES], best = *fp;
    size_t n_base = search_bases(fp, all_families, base, MAX_BASES);
    search_data d = {.ds = ds};
    search_state st = {NAN, 0, 0};
    size_t *fold = NULL;
    double *f = NULL;
    churn__board_clear(&sr->board);
    int rc = search_rows(sr, ds, rows, n, (size_t **)&d.rows, &d.n, err);
    if (rc == CHURN_OK)
        rc = folds_for(sr, ds, d.rows, d.n, &fold, &f, err);
    d.fold = fold;
    sr->done = 0;
    sr->total = 0;
    for (size_t b = 0; b < n_base; b++)
        sr->total += family_size(sr, &base[b]);
    sr->board.cand = calloc(sr->total ? sr->total : 1,
                            sizeof *sr->board.cand);
    if (rc == CHURN_OK && !sr->board.cand)
        rc = churn__fail_nomem(err);
    for (size_t b = 0; rc == CHURN_OK && b < n_base; b++)
        rc = search_family(sr, &base[b], &d, &st, &best, err);
    if (rc == CHURN_OK) {
        *fp = best;
        sr->best_metric = sr->metric == CHURN__METRIC_LOGLOSS ? -st.best
                                                             : st.best;
        sr->board.rows = d.n;
        snprintf(sr->board.metric, sizeof sr->board.metric, "%s",
                 sr->metric == CHURN__METRIC_LOGLOSS ? "logloss"
                 : sr->metric == CHURN__METRIC_PR_AUC ? "pr_auc"
                                                      : "auc");
    } else {
        churn__board_clear(&sr->board);
    }
    data_clear(&d);
    free((size_t *)d.rows);
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

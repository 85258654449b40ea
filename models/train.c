/* train.c - training: options, the held-out validation split, fitting the
 * pipeline and the classifier on training rows only, and the summary. */
#include "models/model.h"
#include "models/drift.h"
#include "ml/comm.h"
#include "models/survival.h"
#include "ml/cv.h"
#include "ml/metrics.h"
#include "models/train.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct churn_train_opts {
    char family[16];
    double c;
    int balanced; /* 1, 0, or -1: "auto" (churn__auto_balanced) */
    churn__kernel kernel;
    double gamma;
    int degree;
    size_t components; /* rbf-approx random features; 0: the default */
    churn__xgb_params xgb; /* gbdt */
    int calibration;  /* a churn__calib_kind, or -1: the family's default */
    int search;
    churn__metric_kind metric;
    size_t max_rows;
    churn_search_fn search_fn;
    void *search_user;
    churn_search_weight_fn search_weight_fn;
    void *search_weight_user;
    char *label_positive; /* recorded in the model; NULL: none given */
    double validation;
    int refit;
    uint64_t seed;
    churn_progress_fn progress;
    void *progress_user;
    churn_comm comm; /* size 0: this process alone */
    double horizon;  /* survival: label horizon in days; 0 = not given */
    double time_budget; /* seconds of search; 0: none */
    size_t search_rows; /* the search's sample above this many rows */
};

churn_train_opts *churn_train_opts_new(void)
{
    churn_train_opts *o = calloc(1, sizeof *o);
    if (!o)
        return NULL;
    snprintf(o->family, sizeof o->family, "%s", "logistic");
    o->c = 1.0;
    o->balanced = -1;
    o->kernel = CHURN__K_RBF;
    o->degree = 3;
    o->calibration = -1;
    o->validation = 0.2;
    o->refit = 1;
    o->seed = 42;
    o->search_rows = CHURN_SEARCH_ROWS;
    churn__xgb_params_default(&o->xgb);
    return o;
}

void churn_train_opts_free(churn_train_opts *o)
{
    if (o)
        free(o->label_positive);
    free(o);
}

int churn_train_opts_set_model(churn_train_opts *o, const char *family)
{
    /* rbf-approx, which fits an svm state, is asked for as the svm's
     * rbf-approx kernel (churn__family_for). */
    const churn__family *f = family ? churn__family_find(family) : NULL;
    if (!o || !family || ((!f || f->stored_as) &&
                          strcmp(family, "auto") != 0) ||
        strlen(family) >= sizeof o->family)
        return CHURN_EINVAL;
    snprintf(o->family, sizeof o->family, "%s", family);
    return CHURN_OK;
}

int churn_train_opts_set_c(churn_train_opts *o, double c)
{
    if (!o || !(c > 0) || !isfinite(c))
        return CHURN_EINVAL;
    o->c = c;
    return CHURN_OK;
}

int churn_train_opts_set_kernel(churn_train_opts *o, const char *kernel)
{
    if (!o || !kernel)
        return CHURN_EINVAL;
    if (strcmp(kernel, "linear") == 0)
        o->kernel = CHURN__K_LINEAR;
    else if (strcmp(kernel, "rbf") == 0)
        o->kernel = CHURN__K_RBF;
    else if (strcmp(kernel, "poly") == 0)
        o->kernel = CHURN__K_POLY;
    else if (strcmp(kernel, "rbf-approx") == 0)
        o->kernel = CHURN__K_RBF_APPROX;
    else
        return CHURN_EINVAL;
    return CHURN_OK;
}

int churn_train_opts_set_gamma(churn_train_opts *o, double gamma)
{
    if (!o || !(gamma >= 0) || !isfinite(gamma))
        return CHURN_EINVAL;
    o->gamma = gamma;
    return CHURN_OK;
}

int churn_train_opts_set_degree(churn_train_opts *o, int degree)
{
    if (!o || degree < 1 || degree > 10)
        return CHURN_EINVAL;
    o->degree = degree;
    return CHURN_OK;
}

int churn_train_opts_set_components(churn_train_opts *o, size_t n)
{
    if (!o || n > CHURN_MAX_COMPONENTS)
        return CHURN_EINVAL;
    o->components = n;
    return CHURN_OK;
}

churn__xgb_params *churn__train_opts_xgb(churn_train_opts *o)
{
    return o ? &o->xgb : NULL;
}

int churn_train_opts_set_calibration(churn_train_opts *o, const char *method)
{
    if (!o || !method)
        return CHURN_EINVAL;
    if (strcmp(method, "default") == 0)
        o->calibration = -1;
    else if (strcmp(method, "none") == 0)
        o->calibration = CHURN__CAL_NONE;
    else if (strcmp(method, "platt") == 0)
        o->calibration = CHURN__CAL_PLATT;
    else if (strcmp(method, "isotonic") == 0)
        o->calibration = CHURN__CAL_ISOTONIC;
    else
        return CHURN_EINVAL;
    return CHURN_OK;
}

int churn_train_opts_set_search(churn_train_opts *o, int search)
{
    if (!o)
        return CHURN_EINVAL;
    o->search = search != 0;
    return CHURN_OK;
}

int churn_train_opts_set_metric(churn_train_opts *o, const char *metric)
{
    if (!o || !metric)
        return CHURN_EINVAL;
    if (strcmp(metric, "auc") == 0)
        o->metric = CHURN__METRIC_AUC;
    else if (strcmp(metric, "logloss") == 0)
        o->metric = CHURN__METRIC_LOGLOSS;
    else if (strcmp(metric, "pr_auc") == 0)
        o->metric = CHURN__METRIC_PR_AUC;
    else
        return CHURN_EINVAL;
    return CHURN_OK;
}

int churn_train_opts_set_max_rows(churn_train_opts *o, size_t n)
{
    if (!o)
        return CHURN_EINVAL;
    o->max_rows = n;
    return CHURN_OK;
}

int churn_train_opts_set_search_report(churn_train_opts *o,
                                       churn_search_fn fn, void *user)
{
    if (!o)
        return CHURN_EINVAL;
    o->search_fn = fn;
    o->search_user = user;
    return CHURN_OK;
}

int churn_train_opts_set_class_weight(churn_train_opts *o, const char *mode)
{
    if (!o || !mode)
        return CHURN_EINVAL;
    if (strcmp(mode, "auto") == 0)
        o->balanced = -1;
    else if (strcmp(mode, "none") == 0)
        o->balanced = 0;
    else if (strcmp(mode, "balanced") == 0)
        o->balanced = 1;
    else
        return CHURN_EINVAL;
    return CHURN_OK;
}

int churn_train_opts_set_search_weight_report(churn_train_opts *o,
                                              churn_search_weight_fn fn,
                                              void *user)
{
    if (!o)
        return CHURN_EINVAL;
    o->search_weight_fn = fn;
    o->search_weight_user = user;
    return CHURN_OK;
}

int churn_train_opts_set_label_positive(churn_train_opts *o,
                                        const char *value)
{
    if (!o || (value && !*value))
        return CHURN_EINVAL;
    char *copy = value ? churn__strdup(value) : NULL;
    if (value && !copy)
        return CHURN_ENOMEM;
    free(o->label_positive);
    o->label_positive = copy;
    return CHURN_OK;
}

int churn_train_opts_set_validation(churn_train_opts *o, double fraction)
{
    if (!o || !(fraction >= 0 && fraction < 1))
        return CHURN_EINVAL;
    o->validation = fraction;
    return CHURN_OK;
}

int churn_train_opts_set_refit(churn_train_opts *o, int refit)
{
    if (!o)
        return CHURN_EINVAL;
    o->refit = refit != 0;
    return CHURN_OK;
}

int churn_train_opts_set_seed(churn_train_opts *o, uint64_t seed)
{
    if (!o)
        return CHURN_EINVAL;
    o->seed = seed;
    return CHURN_OK;
}

uint64_t churn__train_opts_seed(const churn_train_opts *o)
{
    return o ? o->seed : 0;
}

int churn_train_opts_set_progress(churn_train_opts *o, churn_progress_fn fn,
                                  void *user)
{
    if (!o)
        return CHURN_EINVAL;
    o->progress = fn;
    o->progress_user = user;
    return CHURN_OK;
}

int churn_train_opts_set_time_budget(churn_train_opts *o, double seconds)
{
    if (!o || !(seconds >= 0) || !isfinite(seconds))
        return CHURN_EINVAL;
    o->time_budget = seconds;
    return CHURN_OK;
}

int churn_train_opts_set_search_rows(churn_train_opts *o, size_t n)
{
    if (!o)
        return CHURN_EINVAL;
    o->search_rows = n;
    return CHURN_OK;
}

int churn_train_opts_set_comm(churn_train_opts *o, const churn_comm *comm)
{
    if (!o)
        return CHURN_EINVAL;
    if (!comm) {
        memset(&o->comm, 0, sizeof o->comm);
        return CHURN_OK;
    }
    if (comm->size < 1 || comm->rank < 0 || comm->rank >= comm->size ||
        !comm->allreduce || !comm->gather)
        return CHURN_EINVAL;
    o->comm = *comm;
    return CHURN_OK;
}

int churn_train_opts_set_horizon(churn_train_opts *o, double days)
{
    if (!o || !(days > 0) || !isfinite(days))
        return CHURN_EINVAL;
    o->horizon = days;
    return CHURN_OK;
}

/* The family the options fit; NULL for "auto" (a search picks it). */
static const churn__family *family_of(const churn_train_opts *o)
{
    const churn__family *f = churn__family_find(o->family);
    return f ? churn__family_for(f, o->kernel) : NULL;
}

int churn_train_opts_distributed(const churn_train_opts *o)
{
    const churn__family *f = o ? family_of(o) : NULL;
    return f && f->distributed;
}

/* What a fit across ranks supports (see churn_train_opts_set_comm): the
 * one list, which churn_train and the tools' checks share. who opens the
 * message ("training across 4 ranks"). */
static int check_distributed(const churn_train_opts *o, const char *who,
                             churn_error *err)
{
    const churn__family *f = family_of(o);
    if (!f || !f->distributed)
        return churn__fail(err, CHURN_EINVAL, "%s needs a family with a "
                           "distributed fit; %s has none", who,
                           f ? f->name : o->family);
    const char *what = o->validation > 0 ? "a validation hold-out"
                       : o->search         ? "a grid search"
                       : o->calibration > 0 ? "calibration"
                       : o->max_rows       ? "a row cap"
                                           : NULL;
    if (what)
        return churn__fail(err, CHURN_EINVAL, "%s does not support %s", who,
                           what);
    return CHURN_OK;
}

int churn_train_opts_check_distributed(const churn_train_opts *o,
                                       churn_error *err)
{
    if (!o)
        return churn__fail(err, CHURN_EINVAL, "training across ranks: no "
                           "options");
    return check_distributed(o, "training across ranks", err);
}

/* The search setup the options ask for. */
static void search_setup(const churn_train_opts *o, churn__search *sr)
{
    memset(sr, 0, sizeof *sr);
    sr->metric = o->metric;
    sr->report = o->search_fn;
    sr->report_user = o->search_user;
    sr->progress = o->progress;
    sr->progress_user = o->progress_user;
    sr->seed = o->seed;
    sr->report_weighted = o->search_weight_fn;
    sr->report_weighted_user = o->search_weight_user;
    sr->weight_auto = o->balanced < 0;
    sr->calibration = o->calibration;
    sr->max_rows = o->search_rows;
    if (o->time_budget > 0)
        sr->deadline = churn__now() + o->time_budget;
}

/* Keeps the figures the fit of family f recorded. */
static void keep_figures(churn_model *m, const churn__family *f,
                         const double *figures)
{
    m->n_figures = f->n_figures;
    for (size_t k = 0; k < f->n_figures; k++) {
        m->figure[k] = f->figures[k];
        m->figure_value[k] = figures[k];
    }
}

/* Fits pipeline and classifier on rows[0..n) of ds into m with the
 * parameters *fp; a grid search first, when search is set, which
 * replaces *fp by the best grid point. */
static int fit_rows(const churn_dataset *ds, const size_t *rows, size_t n,
                    const churn_train_opts *o, int search,
                    churn__fit_params *fp, churn_model *m, churn_error *err)
{
    int rc;
    double *z = NULL, *y = NULL, *raw = NULL, *days = NULL;
    churn__binding *bind = NULL;
    churn__pipeline_free(m->pipe);
    m->pipe = NULL;
    churn__classifier_clear(&m->clf);
    churn__calibration_clear(&m->cal);
    const churn_comm *comm = fp->comm;
    churn__search sr;
    search_setup(o, &sr);
    if (search) { /* its folds fit the pipelines the families ask for */
        rc = churn__search_run(&sr, ds, rows, n,
                               strcmp(o->family, "auto") == 0, fp, err);
        if (rc != CHURN_OK)
            return rc;
        m->metrics[CHURN__M_CV_METRIC] = sr.best_metric;
        churn__board_clear(&m->board);
        m->board = sr.board;
    }
    rc = churn__pipeline_fit_opts(ds, rows, n, comm, &fp->family->prep,
                                  &m->pipe, err);
    if (rc != CHURN_OK)
        return rc;
    size_t p = churn__pipeline_n_outputs(m->pipe);
    size_t d_in = churn__pipeline_n_inputs(m->pipe);
    m->n_outputs = p;
    z = malloc((n * p > 0 ? n * p : 1) * sizeof *z);
    y = malloc((n ? n : 1) * sizeof *y);
    raw = malloc((d_in ? d_in : 1) * sizeof *raw);
    days = malloc((n ? n : 1) * sizeof *days);
    rc = !z || !y || !raw || !days ? churn__fail_nomem(err)
                          : churn__pipeline_bind(m->pipe, ds, &bind, err);
    if ((rc = churn_comm_agree(comm, rc, err)) != CHURN_OK)
        goto done;
    for (size_t i = 0; i < n; i++) {
        churn__binding_row(bind, ds, rows[i], raw);
        churn__pipeline_transform(m->pipe, raw, z + i * p);
        y[i] = churn_dataset_label(ds, rows[i]) > 0.5;
        days[i] = churn_dataset_days_to_churn(ds, rows[i]);
    }
    fp->days = days; /* only for this fit: the rows are these */
    double figures[CHURN__MAX_FIGURES];
    rc = churn__classifier_fit(&m->clf, fp, z, y, n, p, figures, err);
    if (rc == CHURN_OK)
        keep_figures(m, fp->family, figures);
    churn__calib_kind cal = churn__calibration_for(o->calibration, fp);
    if (rc == CHURN_OK && cal != CHURN__CAL_NONE)
        rc = churn__calibration_fit_cv(&sr, ds, rows, z, y, n, p, fp,
                                       cal, &m->cal, err);
done:
    fp->days = NULL;
    churn__binding_free(bind);
    free(z);
    free(y);
    free(raw);
    free(days);
    return rc;
}

/* Scores rows[0..n) of ds with m and measures AUC and log loss; keeps the
 * probabilities and labels in m for churn_model_validation_eval. */
static int validate(churn_model *m, const churn_dataset *ds,
                    const size_t *rows, size_t n, double *auc,
                    double *log_loss, churn_error *err)
{
    int rc = CHURN_OK;
    churn__binding *bind = NULL;
    double *raw = malloc((churn__pipeline_n_inputs(m->pipe) + 1) *
                         sizeof *raw);
    double *scratch = malloc((m->n_outputs + 1) * sizeof *scratch);
    double *prob = malloc((n ? n : 1) * sizeof *prob);
    double *y = malloc((n ? n : 1) * sizeof *y);
    if (!raw || !scratch || !prob || !y) {
        rc = churn__fail_nomem(err);
        goto done;
    }
    rc = churn__pipeline_bind(m->pipe, ds, &bind, err);
    if (rc != CHURN_OK)
        goto done;
    for (size_t i = 0; i < n; i++) {
        churn__binding_row(bind, ds, rows[i], raw);
        prob[i] = churn__calibrate(&m->cal,
                                   churn__model_decision(m, raw, scratch));
        y[i] = churn_dataset_label(ds, rows[i]);
    }
    if (churn__auc(prob, y, n, auc) != CHURN_OK) {
        rc = churn__fail_nomem(err);
        goto done;
    }
    *log_loss = churn__log_loss(prob, y, n);
    m->validation_prob = prob;
    m->validation_label = y;
    m->n_validation = n;
    prob = y = NULL;
done:
    churn__binding_free(bind);
    free(raw);
    free(scratch);
    free(prob);
    free(y);
    return rc;
}

/* The labeled rows of ds; fails when they do not hold both classes. */
static int labeled_rows(const churn_dataset *ds, const churn_comm *comm,
                        size_t **rows_out, size_t *n_out, size_t *pos_out,
                        churn_error *err)
{
    size_t n_all = churn_dataset_n_rows(ds), n = 0, pos = 0;
    size_t *rows = NULL;
    int rc = CHURN_OK;
    if (!churn_dataset_has_labels(ds))
        rc = churn__fail(err, CHURN_EINVAL,
                         "the training data has no label column");
    else if (!(rows = malloc((n_all ? n_all : 1) * sizeof *rows)))
        rc = churn__fail_nomem(err);
    for (size_t i = 0; rows && i < n_all; i++) {
        double y = churn_dataset_label(ds, i);
        if (isnan(y))
            continue;
        rows[n++] = i;
        pos += y > 0.5;
    }
    /* Across ranks, the classes are those of the whole job. */
    double count[2] = {(double)n, (double)pos};
    if ((rc = churn_comm_agree(comm, rc, err)) == CHURN_OK)
        rc = churn__comm_reduce(comm, count, 2, CHURN_REDUCE_SUM, err);
    if (rc == CHURN_OK && (count[1] == 0 || count[1] == count[0]))
        rc = churn__fail(err, CHURN_EEMPTY,
                         "the training labels hold a single class (%.0f "
                         "rows, %.0f churned): nothing to learn", count[0],
                         count[1]);
    if (rc != CHURN_OK) {
        free(rows);
        return rc;
    }
    *rows_out = rows;
    *n_out = n;
    *pos_out = pos;
    return CHURN_OK;
}

/* Keeps about o->max_rows of rows[0..*n): the customers the stratified
 * hold-out split would leave in, so whole customers and the churn rate
 * stay. */
static int sample_rows(const churn_dataset *ds, size_t *rows, size_t *n,
                       const churn_train_opts *o, churn_error *err)
{
    unsigned char *drop = calloc(*n, 1);
    if (!drop)
        return churn__fail_nomem(err);
    double fraction = 1.0 - (double)o->max_rows / (double)*n;
    int rc = churn__cv_holdout(ds, rows, *n, fraction, o->seed, drop, err);
    size_t kept = 0;
    for (size_t i = 0; rc == CHURN_OK && i < *n; i++)
        if (!drop[i])
            rows[kept++] = rows[i];
    if (rc == CHURN_OK)
        *n = kept;
    free(drop);
    return rc;
}

/* Records the label of ds and the positive value of o in m, for
 * churn_model_label_name and churn_model_label_positive. */
static int stamp_label(churn_model *m, const churn_dataset *ds,
                       const churn_train_opts *o, churn_error *err)
{
    const char *name = churn_dataset_label_name(ds);
    if (name && *name && !(m->label_name = churn__strdup(name)))
        return churn__fail_nomem(err);
    if (o->label_positive &&
        !(m->label_positive = churn__strdup(o->label_positive)))
        return churn__fail_nomem(err);
    return CHURN_OK;
}

static void stamp(churn_model *m, const churn__fit_params *fp)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(m->created, sizeof m->created, "%Y-%m-%dT%H:%M:%SZ", &tm);
    snprintf(m->library, sizeof m->library, "%s", churn_version());
    /* The weight the fit used: "auto" and the search resolve to one. */
    snprintf(m->class_weight, sizeof m->class_weight, "%s",
             fp->balanced ? "balanced" : "none");
}

int churn_train(const churn_dataset *ds, const churn_train_opts *o,
                churn_model **out, churn_error *err)
{
    if (!ds || !o || !out)
        return churn__fail(err, CHURN_EINVAL, "churn_train: null argument");
    *out = NULL;
    double start = churn__now();
    size_t *rows = NULL, *fit = NULL, *held_rows = NULL, n = 0, pos = 0;
    unsigned char *held = NULL;
    churn_model *m = NULL;
    const churn_comm *comm = o->comm.size > 1 ? &o->comm : NULL;
    char who[64];
    snprintf(who, sizeof who, "training across %d ranks", o->comm.size);
    int rc = comm ? check_distributed(o, who, err) : CHURN_OK;
    if (rc == CHURN_OK && family_of(o) == &churn__family_survival)
        rc = churn__survival_check(ds, o->horizon, o->search,
                                   o->calibration, o->balanced, err);
    if (rc == CHURN_OK)
        rc = labeled_rows(ds, comm, &rows, &n, &pos, err);
    if (rc == CHURN_OK && o->max_rows && n > o->max_rows)
        rc = sample_rows(ds, rows, &n, o, err);
    if (rc != CHURN_OK) {
        free(rows);
        return rc;
    }
    if (!(m = churn__model_new()) || !(held = calloc(n ? n : 1, 1)) ||
        !(fit = malloc((n ? n : 1) * sizeof *fit)) ||
        !(held_rows = malloc((n ? n : 1) * sizeof *held_rows)))
        rc = churn__fail_nomem(err);
    if ((rc = churn_comm_agree(comm, rc, err)) != CHURN_OK)
        goto done;
    /* "auto": the search's first family until the search picks one. */
    const churn__family *family = family_of(o);
    churn__fit_params fp = {
        .family = family ? family : &churn__family_logistic,
        .c = o->c, .balanced = o->balanced, .kernel = o->kernel,
        .gamma = o->gamma, .degree = o->degree,
        .components = o->components, .seed = o->seed, .xgb = o->xgb,
        .comm = comm, .horizon = o->horizon};
    if (o->balanced < 0)
        fp.balanced = churn__auto_balanced(o->calibration, &fp);
    int search = o->search || strcmp(o->family, "auto") == 0;
    size_t n_fit = 0, n_held = 0;
    if (o->validation > 0) {
        rc = churn__cv_holdout(ds, rows, n, o->validation, o->seed, held, err);
        if (rc != CHURN_OK)
            goto done;
    }
    for (size_t i = 0; i < n; i++) {
        if (held[i])
            held_rows[n_held++] = rows[i];
        else
            fit[n_fit++] = rows[i];
    }
    if (o->progress)
        o->progress(o->progress_user, "training", 0, o->refit ? 2 : 1);
    rc = fit_rows(ds, fit, n_fit, o, search, &fp, m, err);
    if (rc == CHURN_OK && n_held > 0)
        rc = validate(m, ds, held_rows, n_held,
                      &m->metrics[CHURN__M_VALIDATION_AUC],
                      &m->metrics[CHURN__M_VALIDATION_LOG_LOSS], err);
    if (rc == CHURN_OK && n_held > 0 && o->refit) {
        if (o->progress)
            o->progress(o->progress_user, "training", 1, 2);
        rc = fit_rows(ds, rows, n, o, 0, &fp, m, err);
    }
    if (rc == CHURN_OK) /* every rank fails alike before the reduce */
        rc = churn_comm_agree(comm, stamp_label(m, ds, o, err), err);
    if (rc == CHURN_OK) /* the rows the final model was fitted on */
        rc = n_held > 0 && o->refit
                 ? churn__drift_fit(m, ds, rows, n, comm, err)
                 : churn__drift_fit(m, ds, fit, n_fit, comm, err);
    if (rc != CHURN_OK)
        goto done;
    stamp(m, &fp);
    int all = n_held > 0 && o->refit;
    m->metrics[CHURN__M_TRAIN_ROWS] = (double)(all ? n : n_fit);
    m->metrics[CHURN__M_TRAIN_POSITIVES] = 0;
    for (size_t i = 0; i < (all ? n : n_fit); i++)
        m->metrics[CHURN__M_TRAIN_POSITIVES] +=
            churn_dataset_label(ds, (all ? rows : fit)[i]) > 0.5;
    /* Across ranks: the job's rows (combined as the fit, on every rank). */
    double trained[2] = {m->metrics[CHURN__M_TRAIN_ROWS],
                         m->metrics[CHURN__M_TRAIN_POSITIVES]};
    if ((rc = churn__comm_reduce(comm, trained, 2, CHURN_REDUCE_SUM, err)))
        goto done;
    m->metrics[CHURN__M_TRAIN_ROWS] = trained[0];
    m->metrics[CHURN__M_TRAIN_POSITIVES] = trained[1];
    m->metrics[CHURN__M_VALIDATION_ROWS] = (double)n_held;
    m->metrics[CHURN__M_TRAIN_SECONDS] = churn__now() - start;
    *out = m;
    m = NULL;
done:
    churn_model_free(m);
    free(rows);
    free(fit);
    free(held_rows);
    free(held);
    return rc;
}

/* train.c - training (churn_train): the labeled rows, the held-out
 * validation split, fitting the pipeline and the classifier on training
 * rows only, and what the model records of its training. The options are
 * train_opts.c's. */
#include "models/model.h"
#include "models/drift.h"
#include "ml/comm.h"
#include "models/survival.h"
#include "ml/cv.h"
#include "ml/metrics.h"
#include "models/train.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

/* A buffer of training rows, kept from one use to the next: the second
 * use writes pages already mapped, where a fresh malloc of tens of MB
 * would fault in and zero every page again (and unmap them after). */
typedef struct scratch {
    double *v;  /* on huge pages when it is large (churn__huge_alloc) */
    size_t cap; /* doubles at v */
} scratch;

/* s->v with room for count doubles (at least 1); NULL without memory.
 * On huge pages, the fit's passes over the rows miss the TLB less, and
 * writing 64 MB of fresh 4 KB pages would cost 16,000 page faults
 * (measured: about 60 ms of a 580 ms training of 200000 x 40). */
static double *scratch_reserve(scratch *s, size_t count)
{
    count = count ? count : 1;
    if (s->cap >= count)
        return s->v;
    free(s->v);
    s->v = NULL;
    s->cap = 0;
    if (count > SIZE_MAX / sizeof *s->v ||
        !(s->v = churn__huge_alloc(count * sizeof *s->v)))
        return NULL;
    s->cap = count;
    return s->v;
}

/* Fits pipeline and classifier on rows[0..n) of ds into m with the
 * parameters *fp; a grid search first, when search is set, which
 * replaces *fp by the best grid point. The standardized rows go in zbuf. */
static int fit_rows(const churn_dataset *ds, const size_t *rows, size_t n,
                    const churn_train_opts *o, int search,
                    churn__fit_params *fp, churn_model *m, scratch *zbuf,
                    churn_error *err)
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
    /* The pipeline's columns in zbuf, which the standardized rows then
     * overwrite. */
    size_t n_cols = churn_dataset_n_cols(ds);
    int fits = n_cols && n * n_cols / n_cols == n; /* else a few at once */
    double *columns = fits ? scratch_reserve(zbuf, n * n_cols) : NULL;
    rc = fits && !columns ? churn__fail_nomem(err) : CHURN_OK;
    if ((rc = churn_comm_agree(comm, rc, err)) != CHURN_OK)
        return rc;
    rc = churn__pipeline_fit_into(ds, rows, n, comm, &fp->family->prep,
                                  columns, &m->pipe, err);
    if (rc != CHURN_OK)
        return rc;
    size_t p = churn__pipeline_n_outputs(m->pipe);
    size_t d_in = churn__pipeline_n_inputs(m->pipe);
    m->n_outputs = p;
    z = n * p / (p ? p : 1) == n ? scratch_reserve(zbuf, n * p) : NULL;
    y = churn__huge_alloc((n ? n : 1) * sizeof *y);
    raw = malloc((d_in ? d_in : 1) * sizeof *raw);
    days = churn__huge_alloc((n ? n : 1) * sizeof *days);
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
    else if (!(rows = churn__huge_alloc((n_all ? n_all : 1) * sizeof *rows)))
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

/* The fit parameters the options give, across ranks with comm; "auto":
 * the search's first family until the search picks one. */
static churn__fit_params fit_params(const churn_train_opts *o,
                                    const churn_comm *comm)
{
    const churn__family *family = churn__train_family(o);
    churn__fit_params fp = {
        .family = family ? family : &churn__family_logistic,
        .c = o->c, .balanced = o->balanced, .kernel = o->kernel,
        .gamma = o->gamma, .degree = o->degree,
        .components = o->components, .seed = o->seed, .xgb = o->xgb,
        .comm = comm, .horizon = o->horizon};
    if (o->balanced < 0)
        fp.balanced = churn__auto_balanced(o->calibration, &fp);
    return fp;
}

/* Splits rows[0..n) into the rows to fit, fit[0..*n_fit), and the
 * customers held out for validation (o->validation of them, stratified),
 * held_rows[0..*n_held); held has room for n flags. */
static int split_validation(const churn_dataset *ds, const size_t *rows,
                            size_t n, const churn_train_opts *o,
                            unsigned char *held, size_t *fit, size_t *n_fit,
                            size_t *held_rows, size_t *n_held,
                            churn_error *err)
{
    *n_fit = *n_held = 0;
    if (o->validation > 0) {
        int rc = churn__cv_holdout(ds, rows, n, o->validation, o->seed,
                                   held, err);
        if (rc != CHURN_OK)
            return rc;
    }
    for (size_t i = 0; i < n; i++) {
        if (held[i])
            held_rows[(*n_held)++] = rows[i];
        else
            fit[(*n_fit)++] = rows[i];
    }
    return CHURN_OK;
}

/* Records in m the rows the final model was fitted on, rows[0..n), and
 * the churners among them: across ranks, the job's (summed, the same on
 * every rank, as the fit combined them). */
static int count_trained(churn_model *m, const churn_dataset *ds,
                         const size_t *rows, size_t n,
                         const churn_comm *comm, churn_error *err)
{
    double trained[2] = {(double)n, 0};
    for (size_t i = 0; i < n; i++)
        trained[1] += churn_dataset_label(ds, rows[i]) > 0.5;
    int rc = churn__comm_reduce(comm, trained, 2, CHURN_REDUCE_SUM, err);
    if (rc != CHURN_OK)
        return rc;
    m->metrics[CHURN__M_TRAIN_ROWS] = trained[0];
    m->metrics[CHURN__M_TRAIN_POSITIVES] = trained[1];
    return CHURN_OK;
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
    scratch zbuf = {NULL, 0};
    const churn_comm *comm = o->comm.size > 1 ? &o->comm : NULL;
    char who[64];
    snprintf(who, sizeof who, "training across %d ranks", o->comm.size);
    int rc = comm ? churn__train_check_distributed(o, who, err) : CHURN_OK;
    if (rc == CHURN_OK && churn__train_family(o) == &churn__family_survival)
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
        !(fit = churn__huge_alloc((n ? n : 1) * sizeof *fit)) ||
        !(held_rows = churn__huge_alloc((n ? n : 1) * sizeof *held_rows)))
        rc = churn__fail_nomem(err);
    if ((rc = churn_comm_agree(comm, rc, err)) != CHURN_OK)
        goto done;
    churn__fit_params fp = fit_params(o, comm);
    int search = o->search || strcmp(o->family, "auto") == 0;
    size_t n_fit, n_held;
    rc = split_validation(ds, rows, n, o, held, fit, &n_fit, held_rows,
                          &n_held, err);
    if (rc != CHURN_OK)
        goto done;
    /* The final model: refitted on all rows, or the one fitted without
     * the held-out customers. */
    int refit = n_held > 0 && o->refit;
    const size_t *final_rows = refit ? rows : fit;
    size_t n_final = refit ? n : n_fit;
    if (o->progress)
        o->progress(o->progress_user, "training", 0, o->refit ? 2 : 1);
    rc = fit_rows(ds, fit, n_fit, o, search, &fp, m, &zbuf, err);
    if (rc == CHURN_OK && n_held > 0)
        rc = validate(m, ds, held_rows, n_held,
                      &m->metrics[CHURN__M_VALIDATION_AUC],
                      &m->metrics[CHURN__M_VALIDATION_LOG_LOSS], err);
    if (rc == CHURN_OK && refit) {
        if (o->progress)
            o->progress(o->progress_user, "training", 1, 2);
        rc = fit_rows(ds, rows, n, o, 0, &fp, m, &zbuf, err);
    }
    if (rc == CHURN_OK) /* every rank fails alike before the reduce */
        rc = churn_comm_agree(comm, stamp_label(m, ds, o, err), err);
    /* The drift's raw inputs go where the standardized rows were, when
     * they fit (a categorical input spans one output or more). */
    size_t d_in = rc == CHURN_OK ? churn_model_n_inputs(m) : 0;
    double *cols = d_in && n_final * d_in / d_in == n_final &&
                           zbuf.cap >= n_final * d_in
                       ? zbuf.v
                       : NULL;
    if (rc == CHURN_OK)
        rc = churn__drift_fit(m, ds, final_rows, n_final, comm, cols, err);
    if (rc != CHURN_OK)
        goto done;
    stamp(m, &fp);
    if ((rc = count_trained(m, ds, final_rows, n_final, comm, err)))
        goto done;
    m->metrics[CHURN__M_VALIDATION_ROWS] = (double)n_held;
    m->metrics[CHURN__M_TRAIN_SECONDS] = churn__now() - start;
    *out = m;
    m = NULL;
done:
    churn_model_free(m);
    free(zbuf.v);
    free(rows);
    free(fit);
    free(held_rows);
    free(held);
    return rc;
}

/* train_opts.c - the options of churn_train (struct churn_train_opts in
 * train.h): their defaults, the public setters with the ranges they
 * accept, and what they say about a fit across ranks. The gbdt family's
 * setters are in train_gbdt.c; the training itself in train.c. */
#include "models/train.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

const churn__family *churn__train_family(const churn_train_opts *o)
{
    const churn__family *f = churn__family_find(o->family);
    return f ? churn__family_for(f, o->kernel) : NULL;
}

int churn_train_opts_distributed(const churn_train_opts *o)
{
    const churn__family *f = o ? churn__train_family(o) : NULL;
    return f && f->distributed;
}

int churn__train_check_distributed(const churn_train_opts *o,
                                   const char *who, churn_error *err)
{
    const churn__family *f = churn__train_family(o);
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
    return churn__train_check_distributed(o, "training across ranks", err);
}

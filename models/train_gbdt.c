/* train_gbdt.c - the public setters of the gbdt family's options
 * (churn.h), with the ranges churn__xgb_fit checks; the options live in
 * churn_train_opts (train.h, set in train_opts.c). */
#include "models/train.h"

#include <math.h>

int churn_train_opts_set_trees(churn_train_opts *o, size_t n)
{
    churn__xgb_params *x = churn__train_opts_xgb(o);
    if (!x || n < 1 || n > 100000)
        return CHURN_EINVAL;
    x->max_rounds = n;
    return CHURN_OK;
}

int churn_train_opts_set_depth(churn_train_opts *o, size_t depth)
{
    churn__xgb_params *x = churn__train_opts_xgb(o);
    if (!x || depth < 1 || depth > 64)
        return CHURN_EINVAL;
    x->depth = depth;
    return CHURN_OK;
}

/* v in (0, 1]. */
static int unit_share(double v) { return v > 0 && v <= 1; }

int churn_train_opts_set_learning_rate(churn_train_opts *o, double eta)
{
    churn__xgb_params *x = churn__train_opts_xgb(o);
    if (!x || !unit_share(eta))
        return CHURN_EINVAL;
    x->learning_rate = eta;
    return CHURN_OK;
}

int churn_train_opts_set_subsample(churn_train_opts *o, double share)
{
    churn__xgb_params *x = churn__train_opts_xgb(o);
    if (!x || !unit_share(share))
        return CHURN_EINVAL;
    x->subsample = share;
    return CHURN_OK;
}

int churn_train_opts_set_colsample(churn_train_opts *o, double share)
{
    churn__xgb_params *x = churn__train_opts_xgb(o);
    if (!x || !unit_share(share))
        return CHURN_EINVAL;
    x->colsample = share;
    return CHURN_OK;
}

int churn_train_opts_set_min_child_weight(churn_train_opts *o, double w)
{
    churn__xgb_params *x = churn__train_opts_xgb(o);
    if (!x || !(w >= 0) || !isfinite(w))
        return CHURN_EINVAL;
    x->min_child_weight = w;
    return CHURN_OK;
}

int churn_train_opts_set_lambda(churn_train_opts *o, double lambda)
{
    churn__xgb_params *x = churn__train_opts_xgb(o);
    if (!x || !(lambda >= 0) || !isfinite(lambda))
        return CHURN_EINVAL;
    x->lambda = lambda;
    return CHURN_OK;
}

int churn_train_opts_set_threads(churn_train_opts *o, size_t n)
{
    churn__xgb_params *x = churn__train_opts_xgb(o);
    if (!x || n < 1 || n > 1024)
        return CHURN_EINVAL;
    x->threads = n;
    return CHURN_OK;
}

int churn_train_opts_set_early_stopping(churn_train_opts *o, size_t rounds)
{
    churn__xgb_params *x = churn__train_opts_xgb(o);
    if (!x || rounds > 100000)
        return CHURN_EINVAL;
    x->early_stopping_rounds = rounds;
    return CHURN_OK;
}

/* eval_survival.c - a survival model's evaluation section: the labelled
 * rows of a dataset with days_to_churn become times and events, the model
 * gives P(churn within h) at each horizon and the risk tiers, and
 * churn_eval_add_survival (ml/survival_eval.c) computes the figures. */
#include "models/model.h"
#include "ml/pipeline.h"

#include <math.h>
#include <stdlib.h>

/* Times and events of the labelled rows (their indices into rows, *n_out
 * of them): a churn at its days_to_churn, any other row censored at the
 * horizon H the labels looked over (the model's). */
static int times_of(const churn_dataset *ds, double horizon, double *time,
                    double *event, size_t *rows, size_t *n_out,
                    churn_error *err)
{
    size_t m = 0;
    for (size_t i = 0; i < churn_dataset_n_rows(ds); i++) {
        double y = churn_dataset_label(ds, i);
        if (isnan(y))
            continue;
        double days = churn_dataset_days_to_churn(ds, i);
        if (y == 1 && !(days >= 0 && days < horizon))
            return churn__fail(err, CHURN_EFORMAT, "row %zu: churned, but "
                               "days_to_churn is %s; the survival "
                               "evaluation needs it within [0, %g), the "
                               "model's horizon (churn-features --horizon)",
                               i + 1, isnan(days) ? "missing" : "outside",
                               horizon);
        time[m] = y == 1 ? days : horizon;
        event[m] = y == 1;
        rows[m++] = i;
    }
    *n_out = m;
    return CHURN_OK;
}

/* The tier of every row of ds as churn_score_dataset gives it. */
static int tiers_of(const churn_model *m, const churn_dataset *ds,
                    const churn_score_opts *o, const char **tier,
                    churn_scores **keep, churn_error *err)
{
    churn_score_opts *mine = o ? NULL : churn_score_opts_new();
    if (!o && !mine)
        return churn__fail_nomem(err);
    if (mine)
        churn_score_opts_set_reasons(mine, 0);
    int rc = churn_score_dataset(m, ds, o ? o : mine, keep, err);
    churn_score_opts_free(mine);
    for (size_t r = 0; rc == CHURN_OK && r < churn_scores_n(*keep); r++)
        tier[churn_scores_row(*keep, r)] = churn_scores_tier(*keep, r);
    return rc;
}

/* Makes the arrays for churn_eval_add_survival: days holds the k
 * horizons and H last. */
static int evaluate(churn_eval *e, const churn_model *m,
                    const churn_dataset *ds, const double *days, size_t k,
                    const churn_score_opts *o, churn_error *err)
{
    size_t n = churn_dataset_n_rows(ds), kk = k + 1, used = 0;
    double *x = NULL, *p = malloc((n > 0 ? n * kk : 1) * sizeof *p);
    double *time = malloc((n ? n : 1) * sizeof *time);
    double *event = malloc((n ? n : 1) * sizeof *event);
    double *risk = malloc((n ? n : 1) * sizeof *risk);
    size_t *rows = malloc((n ? n : 1) * sizeof *rows);
    const char **all = calloc(n ? n : 1, sizeof *all);
    const char **tier = calloc(n ? n : 1, sizeof *tier);
    churn_scores *scores = NULL;
    int rc = p && time && event && risk && rows && all && tier
                 ? CHURN_OK : churn__fail_nomem(err);
    if (rc == CHURN_OK)
        rc = times_of(ds, days[k], time, event, rows, &used, err);
    if (rc == CHURN_OK)
        rc = churn__model_raw_rows(m, ds, &x, err);
    if (rc == CHURN_OK)
        rc = churn_model_survival(m, x, n, days, kk, p, err);
    if (rc == CHURN_OK)
        rc = tiers_of(m, ds, o, all, &scores, err);
    /* The labelled rows' P(h) packed to the front; risk is P(H). */
    for (size_t u = 0; rc == CHURN_OK && u < used; u++) {
        for (size_t j = 0; j < k; j++)
            p[u * k + j] = p[rows[u] * kk + j];
        risk[u] = p[rows[u] * kk + k];
        tier[u] = all[rows[u]];
    }
    if (rc == CHURN_OK)
        rc = churn_eval_add_survival(e, time, event, used, risk, p, days, k,
                                     tier, err);
    churn_scores_free(scores);
    free(x);
    free(p);
    free(time);
    free(event);
    free(risk);
    free(rows);
    free(all);
    free(tier);
    return rc;
}

int churn_eval_add_survival_model(churn_eval *e, const churn_model *m,
                                  const churn_dataset *ds,
                                  const double *horizons, size_t k,
                                  const churn_score_opts *o,
                                  churn_error *err)
{
    if (!e || !m || !ds || (k && !horizons))
        return churn__fail(err, CHURN_EINVAL, "churn_eval_add_survival_model:"
                           " null argument");
    double horizon = churn_model_horizon(m);
    if (isnan(horizon))
        return churn__fail(err, CHURN_EINVAL, "the survival evaluation needs "
                           "a survival model (churn-train --model survival); "
                           "this one is %s", churn_model_family(m));
    if (!churn_dataset_has_days_to_churn(ds))
        return churn__fail(err, CHURN_EFORMAT, "the survival evaluation needs "
                           "a days_to_churn column (churn-features writes "
                           "it)");
    /* The horizons, then H for the risk; by default H/3, 2H/3 and H. */
    double days[17];
    size_t n_days = k ? k : 3;
    if (n_days > 16)
        return churn__fail(err, CHURN_EINVAL, "at most 16 horizons");
    for (size_t j = 0; j < n_days; j++)
        days[j] = k ? horizons[j] : horizon * (double)(j + 1) / 3;
    days[n_days] = horizon;
    return evaluate(e, m, ds, days, n_days, o, err);
}

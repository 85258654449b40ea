/* survival_score.c - the public calls of a survival model: P(churn
 * within any number of days), the restricted mean survival time, the
 * customer lifetime value, and the columns churn-score adds with them. */
#include "models/model.h"
#include "models/scores.h"
#include "models/survival.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

double churn_model_horizon(const churn_model *m)
{
    const churn__hazard *hz = churn__model_hazard(m);
    return hz ? hz->horizon : NAN;
}

/* The hazard of m, or CHURN_EINVAL saying which call needs one. */
static int hazard_of(const churn_model *m, const char *call,
                     const churn__hazard **hz, churn_error *err)
{
    *hz = churn__model_hazard(m);
    if (!*hz)
        return churn__fail(err, CHURN_EINVAL,
                           "%s needs a survival model (churn-train --model "
                           "survival); this one is %s", call,
                           m ? churn_model_family(m) : "missing");
    return CHURN_OK;
}

/* eta = w.z of each of n raw rows x (n x n_inputs) into out. */
static int etas(const churn_model *m, const churn__hazard *hz,
                const double *x, size_t n, double *out, churn_error *err)
{
    double *z = malloc((m->n_outputs ? m->n_outputs : 1) * sizeof *z);
    if (!z)
        return churn__fail_nomem(err);
    size_t d = churn_model_n_inputs(m);
    for (size_t i = 0; i < n; i++) {
        churn__pipeline_transform(m->pipe, x + i * d, z);
        out[i] = churn__hazard_eta(hz, z);
    }
    free(z);
    return CHURN_OK;
}

/* Checks the arguments and makes the n etas (*eta, caller frees). */
static int prepare(const churn_model *m, const char *call, const double *x,
                   size_t n, const void *out, const churn__hazard **hz,
                   double **eta, churn_error *err)
{
    *eta = NULL;
    if (!m || (!x && n) || (!out && n))
        return churn__fail(err, CHURN_EINVAL, "%s: null argument", call);
    int rc = hazard_of(m, call, hz, err);
    if (rc == CHURN_OK && !(*eta = malloc((n ? n : 1) * sizeof **eta)))
        rc = churn__fail_nomem(err);
    if (rc == CHURN_OK)
        rc = etas(m, *hz, x, n, *eta, err);
    if (rc != CHURN_OK) {
        free(*eta);
        *eta = NULL;
    }
    return rc;
}

int churn_model_survival(const churn_model *m, const double *x, size_t n,
                         const double *days, size_t n_days, double *p_out,
                         churn_error *err)
{
    for (size_t k = 0; k < n_days; k++)
        if (!days || !(days[k] >= 0) || !isfinite(days[k]))
            return churn__fail(err, CHURN_EINVAL,
                               "churn_model_survival: days must be >= 0");
    const churn__hazard *hz;
    double *eta;
    int rc = prepare(m, "churn_model_survival", x, n, p_out, &hz, &eta, err);
    for (size_t i = 0; rc == CHURN_OK && i < n; i++)
        for (size_t k = 0; k < n_days; k++)
            p_out[i * n_days + k] =
                -expm1(churn__hazard_log_survival(hz, eta[i], days[k]));
    free(eta);
    return rc;
}

int churn_model_expected_days(const churn_model *m, const double *x,
                              size_t n, double *out, churn_error *err)
{
    const churn__hazard *hz;
    double *eta;
    int rc = prepare(m, "churn_model_expected_days", x, n, out, &hz, &eta,
                     err);
    for (size_t i = 0; rc == CHURN_OK && i < n; i++)
        out[i] = churn__hazard_rmst(hz, eta[i]);
    free(eta);
    return rc;
}

int churn_model_clv(const churn_model *m, const double *x, size_t n,
                    const double *margin, double rate, double *out,
                    churn_error *err)
{
    if (!(rate >= 0) || !isfinite(rate) || (!margin && n))
        return churn__fail(err, CHURN_EINVAL,
                           "churn_model_clv: a margin per row and a "
                           "discount rate >= 0 are needed");
    const churn__hazard *hz;
    double *eta;
    int rc = prepare(m, "churn_model_clv", x, n, out, &hz, &eta, err);
    for (size_t i = 0; rc == CHURN_OK && i < n; i++)
        out[i] = churn__hazard_clv(hz, eta[i], margin[i], rate);
    free(eta);
    return rc;
}

/* The margin of each row of ds: column's values, or value everywhere. */
static int margins(const churn_dataset *ds, const char *column, double value,
                   double *out, churn_error *err)
{
    size_t n = churn_dataset_n_rows(ds), j = (size_t)-1;
    if (column) {
        j = churn_dataset_column_index(ds, column);
        if (j == (size_t)-1 ||
            churn_dataset_column_kind(ds, j) != CHURN_NUMERIC)
            return churn__fail(err, CHURN_EINVAL,
                               "margin column '%s' is not a numeric column "
                               "of the data", column);
    }
    for (size_t i = 0; i < n; i++)
        out[i] = column ? churn_dataset_value(ds, i, j) : value;
    return CHURN_OK;
}

int churn_model_clv_dataset(const churn_model *m, const churn_dataset *ds,
                            const char *margin_column, double margin,
                            double rate, double *out, churn_error *err)
{
    const churn__hazard *hz;
    if (!m || !ds || !out)
        return churn__fail(err, CHURN_EINVAL, "clv: null argument");
    int rc = hazard_of(m, "churn_model_clv_dataset", &hz, err);
    size_t n = churn_dataset_n_rows(ds);
    double *x = NULL, *mg = malloc((n ? n : 1) * sizeof *mg);
    if (rc == CHURN_OK && !mg)
        rc = churn__fail_nomem(err);
    if (rc == CHURN_OK)
        rc = margins(ds, margin_column, margin, mg, err);
    if (rc == CHURN_OK)
        rc = churn__model_raw_rows(m, ds, &x, err);
    if (rc == CHURN_OK)
        rc = churn_model_clv(m, x, n, mg, rate, out, err);
    free(x);
    free(mg);
    return rc;
}

int churn_scores_add_survival(churn_scores *s, const churn_model *m,
                              const churn_dataset *ds, const double *days,
                              size_t n_days, const char *margin_column,
                              double margin, double rate, churn_error *err)
{
    const churn__hazard *hz;
    if (!s || !m || !ds || (!days && n_days))
        return churn__fail(err, CHURN_EINVAL, "add survival: null argument");
    int rc = hazard_of(m, "churn_scores_add_survival", &hz, err);
    if (rc != CHURN_OK)
        return rc;
    size_t n = churn_dataset_n_rows(ds);
    int with_clv = margin_column || !isnan(margin);
    /* p: the probabilities, then the margins */
    size_t cells = n * (n_days > 1 ? n_days : 1);
    double *x = NULL, *p = malloc((cells ? cells : 1) * sizeof *p);
    double *col = malloc((n ? n : 1) * sizeof *col);
    if (!p || !col)
        rc = churn__fail_nomem(err);
    if (rc == CHURN_OK)
        rc = churn__model_raw_rows(m, ds, &x, err);
    if (rc == CHURN_OK)
        rc = churn_model_survival(m, x, n, days, n_days, p, err);
    for (size_t k = 0; rc == CHURN_OK && k < n_days; k++) {
        char name[64];
        snprintf(name, sizeof name, "p_%gd", days[k]);
        for (size_t i = 0; i < n; i++)
            col[i] = p[i * n_days + k];
        rc = churn_scores_add_column(s, name, col, err);
    }
    if (rc == CHURN_OK)
        rc = churn_model_expected_days(m, x, n, col, err);
    if (rc == CHURN_OK)
        rc = churn_scores_add_column(s, "expected_days", col, err);
    if (rc == CHURN_OK && with_clv)
        rc = margins(ds, margin_column, margin, p, err);
    if (rc == CHURN_OK && with_clv)
        rc = churn_model_clv(m, x, n, p, rate, col, err);
    if (rc == CHURN_OK && with_clv)
        rc = churn_scores_add_column(s, "clv", col, err);
    free(x);
    free(p);
    free(col);
    return rc;
}

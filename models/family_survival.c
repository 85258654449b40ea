/* family_survival.c - the survival family: a discrete-time hazard model
 * (survival.c) fitted on the churned label and days_to_churn, censored at
 * the training horizon. Its decision value is the log-odds of churn
 * within the horizon, so "probability" keeps its meaning without
 * calibration; its contributions are those to every bin's hazard
 * log-odds (w_k z_k; they sum to w.z). */
#include "models/classifier.h"
#include "models/survival.h"
#include "models/model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void survival_free(void *state) { churn__hazard_free(state); }

static int survival_fit(void **state, const churn__fit_params *fp,
                        const double *z, const double *y, size_t n,
                        size_t dim, double *figures, churn_error *err)
{
    *state = NULL;
    if (!(fp->horizon > 0) || !fp->days)
        return churn__fail(err, CHURN_EINVAL,
                           "the survival model needs the label horizon and "
                           "each row's days_to_churn");
    churn__hazard *hz =
        churn__hazard_new(dim, CHURN__SURVIVAL_BINS, fp->horizon);
    if (!hz)
        return churn__fail_nomem(err);
    double iterations = NAN;
    int rc = churn__hazard_fit(hz, z, y, fp->days, n, fp->c, &iterations,
                               err);
    if (rc != CHURN_OK) {
        churn__hazard_free(hz);
        return rc;
    }
    if (figures) {
        figures[0] = fp->c;
        figures[1] = iterations;
        figures[2] = fp->horizon;
    }
    *state = hz;
    return CHURN_OK;
}

/* log(P / (1 - P)) for P = 1 - S(H) = 1 - exp(ls). */
static double survival_decision(const void *state, const double *z)
{
    const churn__hazard *hz = state;
    double ls = churn__hazard_log_survival(hz, churn__hazard_eta(hz, z),
                                           hz->horizon);
    return log(-expm1(ls)) - ls;
}

static void survival_contrib(const void *state, const double *z,
                             const size_t *out_input, size_t n_in,
                             double *contrib, double *scratch)
{
    const churn__hazard *hz = state;
    (void)scratch;
    churn__linear_contrib(hz->w, hz->dim, z, out_input, n_in, contrib);
}

/* Not linear in z: NULL (no coefficient importance, the general batch
 * path). */
static const double *survival_linear(const void *state, double *b)
{
    (void)state;
    (void)b;
    return NULL;
}

static void survival_write(const void *state, const char *const *names,
                           FILE *f)
{
    const churn__hazard *hz = state;
    fputs("horizon ", f);
    churn__put_double(f, hz->horizon);
    fprintf(f, "\nbins %zu\n", hz->bins);
    for (size_t b = 0; b < hz->bins; b++) {
        fputs("bin ", f);
        churn__put_double(f, hz->alpha[b]);
        fputc('\n', f);
    }
    churn__coefs_write(hz->w, hz->dim, names, f);
}

/* The line "key <value>" of a number that must be finite and > 0. */
static int read_positive(churn__lines *r, const char *key, double *out,
                         churn_error *err)
{
    int rc = churn__lines_number(r, key, out, err);
    if (rc == CHURN_OK && !(*out > 0))
        return churn__fail_at(err, CHURN_EFORMAT, r->path, r->line, 1,
                              "%s must be > 0", key);
    return rc;
}

static int read_weights(churn__lines *r, churn__hazard *hz,
                        const char *const *names, churn_error *err)
{
    int rc = CHURN_OK;
    for (size_t b = 0; rc == CHURN_OK && b < hz->bins; b++)
        rc = churn__lines_number(r, "bin", &hz->alpha[b], err);
    return rc == CHURN_OK ? churn__coefs_read(r, hz->w, hz->dim, names, err)
                          : rc;
}

static int survival_read(churn__lines *r, void **state, size_t dim,
                         const char *const *names, churn_error *err)
{
    *state = NULL;
    double horizon, bins;
    int rc = read_positive(r, "horizon", &horizon, err);
    if (rc == CHURN_OK)
        rc = read_positive(r, "bins", &bins, err);
    if (rc == CHURN_OK && (bins != floor(bins) || bins > 10000))
        return churn__fail_at(err, CHURN_EFORMAT, r->path, r->line, 6,
                              "bins must be a whole number up to 10000");
    if (rc != CHURN_OK)
        return rc;
    churn__hazard *hz = churn__hazard_new(dim, (size_t)bins, horizon);
    rc = hz ? read_weights(r, hz, names, err) : churn__fail_nomem(err);
    if (rc != CHURN_OK) {
        churn__hazard_free(hz);
        return rc;
    }
    *state = hz;
    return CHURN_OK;
}

int churn__survival_check(const churn_dataset *ds, double horizon,
                          int search, int calibration, int balanced,
                          churn_error *err)
{
    if (!(horizon > 0))
        return churn__fail(err, CHURN_EINVAL,
                           "the survival model needs the label horizon in "
                           "days (churn-train --horizon)");
    if (!churn_dataset_has_days_to_churn(ds))
        return churn__fail(err, CHURN_EINVAL,
                           "the survival model needs a days_to_churn column "
                           "(churn-features --horizon writes it)");
    const char *what = search                  ? "a grid search"
                       : calibration > CHURN__CAL_NONE ? "calibration"
                       : balanced == 1         ? "class weight balanced"
                                               : NULL;
    if (what)
        return churn__fail(err, CHURN_EINVAL,
                           "the survival model does not support %s: its "
                           "probability is P(churn within the horizon) "
                           "from the hazards", what);
    return CHURN_OK;
}

const churn__hazard *churn__model_hazard(const churn_model *m)
{
    return m && m->clf.family == &churn__family_survival ? m->clf.state
                                                         : NULL;
}

static const churn__figure horizon_days = {"horizon_days", "horizon ",
                                           " days", 6, 0};

static const churn__figure *const figures[] = {
    &churn__figure_c, &churn__figure_newton_iterations, &horizon_days};

/* No search grid: the search's folds and calibration's out-of-fold fits
 * see labels without times (train.c refuses them for this family). */
const churn__family churn__family_survival = {
    .name = "survival",
    .timed = 1,
    .prep = {.keep_missing = 0, .standardize = 1},
    .figures = figures,
    .n_figures = sizeof figures / sizeof *figures,
    .fit = survival_fit,
    .decision = survival_decision,
    .contrib = survival_contrib,
    .linear = survival_linear,
    .write = survival_write,
    .read = survival_read,
    .free = survival_free,
};

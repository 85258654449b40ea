/* survival.c - the discrete-time hazard model (survival.h): the
 * person-period fit by logistic.c and the survival curve, restricted
 * mean and CLV that follow from the hazards. */
#include "models/survival.h"
#include "models/logistic.h"

#include <math.h>
#include <stdlib.h>

/* The bins' indicator columns are scaled by this, so that logistic.c's
 * L2 penalty on them (0.5 (alpha / SCALE)^2) is negligible: the bins'
 * log-odds come out as the life table's. */
#define BIN_SCALE 1000.0

churn__hazard *churn__hazard_new(size_t dim, size_t bins, double horizon)
{
    churn__hazard *hz = calloc(1, sizeof *hz);
    if (!hz)
        return NULL;
    hz->dim = dim;
    hz->bins = bins;
    hz->horizon = horizon;
    hz->alpha = calloc(bins ? bins : 1, sizeof *hz->alpha);
    hz->w = calloc(dim ? dim : 1, sizeof *hz->w);
    if (!hz->alpha || !hz->w) {
        churn__hazard_free(hz);
        return NULL;
    }
    return hz;
}

void churn__hazard_free(churn__hazard *hz)
{
    if (hz) {
        free(hz->alpha);
        free(hz->w);
    }
    free(hz);
}

/* The bin of row i's churn, or bins when censored; -1 when a churned
 * row has no time within the horizon. */
static long event_bin(const churn__hazard *hz, double y, double days)
{
    if (!(y > 0.5))
        return (long)hz->bins;
    if (!(days >= 0 && days < hz->horizon))
        return -1;
    size_t b = (size_t)(days / (hz->horizon / (double)hz->bins));
    return (long)(b < hz->bins ? b : hz->bins - 1);
}

/* Fills the person-period rows: x (rows x (dim + bins - 1)), labels. */
static void expand(const churn__hazard *hz, const double *z, const double *y,
                   const double *days, size_t n, double *x, double *yy)
{
    size_t d = hz->dim + hz->bins - 1, r = 0;
    for (size_t i = 0; i < n; i++) {
        long e = event_bin(hz, y[i], days[i]);
        size_t last = e < (long)hz->bins ? (size_t)e : hz->bins - 1;
        for (size_t b = 0; b <= last; b++, r++) {
            double *row = x + r * d;
            for (size_t k = 0; k < hz->dim; k++)
                row[k] = z[i * hz->dim + k];
            for (size_t k = 1; k < hz->bins; k++)
                row[hz->dim + k - 1] = k == b ? BIN_SCALE : 0.0;
            yy[r] = (long)b == e;
        }
    }
}

int churn__hazard_fit(churn__hazard *hz, const double *z, const double *y,
                      const double *days, size_t n, double c,
                      double *iterations, churn_error *err)
{
    size_t rows = 0, d = hz->dim + hz->bins - 1;
    for (size_t i = 0; i < n; i++) {
        long e = event_bin(hz, y[i], days ? days[i] : NAN);
        if (e < 0)
            return churn__fail(err, CHURN_EINVAL,
                               "row %zu churned but its days_to_churn (%g) "
                               "is not within the horizon [0, %g)", i + 1,
                               days ? days[i] : NAN, hz->horizon);
        rows += e < (long)hz->bins ? (size_t)e + 1 : hz->bins;
    }
    double *x = malloc((rows * d > 0 ? rows * d : 1) * sizeof *x);
    double *yy = malloc((rows ? rows : 1) * sizeof *yy);
    double *beta = malloc((d ? d : 1) * sizeof *beta);
    int rc = x && yy && beta ? CHURN_OK : churn__fail_nomem(err);
    double b0 = 0;
    churn__logistic_info info;
    if (rc == CHURN_OK) {
        expand(hz, z, y, days, n, x, yy);
        churn__logistic_params lp;
        churn__logistic_params_default(&lp);
        lp.c = c;
        rc = churn__logistic_fit(x, rows, d, yy, NULL, &lp, beta, &b0, &info,
                                 err);
    }
    if (rc == CHURN_OK) {
        for (size_t k = 0; k < hz->dim; k++)
            hz->w[k] = beta[k];
        hz->alpha[0] = b0;
        for (size_t k = 1; k < hz->bins; k++)
            hz->alpha[k] = b0 + BIN_SCALE * beta[hz->dim + k - 1];
        if (iterations)
            *iterations = (double)info.iterations;
    }
    free(x);
    free(yy);
    free(beta);
    return rc;
}

double churn__hazard_eta(const churn__hazard *hz, const double *z)
{
    double s = 0;
    for (size_t k = 0; k < hz->dim; k++)
        s += hz->w[k] * z[k];
    return s;
}

/* -log(1 - h) for the hazard h = sigmoid(t) is log(1 + e^t). */
double churn__hazard_log_survival(const churn__hazard *hz, double eta,
                                  double t)
{
    if (!(t > 0))
        return 0;
    double width = hz->horizon / (double)hz->bins, u = t / width, ls = 0;
    for (size_t b = 0; b < hz->bins && u > 0; b++, u -= 1)
        ls -= (u < 1 || b + 1 == hz->bins ? u : 1.0) *
              churn__log1p_exp(hz->alpha[b] + eta);
    return ls;
}

double churn__hazard_rmst(const churn__hazard *hz, double eta)
{
    double width = hz->horizon / (double)hz->bins, ls = 0, area = 0;
    for (size_t b = 0; b < hz->bins; b++) {
        double l = churn__log1p_exp(hz->alpha[b] + eta);
        /* The integral of exp(ls - l u / width) over one bin. */
        area += exp(ls) * width * (l > 1e-12 ? -expm1(-l) / l : 1.0);
        ls -= l;
    }
    return area;
}

double churn__hazard_clv(const churn__hazard *hz, double eta, double margin,
                         double rate)
{
    double sum = 0;
    for (int m = CHURN__CLV_MONTHS; m >= 1; m--) /* small terms first */
        sum += margin *
               exp(churn__hazard_log_survival(hz, eta, m * CHURN__MONTH_DAYS) -
                   m * log1p(rate));
    return sum;
}

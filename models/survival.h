/* survival.h - the discrete-time hazard model under the survival family
 * (family_survival.c) and its public calls (survival_score.c). Internal
 * to models/.
 *
 * Time after the as-of date is cut into `bins` equal bins over the
 * training horizon H (width H / bins days). In bin b a customer still
 * there churns with hazard h_b(z) = sigmoid(alpha_b + w.z): a logistic
 * regression on person-period rows (one row per customer and bin it was
 * at risk in, 1 in the bin of its churn), fitted by logistic.c's Newton
 * solver. Within a bin the hazard is spread evenly over its days (S falls
 * geometrically); beyond H the last bin's hazard is held constant. */
#ifndef CHURN_MODELS_SURVIVAL_H
#define CHURN_MODELS_SURVIVAL_H

#include "ml/internal.h"

/* Bins over the horizon when none are asked for. */
#define CHURN__SURVIVAL_BINS 10
/* A month of the CLV sum, in days (365.25 / 12), and how many months it
 * adds up (ten years). */
#define CHURN__MONTH_DAYS 30.4375
#define CHURN__CLV_MONTHS 120

typedef struct churn__hazard {
    size_t dim, bins;
    double horizon; /* days, > 0 */
    double *alpha;  /* bins: the hazard's log-odds at w.z = 0 */
    double *w;      /* dim */
} churn__hazard;

/* Allocates alpha and w (zeros) for dim inputs and bins bins; NULL when
 * out of memory. */
churn__hazard *churn__hazard_new(size_t dim, size_t bins, double horizon);
void churn__hazard_free(churn__hazard *hz);

/* Fits hz (made by churn__hazard_new) on n rows z (n x dim), labels y
 * (0/1) and days (the churned rows' days to churn, >= 0 and < horizon;
 * others are censored at the horizon and their days ignored), with L2
 * strength c on w only (the bins' log-odds are as good as unpenalized).
 * *iterations gets the Newton steps. CHURN_EINVAL names the first row
 * whose churn has no time within the horizon. */
int churn__hazard_fit(churn__hazard *hz, const double *z, const double *y,
                      const double *days, size_t n, double c,
                      double *iterations, churn_error *err);

/* eta = w.z: the part of every bin's hazard log-odds the inputs make. */
double churn__hazard_eta(const churn__hazard *hz, const double *z);
/* log S(t), the log of the probability of no churn within t days. */
double churn__hazard_log_survival(const churn__hazard *hz, double eta,
                                  double t);
/* The restricted mean survival time up to the horizon, in days: the
 * integral of S over [0, H], exact for the piecewise-geometric S. */
double churn__hazard_rmst(const churn__hazard *hz, double eta);
/* sum over months m = 1..CHURN__CLV_MONTHS of margin S(m month) /
 * (1 + rate)^m. */
double churn__hazard_clv(const churn__hazard *hz, double eta, double margin,
                         double rate);

/* What training the survival family needs beyond the others: a horizon
 * (> 0) and ds's days_to_churn; no grid search, calibration (requested
 * kind other than none, -1 = default) or balanced class weight (1). */
int churn__survival_check(const churn_dataset *ds, double horizon,
                          int search, int calibration, int balanced,
                          churn_error *err);

/* The survival family's state of a model, or NULL for another family. */
struct churn_model;
const churn__hazard *churn__model_hazard(const struct churn_model *m);

#endif

/* logistic.h - the logistic function (logit.c) and the L2 logistic
 * regression fit (logistic.c; its private half is logistic_impl.h), used
 * by the families that end in a logistic model: logistic, rbf-approx,
 * survival, and by Platt calibration. Not installed; nothing outside
 * models/ and its tests includes it. */
#ifndef CHURN_MODELS_LOGISTIC_H
#define CHURN_MODELS_LOGISTIC_H

#include "ml/internal.h"

#include <stddef.h>

/* ------------------------------------------------------------- logit.c */

/* The logistic function 1 / (1 + e^-t), without overflow for any t. */
double churn__sigmoid(double t);
/* log(1 + e^t), without overflow for large t. */
double churn__log1p_exp(double t);

/* ------------------------------------------ L2 logistic regression fit */

/* Parameters of the L2 logistic regression fit. */
typedef struct churn__logistic_params {
    double c;       /* inverse regularization strength, > 0 (liblinear -c) */
    double tol;     /* stop when ||gradient||_inf <=
                     * tol * max(1, ||initial gradient||_inf); default 1e-10 */
    size_t max_iter;       /* Newton iterations cap (default 100) */
    size_t wide_threshold; /* d above which truncated Newton-CG is used
                            * instead of Cholesky (default 1000) */
    const churn_comm *comm; /* NULL (default): x holds every row; else x
                             * holds this rank's rows (maybe none) and the
                             * fit is collective: the same w and b on every
                             * rank as one process on all the rows */
} churn__logistic_params;

/* Fills p with the defaults: c = 1, tol = 1e-10, max_iter = 100,
 * wide_threshold = 1000. */
void churn__logistic_params_default(churn__logistic_params *p);

/* What a fit did: Newton iterations taken, the objective and the largest
 * gradient component at the answer, and whether the CG path ran. */
typedef struct churn__logistic_info {
    size_t iterations;
    double objective;
    double grad_norm;
    int used_cg;
} churn__logistic_info;

/* Minimizes 0.5*||w||^2 + c * sum_i s_i * log(1 + exp(-t_i (x_i.w + b))),
 * t_i = 2*y_i - 1, over w (d) and an UNREGULARIZED intercept b.
 * x: n x d row-major (may be NULL when d == 0), y: 0/1, s: sample weights
 * >= 0 (NULL = all 1; class weights "balanced" are passed this way by the
 * caller). p NULL means the defaults. Both classes need positive total
 * weight, or the intercept would run off to infinity.
 * x need not be standardized: columns are centered internally, and a
 * constant column gets exactly 0. When the gradient cannot get below the
 * target because of rounding (a tolerance too small for doubles, columns
 * with huge means), the fit stops there successfully; info->grad_norm
 * then exceeds the target.
 * Writes w (d doubles, caller-owned) and *b on success only; on failure
 * they are left alone, while info (may be NULL) still tells how far the
 * fit got. Deterministic; x, y and s are only read.
 * Returns CHURN_OK, CHURN_EINVAL (bad arguments, n == 0, labels not 0/1,
 * negative weights, one class only), CHURN_ENUMERIC (non-finite input or a
 * failure to converge, with a message saying which), CHURN_ENOMEM. */
int churn__logistic_fit(const double *x, size_t n, size_t d, const double *y,
                        const double *s, const churn__logistic_params *p,
                        double *w, double *b, churn__logistic_info *info,
                        churn_error *err);

/* One row's loss log(1 + exp(-t z)) at margin z (t = +1 when positive,
 * else -1), with *p = sigmoid(z) and *q = 1 - *p computed on its own. */
double churn__logistic_row(double z, int positive, double *p, double *q);
/* loss(z + delta) - loss(z) for one row, exact to the rounding of the
 * change itself (no cancellation of two large losses). */
double churn__logistic_loss_change(double z, double delta, int positive);

#endif /* CHURN_MODELS_LOGISTIC_H */

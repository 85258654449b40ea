/* classifier.h - the numeric cores under the families of family.h (the
 * kernel expansions of svm and rbf-approx: libsvm, random Fourier
 * features, Nystroem, the blockwise logistic fit) and the probability
 * calibration that follows every family. Internal to models/. */
#ifndef CHURN_MODELS_CLASSIFIER_H
#define CHURN_MODELS_CLASSIFIER_H

#include "models/family.h"

#include <stdio.h>

/* The state of the svm family (and of rbf-approx, which fits one): a
 * kernel expansion on standardized features z (dim of them). Its decision
 * value f(z) is a margin for an SVM and a log-odds for rbf-approx;
 * larger means likelier to churn.
 * SVM: f = sum_i sv_coef[i] K(sv_i, z) + b, with b = -rho of libsvm and
 * the signs arranged so that churn is positive; for the linear kernel
 * w = sum_i sv_coef[i] sv_i is derived once and f is computed as w.z + b.
 * Random Fourier features (kernel CHURN__K_RBF_APPROX, old files):
 * f = sum_i sv_coef[i] sqrt(2 / n_sv) cos(sv_i.z + phase[i]) + b, sv_i
 * the random directions, sv_coef the logistic weights. Owns every
 * array. */
typedef struct churn__kernel_model {
    size_t dim;
    double *w;            /* dim; NULL for a non-linear kernel */
    double b;
    churn__kernel kernel;
    double gamma;         /* the value used, never <= 0 for rbf/poly */
    int degree;
    size_t n_sv;
    double *sv;           /* n_sv x dim, row-major */
    double *sv_coef;      /* n_sv: alpha_i * y_i */
    double *phase;        /* n_sv, rbf-approx only */
} churn__kernel_model;

/* Frees what c owns and empties it; c itself is the caller's (svm.c). */
void churn__kernel_model_clear(churn__kernel_model *c);

/* L2 logistic regression of y on x (n x d) with fp's C and class
 * weights (across fp->comm's ranks): writes d weights to w and the
 * intercept to *b; *iterations (may be NULL) gets the Newton steps. */
int churn__logistic_weights(const churn__fit_params *fp, const double *x,
                            const double *y, size_t n, size_t d, double *w,
                            double *b, double *iterations, churn_error *err);

/* f = b + sum_k w[k] z[k], summed in k order (the fast batch path of
 * model.c repeats these very operations). */
double churn__linear_decision(const double *w, double b, size_t dim,
                              const double *z);
/* contrib[j] = sum of w[k] z[k] over the outputs k of input j. */
void churn__linear_contrib(const double *w, size_t dim, const double *z,
                           const size_t *out_input, size_t n_in,
                           double *contrib);

/* ------------------------------------------------------ the SVM part */

struct svm_model;

/* Fits an SVM with libsvm (its printing silenced once per process) and
 * copies the result into c. */
int churn__svm_fit(churn__kernel_model *c, const churn__fit_params *fp,
                   const double *z, const double *y, size_t n, size_t dim,
                   churn_error *err);
/* Copies a two-class libsvm C-SVC model over dim dense features into c,
 * with the signs arranged so that label positive_label decides positive.
 * Nothing of model is kept. */
int churn__svm_copy(churn__kernel_model *c, const struct svm_model *model,
                    size_t dim, int positive_label, churn_error *err);
/* Derives w (linear kernel) from the support vectors. */
int churn__svm_derive(churn__kernel_model *c, churn_error *err);
double churn__svm_kernel_decision(const churn__kernel_model *c,
                                  const double *z);
void churn__svm_contrib(const churn__kernel_model *c, const double *z,
                        const size_t *out_input, size_t n_in,
                        double *contrib, double *scratch);
const char *churn__kernel_name(churn__kernel k);
/* The search grid of a kernel family (see churn__family.grid): C from
 * c[0..n_c), and for rbf and rbf-approx gamma from scale[0..n_scale) / p
 * (C major). */
int churn__kernel_grid(const churn__fit_params *base, size_t i, size_t p,
                       const double *c, size_t n_c, const double *scale,
                       size_t n_scale, churn__fit_params *fp);
/* "rbf, C 1, gamma 0.05" (no gamma for linear or gamma <= 0). */
void churn__kernel_params(const churn__fit_params *fp, char *buf,
                          size_t size);

/* rbf-approx: the number of random features when none is asked for. */
#define CHURN__RFF_COMPONENTS 200

/* Fits random Fourier features (rbf-approx before Nystroem; old model
 * files hold them): fp->components of them
 * (directions N(0, 2 gamma I), phases U[0, 2 pi), GSL's mt19937 seeded
 * by fp->seed), then L2 logistic regression with fp->c on them. */
int churn__rff_fit(churn__kernel_model *c, const churn__fit_params *fp,
                   const double *z, const double *y, size_t n, size_t dim,
                   double *iterations, churn_error *err);
/* The random feature i of z: sqrt(2 / n_sv) cos(sv_i.z + phase[i]) from
 * the dot product s = sv_i.z. */
double churn__rff_feature(const churn__kernel_model *c, size_t i, double s);
/* f(z) of an rbf-approx classifier: the same bits as summing
 * sv_coef[i] churn__rff_feature(c, i, sv_i.z) in order, plus b, with the
 * cosines vectorized. Allocates nothing; thread-safe. */
double churn__rff_decision(const churn__kernel_model *c, const double *z);
/* The n_sv features of each of n rows z (n x dim) into phi (n x n_sv,
 * caller-owned), by one GEMM and a vectorized cosine. */
void churn__rff_features(const churn__kernel_model *c, const double *z,
                         size_t n, double *phi);
/* A feature map for churn__features_logistic_fit: the d features of each
 * of n rows z (n x dim) into phi (n x d, caller-owned). */
typedef void (*churn__features_fn)(const void *ctx, const double *z,
                                   size_t n, double *phi);
/* L2 logistic regression with fp->c (fp->balanced) on the d features
 * features(ctx, .) of z, never storing them all: blockwise Newton with a
 * sampled Hessian on many rows (rff.c). Weights into w (d) and *bias. */
int churn__features_logistic_fit(const churn__fit_params *fp,
                                 churn__features_fn features,
                                 const void *ctx, const double *z,
                                 const double *y, size_t n, size_t dim,
                                 size_t d, double *w, double *bias,
                                 double *iterations, churn_error *err);

/* rbf-approx (Nystroem): the landmarks when none are
 * asked for. */
#define CHURN__NYSTROEM_LANDMARKS 200
/* Fits rbf-approx: fp->components landmarks drawn without replacement
 * from z (GSL mt19937 seeded by fp->seed), the Nystroem features
 * W^{-1/2} k(L, z) with W = K(L, L) (eigenvalues below 1e-10 of the
 * largest dropped), L2 logistic regression on them, then the whitening
 * folded into the weights: c becomes an exact-form rbf kernel expansion
 * (kernel CHURN__K_RBF, sv = the landmarks, sv_coef = T w). */
int churn__nystroem_fit(churn__kernel_model *c, const churn__fit_params *fp,
                        const double *z, const double *y, size_t n,
                        size_t dim, double *iterations, churn_error *err);
/* The cosine the features use: within a few units in the last place of
 * libm's, faster, and vectorizable; the same bits on every machine. */
double churn__rff_cos(double x);

/* -------------------------------------------------------- calibration */

typedef enum churn__calib_kind {
    CHURN__CAL_NONE, CHURN__CAL_PLATT, CHURN__CAL_ISOTONIC
} churn__calib_kind;

/* Decision value f -> probability. none: 1 / (1 + exp(-f)); platt:
 * 1 / (1 + exp(a f + b)); isotonic: linear interpolation between the
 * breakpoints (x ascending, y non-decreasing), constant beyond them. */
typedef struct churn__calibration {
    churn__calib_kind kind;
    double a, b;
    size_t n;
    double *x, *y;
} churn__calibration;

double churn__calibrate(const churn__calibration *c, double f);

/* A decision value and its 0/1 label; churn__by_score orders them by
 * value, ascending, for qsort. */
typedef struct churn__scored {
    double f, y;
} churn__scored;
int churn__by_score(const void *p, const void *q);
void churn__calibration_clear(churn__calibration *c);
/* Fits kind on decision values f and 0/1 labels y (n rows). */
int churn__calibration_fit(churn__calibration *c, churn__calib_kind kind,
                           const double *f, const double *y, size_t n,
                           churn_error *err);
void churn__calibration_write(const churn__calibration *c, FILE *f);
int churn__calibration_read(churn__lines *r, churn__calibration *c,
                            churn_error *err);
const char *churn__calib_name(churn__calib_kind k);

#endif

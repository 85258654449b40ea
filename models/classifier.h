/* classifier.h - the classifiers behind one small interface (fit on the
 * pipeline's standardized matrix, decision values, per-input
 * contributions, model-file section, free) and the probability
 * calibration that follows them. Internal to models/. */
#ifndef CHURN_MODELS_CLASSIFIER_H
#define CHURN_MODELS_CLASSIFIER_H

#include "internal.h"

#include <stdio.h>

typedef enum churn__family { CHURN__LOGISTIC, CHURN__SVM } churn__family;

/* CHURN__K_RBF_APPROX is not a libsvm kernel: the --kernel rbf-approx
 * option, which now fits Nystroem landmarks into a CHURN__K_RBF
 * expansion (nystroem.c); fitted classifiers of this kind are the random
 * Fourier features followed by logistic regression of older model files
 * (rff.c). */
typedef enum churn__kernel {
    CHURN__K_LINEAR, CHURN__K_RBF, CHURN__K_POLY, CHURN__K_RBF_APPROX
} churn__kernel;

/* What a fit needs besides the data. */
typedef struct churn__fit_params {
    churn__family family;
    double c;             /* inverse regularization, > 0 */
    int balanced;         /* class weights n / (2 n_class) */
    churn__kernel kernel; /* SVM only */
    double gamma;         /* rbf/poly; <= 0 means 1 / n_features */
    int degree;           /* poly */
    size_t components;    /* rbf-approx: random features (0: default) */
    uint64_t seed;        /* rbf-approx: of the random features */
    const churn_comm *comm; /* logistic: fit across ranks (NULL: alone) */
} churn__fit_params;

/* A fitted classifier on standardized features z (dim of them). Its
 * decision value f(z) is a log-odds for logistic regression and a margin
 * for an SVM; larger means likelier to churn.
 * Logistic: f = w.z + b. SVM: f = sum_i sv_coef[i] K(sv_i, z) + b, with
 * b = -rho of libsvm and the signs arranged so that churn is positive;
 * for the linear kernel w = sum_i sv_coef[i] sv_i is derived once and f
 * is computed as w.z + b. rbf-approx: f = sum_i sv_coef[i]
 * sqrt(2 / n_sv) cos(sv_i.z + phase[i]) + b, sv_i the random directions,
 * sv_coef the logistic weights. Owns every array. */
typedef struct churn__classifier {
    churn__family family;
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
} churn__classifier;

/* Fits c on z (n x dim, row-major) and labels y (0/1). On success c owns
 * new arrays; on error c is left empty. CHURN_EINVAL, CHURN_ENUMERIC,
 * CHURN_ENOMEM. *iterations (may be NULL) gets Newton iterations or
 * libsvm's support vector count. */
int churn__classifier_fit(churn__classifier *c, const churn__fit_params *fp,
                          const double *z, const double *y, size_t n,
                          size_t dim, double *iterations, churn_error *err);

/* L2 logistic regression of y on x (n x d) with fp's C and class
 * weights: writes d weights to w and the intercept to *b. */
int churn__logistic_weights(const churn__fit_params *fp, const double *x,
                            const double *y, size_t n, size_t d, double *w,
                            double *b, double *iterations, churn_error *err);

/* Frees what c owns and empties it; c itself is the caller's. */
void churn__classifier_clear(churn__classifier *c);

/* f(z). Allocates nothing; thread-safe. */
double churn__classifier_decision(const churn__classifier *c,
                                  const double *z);

/* Per-input contributions to f(z): output k belongs to input
 * out_input[k] (n_in inputs). Linear models: the sum of w_k z_k over the
 * input's outputs. Kernel SVMs: f(z) - f(z with the input's outputs set
 * to 0, the training mean after standardization). contrib has n_in
 * entries; scratch has 3 * n_in. */
void churn__classifier_contrib(const churn__classifier *c, const double *z,
                               const size_t *out_input, size_t n_in,
                               double *contrib, double *scratch);

/* Writes the "classifier ..." section; names[k] names output k. */
void churn__classifier_write(const churn__classifier *c,
                             const char *const *names, FILE *f);
/* Reads the section written above for dim outputs named names[k]. */
int churn__classifier_read(churn__lines *r, churn__classifier *c,
                           size_t dim, const char *const *names,
                           churn_error *err);

/* ------------------------------------------------------ the SVM part */

struct svm_model;

/* Fits an SVM with libsvm (its printing silenced once per process) and
 * copies the result into c. */
int churn__svm_fit(churn__classifier *c, const churn__fit_params *fp,
                   const double *z, const double *y, size_t n, size_t dim,
                   churn_error *err);
/* Copies a two-class libsvm C-SVC model over dim dense features into c,
 * with the signs arranged so that label positive_label decides positive.
 * Nothing of model is kept. */
int churn__svm_copy(churn__classifier *c, const struct svm_model *model,
                    size_t dim, int positive_label, churn_error *err);
/* Derives w (linear kernel) from the support vectors. */
int churn__svm_derive(churn__classifier *c, churn_error *err);
double churn__svm_kernel_decision(const churn__classifier *c,
                                  const double *z);
void churn__svm_contrib(const churn__classifier *c, const double *z,
                        const size_t *out_input, size_t n_in,
                        double *contrib, double *scratch);
const char *churn__kernel_name(churn__kernel k);

/* rbf-approx: the number of random features when none is asked for. */
#define CHURN__RFF_COMPONENTS 200

/* Fits random Fourier features (rbf-approx before Nystroem; old model
 * files hold them): fp->components of them
 * (directions N(0, 2 gamma I), phases U[0, 2 pi), GSL's mt19937 seeded
 * by fp->seed), then L2 logistic regression with fp->c on them. */
int churn__rff_fit(churn__classifier *c, const churn__fit_params *fp,
                   const double *z, const double *y, size_t n, size_t dim,
                   double *iterations, churn_error *err);
/* The random feature i of z: sqrt(2 / n_sv) cos(sv_i.z + phase[i]) from
 * the dot product s = sv_i.z. */
double churn__rff_feature(const churn__classifier *c, size_t i, double s);
/* f(z) of an rbf-approx classifier: the same bits as summing
 * sv_coef[i] churn__rff_feature(c, i, sv_i.z) in order, plus b, with the
 * cosines vectorized. Allocates nothing; thread-safe. */
double churn__rff_decision(const churn__classifier *c, const double *z);
/* The n_sv features of each of n rows z (n x dim) into phi (n x n_sv,
 * caller-owned), by one GEMM and a vectorized cosine. */
void churn__rff_features(const churn__classifier *c, const double *z,
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
int churn__nystroem_fit(churn__classifier *c, const churn__fit_params *fp,
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

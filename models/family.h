/* family.h - the model families behind one table of operations, and the
 * registry that names them. Internal to models/.
 *
 * How to add a family (say "gbdt"): write models/family_gbdt.c defining
 * `const churn__family churn__family_gbdt` over a fitted-state struct of
 * its own (name, flags, what it asks of the pipeline, its C grid, the
 * figures it records, and fit / decision / contrib / linear / write /
 * read / free); its numeric core may sit in a file of its own (xgb.c).
 * Declare it below and list it in family.c's table. Its options become
 * fields of churn__fit_params, with public setters (train_opts.c, churn.h)
 * and churn-train flags; a new library goes into the Makefile. Training,
 * calibration, the model file (family line, "classifier <name>" section,
 * figures), scoring, reasons, importance, churn_model_metric,
 * churn_model_describe (churn-train's summary), the search ("auto" tries
 * every family of the registry by its grid) and the reports reach the
 * family through this table only. A family whose fit makes another family's state
 * (rbf-approx: an svm kernel expansion) sets stored_as and has only fit.
 * Measured: a gbdt adapter over xgb.c (about 120 lines, XGBoost's default
 * parameters) trained, saved, loaded and scored with TreeSHAP reasons
 * through churn-train and churn-score with one new file and one line
 * each in this header and family.c; family_gbdt.c is that family done
 * (options, the batch decisions and contribs that can fail, shap). */
#ifndef CHURN_MODELS_FAMILY_H
#define CHURN_MODELS_FAMILY_H

#include "ml/internal.h"
#include "ml/pipeline.h"
#include "models/xgb.h"

#include <stdio.h>

typedef struct churn__family churn__family;

/* CHURN__K_RBF_APPROX is not a libsvm kernel: `--model svm --kernel
 * rbf-approx` selects the rbf-approx family (churn__family_for); fitted
 * svm states of this kernel are the random Fourier features followed by
 * logistic regression of older model files (rff.c). */
typedef enum churn__kernel {
    CHURN__K_LINEAR, CHURN__K_RBF, CHURN__K_POLY, CHURN__K_RBF_APPROX
} churn__kernel;

/* What a fit needs besides the data: the family and every family's
 * options (a family reads the ones it takes). */
typedef struct churn__fit_params {
    const churn__family *family;
    double c;             /* inverse regularization, > 0 */
    int balanced;         /* class weights n / (2 n_class) */
    churn__kernel kernel; /* svm */
    double gamma;         /* rbf/poly/rbf-approx; <= 0: 1 / n_features */
    int degree;           /* poly */
    size_t components;    /* rbf-approx: landmarks (0: default) */
    uint64_t seed;        /* rbf-approx: of the landmarks; gbdt: XGBoost's
                           * and its early-stopping hold-out's */
    churn__xgb_params xgb; /* gbdt (its seed and scale_pos_weight are
                            * set from seed and balanced) */
    const churn_comm *comm; /* fit across ranks (NULL: alone); only for a
                             * family with a distributed fit */
    const double *days;   /* survival: per row, days to churn (NaN:
                           * censored); the rows of z */
    double horizon;       /* survival: the label horizon, days */
} churn__fit_params;

/* A figure a family records when it fits: one name, one meaning. It is
 * shown as before, the value (%.*g with digits, or a whole number when
 * digits is 0), after. compat_iterations: the figure that model files
 * before named "iterations". */
typedef struct churn__figure {
    const char *name;
    const char *before, *after;
    int digits;
    int compat_iterations;
} churn__figure;

#define CHURN__MAX_FIGURES 8

/* A family: its name (the one place it is spelled) and operations over
 * its own fitted state (void *, owned by whoever fitted or read it).
 * Every operation except fit only reads the state and is thread-safe. */
struct churn__family {
    const char *name;
    /* The family whose state the fit makes (NULL: this one): rbf-approx
     * fits an rbf kernel expansion, stored and scored as an svm. */
    const churn__family *stored_as;
    int distributed;   /* fit honours fp->comm (collective) */
    int margin;        /* decision values are margins, not log-odds:
                        * Platt calibration by default */
    int kernels;       /* takes the kernel, gamma and degree options */
    int shap;          /* contributions are exact Shapley values
                        * (TreeSHAP): reports show their mean |value| */
    int timed;         /* fits churned and days_to_churn (fp->days,
                        * fp->horizon): it answers "when", so "auto",
                        * which compares classifiers, never tries it */
    /* What the pipeline does for it: today's families impute and
     * standardize ({0, 1}); a tree model would keep NaN and raw scales
     * ({1, 0}). One-hot encoding is always done. */
    churn__pipeline_opts prep;
    const double *c_grid; /* the search's values of C */
    size_t n_c_grid;
    /* The search's grid point i (class weights aside, search.c tries
     * those): writes base with the point's parameters set to *fp and
     * returns 1, or 0 when i is past the last point; p is the number of
     * pipeline outputs (kernel widths are multiples of 1 / p). NULL: the
     * points are the values of c_grid (none: base alone). */
    int (*grid)(const churn__fit_params *base, size_t i, size_t p,
                churn__fit_params *fp);
    /* The parameters the grid sets, for people ("C 1, gamma 0.05");
     * NULL: "C <c>" with a c_grid, else nothing. */
    void (*params)(const churn__fit_params *fp, char *buf, size_t size);
    const churn__figure *const *figures; /* what fit records, in order */
    size_t n_figures;
    /* Fits on z (n x dim standardized outputs, row-major) and 0/1 labels
     * y; *state gets a new state; figures (n_figures, may be NULL) gets
     * the figures. On error *state is NULL. */
    int (*fit)(void **state, const churn__fit_params *fp, const double *z,
               const double *y, size_t n, size_t dim, double *figures,
               churn_error *err);
    /* f(z): larger means likelier to churn. Allocates nothing. */
    double (*decision)(const void *state, const double *z);
    /* Optional (NULL: decision row by row): f of n rows of z (n x dim)
     * into out, for a family whose per-row call is slow or can fail
     * (gbdt: XGBoost's batch prediction; an input beyond float's range).
     * The same bits as decision on each row. May allocate. */
    int (*decisions)(const void *state, const double *z, size_t n,
                     double *out, churn_error *err);
    /* Per-input contributions to f(z): output k belongs to input
     * out_input[k]; contrib has n_in entries, scratch 3 * n_in + dim + 1
     * (room for per-output contributions and a bias, as TreeSHAP
     * gives them). Allocates nothing. */
    void (*contrib)(const void *state, const double *z,
                    const size_t *out_input, size_t n_in, double *contrib,
                    double *scratch);
    /* Optional (NULL: contrib row by row): the contributions of n rows
     * of z (n x dim) into contrib (n x n_in), for a family whose per-row
     * call is slow or can fail (gbdt: one TreeSHAP call per block). The
     * same values as contrib on each row. May allocate. */
    int (*contribs)(const void *state, const double *z, size_t n,
                    const size_t *out_input, size_t n_in, double *contrib,
                    churn_error *err);
    /* The weights w (dim) when f(z) = w.z + b exactly, *b set; else NULL.
     * For batch scoring and coefficient importance. */
    const double *(*linear)(const void *state, double *b);
    /* The "classifier" section of the model file, lines after its first
     * ("classifier <name> <dim>", written and checked by family.c) up to
     * "end classifier"; names[k] names output k. */
    void (*write)(const void *state, const char *const *names, FILE *f);
    int (*read)(churn__lines *r, void **state, size_t dim,
                const char *const *names, churn_error *err);
    void (*free)(void *state);
};

extern const churn__family churn__family_logistic;
extern const churn__family churn__family_svm;
extern const churn__family churn__family_rbf_approx;
extern const churn__family churn__family_gbdt;
extern const churn__family churn__family_survival;

/* Figures more than one family records (figures.c). */
extern const churn__figure churn__figure_c, churn__figure_gamma,
    churn__figure_newton_iterations;

/* The registry's family i (searches and listings follow this order),
 * NULL past the last. */
const churn__family *churn__family_at(size_t i);
/* The family named name, or NULL. */
const churn__family *churn__family_find(const char *name);
/* The family a request for f with kernel k fits: rbf-approx for an svm
 * with the rbf-approx kernel, else f. */
const churn__family *churn__family_for(const churn__family *f,
                                       churn__kernel k);
/* The family whose state f's fit makes. */
const churn__family *churn__family_stored(const churn__family *f);
/* The figure named name of any family (or the old "iterations"), NULL
 * when none: the model file's reader keeps figures by these. */
const churn__figure *churn__figure_find(const char *name);

/* A fitted classifier: a family and its state. */
typedef struct churn__classifier {
    const churn__family *family;
    void *state;
} churn__classifier;

/* Fits fp->family; c->family becomes the family whose state it is. On
 * error c is empty. figures as for fit. CHURN_EINVAL, CHURN_ENUMERIC,
 * CHURN_ENOMEM. */
int churn__classifier_fit(churn__classifier *c, const churn__fit_params *fp,
                          const double *z, const double *y, size_t n,
                          size_t dim, double *figures, churn_error *err);
/* Frees what c owns and empties it; c itself is the caller's. */
void churn__classifier_clear(churn__classifier *c);
double churn__classifier_decision(const churn__classifier *c,
                                  const double *z);
/* f of n rows of z (n x dim) into out, through the family's decisions
 * when it has them. CHURN_EINVAL, CHURN_ENUMERIC, CHURN_ENOMEM. */
int churn__classifier_decisions(const churn__classifier *c, const double *z,
                                size_t n, size_t dim, double *out,
                                churn_error *err);
void churn__classifier_contrib(const churn__classifier *c, const double *z,
                               const size_t *out_input, size_t n_in,
                               double *contrib, double *scratch);
/* contrib (n x n_in) for n rows of z (n x dim), through the family's
 * contribs when it has them. CHURN_ENUMERIC, CHURN_ENOMEM. */
int churn__classifier_contribs(const churn__classifier *c, const double *z,
                               size_t n, size_t dim, const size_t *out_input,
                               size_t n_in, double *contrib,
                               churn_error *err);
/* See the linear operation; NULL for an empty c. */
const double *churn__classifier_linear(const churn__classifier *c,
                                       double *b);
/* Writes the whole "classifier <family> <dim>" section. */
void churn__classifier_write(const churn__classifier *c, size_t dim,
                             const char *const *names, FILE *f);
/* Reads that section for dim outputs named names[k]; c->family is the
 * family the section names. */
int churn__classifier_read(churn__lines *r, churn__classifier *c,
                           size_t dim, const char *const *names,
                           churn_error *err);

/* Lines more than one family's section holds (modelfile_lines.c, below
 * the families and this registry). */

/* Reads the line "key <finite double>" whole: for the families' readers. */
int churn__lines_number(churn__lines *r, const char *key, double *out,
                        churn_error *err);
/* The lines "coef <name> <weight>" of a linear part, one per output named
 * names[k], written and read (a name out of place is CHURN_EFORMAT). */
void churn__coefs_write(const double *w, size_t dim,
                        const char *const *names, FILE *f);
int churn__coefs_read(churn__lines *r, double *w, size_t dim,
                      const char *const *names, churn_error *err);

#endif

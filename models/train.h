/* train.h - internals of training shared by train.c, train_opts.c and
 * search.c: the training options, out-of-fold decision values, the grid
 * search and calibration. */
#ifndef CHURN_MODELS_TRAIN_H
#define CHURN_MODELS_TRAIN_H

#include "models/classifier.h"
#include "ml/eval.h"

/* Folds for the search and for calibration: customer-grouped and
 * stratified (churn__cv_folds), few so that kernel SVMs stay fast. */
#define CHURN__SEARCH_FOLDS 3

/* What the search judges grid points by. */
typedef enum churn__metric_kind {
    CHURN__METRIC_AUC, CHURN__METRIC_LOGLOSS, CHURN__METRIC_PR_AUC
} churn__metric_kind;

/* How a grid search runs and what it found. */
typedef struct churn__search {
    churn__metric_kind metric;
    churn_search_fn report;  /* one call per grid point; may be NULL */
    void *report_user;
    churn_progress_fn progress; /* "searching", grid points done */
    void *progress_user;
    uint64_t done, total;    /* grid points so far, in all */
    uint64_t seed;           /* of the folds */
    churn_search_weight_fn report_weighted; /* as report, with the weight */
    void *report_weighted_user;
    /* Class weight "auto": the grid tries both weights for a family whose
     * probabilities are calibrated after the fit (churn__auto_balanced),
     * else the base point's. calibration is the option (-1: default). */
    int weight_auto;
    int calibration;
    double best_metric;      /* out: the winner's cross-validated metric */
    double deadline;         /* CLOCK_MONOTONIC seconds after which no
                              * candidate or fold starts, once one
                              * candidate is done; 0: none */
    size_t max_rows;         /* search on a sample above this (0: all) */
    churn__board board;      /* out: the leaderboard (the caller clears) */
} churn__search;

/* CLOCK_MONOTONIC in seconds. */
double churn__now(void);

/* The calibration that follows a fit with fp: the option requested (a
 * churn__calib_kind), or with -1 the family's default: Platt for an SVM
 * margin, none for logistic and rbf-approx (already log-odds). */
churn__calib_kind churn__calibration_for(int requested,
                                         const churn__fit_params *fp);

/* Class weight "auto": balanced (1) when a calibration follows the fit,
 * which then maps the weighted margins back to probabilities; none (0)
 * otherwise, since an uncalibrated logistic fit gives calibrated
 * probabilities only unweighted. */
int churn__auto_balanced(int requested_calibration,
                         const churn__fit_params *fp);

/* Decision values of rows[0..n) (z: n x p standardized, y: 0/1), each
 * from a classifier fitted with fp on the other folds. f_out has n. */
int churn__out_of_fold(const churn__fit_params *fp, const double *z,
                       const double *y, size_t n, size_t p,
                       const size_t *fold, size_t k, double *f_out,
                       churn_error *err);

/* Cross-validates the grid of fp->family (with all_families, of every
 * family of the registry, svm with fp's kernel) on rows[0..n) of ds, or
 * on a sample of sr->max_rows of them, and writes the best candidate to
 * *fp: the highest mean metric over the folds; an exact tie keeps the
 * earlier candidate (families in the registry's order, simplest first).
 * Each fold's rows go through a pipeline fitted on the other folds'
 * rows, as the family asks (churn__family.prep). Fills sr->board. */
int churn__search_run(churn__search *sr, const churn_dataset *ds,
                      const size_t *rows, size_t n, int all_families,
                      churn__fit_params *fp, churn_error *err);

/* Fits calibration kind on out-of-fold decision values of fp's
 * classifier (CHURN__SEARCH_FOLDS folds, seeded by sr->seed). */
int churn__calibration_fit_cv(const churn__search *sr,
                              const churn_dataset *ds, const size_t *rows,
                              const double *z, const double *y, size_t n,
                              size_t p, const churn__fit_params *fp,
                              churn__calib_kind kind, churn__calibration *cal,
                              churn_error *err);

/* What churn_train_opts holds (train_opts.c sets it, train.c reads it). */
struct churn_train_opts {
    char family[16];
    double c;
    int balanced; /* 1, 0, or -1: "auto" (churn__auto_balanced) */
    churn__kernel kernel;
    double gamma;
    int degree;
    size_t components; /* rbf-approx random features; 0: the default */
    churn__xgb_params xgb; /* gbdt */
    int calibration;  /* a churn__calib_kind, or -1: the family's default */
    int search;
    churn__metric_kind metric;
    size_t max_rows;
    churn_search_fn search_fn;
    void *search_user;
    churn_search_weight_fn search_weight_fn;
    void *search_weight_user;
    char *label_positive; /* recorded in the model; NULL: none given */
    double validation;
    int refit;
    uint64_t seed;
    churn_progress_fn progress;
    void *progress_user;
    churn_comm comm; /* size 0: this process alone */
    double horizon;  /* survival: label horizon in days; 0 = not given */
    double time_budget; /* seconds of search; 0: none */
    size_t search_rows; /* the search's sample above this many rows */
};

/* The family the options fit; NULL for "auto" (a search picks it). */
const churn__family *churn__train_family(const churn_train_opts *o);

/* What a fit across ranks supports (see churn_train_opts_set_comm): the
 * one list, which churn_train and the tools' checks share. who opens the
 * message ("training across 4 ranks"). */
int churn__train_check_distributed(const churn_train_opts *o,
                                   const char *who, churn_error *err);

/* The seed of o (churn_train_opts_set_seed), for the report's training
 * setup; 0 for NULL. */
uint64_t churn__train_opts_seed(const churn_train_opts *o);

/* The gbdt options inside o (NULL for NULL): train_gbdt.c's setters. */
churn__xgb_params *churn__train_opts_xgb(churn_train_opts *o);

#endif

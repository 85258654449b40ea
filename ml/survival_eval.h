/* survival_eval.h - internals of the survival evaluation shared by
 * ml/km.c, ml/survival_eval.c and the report writers (eval_json.c,
 * eval_html_survival.c). docs/SURVIVAL_EVAL.md defines every figure. */
#ifndef CHURN_ML_SURVIVAL_EVAL_H
#define CHURN_ML_SURVIVAL_EVAL_H

#include "ml/internal.h"

/* A step function of time: value[i] holds on [time[i], time[i + 1]);
 * before time[0] it is 1. Times strictly increase. */
typedef struct churn__steps {
    size_t n;
    double *time, *value;
    double *at_risk, *events;  /* per step: rows at risk, steps counted */
    double *var;               /* Greenwood variance (forward KM only) */
    double end;                /* the largest time of the rows fitted */
} churn__steps;

/* Rows idx[0..n) (0..n when idx is NULL) ordered by key ascending, equal
 * keys by row; malloc'd, NULL when out of memory. */
size_t *churn__order_by(const double *key, const size_t *idx, size_t n);

/* The Kaplan-Meier curve of rows idx[0..n) (all rows when idx is NULL).
 * reverse = 0: survival S, steps at event times; reverse = 1: the
 * censoring distribution G, steps at censoring times, a censoring on the
 * day of an event counted after it (at risk = rows at risk - events).
 * 0 on success, -1 out of memory. */
int churn__km_steps(const double *time, const double *event,
                    const size_t *idx, size_t n, int reverse,
                    churn__steps *out);
/* The same for rows order[0..n), already ordered by time. */
int churn__km_ordered(const double *time, const double *event,
                      const size_t *order, size_t n, int reverse,
                      churn__steps *out);
void churn__steps_free(churn__steps *s);
/* The value at t (right-continuous) and just before t (left limit). */
double churn__steps_at(const churn__steps *s, double t);
double churn__steps_before(const churn__steps *s, double t);

#define CHURN__SURV_GROUPS 10

/* Per horizon h: the figures and the calibration by decile of P(h). */
typedef struct churn__surv_horizon {
    double horizon;
    double td_auc, brier, km_churn, mean_predicted, calibration_error;
    double cases, controls;
    size_t cal_rows[CHURN__SURV_GROUPS];
    double cal_mean[CHURN__SURV_GROUPS], cal_observed[CHURN__SURV_GROUPS];
} churn__surv_horizon;

/* A risk tier's Kaplan-Meier curve. */
typedef struct churn__surv_tier {
    char *name;
    size_t rows, events;
    churn__steps km;
} churn__surv_tier;

struct churn_survival_eval {
    size_t n, events;
    double c_index, comparable, concordant, tied_risk;
    size_t k;
    churn__surv_horizon *h;
    churn__steps km;           /* everyone */
    size_t n_tiers;
    churn__surv_tier *tier;
};

/* The survival section of the HTML page (eval_html_survival.c). */
void churn__eval_html_survival(FILE *f, const churn_survival_eval *s);

#endif

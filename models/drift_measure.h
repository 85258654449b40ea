/* drift_measure.h - what a churn_drift holds, shared by the files that
 * measure it and write it (JSON, the evaluation report). Not installed. */
#ifndef CHURN_MODELS_DRIFT_MEASURE_H
#define CHURN_MODELS_DRIFT_MEASURE_H

#include "models/drift.h"

/* One input (or the score): its reference bins, copied so that the drift
 * outlives the model, the training and new counts per bin (bins as in
 * churn__drift_col: ranges or levels, unknown, missing) and the PSI. */
typedef struct churn__drift_item {
    char *name;
    churn__drift_col col;   /* the bins; col.count = actual */
    char **levels;          /* categorical: col.n_bins level texts */
    double *expected, *actual;
    double expected_total;  /* the rows of its reference: the score's
                               is a sample, so not the drift's rows */
    double psi;
} churn__drift_item;

struct churn_drift {
    size_t rows;
    double reference_rows;
    size_t n_inputs;
    churn__drift_item *item;  /* n_inputs + 1: the score last */
    size_t *order;            /* rank -> input, PSI descending */
};

#endif

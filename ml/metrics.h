/* metrics.h - ml/'s model-quality metrics on scores and 0/1 labels.
 * Internal for now (churn__ names); a public API comes later. */
#ifndef CHURN_ML_METRICS_H
#define CHURN_ML_METRICS_H

#include "ml/internal.h"

/* In every metric a label is positive when > 0 and negative otherwise
 * (0/1, or libsvm's -1/+1); rows whose label is NaN are skipped. */

/* ROC AUC of score[0..n) against label[0..n): the probability that a
 * random positive scores above a random negative, ties counting 1/2 (the
 * Mann-Whitney statistic, as scikit-learn's roc_auc_score). A NaN score
 * ranks below every number. O(n log n); allocates a scratch index.
 * *out is NaN when a class is absent (CHURN_OK) or memory runs out
 * (CHURN_ENOMEM): the status keeps an allocation failure from being taken
 * for a metric. */
int churn__auc(const double *score, const double *label, size_t n,
               double *out);

/* Average precision (the area under the precision-recall curve as
 * scikit-learn's average_precision_score sums it): over thresholds from
 * the highest score down, equal scores together, the recall gained times
 * the precision there. *out and the status as churn__auc's. */
int churn__pr_auc(const double *score, const double *label, size_t n,
                  double *out);

/* Mean log loss -[y ln p + (1 - y) ln(1 - p)] of probabilities, each
 * clipped to [1e-15, 1 - 1e-15] first. NaN when no row has a label. */
double churn__log_loss(const double *prob, const double *label, size_t n);

/* Brier score: the mean of (p - y)^2. NaN when no row has a label. */
double churn__brier(const double *prob, const double *label, size_t n);

#endif /* CHURN_ML_METRICS_H */

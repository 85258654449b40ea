/* segment.h - features/'s internals for retention analytics: segment
 * options, the RFM rule table and the health components. */
#ifndef CHURN_FEATURES_SEGMENT_H
#define CHURN_FEATURES_SEGMENT_H

#include "ml/internal.h"

/* Health components (order = churn_health_component order). */
#define CHURN__HEALTH_N 7

/* Longest segment name in a rules file, in bytes. */
#define CHURN__SEGMENT_NAME_MAX 63

/* One RFM rule: a segment name and an inclusive score range per letter. */
typedef struct churn__rfm_rule {
    char name[CHURN__SEGMENT_NAME_MAX + 1];
    int lo[3], hi[3];   /* R, F, M */
} churn__rfm_rule;

struct churn_segment_opts {
    char *rfm_columns[3];       /* R, F, M */
    churn__rfm_rule *rules;
    size_t n_rules;
    double new_days, dormant_days, lost_days;
    double weights[CHURN__HEALTH_N];
    double tier_healthy, tier_watch;
};

/* The default weight of component k (they add up to 100). */
double churn__health_default_weight(size_t k);
/* Finds the input column of every component in ds; CHURN_EFORMAT naming
 * the first one missing. */
int churn__health_columns(const churn_dataset *ds, size_t *cols,
                          churn_error *err);
/* The health score of row i and the points of each component (they add
 * up to the score) into points[CHURN__HEALTH_N]. */
double churn__health_score(const churn_segment_opts *o,
                           const churn_dataset *ds, size_t i,
                           const size_t *cols, double *points);
/* The tier names, best first, and the tier of a score (an index). */
extern const char *const churn__health_tiers[3];
size_t churn__health_tier(const churn_segment_opts *o, double score);

#endif /* CHURN_FEATURES_SEGMENT_H */

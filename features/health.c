/* health.c - the customer health score: components mapped to points by
 * documented ranges, weighted to 0-100, and its tiers. */
#include "features/segment.h"

#include <math.h>
#include <string.h>

#define STEPS_MAX 4

/* A component reads one feature column and maps it to a fraction 0..1:
 * the first step whose threshold the value reaches (>= threshold when
 * higher is better, <= when lower is) gives its fraction; no step: 0.
 * A missing value gets if_missing. */
typedef struct component {
    const char *name;
    const char *column;
    int higher_is_better;
    double default_weight;
    double if_missing;
    size_t n_steps;
    double threshold[STEPS_MAX];
    double fraction[STEPS_MAX];
} component;

/* The defaults of README.md ("Health score"); weights add up to 100.
 * Satisfaction ranges assume scores on a 0-10 scale. */
static const component components[CHURN__HEALTH_N] = {
    {"activity", "activity_30d", 1, 25, 0, 4,
     {20, 10, 4, 1}, {1, 0.75, 0.5, 0.25}},
    /* Missing trend = no activity in 60 days: nothing to be glad of. */
    {"activity_trend", "activity_trend", 1, 15, 0, 3,
     {0.1, -0.1, -0.5}, {1, 0.75, 0.4}},
    {"recency", "recency_activity_days", 0, 20, 0, 4,
     {7, 14, 30, 60}, {1, 0.75, 0.5, 0.25}},
    {"tickets", "tickets_unresolved", 0, 15, 1, 2, {0, 1}, {1, 0.5}},
    /* No survey answered: neither good nor bad news. */
    {"satisfaction", "satisfaction_last", 1, 15, 0.5, 3,
     {8, 7, 5}, {1, 0.75, 0.4}},
    {"satisfaction_trend", "satisfaction_trend", 1, 5, 0.5, 2,
     {0, -0.25}, {1, 0.5}},
    /* Data without purchases says nothing about payments. */
    {"payment_recency", "recency_purchase_days", 0, 5, 0.5, 2,
     {35, 65}, {1, 0.5}},
};

const char *const churn__health_tiers[3] = {"healthy", "watch", "at_risk"};

size_t churn_health_n_components(void) { return CHURN__HEALTH_N; }

const char *churn_health_component(size_t k)
{
    return k < CHURN__HEALTH_N ? components[k].name : NULL;
}

double churn__health_default_weight(size_t k)
{
    return components[k].default_weight;
}

int churn__health_columns(const churn_dataset *ds, size_t *cols,
                          churn_error *err)
{
    for (size_t k = 0; k < CHURN__HEALTH_N; k++) {
        cols[k] = churn_dataset_column_index(ds, components[k].column);
        if (cols[k] == (size_t)-1)
            return churn__fail(err, CHURN_EFORMAT,
                               "the health component '%s' needs the column "
                               "'%s', which the features do not have",
                               components[k].name, components[k].column);
    }
    return CHURN_OK;
}

static double fraction(const component *c, double v)
{
    if (isnan(v))
        return c->if_missing;
    for (size_t s = 0; s < c->n_steps; s++)
        if (c->higher_is_better ? v >= c->threshold[s]
                                : v <= c->threshold[s])
            return c->fraction[s];
    return 0;
}

double churn__health_score(const churn_segment_opts *o,
                           const churn_dataset *ds, size_t i,
                           const size_t *cols, double *points)
{
    double total_weight = 0, score = 0;
    for (size_t k = 0; k < CHURN__HEALTH_N; k++)
        total_weight += o->weights[k];
    /* Points, not fractions, are what the breakdown shows: scaling each
     * weight to a total of 100 keeps the score 0-100 whatever the user's
     * weights add up to, and the score is their sum exactly. */
    for (size_t k = 0; k < CHURN__HEALTH_N; k++) {
        double v = churn_dataset_value(ds, i, cols[k]);
        points[k] = 100.0 * o->weights[k] / total_weight *
                    fraction(&components[k], v);
        score += points[k];
    }
    return score;
}

size_t churn__health_tier(const churn_segment_opts *o, double score)
{
    if (score >= o->tier_healthy)
        return 0;
    return score >= o->tier_watch ? 1 : 2;
}

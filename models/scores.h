/* scores.h - the ranked scoring result, shared by score.c (ranking, tiers,
 * reasons, output) and score_change.c (comparison with a previous run). */
#ifndef CHURN_MODELS_SCORES_H
#define CHURN_MODELS_SCORES_H

#include "model.h"

typedef struct ranked {
    size_t row;
    double prob;
} ranked;

struct churn_scores {
    size_t n;
    ranked *order;          /* by probability, highest first */
    const char **tiers;     /* per rank; static strings */
    char **ids;             /* per rank, into id_text */
    char *id_text;          /* the ids, NUL-terminated, in rank order */
    size_t *reason_off;     /* per rank, into text */
    char *text;
    size_t text_len, text_cap;
    /* After churn_scores_compare; NULL before. Per rank: */
    double *prev_prob;      /* NaN = not in the previous run */
    const char **prev_tier; /* static strings; NULL = not there */
    int only_escalated;     /* write only customers who moved up a tier */
    size_t n_threads;       /* for formatting the file; at least 1 */
};

#endif

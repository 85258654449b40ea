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
    /* Rows scored to make s (more than n with a top), and those of them
     * in the high tier. */
    size_t n_scored, n_high;
};

/* Highest probability first; equal ones keep input order (a total order:
 * row numbers differ). */
int churn__by_risk(const void *a, const void *b);

/* all[i] = {i, the probability of row i of ds}, as churn_model_predict
 * gives it, for every row, in n_threads threads. On error (its, or out
 * of memory) err says why. */
int churn__score_probabilities(const churn_model *m, const churn_dataset *ds,
                               const churn__binding *bind, size_t n_threads,
                               ranked *all, churn_error *err);

/* Puts the rows of all (n of them) in risk order, or, when top is not 0
 * and below n, only the top highest-risk ones at its start, in that
 * order; the others follow in no order. Returns how many are ranked:
 * n or top. */
size_t churn__rank_rows(ranked *all, size_t n, size_t top, size_t n_threads);

#endif

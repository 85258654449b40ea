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
    /* churn_scores_add_column: more columns, written after reasons. */
    size_t n_columns;
    char **column_name;     /* n_columns, owned */
    double *column;         /* n_columns x n, per rank; NaN = empty */
};

/* score_columns.c: frees the added columns; writes their header fields
 * (",name...") and rank r's cells (",value..."). */
void churn__scores_free_columns(churn_scores *s);
void churn__scores_columns_header(const churn_scores *s, FILE *f);
void churn__scores_columns_row(const churn_scores *s, FILE *f, size_t r);

#endif

/* score_change.c - what changed since the last scoring run: each customer's
 * change in probability and tier, and the early-warning flag for those who
 * moved into a higher-risk tier. */
#include "models/scores.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const tier_names[] = {"low", "medium", "high"};

/* 0, 1, 2 for low, medium, high; -1 for anything else. */
static int tier_level(const char *tier)
{
    for (int k = 0; k < 3; k++)
        if (tier && strcmp(tier, tier_names[k]) == 0)
            return k;
    return -1;
}

/* Reads the previous ranking's probability and tier columns. */
static int read_previous(const char *path, churn_dataset **out,
                         size_t *prob_col, size_t *tier_col,
                         churn_error *err)
{
    churn_csv_opts *o = churn_csv_opts_new();
    if (!o)
        return churn__fail_nomem(err);
    int rc = churn_csv_opts_set_id_column(o, "customer_id");
    /* A customer ranked twice, or a probability that is not a number,
     * is an error at its place, not a silent pick or a column read as
     * categorical. */
    if (rc == CHURN_OK)
        rc = churn_csv_opts_set_unique_ids(o, 1);
    if (rc == CHURN_OK)
        rc = churn_csv_opts_add_numeric(o, "probability");
    if (rc == CHURN_OK)
        rc = churn_dataset_read_csv(path, o, out, err);
    churn_csv_opts_free(o);
    if (rc != CHURN_OK)
        return rc;
    *prob_col = churn_dataset_column_index(*out, "probability");
    *tier_col = churn_dataset_column_index(*out, "tier");
    if (*prob_col == (size_t)-1 ||
        churn_dataset_column_kind(*out, *prob_col) != CHURN_NUMERIC)
        rc = churn__fail_at(err, CHURN_EFORMAT, path, 1, 0,
                            "no numeric 'probability' column: not a ranking "
                            "written by churn-score");
    else if (*tier_col == (size_t)-1 ||
             churn_dataset_column_kind(*out, *tier_col) != CHURN_CATEGORICAL)
        rc = churn__fail_at(err, CHURN_EFORMAT, path, 1, 0,
                            "no 'tier' column: not a ranking written by "
                            "churn-score");
    if (rc != CHURN_OK) {
        churn_dataset_free(*out);
        *out = NULL;
    }
    return rc;
}

int churn_scores_compare(churn_scores *s, const char *previous_csv,
                         churn_error *err)
{
    if (!s || !previous_csv)
        return churn__fail(err, CHURN_EINVAL, "compare: null argument");
    churn_dataset *prev = NULL;
    size_t prob_col = 0, tier_col = 0;
    int rc = read_previous(previous_csv, &prev, &prob_col, &tier_col, err);
    if (rc != CHURN_OK)
        return rc;
    churn__strmap *ids = churn__strmap_new();
    double *prob = malloc((s->n ? s->n : 1) * sizeof *prob);
    const char **tier = malloc((s->n ? s->n : 1) * sizeof *tier);
    if (!ids || !prob || !tier) {
        rc = churn__fail_nomem(err);
        goto done;
    }
    size_t n_prev = churn_dataset_n_rows(prev);
    for (size_t i = 0; i < n_prev && rc == CHURN_OK; i++) {
        const char *id = churn_dataset_id(prev, i);
        size_t idx;
        if (churn__strmap_intern(ids, id, strlen(id), &idx, NULL))
            rc = churn__fail_nomem(err);
    }
    for (size_t r = 0; r < s->n && rc == CHURN_OK; r++) {
        size_t i = churn__strmap_find(ids, s->ids[r], strlen(s->ids[r]));
        prob[r] = NAN;
        tier[r] = NULL;
        if (i == (size_t)-1)
            continue;
        double t = churn_dataset_value(prev, i, tier_col);
        int level = isnan(t) ? -1
                             : tier_level(churn_dataset_level(prev, tier_col,
                                                              (size_t)t));
        prob[r] = churn_dataset_value(prev, i, prob_col);
        tier[r] = level < 0 ? NULL : tier_names[level];
    }
    if (rc == CHURN_OK) {
        free(s->prev_prob);
        free(s->prev_tier);
        s->prev_prob = prob;
        s->prev_tier = tier;
        prob = NULL;
        tier = NULL;
    }
done:
    churn__strmap_free(ids);
    churn_dataset_free(prev);
    free(prob);
    free(tier);
    return rc;
}

double churn_scores_previous_probability(const churn_scores *s, size_t r)
{
    return s->prev_prob && r < s->n ? s->prev_prob[r] : NAN;
}

const char *churn_scores_previous_tier(const churn_scores *s, size_t r)
{
    return s->prev_tier && r < s->n ? s->prev_tier[r] : NULL;
}

int churn_scores_escalated(const churn_scores *s, size_t r)
{
    if (!s->prev_tier || r >= s->n || !s->prev_tier[r])
        return 0;
    return tier_level(s->tiers[r]) > tier_level(s->prev_tier[r]);
}

size_t churn_scores_n_escalated(const churn_scores *s)
{
    size_t n = 0;
    for (size_t r = 0; r < s->n; r++)
        n += (size_t)churn_scores_escalated(s, r);
    return n;
}

void churn_scores_only_escalated(churn_scores *s, int on)
{
    if (s)
        s->only_escalated = on != 0;
}

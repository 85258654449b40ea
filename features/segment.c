/* segment.c - churn_segment: RFM quintile scores and segments, lifecycle
 * stages and health scores for every row of a features dataset; rows with
 * a cancel_date are lifecycle lost and not scored. */
#include "features/segment.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const stages[4] = {"new", "active", "dormant", "lost"};

/* Output columns before the health components. */
enum {
    COL_R, COL_F, COL_M, COL_CODE, COL_SEGMENT, COL_STAGE, COL_HEALTH,
    COL_TIER, N_FIXED
};

typedef struct keyed {
    double key;
    size_t row;
} keyed;

static int by_key(const void *a, const void *b)
{
    double x = ((const keyed *)a)->key, y = ((const keyed *)b)->key;
    return (x > y) - (x < y);
}

/* Scores column j of ds 1-5 into score[0..rows) for the rows that are
 * not cancelled (cancelled[i] = 0; the others get NaN): they are ranked
 * from worst to best (missing values are the worst), tied values share
 * their mean rank r (1-based), and the score is 1 + floor(5 (r - 1/2) /
 * n), at most 5, n = the rows ranked: the quintile of the mid-rank
 * percentile. Ties therefore never split across scores, and a column
 * where all values are equal scores 3. */
static void quintiles(const churn_dataset *ds, size_t j,
                      int higher_is_better, const unsigned char *cancelled,
                      keyed *work, double *score)
{
    size_t n = 0;
    for (size_t i = 0; i < churn_dataset_n_rows(ds); i++) {
        double v = churn_dataset_value(ds, i, j);
        score[i] = NAN;
        if (cancelled[i])
            continue;
        work[n].row = i;
        work[n++].key = isnan(v) ? -INFINITY : higher_is_better ? v : -v;
    }
    qsort(work, n, sizeof *work, by_key);
    for (size_t a = 0, b; a < n; a = b) {
        for (b = a + 1; b < n && work[b].key == work[a].key; b++)
            ;
        double rank = (double)(a + 1 + b) / 2.0;
        double s = 1.0 + floor(5.0 * (rank - 0.5) / (double)n);
        for (size_t i = a; i < b; i++)
            score[work[i].row] = s > 5 ? 5 : s;
    }
}

/* The index of the first rule matching the scores; n_rules = "other". */
static size_t match_rule(const churn_segment_opts *o, const double *rfm)
{
    size_t r = 0;
    for (; r < o->n_rules; r++) {
        const churn__rfm_rule *u = &o->rules[r];
        int ok = 1;
        for (size_t j = 0; j < 3; j++)
            ok &= rfm[j] >= u->lo[j] && rfm[j] <= u->hi[j];
        if (ok)
            break;
    }
    return r;
}

/* Lifecycle stage of a customer: lost when inactive for lost_days or more,
 * else new while tenure < new_days, else dormant when inactive for
 * dormant_days or more, else active. Without any activity the customer
 * has been inactive since the start (tenure). */
static size_t stage_of(const churn_segment_opts *o, double tenure,
                       double inactive)
{
    if (isnan(inactive))
        inactive = tenure;
    if (isnan(inactive) || inactive >= o->lost_days)
        return 3;
    if (tenure < o->new_days)
        return 0;
    return inactive >= o->dormant_days ? 2 : 1;
}

/* Names the output columns; categorical levels in a fixed order. With
 * cancel != -1 (the input's cancel_date column), a last column
 * cancel_date with the input's levels, so that the codes are the same. */
static int name_columns(const churn_segment_opts *o, churn_dataset *out,
                        const churn_dataset *in, size_t cancel,
                        churn_error *err)
{
    static const char *const names[N_FIXED] = {
        "recency_score", "frequency_score", "monetary_score", "rfm_code",
        "rfm_segment", "lifecycle_stage", "health_score", "health_tier"};
    double code;
    int rc = CHURN_OK;
    for (size_t j = 0; j < N_FIXED && rc == CHURN_OK; j++)
        rc = churn_dataset_set_column(out, j, names[j],
                                      j == COL_SEGMENT || j == COL_STAGE ||
                                              j == COL_TIER
                                          ? CHURN_CATEGORICAL
                                          : CHURN_NUMERIC,
                                      err);
    for (size_t k = 0; k < CHURN__HEALTH_N && rc == CHURN_OK; k++) {
        char name[64];
        snprintf(name, sizeof name, "health_%s", churn_health_component(k));
        rc = churn_dataset_set_column(out, N_FIXED + k, name, CHURN_NUMERIC,
                                      err);
    }
    for (size_t r = 0; r <= o->n_rules && rc == CHURN_OK; r++)
        rc = churn_dataset_level_code(
            out, COL_SEGMENT, r < o->n_rules ? o->rules[r].name : "other",
            &code, err);
    for (size_t s = 0; s < 4 && rc == CHURN_OK; s++)
        rc = churn_dataset_level_code(out, COL_STAGE, stages[s], &code, err);
    for (size_t t = 0; t < 3 && rc == CHURN_OK; t++)
        rc = churn_dataset_level_code(out, COL_TIER, churn__health_tiers[t],
                                      &code, err);
    size_t last = N_FIXED + CHURN__HEALTH_N;
    if (rc == CHURN_OK && cancel != (size_t)-1)
        rc = churn_dataset_set_column(out, last, "cancel_date",
                                      CHURN_CATEGORICAL, err);
    for (size_t k = 0; cancel != (size_t)-1 && rc == CHURN_OK &&
                       k < churn_dataset_n_levels(in, cancel); k++)
        rc = churn_dataset_level_code(out, last,
                                      churn_dataset_level(in, cancel, k),
                                      &code, err);
    if (rc == CHURN_OK && churn_dataset_has_labels(in))
        rc = churn_dataset_set_label_name(out, churn_dataset_label_name(in),
                                          err);
    return rc;
}

/* Finds a column the rules need. */
static int need_column(const churn_dataset *ds, const char *name,
                       size_t *j, churn_error *err)
{
    *j = churn_dataset_column_index(ds, name);
    if (*j == (size_t)-1)
        return churn__fail(err, CHURN_EFORMAT,
                           "segments need the column '%s', which the "
                           "features do not have", name);
    return CHURN_OK;
}

/* Fills row i of the output. A cancelled customer is lifecycle lost,
 * with its cancel date, and has no scores (NaN): RFM and health describe
 * customers who can still be kept. */
static int add_row(const churn_segment_opts *o, const churn_dataset *in,
                   size_t i, const double *const rfm_scores[3],
                   const size_t *cols, size_t cancel, churn_dataset *out,
                   double *row, churn_error *err)
{
    double rfm[3] = {rfm_scores[0][i], rfm_scores[1][i], rfm_scores[2][i]};
    double *points = row + N_FIXED;
    double cancelled = cancel == (size_t)-1
                           ? NAN : churn_dataset_value(in, i, cancel);
    memcpy(row, rfm, sizeof rfm);
    row[COL_CODE] = 100 * rfm[0] + 10 * rfm[1] + rfm[2];
    /* Level codes were added in rule, stage and tier order above. */
    row[COL_SEGMENT] = (double)match_rule(o, rfm);
    row[COL_STAGE] = (double)stage_of(o, churn_dataset_value(in, i, cols[0]),
                                      churn_dataset_value(in, i, cols[1]));
    row[COL_HEALTH] = churn__health_score(o, in, i, cols + 2, points);
    row[COL_TIER] = (double)churn__health_tier(o, row[COL_HEALTH]);
    if (!isnan(cancelled)) {
        for (size_t j = 0; j < N_FIXED + CHURN__HEALTH_N; j++)
            row[j] = NAN;
        row[COL_STAGE] = 3; /* lost */
    }
    if (cancel != (size_t)-1)
        row[N_FIXED + CHURN__HEALTH_N] = cancelled;
    int rc = churn_dataset_add_row(out, churn_dataset_id(in, i), row,
                                   churn_dataset_label(in, i), err);
    if (rc == CHURN_OK && !isnan(churn_dataset_as_of(in, i)))
        rc = churn_dataset_set_as_of(out, i, churn_dataset_as_of(in, i), err);
    return rc;
}

int churn_segment(const churn_dataset *features, const churn_segment_opts *o,
                  churn_dataset **out, churn_error *err)
{
    if (out)
        *out = NULL;
    if (!features || !o || !out)
        return churn__fail(err, CHURN_EINVAL, "no features, options or "
                           "output");
    size_t n = churn_dataset_n_rows(features);
    if (n == 0)
        return churn__fail(err, CHURN_EEMPTY, "no customers to segment");
    /* Customers who cancelled before the as-of (churn_feature_opts_set_
     * cancelled): a categorical cancel_date column with a value. */
    size_t cancel = churn_dataset_column_index(features, "cancel_date");
    if (cancel != (size_t)-1 &&
        churn_dataset_column_kind(features, cancel) != CHURN_CATEGORICAL)
        cancel = (size_t)-1;
    size_t n_cols = N_FIXED + CHURN__HEALTH_N + (cancel != (size_t)-1);
    size_t rfm_col[3], cols[2 + CHURN__HEALTH_N];
    keyed *work = malloc(n * sizeof *work);
    double *scores = malloc(3 * n * sizeof *scores);
    double *row = malloc(n_cols * sizeof *row);
    unsigned char *cancelled = malloc(n);
    churn_dataset *ds = churn_dataset_new(n_cols);
    int rc = CHURN_OK;
    if (!work || !scores || !row || !cancelled || !ds) {
        rc = churn__fail_nomem(err);
        goto done;
    }
    for (size_t j = 0; j < 3 && rc == CHURN_OK; j++)
        rc = need_column(features, o->rfm_columns[j], &rfm_col[j], err);
    if (rc == CHURN_OK)
        rc = need_column(features, "tenure_days", &cols[0], err);
    if (rc == CHURN_OK)
        rc = need_column(features, "recency_activity_days", &cols[1], err);
    if (rc == CHURN_OK)
        rc = churn__health_columns(features, cols + 2, err);
    if (rc == CHURN_OK)
        rc = name_columns(o, ds, features, cancel, err);
    if (rc == CHURN_OK)
        rc = churn_dataset_reserve(ds, n, err);
    if (rc != CHURN_OK)
        goto done;
    const double *rfm_scores[3] = {scores, scores + n, scores + 2 * n};
    for (size_t i = 0; i < n; i++)
        cancelled[i] = cancel != (size_t)-1 &&
                       !isnan(churn_dataset_value(features, i, cancel));
    for (size_t j = 0; j < 3; j++)
        quintiles(features, rfm_col[j], j != 0, cancelled, work,
                  scores + j * n);
    for (size_t i = 0; i < n && rc == CHURN_OK; i++)
        rc = add_row(o, features, i, rfm_scores, cols, cancel, ds, row, err);
    if (rc == CHURN_OK) {
        *out = ds;
        ds = NULL;
    }
done:
    free(work);
    free(scores);
    free(row);
    free(cancelled);
    churn_dataset_free(ds);
    return rc;
}

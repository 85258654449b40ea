/* segment_summary.c - churn_segment_summary: customers, share, mean health
 * and churn rate per segment, stage or tier. */
#include "features/segment.h"

#include <math.h>
#include <stdlib.h>

/* Per level: customers, health sum and how many have a health score
 * (cancelled customers have none), labelled and churned counts. */
typedef struct tally {
    double customers, health, scored, labelled, churned;
} tally;

/* Adds one row per level that occurs; without labels the dataset has no
 * churn_rate column and the row's last value is not read. n = the rows
 * with a level in this column: the shares add up to 1. */
static int add_rows(const churn_dataset *seg, size_t j, const tally *t,
                    size_t levels, double n, churn_dataset *out,
                    churn_error *err)
{
    int rc = CHURN_OK;
    for (size_t k = 0; k < levels && rc == CHURN_OK; k++) {
        if (t[k].customers == 0)
            continue;
        double row[4] = {t[k].customers, t[k].customers / n,
                         t[k].scored > 0 ? t[k].health / t[k].scored : NAN,
                         t[k].labelled > 0 ? t[k].churned / t[k].labelled
                                           : NAN};
        rc = churn_dataset_add_row(out, churn_dataset_level(seg, j, k), row,
                                   NAN, err);
    }
    return rc;
}

int churn_segment_summary(const churn_dataset *segments, const char *column,
                          churn_dataset **out, churn_error *err)
{
    static const char *const names[4] = {"customers", "share", "health_mean",
                                         "churn_rate"};
    if (out)
        *out = NULL;
    if (!segments || !column || !out)
        return churn__fail(err, CHURN_EINVAL, "no segments, column or "
                           "output");
    size_t j = churn_dataset_column_index(segments, column);
    size_t health = churn_dataset_column_index(segments, "health_score");
    if (j == (size_t)-1 ||
        churn_dataset_column_kind(segments, j) != CHURN_CATEGORICAL ||
        health == (size_t)-1)
        return churn__fail(err, CHURN_EFORMAT, "'%s' is not a categorical "
                           "column of segments with a health_score", column);
    int labels = churn_dataset_has_labels(segments);
    size_t levels = churn_dataset_n_levels(segments, j);
    tally *t = calloc(levels ? levels : 1, sizeof *t);
    churn_dataset *ds = churn_dataset_new(labels ? 4 : 3);
    int rc = CHURN_OK;
    if (!t || !ds) {
        rc = churn__fail_nomem(err);
        goto done;
    }
    for (size_t c = 0; c < (labels ? 4u : 3u) && rc == CHURN_OK; c++)
        rc = churn_dataset_set_column(ds, c, names[c], CHURN_NUMERIC, err);
    double in_column = 0;
    for (size_t i = 0; i < churn_dataset_n_rows(segments); i++) {
        double code = churn_dataset_value(segments, i, j);
        double y = churn_dataset_label(segments, i);
        double score = churn_dataset_value(segments, i, health);
        if (isnan(code))
            continue;
        tally *u = &t[(size_t)code];
        in_column++;
        u->customers++;
        u->health += isnan(score) ? 0 : score;
        u->scored += !isnan(score);
        u->labelled += !isnan(y);
        u->churned += isnan(y) ? 0 : y;
    }
    if (rc == CHURN_OK)
        rc = add_rows(segments, j, t, levels, in_column, ds, err);
    if (rc == CHURN_OK) {
        *out = ds;
        ds = NULL;
    }
done:
    free(t);
    churn_dataset_free(ds);
    return rc;
}

/* cv.c - customer-grouped, label-stratified folds and hold-out splits. */
#include "ml/cv.h"
#include "ml/rng.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Each customer's class and its rank in a seeded shuffle of its class. */
typedef struct dealing {
    size_t *cust_of_row;   /* per row */
    size_t *rank;          /* per customer: position within its class */
    size_t class_size[2];
    unsigned char *cls;    /* per customer */
} dealing;

static void dealing_free(dealing *d)
{
    free(d->cust_of_row);
    free(d->rank);
    free(d->cls);
}

static int deal(const churn_dataset *ds, const size_t *rows, size_t n,
                uint64_t seed, dealing *d, churn_error *err)
{
    int rc = CHURN_OK;
    size_t m = n ? n : 1;
    memset(d, 0, sizeof *d);
    churn__strmap *ids = churn__strmap_new();
    size_t *order = malloc(m * sizeof *order);
    gsl_rng *rng = churn__rng_alloc();
    d->cust_of_row = malloc(m * sizeof *d->cust_of_row);
    d->rank = malloc(m * sizeof *d->rank);
    d->cls = malloc(m);
    if (!ids || !order || !rng || !d->cust_of_row || !d->rank || !d->cls) {
        rc = churn__fail_nomem(err);
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        const char *id = churn_dataset_id(ds, rows[i]);
        int added;
        if (churn__strmap_intern(ids, id, strlen(id), &d->cust_of_row[i],
                                 &added)) {
            rc = churn__fail_nomem(err);
            goto done;
        }
        if (added)
            d->cls[d->cust_of_row[i]] = churn_dataset_label(ds, rows[i]) > 0.5;
    }
    size_t n_cust = churn__strmap_count(ids);
    gsl_rng_set(rng, (unsigned long)seed);
    for (unsigned char c = 0; c < 2; c++) {
        size_t k = 0;
        for (size_t j = 0; j < n_cust; j++)
            if (d->cls[j] == c)
                order[k++] = j;
        gsl_ran_shuffle(rng, order, k, sizeof *order);
        for (size_t r = 0; r < k; r++)
            d->rank[order[r]] = r;
        d->class_size[c] = k;
    }
done:
    churn__strmap_free(ids);
    free(order);
    gsl_rng_free(rng);
    if (rc != CHURN_OK)
        dealing_free(d);
    return rc;
}

int churn__cv_folds(const churn_dataset *ds, const size_t *rows, size_t n,
                    size_t k, uint64_t seed, size_t *fold_out,
                    churn_error *err)
{
    if (!ds || (!rows && n) || k < 2)
        return churn__fail(err, CHURN_EINVAL,
                           "cross-validation needs at least 2 folds");
    dealing d;
    int rc = deal(ds, rows, n, seed, &d, err);
    if (rc != CHURN_OK)
        return rc;
    /* Positives continue the deal where negatives stopped, so small folds
     * do not all start with the same class. */
    for (size_t i = 0; i < n; i++) {
        size_t c = d.cust_of_row[i];
        size_t offset = d.cls[c] ? d.class_size[0] : 0;
        fold_out[i] = (d.rank[c] + offset) % k;
    }
    dealing_free(&d);
    return CHURN_OK;
}

int churn__cv_holdout(const churn_dataset *ds, const size_t *rows, size_t n,
                      double fraction, uint64_t seed, unsigned char *held,
                      churn_error *err)
{
    if (!ds || (!rows && n) || !(fraction >= 0 && fraction < 1))
        return churn__fail(err, CHURN_EINVAL,
                           "hold-out fraction must be in [0, 1)");
    dealing d;
    int rc = deal(ds, rows, n, seed, &d, err);
    if (rc != CHURN_OK)
        return rc;
    size_t take[2];
    for (int c = 0; c < 2; c++)
        take[c] = (size_t)floor(fraction * (double)d.class_size[c] + 0.5);
    for (size_t i = 0; i < n; i++) {
        size_t c = d.cust_of_row[i];
        held[i] = d.rank[c] < take[d.cls[c]];
    }
    dealing_free(&d);
    return CHURN_OK;
}

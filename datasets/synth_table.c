/* synth_table.c - a seeded labeled numeric table (one row per customer)
 * whose churn probabilities follow a known, partly nonlinear model; the
 * tabular data of the benchmarks (docs/SYNTH.md, "Tables").
 *
 * Columns customer_id, x1..xD, churned. Each x_j is standard normal,
 * rounded to 4 decimals (the model below reads the rounded value, so the
 * file holds exactly what decided the label). The log-odds of churn:
 *
 *   f = BASE + sum_j (-1)^(j+1) LINEAR / sqrt(j) x_j        (j = 1..D)
 *       + SQUARE (x2^2 - 1)        U-shaped: both extremes churn more
 *       + PRODUCT x3 x4            an interaction
 *       + STEP [x5 > 1]            a threshold
 *
 * (each nonlinear term only when its columns exist), and churned = 1 with
 * probability 1 / (1 + exp(-f)). A linear model misses the last three
 * terms; a kernel model can find them. With D = 40 about 29 % churn.
 */
#include "datasets/synth.h"
#include "ml/rng.h"

#include <gsl/gsl_randist.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define BASE (-1.2)
#define LINEAR 0.9
#define SQUARE 0.8
#define PRODUCT 1.0
#define STEP 1.5
#define DECIMALS 10000.0  /* values are written with 4 decimals */
#define MAX_FEATURES 10000

/* Mixed into the seed, so a table and a history of one seed differ. */
#define TABLE_STREAM 0x5441424c45000000ull

/* The log-odds of one row (x[0] is x1). */
static double log_odds(const double *x, size_t d)
{
    double f = BASE;
    for (size_t j = 0; j < d; j++)
        f += (j % 2 ? -LINEAR : LINEAR) / sqrt((double)(j + 1)) * x[j];
    if (d >= 2)
        f += SQUARE * (x[1] * x[1] - 1);
    if (d >= 4)
        f += PRODUCT * x[2] * x[3];
    if (d >= 5 && x[4] > 1)
        f += STEP;
    return f;
}

/* Writes q / 10^4 with exactly 4 decimals ("-1.0250"); returns the
 * length. Faster than printf, and locale-free. */
static size_t put_fixed4(char *p, long q)
{
    char tmp[32];
    size_t n = 0, len = 0;
    unsigned long u = q < 0 ? (unsigned long)(-q) : (unsigned long)q;
    if (q < 0)
        p[len++] = '-';
    for (int i = 0; i < 4; i++, u /= 10)
        tmp[n++] = (char)('0' + u % 10);
    tmp[n++] = '.';
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    while (n)
        p[len++] = tmp[--n];
    return len;
}

/* One row: draws x, writes it and the label. */
static void write_row(churn__synth_out *out, gsl_rng *rng, size_t index,
                      int id_width, double *x, size_t d)
{
    char *p = churn__synth_row(out);
    out->len += (size_t)snprintf(p, CHURN__SYNTH_ROW_MAX, "t%0*zu",
                                 id_width, index + 1);
    for (size_t j = 0; j < d; j++) {
        long q = lround(gsl_ran_gaussian_ziggurat(rng, 1.0) * DECIMALS);
        x[j] = (double)q / DECIMALS;
        p = churn__synth_row(out);
        *p = ',';
        out->len += 1 + put_fixed4(p + 1, q);
    }
    double prob = 1 / (1 + exp(-log_odds(x, d)));
    p = churn__synth_row(out);
    memcpy(p, gsl_rng_uniform(rng) < prob ? ",1\n" : ",0\n", 3);
    out->len += 3;
}

/* "customer_id,x1,...,xD,churned\n" */
static char *table_header(size_t d)
{
    char *h = malloc(32 + d * 8);
    if (!h)
        return NULL;
    size_t len = strlen("customer_id");
    memcpy(h, "customer_id", len);
    for (size_t j = 0; j < d; j++)
        len += (size_t)snprintf(h + len, 16, ",x%zu", j + 1);
    memcpy(h + len, ",churned\n", 10);
    return h;
}

int churn_synth_table(const churn_synth_opts *o, size_t rows,
                      size_t features, const char *path, churn_error *err)
{
    if (!o || !path || !*path)
        return churn__fail(err, CHURN_EINVAL, "no options or no path given");
    if (rows == 0 || features == 0 || features > MAX_FEATURES)
        return churn__fail(err, CHURN_EINVAL,
                           "a table needs at least 1 row and 1 to %d "
                           "features", MAX_FEATURES);
    churn__synth_out out = {0};
    gsl_rng *rng = churn__rng_alloc();
    double *x = malloc(features * sizeof *x);
    char *header = table_header(features);
    char *path_copy = malloc(strlen(path) + 1);
    int rc;
    if (!rng || !x || !header || !path_copy) {
        free(path_copy);
        rc = churn__fail_nomem(err);
        goto done;
    }
    memcpy(path_copy, path, strlen(path) + 1);
    rc = churn__synth_open(&out, path_copy, header, err);
    if (rc != CHURN_OK)
        goto done;
    gsl_rng_set(rng, churn__synth_fold_seed(o->seed ^ TABLE_STREAM));
    int id_width = 1;
    for (size_t n = rows; n >= 10; n /= 10)
        id_width++;
    for (size_t i = 0; i < rows; i++) {
        write_row(&out, rng, i, id_width, x, features);
        if (o->progress && (i + 1) % CHURN__SYNTH_PROGRESS_EVERY == 0)
            o->progress(o->progress_user, "generating rows", i + 1, rows);
    }
    if (o->progress)
        o->progress(o->progress_user, "generating rows", rows, rows);
    rc = churn__synth_commit(&out, err);
done:
    churn__synth_abort(&out);
    gsl_rng_free(rng);
    free(x);
    free(header);
    return rc;
}

/* pipeline_dist.c - fitting one pipeline input across the ranks of a
 * churn_comm, each rank holding some of the training rows, so that the
 * result is what pipeline.c would fit on all of them: an exact median by
 * radix selection, means and deviations from sums, and category levels in
 * the order a single reader of the shards, one after the other, would
 * have met them.
 *
 * Collective discipline: every rank makes the same sequence of comm calls
 * whatever its data. Work that can fail on one rank alone (a bad value,
 * an allocation) is followed by churn_comm_agree before the next
 * collective, so one rank's failure becomes every rank's. */
#include "ml/comm.h"
#include "ml/pipeline_impl.h"

#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------- columns */

/* FNV-1a of a column's name and kind, in two halves exact as doubles. */
static void column_print(const churn_dataset *ds, size_t j, double out[2])
{
    uint64_t h = UINT64_C(14695981039346656037);
    const char *name = churn_dataset_column_name(ds, j);
    for (const char *c = name ? name : ""; *c; c++)
        h = (h ^ (unsigned char)*c) * UINT64_C(1099511628211);
    h = (h ^ (unsigned)churn_dataset_column_kind(ds, j)) *
        UINT64_C(1099511628211);
    out[0] = (double)(h >> 32);
    out[1] = (double)(h & 0xffffffffu);
}

int churn__check_columns_dist(const churn_dataset *ds,
                              const churn_comm *comm, churn_error *err)
{
    size_t d = churn_dataset_n_cols(ds);
    double range[2] = {(double)d, -(double)d}; /* max, -min */
    int rc = churn__comm_reduce(comm, range, 2, CHURN_REDUCE_MAX, err);
    if (rc != CHURN_OK)
        return rc;
    if (range[0] != -range[1])
        return churn__fail(err, CHURN_EFORMAT,
                           "the ranks' data have %g to %g feature columns: "
                           "every shard needs the same columns", -range[1],
                           range[0]);
    double *hi = malloc((4 * d + 1) * sizeof *hi);
    rc = churn_comm_agree(comm, hi ? CHURN_OK : churn__fail_nomem(err), err);
    if (rc != CHURN_OK) {
        free(hi);
        return rc;
    }
    double *lo = hi + 2 * d;
    for (size_t j = 0; j < d; j++)
        column_print(ds, j, hi + 2 * j);
    memcpy(lo, hi, 2 * d * sizeof *lo);
    rc = churn__comm_reduce(comm, hi, 2 * d, CHURN_REDUCE_MAX, err);
    if (rc == CHURN_OK)
        rc = churn__comm_reduce(comm, lo, 2 * d, CHURN_REDUCE_MIN, err);
    for (size_t j = 0; rc == CHURN_OK && j < d; j++)
        if (hi[2 * j] != lo[2 * j] || hi[2 * j + 1] != lo[2 * j + 1])
            rc = churn__fail(err, CHURN_EFORMAT,
                             "the ranks' data differ at feature column %zu "
                             "(here '%s', %s): every shard needs the same "
                             "columns in the same order", j + 1,
                             churn_dataset_column_name(ds, j),
                             churn_dataset_column_kind(ds, j) == CHURN_NUMERIC
                                 ? "numeric"
                                 : "categorical");
    free(hi);
    return rc;
}

/* ------------------------------------------------------------- medians */

/* Doubles as unsigned integers in the same order (for non-NaN values):
 * negative numbers have every bit flipped, the others only the sign. */
static uint64_t order_key(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return (u >> 63) ? ~u : u | (UINT64_C(1) << 63);
}

static double from_order_key(uint64_t k)
{
    uint64_t u = (k >> 63) ? k & ~(UINT64_C(1) << 63) : ~k;
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
}

/* The k-th smallest (from 0) of the values of every rank, v[0..n) being
 * this rank's: eight rounds, each a histogram of the next byte of the
 * order key among the values that still match the bytes chosen so far,
 * summed across the ranks. Exact; v is permuted (matching values move to
 * the front), never changed otherwise. */
static int select_kth(double *v, size_t n, double k, const churn_comm *comm,
                      double *out, churn_error *err)
{
    uint64_t prefix = 0;
    size_t live = n; /* v[0..live) match the prefix */
    for (int shift = 56; shift >= 0; shift -= 8) {
        double count[256] = {0};
        for (size_t i = 0; i < live; i++)
            count[(order_key(v[i]) >> shift) & 255]++;
        int rc = churn__comm_reduce(comm, count, 256, CHURN_REDUCE_SUM, err);
        if (rc != CHURN_OK)
            return rc;
        unsigned byte = 0;
        while (byte < 255 && k >= count[byte])
            k -= count[byte++];
        prefix |= (uint64_t)byte << shift;
        size_t kept = 0;
        for (size_t i = 0; i < live; i++) {
            if (((order_key(v[i]) >> shift) & 255) == byte) {
                double t = v[kept];
                v[kept++] = v[i];
                v[i] = t;
            }
        }
        live = kept;
    }
    *out = from_order_key(prefix);
    return CHURN_OK;
}

/* The median of every rank's values (total of them in all, > 0), as
 * gsl_stats_median takes it: the middle value, or the mean of the two
 * middle ones. */
static int median(double *v, size_t n, double total, const churn_comm *comm,
                  double *out, churn_error *err)
{
    double lower_rank = floor((total - 1) / 2), lower;
    int rc = select_kth(v, n, lower_rank, comm, &lower, err);
    if (rc != CHURN_OK || fmod(total, 2) == 1) {
        *out = lower;
        return rc;
    }
    /* The upper middle value is lower again when it occurs often enough,
     * else the smallest value above it. */
    double near[2] = {0, INFINITY};
    for (size_t i = 0; i < n; i++) {
        near[0] += v[i] <= lower;
        if (v[i] > lower)
            near[1] = fmin(near[1], v[i]);
    }
    if ((rc = churn__comm_reduce(comm, near, 1, CHURN_REDUCE_SUM, err)) ||
        (rc = churn__comm_reduce(comm, near + 1, 1, CHURN_REDUCE_MIN, err)))
        return rc;
    double upper = near[0] >= lower_rank + 2 ? lower : near[1];
    *out = (lower + upper) / 2.0;
    return CHURN_OK;
}

/* ---------------------------------------------------- mean, deviation */

/* The mean and population deviation of every rank's x[0..n) (total in
 * all), equal to rounding to standardize in pipeline_fit.c: the mean as
 * the rank-weighted mean of GSL's per-rank means (no sum that could
 * overflow), the deviations divided by the largest before squaring. x is
 * overwritten. Returns CHURN_OK; *finite says whether all are finite. */
static int mean_sd(double *x, size_t n, double total, const churn_comm *comm,
                   double *mean, double *sd, int *finite, churn_error *err)
{
    double m = n ? gsl_stats_mean(x, 1, n) * ((double)n / total) : 0;
    double range[2] = {-INFINITY, -INFINITY}; /* largest, -smallest */
    for (size_t i = 0; i < n; i++) {
        range[0] = fmax(range[0], x[i]);
        range[1] = fmax(range[1], -x[i]);
    }
    int rc = churn__comm_reduce(comm, &m, 1, CHURN_REDUCE_SUM, err);
    if (rc == CHURN_OK)
        rc = churn__comm_reduce(comm, range, 2, CHURN_REDUCE_MAX, err);
    if (rc != CHURN_OK)
        return rc;
    /* A constant column: its mean is its value, exactly, as GSL's running
     * mean gives it, not a weighted sum a rounding away, which would
     * leave a deviation of 1e-16 to divide by. */
    if (range[0] == -range[1])
        m = range[0];
    double largest = 0;
    for (size_t i = 0; i < n; i++)
        largest = fmax(largest, fabs(x[i] - m));
    if ((rc = churn__comm_reduce(comm, &largest, 1, CHURN_REDUCE_MAX, err)))
        return rc;
    double s = 0;
    if (largest > 0 && isfinite(largest)) {
        double squares = 0;
        for (size_t i = 0; i < n; i++) {
            double t = (x[i] - m) / largest;
            squares += t * t;
        }
        if ((rc = churn__comm_reduce(comm, &squares, 1, CHURN_REDUCE_SUM,
                                     err)))
            return rc;
        s = largest * sqrt(squares / total);
    }
    *mean = m;
    *sd = s;
    *finite = isfinite(m) && isfinite(largest) && isfinite(s);
    return CHURN_OK;
}

/* Sets output k's center and scale (when the output exists). */
static void set_scaling(churn__pipeline *p, size_t k, int exists,
                        double mean, double sd)
{
    if (!exists)
        return;
    p->center[k] = mean;
    p->scale[k] = sd > 0 ? sd : 1;
}

/* ------------------------------------------------------------- numeric */

int churn__fit_numeric_dist(churn__pipeline *p, size_t j,
                            const churn__fit_rows *t, const double *col,
                            double *scratch, const churn_comm *comm,
                            churn_error *err)
{
    struct churn__pipeline_input *in = &p->inputs[j];
    size_t n_seen = 0;
    int rc = CHURN_OK;
    for (size_t i = 0; i < t->n && rc == CHURN_OK; i++) {
        double v = col[i];
        if (isnan(v))
            continue;
        if (!isfinite(v))
            rc = churn__fail(err, CHURN_EINVAL,
                             "column '%s', row '%s': infinite value",
                             in->name,
                             churn_dataset_id(t->ds, churn__fit_row(t, i)));
        scratch[n_seen++] = v;
    }
    if ((rc = churn_comm_agree(comm, rc, err)) != CHURN_OK)
        return rc;
    double seen = (double)n_seen;
    if ((rc = churn__comm_reduce(comm, &seen, 1, CHURN_REDUCE_SUM, err)))
        return rc;
    in->impute = 0;
    if (seen > 0 &&
        (rc = median(scratch, n_seen, seen, comm, &in->impute, err)))
        return rc;
    in->missing = t->keep_missing ? CHURN__MISSING_KEPT
                  : seen == t->total ? CHURN__MISSING_NONE
                  : seen == 0        ? CHURN__MISSING_ALL
                                     : CHURN__MISSING_SOME;
    /* An allocation failure here is told at the agreement below: the
     * collectives in between run on every rank all the same. */
    int added = churn__pipeline_add_outputs(p, j) == CHURN_OK;
    int local = added ? CHURN_OK : churn__fail_nomem(err);
    size_t k = in->first_out;
    double mean, sd;
    int finite, ok = 1;
    for (size_t i = 0; i < t->n; i++)
        scratch[i] = isnan(col[i]) ? in->impute : col[i];
    if ((rc = mean_sd(scratch, t->n, t->total, comm, &mean, &sd, &finite,
                      err)))
        return rc;
    set_scaling(p, k, added, mean, sd);
    ok = finite;
    if (churn__has_indicator(in)) {
        for (size_t i = 0; i < t->n; i++)
            scratch[i] = isnan(col[i]) ? 1.0 : 0.0;
        if ((rc = mean_sd(scratch, t->n, t->total, comm, &mean, &sd,
                          &finite, err)))
            return rc;
        set_scaling(p, k + 1, added, mean, sd);
        ok = ok && finite;
    }
    if ((rc = churn_comm_agree(comm, local, err)) != CHURN_OK)
        return rc;
    if (!ok) /* from combined values: the same on every rank */
        return churn__fail(err, CHURN_ENUMERIC,
                           "column '%s': values too large to standardize",
                           in->name);
    return CHURN_OK;
}

/* ---------------------------------------------------------- categorical */

/* This rank's level texts of column j, in its code order, each ended by
 * a NUL, in new memory; *len their bytes. */
static char *level_texts(const churn_dataset *ds, size_t j, size_t n_codes,
                         size_t *len)
{
    size_t total = 0;
    for (size_t c = 0; c < n_codes; c++)
        total += strlen(churn_dataset_level(ds, j, c)) + 1;
    char *buf = malloc(total ? total : 1);
    if (!buf)
        return NULL;
    size_t at = 0;
    for (size_t c = 0; c < n_codes; c++) {
        const char *s = churn_dataset_level(ds, j, c);
        size_t n = strlen(s) + 1;
        memcpy(buf + at, s, n);
        at += n;
    }
    *len = total;
    return buf;
}

/* The job's level list of one column: every rank's level texts, merged in
 * rank order of first appearance, and for each of this rank's codes its
 * index in that list. */
typedef struct merged_levels {
    churn__strmap *all;  /* every level of every rank */
    size_t *global_of;   /* this rank's code -> index in all */
} merged_levels;

static int merge_levels(const char *texts, const size_t *lens, int size,
                        int rank, size_t n_codes, merged_levels *m)
{
    if (!(m->all = churn__strmap_new()) ||
        !(m->global_of = malloc((n_codes ? n_codes : 1) *
                                sizeof *m->global_of)))
        return CHURN_ENOMEM;
    const char *at = texts;
    for (int r = 0; r < size; r++) {
        const char *end = at + lens[r];
        for (size_t c = 0; at < end; c++) {
            size_t n = strlen(at), index;
            if (churn__strmap_intern(m->all, at, n, &index, NULL) !=
                CHURN_OK)
                return CHURN_ENOMEM;
            if (r == rank && c < n_codes)
                m->global_of[c] = index;
            at += n + 1;
        }
    }
    return CHURN_OK;
}

/* Counts this rank's training rows per level code, checking the codes. */
static int count_codes(const churn__fit_rows *t, size_t j, const double *col,
                       size_t n_codes, size_t *count, churn_error *err)
{
    for (size_t i = 0; i < t->n; i++) {
        double v = col[i];
        if (isnan(v))
            continue;
        if (!(v >= 0 && v < (double)n_codes && v == floor(v)))
            return churn__fail(
                err, CHURN_EINVAL,
                "column '%s', row '%s': %g is not a level code",
                churn_dataset_column_name(t->ds, j),
                churn_dataset_id(t->ds, churn__fit_row(t, i)), v);
        count[(size_t)v]++;
    }
    return CHURN_OK;
}

int churn__fit_categorical_dist(churn__pipeline *p, size_t j,
                                const churn__fit_rows *t, const double *col,
                                const churn_comm *comm, churn_error *err)
{
    struct churn__pipeline_input *in = &p->inputs[j];
    size_t n_codes = churn_dataset_n_levels(t->ds, j), len = 0;
    size_t *count = calloc(n_codes ? n_codes : 1, sizeof *count);
    size_t *lens = calloc((size_t)comm->size, sizeof *lens);
    char *mine = level_texts(t->ds, j, n_codes, &len);
    void *texts = NULL;
    double *global = NULL;
    merged_levels m = {NULL, NULL};
    int rc = !count || !lens || !mine
                 ? churn__fail_nomem(err)
                 : count_codes(t, j, col, n_codes, count, err);
    if ((rc = churn_comm_agree(comm, rc, err)) != CHURN_OK)
        goto done;
    rc = churn__comm_gather(comm, mine, len, 1, &texts, lens, err);
    if (rc != CHURN_OK)
        goto done;
    rc = merge_levels(texts, lens, comm->size, comm->rank, n_codes, &m);
    size_t n_all = m.all ? churn__strmap_count(m.all) : 0;
    if (rc == CHURN_OK && !(global = calloc(n_all ? n_all : 1,
                                            sizeof *global)))
        rc = CHURN_ENOMEM;
    if (rc != CHURN_OK)
        rc = churn__fail_nomem(err);
    if ((rc = churn_comm_agree(comm, rc, err)) != CHURN_OK)
        goto done;
    for (size_t c = 0; c < n_codes; c++)
        global[m.global_of[c]] += (double)count[c];
    rc = churn__comm_reduce(comm, global, n_all, CHURN_REDUCE_SUM, err);
    if (rc != CHURN_OK)
        goto done;
    /* The job's counts, the same on every rank: the same verdict. */
    double n_levels = 0, n_values = 0;
    for (size_t g = 0; g < n_all; g++) {
        n_levels += global[g] > 0;
        n_values += global[g];
    }
    if ((rc = churn__check_levels(in->name, n_levels, n_values, err)) !=
        CHURN_OK)
        goto done;
    /* The levels that occur in some rank's training rows, in job order. */
    if (!(in->levels = churn__strmap_new()))
        rc = CHURN_ENOMEM;
    for (size_t g = 0; rc == CHURN_OK && g < n_all; g++) {
        const char *text = churn__strmap_key(m.all, g);
        size_t code;
        if (global[g] > 0 &&
            churn__strmap_intern(in->levels, text, strlen(text), &code,
                                 NULL) != CHURN_OK)
            rc = CHURN_ENOMEM;
    }
    if (rc == CHURN_OK && churn__pipeline_add_outputs(p, j) != CHURN_OK)
        rc = CHURN_ENOMEM;
    if (rc == CHURN_OK) {
        size_t k = in->first_out;
        for (size_t g = 0; g < n_all; g++) {
            if (!(global[g] > 0))
                continue;
            double q = global[g] / t->total; /* as fit_categorical */
            double sd = sqrt(q * (1 - q));
            p->center[k] = q;
            p->scale[k] = sd > 0 ? sd : 1;
            k++;
        }
    }
    if (rc != CHURN_OK)
        rc = churn__fail_nomem(err);
    rc = churn_comm_agree(comm, rc, err);
done:
    churn__strmap_free(m.all);
    free(m.global_of);
    free(global);
    free(texts);
    free(mine);
    free(lens);
    free(count);
    return rc;
}

/* pipeline_fit.c - fitting the preprocessing pipeline (pipeline.c) on
 * training rows: median imputation with missing indicators, one-hot
 * levels, standardization. Across ranks each input is fitted by
 * pipeline_dist.c; the checks are in pipeline_check.c. */
#include "ml/comm.h"
#include "ml/pipeline_impl.h"
#include "ml/select.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Columns copied out of the row-major values per pass (a cache line of
 * doubles). */
#define FIT_GROUP 8

/* Column j of training row i. */
static double cell(const churn__fit_rows *t, size_t i, size_t j)
{
    return t->values[churn__fit_row(t, i) * t->n_cols + j];
}

/* A power of two near the largest magnitude of x[0..n) and fill (the
 * value of n_fill more rows): values times its inverse lie in [-1, 1],
 * so neither their sums overflow nor their squares underflow, and the
 * scaling is exact. 1 when every value is 0. */
static double magnitude(const double *x, size_t n, double fill,
                        size_t n_fill)
{
    double big = n_fill ? fabs(fill) : 0;
    for (size_t i = 0; i < n; i++)
        big = fabs(x[i]) > big ? fabs(x[i]) : big;
    if (big == 0)
        return 1;
    int e;
    frexp(big, &e);
    /* 2^1020 at most: the inverse of a subnormal's power would overflow;
     * their scaled values, 2^-54 and up, square without underflow. */
    return ldexp(1.0, e < -1020 ? -1020 : e);
}

/* Sums of many terms, added a block at a time to a binary counter of
 * partial sums (level l holds 2^l blocks): each term meets a few dozen
 * roundings at most, not one per term before it (pairwise summation). */
typedef struct pairwise {
    double level[64];
    size_t blocks;
} pairwise;

static void pairwise_add(pairwise *p, double block)
{
    size_t l = 0;
    for (size_t c = p->blocks++; c & 1; c >>= 1)
        block += p->level[l++];
    p->level[l] = block;
}

static double pairwise_total(const pairwise *p)
{
    double total = 0;
    for (size_t l = 0; l < 64; l++)
        if (p->blocks >> l & 1)
            total += p->level[l];
    return total;
}

/* Terms per block of the pairwise sums, in four running sums. */
#define BLOCK 64

/* Over x[0..n), pairwise: the sum of d_i = x_i s - m, and with squares
 * set, the sum of d_i^2. */
static void deviations(const double *x, size_t n, double s, double m,
                       double *sum, double *squares)
{
    pairwise p_sum = {{0}, 0}, p_squares = {{0}, 0};
    for (size_t i0 = 0; i0 < n; i0 += BLOCK) {
        size_t end = n - i0 < BLOCK ? n : i0 + BLOCK, i = i0;
        double a[4] = {0, 0, 0, 0}, b[4] = {0, 0, 0, 0};
        for (; i + 4 <= end; i += 4) {
            for (int k = 0; k < 4; k++) {
                double d = x[i + k] * s - m;
                a[k] += d;
                b[k] += d * d;
            }
        }
        for (; i < end; i++) {
            double d = x[i] * s - m;
            a[0] += d;
            b[0] += d * d;
        }
        pairwise_add(&p_sum, (a[0] + a[1]) + (a[2] + a[3]));
        pairwise_add(&p_squares, (b[0] + b[1]) + (b[2] + b[3]));
    }
    *sum = pairwise_total(&p_sum);
    if (squares)
        *squares = pairwise_total(&p_squares);
}

/* Sets output k's center and scale to the mean and the population
 * standard deviation (divisor n) of the values x[0..n_seen) and n_fill
 * copies of fill, low and high being their smallest and largest. Two
 * passes over values scaled to [-1, 1]: the mean, a pairwise sum (a few
 * dozen roundings per value, where GSL's running mean divides once per
 * value), then the deviations from it, whose sum corrects the sum of
 * squares (Chan, Golub and LeVeque's corrected two-pass variance).
 * Returns 0 when a value lies farther from the mean than the largest
 * double, so that its transform would overflow. */
static int standardize(churn__pipeline *p, size_t k, const double *x,
                       size_t n_seen, double fill, size_t n_fill,
                       double low, double high)
{
    double n = (double)(n_seen + n_fill), mean = low, sd = 0;
    if (low != high) { /* a constant's mean is itself, exactly */
        double unit = magnitude(x, n_seen, fill, n_fill), s = 1 / unit;
        double sum, dev, squares;
        deviations(x, n_seen, s, 0, &sum, NULL);
        double m = (sum + fill * s * (double)n_fill) / n, d = fill * s - m;
        deviations(x, n_seen, s, m, &dev, &squares);
        dev += d * (double)n_fill;
        squares += d * d * (double)n_fill;
        double var = (squares - dev * dev / n) / n;
        mean = m * unit;
        sd = sqrt(var > 0 ? var : 0) * unit;
    }
    p->center[k] = mean;
    p->scale[k] = sd > 0 ? sd : 1;
    return isfinite(high - mean) && isfinite(mean - low);
}

/* An indicator's center and scale: the share q of ones and sqrt(q (1 -
 * q)), as for a categorical level. */
static void standardize_share(churn__pipeline *p, size_t k, size_t ones,
                              size_t n)
{
    double q = (double)ones / (double)n, sd = sqrt(q * (1 - q));
    p->center[k] = q;
    p->scale[k] = sd > 0 ? sd : 1;
}

/* Fits numeric input j from col, its values in the training rows (n of
 * them, in order). */
static int fit_numeric(churn__pipeline *p, size_t j,
                       const churn__fit_rows *t, const double *col,
                       double *scratch, churn_error *err)
{
    struct churn__pipeline_input *in = &p->inputs[j];
    size_t n_seen = 0;
    double low = INFINITY, high = -INFINITY;
    for (size_t i = 0; i < t->n; i++) {
        double v = col[i];
        if (isnan(v))
            continue;
        if (!isfinite(v))
            return churn__fail(err, CHURN_EINVAL,
                               "column '%s', row '%s': infinite value",
                               in->name,
                               churn_dataset_id(t->ds, churn__fit_row(t, i)));
        scratch[n_seen++] = v;
        low = v < low ? v : low;
        high = v > high ? v : high;
    }
    /* A selection in linear time (reordering scratch), where sorting
     * first would take n log n. */
    in->impute = churn__select_median(scratch, n_seen);
    in->missing = t->keep_missing ? CHURN__MISSING_KEPT
                  : n_seen == t->n ? CHURN__MISSING_NONE
                  : n_seen == 0    ? CHURN__MISSING_ALL
                                   : CHURN__MISSING_SOME;
    if (churn__pipeline_add_outputs(p, j) != CHURN_OK)
        return churn__fail_nomem(err);
    size_t k = in->first_out, n_missing = t->n - n_seen;
    /* The values as imputed: the seen ones and n_missing medians. */
    if (n_missing) {
        low = in->impute < low ? in->impute : low;
        high = in->impute > high ? in->impute : high;
    }
    int ok = standardize(p, k, scratch, n_seen, in->impute, n_missing, low,
                         high);
    if (churn__has_indicator(in))
        standardize_share(p, k + 1, n_missing, t->n);
    if (!ok)
        return churn__fail(err, CHURN_ENUMERIC,
                           "column '%s': values too large to standardize",
                           in->name);
    return CHURN_OK;
}

static int fit_categorical(churn__pipeline *p, size_t j,
                           const churn__fit_rows *t, churn_error *err)
{
    struct churn__pipeline_input *in = &p->inputs[j];
    size_t n_codes = churn_dataset_n_levels(t->ds, j);
    size_t *count = calloc(n_codes ? n_codes : 1, sizeof *count);
    int rc = CHURN_OK;
    if (!count || !(in->levels = churn__strmap_new())) {
        rc = churn__fail_nomem(err);
        goto done;
    }
    for (size_t i = 0; i < t->n; i++) {
        double v = cell(t, i, j);
        if (isnan(v))
            continue;
        if (!(v >= 0 && v < (double)n_codes && v == floor(v))) {
            rc = churn__fail(err, CHURN_EINVAL,
                             "column '%s', row '%s': %g is not a level code",
                             in->name,
                             churn_dataset_id(t->ds, churn__fit_row(t, i)),
                             v);
            goto done;
        }
        count[(size_t)v]++;
    }
    size_t n_levels = 0, n_values = 0;
    for (size_t c = 0; c < n_codes; c++) {
        n_levels += count[c] > 0;
        n_values += count[c];
    }
    rc = churn__check_levels(in->name, (double)n_levels, (double)n_values,
                             err);
    if (rc != CHURN_OK)
        goto done;
    for (size_t c = 0; c < n_codes; c++) {
        const char *text = churn_dataset_level(t->ds, j, c);
        size_t code;
        if (count[c] && churn__strmap_intern(in->levels, text, strlen(text),
                                             &code, NULL) != CHURN_OK) {
            rc = churn__fail_nomem(err);
            goto done;
        }
    }
    if (churn__pipeline_add_outputs(p, j) != CHURN_OK) {
        rc = churn__fail_nomem(err);
        goto done;
    }
    /* The mean of a 0/1 column is the share q of ones and its population
     * variance q (1 - q): no pass over the rows per level is needed. */
    size_t k = in->first_out;
    for (size_t c = 0; c < n_codes; c++) {
        if (!count[c])
            continue;
        double q = (double)count[c] / (double)t->n;
        double sd = sqrt(q * (1 - q));
        p->center[k] = q;
        p->scale[k] = sd > 0 ? sd : 1;
        k++;
    }
done:
    free(count);
    return rc;
}

/* Copies columns j0 .. j0 + group - 1 (those that exist) of the
 * training rows into cols, column after column: one pass over the
 * row-major values, which column-by-column reading would make one pass
 * per column, each touching a cache line per row. */
static void gather_columns(const churn__fit_rows *t, size_t j0, size_t group,
                           double *cols)
{
    size_t g_n = t->n_cols - j0 < group ? t->n_cols - j0 : group;
    for (size_t i = 0; i < t->n; i++) {
        const double *row = t->values + churn__fit_row(t, i) * t->n_cols + j0;
        for (size_t g = 0; g < g_n; g++)
            cols[g * t->n + i] = row[g];
    }
}

int churn__pipeline_fit(const churn_dataset *ds, const size_t *rows, size_t n,
                        churn__pipeline **out, churn_error *err)
{
    return churn__pipeline_fit_comm(ds, rows, n, NULL, out, err);
}

/* Across ranks: every rank has the same columns, some rank has rows, and
 * t->total counts them all; max_outputs becomes a bound for the job's
 * outputs (every rank's levels may differ). */
static int check_job(churn__fit_rows *t, size_t *max_outputs,
                     const churn_comm *comm, churn_error *err)
{
    int rc = churn__check_columns_dist(t->ds, comm, err);
    double counts[2] = {(double)t->n, (double)*max_outputs};
    if (rc == CHURN_OK)
        rc = churn__comm_reduce(comm, counts, 2, CHURN_REDUCE_SUM, err);
    if (rc != CHURN_OK)
        return rc;
    if (counts[0] == 0)
        return churn__fail(err, CHURN_EEMPTY, "no training rows");
    t->total = counts[0];
    *max_outputs = (size_t)counts[1];
    return CHURN_OK;
}

int churn__pipeline_fit_comm(const churn_dataset *ds, const size_t *rows,
                             size_t n, const churn_comm *comm,
                             churn__pipeline **out, churn_error *err)
{
    return churn__pipeline_fit_opts(ds, rows, n, comm, NULL, out, err);
}

/* Unstandardized: every output as it is, center 0 and scale 1, so that
 * (v - 0) / 1 gives v to the bit. */
static void no_scaling(churn__pipeline *p)
{
    for (size_t k = 0; k < p->n_outputs; k++) {
        p->center[k] = 0;
        p->scale[k] = 1;
    }
}

int churn__pipeline_fit_opts(const churn_dataset *ds, const size_t *rows,
                             size_t n, const churn_comm *comm,
                             const churn__pipeline_opts *opts,
                             churn__pipeline **out, churn_error *err)
{
    return churn__pipeline_fit_into(ds, rows, n, comm, opts, NULL, out, err);
}

int churn__pipeline_fit_into(const churn_dataset *ds, const size_t *rows,
                             size_t n, const churn_comm *comm,
                             const churn__pipeline_opts *opts,
                             double *columns, churn__pipeline **out,
                             churn_error *err)
{
    static const churn__pipeline_opts defaults = {0, 1};
    if (!opts)
        opts = &defaults;
    *out = NULL;
    int spans = churn__comm_spans(comm);
    if (!ds)
        return churn_comm_agree(
            comm, churn__fail(err, CHURN_EINVAL, "no dataset"), err);
    churn__fit_rows t = {ds, churn_dataset_values(ds),
                         churn_dataset_n_cols(ds), rows,
                         rows ? n : churn_dataset_n_rows(ds), 0,
                         opts->keep_missing};
    t.total = (double)t.n;
    size_t max_outputs = 0;
    int rc = churn__check_training(&t, spans, &max_outputs, err);
    if (spans && (rc = churn_comm_agree(comm, rc, err)) == CHURN_OK)
        rc = check_job(&t, &max_outputs, comm, err);
    if (rc != CHURN_OK)
        return rc;
    churn__pipeline *p = churn__pipeline_new(t.n_cols);
    double *scratch = churn__huge_alloc((t.n ? t.n : 1) * sizeof *scratch);
    /* Every column in one pass into the caller's buffer; else FIT_GROUP
     * per pass (the values are read from memory once per pass). */
    size_t group = columns ? (t.n_cols ? t.n_cols : 1) : FIT_GROUP;
    double *cols = columns ? columns
                           : malloc((t.n ? group * t.n : 1) * sizeof *cols);
    if (!p || !scratch || !cols ||
        churn__pipeline_reserve_outputs(p, max_outputs) != CHURN_OK)
        rc = churn__fail_nomem(err);
    if (spans)
        rc = churn_comm_agree(comm, rc, err);
    for (size_t j = 0; j < t.n_cols && rc == CHURN_OK; j++) {
        struct churn__pipeline_input *in = &p->inputs[j];
        size_t g = j % group;
        if (g == 0) /* the next group of columns, in one pass over rows */
            gather_columns(&t, j, group, cols);
        in->kind = churn_dataset_column_kind(ds, j);
        in->name = churn__strdup(churn_dataset_column_name(ds, j));
        if (!in->name)
            rc = churn__fail_nomem(err);
        if (spans && (rc = churn_comm_agree(comm, rc, err)) != CHURN_OK)
            break;
        if (rc != CHURN_OK)
            break;
        const double *col = cols + g * t.n;
        if (spans)
            rc = in->kind == CHURN_CATEGORICAL
                     ? churn__fit_categorical_dist(p, j, &t, col, comm, err)
                     : churn__fit_numeric_dist(p, j, &t, col, scratch, comm,
                                               err);
        else
            rc = in->kind == CHURN_CATEGORICAL
                     ? fit_categorical(p, j, &t, err)
                     : fit_numeric(p, j, &t, col, scratch, err);
    }
    if (rc == CHURN_OK && !opts->standardize)
        no_scaling(p);
    if (rc == CHURN_OK) {
        *out = p;
        p = NULL;
    }
    free(scratch);
    if (cols != columns)
        free(cols);
    churn__pipeline_free(p);
    return rc;
}

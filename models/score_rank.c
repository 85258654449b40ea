/* score_rank.c - the probability of every row of a dataset, in parallel
 * batches, and the ranking: all rows sorted, or only the top N picked
 * with a heap and sorted (no reasons here: score.c writes them for the
 * ranks that are kept). */
#include "models/scores.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Highest probability first; equal ones keep input order. */
const char *churn__tier(const churn_score_opts *o, double p)
{
    return p >= o->high ? "high" : p >= o->medium ? "medium" : "low";
}

int churn__by_risk(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->prob != y->prob)
        return x->prob > y->prob ? -1 : 1;
    return (x->row > y->row) - (x->row < y->row);
}

/* What the probability tasks share; task t takes the t-th share. */
typedef struct prob_job {
    const churn_model *m;
    const churn_dataset *ds;
    const churn__binding *bind;
    size_t n, n_tasks;
    ranked *all;
    int *rc;
    churn_error *errs; /* per task */
} prob_job;

int churn__score_batch(const churn_model *m, const churn__binding *bind,
                       const churn_dataset *ds, size_t first, size_t n,
                       double *raw, double *prob, churn_error *err)
{
    size_t d = churn_model_n_inputs(m);
    for (size_t i = 0; i < n; i++)
        churn__binding_row(bind, ds, first + i, raw + i * d);
    return churn_model_predict(m, raw, n, prob, err);
}

static void prob_task(void *ctx, size_t t)
{
    prob_job *j = ctx;
    size_t lo = j->n / j->n_tasks * t;
    size_t hi = t + 1 == j->n_tasks ? j->n : j->n / j->n_tasks * (t + 1);
    size_t d = churn_model_n_inputs(j->m);
    double *raw = malloc(CHURN__SCORE_BATCH * (d ? d : 1) * sizeof *raw);
    double prob[CHURN__SCORE_BATCH];
    int rc = raw ? CHURN_OK : CHURN_ENOMEM;
    for (size_t start = lo; rc == CHURN_OK && start < hi;
         start += CHURN__SCORE_BATCH) {
        size_t b = hi - start < CHURN__SCORE_BATCH ? hi - start
                                                   : CHURN__SCORE_BATCH;
        rc = churn__score_batch(j->m, j->bind, j->ds, start, b, raw, prob,
                                &j->errs[t]);
        for (size_t i = 0; rc == CHURN_OK && i < b; i++)
            j->all[start + i] = (ranked){start + i, prob[i]};
    }
    free(raw);
    j->rc[t] = rc;
}

int churn__score_probabilities(const churn_model *m, const churn_dataset *ds,
                               const churn__binding *bind, size_t n_threads,
                               ranked *all, churn_error *err)
{
    size_t n = churn_dataset_n_rows(ds);
    /* Small inputs are not worth a thread. */
    size_t n_tasks = n < 4096 || n_threads < 1 ? 1 : n_threads;
    int *rc = calloc(n_tasks, sizeof *rc);
    churn_error *errs = calloc(n_tasks, sizeof *errs);
    int result = rc && errs ? CHURN_OK : churn__fail_nomem(err);
    prob_job j = {m, ds, bind, n, n_tasks, all, rc, errs};
    if (result == CHURN_OK)
        churn__run_tasks(n_tasks, prob_task, &j);
    /* The first failing share's error: the first bad row in file order. */
    for (size_t t = 0; result == CHURN_OK && t < n_tasks; t++)
        if (rc[t] != CHURN_OK) {
            result = rc[t];
            if (err)
                *err = errs[t];
        }
    free(rc);
    free(errs);
    return result;
}

/* Sorts order by risk: halves in two threads, then one merge. by_risk is
 * a total order (row numbers break ties), so the result is qsort's. */
typedef struct sort_job {
    ranked *order;
    size_t n, half;
} sort_job;

static void sort_task(void *ctx, size_t t)
{
    sort_job *j = ctx;
    size_t lo = t ? j->half : 0, hi = t ? j->n : j->half;
    qsort(j->order + lo, hi - lo, sizeof *j->order, churn__by_risk);
}

/* The sort key of a probability p in [0, 1] (not -0, not NaN): smaller
 * for likelier churn. Such doubles order as their bits do. */
static uint64_t risk_key(double p)
{
    uint64_t bits;
    memcpy(&bits, &p, sizeof bits);
    return ~bits;
}

/* Sorts order (n rows in increasing row order) by risk with a stable LSD
 * radix sort, a byte at a time: ties keep the row order, so the result
 * is churn__by_risk's; between passes the rows sit in scratch (room for
 * n; NULL: allocated here). Returns 0, leaving order as it was, when a
 * probability is outside [0, 1] (or -0 or NaN) or out of memory. */
static int radix_by_risk(ranked *order, size_t n, ranked *scratch)
{
    for (size_t i = 0; i < n; i++)
        if (!(order[i].prob >= 0 && order[i].prob <= 1) ||
            signbit(order[i].prob))
            return 0;
    ranked *tmp = scratch ? scratch : churn__huge_alloc(n * sizeof *tmp);
    if (!tmp)
        return 0;
    ranked *from = order, *to = tmp;
    for (unsigned shift = 0; shift < 64; shift += 8) {
        size_t count[257] = {0};
        for (size_t i = 0; i < n; i++)
            count[((risk_key(from[i].prob) >> shift) & 0xff) + 1]++;
        int trivial = 0; /* every key has this byte alike: nothing moves */
        for (size_t b = 1; b <= 256; b++)
            trivial |= count[b] == n;
        if (trivial)
            continue;
        for (size_t b = 1; b <= 256; b++)
            count[b] += count[b - 1];
        for (size_t i = 0; i < n; i++)
            to[count[(risk_key(from[i].prob) >> shift) & 0xff]++] = from[i];
        ranked *t = from;
        from = to;
        to = t;
    }
    if (from != order)
        memcpy(order, from, n * sizeof *order);
    if (tmp != scratch)
        free(tmp);
    return 1;
}

static void sort_by_risk(ranked *order, size_t n, size_t n_threads,
                         ranked *scratch)
{
    if (n > 4096 && radix_by_risk(order, n, scratch))
        return;
    ranked *merged = n_threads > 1 && n > 4096 ? malloc(n * sizeof *merged)
                                               : NULL;
    if (!merged) {
        qsort(order, n, sizeof *order, churn__by_risk);
        return;
    }
    sort_job j = {order, n, n / 2};
    churn__run_tasks(2, sort_task, &j);
    size_t a = 0, b = j.half, k = 0;
    while (a < j.half && b < n)
        merged[k++] = churn__by_risk(&order[b], &order[a]) < 0 ? order[b++]
                                                               : order[a++];
    while (a < j.half)
        merged[k++] = order[a++];
    while (b < n)
        merged[k++] = order[b++];
    memcpy(order, merged, n * sizeof *order);
    free(merged);
}

/* Restores the heap property below position i of heap (n items) whose
 * root is the lowest-risk item. */
static void sift_down(ranked *heap, size_t n, size_t i)
{
    for (;;) {
        size_t worst = i, l = 2 * i + 1, r = l + 1;
        if (l < n && churn__by_risk(&heap[l], &heap[worst]) > 0)
            worst = l;
        if (r < n && churn__by_risk(&heap[r], &heap[worst]) > 0)
            worst = r;
        if (worst == i)
            return;
        ranked t = heap[i];
        heap[i] = heap[worst];
        heap[worst] = t;
        i = worst;
    }
}

size_t churn__rank_rows(ranked *all, size_t n, size_t top, size_t n_threads,
                        void *scratch)
{
    if (top == 0 || top >= n) {
        sort_by_risk(all, n, n_threads, scratch);
        return n;
    }
    /* all[0..top) becomes a heap of the top rows seen so far, the
     * lowest-risk of them at its root: a row beats the root or is out.
     * Since by_risk is a total order, the rows kept are the first top of
     * the full sort, and so is their sorted order. */
    for (size_t i = top / 2; i-- > 0;)
        sift_down(all, top, i);
    for (size_t i = top; i < n; i++)
        if (churn__by_risk(&all[i], &all[0]) < 0) {
            /* A swap, not a copy: all stays a permutation of the rows,
             * which the tier counts read. */
            ranked out = all[0];
            all[0] = all[i];
            all[i] = out;
            sift_down(all, top, 0);
        }
    qsort(all, top, sizeof *all, churn__by_risk);
    return top;
}

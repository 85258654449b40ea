/* score_reasons.c - the reasons column of a ranking: each customer's
 * inputs' contributions ranked and written as text, for the ranked rows
 * (rank order, after a top N) or for every row in the same pass as the
 * probabilities (row order, a full ranking: the row is read once, while
 * it is in the cache). */
#include "models/scores.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int churn__reserve_text(churn_scores *s, size_t more)
{
    if (s->text_len + more <= s->text_cap)
        return CHURN_OK;
    size_t cap = s->text_cap ? s->text_cap : 4096;
    while (cap < s->text_len + more)
        cap *= 2;
    char *p = realloc(s->text, cap);
    if (!p)
        return CHURN_ENOMEM;
    s->text = p;
    s->text_cap = cap;
    return CHURN_OK;
}

/* Appends text to the item being built in buf (size bytes, *len used),
 * cut as snprintf cuts: the item never exceeds size - 1 bytes. */
static void put(char *buf, size_t size, size_t *len, const char *text,
                size_t n)
{
    if (*len + n > size - 1)
        n = size - 1 - *len;
    memcpy(buf + *len, text, n);
    *len += n;
}

/* Describes the raw value of input j of row i in ds ("3", "gold",
 * "missing") as snprintf(buf, size, "%.4g" or "%s") would; col is ds's
 * column for the input. Returns the length. */
static size_t describe_value(const churn_dataset *ds, size_t i, size_t col,
                             char *buf, size_t size)
{
    double v = churn_dataset_value(ds, i, col);
    size_t len = 0;
    if (isnan(v)) {
        put(buf, size, &len, "missing", 7);
    } else if (churn_dataset_column_kind(ds, col) == CHURN_CATEGORICAL) {
        const char *level = churn_dataset_level(ds, col, (size_t)v);
        put(buf, size, &len, level, strlen(level));
    } else {
        char num[CHURN__NUM_BUF];
        size_t n = churn__format_g(v, 4, num);
        put(buf, size, &len, num, n);
    }
    buf[len] = '\0';
    return len;
}

/* The reasons of one row by input, "name=value (+0.12); ...", into buf
 * (CHURN__REASONS_TEXT bytes): the n largest contributions first, ties in
 * input order; each item cut to 399 bytes and each value to 63, as
 * "%s=%s (%+.2f)" into those buffers printed it. Returns the length. */
static size_t format_by_input(const churn__reasons_plan *p, size_t i,
                              const double *contrib, size_t n_reasons,
                              char *buf)
{
    size_t d = churn__pipeline_n_inputs(p->m->pipe);
    /* Insertion into a short sorted list: n_reasons is at most 10. */
    size_t best[CHURN__MAX_REASONS], n_best = 0, total = 0;
    for (size_t j = 0; j < d; j++) {
        size_t at = n_best;
        while (at > 0 && contrib[j] > contrib[best[at - 1]])
            at--;
        if (at >= n_reasons)
            continue;
        if (n_best < n_reasons)
            n_best++;
        memmove(best + at + 1, best + at, (n_best - 1 - at) * sizeof *best);
        best[at] = j;
    }
    for (size_t r = 0; r < n_best; r++) {
        char value[64], num[CHURN__NUM_BUF], *item = buf + total;
        size_t len = 0, size = 400;
        size_t n_value = describe_value(p->ds, i, p->col[best[r]], value,
                                        sizeof value);
        const char *name = churn__pipeline_input_name(p->m->pipe, best[r]);
        size_t n_num = churn__format_fixed(contrib[best[r]], 2, 1, num);
        if (r)
            put(item, size, &len, "; ", 2);
        put(item, size, &len, name, strlen(name));
        put(item, size, &len, "=", 1);
        put(item, size, &len, value, n_value);
        put(item, size, &len, " (", 2);
        put(item, size, &len, num, n_num);
        put(item, size, &len, ")", 1);
        total += len;
    }
    buf[total] = '\0';
    return total;
}

int churn__reasoner_init(churn__reasoner *w, const churn_model *m,
                         const churn_dataset *ds, const churn__binding *bind,
                         const size_t *cols, size_t n_reasons, int by_input)
{
    size_t d = churn__pipeline_n_inputs(m->pipe), p = m->n_outputs;
    *w = (churn__reasoner){m,    ds,   bind, cols, n_reasons, by_input,
                           NULL, NULL, NULL, NULL, {0}};
    int plan_rc = churn__reasons_plan_init(&w->plan, m, ds);
    w->raw = malloc((d ? d : 1) * sizeof *w->raw);
    w->z = malloc((p ? p : 1) * sizeof *w->z);
    /* d contributions, then the scratch of churn__classifier_contrib. */
    w->contrib = malloc((4 * d + p + 1) * sizeof *w->contrib);
    w->out_input = malloc((p ? p : 1) * sizeof *w->out_input);
    for (size_t k = 0; w->out_input && k < p; k++)
        w->out_input[k] = churn__pipeline_output_input(m->pipe, k);
    return w->raw && w->z && w->contrib && w->out_input &&
                   plan_rc == CHURN_OK
               ? CHURN_OK
               : CHURN_ENOMEM;
}

void churn__reasoner_clear(churn__reasoner *w)
{
    free(w->raw);
    free(w->z);
    free(w->contrib);
    free(w->out_input);
    churn__reasons_plan_clear(&w->plan);
}

/* churn__reasoner_write for row i whose raw inputs are already at raw. */
static int write_raw(churn__reasoner *w, size_t i, const double *raw,
                     churn_scores *part)
{
    const churn_model *m = w->m;
    size_t d = churn__pipeline_n_inputs(m->pipe), len = 0;
    /* The longest reasons text and its NUL, written in place. */
    if (churn__reserve_text(part, CHURN__REASONS_TEXT) != CHURN_OK)
        return CHURN_ENOMEM;
    char *at = part->text + part->text_len;
    if (w->n_reasons > 0) {
        /* The contributions need the standardized row, not the decision
         * value: no second kernel expansion. */
        churn__pipeline_transform(m->pipe, raw, w->z);
        churn__classifier_contrib(&m->clf, w->z, w->out_input, d,
                                  w->contrib, w->contrib + d);
        len = w->by_input ? format_by_input(&w->plan, i, w->contrib,
                                            w->n_reasons, at)
                          : churn__reasons_format(&w->plan, i, w->contrib,
                                                  w->n_reasons, at);
    }
    at[len] = '\0';
    part->text_len += len + 1;
    return CHURN_OK;
}

int churn__reasoner_write(churn__reasoner *w, size_t i, churn_scores *part)
{
    if (w->n_reasons > 0)
        churn__binding_row(w->bind, w->ds, i, w->raw);
    return write_raw(w, i, w->raw, part);
}

/* Asks for the values of row i of ds to be brought into the cache: rows
 * come in rank order, scattered over the dataset. */
static void prefetch_row(const churn_dataset *ds, size_t i)
{
#if defined(__GNUC__)
    size_t d = churn_dataset_n_cols(ds);
    const double *v = churn_dataset_values(ds) + i * d;
    for (size_t k = 0; k < d; k += 8)
        __builtin_prefetch(v + k);
#else
    (void)ds;
    (void)i;
#endif
}

/* What the reason threads share. Task t takes the t-th share of the n
 * items (ranks, or rows) and writes their reasons in order into its
 * part's text; off[item] gets the offset there. */
typedef struct reason_job {
    const churn_model *m;
    const churn_dataset *ds;
    const churn__binding *bind;
    const size_t *cols;
    size_t n_reasons, n_tasks, n;
    int by_input;
    const ranked *order; /* by rank: the rows; NULL: by row */
    ranked *all;         /* by row: gets each row's probability */
    size_t row0;         /* by row: the number of the dataset's first */
    size_t *off;
    churn_scores *parts; /* per task: only its text is used */
    int *rc, *reasons_rc;
    churn_error *errs; /* per task */
} reason_job;

static void task_share(const reason_job *j, size_t t, size_t *lo, size_t *hi)
{
    *lo = j->n / j->n_tasks * t;
    *hi = t + 1 == j->n_tasks ? j->n : j->n / j->n_tasks * (t + 1);
}

/* The reasons of the ranks of task t, rows taken in rank order. */
static void rank_task(void *ctx, size_t t)
{
    reason_job *j = ctx;
    size_t lo, hi;
    churn__reasoner w;
    int rc = churn__reasoner_init(&w, j->m, j->ds, j->bind, j->cols,
                                  j->n_reasons, j->by_input);
    churn_scores *part = &j->parts[t];
    task_share(j, t, &lo, &hi);
    for (size_t r = lo; rc == CHURN_OK && r < hi; r++) {
        if (r + 8 < hi && j->n_reasons > 0)
            prefetch_row(j->ds, j->order[r + 8].row);
        j->off[r] = part->text_len;
        rc = churn__reasoner_write(&w, j->order[r].row, part);
    }
    churn__reasoner_clear(&w);
    j->reasons_rc[t] = rc;
}

int churn__explain_rows(churn__reasoner *w, size_t lo, size_t hi,
                        size_t row0, double *raw, ranked *all, size_t *off,
                        churn_scores *part, int *reasons_rc,
                        churn_error *err)
{
    size_t d = churn_model_n_inputs(w->m);
    double prob[CHURN__SCORE_BATCH];
    int rc = CHURN_OK;
    for (size_t start = lo; rc == CHURN_OK && start < hi;
         start += CHURN__SCORE_BATCH) {
        size_t b = hi - start < CHURN__SCORE_BATCH ? hi - start
                                                   : CHURN__SCORE_BATCH;
        rc = churn__score_batch(w->m, w->bind, w->ds, start, b, raw, prob,
                                err);
        for (size_t i = 0; rc == CHURN_OK && i < b; i++) {
            size_t k = start + i - lo;
            all[k] = (ranked){row0 + start + i, prob[i]};
            off[k] = part->text_len;
            if (*reasons_rc == CHURN_OK)
                *reasons_rc = write_raw(w, start + i, raw + i * d, part);
        }
    }
    return rc;
}

/* The probabilities and reasons of the rows of task t, in row order (see
 * churn__explain_rows). */
static void row_task(void *ctx, size_t t)
{
    reason_job *j = ctx;
    size_t lo, hi, d = churn_model_n_inputs(j->m);
    churn__reasoner w;
    int reasons_rc = churn__reasoner_init(&w, j->m, j->ds, j->bind, j->cols,
                                          j->n_reasons, j->by_input);
    double *raw = malloc(CHURN__SCORE_BATCH * (d ? d : 1) * sizeof *raw);
    int rc = raw ? CHURN_OK : CHURN_ENOMEM;
    task_share(j, t, &lo, &hi);
    if (rc == CHURN_OK)
        rc = churn__explain_rows(&w, lo, hi, j->row0, raw, j->all + lo,
                                 j->off + lo, &j->parts[t], &reasons_rc,
                                 &j->errs[t]);
    churn__reasoner_clear(&w);
    free(raw);
    j->rc[t] = rc;
    j->reasons_rc[t] = reasons_rc;
}

/* Joins the tasks' texts in order into s->text, each task's offsets in
 * j->off moved by where its text lands. */
static int join_parts(reason_job *j, churn_scores *s)
{
    size_t total = 0;
    for (size_t t = 0; t < j->n_tasks; t++)
        total += j->parts[t].text_len;
    /* The first share's text grows into the whole, and each other share
     * is freed once copied: one copy fewer, and never all the text twice
     * in memory. */
    char *text = realloc(j->parts[0].text, total ? total : 1);
    if (!text)
        return CHURN_ENOMEM;
    j->parts[0].text = NULL;
    s->text = text;
    s->text_len = j->parts[0].text_len;
    for (size_t t = 1; t < j->n_tasks; t++) {
        size_t base = s->text_len, lo, hi;
        if (j->parts[t].text_len)
            memcpy(s->text + base, j->parts[t].text, j->parts[t].text_len);
        s->text_len += j->parts[t].text_len;
        free(j->parts[t].text);
        j->parts[t].text = NULL;
        task_share(j, t, &lo, &hi);
        for (size_t r = lo; r < hi; r++)
            j->off[r] += base;
    }
    s->text_cap = total;
    return CHURN_OK;
}

/* Runs fn in n_tasks threads over j, then joins their texts into s.
 * CHURN_OK, the first failing task's model error (err says why) or
 * CHURN_ENOMEM. */
static int run_job(reason_job *j, size_t n_tasks,
                   void (*fn)(void *ctx, size_t t), churn_scores *s,
                   churn_error *err)
{
    j->n_tasks = n_tasks;
    j->parts = calloc(n_tasks, sizeof *j->parts);
    j->rc = calloc(n_tasks, sizeof *j->rc);
    j->reasons_rc = calloc(n_tasks, sizeof *j->reasons_rc);
    j->errs = calloc(n_tasks, sizeof *j->errs);
    int rc = j->parts && j->rc && j->reasons_rc && j->errs ? CHURN_OK
                                                           : CHURN_ENOMEM;
    if (rc == CHURN_OK)
        churn__run_tasks(n_tasks, fn, j);
    /* The first failing share's error: the first bad row in file order. */
    for (size_t t = 0; rc == CHURN_OK && t < n_tasks; t++)
        if (j->rc[t] != CHURN_OK) {
            rc = j->rc[t];
            if (err && rc != CHURN_ENOMEM)
                *err = j->errs[t];
        }
    for (size_t t = 0; rc == CHURN_OK && t < n_tasks; t++)
        rc = j->reasons_rc[t];
    if (rc == CHURN_OK)
        rc = join_parts(j, s);
    for (size_t t = 0; j->parts && t < n_tasks; t++)
        free(j->parts[t].text);
    free(j->parts);
    free(j->rc);
    free(j->reasons_rc);
    free(j->errs);
    return rc;
}

int churn__score_reasons_ranked(churn_scores *s, const churn_model *m,
                                const churn_dataset *ds,
                                const churn__binding *bind,
                                const size_t *cols, size_t n_reasons,
                                int by_input)
{
    size_t *off = malloc((s->n ? s->n : 1) * sizeof *off);
    reason_job j = {.m = m, .ds = ds, .bind = bind, .cols = cols,
                    .n_reasons = n_reasons, .n = s->n, .by_input = by_input,
                    .order = s->order, .off = off};
    /* Small inputs are not worth a thread. */
    int rc = off ? run_job(&j, s->n < 4096 ? 1 : s->n_threads, rank_task, s,
                           NULL)
                 : CHURN_ENOMEM;
    for (size_t r = 0; rc == CHURN_OK && r < s->n; r++)
        s->reasons[r] = s->text + off[r];
    free(off);
    return rc;
}

int churn__score_rows(churn_scores *s, const churn_model *m,
                      const churn_dataset *ds, const churn__binding *bind,
                      const size_t *cols, size_t n_reasons, int by_input,
                      size_t row0, ranked *all, size_t *off,
                      churn_error *err)
{
    size_t n = churn_dataset_n_rows(ds);
    reason_job j = {.m = m, .ds = ds, .bind = bind, .cols = cols,
                    .n_reasons = n_reasons, .n = n, .by_input = by_input,
                    .all = all, .row0 = row0, .off = off};
    size_t n_tasks = n < 4096 || s->n_threads < 1 ? 1 : s->n_threads;
    return run_job(&j, n_tasks, row_task, s, err);
}

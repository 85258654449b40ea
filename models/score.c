/* score.c - ranking customers by churn probability, risk tiers, and the
 * reasons: each input's contribution to the customer's decision value. */
#include "models/scores.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_REASONS CHURN__MAX_REASONS

/* Rows formatted per round of parallel writing. */
#define WRITE_BATCH 65536

/* The defaults, for churn_score_opts_new and for NULL options. */
static const churn_score_opts score_defaults = {
    .high = 0.5, .medium = 0.2, .n_reasons = 3};

churn_score_opts *churn_score_opts_new(void)
{
    churn_score_opts *o = malloc(sizeof *o);
    if (o)
        *o = score_defaults;
    return o;
}

void churn_score_opts_free(churn_score_opts *o) { free(o); }

int churn_score_opts_set_threads(churn_score_opts *o, size_t n)
{
    if (!o || n > 256)
        return CHURN_EINVAL;
    o->n_threads = n;
    return CHURN_OK;
}

int churn_score_opts_set_top(churn_score_opts *o, size_t n)
{
    if (!o)
        return CHURN_EINVAL;
    o->top = n;
    return CHURN_OK;
}

int churn_score_opts_set_tiers(churn_score_opts *o, double high, double medium)
{
    if (!o || !(high <= 1 && medium >= 0 && high >= medium))
        return CHURN_EINVAL;
    o->high = high;
    o->medium = medium;
    return CHURN_OK;
}

int churn_score_opts_set_reason_groups(churn_score_opts *o, int on)
{
    if (!o)
        return CHURN_EINVAL;
    o->by_input = !on;
    return CHURN_OK;
}

int churn_score_opts_set_reasons(churn_score_opts *o, size_t n)
{
    if (!o || n > MAX_REASONS)
        return CHURN_EINVAL;
    o->n_reasons = n;
    return CHURN_OK;
}

void churn_scores_free(churn_scores *s)
{
    if (!s)
        return;
    free(s->ids);
    free(s->id_text);
    free(s->order);
    free(s->tiers);
    free(s->reason_off);
    free(s->text);
    free(s->prev_prob);
    free(s->prev_tier);
    churn__scores_free_columns(s);
    free(s);
}

static int append_text(churn_scores *s, const char *t, size_t len)
{
    if (s->text_len + len + 1 > s->text_cap) {
        size_t cap = s->text_cap ? s->text_cap : 4096;
        while (cap < s->text_len + len + 1)
            cap *= 2;
        char *p = realloc(s->text, cap);
        if (!p)
            return CHURN_ENOMEM;
        s->text = p;
        s->text_cap = cap;
    }
    memcpy(s->text + s->text_len, t, len);
    s->text_len += len;
    s->text[s->text_len] = '\0';
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

/* Writes the reasons of one row, NUL-terminated, into s->text: the
 * inputs' contributions (contrib, n_inputs of them), the n largest first.
 * Ties keep input order. Each reason reads "name=value (+0.12)", as
 * "%s=%s (%+.2f)" would print it, without printf (a million rows). */
static int write_reasons(churn_scores *s, const churn__reasons_plan *p,
                         size_t i, const size_t *cols, const double *contrib,
                         size_t n_reasons, int by_input)
{
    const churn_model *m = p->m;
    const churn_dataset *ds = p->ds;
    size_t d = churn__pipeline_n_inputs(m->pipe);
    if (!by_input) { /* by family, in words: reasons.c */
        char text[CHURN__REASONS_TEXT];
        size_t len = churn__reasons_format(p, i, contrib, n_reasons, text);
        if (append_text(s, text, len) != CHURN_OK)
            return CHURN_ENOMEM;
        return append_text(s, "", 1);
    }
    /* Insertion into a short sorted list: n_reasons is at most 10. */
    size_t best[MAX_REASONS], n_best = 0;
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
        char value[64], item[400], num[CHURN__NUM_BUF];
        size_t len = 0, n_value = describe_value(ds, i, cols[best[r]],
                                                 value, sizeof value);
        const char *name = churn__pipeline_input_name(m->pipe, best[r]);
        size_t n_num = churn__format_fixed(contrib[best[r]], 2, 1, num);
        if (r)
            put(item, sizeof item, &len, "; ", 2);
        put(item, sizeof item, &len, name, strlen(name));
        put(item, sizeof item, &len, "=", 1);
        put(item, sizeof item, &len, value, n_value);
        put(item, sizeof item, &len, " (", 2);
        put(item, sizeof item, &len, num, n_num);
        put(item, sizeof item, &len, ")", 1);
        if (append_text(s, item, len) != CHURN_OK)
            return CHURN_ENOMEM;
    }
    return append_text(s, "", 1); /* the terminating NUL */
}

/* Allocates the per-rank arrays of s for n rows (s->order unless set). */
static int alloc_scores(churn_scores *s, size_t n)
{
    size_t m = n ? n : 1;
    if (!s->order)
        s->order = malloc(m * sizeof *s->order);
    s->tiers = malloc(m * sizeof *s->tiers);
    s->ids = calloc(m, sizeof *s->ids);
    s->reason_off = malloc(m * sizeof *s->reason_off);
    return s->order && s->tiers && s->ids && s->reason_off ? CHURN_OK
                                                          : CHURN_ENOMEM;
}

/* What the reason threads share: task t takes the t-th share of the
 * ranks and writes their reasons in rank order, the order the file is
 * written in, so that writing reads the texts in order. */
typedef struct reason_job {
    churn_scores *s;
    const churn_model *m;
    const churn_dataset *ds;
    const churn__binding *bind;
    const size_t *cols;
    size_t n_reasons, n_tasks;
    int by_input;
    churn_scores *parts; /* per task: only its text is used */
    int *rc;
} reason_job;

static void task_ranks(const reason_job *j, size_t t, size_t *lo, size_t *hi)
{
    size_t n = j->s->n;
    *lo = n / j->n_tasks * t;
    *hi = t + 1 == j->n_tasks ? n : n / j->n_tasks * (t + 1);
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

int churn__reasoner_write(churn__reasoner *w, size_t i, churn_scores *part)
{
    const churn_model *m = w->m;
    if (w->n_reasons > 0) {
        /* The contributions need the standardized row, not the decision
         * value: no second kernel expansion. */
        churn__binding_row(w->bind, w->ds, i, w->raw);
        churn__pipeline_transform(m->pipe, w->raw, w->z);
        churn__classifier_contrib(&m->clf, w->z, w->out_input,
                                  churn__pipeline_n_inputs(m->pipe),
                                  w->contrib,
                                  w->contrib +
                                      churn__pipeline_n_inputs(m->pipe));
    }
    return write_reasons(part, &w->plan, i, w->cols, w->contrib,
                         w->n_reasons, w->by_input);
}

/* Writes the reasons of the ranked rows of task t into its part's text;
 * s->reason_off[rank] gets the offset there. */
static void reason_task(void *ctx, size_t t)
{
    reason_job *j = ctx;
    size_t lo, hi;
    churn__reasoner w;
    int rc = churn__reasoner_init(&w, j->m, j->ds, j->bind, j->cols,
                                  j->n_reasons, j->by_input);
    churn_scores *part = &j->parts[t];
    const ranked *order = j->s->order;
    task_ranks(j, t, &lo, &hi);
    for (size_t r = lo; rc == CHURN_OK && r < hi; r++) {
        if (r + 8 < hi && j->n_reasons > 0)
            prefetch_row(j->ds, order[r + 8].row);
        j->s->reason_off[r] = part->text_len;
        rc = churn__reasoner_write(&w, order[r].row, part);
    }
    churn__reasoner_clear(&w);
    j->rc[t] = rc;
}

/* Writes the reasons of the ranked rows in n_tasks threads, then joins
 * their texts in rank order into s->text. */
static int reasons_all(reason_job *j, size_t n_tasks)
{
    j->n_tasks = n_tasks;
    j->parts = calloc(n_tasks, sizeof *j->parts);
    j->rc = calloc(n_tasks, sizeof *j->rc);
    int rc = j->parts && j->rc ? CHURN_OK : CHURN_ENOMEM;
    if (rc == CHURN_OK)
        churn__run_tasks(n_tasks, reason_task, j);
    size_t total = 0;
    for (size_t t = 0; rc == CHURN_OK && t < n_tasks; t++) {
        rc = j->rc[t];
        total += j->parts[t].text_len;
    }
    churn_scores *s = j->s;
    /* The first share's text grows into the whole, and each other share
     * is freed once copied: one copy fewer, and never all the text twice
     * in memory. */
    char *text = rc == CHURN_OK ? realloc(j->parts[0].text, total ? total : 1)
                                : NULL;
    if (rc == CHURN_OK && !text)
        rc = CHURN_ENOMEM;
    if (rc == CHURN_OK) {
        j->parts[0].text = NULL;
        s->text = text;
        s->text_len = j->parts[0].text_len;
    }
    for (size_t t = 1; rc == CHURN_OK && t < n_tasks; t++) {
        size_t base = s->text_len, lo, hi;
        if (j->parts[t].text_len)
            memcpy(s->text + base, j->parts[t].text, j->parts[t].text_len);
        s->text_len += j->parts[t].text_len;
        free(j->parts[t].text);
        j->parts[t].text = NULL;
        task_ranks(j, t, &lo, &hi);
        for (size_t r = lo; r < hi; r++)
            s->reason_off[r] += base;
    }
    s->text_cap = total;
    for (size_t t = 0; j->parts && t < n_tasks; t++)
        free(j->parts[t].text);
    free(j->parts);
    free(j->rc);
    return rc;
}

/* Fills the ranks of s from its first s->n rows of all: order, tiers and
 * ids (copied in rank order into one block); counts the high tier among
 * all n rows. */
static int fill_ranks(churn_scores *s, const ranked *all, size_t n,
                      const churn_dataset *ds, const churn_score_opts *o)
{
    for (size_t i = 0; i < n; i++)
        s->n_high += all[i].prob >= o->high;
    size_t id_bytes = 1;
    for (size_t r = 0; r < s->n; r++)
        id_bytes += strlen(churn_dataset_id(ds, all[r].row)) + 1;
    if (!(s->id_text = malloc(id_bytes)))
        return CHURN_ENOMEM;
    for (size_t r = 0, at = 0; r < s->n; r++) {
        double p = all[r].prob;
        if (s->order != all)
            s->order[r] = all[r];
        s->tiers[r] = p >= o->high ? "high" : p >= o->medium ? "medium"
                                                             : "low";
        const char *id = churn_dataset_id(ds, all[r].row);
        size_t len = strlen(id) + 1;
        s->ids[r] = memcpy(s->id_text + at, id, len);
        at += len;
    }
    return CHURN_OK;
}

int churn_score_dataset(const churn_model *m, const churn_dataset *ds,
                        const churn_score_opts *o, churn_scores **out,
                        churn_error *err)
{
    if (!m || !ds || !out)
        return churn__fail(err, CHURN_EINVAL, "score: null argument");
    *out = NULL;
    /* NULL options are the defaults, as in the other calls. */
    if (!o)
        o = &score_defaults;
    size_t n = churn_dataset_n_rows(ds), d = churn__pipeline_n_inputs(m->pipe);
    /* A header without rows is most likely a failed export: say so,
     * rather than write an empty ranking (or trip over the kinds of
     * columns that have no values). */
    if (n == 0)
        return churn__fail(err, CHURN_EEMPTY,
                           "no rows to score (the data has only a header)");
    churn__binding *bind = NULL;
    size_t *cols = malloc((d ? d : 1) * sizeof *cols);
    ranked *all = malloc(n * sizeof *all);
    churn_scores *s = calloc(1, sizeof *s);
    int rc = CHURN_ENOMEM;
    if (!cols || !all || !s)
        goto done;
    rc = churn__pipeline_bind(m->pipe, ds, &bind, err);
    if (rc != CHURN_OK)
        goto done;
    for (size_t j = 0; j < d; j++) /* bind succeeded: all are present */
        cols[j] = churn_dataset_column_index(
            ds, churn__pipeline_input_name(m->pipe, j));
    size_t n_threads = o->n_threads ? o->n_threads : churn__online_cores();
    s->n_threads = n_threads;
    rc = churn__score_probabilities(m, ds, bind, n_threads, all, err);
    if (rc != CHURN_OK) /* err says why */
        goto done_err;
    /* Reasons cost far more than probabilities: only for ranked rows. */
    s->n = churn__rank_rows(all, n, o->top, n_threads);
    s->n_scored = n;
    if (s->n == n) { /* all rows ranked: all is the order */
        s->order = all;
        all = NULL;
    }
    rc = alloc_scores(s, s->n);
    if (rc == CHURN_OK)
        rc = fill_ranks(s, all ? all : s->order, n, ds, o);
    if (rc != CHURN_OK)
        goto done;
    free(all); /* s->order has the ranked rows */
    all = NULL;
    reason_job job = {s,    m,          ds,   bind, cols, o->n_reasons, 1,
                      o->by_input, NULL, NULL};
    /* Small inputs are not worth a thread. */
    rc = reasons_all(&job, s->n < 4096 ? 1 : n_threads);
done:
    if (rc == CHURN_ENOMEM)
        churn__fail_nomem(err);
done_err:
    churn__binding_free(bind);
    free(cols);
    free(all);
    if (rc == CHURN_OK)
        *out = s;
    else
        churn_scores_free(s);
    return rc;
}

size_t churn_scores_n_scored(const churn_scores *s) { return s->n_scored; }

size_t churn_scores_n_high(const churn_scores *s) { return s->n_high; }

size_t churn_scores_n(const churn_scores *s) { return s->n; }

const char *churn_scores_id(const churn_scores *s, size_t r)
{
    return r < s->n ? s->ids[r] : NULL;
}

size_t churn_scores_row(const churn_scores *s, size_t r)
{
    return r < s->n ? s->order[r].row : (size_t)-1;
}

double churn_scores_probability(const churn_scores *s, size_t r)
{
    return r < s->n ? s->order[r].prob : NAN;
}

const char *churn_scores_tier(const churn_scores *s, size_t r)
{
    return r < s->n ? s->tiers[r] : NULL;
}

const char *churn_scores_reasons(const churn_scores *s, size_t r)
{
    return r < s->n ? s->text + s->reason_off[r] : NULL;
}

/* The comparison columns of rank r: empty for a customer that is new. */
static void write_change(const churn_scores *s, FILE *f, size_t r)
{
    char num[CHURN__NUM_BUF];
    double prev = s->prev_prob[r];
    if (isnan(prev)) {
        fputs(",,,,0", f);
        return;
    }
    fprintf(f, ",%s", churn__format_double(prev, num));
    fprintf(f, ",%s,%s,%d",
            churn__format_double(s->order[r].prob - prev, num),
            s->prev_tier[r], churn_scores_escalated(s, r));
}

/* Appends text as one CSV field to buf at *len, as churn__csv_put_field
 * writes it: quoted, quotes doubled, only when it holds a comma, quote or
 * line break. buf has room for 2 + 2 * strlen(text) more bytes. */
static void put_field(char *buf, size_t *len, const char *text, size_t n)
{
    size_t k = *len, i = 0;
    while (i < n && text[i] != ',' && text[i] != '"' && text[i] != '\r' &&
           text[i] != '\n')
        i++;
    if (i == n) {
        memcpy(buf + k, text, n);
        *len = k + n;
        return;
    }
    buf[k++] = '"';
    for (i = 0; i < n; i++) {
        if (text[i] == '"')
            buf[k++] = '"';
        buf[k++] = text[i];
    }
    buf[k++] = '"';
    *len = k;
}

/* Formats the line of rank r ("id,probability,rank,tier,reasons\n") at
 * the end of out, growing it. Returns 0 when out of memory. */
static int format_line(const churn_scores *s, size_t r, churn_scores *out)
{
    const char *id = s->ids[r], *reasons = churn_scores_reasons(s, r);
    size_t n_id = strlen(id), n_reasons = strlen(reasons);
    size_t need = 2 * (n_id + n_reasons) + CHURN__NUM_BUF + 64;
    if (out->text_len + need > out->text_cap) {
        size_t cap = out->text_cap ? out->text_cap * 2 : 1 << 20;
        while (cap < out->text_len + need)
            cap *= 2;
        char *t = realloc(out->text, cap);
        if (!t)
            return 0;
        out->text = t;
        out->text_cap = cap;
    }
    char *buf = out->text, num[CHURN__NUM_BUF], digits[24];
    size_t len = out->text_len, nd = 0;
    put_field(buf, &len, id, n_id);
    buf[len++] = ',';
    churn__format_double(s->order[r].prob, num);
    size_t nn = strlen(num);
    memcpy(buf + len, num, nn);
    len += nn;
    buf[len++] = ',';
    for (size_t rank = r + 1; rank; rank /= 10)
        digits[nd++] = (char)('0' + rank % 10);
    while (nd)
        buf[len++] = digits[--nd];
    buf[len++] = ',';
    nn = strlen(s->tiers[r]);
    memcpy(buf + len, s->tiers[r], nn);
    len += nn;
    buf[len++] = ',';
    put_field(buf, &len, reasons, n_reasons);
    buf[len++] = '\n';
    out->text_len = len;
    return 1;
}

/* Parallel writing: task t formats the t-th share of ranks [lo, hi). */
typedef struct write_job {
    const churn_scores *s;
    size_t lo, hi, n_tasks;
    churn_scores *parts; /* per task: its text; text_cap 0 = failed */
    int *ok;
} write_job;

static void write_task(void *ctx, size_t t)
{
    write_job *j = ctx;
    size_t n = j->hi - j->lo;
    size_t lo = j->lo + n / j->n_tasks * t;
    size_t hi = t + 1 == j->n_tasks ? j->hi : j->lo + n / j->n_tasks * (t + 1);
    j->parts[t].text_len = 0;
    j->ok[t] = 1;
    for (size_t r = lo; r < hi && j->ok[t]; r++)
        j->ok[t] = format_line(j->s, r, &j->parts[t]);
}

/* The ranking without comparison columns, in batches of rows that the
 * threads format and this one writes in order. Returns 0 when out of
 * memory. */
static int write_plain(const churn_scores *s, FILE *f, size_t n)
{
    size_t n_tasks = s->n_threads ? s->n_threads : 1;
    churn_scores *parts = calloc(n_tasks, sizeof *parts);
    int *ok = calloc(n_tasks, sizeof *ok), result = parts && ok;
    for (size_t lo = 0; result && lo < n; lo += WRITE_BATCH) {
        size_t hi = n - lo < WRITE_BATCH ? n : lo + WRITE_BATCH;
        write_job j = {s, lo, hi, hi - lo < 4096 ? 1 : n_tasks, parts, ok};
        churn__run_tasks(j.n_tasks, write_task, &j);
        for (size_t t = 0; t < j.n_tasks && result; t++) {
            result = ok[t];
            if (result)
                fwrite(parts[t].text, 1, parts[t].text_len, f);
        }
    }
    for (size_t t = 0; parts && t < n_tasks; t++)
        free(parts[t].text);
    free(parts);
    free(ok);
    return result;
}

static int write_ranked(const churn_scores *s, FILE *f, size_t top_n)
{
    size_t n = top_n && top_n < s->n ? top_n : s->n;
    char num[CHURN__NUM_BUF];
    fputs("customer_id,probability,rank,tier,reasons", f);
    churn__scores_columns_header(s, f);
    if (s->prev_prob)
        fputs(",previous_probability,change,previous_tier,escalated", f);
    fputc('\n', f);
    if (!s->prev_prob && !s->only_escalated && !s->n_columns)
        return write_plain(s, f, n);
    for (size_t r = 0; r < n; r++) {
        if (s->only_escalated && !churn_scores_escalated(s, r))
            continue;
        churn__csv_put_field(f, s->ids[r]);
        fprintf(f, ",%s,%zu,%s,",
                churn__format_double(s->order[r].prob, num), r + 1,
                s->tiers[r]);
        churn__csv_put_field(f, churn_scores_reasons(s, r));
        churn__scores_columns_row(s, f, r);
        if (s->prev_prob)
            write_change(s, f, r);
        fputc('\n', f);
    }
    return 1;
}

int churn_scores_write_stream(const churn_scores *s, FILE *f, size_t top_n,
                              churn_error *err)
{
    if (!s || !f)
        return churn__fail(err, CHURN_EINVAL, "write scores: null argument");
    if (!write_ranked(s, f, top_n))
        return churn__fail_nomem(err);
    if (fflush(f) != 0 || ferror(f))
        return churn__fail(err, CHURN_EIO, "cannot write the scores");
    return CHURN_OK;
}

int churn_scores_write_csv(const churn_scores *s, const char *path,
                           size_t top_n, churn_error *err)
{
    if (!s || !path)
        return churn__fail(err, CHURN_EINVAL, "write scores: null argument");
    churn__afile *af;
    int rc = churn__afile_open(path, &af, err);
    if (rc != CHURN_OK)
        return rc;
    if (!write_ranked(s, churn__afile_stream(af), top_n)) {
        churn__afile_abort(af);
        return churn__fail_nomem(err);
    }
    return churn__afile_commit(af, err);
}

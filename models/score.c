/* score.c - ranking customers by churn probability, risk tiers, and the
 * reasons: each input's contribution to the customer's decision value. */
#include "models/scores.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>


/* Rows formatted per round of parallel writing: each round starts the
 * threads and hands its text to the disk (sync_file_range); 8,192 rows
 * a round cost 8 ms more of a 200,000-row ranking's 170 ms. */
#define WRITE_BATCH 32768

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
    if (!o || n > CHURN__MAX_REASONS)
        return CHURN_EINVAL;
    o->n_reasons = n;
    return CHURN_OK;
}

void churn_scores_free(churn_scores *s)
{
    if (!s)
        return;
    free(s->id_text);
    free(s->order);
    free(s->tiers); /* and the ids and reasons pointers after them */
    free(s->text);
    for (size_t b = 0; b < s->n_blocks; b++)
        free(s->blocks[b]);
    free(s->blocks);
    free(s->prev_prob);
    free(s->prev_tier);
    churn__scores_free_columns(s);
    free(s);
}

int churn__scores_alloc(churn_scores *s, size_t n)
{
    size_t m = n ? n : 1;
    if (!s->order)
        s->order = churn__huge_alloc(m * sizeof *s->order);
    /* The three per-rank pointer arrays in one block, on huge pages when
     * a full ranking makes it large. */
    void **block = churn__huge_alloc(3 * m * sizeof *block);
    if (!s->order || !block) {
        free(block);
        return CHURN_ENOMEM;
    }
    s->tiers = (const char **)block;
    s->ids = (char **)(block + m);
    s->reasons = (const char **)(block + 2 * m);
    for (size_t r = 0; r < m; r++)
        s->ids[r] = NULL;
    return CHURN_OK;
}

/* Asks for the bytes at p to be brought into the cache. */
static void prefetch(const void *p)
{
#if defined(__GNUC__)
    __builtin_prefetch(p);
#else
    (void)p;
#endif
}

/* The ids of the s->n ranked rows of all (a top N) copied in rank order
 * into s->id_text, s->ids[r] pointing at each. */
static int copy_ids_by_rank(churn_scores *s, const churn_dataset *ds,
                            const ranked *all)
{
    /* The ids are read in rank order, scattered over the dataset: asked
     * for ahead of time, a cache miss overlaps the work. */
    size_t id_bytes = 1;
    for (size_t r = 0; r < s->n; r++) {
        if (r + 16 < s->n)
            prefetch(churn_dataset_id(ds, all[r + 16].row));
        id_bytes += strlen(churn_dataset_id(ds, all[r].row)) + 1;
    }
    if (!(s->id_text = malloc(id_bytes)))
        return CHURN_ENOMEM;
    for (size_t r = 0, at = 0; r < s->n; r++) {
        if (r + 16 < s->n)
            prefetch(churn_dataset_id(ds, all[r + 16].row));
        const char *id = churn_dataset_id(ds, all[r].row);
        size_t len = strlen(id) + 1;
        s->ids[r] = memcpy(s->id_text + at, id, len);
        at += len;
    }
    return CHURN_OK;
}

/* The ids of every row (a full ranking: all holds them all) copied in
 * row order, one pass over the dataset's ids as they lie, s->ids[r]
 * pointing at each in rank order; at (n offsets) is scratch. */
static int copy_ids_by_row(churn_scores *s, const churn_dataset *ds,
                           const ranked *all, size_t *at)
{
    size_t n = s->n, id_bytes = 1;
    for (size_t i = 0; i < n; i++)
        id_bytes += strlen(churn_dataset_id(ds, i)) + 1;
    if (!(s->id_text = malloc(id_bytes)))
        return CHURN_ENOMEM;
    for (size_t i = 0, end = 0; i < n; i++) {
        const char *id = churn_dataset_id(ds, i);
        size_t len = strlen(id) + 1;
        memcpy(s->id_text + end, id, len);
        at[i] = end;
        end += len;
    }
    for (size_t r = 0; r < n; r++)
        s->ids[r] = s->id_text + at[all[r].row];
    return CHURN_OK;
}

/* Fills the ranks of s from its first s->n rows of all: order, tiers,
 * ids (copied into one block) and, when off_row (each row's offset of
 * its reasons in s->text: a full ranking) is not NULL, the reasons,
 * off_row then overwritten; counts the high tier among all n rows. */
static int fill_ranks(churn_scores *s, const ranked *all, size_t n,
                      const churn_dataset *ds, const churn_score_opts *o,
                      size_t *off_row)
{
    for (size_t i = 0; i < n; i++)
        s->n_high += all[i].prob >= o->high;
    for (size_t r = 0; r < s->n; r++) {
        double p = all[r].prob;
        if (s->order != all)
            s->order[r] = all[r];
        s->tiers[r] = churn__tier(o, p);
        if (off_row)
            s->reasons[r] = s->text + off_row[all[r].row];
    }
    /* off_row, read, holds the ids' offsets now: no second array. */
    return off_row ? copy_ids_by_row(s, ds, all, off_row)
                   : copy_ids_by_rank(s, ds, all);
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
    size_t *cols = malloc((d ? d : 1) * sizeof *cols), *off_row = NULL;
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
    /* A full ranking has the reasons of every row: they are written in
     * the probabilities' pass, in row order (each row read once, in
     * order); with a top N, only for the ranked rows, after ranking. */
    int full = o->top == 0 || o->top >= n;
    if (full && !(off_row = malloc(n * sizeof *off_row))) {
        rc = CHURN_ENOMEM;
        goto done;
    }
    rc = full ? churn__score_rows(s, m, ds, bind, cols, o->n_reasons,
                                  o->by_input, 0, all, off_row, err)
              : churn__score_probabilities(m, ds, bind, n_threads, all, err);
    if (rc == CHURN_ENOMEM)
        goto done;
    if (rc != CHURN_OK) /* err says why */
        goto done_err;
    s->n = churn__rank_rows(all, n, o->top, n_threads, NULL);
    s->n_scored = n;
    if (s->n == n) { /* all rows ranked: all is the order */
        s->order = all;
        all = NULL;
    }
    rc = churn__scores_alloc(s, s->n);
    if (rc == CHURN_OK)
        rc = fill_ranks(s, all ? all : s->order, n, ds, o, off_row);
    if (rc != CHURN_OK)
        goto done;
    free(all); /* s->order has the ranked rows */
    all = NULL;
    if (!full)
        rc = churn__score_reasons_ranked(s, m, ds, bind, cols, o->n_reasons,
                                         o->by_input);
done:
    if (rc == CHURN_ENOMEM)
        churn__fail_nomem(err);
done_err:
    churn__binding_free(bind);
    free(cols);
    free(all);
    free(off_row);
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
    return r < s->n ? s->reasons[r] : NULL;
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

/* The characters that make a CSV field quoted (churn__csv_put_field). */
static const char needs_quotes[] = ",\"\r\n";

/* Appends text (n bytes, of which the first plain hold none of
 * needs_quotes) as one CSV field to buf at *len, as churn__csv_put_field
 * writes it: quoted, quotes doubled, only when it holds one of them. buf
 * has room for 2 + 2 * n more bytes. */
static void put_field(char *buf, size_t *len, const char *text, size_t n,
                      size_t plain)
{
    size_t k = *len;
    if (plain == n) {
        memcpy(buf + k, text, n);
        *len = k + n;
        return;
    }
    buf[k++] = '"';
    for (size_t i = 0; i < n; i++) {
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
    /* One vectorized scan each finds both the end of a plain text and
     * whether it needs quotes. */
    size_t id_plain = strcspn(id, needs_quotes);
    size_t why_plain = strcspn(reasons, needs_quotes);
    size_t n_id = id[id_plain] ? strlen(id) : id_plain;
    size_t n_reasons = reasons[why_plain] ? strlen(reasons) : why_plain;
    size_t need = 2 * (n_id + n_reasons) + CHURN__NUM_BUF + 64;
    if (out->text_len + need > out->text_cap) {
        /* A whole huge page to start: a task's share of a batch, 16,384
         * lines of about 100 bytes, fits in it. */
        size_t cap = out->text_cap ? out->text_cap * 2 : CHURN__HUGE_PAGE;
        while (cap < out->text_len + need)
            cap *= 2;
        /* Reused batch after batch: on huge pages, 1 fault, not 256. */
        char *t = out->text ? realloc(out->text, cap) : churn__huge_alloc(cap);
        if (!t)
            return 0;
        out->text = t;
        out->text_cap = cap;
    }
    char *buf = out->text, num[CHURN__NUM_BUF], digits[24];
    size_t len = out->text_len, nd = 0;
    put_field(buf, &len, id, n_id, id_plain);
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
    put_field(buf, &len, reasons, n_reasons, why_plain);
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
    for (size_t r = lo; r < hi && j->ok[t]; r++) {
        /* A full ranking's reasons are in row order: scattered. */
        if (r + 16 < hi) {
            const char *why = churn_scores_reasons(j->s, r + 16);
            prefetch(why); /* about 70 bytes: often two lines */
            prefetch(why + 64);
            prefetch(j->s->ids[r + 16]);
        }
        j->ok[t] = format_line(j->s, r, &j->parts[t]);
    }
}

/* The ranking without comparison columns, in batches of rows that the
 * threads format and this one writes in order, each batch then sent on
 * to the disk when f is an output file's (af not NULL). Returns 0 when
 * out of memory. */
static int write_plain(const churn_scores *s, FILE *f, churn__afile *af,
                       size_t n)
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
        if (af)
            churn__afile_write_behind(af);
    }
    for (size_t t = 0; parts && t < n_tasks; t++)
        free(parts[t].text);
    free(parts);
    free(ok);
    return result;
}

static int write_ranked(const churn_scores *s, FILE *f, churn__afile *af,
                        size_t top_n)
{
    size_t n = top_n && top_n < s->n ? top_n : s->n;
    char num[CHURN__NUM_BUF];
    fputs("customer_id,probability,rank,tier,reasons", f);
    churn__scores_columns_header(s, f);
    if (s->prev_prob)
        fputs(",previous_probability,change,previous_tier,escalated", f);
    fputc('\n', f);
    if (!s->prev_prob && !s->only_escalated && !s->n_columns)
        return write_plain(s, f, af, n);
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
    if (!write_ranked(s, f, NULL, top_n))
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
    if (!write_ranked(s, churn__afile_stream(af), af, top_n)) {
        churn__afile_abort(af);
        return churn__fail_nomem(err);
    }
    return churn__afile_commit(af, err);
}

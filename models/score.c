/* score.c - ranking customers by churn probability, risk tiers, and the
 * reasons: each input's contribution to the customer's decision value. */
#include "scores.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_REASONS 10

struct churn_score_opts {
    double high, medium;
    size_t n_reasons;
};

churn_score_opts *churn_score_opts_new(void)
{
    churn_score_opts *o = calloc(1, sizeof *o);
    if (!o)
        return NULL;
    o->high = 0.5;
    o->medium = 0.2;
    o->n_reasons = 3;
    return o;
}

void churn_score_opts_free(churn_score_opts *o) { free(o); }

int churn_score_opts_set_tiers(churn_score_opts *o, double high, double medium)
{
    if (!o || !(high <= 1 && medium >= 0 && high >= medium))
        return CHURN_EINVAL;
    o->high = high;
    o->medium = medium;
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
    free(s);
}

/* Highest probability first; equal ones keep input order. */
static int by_risk(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->prob != y->prob)
        return x->prob > y->prob ? -1 : 1;
    return (x->row > y->row) - (x->row < y->row);
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
static int write_reasons(churn_scores *s, const churn_model *m,
                         const churn_dataset *ds, size_t i,
                         const size_t *cols, const double *contrib,
                         size_t n_reasons)
{
    size_t d = churn__pipeline_n_inputs(m->pipe);
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

/* Allocates the per-rank arrays of s for n rows. */
static int alloc_scores(churn_scores *s, size_t n)
{
    size_t m = n ? n : 1;
    s->order = malloc(m * sizeof *s->order);
    s->tiers = malloc(m * sizeof *s->tiers);
    s->ids = calloc(m, sizeof *s->ids);
    s->reason_off = malloc(m * sizeof *s->reason_off);
    return s->order && s->tiers && s->ids && s->reason_off ? CHURN_OK
                                                          : CHURN_ENOMEM;
}

/* Scores row by row in input order, keeping reasons by row. */
static int score_rows(churn_scores *s, const churn_model *m,
                      const churn_dataset *ds, const churn__binding *bind,
                      const size_t *cols, size_t n_reasons, size_t *row_off)
{
    size_t d = churn__pipeline_n_inputs(m->pipe), p = m->n_outputs;
    double *raw = malloc((d ? d : 1) * sizeof *raw);
    double *z = malloc((p ? p : 1) * sizeof *z);
    double *contrib = malloc(4 * (d ? d : 1) * sizeof *contrib);
    size_t *out_input = malloc((p ? p : 1) * sizeof *out_input);
    int rc = raw && z && contrib && out_input ? CHURN_OK : CHURN_ENOMEM;
    for (size_t k = 0; rc == CHURN_OK && k < p; k++)
        out_input[k] = churn__pipeline_output_input(m->pipe, k);
    for (size_t i = 0; rc == CHURN_OK && i < s->n; i++) {
        churn__binding_row(bind, ds, i, raw);
        /* The same arithmetic as churn_model_predict: same bits. */
        s->order[i].row = i;
        s->order[i].prob = churn__calibrate(
            &m->cal, churn__model_decision(m, raw, z));
        row_off[i] = s->text_len;
        if (n_reasons > 0)
            churn__classifier_contrib(&m->clf, z, out_input, d, contrib,
                                      contrib + d);
        rc = write_reasons(s, m, ds, i, cols, contrib, n_reasons);
    }
    free(raw);
    free(z);
    free(contrib);
    free(out_input);
    return rc;
}

int churn_score_dataset(const churn_model *m, const churn_dataset *ds,
                        const churn_score_opts *o, churn_scores **out,
                        churn_error *err)
{
    if (!m || !ds || !o || !out)
        return churn__fail(err, CHURN_EINVAL, "score: null argument");
    *out = NULL;
    size_t n = churn_dataset_n_rows(ds), d = churn__pipeline_n_inputs(m->pipe);
    churn__binding *bind = NULL;
    size_t *cols = malloc((d ? d : 1) * sizeof *cols);
    size_t *row_off = malloc((n ? n : 1) * sizeof *row_off);
    churn_scores *s = calloc(1, sizeof *s);
    int rc = CHURN_ENOMEM;
    if (!cols || !row_off || !s || alloc_scores(s, n) != CHURN_OK)
        goto done;
    s->n = n;
    rc = churn__pipeline_bind(m->pipe, ds, &bind, err);
    if (rc != CHURN_OK)
        goto done;
    for (size_t j = 0; j < d; j++) /* bind succeeded: all are present */
        cols[j] = churn_dataset_column_index(
            ds, churn__pipeline_input_name(m->pipe, j));
    rc = score_rows(s, m, ds, bind, cols, o->n_reasons, row_off);
    if (rc != CHURN_OK)
        goto done;
    qsort(s->order, n, sizeof *s->order, by_risk);
    /* The ids, copied in rank order into one block. */
    size_t id_bytes = 1;
    for (size_t i = 0; i < n; i++)
        id_bytes += strlen(churn_dataset_id(ds, i)) + 1;
    if (!(s->id_text = malloc(id_bytes)))
        rc = CHURN_ENOMEM;
    for (size_t r = 0, at = 0; r < n && rc == CHURN_OK; r++) {
        double p = s->order[r].prob;
        s->tiers[r] = p >= o->high ? "high" : p >= o->medium ? "medium"
                                                             : "low";
        s->reason_off[r] = row_off[s->order[r].row];
        const char *id = churn_dataset_id(ds, s->order[r].row);
        size_t len = strlen(id) + 1;
        s->ids[r] = memcpy(s->id_text + at, id, len);
        at += len;
    }
done:
    if (rc == CHURN_ENOMEM)
        churn__fail_nomem(err);
    churn__binding_free(bind);
    free(cols);
    free(row_off);
    if (rc == CHURN_OK)
        *out = s;
    else
        churn_scores_free(s);
    return rc;
}

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

static void write_ranked(const churn_scores *s, FILE *f, size_t top_n)
{
    size_t n = top_n && top_n < s->n ? top_n : s->n;
    char num[CHURN__NUM_BUF];
    fputs("customer_id,probability,rank,tier,reasons", f);
    if (s->prev_prob)
        fputs(",previous_probability,change,previous_tier,escalated", f);
    fputc('\n', f);
    for (size_t r = 0; r < n; r++) {
        if (s->only_escalated && !churn_scores_escalated(s, r))
            continue;
        /* ",probability,rank,tier," without fprintf: a million rows */
        char mid[CHURN__NUM_BUF + 40], digits[24];
        size_t len = 0, nd = 0;
        mid[len++] = ',';
        churn__format_double(s->order[r].prob, num);
        size_t nn = strlen(num);
        memcpy(mid + len, num, nn);
        len += nn;
        mid[len++] = ',';
        for (size_t rank = r + 1; rank; rank /= 10)
            digits[nd++] = (char)('0' + rank % 10);
        while (nd)
            mid[len++] = digits[--nd];
        mid[len++] = ',';
        nn = strlen(s->tiers[r]);
        memcpy(mid + len, s->tiers[r], nn);
        len += nn;
        mid[len++] = ',';
        churn__csv_put_field(f, s->ids[r]);
        fwrite(mid, 1, len, f);
        churn__csv_put_field(f, churn_scores_reasons(s, r));
        if (s->prev_prob)
            write_change(s, f, r);
        fputc('\n', f);
    }
}

int churn_scores_write_stream(const churn_scores *s, FILE *f, size_t top_n,
                              churn_error *err)
{
    if (!s || !f)
        return churn__fail(err, CHURN_EINVAL, "write scores: null argument");
    write_ranked(s, f, top_n);
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
    write_ranked(s, churn__afile_stream(af), top_n);
    return churn__afile_commit(af, err);
}

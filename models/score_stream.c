/* score_stream.c - a CSV file ranked as it is read, never held whole. The
 * reader (datasets/csv_split.c) cuts the file into parts, one per thread,
 * and hands each part's rows to take_piece in that thread, a piece at a
 * time, so that parsing, scoring and reasons share the cores with nothing
 * in between: a top N keeps each part's best rows (score_stream_top.c), a
 * full ranking every row's line (score_stream_all.c). At the end the
 * parts' rows are numbered in file order (by part, then row) and ranked
 * together: the ranking churn_score_dataset gives the whole file, byte
 * for byte, however the file was cut. */
#include "models/score_stream.h"

#include "datasets/csv_reader.h"

#include <stdlib.h>

/* The sink's take, in the part's reading thread: the piece's rows (part
 * rows first..) scored and kept. Nonzero stops the read; the part's rc
 * then says why: CHURN_ENOMEM is reported (never a silent second
 * reading), anything else sends the caller to the whole-file path, which
 * says what is wrong. */
static int take_piece(void *ctx, size_t part_no, churn_dataset *ds,
                      size_t first, size_t n_threads, size_t part_rows)
{
    stream_job *j = ctx;
    const churn_model *m = j->m;
    part *p = &j->parts[part_no];
    size_t n = churn_dataset_n_rows(ds), d = churn__pipeline_n_inputs(m->pipe);
    churn__binding *bind = NULL;
    churn__reasoner w;
    int rc = p->cols || (p->cols = malloc((d ? d : 1) * sizeof *p->cols))
                 ? churn__pipeline_bind(m->pipe, ds, &bind, NULL)
                 : CHURN_ENOMEM;
    for (size_t k = 0; rc == CHURN_OK && k < d; k++)
        p->cols[k] = churn_dataset_column_index(
            ds, churn__pipeline_input_name(m->pipe, k));
    int started = rc == CHURN_OK; /* w is then cleared, even if not set */
    if (started)
        rc = churn__reasoner_init(&w, m, ds, bind, p->cols, j->o->n_reasons,
                                  j->o->by_input);
    if (rc == CHURN_OK)
        rc = j->o->top ? churn__stream_keep_piece(j, p, &w, ds, n, first,
                                                  n_threads)
                       : churn__stream_explain_all(j, p, &w, ds, n, first,
                                                   n_threads, part_rows);
    if (started)
        churn__reasoner_clear(&w);
    churn__binding_free(bind);
    p->n_rows = first + n;
    p->rc = rc;
    return rc != CHURN_OK;
}

/* The rows before each part's, in file order, into base (n_parts + 1
 * entries: the last is all the rows); returns how many parts have rows
 * or come before one that has. */
static size_t part_bases(const stream_job *j, size_t *base)
{
    size_t n_parts = 0;
    base[0] = 0;
    for (size_t t = 0; t < CHURN__CSV_MAX_THREADS; t++) {
        base[t + 1] = base[t] + j->parts[t].n_rows;
        if (j->parts[t].n_rows)
            n_parts = t + 1;
    }
    return n_parts;
}

static void part_free(part *p)
{
    for (size_t k = 0; k < p->n_kept; k++) {
        free(p->heap[k].id);
        free(p->heap[k].why);
    }
    free(p->heap);
    free(p->probs);
    free(p->raw);
    free(p->cols);
    free(p->text.text);
    free(p->all); /* and why_off, id_off: one block */
    free(p->ids.text);
}

/* Streams path into the parts, then ranks: CHURN_OK with *out and
 * *columns set; CHURN_ENOMEM; or another status when the caller must read
 * the whole file. */
static int stream(const churn_model *m, const char *path,
                  const churn_csv_opts *co, const churn_score_opts *o,
                  churn_dataset **columns, churn_scores **out)
{
    stream_job j = {m, o, o->n_threads ? o->n_threads : churn__online_cores(),
                    calloc(CHURN__CSV_MAX_THREADS, sizeof(part))};
    churn__csv_sink sink = {take_piece, &j};
    churn_scores *s = calloc(1, sizeof *s);
    size_t base[CHURN__CSV_MAX_THREADS + 1], n_inputs = churn_model_n_inputs(m);
    /* The model's categorical inputs are read as such from the start. */
    const char **categorical = malloc((n_inputs ? n_inputs : 1) *
                                      sizeof *categorical);
    size_t n_categorical = 0;
    for (size_t k = 0; categorical && k < n_inputs; k++)
        if (churn_model_input_kind(m, k) == CHURN_CATEGORICAL)
            categorical[n_categorical++] = churn_model_input_name(m, k);
    int rc = j.parts && s && categorical ? CHURN_OK : CHURN_ENOMEM;
    if (rc == CHURN_OK)
        rc = churn__csv_read_stream(path, co, &sink, categorical,
                                    n_categorical, columns);
    free(categorical);
    for (size_t t = 0; j.parts && t < CHURN__CSV_MAX_THREADS; t++)
        if (j.parts[t].rc == CHURN_ENOMEM)
            rc = CHURN_ENOMEM;
    size_t n_parts = rc == CHURN_OK ? part_bases(&j, base) : 0;
    /* No rows: the whole-file path says so, as it always did. */
    if (rc == CHURN_OK && n_parts == 0)
        rc = CHURN_EEMPTY;
    if (rc == CHURN_OK) {
        s->n_scored = base[n_parts];
        s->n_threads = j.n_threads;
        for (size_t t = 0; t < n_parts; t++)
            s->n_high += j.parts[t].n_high;
        rc = o->top ? churn__stream_build_top(&j, base, n_parts, s)
                    : churn__stream_build_full(&j, base, n_parts, s);
    }
    for (size_t t = 0; j.parts && t < CHURN__CSV_MAX_THREADS; t++)
        part_free(&j.parts[t]);
    free(j.parts);
    if (rc == CHURN_OK) {
        *out = s;
        return CHURN_OK;
    }
    churn_scores_free(s);
    churn_dataset_free(*columns);
    *columns = NULL;
    return rc;
}

int churn_score_csv(const churn_model *m, const char *path,
                    const churn_csv_opts *co, const churn_score_opts *o,
                    churn_dataset **ds, churn_scores **out, churn_error *err)
{
    if (!m || !path || !ds || !out)
        return churn__fail(err, CHURN_EINVAL, "score: null argument");
    *ds = NULL;
    *out = NULL;
    churn_score_opts defaults;
    if (!o) {
        churn_score_opts *d = churn_score_opts_new();
        if (!d)
            return churn__fail_nomem(err);
        defaults = *d;
        churn_score_opts_free(d);
        o = &defaults;
    }
    int rc = stream(m, path, co, o, ds, out);
    if (rc == CHURN_OK)
        return CHURN_OK;
    if (rc == CHURN_ENOMEM)
        return churn__fail_nomem(err);
    return churn_dataset_read_csv(path, co, ds, err);
}

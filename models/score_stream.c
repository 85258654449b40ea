/* score_stream.c - the top N rows of a CSV file, read block by block: only
 * the N best rows so far (with their ids and reasons) and the blocks being
 * read are in memory, never the whole file. Each reading thread scores the
 * rows it parsed (score_piece); the calling thread then offers them to the
 * heap in file order (take_piece), so the rows kept, and their order, do
 * not depend on how the file was cut. */
#include "models/scores.h"

#include "datasets/csv_reader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A row among the best so far, with what its line needs. */
typedef struct kept {
    ranked key; /* row: its number in the file (0 = the first) */
    char *id, *why;
} kept;

/* What one piece of a block (a reader's slot) leaves for take_piece. */
typedef struct piece {
    ranked *probs; /* per row */
    size_t cap_probs;
    churn__binding *bind; /* of the piece's dataset */
    int rc;
} piece;

typedef struct stream_job {
    const churn_model *m;
    const churn_score_opts *o;
    size_t n_threads;
    kept *heap; /* o->top of them; the lowest-risk at the root */
    size_t n_kept, n_scored, n_high;
    piece *pieces;     /* CHURN__CSV_MAX_THREADS of them */
    churn_scores text; /* scratch for one row's reasons */
    int rc;            /* why take_piece stopped the read */
} stream_job;

/* Ranking order: a > 0 when a comes after b. */
static int after(const kept *a, const kept *b)
{
    return churn__by_risk(&a->key, &b->key) > 0;
}

static void swap(kept *a, kept *b)
{
    kept t = *a;
    *a = *b;
    *b = t;
}

static void sift_down(kept *heap, size_t n, size_t i)
{
    for (;;) {
        size_t worst = i, l = 2 * i + 1, r = l + 1;
        if (l < n && after(&heap[l], &heap[worst]))
            worst = l;
        if (r < n && after(&heap[r], &heap[worst]))
            worst = r;
        if (worst == i)
            return;
        swap(&heap[i], &heap[worst]);
        i = worst;
    }
}

static void sift_up(kept *heap, size_t i)
{
    while (i > 0 && after(&heap[i], &heap[(i - 1) / 2])) {
        swap(&heap[i], &heap[(i - 1) / 2]);
        i = (i - 1) / 2;
    }
}

/* Fills e with row i of the block (file row first + i): its id (the row
 * number when the file has no id column, as the whole-file reader
 * numbers rows) and reasons. Returns 0 when out of memory. */
static int describe(stream_job *j, churn__reasoner *w, size_t i,
                    size_t first, kept *e)
{
    char number[32];
    const char *id = churn_dataset_id(w->ds, i);
    if (!churn_dataset_id_name(w->ds)) {
        snprintf(number, sizeof number, "%zu", first + i + 1);
        id = number;
    }
    j->text.text_len = 0;
    if (churn__reasoner_write(w, i, &j->text) != CHURN_OK)
        return 0;
    e->id = malloc(strlen(id) + 1);
    e->why = malloc(j->text.text_len);
    if (!e->id || !e->why)
        return 0;
    memcpy(e->id, id, strlen(id) + 1);
    memcpy(e->why, j->text.text, j->text.text_len);
    return 1;
}

/* Offers the block's scored rows to the heap; a row that gets in gets
 * its reasons now (rarely: about N log(rows / N) rows in all). */
static int keep_best(stream_job *j, churn__reasoner *w, const ranked *probs,
                     size_t n, size_t first)
{
    size_t top = j->o->top;
    for (size_t i = 0; i < n; i++) {
        kept e = {{first + i, probs[i].prob}, NULL, NULL};
        j->n_high += e.key.prob >= j->o->high;
        if (j->n_kept == top && !after(&j->heap[0], &e))
            continue;
        int ok = describe(j, w, i, first, &e);
        if (ok && j->n_kept < top) {
            j->heap[j->n_kept] = e;
            sift_up(j->heap, j->n_kept++);
        } else if (ok) {
            free(j->heap[0].id);
            free(j->heap[0].why);
            j->heap[0] = e;
            sift_down(j->heap, top, 0);
        } else {
            free(e.id);
            free(e.why);
            return 0;
        }
    }
    return 1;
}

/* The sink's score, in a reading thread: the probability of every row of
 * a piece. Nonzero stops the read; pieces[slot].rc then says why. */
static int score_piece(void *ctx, size_t slot, const churn_dataset *ds,
                       size_t n_threads)
{
    stream_job *j = ctx;
    piece *p = &j->pieces[slot];
    size_t n = churn_dataset_n_rows(ds);
    if (n > p->cap_probs) {
        free(p->probs);
        p->probs = malloc(n * sizeof *p->probs);
        p->cap_probs = p->probs ? n : 0;
        if (!p->probs)
            return (p->rc = CHURN_ENOMEM);
    }
    churn__binding_free(p->bind);
    p->bind = NULL;
    churn_error err;
    int rc = churn__pipeline_bind(j->m->pipe, ds, &p->bind, &err);
    if (rc == CHURN_OK)
        rc = churn__score_probabilities(j->m, ds, p->bind,
                                        n_threads ? n_threads : j->n_threads,
                                        p->probs, &err);
    p->rc = rc;
    return rc != CHURN_OK;
}

/* The sink's take, on the calling thread in file order: offers a scored
 * piece to the heap. Nonzero stops the read; j->rc then says why:
 * CHURN_ENOMEM is reported (never a silent second reading), anything
 * else sends the caller to the whole-file path, which says what is
 * wrong. */
static int take_piece(void *ctx, size_t slot, churn_dataset *ds, size_t first)
{
    stream_job *j = ctx;
    const churn_model *m = j->m;
    piece *p = &j->pieces[slot];
    size_t n = churn_dataset_n_rows(ds), d = churn__pipeline_n_inputs(m->pipe);
    size_t *cols = malloc((d ? d : 1) * sizeof *cols);
    churn__reasoner w;
    int rc = cols ? churn__reasoner_init(&w, m, ds, p->bind, cols,
                                         j->o->n_reasons, j->o->by_input)
                  : CHURN_ENOMEM;
    for (size_t k = 0; rc == CHURN_OK && k < d; k++)
        cols[k] = churn_dataset_column_index(
            ds, churn__pipeline_input_name(m->pipe, k));
    if (rc == CHURN_OK && !keep_best(j, &w, p->probs, n, first))
        rc = CHURN_ENOMEM;
    if (cols)
        churn__reasoner_clear(&w);
    churn__binding_free(p->bind);
    p->bind = NULL;
    free(cols);
    j->n_scored += n;
    j->rc = rc;
    return rc != CHURN_OK;
}

/* The ranking from the heap: sorted, ids and reasons copied into s. */
static int build(stream_job *j, churn_scores *s)
{
    size_t n = j->n_kept, id_bytes = 1, why_bytes = 1;
    qsort(j->heap, n, sizeof *j->heap, churn__by_risk);
    for (size_t r = 0; r < n; r++) {
        id_bytes += strlen(j->heap[r].id) + 1;
        why_bytes += strlen(j->heap[r].why) + 1;
    }
    s->n = n;
    s->n_scored = j->n_scored;
    s->n_high = j->n_high;
    s->n_threads = j->n_threads;
    s->order = malloc(n * sizeof *s->order);
    s->tiers = malloc(n * sizeof *s->tiers);
    s->ids = malloc(n * sizeof *s->ids);
    s->reason_off = malloc(n * sizeof *s->reason_off);
    s->id_text = malloc(id_bytes);
    s->text = malloc(why_bytes);
    if (!s->order || !s->tiers || !s->ids || !s->reason_off ||
        !s->id_text || !s->text)
        return CHURN_ENOMEM;
    s->text_cap = why_bytes;
    for (size_t r = 0, at = 0; r < n; r++) {
        const kept *e = &j->heap[r];
        double p = e->key.prob;
        s->order[r] = e->key;
        s->tiers[r] = p >= j->o->high     ? "high"
                      : p >= j->o->medium ? "medium"
                                          : "low";
        size_t len = strlen(e->id) + 1;
        s->ids[r] = memcpy(s->id_text + at, e->id, len);
        at += len;
        len = strlen(e->why) + 1;
        s->reason_off[r] = s->text_len;
        memcpy(s->text + s->text_len, e->why, len);
        s->text_len += len;
    }
    return CHURN_OK;
}

/* Streams path into the heap: CHURN_OK with *out and *columns set;
 * CHURN_ENOMEM; or another status when the caller must read the whole
 * file. */
static int stream(const churn_model *m, const char *path,
                  const churn_csv_opts *co, const churn_score_opts *o,
                  churn_dataset **columns, churn_scores **out)
{
    stream_job j = {m, o, o->n_threads ? o->n_threads
                                       : churn__online_cores(),
                    calloc(o->top, sizeof(kept)), 0, 0, 0,
                    calloc(CHURN__CSV_MAX_THREADS, sizeof(piece)),
                    {0}, CHURN_OK};
    churn__csv_sink sink = {score_piece, take_piece, &j};
    churn_scores *s = calloc(1, sizeof *s);
    int rc = j.heap && j.pieces && s ? CHURN_OK : CHURN_ENOMEM;
    if (rc == CHURN_OK)
        rc = churn__csv_read_stream(path, co, &sink, columns);
    for (size_t t = 0; j.pieces && t < CHURN__CSV_MAX_THREADS; t++) {
        if (j.pieces[t].rc == CHURN_ENOMEM)
            j.rc = CHURN_ENOMEM;
        free(j.pieces[t].probs);
        churn__binding_free(j.pieces[t].bind);
    }
    free(j.pieces);
    if (j.rc == CHURN_ENOMEM)
        rc = CHURN_ENOMEM;
    /* No rows: the whole-file path says so, as it always did. */
    if (rc == CHURN_OK && j.n_scored == 0)
        rc = CHURN_EEMPTY;
    if (rc == CHURN_OK)
        rc = build(&j, s);
    for (size_t k = 0; j.heap && k < j.n_kept; k++) {
        free(j.heap[k].id);
        free(j.heap[k].why);
    }
    free(j.heap);
    free(j.text.text);
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
    if (!m || !path || !o || !ds || !out)
        return churn__fail(err, CHURN_EINVAL, "score: null argument");
    *ds = NULL;
    *out = NULL;
    int rc = o->top > 0 ? stream(m, path, co, o, ds, out) : CHURN_EFORMAT;
    if (rc == CHURN_OK)
        return CHURN_OK;
    if (rc == CHURN_ENOMEM)
        return churn__fail_nomem(err);
    return churn_dataset_read_csv(path, co, ds, err);
}

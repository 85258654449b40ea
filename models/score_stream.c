/* score_stream.c - a CSV file ranked as it is read, never held whole. The
 * reader (datasets/csv_split.c) cuts the file into parts, one per thread,
 * and hands each part's rows to take_piece in that thread, a piece at a
 * time, so that parsing, scoring and reasons share the cores with nothing
 * in between. With a top N each part keeps only its N best rows so far
 * (with their ids and reasons); without, each part keeps every row's
 * probability, id and reasons text, never the file's values. At the end
 * the parts' rows are numbered in file order (by part, then row) and
 * ranked together: the ranking churn_score_dataset gives the whole file,
 * byte for byte, however the file was cut. */
#include "models/scores.h"

#include "datasets/csv_reader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A row among a part's best so far, with what its line needs. */
typedef struct kept {
    ranked key; /* row: its number in the part, then in the file */
    char *id;   /* NULL: the file has no ids (the row number is its id) */
    char *why;
} kept;

/* What one part of the file has kept. Only its own thread touches it
 * until the read ends. */
typedef struct part {
    size_t n_rows, n_high;
    double *raw; /* scratch: CHURN__SCORE_BATCH rows of inputs */
    size_t *cols;
    churn_scores text; /* a full ranking: the reasons; a top: one row's */
    /* A top: the best rows so far, the lowest-risk at the root; the
     * probabilities of a piece. */
    kept *heap;
    size_t n_kept;
    ranked *probs;
    size_t cap_probs;
    /* A full ranking, per row: the probability, the offset of the reasons
     * in text and of the id in ids. */
    ranked *all;
    size_t *why_off, *id_off, cap_all;
    char *ids;
    size_t ids_len, ids_cap;
    int rc;
} part;

typedef struct stream_job {
    const churn_model *m;
    const churn_score_opts *o;
    size_t n_threads;
    part *parts; /* CHURN__CSV_MAX_THREADS of them */
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

/* Fills e with the id and reasons of row i of w's dataset. Returns 0
 * when out of memory. */
static int describe(part *p, churn__reasoner *w, size_t i, kept *e)
{
    p->text.text_len = 0;
    if (churn__reasoner_write(w, i, &p->text) != CHURN_OK)
        return 0;
    if (churn_dataset_id_name(w->ds)) {
        const char *id = churn_dataset_id(w->ds, i);
        if (!(e->id = malloc(strlen(id) + 1)))
            return 0;
        memcpy(e->id, id, strlen(id) + 1);
    }
    e->why = malloc(p->text.text_len);
    if (e->why)
        memcpy(e->why, p->text.text, p->text.text_len);
    return e->why != NULL;
}

/* Offers the piece's scored rows (part rows first..) to the part's heap;
 * a row that gets in gets its reasons now (rarely: about N log(rows / N)
 * rows in all). Returns 0 when out of memory. */
static int keep_best(part *p, churn__reasoner *w, size_t top, size_t n,
                     size_t first)
{
    for (size_t i = 0; i < n; i++) {
        kept e = {{first + i, p->probs[i].prob}, NULL, NULL};
        if (p->n_kept == top && !after(&p->heap[0], &e))
            continue;
        int ok = describe(p, w, i, &e);
        if (ok && p->n_kept < top) {
            p->heap[p->n_kept] = e;
            sift_up(p->heap, p->n_kept++);
        } else if (ok) {
            free(p->heap[0].id);
            free(p->heap[0].why);
            p->heap[0] = e;
            sift_down(p->heap, top, 0);
        } else {
            free(e.id);
            free(e.why);
            return 0;
        }
    }
    return 1;
}

/* Makes room for n more rows in a full ranking's per-row arrays. */
static int reserve_rows(part *p, size_t n)
{
    if (p->n_rows + n <= p->cap_all)
        return CHURN_OK;
    size_t cap = p->cap_all ? p->cap_all : 4096;
    while (cap < p->n_rows + n)
        cap *= 2;
    int ok = 1;
    p->all = churn__grown(p->all, cap, sizeof *p->all, &ok);
    p->why_off = churn__grown(p->why_off, cap, sizeof *p->why_off, &ok);
    p->id_off = churn__grown(p->id_off, cap, sizeof *p->id_off, &ok);
    if (!ok)
        return CHURN_ENOMEM;
    p->cap_all = cap;
    return CHURN_OK;
}

/* Appends the ids of ds's n rows to the part's ids, NUL-terminated, each
 * one's offset in id_off (from row first on); none when the file has no
 * ids. */
static int append_ids(part *p, const churn_dataset *ds, size_t n,
                      size_t first)
{
    for (size_t i = 0; churn_dataset_id_name(ds) && i < n; i++) {
        const char *id = churn_dataset_id(ds, i);
        size_t len = strlen(id) + 1;
        if (p->ids_len + len > p->ids_cap) {
            size_t cap = p->ids_cap ? p->ids_cap * 2 : 65536;
            while (cap < p->ids_len + len)
                cap *= 2;
            char *ids = realloc(p->ids, cap);
            if (!ids)
                return CHURN_ENOMEM;
            p->ids = ids;
            p->ids_cap = cap;
        }
        memcpy(p->ids + p->ids_len, id, len);
        p->id_off[first + i] = p->ids_len;
        p->ids_len += len;
    }
    return CHURN_OK;
}

/* A block's rows explained by several threads (a file with categorical
 * columns is read a block at a time, each block handed over on the
 * calling thread): task t takes the t-th share of the rows, its reasons
 * into a text of its own, appended to the part's in order afterwards. */
typedef struct explain_job {
    const stream_job *j;
    part *p;
    const churn_dataset *ds;
    const churn__binding *bind;
    size_t n, first, n_tasks;
    churn_scores *texts; /* per task */
    int *rc;             /* per task */
} explain_job;

static void share(const explain_job *x, size_t t, size_t *lo, size_t *hi)
{
    *lo = x->n / x->n_tasks * t;
    *hi = t + 1 == x->n_tasks ? x->n : x->n / x->n_tasks * (t + 1);
}

static void explain_task(void *ctx, size_t t)
{
    explain_job *x = ctx;
    const churn_model *m = x->j->m;
    size_t lo, hi, d = churn_model_n_inputs(m);
    churn__reasoner w;
    int reasons_rc = churn__reasoner_init(&w, m, x->ds, x->bind, x->p->cols,
                                          x->j->o->n_reasons,
                                          x->j->o->by_input);
    double *raw = malloc(CHURN__SCORE_BATCH * (d ? d : 1) * sizeof *raw);
    int rc = raw ? CHURN_OK : CHURN_ENOMEM;
    share(x, t, &lo, &hi);
    if (rc == CHURN_OK)
        rc = churn__explain_rows(&w, lo, hi, x->first, raw,
                                 x->p->all + x->first + lo,
                                 x->p->why_off + x->first + lo, &x->texts[t],
                                 &reasons_rc, NULL);
    churn__reasoner_clear(&w);
    free(raw);
    x->rc[t] = rc != CHURN_OK ? rc : reasons_rc;
}

/* The rows of a block in n_tasks threads (see explain_job). */
static int explain_block(stream_job *j, part *p, const churn_dataset *ds,
                         const churn__binding *bind, size_t n, size_t first,
                         size_t n_tasks)
{
    explain_job x = {j, p, ds, bind, n, first, n_tasks,
                     calloc(n_tasks, sizeof(churn_scores)),
                     calloc(n_tasks, sizeof(int))};
    int rc = x.texts && x.rc ? CHURN_OK : CHURN_ENOMEM;
    if (rc == CHURN_OK)
        churn__run_tasks(n_tasks, explain_task, &x);
    for (size_t t = 0; rc == CHURN_OK && t < n_tasks; t++) {
        size_t lo, hi, base = p->text.text_len, len = x.texts[t].text_len;
        rc = x.rc[t];
        if (rc == CHURN_OK)
            rc = churn__reserve_text(&p->text, len);
        if (rc != CHURN_OK)
            break;
        if (len)
            memcpy(p->text.text + base, x.texts[t].text, len);
        p->text.text_len += len;
        share(&x, t, &lo, &hi);
        for (size_t i = first + lo; i < first + hi; i++)
            p->why_off[i] += base;
    }
    for (size_t t = 0; x.texts && t < n_tasks; t++)
        free(x.texts[t].text);
    free(x.texts);
    free(x.rc);
    return rc;
}

/* A full ranking's piece: every row's probability, reasons and id; in
 * n_threads threads (0: as many as there are), a block worth it. */
static int explain_all(stream_job *j, part *p, churn__reasoner *w,
                       const churn_dataset *ds, size_t n, size_t first,
                       size_t n_threads)
{
    size_t d = churn_model_n_inputs(j->m);
    size_t n_tasks = n_threads ? n_threads : j->n_threads;
    int reasons_rc = CHURN_OK;
    if (!p->raw &&
        !(p->raw = malloc(CHURN__SCORE_BATCH * (d ? d : 1) * sizeof *p->raw)))
        return CHURN_ENOMEM;
    int rc = reserve_rows(p, n);
    if (rc == CHURN_OK && n_tasks > 1 && n >= 4096)
        rc = explain_block(j, p, ds, w->bind, n, first, n_tasks);
    else if (rc == CHURN_OK)
        rc = churn__explain_rows(w, 0, n, first, p->raw, p->all + first,
                                 p->why_off + first, &p->text, &reasons_rc,
                                 NULL);
    if (rc == CHURN_OK)
        rc = reasons_rc;
    if (rc == CHURN_OK)
        rc = append_ids(p, ds, n, first);
    for (size_t i = 0; rc == CHURN_OK && i < n; i++)
        p->n_high += p->all[first + i].prob >= j->o->high;
    return rc;
}

/* A top's piece: the probabilities, then the heap. */
static int keep_piece(stream_job *j, part *p, churn__reasoner *w,
                      const churn_dataset *ds, size_t n, size_t first,
                      size_t n_threads)
{
    if (!p->heap && !(p->heap = calloc(j->o->top, sizeof *p->heap)))
        return CHURN_ENOMEM;
    if (n > p->cap_probs) {
        free(p->probs);
        p->probs = malloc(n * sizeof *p->probs);
        p->cap_probs = p->probs ? n : 0;
        if (!p->probs)
            return CHURN_ENOMEM;
    }
    int rc = churn__score_probabilities(j->m, ds, w->bind,
                                        n_threads ? n_threads : j->n_threads,
                                        p->probs, NULL);
    for (size_t i = 0; rc == CHURN_OK && i < n; i++)
        p->n_high += p->probs[i].prob >= j->o->high;
    if (rc == CHURN_OK && !keep_best(p, w, j->o->top, n, first))
        rc = CHURN_ENOMEM;
    return rc;
}

/* The sink's take, in the part's reading thread: the piece's rows (part
 * rows first..) scored and kept. Nonzero stops the read; the part's rc
 * then says why: CHURN_ENOMEM is reported (never a silent second
 * reading), anything else sends the caller to the whole-file path, which
 * says what is wrong. */
static int take_piece(void *ctx, size_t part_no, churn_dataset *ds,
                      size_t first, size_t n_threads)
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
        rc = j->o->top ? keep_piece(j, p, &w, ds, n, first, n_threads)
                       : explain_all(j, p, &w, ds, n, first, n_threads);
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

/* The top ranking from the parts' heaps: their rows numbered in the
 * file, the best N of them all sorted, ids and reasons copied into s. */
static int build_top(stream_job *j, const size_t *base, size_t n_parts,
                     churn_scores *s)
{
    size_t n = 0, id_bytes = 1, why_bytes = 1;
    for (size_t t = 0; t < n_parts; t++)
        n += j->parts[t].n_kept;
    kept *all = malloc((n ? n : 1) * sizeof *all);
    if (!all)
        return CHURN_ENOMEM;
    n = 0;
    for (size_t t = 0; t < n_parts; t++) {
        part *p = &j->parts[t];
        for (size_t k = 0; k < p->n_kept; k++, n++) {
            all[n] = p->heap[k];
            all[n].key.row += base[t];
        }
        p->n_kept = 0; /* all owns the strings now */
    }
    qsort(all, n, sizeof *all, churn__by_risk);
    size_t keep = n < j->o->top ? n : j->o->top;
    char number[32];
    for (size_t r = 0; r < keep; r++) {
        id_bytes += all[r].id ? strlen(all[r].id) + 1
                              : (size_t)snprintf(number, sizeof number,
                                                 "%zu", all[r].key.row + 1) + 1;
        why_bytes += strlen(all[r].why) + 1;
    }
    s->n = keep;
    s->order = malloc((keep ? keep : 1) * sizeof *s->order);
    s->tiers = malloc((keep ? keep : 1) * sizeof *s->tiers);
    s->ids = malloc((keep ? keep : 1) * sizeof *s->ids);
    s->reasons = malloc((keep ? keep : 1) * sizeof *s->reasons);
    s->id_text = malloc(id_bytes);
    s->text = malloc(why_bytes);
    int rc = s->order && s->tiers && s->ids && s->reasons && s->id_text &&
                     s->text
                 ? CHURN_OK
                 : CHURN_ENOMEM;
    s->text_cap = why_bytes;
    for (size_t r = 0, at = 0; rc == CHURN_OK && r < keep; r++) {
        const kept *e = &all[r];
        s->order[r] = e->key;
        s->tiers[r] = churn__tier(j->o, e->key.prob);
        /* No id column: the row number, as the whole-file reader gives. */
        size_t len = e->id ? strlen(e->id) + 1
                           : (size_t)snprintf(number, sizeof number, "%zu",
                                              e->key.row + 1) + 1;
        s->ids[r] = memcpy(s->id_text + at, e->id ? e->id : number, len);
        at += len;
        len = strlen(e->why) + 1;
        s->reasons[r] = s->text + s->text_len;
        memcpy(s->text + s->text_len, e->why, len);
        s->text_len += len;
    }
    for (size_t r = 0; r < n; r++) {
        free(all[r].id);
        free(all[r].why);
    }
    free(all);
    return rc;
}

/* Where the id of row g (its number, g + 1) starts among the numbers
 * 1, 2, ... written one after another, each NUL-terminated. */
static size_t number_offset(size_t g)
{
    size_t at = 0, width = 1, first = 0; /* rows first.. have width digits */
    for (size_t next = 9; g >= first + next; next *= 10, width++) {
        at += next * (width + 1);
        first += next;
    }
    return at + (g - first) * (width + 1);
}

/* The ids of a file without an id column: its row numbers, 1 to n. */
static char *number_ids(size_t n)
{
    size_t bytes = number_offset(n) + 1;
    char *ids = malloc(bytes);
    for (size_t i = 0, at = 0; ids && i < n; i++)
        at += (size_t)snprintf(ids + at, bytes - at, "%zu", i + 1) + 1;
    return ids;
}

/* What the threads filling a full ranking's ranks share. */
typedef struct fill_job {
    const stream_job *j;
    const size_t *base; /* rows before each part */
    size_t n_parts, n_tasks;
    churn_scores *s;
    char **why, **ids;  /* each part's texts; ids NULL: row numbers */
} fill_job;

/* Task t: the tiers, ids and reasons of its share of the ranks, each
 * pointing into its part's texts. */
static void fill_task(void *ctx, size_t t)
{
    fill_job *f = ctx;
    churn_scores *s = f->s;
    size_t lo = s->n / f->n_tasks * t;
    size_t hi = t + 1 == f->n_tasks ? s->n : s->n / f->n_tasks * (t + 1);
    for (size_t r = lo; r < hi; r++) {
        size_t g = s->order[r].row, p = 0, top = f->n_parts;
        while (top - p > 1) { /* the part holding row g */
            size_t mid = (p + top) / 2;
            if (f->base[mid] <= g)
                p = mid;
            else
                top = mid;
        }
        const part *pt = &f->j->parts[p];
        size_t i = g - f->base[p];
        s->tiers[r] = churn__tier(f->j->o, s->order[r].prob);
        s->reasons[r] = f->why[p] + pt->why_off[i];
        s->ids[r] = f->ids ? f->ids[p] + pt->id_off[i]
                           : s->id_text + number_offset(g);
    }
}

/* The full ranking from the parts' rows: numbered in the file and ranked
 * together, each rank pointing at its id and reasons in its part's
 * texts, which s then owns. */
static int build_full(stream_job *j, const size_t *base, size_t n_parts,
                      churn_scores *s)
{
    size_t n = base[n_parts];
    int have_ids = 0;
    for (size_t t = 0; t < n_parts; t++)
        have_ids |= j->parts[t].ids != NULL;
    s->order = malloc(n * sizeof *s->order);
    s->tiers = malloc(n * sizeof *s->tiers);
    s->ids = malloc(n * sizeof *s->ids);
    s->reasons = malloc(n * sizeof *s->reasons);
    s->blocks = calloc(2 * n_parts, sizeof *s->blocks);
    if (!have_ids)
        s->id_text = number_ids(n);
    if (!s->order || !s->tiers || !s->ids || !s->reasons || !s->blocks ||
        (!have_ids && !s->id_text))
        return CHURN_ENOMEM;
    /* The parts' texts become s's: why in blocks 0..n_parts-1, ids after. */
    for (size_t t = 0; t < n_parts; t++) {
        part *p = &j->parts[t];
        s->blocks[t] = p->text.text;
        s->blocks[n_parts + t] = p->ids;
        p->text.text = NULL;
        p->ids = NULL;
        for (size_t i = 0; i < p->n_rows; i++)
            s->order[base[t] + i] = (ranked){base[t] + i, p->all[i].prob};
    }
    s->n_blocks = 2 * n_parts;
    s->n = churn__rank_rows(s->order, n, 0, j->n_threads);
    fill_job f = {j, base, n_parts, n < 4096 || j->n_threads < 2 ? 1 : 2, s,
                  s->blocks, have_ids ? s->blocks + n_parts : NULL};
    churn__run_tasks(f.n_tasks, fill_task, &f);
    return CHURN_OK;
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
    free(p->all);
    free(p->why_off);
    free(p->id_off);
    free(p->ids);
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
        rc = o->top ? build_top(&j, base, n_parts, s)
                    : build_full(&j, base, n_parts, s);
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

/* score_stream_all.c - the full ranking of a streamed file: each part
 * keeps every row's probability, id and reasons text (never its values);
 * once the file is read, the rows are ranked together and each rank
 * points into its part's texts, which the result then owns: no text is
 * copied. */
#include "models/score_stream.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Makes room for n more rows in a full ranking's per-row arrays, one
 * block (all, then why_off, then id_off: with huge pages, three blocks
 * would each round up to 2 MB): at the first piece for the part_rows the
 * part is foretold to have, then by doubling. */
static int reserve_rows(part *p, size_t n, size_t part_rows)
{
    if (p->n_rows + n <= p->cap_all)
        return CHURN_OK;
    size_t cap = p->cap_all ? 2 * p->cap_all
                 : part_rows >= n ? churn__with_margin(part_rows)
                                  : 4096;
    while (cap < p->n_rows + n)
        cap *= 2;
    size_t row_bytes = sizeof *p->all + sizeof *p->why_off +
                       sizeof *p->id_off;
    ranked *all = cap <= SIZE_MAX / row_bytes
                      ? churn__huge_alloc(cap * row_bytes)
                      : NULL;
    if (!all)
        return CHURN_ENOMEM;
    size_t *why_off = (size_t *)(all + cap), *id_off = why_off + cap;
    if (p->n_rows) {
        memcpy(all, p->all, p->n_rows * sizeof *all);
        memcpy(why_off, p->why_off, p->n_rows * sizeof *why_off);
        memcpy(id_off, p->id_off, p->n_rows * sizeof *id_off);
    }
    free(p->all);
    p->all = all;
    p->why_off = why_off;
    p->id_off = id_off;
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
        if (churn__reserve_text(&p->ids, len) != CHURN_OK)
            return CHURN_ENOMEM;
        memcpy(p->ids.text + p->ids.text_len, id, len);
        p->id_off[first + i] = p->ids.text_len;
        p->ids.text_len += len;
    }
    return CHURN_OK;
}

/* A block's rows explained by all the threads (a file with categorical
 * columns is read a block at a time, each block handed over on the
 * calling thread): scored as churn_score_dataset scores a dataset, the
 * block's text then appended to the part's. */
static int explain_block(stream_job *j, part *p, const churn_dataset *ds,
                         const churn__binding *bind, size_t n, size_t first)
{
    churn_scores block = {.n_threads = j->n_threads};
    size_t base = p->text.text_len;
    int rc = churn__score_rows(&block, j->m, ds, bind, p->cols,
                               j->o->n_reasons, j->o->by_input, first,
                               p->all + first, p->why_off + first, NULL);
    if (rc == CHURN_OK)
        rc = churn__reserve_text(&p->text, block.text_len);
    if (rc == CHURN_OK && block.text_len) {
        memcpy(p->text.text + base, block.text, block.text_len);
        p->text.text_len += block.text_len;
    }
    for (size_t i = first; rc == CHURN_OK && i < first + n; i++)
        p->why_off[i] += base;
    free(block.text);
    return rc;
}

/* Grows text, after a first piece of n rows, to hold the part_rows the
 * part is foretold to have at as many bytes a row, in one step: a text
 * grown by doubling is copied at each step and first written on small
 * pages (on this kind of buffer, a page fault costs more than writing
 * the page), whereas one sized once takes huge pages. Without the
 * room (a foretelling far too high), the text grows as it goes. */
static void presize_text(churn_scores *text, size_t n, size_t part_rows)
{
    if (part_rows <= n || text->text_len == 0)
        return;
    size_t per_row = text->text_len / n + 1;
    size_t want = churn__with_margin(part_rows) * per_row;
    char *grown = want > text->text_cap
                      ? churn__huge_grow(text->text, text->text_len, want)
                      : NULL;
    if (!grown)
        return;
    text->text = grown;
    text->text_cap = want;
}

/* A full ranking's piece: every row's probability, reasons and id; in
 * this thread (n_threads 1: a part's piece) or in all (0: a block). */
int churn__stream_explain_all(stream_job *j, part *p, churn__reasoner *w,
                              const churn_dataset *ds, size_t n, size_t first,
                              size_t n_threads, size_t part_rows)
{
    size_t d = churn_model_n_inputs(j->m);
    int reasons_rc = CHURN_OK, rc = reserve_rows(p, n, part_rows);
    if (rc == CHURN_OK && n_threads != 0 && !p->raw &&
        !(p->raw = malloc(CHURN__SCORE_BATCH * (d ? d : 1) * sizeof *p->raw)))
        rc = CHURN_ENOMEM;
    if (rc == CHURN_OK)
        rc = n_threads == 0
                 ? explain_block(j, p, ds, w->bind, n, first)
                 : churn__explain_rows(w, 0, n, first, p->raw,
                                       p->all + first, p->why_off + first,
                                       &p->text, &reasons_rc, NULL);
    if (rc == CHURN_OK)
        rc = reasons_rc;
    if (rc == CHURN_OK)
        rc = append_ids(p, ds, n, first);
    if (rc == CHURN_OK && first == 0) {
        presize_text(&p->text, n, part_rows);
        presize_text(&p->ids, n, part_rows);
    }
    for (size_t i = 0; rc == CHURN_OK && i < n; i++)
        p->n_high += p->all[first + i].prob >= j->o->high;
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
int churn__stream_build_full(stream_job *j, const size_t *base, size_t n_parts,
                             churn_scores *s)
{
    size_t n = base[n_parts];
    int have_ids = 0;
    for (size_t t = 0; t < n_parts; t++)
        have_ids |= j->parts[t].ids.text != NULL;
    int rc = churn__scores_alloc(s, n);
    s->blocks = calloc(2 * n_parts, sizeof *s->blocks);
    if (!have_ids)
        s->id_text = number_ids(n);
    if (rc != CHURN_OK || !s->blocks || (!have_ids && !s->id_text))
        return CHURN_ENOMEM;
    /* The parts' texts become s's: why in blocks 0..n_parts-1, ids after. */
    for (size_t t = 0; t < n_parts; t++) {
        part *p = &j->parts[t];
        s->blocks[t] = p->text.text;
        s->blocks[n_parts + t] = p->ids.text;
        p->text.text = NULL;
        p->ids.text = NULL;
        for (size_t i = 0; i < p->n_rows; i++)
            s->order[base[t] + i] = (ranked){base[t] + i, p->all[i].prob};
    }
    s->n_blocks = 2 * n_parts;
    /* The radix sort's scratch: the per-rank pointers, written only
     * after the sort, where three pointers hold a ranked (24 bytes
     * against 16 on 64-bit machines; not on every 32-bit one). */
    void *scratch = 3 * sizeof(char *) >= sizeof(ranked) ? s->tiers : NULL;
    s->n = churn__rank_rows(s->order, n, 0, j->n_threads, scratch);
    fill_job f = {j, base, n_parts, n < 4096 || j->n_threads < 2 ? 1 : 2, s,
                  s->blocks, have_ids ? s->blocks + n_parts : NULL};
    churn__run_tasks(f.n_tasks, fill_task, &f);
    return CHURN_OK;
}

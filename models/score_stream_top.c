/* score_stream_top.c - the top N of a streamed ranking: each part keeps
 * a heap of its N best rows so far, with their ids and reasons (worked
 * out only for the rows that get in: about N log(rows / N) in all); once
 * the file is read, the parts' heaps are ranked together. */
#include "models/score_stream.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* A top's piece: the probabilities, then the heap. */
int churn__stream_keep_piece(stream_job *j, part *p, churn__reasoner *w,
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

/* The top ranking from the parts' heaps: their rows numbered in the
 * file, the best N of them all sorted, ids and reasons copied into s. */
int churn__stream_build_top(stream_job *j, const size_t *base, size_t n_parts,
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
    int rc = churn__scores_alloc(s, keep);
    s->id_text = malloc(id_bytes);
    s->text = malloc(why_bytes);
    if (!s->id_text || !s->text)
        rc = CHURN_ENOMEM;
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

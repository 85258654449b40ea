/* score_gather.c - the global ranking of a distributed scoring run: every
 * rank sends its top rows to rank 0, which merges the sorted streams.
 *
 * A rank's message, in native byte order (every rank runs the same
 * build): a uint64 row count, then per row in rank order
 *   double probability, uint8 tier (0 low, 1 medium, 2 high),
 *   uint64 id length, the id, uint64 reasons length, the reasons
 * (no NULs). An empty message means the rank could not build its own. */
#include "ml/comm.h"
#include "models/scores.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *const tier_names[] = {"low", "medium", "high"};

static int tier_code(const char *tier)
{
    for (int k = 0; k < 3; k++)
        if (strcmp(tier, tier_names[k]) == 0)
            return k;
    return 0;
}

/* Writes n bytes of p at *at and advances it. */
static void put(unsigned char **at, const void *p, size_t n)
{
    memcpy(*at, p, n);
    *at += n;
}

/* This rank's top n rows of local (NULL: none) as a message; *len its
 * size. Returns NULL when out of memory. */
static unsigned char *serialise(const churn_scores *local, size_t n,
                                size_t *len)
{
    size_t bytes = sizeof(uint64_t);
    for (size_t r = 0; r < n; r++)
        bytes += sizeof(double) + 1 + 2 * sizeof(uint64_t) +
                 strlen(churn_scores_id(local, r)) +
                 strlen(churn_scores_reasons(local, r));
    unsigned char *buf = malloc(bytes), *at = buf;
    if (!buf)
        return NULL;
    uint64_t count = n;
    put(&at, &count, sizeof count);
    for (size_t r = 0; r < n; r++) {
        double p = churn_scores_probability(local, r);
        unsigned char tier = (unsigned char)tier_code(
            churn_scores_tier(local, r));
        const char *id = churn_scores_id(local, r);
        const char *why = churn_scores_reasons(local, r);
        uint64_t n_id = strlen(id), n_why = strlen(why);
        put(&at, &p, sizeof p);
        put(&at, &tier, 1);
        put(&at, &n_id, sizeof n_id);
        put(&at, id, (size_t)n_id);
        put(&at, &n_why, sizeof n_why);
        put(&at, why, (size_t)n_why);
    }
    *len = bytes;
    return buf;
}

/* One rank's message being read: the row at its head, decoded. */
typedef struct stream {
    const unsigned char *at, *end;
    uint64_t left;    /* rows not yet decoded */
    int rank;
    double prob;      /* the head row */
    int tier;
    const char *id, *why;
    size_t n_id, n_why;
} stream;

/* Reads n bytes at s->at into p (NULL: skip); 0 when the message ends
 * first. */
static int take(stream *s, void *p, size_t n)
{
    if ((size_t)(s->end - s->at) < n)
        return 0;
    if (p)
        memcpy(p, s->at, n);
    s->at += n;
    return 1;
}

/* Decodes the next row into s's head. Returns 0 for a malformed row. */
static int next_row(stream *s)
{
    unsigned char tier;
    uint64_t n;
    if (!take(s, &s->prob, sizeof s->prob) || !take(s, &tier, 1) ||
        tier > 2 || !take(s, &n, sizeof n) || n > (size_t)(s->end - s->at))
        return 0;
    s->tier = tier;
    s->id = (const char *)s->at;
    s->n_id = (size_t)n;
    s->at += n;
    if (!take(s, &n, sizeof n) || n > (size_t)(s->end - s->at))
        return 0;
    s->why = (const char *)s->at;
    s->n_why = (size_t)n;
    s->at += n;
    s->left--;
    return 1;
}

/* Checks every row of a message and adds up its text. */
static int scan(stream s, size_t *rows, size_t *id_bytes, size_t *why_bytes)
{
    *rows += (size_t)s.left;
    while (s.left > 0) {
        if (!next_row(&s))
            return 0;
        *id_bytes += s.n_id + 1;
        *why_bytes += s.n_why + 1;
    }
    return s.at == s.end;
}

/* a before b in the global ranking: higher probability, then the lower
 * rank (its rows come first in the union of the shards). */
static int before(const stream *a, const stream *b)
{
    if (a->prob != b->prob)
        return a->prob > b->prob;
    return a->rank < b->rank;
}

/* Restores the heap order below slot i (heap[0] first). */
static void sift_down(stream **heap, size_t n, size_t i)
{
    for (;;) {
        size_t best = i, l = 2 * i + 1, r = l + 1;
        if (l < n && before(heap[l], heap[best]))
            best = l;
        if (r < n && before(heap[r], heap[best]))
            best = r;
        if (best == i)
            return;
        stream *t = heap[i];
        heap[i] = heap[best];
        heap[best] = t;
        i = best;
    }
}

/* Appends the head row of s as rank r of m. */
static void take_head(churn_scores *m, size_t r, const stream *s,
                      size_t *id_at)
{
    m->order[r].row = (size_t)-1;
    m->order[r].prob = s->prob;
    m->tiers[r] = tier_names[s->tier];
    m->ids[r] = memcpy(m->id_text + *id_at, s->id, s->n_id);
    m->ids[r][s->n_id] = '\0';
    *id_at += s->n_id + 1;
    m->reasons[r] = m->text + m->text_len;
    memcpy(m->text + m->text_len, s->why, s->n_why);
    m->text[m->text_len + s->n_why] = '\0';
    m->text_len += s->n_why + 1;
}

/* The k-way merge on rank 0 of the messages in all (lens[r] bytes from
 * rank r), keeping the first top_n rows (0 = all). */
static int merge(const unsigned char *all, const size_t *lens, int size,
                 size_t top_n, churn_scores **out, churn_error *err)
{
    stream *s = calloc((size_t)size, sizeof *s);
    stream **heap = calloc((size_t)size, sizeof *heap);
    churn_scores *m = calloc(1, sizeof *m);
    int rc = s && heap && m ? CHURN_OK : CHURN_ENOMEM;
    size_t rows = 0, id_bytes = 1, why_bytes = 1, n_heap = 0;
    for (int r = 0; rc == CHURN_OK && r < size; all += lens[r], r++) {
        s[r] = (stream){.at = all, .end = all + lens[r], .rank = r};
        if (lens[r] == 0) {
            rc = churn__fail(err, CHURN_EIO, "rank %d sent no scores", r);
        } else if (!take(&s[r], &s[r].left, sizeof s[r].left) ||
                   !scan(s[r], &rows, &id_bytes, &why_bytes)) {
            rc = churn__fail(err, CHURN_EFORMAT,
                             "the scores of rank %d are malformed", r);
        } else if (s[r].left > 0) {
            next_row(&s[r]); /* scan checked it */
            heap[n_heap++] = &s[r];
        }
    }
    size_t n = top_n && top_n < rows ? top_n : rows;
    if (rc == CHURN_OK) {
        m->n = n;
        m->n_threads = churn__online_cores();
        rc = churn__scores_alloc(m, n);
        m->id_text = malloc(id_bytes);
        m->text = malloc(why_bytes);
        m->text_cap = why_bytes;
        if (!m->id_text || !m->text)
            rc = CHURN_ENOMEM;
    }
    for (size_t i = n_heap; i-- > 0;)
        sift_down(heap, n_heap, i);
    for (size_t r = 0, id_at = 0; rc == CHURN_OK && r < n; r++) {
        stream *top = heap[0];
        take_head(m, r, top, &id_at);
        if (top->left > 0)
            next_row(top);
        else
            heap[0] = heap[--n_heap];
        sift_down(heap, n_heap, 0);
    }
    for (size_t r = 0; rc == CHURN_OK && r < n; r++)
        m->n_high += strcmp(m->tiers[r], "high") == 0;
    m->n_scored = n;
    if (rc == CHURN_ENOMEM)
        churn__fail_nomem(err);
    if (rc == CHURN_OK)
        *out = m;
    else
        churn_scores_free(m);
    free(s);
    free(heap);
    return rc;
}

int churn_scores_gather(const churn_scores *local, const churn_comm *comm,
                        size_t top_n, churn_scores **merged, churn_error *err)
{
    if (!merged)
        return churn__fail(err, CHURN_EINVAL, "gather scores: no output");
    *merged = NULL;
    int rank = comm ? comm->rank : 0, size = comm ? comm->size : 1;
    if (size < 1 || rank < 0 || rank >= size)
        return churn__fail(err, CHURN_EINVAL,
                           "gather scores: rank %d of %d", rank, size);
    size_t n = local ? churn_scores_n(local) : 0, len = 0;
    if (top_n && top_n < n)
        n = top_n;
    /* Without these few bytes the exchange cannot take place at all. */
    size_t *lens = calloc((size_t)size, sizeof *lens);
    if (!lens)
        return churn__fail_nomem(err);
    /* A rank out of memory for its message still takes part, with an
     * empty one, so that no rank waits for it forever. */
    int rc = CHURN_OK;
    unsigned char *mine = serialise(local, n, &len);
    if (!mine)
        rc = churn__fail_nomem(err);
    void *all = NULL;
    churn_error gather_err;
    int grc = churn__comm_gather(comm, mine, mine ? len : 0, 0, &all, lens,
                                 &gather_err);
    if (rc == CHURN_OK && grc != CHURN_OK) {
        rc = grc;
        if (err)
            *err = gather_err;
    }
    if (rc == CHURN_OK && rank == 0)
        rc = merge(all, lens, size, top_n, merged, err);
    free(mine);
    free(lens);
    free(all);
    /* Every rank returns the same status, the failing rank's message. */
    rc = churn_comm_agree(comm, rc, err);
    if (rc != CHURN_OK) {
        churn_scores_free(*merged);
        *merged = NULL;
    }
    return rc;
}

/* csv_fast_parse.c - the fast path's per-thread work: one chunk of
 * whole lines parsed field by field and its rows added to a dataset; in
 * a streamed read (csv_split.c) the chunk's own arrays for a piece's
 * rows. With AVX-512, each line is cut at its delimiters first and the
 * numbers converted eight at a time (ml/decimal_lanes.c); elsewhere each
 * number is scanned once, up to its delimiter. */
#include "datasets/csv_fast.h"
#include "ml/decimal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Converts field [s, s + len) of row i, whose role is role. Returns 0 to
 * decline the file. */
static int take_field(const fast *f, chunk *c, size_t i, size_t role,
                      const char *s, size_t len, double *row)
{
    if (role == NO_FIELD) /* a dropped column */
        return 1;
    if (role == ROLE_ID) {
        c->at.id[i] = s;
        c->at.id_len[i] = len;
    } else if (role == ROLE_LABEL) {
        return churn__csv_label_value(f->r, s, len, &c->at.label[i]);
    } else if (role == ROLE_AS_OF) {
        c->at.as_of[i] = NAN;
        return churn__is_missing(s, len) ||
               churn_parse_time(s, len, &c->at.as_of[i]) == CHURN_OK;
    } else if (role == ROLE_DAYS) { /* a bad one: the general reader says */
        double *days = &c->at.days[i];
        *days = NAN;
        return churn__is_missing(s, len) ||
               (churn__parse_double(s, len, days) && *days >= 0);
    } else if (churn__is_missing(s, len)) {
        row[role] = NAN;
    } else if (f->cat[role]) {
        size_t code;
        if ((!c->levels[role] && !(c->levels[role] = churn__strmap_new())) ||
            churn__strmap_intern(c->levels[role], s, len, &code, NULL)) {
            c->status = FAST_NOMEM;
            return 0;
        }
        row[role] = (double)code; /* the chunk's code, mapped later */
    } else if (!churn__parse_double(s, len, &row[role])) {
        if (f->r->must_be_numeric[role])
            return 0; /* an error the two passes report */
        row[role] = NAN;
        c->found_text[role] = 1;
        c->status = FAST_RESTART;
    }
    return 1;
}

/* Numeric fields waiting to be converted eight at a time
 * (churn__decimal_lanes), PENDING at most, with what the one-at-a-time
 * path needs for those the lanes decline. Many at once: the lanes' loop
 * keeps its constants in registers, and the windows written field by
 * field have reached the cache when the vector loads read them. */
#define PENDING 64
typedef struct pending {
    size_t n;
    uint64_t window[PENDING], length[PENDING];
    double value[PENDING];
    unsigned char ok[PENDING / 8];
    const char *text[PENDING];
    size_t role[PENDING], line[PENDING]; /* the field's column and row */
} pending;

/* Converts the pending fields. Returns 0 to decline the file. */
static int flush(const fast *f, chunk *c, pending *q)
{
    size_t n8 = (q->n + 7) / 8 * 8;
    for (size_t k = q->n; k < n8; k++) /* unused lanes: declined */
        q->window[k] = q->length[k] = 0;
    churn__decimal_lanes(n8, q->window, q->length, q->value, q->ok);
    for (size_t k = 0; k < q->n; k++) {
        double *row = c->at.values + q->line[k] * f->r->n_cols;
        if (q->ok[k / 8] >> (k % 8) & 1)
            row[q->role[k]] = q->value[k];
        else if (!take_field(f, c, q->line[k], q->role[k], q->text[k],
                             (size_t)q->length[k], row))
            return 0;
    }
    q->n = 0;
    return 1;
}

/* Field [s, d) (number field) of row i (its values at row): a numeric
 * one waits in q for the lanes. Returns 0 to decline the file. */
static inline int take(const fast *f, chunk *c, size_t i, double *row,
                       size_t field, const char *s, const char *d,
                       pending *q)
{
    if (field >= f->r->n_fields)
        return 0;
    size_t role = f->role[field], len = (size_t)(d - s);
    if (role >= f->r->n_cols || f->cat[role])
        return take_field(f, c, i, role, s, len, row);
    size_t k = q->n++;
    uint64_t w = 0;
    if (c->end - s >= 8)
        memcpy(&w, s, 8);
    else
        memcpy(&w, s, (size_t)(c->end - s));
    q->window[k] = w;
    q->length[k] = len;
    q->text[k] = s;
    q->role[k] = role;
    q->line[k] = i;
    return q->n < PENDING || flush(f, c, q);
}

/* The delimiters among the 16 bytes at b, those before e: bit k for
 * b[k]. *odd is set when one of them is a quote or a NUL, for the slow
 * path to judge. Reads no byte at or past limit (the chunk's end). */
static unsigned delimiters16(const char *b, const char *e, const char *limit,
                             char sep, int *odd)
{
    size_t have = (size_t)(e - b) < 16 ? (size_t)(e - b) : 16;
    unsigned keep = have == 16 ? 0xFFFFu : (1u << have) - 1;
    unsigned cuts = 0, quotes = 0;
#if defined(__SSE2__)
    char copy[16] = {0};
    const char *at = b;
    if ((size_t)(limit - b) < 16) {
        memcpy(copy, b, (size_t)(limit - b));
        at = copy;
    }
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)at);
    cuts = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8(sep)));
    quotes = (unsigned)_mm_movemask_epi8(
        _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('"')),
                     _mm_cmpeq_epi8(x, _mm_setzero_si128())));
#else
    (void)limit;
    for (size_t k = 0; k < have; k++) {
        cuts |= (unsigned)(b[k] == sep) << k;
        quotes |= (unsigned)(b[k] == '"' || b[k] == '\0') << k;
    }
#endif
    *odd |= (quotes & keep) != 0;
    return cuts & keep;
}

/* What a line cutter returns for a line the file's fast path cannot
 * take (the slow path judges it). */
#define DECLINED ((size_t)-1)

/* Line [p, e) of row i (its values at row) cut at its delimiters, 16
 * bytes at a time, its numbers left to the lanes (q). Returns the fields
 * taken, or DECLINED. */
static size_t cut_at_delimiters(const fast *f, chunk *c, size_t i,
                                double *row, const char *p, const char *e,
                                pending *q)
{
    const char *s = p; /* the field's start */
    size_t field = 0;
    int odd = 0;
    for (const char *b = p; b < e; b += 16) {
        unsigned cuts = delimiters16(b, e, c->end, f->r->sep, &odd);
        if (odd) /* a quote or NUL: the slow path's */
            return DECLINED;
        for (; cuts; cuts &= cuts - 1, field++) {
            const char *d = b + __builtin_ctz(cuts);
            if (!take(f, c, i, row, field, s, d, q))
                return DECLINED;
            s = d + 1;
        }
    }
    return take(f, c, i, row, field, s, e, q) ? field + 1 : DECLINED;
}

/* Line [p, e) of row i cut where each number ends: one scan reads a
 * number and finds its delimiter (where the lanes are not, this is
 * faster than finding the delimiters first). Returns the fields taken,
 * or DECLINED. */
static size_t cut_by_scan(const fast *f, chunk *c, size_t i, double *row,
                          const char *p, const char *e)
{
    const reader *r = f->r;
    size_t field = 0;
    for (const char *q = p;; q++) {
        const char *s = q;
        size_t role = field < r->n_fields ? f->role[field] : NO_FIELD;
        if (role < r->n_cols && !f->cat[role]) {
            /* A number ending at the delimiter: scanned once. */
            size_t n = churn__scan_decimal_inline(s, (size_t)(e - s),
                                                  &row[role]);
            if (n > 0 && (s + n == e || s[n] == r->sep)) {
                q = s + n;
                field++;
                if (q == e)
                    return field;
                continue;
            }
        }
        while (q < e && !f->special[(unsigned char)*q])
            q++;
        if (q < e && *q != r->sep) /* a quote or NUL: the slow path */
            return DECLINED;
        if (field == r->n_fields ||
            !take_field(f, c, i, f->role[field], s, (size_t)(q - s), row))
            return DECLINED;
        field++;
        if (q == e)
            return field;
    }
}

void churn__csv_parse_chunk(const fast *f, size_t t)
{
    chunk *c = &f->chunks[t];
    const reader *r = f->r;
    const char *p = c->begin;
    pending lanes;
    lanes.n = 0;
    pending *q = churn__decimal_lanes_usable() ? &lanes : NULL;
    while (p < c->end && c->n_rows < c->max_rows) {
        const char *nl = memchr(p, '\n', (size_t)(c->end - p));
        const char *e = nl ? nl : c->end, *next = nl ? nl + 1 : c->end;
        if (e > p && e[-1] == '\r')
            e--;
        if (e == p) { /* a blank line */
            p = next;
            continue;
        }
        size_t i = c->n_rows++;
        double *row = c->at.values + i * r->n_cols;
        c->at.label[i] = NAN;
        c->at.days[i] = NAN;
        size_t fields = q ? cut_at_delimiters(f, c, i, row, p, e, q)
                          : cut_by_scan(f, c, i, row, p, e);
        if (fields != r->n_fields) {
            if (c->status != FAST_NOMEM)
                c->status = FAST_DECLINE;
            return;
        }
        p = next;
    }
    if (q && q->n && !flush(f, c, q)) {
        if (c->status != FAST_NOMEM)
            c->status = FAST_DECLINE;
        return;
    }
    c->rest = p;
}

/* Rows ahead whose ids churn__csv_add_chunk_rows asks the cache for. */
#define ID_AHEAD 16

int churn__csv_add_chunk_rows(const fast *f, const chunk *c,
                              churn_dataset *ds)
{
    const reader *r = f->r;
    int have_id = r->id_field != NO_FIELD;
    for (size_t k = 0; k < c->n_rows; k++) {
        /* The ids lie a line apart, parsed a while ago or by another
         * core: fetched ahead, their copies stop waiting on misses. */
        if (have_id && k + ID_AHEAD < c->n_rows)
            __builtin_prefetch(c->at.id[k + ID_AHEAD]);
        int rc = churn__dataset_add_row_n(
            ds, have_id ? c->at.id[k] : NULL, have_id ? c->at.id_len[k] : 0,
            c->at.values + k * r->n_cols,
            r->label_field != NO_FIELD ? c->at.label[k] : NAN, NULL);
        if (rc == CHURN_OK && r->as_of_field != NO_FIELD &&
            !isnan(c->at.as_of[k]))
            rc = churn_dataset_set_as_of(ds, churn_dataset_n_rows(ds) - 1,
                                         c->at.as_of[k], NULL);
        if (rc == CHURN_OK && r->days_field != NO_FIELD)
            rc = churn_dataset_set_days_to_churn(
                ds, churn_dataset_n_rows(ds) - 1, c->at.days[k], NULL);
        if (rc != CHURN_OK)
            return rc == CHURN_ENOMEM ? FAST_NOMEM : FAST_DECLINE;
    }
    return FAST_OK;
}

int churn__csv_own_rows(chunk *c, size_t n)
{
    if (n > c->own_cap) {
        int ok = 1;
        c->own.id = churn__grown(c->own.id, n, sizeof *c->own.id, &ok);
        c->own.id_len =
            churn__grown(c->own.id_len, n, sizeof *c->own.id_len, &ok);
        c->own.label = churn__grown(c->own.label, n, sizeof *c->own.label, &ok);
        c->own.as_of = churn__grown(c->own.as_of, n, sizeof *c->own.as_of, &ok);
        c->own.days = churn__grown(c->own.days, n, sizeof *c->own.days, &ok);
        if (!ok)
            return 0;
        c->own_cap = n;
    }
    churn__dataset_clear_rows(c->ds);
    c->own.values = churn__dataset_next_rows(c->ds, n);
    c->at = c->own;
    c->n_rows = 0;
    c->max_rows = n;
    c->status = FAST_OK;
    return c->own.values != NULL;
}

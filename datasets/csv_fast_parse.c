/* csv_fast_parse.c - the fast path's per-thread work: one chunk of
 * whole lines parsed field by field (numbers scanned once, up to the
 * delimiter) and its rows added to a dataset; in a streamed read
 * (csv_split.c) the chunk's own arrays for a piece's rows. */
#include "datasets/csv_fast.h"
#include "ml/decimal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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

void churn__csv_parse_chunk(const fast *f, size_t t)
{
    chunk *c = &f->chunks[t];
    const reader *r = f->r;
    const char *p = c->begin;
    size_t n_cols = r->n_cols;
    const char sep = r->sep;
    const unsigned char *special = f->special;
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
        double *row = c->at.values + i * n_cols;
        c->at.label[i] = NAN;
        c->at.days[i] = NAN;
        size_t field = 0;
        for (const char *q = p;; q++) {
            const char *s = q;
            size_t role = field < r->n_fields ? f->role[field] : NO_FIELD;
            if (role < n_cols && !f->cat[role]) {
                /* A number ending at the delimiter: scanned once. */
                size_t n = churn__scan_decimal_inline(s, (size_t)(e - s),
                                                      &row[role]);
                if (n > 0 && (s + n == e || s[n] == sep)) {
                    q = s + n;
                    field++;
                    if (q == e)
                        break;
                    continue;
                }
            }
            while (q < e && !special[(unsigned char)*q])
                q++;
            if (q < e && *q != sep) { /* a quote or NUL: the slow path */
                c->status = FAST_DECLINE;
                return;
            }
            if (field == r->n_fields ||
                !take_field(f, c, i, f->role[field], s, (size_t)(q - s),
                            row)) {
                if (c->status != FAST_NOMEM)
                    c->status = FAST_DECLINE;
                return;
            }
            field++;
            if (q == e)
                break;
        }
        if (field != r->n_fields) {
            c->status = FAST_DECLINE;
            return;
        }
        p = next;
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

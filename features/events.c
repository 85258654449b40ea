/* events.c - the event-log reader: one streaming pass over the CSV, each
 * row looked up (customer, event name), parsed and added to the history. */
#include "features/history.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NO_COLUMN ((size_t)-1)
/* Distinct raw event names remembered with their kind; past this many
 * (a log with free-text names) each new one is looked up afresh, so
 * memory stays bounded. */
#define NAME_CACHE_MAX 4096
/* Records between two progress reports. */
#define PROGRESS_EVERY ((uint64_t)1 << 20)
/* Longest bad text quoted back in an error message. */
#define QUOTE_MAX 64

typedef struct reader {
    churn__csv *csv;
    const char *path;
    char sep;                       /* the delimiter, set or detected */
    size_t field[CHURN__N_COLUMNS]; /* field index of each input column */
    size_t n_fields;                /* of the header */
    const churn__roles *roles;
    churn__history *h;
    char last_id[64];               /* the previous row's customer, */
    size_t last_id_len, last_c;     /* since logs often run by customer */
    churn__strmap *cache;           /* raw event name -> kinds[] */
    churn__event_kind *kinds;
    size_t kinds_cap;
} reader;

/* Lists the header's fields into buf, for "no column" messages. */
static void header_list(const churn__csv *csv, char *buf, size_t size)
{
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < churn__csv_n_fields(csv) && n < size; i++) {
        int w = snprintf(buf + n, size - n, "%s%s", i ? ", " : "",
                         churn__csv_field(csv, i, NULL));
        if (w < 0)
            break;
        n += (size_t)w;
    }
    if (n >= size && size > 4)
        memcpy(buf + size - 4, "...", 4);
}

/* Opens the log at path with its fields split at o's delimiter, or,
 * when the options leave it to the file, at the one its header shows
 * (the tables' rules, read ahead in the reader's buffer: a pipe works). */
static int open_log(reader *r, const churn_feature_opts *o, churn_error *err)
{
    int rc = churn__csv_open(r->path, &r->csv, err);
    r->sep = o->delimiter;
    if (rc == CHURN_OK && !r->sep)
        rc = churn__csv_detect(r->csv, &r->sep, NULL, err);
    if (rc == CHURN_OK)
        churn__csv_set_sep(r->csv, r->sep);
    return rc;
}

/* A header read as one field that holds another delimiter (one was set
 * that the log does not use): say which, as the tables' reader does,
 * rather than that the columns are missing. */
static int check_delimiter(const reader *r, churn_error *err)
{
    char hint[200];
    if (r->n_fields != 1 ||
        !churn__csv_delimiter_hint(churn__csv_field(r->csv, 0, NULL), r->sep,
                                   hint, sizeof hint))
        return CHURN_OK;
    return churn__fail_at(err, CHURN_EFORMAT, r->path,
                          churn__csv_line(r->csv), 0, "%s", hint);
}

/* Finds each input column in the header (names match in any case). */
static int read_header(reader *r, const churn_feature_opts *o,
                       churn_error *err)
{
    int rc = churn__csv_next(r->csv, err);
    if (rc == CHURN__CSV_END)
        return churn__fail_at(err, CHURN_EEMPTY, r->path, 1, 1,
                              "empty file: expected a header with columns "
                              "%s, %s, %s", o->columns[CHURN__COL_ID],
                              o->columns[CHURN__COL_TIME],
                              o->columns[CHURN__COL_EVENT]);
    if (rc != CHURN_OK)
        return rc;
    r->n_fields = churn__csv_n_fields(r->csv);
    rc = check_delimiter(r, err);
    if (rc != CHURN_OK)
        return rc;
    for (int w = 0; w < CHURN__N_COLUMNS; w++) {
        r->field[w] = NO_COLUMN;
        const char *name = o->columns[w];
        for (size_t i = 0; i < r->n_fields; i++) {
            size_t len;
            const char *f = churn__csv_field(r->csv, i, &len);
            if (!churn__equal_nocase(f, len, name))
                continue;
            /* Two columns of one name: either could be meant. */
            if (r->field[w] != NO_COLUMN)
                return churn__fail_at(err, CHURN_EFORMAT, r->path,
                                      churn__csv_field_line(r->csv, i),
                                      churn__csv_field_column(r->csv, i),
                                      "duplicate column '%s' (also column "
                                      "%zu)", name, r->field[w] + 1);
            r->field[w] = i;
        }
        if (r->field[w] != NO_COLUMN ||
            (w == CHURN__COL_VALUE && !o->value_column_set))
            continue;
        char list[200];
        header_list(r->csv, list, sizeof list);
        return churn__fail_at(err, CHURN_EFORMAT, r->path,
                              churn__csv_line(r->csv), 1,
                              "no column '%s' (the header has: %s)", name,
                              list);
    }
    return CHURN_OK;
}

int churn__event_classify(const churn__roles *roles, churn__history *h,
                          const char *raw, size_t len,
                          churn__event_kind *kind, churn_error *err)
{
    char lower[CHURN__NAME_MAX + 1];
    size_t n = churn__lower_name(raw, len, lower);
    kind->unknown = -1;
    kind->name = -1;
    if (n == (size_t)-1 || n == 0)
        return CHURN_EPARSE; /* the caller says where */
    kind->role = churn__roles_find(roles, lower, n);
    if (kind->role < 0) {
        kind->role = churn__roles_unknown(roles);
        char column[CHURN__NAME_MAX + 1];
        memcpy(column, lower, n + 1);
        churn__sanitize_name(column, n);
        int rc = churn__history_unknown(h, column, n, &kind->unknown, err);
        if (rc != CHURN_OK)
            return rc;
    }
    return churn__history_name(h, lower, n, kind, err);
}

/* The kind of event name raw, from the cache when seen before. */
static int event_kind(reader *r, const char *raw, size_t len,
                      churn__event_kind *kind, churn_error *err)
{
    size_t idx = churn__strmap_find(r->cache, raw, len);
    if (idx != (size_t)-1) {
        *kind = r->kinds[idx];
        return CHURN_OK;
    }
    int rc = churn__event_classify(r->roles, r->h, raw, len, kind, err);
    if (rc != CHURN_OK || churn__strmap_count(r->cache) >= NAME_CACHE_MAX)
        return rc;
    if (churn__strmap_intern(r->cache, raw, len, &idx, NULL) != CHURN_OK)
        return churn__fail_nomem(err);
    if (idx >= r->kinds_cap) {
        size_t cap = r->kinds_cap ? r->kinds_cap * 2 : 64;
        churn__event_kind *k = realloc(r->kinds, cap * sizeof *k);
        if (!k)
            return churn__fail_nomem(err);
        r->kinds = k;
        r->kinds_cap = cap;
    }
    r->kinds[idx] = *kind;
    return CHURN_OK;
}

/* Fails at field i of the current record, quoting its text. */
static int bad_field(const reader *r, size_t i, int code, const char *what,
                     churn_error *err)
{
    size_t len;
    const char *text = churn__csv_field(r->csv, i, &len);
    return churn__fail_at(err, code, r->path,
                          churn__csv_field_line(r->csv, i),
                          churn__csv_field_column(r->csv, i), "%s '%.*s%s'",
                          what, (int)(len > QUOTE_MAX ? QUOTE_MAX : len),
                          text, len > QUOTE_MAX ? "..." : "");
}

int churn__event_time(const char *text, size_t len, double *ts,
                      const char **why)
{
    if (churn_parse_time(text, len, ts) != CHURN_OK) {
        *why = "bad timestamp";
        return CHURN_EPARSE;
    }
    /* A number this small is a spreadsheet's serial day (45352 is
     * 2024-03-01 in Excel), not seconds into 1970-01-01. */
    if (*ts >= 0 && *ts < 100000 && !memchr(text, '-', len)) {
        *why = "timestamp looks like a spreadsheet serial date, not Unix "
               "seconds; use YYYY-MM-DD:";
        return CHURN_EPARSE;
    }
    return CHURN_OK;
}

/* The index of the current record's customer, added when new. */
static int customer(reader *r, size_t *c, churn_error *err)
{
    size_t len;
    const char *id = churn__csv_field(r->csv, r->field[CHURN__COL_ID], &len);
    if (len == r->last_id_len && r->last_id_len > 0 &&
        memcmp(id, r->last_id, len) == 0) {
        *c = r->last_c;
        return CHURN_OK;
    }
    int added;
    if (churn__strmap_intern(r->h->ids, id, len, c, &added))
        return churn__fail_nomem(err);
    if (added && churn__history_add_customer(r->h, err) != CHURN_OK)
        return CHURN_ENOMEM;
    r->last_c = *c;
    r->last_id_len = len < sizeof r->last_id ? len : 0;
    memcpy(r->last_id, id, r->last_id_len);
    return CHURN_OK;
}

/* Parses the current record and adds it to the history. */
static int read_row(reader *r, churn_error *err)
{
    churn__csv *csv = r->csv;
    size_t n = churn__csv_n_fields(csv);
    if (n != r->n_fields)
        return churn__fail_at(
            err, CHURN_EFORMAT, r->path,
            n > r->n_fields ? churn__csv_field_line(csv, r->n_fields)
                            : churn__csv_line(csv),
            n > r->n_fields ? churn__csv_field_column(csv, r->n_fields) : 1,
            "expected %zu fields as in the header, found %zu", r->n_fields,
            n);
    size_t len;
    churn__csv_field(csv, r->field[CHURN__COL_ID], &len);
    if (len == 0)
        return bad_field(r, r->field[CHURN__COL_ID], CHURN_EFORMAT,
                         "empty customer id", err);
    double ts;
    const char *text = churn__csv_field(csv, r->field[CHURN__COL_TIME], &len);
    const char *why;
    if (churn__event_time(text, len, &ts, &why) != CHURN_OK)
        return bad_field(r, r->field[CHURN__COL_TIME], CHURN_EPARSE, why,
                         err);
    churn__event_kind kind;
    text = churn__csv_field(csv, r->field[CHURN__COL_EVENT], &len);
    int rc = event_kind(r, text, len, &kind, err);
    if (rc == CHURN_EPARSE) {
        char lower[CHURN__NAME_MAX + 1];
        int too_long = churn__lower_name(text, len, lower) == (size_t)-1;
        return bad_field(r, r->field[CHURN__COL_EVENT], rc,
                         too_long ? "event name too long" : "empty event name",
                         err);
    }
    if (rc != CHURN_OK)
        return rc;
    double value = NAN;
    size_t vf = r->field[CHURN__COL_VALUE];
    if (vf != NO_COLUMN) {
        text = churn__csv_field(csv, vf, &len);
        if (!churn__parse_double(text, len, &value) &&
            !churn__is_missing(text, len))
            return bad_field(r, vf, CHURN_EPARSE, "bad value", err);
    }
    /* An ignored row is checked like any other, then only counted: its
     * customer is not one of the log's unless other rows say so. */
    if (kind.role == CHURN__ROLE_IGNORE) {
        churn__history_note(r->h, kind, ts);
        return CHURN_OK;
    }
    size_t c;
    rc = customer(r, &c, err);
    if (rc == CHURN_OK)
        churn__history_event(r->h, c, kind, ts, value);
    return rc;
}

int churn__events_read(const char *path, const churn_feature_opts *o,
                       const churn__roles *roles, churn__history *h,
                       churn_error *err)
{
    reader r = {.path = path, .roles = roles, .h = h};
    int rc = open_log(&r, o, err);
    if (rc != CHURN_OK)
        goto done;
    r.cache = churn__strmap_new();
    if (!r.cache) {
        rc = churn__fail_nomem(err);
        goto done;
    }
    rc = read_header(&r, o, err);
    if (rc != CHURN_OK)
        goto done;
    uint64_t n_records = 0;
    while ((rc = churn__csv_next(r.csv, err)) == CHURN_OK) {
        rc = read_row(&r, err);
        if (rc != CHURN_OK)
            goto done;
        if (++n_records % PROGRESS_EVERY == 0 && o->progress)
            o->progress(o->progress_user, "reading events",
                        churn__csv_offset(r.csv), churn__csv_size(r.csv));
    }
    if (rc != CHURN__CSV_END)
        goto done;
    rc = CHURN_OK;
    if (o->progress)
        o->progress(o->progress_user, "reading events",
                    churn__csv_offset(r.csv), churn__csv_size(r.csv));
done:
    churn__csv_close(r.csv);
    churn__strmap_free(r.cache);
    free(r.kinds);
    return rc;
}

int churn__events_read_header(const char *path, const churn_feature_opts *o,
                              churn__events_header *hd, churn_error *err)
{
    reader r = {.path = path};
    int rc = open_log(&r, o, err);
    if (rc == CHURN_OK)
        rc = read_header(&r, o, err);
    if (rc == CHURN_OK) {
        memcpy(hd->field, r.field, sizeof hd->field);
        hd->n_fields = r.n_fields;
        hd->data_offset = churn__csv_offset(r.csv);
        hd->sep = r.sep;
    }
    churn__csv_close(r.csv);
    return rc;
}

/* csv.c - streaming RFC 4180 record reader; fields split in place. */
#include "ml/internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Small: a streamed read takes only the header from here, and each
 * fresh page of a buffer costs a page fault when first written (1 MB
 * took 3 ms of the start of churn-score on a virtual machine); longer
 * records grow it. The fuzz build sets a tiny buffer, so that records
 * crossing refills and growth are exercised by small inputs. */
#ifndef CSV_INITIAL_BUFFER
#define CSV_INITIAL_BUFFER (64u << 10)
#endif
/* A record longer than this is surely not CSV we understand (a binary
 * file, a missing closing quote); refuse instead of eating all memory. */
#define CSV_MAX_RECORD ((size_t)256 << 20)

struct churn__csv {
    FILE *fp;
    char *path;
    char *buf;
    size_t cap;       /* bytes allocated in buf (one more for a final NUL) */
    size_t pos;       /* start of the unparsed bytes */
    size_t end;       /* end of the valid bytes */
    int eof;          /* nothing more to read from fp */
    uint64_t base;    /* file offset of buf[0] */
    uint64_t size;    /* file size, 0 if unknown */
    size_t line;      /* line number at buf[pos] */
    int first;        /* no record read yet: a BOM may come */
    char sep;         /* the field delimiter: ',' unless set */
    /* the current record */
    size_t n_fields, cap_fields;
    char **fields;
    size_t *lens, *lines, *cols;
    size_t rec_line;
};

int churn__csv_open(const char *path, churn__csv **out, churn_error *err)
{
    *out = NULL;
    churn__csv *c = calloc(1, sizeof *c);
    if (!c)
        return churn__fail_nomem(err);
    c->path = churn__strdup(path);
    c->cap = CSV_INITIAL_BUFFER;
    c->buf = malloc(c->cap + 1);
    if (!c->path || !c->buf) {
        churn__csv_close(c);
        return churn__fail_nomem(err);
    }
    c->fp = fopen(path, "rb");
    if (!c->fp) {
        int e = errno;
        churn__csv_close(c);
        if (e == ENOMEM) /* fopen's own buffer: out of memory, not I/O */
            return churn__fail_nomem(err);
        return churn__fail_at(err, CHURN_EIO, path, 0, 0, "cannot open: %s",
                              strerror(e));
    }
    struct stat st;
    if (fstat(fileno(c->fp), &st) == 0 && S_ISREG(st.st_mode))
        c->size = (uint64_t)st.st_size;
    c->line = 1;
    c->first = 1;
    c->sep = ',';
    *out = c;
    return CHURN_OK;
}

void churn__csv_close(churn__csv *c)
{
    if (!c)
        return;
    if (c->fp)
        fclose(c->fp);
    free(c->path);
    free(c->buf);
    free(c->fields);
    free(c->lens);
    free(c->lines);
    free(c->cols);
    free(c);
}

/* Moves the unparsed bytes to the front, grows the buffer if a record
 * fills it, and reads more. */
static int refill(churn__csv *c, churn_error *err)
{
    if (c->pos > 0) {
        memmove(c->buf, c->buf + c->pos, c->end - c->pos);
        c->base += c->pos;
        c->end -= c->pos;
        c->pos = 0;
    }
    if (c->end == c->cap) {
        if (c->cap >= CSV_MAX_RECORD)
            return churn__fail_at(err, CHURN_EFORMAT, c->path, c->line, 1,
                                  "record longer than %zu MiB (unterminated "
                                  "quote?)", CSV_MAX_RECORD >> 20);
        size_t cap = c->cap * 2;
        char *b = realloc(c->buf, cap + 1);
        if (!b)
            return churn__fail_nomem(err);
        c->buf = b;
        c->cap = cap;
    }
    size_t got = fread(c->buf + c->end, 1, c->cap - c->end, c->fp);
    if (got == 0) {
        if (ferror(c->fp))
            return churn__fail_at(err, CHURN_EIO, c->path, c->line, 0,
                                  "read error: %s", strerror(errno));
        c->eof = 1;
    }
    c->end += got;
    return CHURN_OK;
}

static int add_field(churn__csv *c, char *start, size_t len, size_t line,
                     size_t col, churn_error *err)
{
    if (c->n_fields == c->cap_fields) {
        size_t cap = c->cap_fields ? c->cap_fields * 2 : 16;
        char **f = realloc(c->fields, cap * sizeof *f);
        if (f)
            c->fields = f;
        size_t *l = realloc(c->lens, cap * sizeof *l);
        if (l)
            c->lens = l;
        size_t *ln = realloc(c->lines, cap * sizeof *ln);
        if (ln)
            c->lines = ln;
        size_t *co = realloc(c->cols, cap * sizeof *co);
        if (co)
            c->cols = co;
        if (!f || !l || !ln || !co)
            return churn__fail_nomem(err);
        c->cap_fields = cap;
    }
    start[len] = '\0';
    c->fields[c->n_fields] = start;
    c->lens[c->n_fields] = len;
    c->lines[c->n_fields] = line;
    c->cols[c->n_fields] = col;
    c->n_fields++;
    return CHURN_OK;
}

/* Finds the end of the record at buf[pos]: the newline that ends it (or
 * the end of data at EOF), outside quotes. Returns the index one past the
 * record's last byte, or (size_t)-1 when more data is needed. *quoted
 * tells whether the record has any quote (the slow path). */
static size_t record_end(const churn__csv *c, int *quoted)
{
    const char *s = c->buf + c->pos;
    size_t avail = c->end - c->pos;
    const char *nl = memchr(s, '\n', avail);
    size_t line_len = nl ? (size_t)(nl - s) : avail;
    *quoted = memchr(s, '"', line_len) != NULL;
    if (!*quoted) {
        if (nl)
            return c->pos + line_len;
        return c->eof ? c->end : (size_t)-1;
    }
    /* A quote opens a quoted field only where split_quoted reads one: at
     * the start of a field, or right after a closing quote (a doubled
     * quote). Elsewhere it is a plain character (an inch mark in
     * 5" screen) and must not swallow the lines after it. */
    int in_quotes = 0, field_start = 1, closed = 0;
    for (size_t i = 0; i < avail; i++) {
        char ch = s[i];
        if (in_quotes) {
            if (ch == '"') {
                in_quotes = 0;
                closed = 1;
            }
            continue;
        }
        if (ch == '"' && (field_start || closed)) {
            in_quotes = 1;
            field_start = closed = 0;
            continue;
        }
        if (ch == '\n')
            return c->pos + i;
        field_start = ch == c->sep;
        closed = 0;
    }
    return c->eof ? c->end : (size_t)-1;
}

/* Splits an unquoted line [s, e) on the delimiter. */
static int split_plain(churn__csv *c, char *s, char *e, churn_error *err)
{
    if (e > s && e[-1] == '\r')
        e--;
    const char sep = c->sep;
    char *field = s;
    for (char *q = s;; q++) {
        if (q == e || *q == sep) {
            int rc = add_field(c, field, (size_t)(q - field), c->line,
                               (size_t)(field - s) + 1, err);
            if (rc != CHURN_OK)
                return rc;
            if (q == e)
                return CHURN_OK;
            field = q + 1;
        } else if (*q == '\0') {
            return churn__fail_at(err, CHURN_EPARSE, c->path, c->line,
                                  (size_t)(q - s) + 1, "NUL byte in text");
        }
    }
}

/* Splits a record with quotes [s, e), unescaping quoted fields in place. */
static int split_quoted(churn__csv *c, char *s, char *e, churn_error *err)
{
    char *line_start = s;
    size_t line = c->line;
    char *q = s;
    for (;;) {
        char *field = q, *w = q;
        size_t f_line = line, f_col = (size_t)(q - line_start) + 1;
        if (q < e && *q == '"') {
            q++;
            for (;;) {
                if (q == e)
                    return churn__fail_at(err, CHURN_EPARSE, c->path, f_line,
                                          f_col, "unterminated quoted field");
                if (*q == '"') {
                    if (q + 1 < e && q[1] == '"') {
                        *w++ = '"';
                        q += 2;
                        continue;
                    }
                    q++;
                    break;
                }
                if (*q == '\0')
                    return churn__fail_at(err, CHURN_EPARSE, c->path, line,
                                          (size_t)(q - line_start) + 1,
                                          "NUL byte in text");
                if (*q == '\n') {
                    line++;
                    line_start = q + 1;
                }
                *w++ = *q++;
            }
            if (q < e && *q == '\r' && q + 1 == e)
                q++;
            if (q < e && *q != c->sep)
                return churn__fail_at(err, CHURN_EPARSE, c->path, line,
                                      (size_t)(q - line_start) + 1,
                                      "unexpected '%c' after closing quote",
                                      *q);
        } else {
            /* An unquoted field; a quote inside it is kept as a character,
             * as spreadsheets write inch marks. */
            while (q < e && *q != c->sep) {
                if (*q == '\0')
                    return churn__fail_at(err, CHURN_EPARSE, c->path, line,
                                          (size_t)(q - line_start) + 1,
                                          "NUL byte in text");
                q++;
            }
            w = q;
            if (q == e && w > field && w[-1] == '\r')
                w--;
        }
        int rc = add_field(c, field, (size_t)(w - field), f_line, f_col, err);
        if (rc != CHURN_OK)
            return rc;
        if (q == e)
            break;
        q++; /* the delimiter */
    }
    c->line = line; /* lines inside quoted fields */
    return CHURN_OK;
}

int churn__csv_next(churn__csv *c, churn_error *err)
{
    for (;;) {
        if (c->first && (c->end - c->pos < 3) && !c->eof) {
            int rc = refill(c, err);
            if (rc != CHURN_OK)
                return rc;
            continue;
        }
        if (c->first) {
            c->first = 0;
            if (c->end - c->pos >= 3 &&
                memcmp(c->buf + c->pos, "\xEF\xBB\xBF", 3) == 0)
                c->pos += 3;
        }
        if (c->pos == c->end && c->eof)
            return CHURN__CSV_END;
        int quoted;
        size_t rec_end = record_end(c, &quoted);
        if (rec_end == (size_t)-1) {
            int rc = refill(c, err);
            if (rc != CHURN_OK)
                return rc;
            continue;
        }
        char *s = c->buf + c->pos, *e = c->buf + rec_end;
        size_t next = rec_end < c->end ? rec_end + 1 : rec_end;
        c->n_fields = 0;
        c->rec_line = c->line;
        if (e == s || (e == s + 1 && *s == '\r')) { /* blank line */
            c->pos = next;
            c->line++;
            continue;
        }
        int rc = quoted ? split_quoted(c, s, e, err)
                        : split_plain(c, s, e, err);
        if (rc != CHURN_OK)
            return rc;
        c->pos = next;
        c->line++;
        return CHURN_OK;
    }
}

void churn__csv_set_sep(churn__csv *c, char sep) { c->sep = sep; }

int churn__csv_detect(churn__csv *c, char *sep, char *also, churn_error *err)
{
    churn__sep_scan s;
    churn__sep_scan_init(&s);
    size_t scanned = 0; /* bytes after c->pos already fed */
    for (;;) {
        size_t avail = c->end - c->pos;
        if (churn__sep_scan_feed(&s, c->buf + c->pos + scanned,
                                 avail - scanned) ||
            c->eof)
            break;
        scanned = avail;
        int rc = refill(c, err); /* keeps the bytes from c->pos on */
        if (rc != CHURN_OK)
            return rc;
    }
    churn__sep_scan_result(&s, sep, also);
    return CHURN_OK;
}

size_t churn__csv_n_fields(const churn__csv *c) { return c->n_fields; }

const char *churn__csv_field(const churn__csv *c, size_t i, size_t *len)
{
    if (len)
        *len = c->lens[i];
    return c->fields[i];
}

size_t churn__csv_field_line(const churn__csv *c, size_t i)
{
    return c->lines[i];
}

size_t churn__csv_field_column(const churn__csv *c, size_t i)
{
    return c->cols[i];
}

size_t churn__csv_line(const churn__csv *c) { return c->rec_line; }
const char *churn__csv_path(const churn__csv *c) { return c->path; }
uint64_t churn__csv_offset(const churn__csv *c) { return c->base + c->pos; }
uint64_t churn__csv_size(const churn__csv *c) { return c->size; }

void churn__csv_put_field(FILE *f, const char *text)
{
    if (!strpbrk(text, ",\"\r\n")) {
        fputs(text, f);
        return;
    }
    fputc('"', f);
    for (const char *p = text; *p; p++) {
        if (*p == '"')
            fputc('"', f);
        fputc(*p, f);
    }
    fputc('"', f);
}

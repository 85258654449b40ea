/* csv_split.c - the fast path's streamed read of a file without
 * categorical columns: the records are cut into one stretch of whole
 * lines per thread (a part), and each thread reads its part through a
 * small buffer of its own, parses it into its own dataset a piece at a
 * time and hands each piece to the sink, all in that thread. No thread
 * waits for another until the end, and the buffer stays in the core's
 * cache: a block shared by all threads had them wait at every block's
 * end and page-faulted the whole block in at every refill.
 *
 * A part is the lines that start in its byte range: it finds its first
 * line by skipping to just past the first line end before its range
 * begins, and reads past its range's end to finish its last line, so
 * the parts need not agree on anything but the ranges. */
#include "datasets/csv_fast.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A part's buffer: small enough to stay in a core's cache while its rows
 * are parsed and scored. */
#define PIECE_BYTES ((size_t)256 << 10)
/* Rows per piece handed to the sink: at most this many are parsed before
 * the piece goes. */
#define PIECE_ROWS 2048
/* A part smaller than this is not worth a thread. */
#define MIN_PART ((size_t)1 << 20)
/* The longest record, as csv.c's limit: beyond it the slow path fails. */
#define MAX_LINE ((size_t)256 << 20)

typedef struct split {
    fast *f;
    int fd;
    uint64_t offset, size; /* the records start at offset; the file size */
    size_t n_parts;
    atomic_int stop;       /* a part failed: the others stop too */
} split;

/* Reads up to want bytes at offset into buf; returns how many (fewer
 * only at the end of the file), or -1 on a read error. */
static ssize_t read_at(int fd, char *buf, size_t want, uint64_t offset)
{
    size_t got = 0;
    while (got < want) {
        ssize_t n = pread(fd, buf + got, want - got, (off_t)(offset + got));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        got += (size_t)n;
    }
    return (ssize_t)got;
}

/* The start of the first line that starts at or after *pos (> 0): just
 * past the first line end at or after *pos - 1, or the end of the file.
 * Returns 0 on a read error. */
static int first_line_start(int fd, uint64_t *pos)
{
    char buf[4096];
    uint64_t at = *pos - 1;
    for (;;) {
        ssize_t n = read_at(fd, buf, sizeof buf, at);
        if (n < 0)
            return 0;
        const char *nl = memchr(buf, '\n', (size_t)n);
        if (nl || n == 0) {
            *pos = at + (nl ? (uint64_t)(nl - buf) + 1 : 0);
            return 1;
        }
        at += (uint64_t)n;
    }
}

size_t churn__csv_foretold_rows(size_t rows, uint64_t done, uint64_t bytes)
{
    if (done == 0 || done >= bytes)
        return rows;
    double foretold = (double)rows * (double)bytes / (double)done;
    return foretold < (double)SIZE_MAX / 2 ? (size_t)foretold : SIZE_MAX / 2;
}

/* Parses the whole lines [begin, end) into the part's dataset and hands
 * it to the sink a piece (at most PIECE_ROWS rows) at a time; *rows
 * counts the part's rows so far, *done its bytes (of part_bytes) before
 * begin. A FAST_ status. */
static int parse_lines(fast *f, size_t t, const char *begin, const char *end,
                       size_t *rows, uint64_t done, uint64_t part_bytes)
{
    chunk *c = &f->chunks[t];
    const churn__csv_sink *sink = f->r->sink;
    c->begin = begin;
    c->end = end;
    while (c->begin < c->end) {
        if (!churn__csv_own_rows(c, PIECE_ROWS))
            return FAST_NOMEM;
        churn__csv_parse_chunk(f, t);
        if (c->status == FAST_OK)
            c->status = churn__csv_add_chunk_rows(f, c, c->ds);
        if (c->status != FAST_OK)
            return c->status == FAST_RESTART ? FAST_DECLINE : c->status;
        size_t part_rows = churn__csv_foretold_rows(
            *rows + c->n_rows, done + (uint64_t)(c->rest - begin), part_bytes);
        if (c->n_rows &&
            sink->take(sink->ctx, t, c->ds, *rows, 1, part_rows) != 0)
            return FAST_DECLINE;
        *rows += c->n_rows;
        c->begin = c->rest;
    }
    return FAST_OK;
}

/* How much of buf[0..have) the part parses now: up to its last line end
 * (all of it at the end of the file), and no line that starts at or past
 * the part's end (*last is then set). 0: no line end yet. */
static size_t lines_to_parse(const char *buf, size_t have, int eof,
                             uint64_t pos, uint64_t end, int *last)
{
    size_t len = have;
    if (!eof)
        while (len > 0 && buf[len - 1] != '\n')
            len--;
    if (pos + len > end) { /* the line holding byte end - 1 is the last */
        size_t k = (size_t)(end - 1 - pos);
        const char *nl = memchr(buf + k, '\n', len - k);
        if (nl)
            len = (size_t)(nl - buf) + 1;
        *last = 1;
    }
    return len;
}

/* Part t: its lines, read, parsed and handed over. A FAST_ status. */
static int read_part(split *s, size_t t)
{
    fast *f = s->f;
    chunk *c = &f->chunks[t];
    uint64_t span = (s->size - s->offset) / s->n_parts;
    uint64_t pos = s->offset + span * t;
    uint64_t end = t + 1 == s->n_parts ? UINT64_MAX : pos + span;
    if (t > 0 && !first_line_start(s->fd, &pos))
        return FAST_DECLINE;
    uint64_t start = pos, stop = end < s->size ? end : s->size;
    uint64_t part_bytes = stop > start ? stop - start : 0;
    if (!c->buf && !(c->buf = malloc(c->buf_cap = PIECE_BYTES)))
        return FAST_NOMEM;
    size_t have = 0, rows = 0;
    int status = FAST_OK, last = pos >= end;
    while (status == FAST_OK && !last && !atomic_load(&s->stop)) {
        ssize_t got = read_at(s->fd, c->buf + have, c->buf_cap - have,
                              pos + have);
        if (got < 0)
            return FAST_DECLINE;
        have += (size_t)got;
        int eof = have < c->buf_cap;
        size_t len = lines_to_parse(c->buf, have, eof, pos, end, &last);
        if (len == 0 && !eof) { /* a line longer than the buffer */
            char *grown = c->buf_cap < MAX_LINE
                              ? realloc(c->buf, c->buf_cap * 2)
                              : NULL;
            if (!grown)
                return c->buf_cap < MAX_LINE ? FAST_NOMEM : FAST_DECLINE;
            c->buf = grown;
            c->buf_cap *= 2;
            continue;
        }
        status = parse_lines(f, t, c->buf, c->buf + len, &rows, pos - start,
                             part_bytes);
        memmove(c->buf, c->buf + len, have - len);
        have -= len;
        pos += len;
        /* A line starting at end is the next part's first. */
        last |= pos >= end || (eof && have == 0);
    }
    return status;
}

static void part_task(void *ctx, size_t t)
{
    split *s = ctx;
    int status = read_part(s, t);
    s->f->chunks[t].status = status;
    if (status != FAST_OK)
        atomic_store(&s->stop, 1);
}

int churn__csv_read_split(fast *f, int fd, uint64_t offset, size_t n_threads)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return FAST_DECLINE;
    split s = {f, fd, offset, (uint64_t)st.st_size, 1, 0};
    uint64_t bytes = s.size > offset ? s.size - offset : 0;
    s.n_parts = bytes / MIN_PART < n_threads ? bytes / MIN_PART : n_threads;
    if (s.n_parts < 1)
        s.n_parts = 1;
    churn__run_tasks(s.n_parts, part_task, &s);
    int status = FAST_OK;
    for (size_t t = 0; t < s.n_parts; t++) {
        int st_t = f->chunks[t].status;
        if (st_t == FAST_NOMEM || (st_t != FAST_OK && status == FAST_OK))
            status = st_t;
    }
    return status;
}

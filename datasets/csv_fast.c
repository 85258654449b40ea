/* csv_fast.c - the tabular reader's fast path: one pass over plain CSV
 * (no quotes), block by block, each block cut at line ends into chunks
 * that threads parse straight into the dataset's rows while another
 * thread reads the next block (two buffers of BLOCK_BYTES).
 *
 * It never reports an error: a file it cannot read cleanly goes back to
 * the two-pass reader (csv_read.c), which says what is wrong with the
 * very messages it always gave. Kinds come from the hints r holds (the
 * forced categorical columns); a column that turns out to hold a text is
 * marked and the read starts over, so a column's kind costs at most one
 * more pass, and usually only the first block, where texts such as plan
 * names show up at once. A column that became categorical but is mostly
 * numbers is an error (csv_columns.c): the caller checks the result and
 * lets the two passes name the first bad cell.
 *
 * The result is the two passes' dataset bit for bit, whatever the number
 * of threads: every value goes through churn__parse_double, rows keep
 * file order, and category levels keep the order of first appearance
 * (each chunk interns its own levels in its order; merging the chunks in
 * file order then gives the file's order). */
#include "datasets/csv_fast.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Two such buffers: 4 MiB each keeps a streamed read's memory (raw bytes
 * plus one block's rows) below what one 8 MiB block took. */
#define BLOCK_BYTES ((size_t)4 << 20)
/* The longest record, as csv.c's limit: beyond it the slow path fails. */
#define MAX_LINE ((size_t)256 << 20)
/* A chunk smaller than this is not worth a thread. */
#define MIN_CHUNK ((size_t)1 << 20)

static void free_levels(const fast *f, chunk *c)
{
    for (size_t j = 0; c->levels && j < f->r->n_cols; j++) {
        churn__strmap_free(c->levels[j]);
        c->levels[j] = NULL;
    }
}


/* Reads r->buf full from r->offset on, or to the end of the file. */
static void fill(refill *r)
{
    while (r->have < r->cap && !r->eof) {
        ssize_t got = pread(r->fd, r->buf + r->have, r->cap - r->have,
                            (off_t)r->offset);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            r->failed = 1;
            return;
        }
        r->eof = got == 0;
        r->have += (size_t)got;
        r->offset += (uint64_t)got;
    }
}

/* Cuts [buf, buf + len) into f->n_chunks chunks at line ends, counts
 * their lines and makes room for that many rows. Returns 0 when out of
 * memory. */
static int cut_block(fast *f, const char *buf, size_t len, size_t n_chunks)
{
    size_t total = 0;
    const char *start = buf, *end = buf + len;
    f->n_chunks = 0;
    for (size_t t = 0; t < n_chunks && start < end; t++) {
        const char *stop = end;
        if (t + 1 < n_chunks) {
            stop = buf + len / n_chunks * (t + 1);
            stop = stop < start ? start : stop;
            const char *nl = memchr(stop, '\n', (size_t)(end - stop));
            stop = nl ? nl + 1 : end;
        }
        chunk *c = &f->chunks[f->n_chunks++];
        c->begin = start;
        c->end = stop;
        c->first_row = total;
        c->n_rows = 0;
        c->status = FAST_OK;
        c->max_rows = 0;
        for (const char *p = start; p < stop; c->max_rows++) {
            const char *nl = memchr(p, '\n', (size_t)(stop - p));
            p = nl ? nl + 1 : stop;
        }
        total += c->max_rows;
        start = stop;
    }
    if (total > f->cap_rows) {
        int ok = 1;
        f->id = churn__grown(f->id, total, sizeof *f->id, &ok);
        f->id_len = churn__grown(f->id_len, total, sizeof *f->id_len, &ok);
        f->label = churn__grown(f->label, total, sizeof *f->label, &ok);
        f->as_of = churn__grown(f->as_of, total, sizeof *f->as_of, &ok);
        f->days = churn__grown(f->days, total, sizeof *f->days, &ok);
        if (!ok)
            return 0;
        f->cap_rows = total;
    }
    f->values = churn__dataset_next_rows(f->ds, total);
    for (size_t t = 0; t < f->n_chunks; t++) {
        size_t i = f->chunks[t].first_row;
        f->chunks[t].at = (rows){f->values ? f->values + i * f->r->n_cols
                                           : NULL,
                                 f->id + i, f->id_len + i, f->label + i,
                                 f->as_of + i, f->days + i};
    }
    return f->values != NULL;
}

/* Maps chunk c's level codes to the dataset's, interning its levels in
 * its order of first appearance. Returns 0 when out of memory. */
static int map_levels(fast *f, chunk *c)
{
    size_t n_cols = f->r->n_cols;
    for (size_t j = 0; j < n_cols; j++) {
        if (!c->levels[j])
            continue;
        size_t n = churn__strmap_count(c->levels[j]);
        double *map = malloc(n * sizeof *map);
        if (!map)
            return 0;
        for (size_t k = 0; k < n; k++)
            if (churn_dataset_level_code(f->ds, j,
                                         churn__strmap_key(c->levels[j], k),
                                         &map[k], NULL) != CHURN_OK) {
                free(map);
                return 0;
            }
        for (size_t i = 0; i < c->n_rows; i++) {
            double *v = c->at.values + i * n_cols + j;
            if (!isnan(*v))
                *v = map[(size_t)*v];
        }
        free(map);
    }
    return 1;
}


/* Adds the parsed rows of the block to the dataset, chunk by chunk. */
static int add_rows(fast *f)
{
    for (size_t t = 0; t < f->n_chunks; t++) {
        chunk *c = &f->chunks[t];
        if (!map_levels(f, c))
            return FAST_NOMEM;
        int status = churn__csv_add_chunk_rows(f, c, f->ds);
        if (status != FAST_OK)
            return status;
    }
    return FAST_OK;
}


/* The tasks of a block: its chunks, and the reading of the next block
 * (the copy out of the page cache costs as much as parsing a chunk's
 * share of a core; done alongside, it costs no wall time). */
static void block_task(void *ctx, size_t t)
{
    fast *f = ctx;
    if (t < f->n_chunks)
        churn__csv_parse_chunk(f, t);
    else
        fill(f->ahead);
}

/* Hands the block's rows to the sink, as part 0, and empties the
 * dataset. */
static int hand_over(fast *f)
{
    const churn__csv_sink *sink = f->r->sink;
    size_t n = churn_dataset_n_rows(f->ds);
    int stop = sink->take(sink->ctx, 0, f->ds, f->rows_done, 0, 0) != 0;
    f->rows_done += n;
    churn__dataset_clear_rows(f->ds);
    return stop ? FAST_DECLINE : FAST_OK;
}

/* Parses the whole lines [buf, buf + len) in parallel and adds them. */
static int read_block(fast *f, const char *buf, size_t len,
                      size_t n_threads)
{
    size_t n_chunks = len / MIN_CHUNK;
    n_chunks = n_chunks < 1 ? 1 : n_chunks > n_threads ? n_threads : n_chunks;
    if (!cut_block(f, buf, len, n_chunks))
        return FAST_NOMEM;
    churn__run_tasks(f->n_chunks + (f->ahead != NULL), block_task, f);
    int status = FAST_OK;
    for (size_t t = 0; t < f->n_chunks; t++) {
        chunk *c = &f->chunks[t];
        if (c->status == FAST_NOMEM)
            status = FAST_NOMEM;
        else if (c->status == FAST_DECLINE && status != FAST_NOMEM)
            status = FAST_DECLINE;
        else if (c->status == FAST_RESTART && status == FAST_OK)
            status = FAST_RESTART;
        for (size_t j = 0; j < f->r->n_cols; j++)
            f->cat[j] |= c->found_text[j];
    }
    if (status == FAST_OK)
        status = add_rows(f);
    if (status == FAST_OK && f->r->sink) /* streaming: hand over, drop */
        status = hand_over(f);
    for (size_t t = 0; t < f->n_chunks; t++)
        free_levels(f, &f->chunks[t]);
    return status;
}

/* Doubles the capacity of both buffers, for a line longer than a block.
 * Returns 0 when out of memory. */
static int grow(refill *cur, refill *next)
{
    char *a = realloc(cur->buf, cur->cap * 2);
    if (a)
        cur->buf = a, cur->cap *= 2;
    char *b = a ? realloc(next->buf, next->cap * 2) : NULL;
    if (b)
        next->buf = b, next->cap *= 2;
    return a && b;
}

/* After the first block (bytes of records) of a whole-file read: room
 * for the rows the file's size foretells, and a margin, made once (grown
 * block by block, the rows would be copied again at each growth).
 * Advice only: without the memory, the rows grow as they come. */
static void presize(fast *f, int fd, size_t bytes)
{
    struct stat st;
    size_t rows = churn_dataset_n_rows(f->ds);
    if (f->r->sink || rows == 0 || bytes == 0 || fstat(fd, &st) != 0 ||
        st.st_size <= 0)
        return;
    (void)churn_dataset_reserve(
        f->ds,
        churn__with_margin(
            churn__csv_foretold_rows(rows, bytes, (uint64_t)st.st_size)),
        NULL);
}

/* Reads the file from offset block by block, each block's whole lines
 * parsed while the next block is read into the other buffer. */
static int read_blocks(fast *f, int fd, uint64_t offset, size_t n_threads)
{
    /* On huge pages: 4 MB in small pages is 1,024 faults each. */
    refill cur = {fd, churn__huge_alloc(BLOCK_BYTES), BLOCK_BYTES, 0, offset,
                  0, 0};
    int first = 1;
    refill next = {fd, churn__huge_alloc(BLOCK_BYTES), BLOCK_BYTES, 0, 0, 0,
                   0};
    int status = cur.buf && next.buf ? FAST_OK : FAST_NOMEM;
    if (status == FAST_OK)
        fill(&cur);
    while (status == FAST_OK && !cur.failed && cur.have > 0) {
        size_t piece = cur.have;
        if (!cur.eof) { /* up to the end of the last whole line */
            while (piece > 0 && cur.buf[piece - 1] != '\n')
                piece--;
            if (piece == 0) { /* a line longer than the buffer */
                if (cur.cap >= MAX_LINE)
                    status = FAST_DECLINE;
                else if (!grow(&cur, &next))
                    status = FAST_NOMEM;
                else
                    fill(&cur);
                continue;
            }
            /* The next block starts with the rest of the last line. */
            next.have = cur.have - piece;
            memcpy(next.buf, cur.buf + piece, next.have);
            next.offset = cur.offset;
            next.eof = next.failed = 0;
            f->ahead = &next;
        }
        status = read_block(f, cur.buf, piece, n_threads);
        f->ahead = NULL;
        if (status == FAST_OK && first && !cur.eof) /* more to come */
            presize(f, fd, piece);
        first = 0;
        if (cur.eof)
            break;
        refill t = cur;
        cur = next;
        next = t;
    }
    if (status == FAST_OK && cur.failed)
        status = FAST_DECLINE;
    free(cur.buf);
    free(next.buf);
    return status;
}

/* One attempt with the kinds in f->cat; *ds gets the dataset on FAST_OK. */
static int attempt(fast *f, uint64_t offset, size_t n_threads,
                   churn_dataset **ds)
{
    reader kinds = *f->r;
    kinds.is_categorical = f->cat;
    kinds.n_rows = 0;
    *ds = NULL;
    /* Level codes must follow the file's order: categorical columns
     * are read a block at a time into one dataset; without them, a
     * stream is read in parts (csv_split.c). */
    f->in_parts = f->r->sink && f->r->n_cols > 0 &&
                  !memchr(f->cat, 1, f->r->n_cols);
    int rc = churn__csv_create_dataset(&kinds, &f->ds, NULL);
    for (size_t t = 0; f->in_parts && rc == CHURN_OK && t < n_threads; t++)
        rc = churn__csv_create_dataset(&kinds, &f->chunks[t].ds, NULL);
    int status = rc == CHURN_OK        ? FAST_OK
                 : rc == CHURN_ENOMEM ? FAST_NOMEM
                                      : FAST_DECLINE;
    f->rows_done = 0;
    int fd = status == FAST_OK ? open(f->r->path, O_RDONLY) : -1;
    if (status == FAST_OK)
        status = fd < 0        ? FAST_DECLINE
                 : f->in_parts ? churn__csv_read_split(f, fd, offset,
                                                       n_threads)
                               : read_blocks(f, fd, offset, n_threads);
    if (fd >= 0)
        close(fd);
    if (status == FAST_OK)
        *ds = f->ds;
    else
        churn_dataset_free(f->ds);
    f->ds = NULL;
    for (size_t t = 0; t < n_threads; t++) {
        churn_dataset_free(f->chunks[t].ds);
        f->chunks[t].ds = NULL;
    }
    return status;
}

/* Allocates the per-field roles and the chunks' column arrays. */
static int setup(fast *f, const reader *r, size_t n_threads, size_t *role)
{
    for (size_t i = 0; i < r->n_fields; i++)
        role[i] = i == r->id_field      ? ROLE_ID
                  : i == r->label_field ? ROLE_LABEL
                  : i == r->as_of_field ? ROLE_AS_OF
                  : i == r->days_field  ? ROLE_DAYS
                                        : NO_FIELD;
    for (size_t j = 0; j < r->n_cols; j++)
        role[r->col_field[j]] = j;
    size_t n_cols = r->n_cols ? r->n_cols : 1;
    f->r = r;
    f->role = role;
    f->special[(unsigned char)r->sep] = 1;
    f->special['"'] = 1;
    f->special[0] = 1;
    f->cat = malloc(n_cols);
    f->chunks = calloc(n_threads, sizeof *f->chunks);
    if (!f->cat || !f->chunks)
        return 0;
    memcpy(f->cat, r->is_categorical, r->n_cols);
    for (size_t t = 0; t < n_threads; t++) {
        f->chunks[t].found_text = calloc(n_cols, 1);
        f->chunks[t].levels = calloc(n_cols, sizeof *f->chunks[t].levels);
        if (!f->chunks[t].found_text || !f->chunks[t].levels)
            return 0;
    }
    return 1;
}

int churn__csv_read_fast(const reader *r, uint64_t offset,
                         churn_dataset **out)
{
    *out = NULL;
    if (r->unique && r->id_field != NO_FIELD)
        return CHURN_EFORMAT; /* ids checked for repeats: the two passes */
    size_t n_threads = r->n_threads ? r->n_threads : churn__online_cores();
    if (n_threads > CHURN__CSV_MAX_THREADS)
        n_threads = CHURN__CSV_MAX_THREADS;
    fast f;
    memset(&f, 0, sizeof f);
    size_t *role = malloc((r->n_fields ? r->n_fields : 1) * sizeof *role);
    int status = role && setup(&f, r, n_threads, role) ? FAST_RESTART
                                                       : FAST_NOMEM;
    /* Each restart adds at least one categorical column. */
    for (size_t k = 0; status == FAST_RESTART && k <= r->n_cols; k++) {
        for (size_t t = 0; t < n_threads; t++)
            memset(f.chunks[t].found_text, 0, r->n_cols);
        status = attempt(&f, offset, n_threads, out);
        /* Blocks already handed to a sink cannot be read again. */
        if (r->sink && status == FAST_RESTART)
            status = FAST_DECLINE;
    }
    for (size_t t = 0; f.chunks && t < n_threads; t++) {
        rows *own = &f.chunks[t].own;
        free(f.chunks[t].found_text);
        free(f.chunks[t].levels);
        free(f.chunks[t].buf);
        free(own->id);
        free(own->id_len);
        free(own->label);
        free(own->as_of);
        free(own->days);
    }
    free(f.chunks);
    free(f.cat);
    free(f.id);
    free(f.id_len);
    free(f.label);
    free(f.as_of);
    free(f.days);
    free(role);
    return status == FAST_OK      ? CHURN_OK
           : status == FAST_NOMEM ? CHURN_ENOMEM
                                  : CHURN_EFORMAT;
}

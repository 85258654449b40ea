/* csv_fast.h - what the fast path's files share: csv_fast.c reads the
 * blocks, cuts them and hands the rows over, or has csv_split.c stream a
 * file without categorical columns, one part per thread;
 * csv_fast_parse.c parses a chunk of lines. Private to
 * datasets/csv_fast*.c and csv_split.c. */
#ifndef CHURN_DATASETS_CSV_FAST_H
#define CHURN_DATASETS_CSV_FAST_H

#include "datasets/csv_reader.h"

/* FAST_NOMEM is reported, not retried: the two passes would need the
 * memory too, and a caller must learn that it ran out. */
enum { FAST_OK = 0, FAST_DECLINE = 1, FAST_RESTART = 2, FAST_NOMEM = 3 };

/* A field's role: a feature column j (0..n_cols-1) or one of these. */
#define ROLE_ID ((size_t)-2)
#define ROLE_LABEL ((size_t)-3)
#define ROLE_AS_OF ((size_t)-4)
#define ROLE_DAYS ((size_t)-5)

/* Where the rows of a chunk go, one entry per row (values: n_cols). */
typedef struct rows {
    double *values;
    const char **id;
    size_t *id_len;
    double *label, *as_of, *days;
} rows;

typedef struct chunk {
    const char *begin, *end; /* whole lines of the block */
    size_t first_row;        /* its first row within the block */
    size_t max_rows;         /* rows it may hold (its lines, in a block) */
    size_t n_rows;           /* rows parsed */
    const char *rest;        /* where the parse stopped: end, or the
                              * first line beyond max_rows rows */
    int status;
    unsigned char *found_text; /* per column: a text in a numeric one */
    churn__strmap **levels;    /* per column: this chunk's levels */
    rows at;                   /* where its rows go */
    /* A streamed read's part (csv_split.c): its own dataset, per-row
     * arrays and buffer. */
    churn_dataset *ds;
    rows own;
    size_t own_cap;
    char *buf;
    size_t buf_cap;
} chunk;

/* One read of the file (an attempt with given kinds). */
typedef struct fast {
    const reader *r;
    int in_parts;              /* a streamed read in parts: csv_split.c */
    const size_t *role;        /* per field */
    unsigned char *cat;        /* per column: categorical in this attempt */
    churn_dataset *ds;
    /* per row of the current block */
    double *values;            /* the block's first row in ds */
    const char **id;
    size_t *id_len;
    double *label, *as_of, *days;
    size_t cap_rows;
    chunk *chunks;
    size_t n_chunks;
    size_t rows_done;          /* rows handed to r->sink in this attempt */
    /* The bytes that end an unquoted field's scan: the delimiter, and
     * the quote and NUL that the slow path must judge. */
    unsigned char special[256];
    struct refill *ahead;      /* the next block, read during the parse */
} fast;

/* A block's buffer: cap bytes, the first have of them read, up to
 * offset in the file. */
typedef struct refill {
    int fd;
    char *buf;
    size_t cap, have;
    uint64_t offset;
    int eof, failed;
} refill;

/* Parses chunk t of f, at most its max_rows rows: the task of one thread.
 * Writes its status and where it stopped. */
void churn__csv_parse_chunk(const fast *f, size_t t);
/* Adds the parsed rows of chunk c to ds: a FAST_ status. */
int churn__csv_add_chunk_rows(const fast *f, const chunk *c,
                              churn_dataset *ds);
/* Empties c's own dataset and makes room for n rows there and in its
 * own arrays, which c's rows then go to. Returns 0 when out of memory. */
int churn__csv_own_rows(chunk *c, size_t n);
/* csv_split.c: the rows of bytes bytes foretold from the first rows and
 * the done bytes they took (rows itself once done reaches bytes). */
size_t churn__csv_foretold_rows(size_t rows, uint64_t done, uint64_t bytes);

/* csv_split.c: reads the records from offset of the open file fd in
 * parts, one per thread (at most n_threads), each part's rows parsed
 * into its chunk's own dataset and handed to the sink in its thread. A
 * FAST_ status. */
int churn__csv_read_split(fast *f, int fd, uint64_t offset,
                          size_t n_threads);

#endif

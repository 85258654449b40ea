/* csv_fast.h - what the fast path's two files share: csv_fast.c reads
 * the blocks, cuts them and hands the rows over; csv_fast_parse.c parses
 * a chunk (and, in a direct read, adds it to the chunk's own dataset and
 * scores it). Private to datasets/csv_fast*.c. */
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
    size_t max_rows;         /* lines in it: rows, blank lines aside */
    size_t n_rows;           /* rows parsed */
    int status;
    unsigned char *found_text; /* per column: a text in a numeric one */
    churn__strmap **levels;    /* per column: this chunk's levels */
    rows at;                   /* where its rows go */
    /* A direct read's: the chunk's own dataset and per-row arrays. */
    churn_dataset *ds;
    rows own;
    size_t own_cap;
} chunk;

/* One read of the file (an attempt with given kinds). */
typedef struct fast {
    const reader *r;
    int direct;                /* chunks parse into their own datasets */
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

/* Parses chunk t of f: the task of one thread. Writes its status. */
void churn__csv_parse_chunk(const fast *f, size_t t);
/* Adds the parsed rows of chunk c to ds: a FAST_ status. */
int churn__csv_add_chunk_rows(const fast *f, const chunk *c,
                              churn_dataset *ds);
/* A direct read's chunk t, all in one thread: parsed into its own
 * dataset and handed to the sink's score. Writes its status. */
void churn__csv_direct_chunk(fast *f, size_t t);

#endif

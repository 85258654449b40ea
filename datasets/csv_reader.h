/* csv_reader.h - what the tabular CSV reader (csv_read.c) shares with its
 * one-pass parallel fast path (csv_fast.c). Private to datasets/. */
#ifndef CHURN_DATASETS_CSV_READER_H
#define CHURN_DATASETS_CSV_READER_H

#include "internal.h"

#define NO_FIELD ((size_t)-1)
/* More reading threads than this is surely a mistake. */
#define CHURN__CSV_MAX_THREADS 256

/* What one read needs; the same for both passes. */
typedef struct reader {
    const char *path;
    const char *id_column;   /* from the options, or the defaults */
    int id_explicit;
    int unique;              /* ids must not repeat */
    const char *label_column;
    const char *positive;
    char *const *categorical;
    size_t n_categorical;
    char *const *numeric;
    size_t n_numeric;
    churn__csv *csv;
    churn__strmap *header;   /* field names; index = field number */
    size_t n_fields;
    size_t id_field, label_field; /* NO_FIELD when absent */
    size_t as_of_field;      /* "as_of" of stacked snapshots, or NO_FIELD */
    size_t n_cols;           /* feature columns */
    size_t *col_field;       /* feature column j -> field number */
    unsigned char *is_categorical; /* per feature column */
    unsigned char *must_be_numeric; /* per feature column */
    size_t n_rows;           /* counted by the first pass */
    size_t n_threads;        /* 0 = the online cores */
    churn__strmap *ids;      /* with unique ids: the ids seen so far */
    size_t *id_lines;        /* the line of each, for the message */
    size_t id_lines_cap;
} reader;

/* Reads a label text: the built-in spellings (1/0, yes/no, true/false,
 * churned/retained, y/n, any case, spaces around ignored) or r->positive
 * against all others; missing markers give NaN. Returns 0 when the text
 * is none of these. */
int churn__csv_label_value(const reader *r, const char *text, size_t len,
                           double *out);

/* Creates an empty dataset with r's columns, kinds (r->is_categorical)
 * and label name, with room for r->n_rows rows. */
int churn__csv_create_dataset(const reader *r, churn_dataset **out,
                              churn_error *err);

/* Reads the records after the header (from byte offset of r->path) in one
 * pass, in parallel line-aligned chunks, into a new dataset that equals
 * what the two passes make, bit for bit. Returns CHURN_OK with *out set;
 * CHURN_ENOMEM when out of memory; or CHURN_EFORMAT, leaving *out NULL and
 * nothing else changed, for a file it does not read cleanly (quotes, NUL
 * bytes, a wrong field count, a bad label or as_of, a text in a column
 * that must be numeric, a record over 256 MiB, a read error; ids that must
 * be unique): the caller then takes the two passes, which report the
 * problem. */
int churn__csv_read_fast(const reader *r, uint64_t offset,
                         churn_dataset **out);

#endif

/* csv_reader.h - what the tabular CSV reader (csv_read.c) shares with its
 * one-pass parallel fast path (csv_fast.c, csv_fast_parse.c) and their
 * helpers (csv_dataset.c, csv_columns.c, csv_opts.c, csv_hints.c): the
 * helpers are used by the readers, never the other way, and the fast
 * path uses nothing of csv_read.c. Private to datasets/. */
#ifndef CHURN_DATASETS_CSV_READER_H
#define CHURN_DATASETS_CSV_READER_H

#include "ml/internal.h"

#define NO_FIELD ((size_t)-1)
/* More reading threads than this is surely a mistake. */
#define CHURN__CSV_MAX_THREADS 256

/* What one read needs; the same for both passes. */
typedef struct reader {
    const char *path;
    char sep;                /* the delimiter; 0 = not yet detected */
    const char *id_column;   /* from the options, or the one detected */
    int id_explicit;
    int id_detect;           /* no id named: the first id-like name */
    int unique;              /* ids must not repeat */
    const char *label_column;
    const char *positive;
    char *const *categorical;
    size_t n_categorical;
    char *const *numeric;
    size_t n_numeric;
    char *const *drop;       /* names left out of the dataset */
    size_t n_drop;
    churn__csv *csv;
    churn__strmap *header;   /* field names; index = field number */
    size_t n_fields;
    size_t id_field, label_field; /* NO_FIELD when absent */
    size_t as_of_field;      /* "as_of" of stacked snapshots, or NO_FIELD */
    size_t days_field;       /* "days_to_churn", or NO_FIELD */
    size_t n_cols;           /* feature columns */
    size_t *col_field;       /* feature column j -> field number */
    unsigned char *is_categorical; /* per feature column */
    unsigned char *must_be_numeric; /* per feature column */
    size_t n_rows;           /* counted by the first pass */
    size_t n_threads;        /* 0 = the online cores */
    churn__strmap *ids;      /* with unique ids: the ids seen so far */
    size_t *id_lines;        /* the line of each, for the message */
    size_t id_lines_cap;
    /* NULL, or the fast path hands the rows to it piece by piece and
     * then drops them (see churn__csv_sink). A column whose kind changes
     * stops the read: no second reading. */
    const struct churn__csv_sink *sink;
} reader;

/* Where a streamed read sends its rows, a piece at a time, in parts.
 * Without categorical columns the records are cut into one part per
 * reading thread (stretches of whole lines, in file order: part 0
 * first), each read by its thread into a dataset of its own and handed to
 * take in that thread, no thread waiting for another: take then runs in
 * several threads at once, never two with the same part (below
 * CHURN__CSV_MAX_THREADS). With categorical columns (their level codes
 * must follow the file's order) the file is one part, 0, read block by
 * block, and take runs on the calling thread. first is the row number
 * within the part of ds's first row (a part's pieces come in order, its
 * rows numbered from 0): the file's order is by part, then row. A
 * nonzero return stops the read (CHURN_EFORMAT). */
typedef struct churn__csv_sink {
    /* n_threads: how many threads take may use itself (0: as many as it
     * likes). part_rows: the part's rows in all as its bytes read so far
     * foretell them (exact at its last piece), for a sink that keeps
     * every row to size its buffers once; 0 when not known. */
    int (*take)(void *ctx, size_t part, churn_dataset *ds, size_t first,
                size_t n_threads, size_t part_rows);
    void *ctx;
} churn__csv_sink;

/* The header's name closest to name (case-insensitive edit distance at
 * most a third of its length), or NULL: for "did you mean" (csv_hints.c). */
const char *churn__csv_closest_name(const reader *r, const char *name);
/* Writes the header's names as "a, b, c" into buf, ending with
 * ", and N more" when they do not fit; returns buf. */
const char *churn__csv_header_list(const reader *r, char *buf, size_t size);
/* churn__csv_detect_sep and churn__csv_delimiter_hint, which the
 * event-log reader shares, are in ml/internal.h (ml/csv_sep.c). */

/* Starts r for reading path with the options o (NULL: the defaults);
 * r points into o, which must outlive it (csv_opts.c). */
void churn__csv_reader_init(reader *r, const char *path,
                            const churn_csv_opts *o);

/* ------------------------------------- csv_dataset.c: what both readers make */

/* Moves *text and shortens *len past leading and trailing spaces. */
void churn__csv_trim(const char **text, size_t *len);

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

/* ------------------------------------------------ csv_columns.c: roles, kinds */

/* Longest piece of a value quoted back in an error message. */
#define CHURN__CSV_QUOTE_MAX 60

/* The first field of r's header (not the label field and not one with
 * skip[field] set) whose name is an id by the documented rule (see
 * churn_csv_opts_new in churn.h), or NO_FIELD. */
size_t churn__csv_detect_id(const reader *r, const unsigned char *skip);

/* What a non-missing cell holds. */
enum { CHURN__CELL_NUMBER, CHURN__CELL_FORMATTED, CHURN__CELL_TEXT };
/* The class of a cell of a file delimited by sep (a decimal comma, 12,5,
 * is a formatted number unless sep is ','). */
int churn__csv_cell_class(const char *text, size_t len, char sep);

/* The cells of one column, counted over the file. */
typedef struct churn__csv_tally {
    size_t numbers;   /* finite numbers */
    size_t bad;       /* non-missing cells that are not */
    size_t formatted; /* of those, formatted numbers ($45.07, 1,234, 12%) */
    size_t line, column; /* the first bad cell */
    int first_formatted;
    char text[CHURN__CSV_QUOTE_MAX + 4];
} churn__csv_tally;

/* Counts a bad cell of class cls at line:column. */
void churn__csv_tally_bad(churn__csv_tally *t, int cls, const char *text,
                          size_t len, size_t line, size_t column);
/* 1 when a column with tally t is an error rather than numeric or
 * categorical: it has a bad cell and either must be numeric or at least
 * half of its non-missing cells are numbers or formatted numbers. */
int churn__csv_kind_error(const churn__csv_tally *t, int must_be_numeric);
/* Fails with the message for feature column j's tally. */
int churn__csv_kind_fail(const reader *r, size_t j, const churn__csv_tally *t,
                         churn_error *err);
/* CHURN_OK when every categorical column of ds that r did not force
 * would pass churn__csv_kind_error (counted from its levels); else
 * CHURN_EFORMAT, and the fast path's result is dropped so that the two
 * passes report the error; CHURN_ENOMEM when the count could not be
 * made (never a silent second reading). */
int churn__csv_kinds_ok(const reader *r, const churn_dataset *ds);

/* ------------------------------------------- csv_fast.c: the fast path */

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

/* (csv_read.c) Reads path with the options o block by block through the
 * fast path, handing the rows to sink (see churn__csv_sink); the columns
 * named in categorical (n_categorical of them) are read as categorical
 * when the file has them and o does not say they are numeric (a model's
 * categorical inputs: found only while reading, a text would stop the
 * read). CHURN_OK
 * when the whole file went through: *columns is then a dataset with the file's columns
 * and levels but no rows. Anything else (a file the fast path declines,
 * quoted fields, a column that turns categorical, repeated ids checked,
 * the sink stopping, out of memory): *columns is NULL and the caller
 * reads the file as a whole, which reports errors as always. */
int churn__csv_read_stream(const char *path, const churn_csv_opts *o,
                           const churn__csv_sink *sink,
                           const char *const *categorical,
                           size_t n_categorical, churn_dataset **columns);

#endif

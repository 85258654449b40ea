/* internal.h - ml/'s internals shared with the other library folders:
 * error filling, a string interning map, the CSV record reader, atomic
 * output files and number formatting. Not installed; names are churn__*. */
#ifndef CHURN_ML_INTERNAL_H
#define CHURN_ML_INTERNAL_H

#include "churn.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>

#if defined(__GNUC__)
#define CHURN__PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define CHURN__PRINTF(a, b)
#endif

/* A hot loop compiled also for the named vector extensions, one version
 * picked at load time by an ifunc resolver (GCC on x86-64). Off under
 * ThreadSanitizer, whose runtime is not up yet when resolvers run, and
 * with clang (the fuzz build). Each version does the same IEEE operations
 * lane by lane (-std=c11 forbids contracting them into FMAs), so all give
 * the same bits. */
#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__) && \
    !defined(__SANITIZE_THREAD__)
#define CHURN__CLONES(...)                                                    \
    __attribute__((target_clones(__VA_ARGS__), optimize("tree-vectorize")))
#else
#define CHURN__CLONES(...)
#endif

/* ------------------------------------------------------------------ errors */

/* Fills err (if not NULL) with code and a message; returns code, so that
 * `return churn__fail(err, CHURN_EINVAL, "...")` reads naturally. */
int churn__fail(churn_error *err, int code, const char *fmt, ...)
    CHURN__PRINTF(3, 4);

/* Like churn__fail, for a place in a file: the message becomes
 * "FILE:LINE:COLUMN: reason" (LINE/COLUMN left out when 0). */
int churn__fail_at(churn_error *err, int code, const char *file, size_t line,
                   size_t column, const char *fmt, ...) CHURN__PRINTF(6, 7);

/* Fills err for an allocation failure; returns CHURN_ENOMEM. */
int churn__fail_nomem(churn_error *err);

/* ------------------------------------------------------ string intern map */

/* Maps strings to dense indices 0, 1, 2, ... in order of first insertion.
 * Keys are copied into memory the map owns. */
typedef struct churn__strmap churn__strmap;

churn__strmap *churn__strmap_new(void);
void churn__strmap_free(churn__strmap *m);
/* Looks key up; adds it when absent. *index receives its index, *added
 * (may be NULL) whether it was new. Returns CHURN_OK or CHURN_ENOMEM. */
int churn__strmap_intern(churn__strmap *m, const char *key, size_t len,
                         size_t *index, int *added);
/* The index of key, or (size_t)-1 when absent. */
size_t churn__strmap_find(const churn__strmap *m, const char *key, size_t len);
/* The key with index i (NUL-terminated); valid until the next insertion. */
const char *churn__strmap_key(const churn__strmap *m, size_t i);
size_t churn__strmap_count(const churn__strmap *m);
/* Bytes of memory the map holds, for memory accounting in tests. */
size_t churn__strmap_bytes(const churn__strmap *m);

/* ------------------------------------------------------ CSV record reader */

/* A streaming reader of RFC 4180 CSV: quoted fields may hold the
 * delimiter (a comma unless set), doubled quotes and newlines; CRLF and a
 * UTF-8 byte-order mark are accepted; blank lines are skipped. Fields are
 * NUL-terminated in place, so they can go straight to strtod. Memory is
 * one buffer that grows only for records longer than it. */
typedef struct churn__csv churn__csv;

#define CHURN__CSV_END (-1)

/* Opens path read-only; fields are split on commas until
 * churn__csv_set_sep says otherwise. */
int churn__csv_open(const char *path, churn__csv **out, churn_error *err);
void churn__csv_close(churn__csv *c);
/* Splits the records read from now on at sep (',' ';' '\t' '|') instead
 * of the comma; quotes stay '"'. */
void churn__csv_set_sep(churn__csv *c, char sep);
/* The delimiter the header of c's file shows, by the rules of
 * churn__csv_detect_sep, read ahead in c's buffer without consuming it
 * (so a pipe works too): call before the first churn__csv_next. *also
 * as there (NULL allowed). An error only when the file cannot be read. */
int churn__csv_detect(churn__csv *c, char *sep, char *also, churn_error *err);
/* Reads the next record. Returns CHURN_OK when one is ready,
 * CHURN__CSV_END at the end of the file, or an error code with err set. */
int churn__csv_next(churn__csv *c, churn_error *err);
size_t churn__csv_n_fields(const churn__csv *c);
/* Field i of the current record (NUL-terminated); *len its length. */
const char *churn__csv_field(const churn__csv *c, size_t i, size_t *len);
/* Line (from 1) on which field i starts, and its column (byte, from 1). */
size_t churn__csv_field_line(const churn__csv *c, size_t i);
size_t churn__csv_field_column(const churn__csv *c, size_t i);
/* Line on which the current record starts. */
size_t churn__csv_line(const churn__csv *c);
const char *churn__csv_path(const churn__csv *c);
/* Bytes consumed so far and the file's size (0 if unknown), for progress. */
uint64_t churn__csv_offset(const churn__csv *c);
uint64_t churn__csv_size(const churn__csv *c);

/* Writes text as one CSV field, quoted (with doubled quotes) only when it
 * holds a comma, quote or line break. */
void churn__csv_put_field(FILE *f, const char *text);

/* ------------------------------------------ delimiters (ml/csv_sep.c) */

/* The delimiter of a file whose reader is not told one, read off its
 * first line that is not blank: ',' unless the line holds no comma
 * outside quotes but holds ';', tabs or '|', then the most frequent of
 * these (the first in that order on a tie); an empty file gives ','.
 * The tables' reader (datasets/) and the event logs' (features/) both
 * decide by it. *also (NULL allowed) gets the most frequent of the
 * others the line holds, or 0. CHURN_EIO when path cannot be read,
 * CHURN_ENOMEM when fopen runs out of memory. */
int churn__csv_detect_sep(const char *path, char *sep, char *also,
                          churn_error *err);

/* The counting behind it, fed the file's bytes in pieces: quotes are
 * followed as churn__csv reads them. */
#define CHURN__SEP_OTHERS 3 /* ';', '\t', '|' */
typedef struct churn__sep_scan {
    int in_quotes, field_start, closed, seen;
    size_t commas, count[CHURN__SEP_OTHERS];
} churn__sep_scan;
void churn__sep_scan_init(churn__sep_scan *s);
/* Counts p[0..n); returns 1 once the header line has ended. */
int churn__sep_scan_feed(churn__sep_scan *s, const char *p, size_t n);
/* The delimiter (and *also) that the bytes fed so far show. */
void churn__sep_scan_result(const churn__sep_scan *s, char *sep, char *also);

/* When a one-column header name (split at sep) holds another of ',',
 * ';', tabs or '|', writes a message naming the likely delimiter (the
 * most frequent) into buf and returns 1; else 0. */
int churn__csv_delimiter_hint(const char *name, char sep, char *buf,
                              size_t size);

/* --------------------------------------------------- datasets in bulk */

/* For readers that parse straight into a dataset: reserves room for n
 * more rows and returns where the values of the next row to be added go
 * (row-major, n_cols per row); NULL when out of memory. The pointer is
 * valid until the next reservation. */
double *churn__dataset_next_rows(churn_dataset *ds, size_t n);
/* churn_dataset_add_row with an id of id_len bytes (not NUL-terminated;
 * NULL = the row number). values may already be where the row goes. */
int churn__dataset_add_row_n(churn_dataset *ds, const char *id,
                             size_t id_len, const double *values,
                             double label, churn_error *err);
/* Drops every row of ds but keeps its columns, levels and room: a reader
 * that hands a file over block by block reuses one dataset. */
void churn__dataset_clear_rows(churn_dataset *ds);

/* --------------------------------------------------------- huge pages */

/* The size of a transparent huge page on x86-64 and arm64 (4 KB base). */
#define CHURN__HUGE_PAGE ((size_t)2 << 20)

/* Asks the kernel to back the whole huge pages inside p[0..bytes) with
 * transparent huge pages, for large buffers about to be written (4 MB
 * and more, which hold at least one whole huge page; smaller ones are
 * left alone). Pages already written keep their size. Advice only:
 * nothing where the system has no such advice (hugepages.c). */
void churn__advise_huge_pages(void *p, size_t bytes);

/* malloc for a buffer about to be written whole: from 512 KB on, whole
 * huge pages from a huge page boundary, advised as above. A huge page is
 * mapped whole when first written: up to 1.5 MB more than asked for is
 * zeroed, which costs less than the 128 faults of 512 KB in small pages
 * (far less on a virtual machine, where a fault costs about 10 us).
 * Freed by free, grown by churn__huge_grow (or realloc, on small pages
 * then); NULL when out of memory. */
void *churn__huge_alloc(size_t bytes);
/* realloc onto huge pages: p (its first used bytes kept) grown to bytes,
 * from 512 KB on into a fresh churn__huge_alloc buffer (realloc's moves
 * would leave the advice behind, and its first pages are small), below
 * by realloc. NULL without memory, p then untouched. */
void *churn__huge_grow(void *p, size_t used, size_t bytes);
/* calloc on churn__huge_alloc: count items of size bytes, zeroed; NULL
 * when out of memory or when the size overflows. For the arrays of one
 * value per row (200,000 rows of doubles are 400 small pages). */
void *churn__huge_calloc(size_t count, size_t size);

/* A little more than a foretold count n (of rows, for a buffer sized
 * once): enough that a foretelling a few percent short does not double
 * the buffer. */
static inline size_t churn__with_margin(size_t n)
{
    return n + n / 16 + 1024;
}

/* ------------------------------------------------- libraries on demand */

/* A shared library opened the first time it is needed (dynlib.c). */
typedef struct churn__dynlib {
    pthread_mutex_t opening;
    atomic_int ok; /* set once its functions are all found */
} churn__dynlib;
#define CHURN__DYNLIB_INIT {PTHREAD_MUTEX_INITIALIZER, 0}

/* Opens soname into lib, once for the whole process (any thread may call
 * this), and calls find(handle), which looks the functions up (dlsym)
 * and returns the name of the first one missing, or NULL. Returns 1 once
 * they are all found; else 0 with why saying what failed, and the next
 * call tries again (dlopen can fail for want of memory). */
int churn__dynlib_open(churn__dynlib *lib, const char *soname,
                       const char *(*find)(void *handle), char *why,
                       size_t size);

/* ------------------------------------------------------------ threads */

/* The number of online processor cores, at least 1. */
size_t churn__online_cores(void);

/* Runs fn(ctx, t) for t = 0..n_tasks-1, task t on a thread of its own
 * (task 0 on the calling thread), and returns when all are done. A thread
 * that cannot be started runs its task on the calling thread instead, so
 * every task always runs once. */
void churn__run_tasks(size_t n_tasks, void (*fn)(void *ctx, size_t t),
                      void *ctx);

/* ------------------------------------------------------ atomic out files */

/* An output file written under a temporary name in the same folder and
 * renamed over path only by churn__afile_commit, so readers of path see
 * the old file or the complete new one, never a part. */
typedef struct churn__afile churn__afile;

int churn__afile_open(const char *path, churn__afile **out, churn_error *err);
FILE *churn__afile_stream(churn__afile *f);
/* Starts the disk writing what f's stream holds so far, without waiting
 * (Linux; elsewhere nothing): a long output's commit then waits for its
 * last part only, the disk having worked while the caller went on. */
void churn__afile_write_behind(churn__afile *f);
/* Flushes, syncs, closes and renames; frees f whatever happens. */
int churn__afile_commit(churn__afile *f, churn_error *err);
/* Closes and removes the temporary file; frees f. NULL is fine. */
void churn__afile_abort(churn__afile *f);

/* ------------------------------------------------------------ numbers */

/* Writes x in the shortest "%g" form that strtod reads back to the same
 * double, as Python's repr (NaN as the empty string, which is "missing"
 * in our CSVs; -0 as "0": every number written for people goes here).
 * buf must hold CHURN__NUM_BUF bytes. Returns buf. */
#define CHURN__NUM_BUF 32
char *churn__format_double(double x, char *buf);

/* m * 10^e10 correctly rounded to a double, without strtod, in the cases
 * that are quick (at most 19 digits and a small exponent): returns 1 and
 * sets *out, or 0 when the caller must take strtod. */
int churn__decimal_to_double(uint64_t m, int e10, double *out);

/* A sum of decimal values that ends as the double nearest the exact
 * decimal sum of the values as written (0.1 + 0.2 gives 0.3), as long as
 * each value has at most 9 decimals and the sum fits 64-bit integer
 * units; beyond that it goes on as a plain double sum. Zeroed (memset or
 * {0}) it is the empty sum. */
typedef struct churn__decsum {
    union {
        int64_t units;  /* while exact: the sum is units * 10^-scale */
        double sum;     /* once scale < 0 */
    } v;
    int8_t scale;
} churn__decsum;

void churn__decsum_add(churn__decsum *s, double x);

/* x as the decimal units * 10^-scale with the fewest decimals (at most
 * 9) that reads back to x, as strtod reads it: the text x was parsed
 * from, in the common case; scale -1 when there is none. Found once, it
 * can be added to many sums. */
typedef struct churn__decimal {
    double value;
    int64_t units;
    int8_t scale;
} churn__decimal;
churn__decimal churn__decimal_of(double x);
void churn__decsum_add_rescaled(churn__decsum *s, const churn__decimal *d);
/* The common case inline (feature extraction adds one value to several
 * sums of every snapshot): the same number of decimals, no overflow. */
static inline void churn__decsum_add_decimal(churn__decsum *s,
                                             const churn__decimal *d)
{
    int64_t t;
    if (d->scale == s->scale && s->scale >= 0 &&
        !__builtin_add_overflow(s->v.units, d->units, &t))
        s->v.units = t;
    else
        churn__decsum_add_rescaled(s, d);
}
/* Adds the sum s (sign > 0) or subtracts it (sign < 0), exactly while
 * both are exact. */
void churn__decsum_merge(churn__decsum *into, const churn__decsum *s,
                         int sign);
double churn__decsum_value(const churn__decsum *s);

/* Scans the longest prefix of text[0..avail) of the form
 * [+-]digits[.digits][(e|E)[+-]digits] and converts it without strtod.
 * Returns its length and sets *out, or returns 0 when there is no such
 * prefix or it is not one of the quick cases (then churn__parse_double
 * of the whole field decides). A field that is exactly such a prefix
 * parses to the same *out with churn__parse_double. */
size_t churn__scan_decimal(const char *text, size_t avail, double *out);

/* The very text snprintf's "%.<precision>g" (1 <= precision <= 17) and
 * "%.<decimals>f" / "%+.<decimals>f" (decimals <= 9) write for a finite
 * x, made without printf for speed (exact integer arithmetic, printf
 * only where that does not reach), except that a text showing zero has
 * no minus sign ("0.00", "+0.00" with plus, not "-0.00"). buf holds
 * CHURN__NUM_BUF bytes; returns the length. */
size_t churn__format_g(double x, int precision, char *buf);
size_t churn__format_fixed(double x, int decimals, int plus, char *buf);

/* Parses a whole field as a finite double: leading/trailing spaces
 * allowed, nothing else. Plain decimals go through churn__scan_decimal's
 * exact fast path; anything else of at most CHURN__NUMBER_MAX characters
 * made of digits, signs, '.', 'e' and 'E' to strtod (so "inf", "nan" and
 * hexadecimal are not numbers, nor is a value out of range, 1e309 or
 * 1e-400). The result is always strtod's, bit for bit. Returns 1 and sets
 * *out on success, else 0. */
#define CHURN__NUMBER_MAX 1023
int churn__parse_double(const char *text, size_t len, double *out);

/* Days since 1970-01-01 of the proleptic Gregorian date y-m-d (m 1-12,
 * d 1-31, not checked), exact for every year the time parser accepts. */
int64_t churn__days_from_civil(int64_t y, int64_t m, int64_t d);

/* 1 when text is a missing-value marker: "", "NA", "N/A", "NaN", "null"
 * (any case, surrounding spaces ignored). */
int churn__is_missing(const char *text, size_t len);

/* Case-insensitive comparison of text[0..len) with the C string word. */
int churn__equal_nocase(const char *text, size_t len, const char *word);

/* Duplicates s (NULL on out-of-memory or NULL input). */
char *churn__strdup(const char *s);

/* p resized to n elements of size bytes; p itself, unchanged, with *ok
 * cleared, when out of memory: several arrays grown together are each
 * kept, and freed as usual, whichever failed (grow.c). */
void *churn__grown(void *p, size_t n, size_t size, int *ok);


/* ------------------------------------------------- model file text I/O */

/* Model files are text: one record per line, tokens separated by single
 * spaces. Strings are written escaped (see churn__put_string), doubles
 * with %.17g, so every value reads back bit-identical. */

/* Writes s as one token: bytes outside '!'..'~' and '%' become %XX, so a
 * token never holds a space; the empty string is written as "%". */
void churn__put_string(FILE *f, const char *s);
/* Writes x as one token with %.17g ("nan" for NaN, "inf"/"-inf"). */
void churn__put_double(FILE *f, double x);

/* A reader of a model file held in memory, line by line and token by
 * token, that names path, line and column in its errors. */
typedef struct churn__lines {
    const char *path;
    char *buf;      /* the text; lines and tokens are cut in place */
    size_t len;
    size_t pos;     /* start of the next line */
    size_t line;    /* number of the current line, from 1 */
    char *cur;      /* the current line */
    char *tok;      /* where the next token starts in cur */
} churn__lines;

/* Makes the next line current. Returns CHURN_OK, or CHURN_EFORMAT with
 * "unexpected end of file (expected what)" at the end. */
int churn__lines_next(churn__lines *r, const char *what, churn_error *err);
/* 1 when the current line has no more tokens. */
int churn__lines_at_end(const churn__lines *r);
/* Takes the next token, which must equal word. */
int churn__lines_expect(churn__lines *r, const char *word, churn_error *err);
/* Takes the next token as a (decoded, NUL-terminated, in place) string. */
int churn__lines_string(churn__lines *r, const char **out, churn_error *err);
/* Takes the next token as a double (nan/inf allowed) or a size. */
int churn__lines_double(churn__lines *r, double *out, churn_error *err);
/* Takes the next token as a finite double: a model's coefficients, support
 * vectors and calibration are never NaN or infinite, so one that is comes
 * from an edited or damaged file (CHURN_EFORMAT). */
int churn__lines_finite(churn__lines *r, double *out, churn_error *err);
int churn__lines_size(churn__lines *r, size_t *out, churn_error *err);
/* Fails unless the current line has no more tokens. */
int churn__lines_done(churn__lines *r, churn_error *err);

#endif /* CHURN_ML_INTERNAL_H */

/* libsvm_read.c - reads the libsvm sparse format into a dense dataset.
 *
 * One pass keeps the entries sparse (index, value) in memory, because the
 * number of columns is the largest index seen, known only at the end; then
 * the dense dataset is filled with zeros where an entry is absent. */
#include "ml/internal.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The largest column index accepted. A dense matrix wider than this is
 * not what this reader is for, and a typo such as 1000000000:1 should be
 * a clear error, not an out-of-memory one. */
#define MAX_INDEX ((size_t)1 << 20)
#define QUOTE_MAX 60
/* A dense matrix of up to this many values is always made; beyond it, only
 * when the file has at least one entry per SPARSE_MAX values, so that a
 * tiny file with one huge index cannot ask for gigabytes. */
#define DENSE_FREE ((size_t)1 << 24)
#define SPARSE_MAX 1000

typedef struct entry {
    uint32_t index; /* from 1 */
    double value;
} entry;

typedef struct row_info {
    size_t end;     /* one past the row's last entry */
    double label;
} row_info;

/* The entries read so far, row by row. */
typedef struct sparse {
    entry *entries;
    size_t n_entries, cap_entries;
    row_info *rows;
    size_t n_rows, cap_rows;
    size_t max_index;
    size_t max_line, max_col; /* where max_index was first seen */
} sparse;

/* Returns items with room for one more element after count (moved when
 * it had to grow), or NULL when out of memory, items left as they were. */
static void *grow(void *items, size_t count, size_t *cap, size_t elem_size)
{
    if (count < *cap)
        return items;
    size_t new_cap = *cap ? *cap * 2 : 256;
    void *p = realloc(items, new_cap * elem_size);
    if (p)
        *cap = new_cap;
    return p;
}

static int add_entry(sparse *s, size_t index, double value, size_t line,
                     size_t col, churn_error *err)
{
    entry *e = grow(s->entries, s->n_entries, &s->cap_entries, sizeof *e);
    if (!e)
        return churn__fail_nomem(err);
    s->entries = e;
    e[s->n_entries].index = (uint32_t)index;
    e[s->n_entries].value = value;
    s->n_entries++;
    if (index > s->max_index) {
        s->max_index = index;
        s->max_line = line;
        s->max_col = col;
    }
    return CHURN_OK;
}

static int add_row(sparse *s, double label, churn_error *err)
{
    row_info *r = grow(s->rows, s->n_rows, &s->cap_rows, sizeof *r);
    if (!r)
        return churn__fail_nomem(err);
    s->rows = r;
    r[s->n_rows].end = s->n_entries;
    r[s->n_rows].label = label > 0 ? 1.0 : 0.0;
    s->n_rows++;
    return CHURN_OK;
}

static int is_blank(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* Parses "idx:value" in [tok, tok + len); prev is the index before it on
 * the line (0 at the start). Columns in messages count from 1. */
static int parse_entry(sparse *s, const char *path, size_t line,
                       const char *line_start, const char *tok, size_t len,
                       size_t *prev, churn_error *err)
{
    size_t col = (size_t)(tok - line_start) + 1;
    int shown = (int)(len < QUOTE_MAX ? len : QUOTE_MAX);
    const char *colon = memchr(tok, ':', len);
    if (!colon)
        return churn__fail_at(err, CHURN_EPARSE, path, line, col,
                              "expected index:value, found '%.*s'", shown,
                              tok);
    size_t index = 0, n_digits = (size_t)(colon - tok);
    for (size_t k = 0; k < n_digits; k++) {
        if (tok[k] < '0' || tok[k] > '9' || index > MAX_INDEX) {
            index = SIZE_MAX;
            break;
        }
        index = index * 10 + (size_t)(tok[k] - '0');
    }
    if (n_digits == 0 || index == SIZE_MAX)
        return churn__fail_at(err, CHURN_EPARSE, path, line, col,
                              "bad index '%.*s' (a whole number from 1 to "
                              "%zu)", (int)n_digits, tok, MAX_INDEX);
    if (index == 0 || index > MAX_INDEX)
        return churn__fail_at(err, CHURN_EPARSE, path, line, col,
                              "bad index %zu (indices run from 1 to %zu)",
                              index, MAX_INDEX);
    if (index <= *prev)
        return churn__fail_at(err, CHURN_EPARSE, path, line, col,
                              "index %zu does not ascend (after %zu)", index,
                              *prev);
    double value;
    const char *vtext = colon + 1;
    size_t vlen = len - n_digits - 1;
    if (!churn__parse_double(vtext, vlen, &value))
        return churn__fail_at(err, CHURN_EPARSE, path, line,
                              col + n_digits + 1, "bad value '%.*s'",
                              (int)(vlen < QUOTE_MAX ? vlen : QUOTE_MAX),
                              vtext);
    *prev = index;
    return add_entry(s, index, value, line, col, err);
}

/* Parses one line (without its newline); blank lines add nothing. */
static int parse_line(sparse *s, const char *path, size_t line,
                      const char *text, size_t len, churn_error *err)
{
    const char *p = text, *end = text + len;
    while (p < end && is_blank(*p))
        p++;
    if (p == end)
        return CHURN_OK;
    const char *tok = p;
    while (p < end && !is_blank(*p))
        p++;
    double label;
    if (!churn__parse_double(tok, (size_t)(p - tok), &label)) {
        size_t n = (size_t)(p - tok);
        return churn__fail_at(err, CHURN_EPARSE, path, line,
                              (size_t)(tok - text) + 1, "bad label '%.*s'",
                              (int)(n < QUOTE_MAX ? n : QUOTE_MAX), tok);
    }
    size_t prev = 0;
    for (;;) {
        while (p < end && is_blank(*p))
            p++;
        if (p == end)
            break;
        tok = p;
        while (p < end && !is_blank(*p))
            p++;
        int rc = parse_entry(s, path, line, text, tok, (size_t)(p - tok),
                             &prev, err);
        if (rc != CHURN_OK)
            return rc;
    }
    return add_row(s, label, err);
}

static int read_entries(const char *path, sparse *s, churn_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return churn__fail_at(err, CHURN_EIO, path, 0, 0, "cannot open: %s",
                              strerror(errno));
    char *buf = NULL;
    size_t cap = 0, line = 0;
    ssize_t n;
    int rc = CHURN_OK;
    /* getline returns -1 at the end and on failure alike; errno tells a
     * failure to grow the line buffer apart from the end. */
    while (rc == CHURN_OK && (errno = 0, n = getline(&buf, &cap, f)) >= 0) {
        line++;
        if (memchr(buf, '\0', (size_t)n))
            rc = churn__fail_at(err, CHURN_EPARSE, path, line,
                                strlen(buf) + 1, "NUL byte in text");
        else
            rc = parse_line(s, path, line, buf, (size_t)n, err);
    }
    if (rc == CHURN_OK && !ferror(f) && errno == ENOMEM)
        rc = churn__fail_nomem(err);
    if (rc == CHURN_OK && ferror(f))
        rc = churn__fail_at(err, CHURN_EIO, path, line, 0, "read error: %s",
                            strerror(errno));
    if (rc == CHURN_OK && s->n_rows == 0)
        rc = churn__fail_at(err, CHURN_EEMPTY, path, 0, 0,
                            "no data, expected lines of "
                            "'label index:value ...'");
    free(buf);
    fclose(f);
    return rc;
}

/* Fails when the dense matrix would be huge and almost all zeros. */
static int check_density(const sparse *s, const char *path,
                         churn_error *err)
{
    size_t n_cols = s->max_index, n_rows = s->n_rows;
    if (n_cols == 0 || n_rows <= DENSE_FREE / n_cols)
        return CHURN_OK;
    size_t allowed = (s->n_entries + n_rows) * SPARSE_MAX;
    if (n_rows <= allowed / n_cols)
        return CHURN_OK;
    return churn__fail_at(err, CHURN_EFORMAT, path, s->max_line, s->max_col,
                          "index %zu makes %zu rows x %zu columns with only "
                          "%zu entries: too sparse for a dense dataset",
                          n_cols, n_rows, n_cols, s->n_entries);
}

/* Builds the dense dataset f1..fN from the sparse entries. */
static int densify(const sparse *s, churn_dataset **out, churn_error *err)
{
    size_t n_cols = s->max_index;
    churn_dataset *ds = churn_dataset_new(n_cols);
    double *row = calloc(n_cols ? n_cols : 1, sizeof *row);
    int rc = ds && row ? CHURN_OK : churn__fail_nomem(err);
    for (size_t j = 0; j < n_cols && rc == CHURN_OK; j++) {
        char name[32];
        snprintf(name, sizeof name, "f%zu", j + 1);
        rc = churn_dataset_set_column(ds, j, name, CHURN_NUMERIC, err);
    }
    if (rc == CHURN_OK)
        rc = churn_dataset_set_label_name(ds, "label", err);
    if (rc == CHURN_OK)
        rc = churn_dataset_reserve(ds, s->n_rows, err);
    size_t start = 0;
    for (size_t i = 0; i < s->n_rows && rc == CHURN_OK; i++) {
        const entry *e = s->entries;
        for (size_t k = start; k < s->rows[i].end; k++)
            row[e[k].index - 1] = e[k].value;
        rc = churn_dataset_add_row(ds, NULL, row, s->rows[i].label, err);
        for (size_t k = start; k < s->rows[i].end; k++)
            row[e[k].index - 1] = 0.0;
        start = s->rows[i].end;
    }
    free(row);
    if (rc != CHURN_OK) {
        churn_dataset_free(ds);
        return rc;
    }
    *out = ds;
    return CHURN_OK;
}

int churn_dataset_read_libsvm(const char *path, churn_dataset **out,
                              churn_error *err)
{
    if (!out)
        return churn__fail(err, CHURN_EINVAL, "no place for the dataset");
    *out = NULL;
    if (!path)
        return churn__fail(err, CHURN_EINVAL, "no path");
    sparse s;
    memset(&s, 0, sizeof s);
    int rc = read_entries(path, &s, err);
    if (rc == CHURN_OK)
        rc = check_density(&s, path, err);
    if (rc == CHURN_OK)
        rc = densify(&s, out, err);
    free(s.entries);
    free(s.rows);
    return rc;
}

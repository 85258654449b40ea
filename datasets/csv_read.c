/* csv_read.c - reads one-row-per-customer CSV files into a dataset.
 *
 * Two streaming passes over the file: the first reads the header, checks
 * every record's shape and decides each column's kind (numeric unless a
 * value is not a number) and counts the rows; the second creates the
 * dataset at its final size and fills it. Reading twice costs a second
 * pass through the page cache but keeps memory at the dataset itself: one
 * pass would have to hold every field's text until the kinds are known,
 * several times the dataset's size for wide numeric files. The price is
 * that the input must be a file that can be opened twice, not a pipe; a
 * file that changes between the passes is reported, never misread.
 *
 * Most files take a faster road first (csv_fast.c): one pass, in parallel
 * chunks. It hands any file it cannot read cleanly back to the two passes
 * here, which then report what is wrong. */
#include "datasets/csv_reader.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define QUOTE_MAX CHURN__CSV_QUOTE_MAX

/* -------------------------------------------------------------- reader */

/* Fails with "WHAT column 'name' is not in the header (columns: ...)",
 * naming the closest column first when one is near ("; did you mean
 * 'churn'?"): a long header's list is cut, the near name never is. */
static int fail_absent(const reader *r, const char *what, const char *name,
                       churn_error *err)
{
    char list[400], mean[160] = "";
    const char *near = churn__csv_closest_name(r, name);
    if (near)
        snprintf(mean, sizeof mean, "; did you mean '%s'?", near);
    return churn__fail_at(err, CHURN_EFORMAT, r->path,
                          churn__csv_line(r->csv), 0,
                          "%s column '%s' is not in the header%s "
                          "(columns: %s)", what, name, mean,
                          churn__csv_header_list(r, list, sizeof list));
}

/* A header read as one column that holds another delimiter (the
 * caller set one the file does not use) is a file with another
 * delimiter: say so rather than fail later on a missing label or on
 * model inputs. */
static int check_delimiter(const reader *r, churn_error *err)
{
    char hint[200];
    if (r->n_fields != 1 ||
        !churn__csv_delimiter_hint(churn__strmap_key(r->header, 0), r->sep,
                                   hint, sizeof hint))
        return CHURN_OK;
    return churn__fail_at(err, CHURN_EFORMAT, r->path,
                          churn__csv_line(r->csv), 0, "%s", hint);
}

/* Reads the header into r->header; names must be non-empty and unique. */
static int read_names(reader *r, churn_error *err)
{
    int rc = churn__csv_next(r->csv, err);
    if (rc == CHURN__CSV_END)
        return churn__fail_at(err, CHURN_EEMPTY, r->path, 0, 0,
                              "empty file, expected a header");
    if (rc != CHURN_OK)
        return rc;
    if (!(r->header = churn__strmap_new()))
        return churn__fail_nomem(err);
    r->n_fields = churn__csv_n_fields(r->csv);
    for (size_t i = 0; i < r->n_fields; i++) {
        size_t len, index;
        int added;
        const char *name = churn__csv_field(r->csv, i, &len);
        size_t line = churn__csv_field_line(r->csv, i);
        size_t col = churn__csv_field_column(r->csv, i);
        if (len == 0)
            return churn__fail_at(err, CHURN_EFORMAT, r->path, line, col,
                                  "empty column name (column %zu)", i + 1);
        if (churn__strmap_intern(r->header, name, len, &index, &added))
            return churn__fail_nomem(err);
        if (!added)
            return churn__fail_at(err, CHURN_EFORMAT, r->path, line, col,
                                  "duplicate column name '%s' (column %zu)",
                                  name, i + 1);
    }
    return check_delimiter(r, err);
}

static size_t find_field(const reader *r, const char *name)
{
    return churn__strmap_find(r->header, name, strlen(name));
}

/* Fails with "column 'name' cannot be both WHAT and OTHER". */
static int fail_both(const reader *r, const char *name, const char *what,
                     const char *other, churn_error *err)
{
    return churn__fail_at(err, CHURN_EFORMAT, r->path,
                          churn__csv_line(r->csv), 0,
                          "column '%s' cannot be both %s and %s", name, what,
                          other);
}

/* Marks the fields the caller drops in dropped (one per field). */
static int mark_dropped(const reader *r, unsigned char *dropped,
                        churn_error *err)
{
    for (size_t k = 0; k < r->n_drop; k++) {
        size_t field = find_field(r, r->drop[k]);
        if (field == NO_FIELD)
            return fail_absent(r, "dropped", r->drop[k], err);
        dropped[field] = 1;
    }
    return CHURN_OK;
}

/* Finds the label and id fields (the id named, or detected by name). */
static int place_id_label(reader *r, const unsigned char *dropped,
                          churn_error *err)
{
    r->label_field = NO_FIELD;
    if (r->label_column) {
        r->label_field = find_field(r, r->label_column);
        if (r->label_field == NO_FIELD)
            return fail_absent(r, "label", r->label_column, err);
        if (dropped[r->label_field])
            return fail_both(r, r->label_column, "label", "dropped", err);
    }
    if (r->id_detect) {
        r->id_field = churn__csv_detect_id(r, dropped);
        r->id_column = r->id_field == NO_FIELD
                           ? NULL
                           : churn__strmap_key(r->header, r->id_field);
        return CHURN_OK;
    }
    r->id_field = r->id_column ? find_field(r, r->id_column) : NO_FIELD;
    if (r->id_column && r->id_field == NO_FIELD && r->id_explicit)
        return fail_absent(r, "id", r->id_column, err);
    if (r->id_field != NO_FIELD && r->id_field == r->label_field)
        return fail_both(r, r->id_column, "id", "label", err);
    if (r->id_field != NO_FIELD && dropped[r->id_field])
        return fail_both(r, r->id_column, "id", "dropped", err);
    return CHURN_OK;
}

/* Finds the id and label fields, leaves out the dropped ones and marks
 * the forced categorical ones. */
static int place_columns(reader *r, churn_error *err)
{
    unsigned char *dropped = calloc(r->n_fields ? r->n_fields : 1, 1);
    if (!dropped)
        return churn__fail_nomem(err);
    int rc = mark_dropped(r, dropped, err);
    if (rc == CHURN_OK)
        rc = place_id_label(r, dropped, err);
    /* churn-features writes an as_of column with --snapshots: it says when
     * a row was taken, it is not a feature. */
    r->as_of_field = find_field(r, "as_of");
    if (r->as_of_field == r->id_field || r->as_of_field == r->label_field ||
        (r->as_of_field != NO_FIELD && dropped[r->as_of_field]))
        r->as_of_field = NO_FIELD;
    /* ... and a days_to_churn column is the time of the label's event:
     * as an input it would leak the label. */
    r->days_field = find_field(r, "days_to_churn");
    if (r->days_field == r->id_field || r->days_field == r->label_field ||
        (r->days_field != NO_FIELD && dropped[r->days_field]))
        r->days_field = NO_FIELD;
    size_t n = r->n_fields ? r->n_fields : 1;
    r->col_field = malloc(n * sizeof *r->col_field);
    r->is_categorical = calloc(n, 1);
    r->must_be_numeric = calloc(n, 1);
    if (rc == CHURN_OK &&
        (!r->col_field || !r->is_categorical || !r->must_be_numeric))
        rc = churn__fail_nomem(err);
    for (size_t i = 0; rc == CHURN_OK && i < r->n_fields; i++)
        if (i != r->id_field && i != r->label_field && i != r->as_of_field &&
            i != r->days_field && !dropped[i])
            r->col_field[r->n_cols++] = i;
    free(dropped);
    return rc;
}

/* Marks the columns the caller says are categorical or numeric. */
static int mark_kinds(reader *r, churn_error *err)
{
    for (size_t k = 0; k < r->n_categorical; k++) {
        size_t field = find_field(r, r->categorical[k]);
        if (field == NO_FIELD)
            return fail_absent(r, "categorical", r->categorical[k], err);
        for (size_t j = 0; j < r->n_cols; j++)
            if (r->col_field[j] == field)
                r->is_categorical[j] = 1;
    }
    /* Numeric names absent from the file are left to the caller, which
     * can say which of its columns are missing all at once. */
    for (size_t k = 0; k < r->n_numeric; k++)
        for (size_t j = 0; j < r->n_cols; j++)
            if (strcmp(churn__strmap_key(r->header, r->col_field[j]),
                       r->numeric[k]) == 0 && !r->is_categorical[j])
                r->must_be_numeric[j] = 1;
    return CHURN_OK;
}

/* Reads the next record and checks its field count; returns CHURN_OK,
 * CHURN__CSV_END or an error. */
static int next_record(reader *r, churn_error *err)
{
    int rc = churn__csv_next(r->csv, err);
    if (rc != CHURN_OK)
        return rc;
    size_t n = churn__csv_n_fields(r->csv);
    if (n == r->n_fields)
        return CHURN_OK;
    size_t col = n > r->n_fields
                     ? churn__csv_field_column(r->csv, r->n_fields)
                     : 0;
    size_t line = n > r->n_fields
                      ? churn__csv_field_line(r->csv, r->n_fields)
                      : churn__csv_line(r->csv);
    return churn__fail_at(err, CHURN_EFORMAT, r->path, line, col,
                          "expected %zu fields, found %zu", r->n_fields, n);
}

/* With unique ids: fails when the current record's id was seen before,
 * naming both lines (the customers join would find the repeat too, but
 * could not say where it is). */
static int check_unique_id(reader *r, churn_error *err)
{
    size_t len, index;
    int added;
    const char *id = churn__csv_field(r->csv, r->id_field, &len);
    size_t line = churn__csv_field_line(r->csv, r->id_field);
    if (churn__strmap_intern(r->ids, id, len, &index, &added) != CHURN_OK)
        return churn__fail_nomem(err);
    if (!added)
        return churn__fail_at(err, CHURN_EFORMAT, r->path, line,
                              churn__csv_field_column(r->csv, r->id_field),
                              "%s '%.*s' is also on line %zu", r->id_column,
                              (int)(len < QUOTE_MAX ? len : QUOTE_MAX), id,
                              r->id_lines[index]);
    if (index >= r->id_lines_cap) {
        size_t cap = r->id_lines_cap ? r->id_lines_cap * 2 : 1024;
        size_t *lines = realloc(r->id_lines, cap * sizeof *lines);
        if (!lines)
            return churn__fail_nomem(err);
        r->id_lines = lines;
        r->id_lines_cap = cap;
    }
    r->id_lines[index] = line;
    return CHURN_OK;
}

/* First pass: counts each column's numbers and bad cells (neither
 * missing nor a number), then decides its kind: numeric without bad
 * cells, an error by churn__csv_kind_error, else categorical. Counts the
 * rows. */
static int infer_kinds(reader *r, churn_error *err)
{
    churn__csv_tally *tally = calloc(r->n_cols ? r->n_cols : 1,
                                     sizeof *tally);
    if (!tally)
        return churn__fail_nomem(err);
    int rc;
    while ((rc = next_record(r, err)) == CHURN_OK) {
        if (r->ids && (rc = check_unique_id(r, err)) != CHURN_OK)
            break;
        for (size_t j = 0; j < r->n_cols; j++) {
            if (r->is_categorical[j])
                continue;
            size_t len, i = r->col_field[j];
            const char *text = churn__csv_field(r->csv, i, &len);
            if (churn__is_missing(text, len))
                continue;
            int cls = churn__csv_cell_class(text, len, r->sep);
            if (cls == CHURN__CELL_NUMBER)
                tally[j].numbers++;
            else
                churn__csv_tally_bad(&tally[j], cls, text, len,
                                     churn__csv_field_line(r->csv, i),
                                     churn__csv_field_column(r->csv, i));
        }
        r->n_rows++;
    }
    rc = rc == CHURN__CSV_END ? CHURN_OK : rc;
    for (size_t j = 0; rc == CHURN_OK && j < r->n_cols; j++) {
        if (churn__csv_kind_error(&tally[j], r->must_be_numeric[j]))
            rc = churn__csv_kind_fail(r, j, &tally[j], err);
        else if (tally[j].bad > 0)
            r->is_categorical[j] = 1;
    }
    free(tally);
    return rc;
}

/* Reads the label in field i of the current record (see
 * churn__csv_label_value). */
static int parse_label(const reader *r, size_t i, double *out,
                       churn_error *err)
{
    size_t len;
    const char *text = churn__csv_field(r->csv, i, &len);
    if (churn__csv_label_value(r, text, len, out))
        return CHURN_OK;
    churn__csv_trim(&text, &len);
    return churn__fail_at(err, CHURN_EPARSE, r->path,
                          churn__csv_field_line(r->csv, i),
                          churn__csv_field_column(r->csv, i),
                          "label '%.*s' is not one of 1/0, yes/no, "
                          "true/false, churned/retained (use --positive)",
                          (int)(len < QUOTE_MAX ? len : QUOTE_MAX), text);
}

/* Converts the current record's feature fields into row. */
static int convert_row(const reader *r, churn_dataset *ds, double *row,
                       churn_error *err)
{
    for (size_t j = 0; j < r->n_cols; j++) {
        size_t len, i = r->col_field[j];
        const char *text = churn__csv_field(r->csv, i, &len);
        row[j] = NAN;
        if (churn__is_missing(text, len))
            continue;
        if (r->is_categorical[j]) {
            int rc = churn_dataset_level_code(ds, j, text, &row[j], err);
            if (rc != CHURN_OK)
                return rc;
        } else if (!churn__parse_double(text, len, &row[j])) {
            /* The first pass saw a number here: the file changed. */
            return churn__fail_at(err, CHURN_EIO, r->path,
                                  churn__csv_field_line(r->csv, i),
                                  churn__csv_field_column(r->csv, i),
                                  "file changed while being read");
        }
    }
    return CHURN_OK;
}

/* Sets the as-of time of the row just added from the as_of field. */
static int read_as_of(const reader *r, churn_dataset *ds, churn_error *err)
{
    size_t len, i = r->as_of_field;
    const char *text = churn__csv_field(r->csv, i, &len);
    double t;
    if (churn__is_missing(text, len))
        return CHURN_OK;
    if (churn_parse_time(text, len, &t) != CHURN_OK)
        return churn__fail_at(err, CHURN_EPARSE, r->path,
                              churn__csv_field_line(r->csv, i),
                              churn__csv_field_column(r->csv, i),
                              "as_of '%.*s' is not a date",
                              (int)(len < QUOTE_MAX ? len : QUOTE_MAX), text);
    return churn_dataset_set_as_of(ds, churn_dataset_n_rows(ds) - 1, t, err);
}

/* Sets the days_to_churn of the row just added from its field. */
static int read_days(const reader *r, churn_dataset *ds, churn_error *err)
{
    size_t len, i = r->days_field;
    const char *text = churn__csv_field(r->csv, i, &len);
    double days = NAN;
    if (!churn__is_missing(text, len) &&
        (!churn__parse_double(text, len, &days) || !(days >= 0)))
        return churn__fail_at(err, CHURN_EPARSE, r->path,
                              churn__csv_field_line(r->csv, i),
                              churn__csv_field_column(r->csv, i),
                              "days_to_churn '%.*s' is not a number of days "
                              ">= 0",
                              (int)(len < QUOTE_MAX ? len : QUOTE_MAX), text);
    return churn_dataset_set_days_to_churn(ds, churn_dataset_n_rows(ds) - 1,
                                           days, err);
}

/* Second pass: fills ds row by row (levels in order of first appearance). */
static int fill_rows(reader *r, churn_dataset *ds, churn_error *err)
{
    double *row = malloc((r->n_cols ? r->n_cols : 1) * sizeof *row);
    if (!row)
        return churn__fail_nomem(err);
    int rc;
    while ((rc = next_record(r, err)) == CHURN_OK) {
        double label = NAN;
        if ((rc = convert_row(r, ds, row, err)) != CHURN_OK)
            break;
        if (r->label_field != NO_FIELD &&
            (rc = parse_label(r, r->label_field, &label, err)) != CHURN_OK)
            break;
        const char *id = r->id_field != NO_FIELD
                             ? churn__csv_field(r->csv, r->id_field, NULL)
                             : NULL;
        if ((rc = churn_dataset_add_row(ds, id, row, label, err)) != CHURN_OK)
            break;
        if (r->as_of_field != NO_FIELD &&
            (rc = read_as_of(r, ds, err)) != CHURN_OK)
            break;
        if (r->days_field != NO_FIELD &&
            (rc = read_days(r, ds, err)) != CHURN_OK)
            break;
    }
    free(row);
    if (rc != CHURN__CSV_END)
        return rc;
    if (churn_dataset_n_rows(ds) != r->n_rows)
        return churn__fail_at(err, CHURN_EIO, r->path, 0, 0,
                              "file changed while being read");
    return CHURN_OK;
}

/* Opens the file (detecting the delimiter the first time, when the
 * options leave it to the header) and reads its header; the second
 * time, the header must be the one the first pass saw. */
static int open_pass(reader *r, churn_error *err)
{
    int rc = r->sep ? CHURN_OK
                    : churn__csv_detect_sep(r->path, &r->sep, NULL, err);
    if (rc == CHURN_OK)
        rc = churn__csv_open(r->path, &r->csv, err);
    if (rc != CHURN_OK)
        return rc;
    churn__csv_set_sep(r->csv, r->sep);
    if (!r->header)
        return read_names(r, err);
    rc = churn__csv_next(r->csv, err);
    if (rc == CHURN_OK && churn__csv_n_fields(r->csv) == r->n_fields)
        return CHURN_OK;
    return rc != CHURN_OK && rc != CHURN__CSV_END
               ? rc
               : churn__fail_at(err, CHURN_EIO, r->path, 0, 0,
                                "file changed while being read");
}

/* Marks the columns named in names categorical, where the file has them
 * and they must not be numeric. */
static void mark_categorical(reader *r, const char *const *names, size_t n)
{
    for (size_t k = 0; k < n; k++)
        for (size_t j = 0; j < r->n_cols; j++)
            if (!r->must_be_numeric[j] &&
                strcmp(churn__strmap_key(r->header, r->col_field[j]),
                       names[k]) == 0)
                r->is_categorical[j] = 1;
}

int churn__csv_read_stream(const char *path, const churn_csv_opts *o,
                           const churn__csv_sink *sink,
                           const char *const *categorical,
                           size_t n_categorical, churn_dataset **columns)
{
    *columns = NULL;
    reader r;
    churn__csv_reader_init(&r, path, o);
    r.sink = sink;
    churn_dataset *ds = NULL;
    int rc = open_pass(&r, NULL);
    if (rc == CHURN_OK)
        rc = place_columns(&r, NULL);
    if (rc == CHURN_OK)
        rc = mark_kinds(&r, NULL);
    if (rc == CHURN_OK)
        mark_categorical(&r, categorical, n_categorical);
    if (rc == CHURN_OK && r.unique && r.id_field != NO_FIELD)
        rc = CHURN_EFORMAT; /* ids checked for repeats: not streamed */
    if (rc == CHURN_OK)
        rc = churn__csv_read_fast(&r, churn__csv_offset(r.csv), &ds);
    /* Only categorical columns r forced, or numeric ones: nothing for
     * churn__csv_kinds_ok to count. */
    churn__csv_close(r.csv);
    churn__strmap_free(r.header);
    free(r.col_field);
    free(r.is_categorical);
    free(r.must_be_numeric);
    churn__strmap_free(r.ids);
    if (rc == CHURN_OK)
        *columns = ds;
    return rc;
}

/* Names the dataset after its file, so later messages about it (a model
 * input it lacks) can say which file, and hands it to the caller. */
static int hand_over(churn_dataset *ds, const char *path, churn_dataset **out,
                     churn_error *err)
{
    if (churn_dataset_set_source(ds, path) != CHURN_OK) {
        churn_dataset_free(ds);
        return churn__fail_nomem(err);
    }
    *out = ds;
    return CHURN_OK;
}

int churn_dataset_read_csv(const char *path, const churn_csv_opts *o,
                           churn_dataset **out, churn_error *err)
{
    if (!out)
        return churn__fail(err, CHURN_EINVAL, "no place for the dataset");
    *out = NULL;
    if (!path)
        return churn__fail(err, CHURN_EINVAL, "no path");
    reader r;
    churn__csv_reader_init(&r, path, o);
    churn_dataset *ds = NULL;
    int rc = open_pass(&r, err);
    if (rc == CHURN_OK)
        rc = place_columns(&r, err);
    if (rc == CHURN_OK)
        rc = mark_kinds(&r, err);
    if (rc == CHURN_OK && r.unique && r.id_field != NO_FIELD &&
        !(r.ids = churn__strmap_new()))
        rc = churn__fail_nomem(err);
    int fast_rc = rc == CHURN_OK
                      ? churn__csv_read_fast(&r, churn__csv_offset(r.csv), &ds)
                      : CHURN_EFORMAT;
    if (fast_rc == CHURN_OK &&
        (fast_rc = churn__csv_kinds_ok(&r, ds)) != CHURN_OK) {
        churn_dataset_free(ds); /* the two passes say what is wrong */
        ds = NULL;
    }
    if (fast_rc == CHURN_ENOMEM)
        rc = churn__fail_nomem(err);
    if (fast_rc == CHURN_OK) {
        churn__csv_close(r.csv);
        churn__strmap_free(r.header);
        free(r.col_field);
        free(r.is_categorical);
        free(r.must_be_numeric);
        churn__strmap_free(r.ids);
        return hand_over(ds, path, out, err);
    }
    if (rc == CHURN_OK)
        rc = infer_kinds(&r, err);
    churn__strmap_free(r.ids);
    r.ids = NULL;
    free(r.id_lines);
    r.id_lines = NULL;
    churn__csv_close(r.csv);
    r.csv = NULL;
    if (rc == CHURN_OK)
        rc = churn__csv_create_dataset(&r, &ds, err);
    if (rc == CHURN_OK)
        rc = open_pass(&r, err);
    if (rc == CHURN_OK)
        rc = fill_rows(&r, ds, err);
    churn__csv_close(r.csv);
    churn__strmap_free(r.header);
    free(r.col_field);
    free(r.is_categorical);
    free(r.must_be_numeric);
    if (rc != CHURN_OK) {
        churn_dataset_free(ds);
        return rc;
    }
    return hand_over(ds, path, out, err);
}

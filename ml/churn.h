/* churn.h - the public API of libchurn: customer histories in, churn risk out.
 *
 * This is the only installed header; what is not declared here is not API.
 * Conventions:
 *   - every fallible call returns a status code (CHURN_OK = 0) and, when the
 *     caller passes a churn_error, fills it with the details;
 *   - objects are opaque handles with create/free pairs; free(NULL) is a no-op;
 *   - the library never prints and never exits; progress goes through a
 *     callback the caller sets;
 *   - nor does it abort through GSL: it never calls GSL's error handler
 *     (process-wide, by default abort()) and never replaces it; a host's
 *     own handler is left alone and is not called by libchurn;
 *   - sizes are size_t; missing numeric values are NaN.
 * Each group of declarations starts with "Implemented in" and the files
 * that define it (a test checks them against the built objects).
 */
#ifndef CHURN_H
#define CHURN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(CHURN_BUILDING) && defined(__GNUC__)
#define CHURN_API __attribute__((visibility("default")))
#else
#define CHURN_API
#endif

/* ---------------------------------------------------------------- versions */
/* Implemented in ml/error.c. */

#define CHURN_VERSION_MAJOR 0
#define CHURN_VERSION_MINOR 1
#define CHURN_VERSION_PATCH 0
#define CHURN_VERSION_STRING "0.1.0"

/* The version of the library actually linked, e.g. "0.1.0". */
CHURN_API const char *churn_version(void);

/* ------------------------------------------------------------------ errors */
/* Implemented in ml/error.c. */

/* Status codes. Values never change; new codes are only appended. */
enum churn_status {
    CHURN_OK = 0,
    CHURN_ENOMEM = 1,    /* out of memory */
    CHURN_EINVAL = 2,    /* invalid argument from the caller */
    CHURN_EIO = 3,       /* a file could not be opened, read or written */
    CHURN_EPARSE = 4,    /* malformed input text (bad number, date, quote) */
    CHURN_EFORMAT = 5,   /* well-formed text with the wrong structure
                            (missing column, wrong field count, ...) */
    CHURN_ENUMERIC = 6,  /* a numerical method failed (singular, NaN) */
    CHURN_EVERSION = 7,  /* a file written by a newer, unknown version */
    CHURN_ECHECKSUM = 8, /* a file's checksum does not match its contents */
    CHURN_EEMPTY = 9     /* no rows, or nothing to work with */
};

/* A static, human-readable name for a status code ("parse error", ...). */
CHURN_API const char *churn_strerror(int code);

/* Details of the last failure of a call, owned by the caller. Pass NULL
 * where details are not wanted. message holds the whole sentence, already
 * prefixed with "FILE:LINE:COLUMN: " when the failure is about a place in a
 * file (line and column count from 1; 0 = not applicable). */
typedef struct churn_error {
    int code;
    size_t line;
    size_t column;
    char file[256];
    char message[512];
} churn_error;

/* Resets err to "no error" (code CHURN_OK, empty strings). NULL is fine. */
CHURN_API void churn_error_clear(churn_error *err);

/* Progress callback: stage names the work ("reading events"), done and
 * total count units of it (bytes, rows); total is 0 when unknown. The
 * library calls it at most a few times a second of work. */
typedef void (*churn_progress_fn)(void *user, const char *stage,
                                  uint64_t done, uint64_t total);

/* ----------------------------------------------------------------- dataset */
/* Implemented in ml/dataset.c, ml/dataset_append.c. */

/* A dataset: a dense row-major matrix of doubles (n_rows x n_cols), with a
 * name and a kind per column, an id per row, and optional labels.
 * Categorical columns hold level codes 0, 1, 2, ... as doubles; the levels'
 * text is kept per column. NaN means missing in either kind. */
typedef struct churn_dataset churn_dataset;

typedef enum churn_column_kind {
    CHURN_NUMERIC = 0,
    CHURN_CATEGORICAL = 1
} churn_column_kind;

/* Creates an empty dataset with n_cols columns, all numeric and unnamed
 * until set. Returns NULL when out of memory. The caller frees it with
 * churn_dataset_free. */
CHURN_API churn_dataset *churn_dataset_new(size_t n_cols);
CHURN_API void churn_dataset_free(churn_dataset *ds);

/* Names column j and sets its kind. Names must be unique and non-empty. */
CHURN_API int churn_dataset_set_column(churn_dataset *ds, size_t j,
                                       const char *name,
                                       churn_column_kind kind,
                                       churn_error *err);

/* Names the label column (e.g. "churned"); labels are kept per row. */
CHURN_API int churn_dataset_set_label_name(churn_dataset *ds, const char *name,
                                           churn_error *err);

/* Names the column the ids came from (NULL or "": row numbers), so that
 * a tool can say which column it took; churn_dataset_read_csv sets it. */
CHURN_API int churn_dataset_set_id_name(churn_dataset *ds, const char *name,
                                        churn_error *err);
/* The ids' column name, or NULL when the ids are row numbers. */
CHURN_API const char *churn_dataset_id_name(const churn_dataset *ds);

/* Makes room for n_rows rows in all, so that adding them allocates once. */
CHURN_API int churn_dataset_reserve(churn_dataset *ds, size_t n_rows,
                                    churn_error *err);

/* Appends a row: id is copied (NULL = the row number, counted from 1);
 * values (n_cols doubles, categorical ones as level codes, NaN = missing)
 * are copied; label is 0, 1 or NaN (unknown). */
CHURN_API int churn_dataset_add_row(churn_dataset *ds, const char *id,
                                    const double *values, double label,
                                    churn_error *err);

/* Returns in *code the level code of text in categorical column j, adding
 * the level when it is new. */
CHURN_API int churn_dataset_level_code(churn_dataset *ds, size_t j,
                                       const char *text, double *code,
                                       churn_error *err);

/* Sets the as-of time (Unix seconds) of row i, for datasets stacked from
 * several snapshots; rows without one report NaN. */
CHURN_API int churn_dataset_set_as_of(churn_dataset *ds, size_t i,
                                      double as_of_unix, churn_error *err);
/* Sets the days from row i's as-of date to its churn event (>= 0), NaN
 * for a censored row (no churn seen within the label horizon). The
 * column days_to_churn of churn-features; never a model input.
 * Rows without one report NaN. */
CHURN_API int churn_dataset_set_days_to_churn(churn_dataset *ds, size_t i,
                                              double days, churn_error *err);
CHURN_API double churn_dataset_days_to_churn(const churn_dataset *ds,
                                             size_t i);
/* 1 once a days_to_churn was set (or read) for some row, else 0. */
CHURN_API int churn_dataset_has_days_to_churn(const churn_dataset *ds);
/* Appends a numeric column named name with values[i] in row i (NaN =
 * missing), e.g. a model's output next to the data. */
CHURN_API int churn_dataset_add_column(churn_dataset *ds, const char *name,
                                       const double *values,
                                       churn_error *err);

/* Appends every row of from to into: the same columns (names, kinds and
 * order) and the same label column, or CHURN_EFORMAT naming the first
 * difference. Categories are matched by text; levels new to into are
 * added after its own. For a process that reads several shard files. */
CHURN_API int churn_dataset_append(churn_dataset *into,
                                   const churn_dataset *from,
                                   churn_error *err);

CHURN_API size_t churn_dataset_n_rows(const churn_dataset *ds);
CHURN_API size_t churn_dataset_n_cols(const churn_dataset *ds);
CHURN_API const char *churn_dataset_column_name(const churn_dataset *ds,
                                                size_t j);
CHURN_API churn_column_kind churn_dataset_column_kind(const churn_dataset *ds,
                                                     size_t j);
/* Index of the column called name, or (size_t)-1 when there is none. */
CHURN_API size_t churn_dataset_column_index(const churn_dataset *ds,
                                            const char *name);
/* The row-major matrix; valid until the dataset changes or is freed. */
CHURN_API const double *churn_dataset_values(const churn_dataset *ds);
CHURN_API double churn_dataset_value(const churn_dataset *ds, size_t i,
                                     size_t j);
CHURN_API const char *churn_dataset_id(const churn_dataset *ds, size_t i);
/* Label of row i: 0, 1, or NaN when unknown. */
CHURN_API double churn_dataset_label(const churn_dataset *ds, size_t i);
/* 1 when the dataset has a label column, else 0. */
CHURN_API int churn_dataset_has_labels(const churn_dataset *ds);
CHURN_API const char *churn_dataset_label_name(const churn_dataset *ds);
CHURN_API double churn_dataset_as_of(const churn_dataset *ds, size_t i);
CHURN_API size_t churn_dataset_n_levels(const churn_dataset *ds, size_t j);
CHURN_API const char *churn_dataset_level(const churn_dataset *ds, size_t j,
                                          size_t k);
/* Says where the rows came from (a file name; NULL = unsaid), for messages
 * about the dataset as a whole, such as a customers dataset that matches
 * no customer of an event log. The dataset keeps a copy. */
CHURN_API int churn_dataset_set_source(churn_dataset *ds, const char *source);
/* The source set, or NULL. */
CHURN_API const char *churn_dataset_source(const churn_dataset *ds);

/* --------------------------------------------------------- tabular reading */
/* Implemented in datasets/csv_opts.c, datasets/csv_read.c,
 * datasets/csv_delimiter.c, datasets/libsvm_read.c, datasets/csv_write.c. */

/* Options for reading one-row-per-customer CSV files. */
typedef struct churn_csv_opts churn_csv_opts;

/* Defaults: the id column is the first column whose name is an id (else
 * row numbers), no label column, missing values "", "NA", "N/A", "NaN",
 * "null" (any case). A name is an id when, lowercased and without '_',
 * '-', '.' and spaces, it is one of: customerid, customer, custid,
 * clientid, client, userid, accountid, subscriberid, memberid, id (so
 * customer_id, CustomerID, "Customer ID", client_id, user_id, account_id,
 * ID). The label column and dropped columns are never taken;
 * churn_dataset_id_name says which column was. */
CHURN_API churn_csv_opts *churn_csv_opts_new(void);
CHURN_API void churn_csv_opts_free(churn_csv_opts *o);
/* The id column, instead of the one detected by name; NULL or "" = row
 * numbers. A name that is not in the file is an error. */
CHURN_API int churn_csv_opts_set_id_column(churn_csv_opts *o, const char *name);
/* The label column; NULL = none. Its values are read as 1/0, yes/no,
 * true/false, churned/retained (any case), or by the positive value. */
CHURN_API int churn_csv_opts_set_label_column(churn_csv_opts *o,
                                              const char *name);
/* The label text that means "churned" (any case); others mean 0. */
CHURN_API int churn_csv_opts_set_positive(churn_csv_opts *o, const char *value);
/* unique = 1: an id that occurs on two rows is an error (CHURN_EFORMAT
 * naming both lines), as in a customers file; default 0, since stacked
 * snapshots repeat ids. */
CHURN_API int churn_csv_opts_set_unique_ids(churn_csv_opts *o, int unique);
/* Forces a column to be categorical even if all its values are numbers. */
CHURN_API int churn_csv_opts_add_categorical(churn_csv_opts *o,
                                             const char *name);
/* Threads that parse the file, in line-aligned chunks (0, the default:
 * one per online core; at most 256). The dataset is the same whatever the
 * number. */
CHURN_API int churn_csv_opts_set_threads(churn_csv_opts *o, size_t n);
/* Says a column must be numeric (a model reads it as a number): a value
 * that is neither missing nor a finite number ("abc", "inf", "1e999") is
 * then CHURN_EPARSE at its line and column, not a silent switch of the
 * column to categorical. A name the file lacks is ignored here; a name
 * also passed to churn_csv_opts_add_categorical stays categorical. */
CHURN_API int churn_csv_opts_add_numeric(churn_csv_opts *o, const char *name);
/* Leaves column name out of the dataset (repeatable): neither an input
 * nor the id. A name the file lacks is CHURN_EFORMAT, as is dropping the
 * label column or the id column named by churn_csv_opts_set_id_column. */
CHURN_API int churn_csv_opts_add_drop(churn_csv_opts *o, const char *name);
/* The delimiter between fields: ',', ';', '\t' or '|'; or 0, the default,
 * to read it off the header line: the comma unless the header holds no
 * comma outside quotes but holds ';', tabs or '|', then the most frequent
 * of these (';' before tab before '|' on a tie). Quotes stay '"', and a
 * quoted field may hold the delimiter. Any other sep is CHURN_EINVAL. A
 * decimal comma (12,5) is never read as a number (see
 * churn_dataset_read_csv). */
CHURN_API int churn_csv_opts_set_delimiter(churn_csv_opts *o, char sep);
/* The delimiter set, or 0 when it is read off the header (also for NULL). */
CHURN_API char churn_csv_opts_delimiter(const churn_csv_opts *o);
/* The delimiter churn_dataset_read_csv would split path's fields at with
 * the options o (NULL: the defaults), for a tool to say what was
 * detected: the one set, else the one the header line shows. *also (NULL
 * allowed) gets 0, or, when the header holds more than one of ';', tab
 * and '|' (and no comma), the most frequent of those not chosen. Reads
 * only the header line; CHURN_EIO when path cannot be read. */
CHURN_API int churn_csv_detect_delimiter(const char *path,
                                         const churn_csv_opts *o, char *sep,
                                         char *also, churn_error *err);

/* Reads a CSV file with a header row into a new dataset. A column's kind
 * is decided from all its non-missing cells ("", NA, ... are missing):
 *   - every cell a finite number: numeric;
 *   - some cell not a number, and at least half of the cells numbers or
 *     formatted numbers ($45.07, 1,234.5, 12%: a currency sign $ EUR
 *     GBP JPY, thousands separators or a percent sign; in a file not
 *     delimited by commas also a decimal comma, 12,5): CHURN_EPARSE at
 *     FILE:LINE:COLUMN of the first bad cell, quoting it and counting the
 *     bad cells, with the ways out (fix it, leave it empty or NA, or
 *     churn_csv_opts_add_categorical); a formatted number is never read
 *     silently as text;
 *   - otherwise (mostly texts, e.g. plan names): categorical.
 * Columns named by churn_csv_opts_add_categorical are categorical, those
 * named by churn_csv_opts_add_numeric must have no bad cell at all.
 * On error *out is NULL and err names file, line and column. */
CHURN_API int churn_dataset_read_csv(const char *path, const churn_csv_opts *o,
                                     churn_dataset **out, churn_error *err);

/* Reads a file in the libsvm sparse format ("label idx:value ...", indices
 * from 1) into a new dense dataset with columns "f1".."fN" and labels
 * (label > 0 means churned). Absent entries are 0, as the format says. */
CHURN_API int churn_dataset_read_libsvm(const char *path, churn_dataset **out,
                                        churn_error *err);

/* Writes ds as CSV: the id column (named id_name), "as_of" when any row has
 * one, the columns, then the label column when there is one. Numbers are
 * written in the shortest form that reads back to the same double; missing
 * values as empty cells. The file is written to a temporary name and
 * renamed, so a failure never leaves a partial file at path. */
CHURN_API int churn_dataset_write_csv(const churn_dataset *ds,
                                      const char *path, const char *id_name,
                                      churn_error *err);

/* ---------------------------------------------------------------- features */
/* Implemented in features/roles.c, features/catalog.c, features/opts.c,
 * features/stats.c, features/extract.c. */

/* The roles an event name can play. */
typedef enum churn_role {
    CHURN_ROLE_ACTIVITY = 0,
    CHURN_ROLE_PURCHASE,
    CHURN_ROLE_TICKET_OPEN,
    CHURN_ROLE_TICKET_CLOSE,
    CHURN_ROLE_SATISFACTION,
    CHURN_ROLE_CANCEL,
    CHURN_ROLE_SIGNUP,
    CHURN_ROLE_COUNT
} churn_role;

/* The name of a role as used on the command line ("ticket_open"), or NULL. */
CHURN_API const char *churn_role_name(churn_role role);
/* The role called name, or -1. */
CHURN_API int churn_role_from_name(const char *name);

/* One feature of the built-in set: a stable name, its unit, a one-line
 * meaning. The table is static and lives as long as the program. */
typedef struct churn_feature_info {
    const char *name;
    const char *unit;
    const char *meaning;
} churn_feature_info;

/* The built-in features in output order; *n receives how many. Per-event-
 * name counts and customer columns follow them in an extracted dataset. */
CHURN_API const churn_feature_info *churn_feature_list(size_t *n);

typedef struct churn_feature_opts churn_feature_opts;

/* Defaults: the role names of churn-features(1), INPUT FORMATS; columns
 * customer_id, timestamp, event, value; no horizon (no labels); one
 * snapshot; active window 90 days. The as-of time must be set. */
CHURN_API churn_feature_opts *churn_feature_opts_new(void);
CHURN_API void churn_feature_opts_free(churn_feature_opts *o);
/* The as-of time t0 in Unix seconds; features see only events before it. */
CHURN_API int churn_feature_opts_set_as_of(churn_feature_opts *o,
                                           int64_t t0_unix);
/* Label horizon in days (> 0); 0 = no labels. */
CHURN_API int churn_feature_opts_set_horizon(churn_feature_opts *o,
                                             double days);
/* k snapshots at t0, t0 - every, ..., t0 - (k-1) * every days. */
CHURN_API int churn_feature_opts_set_snapshots(churn_feature_opts *o,
                                               size_t k, double every_days);
/* Days of activity that keep a customer in the population when the data
 * has no cancel events. */
CHURN_API int churn_feature_opts_set_active_window(churn_feature_opts *o,
                                                   double days);
/* Maps a comma-separated list of event names to role; these names replace
 * the role's defaults. Matching is case-insensitive. Setting the activity
 * names also means that names no role claims are no longer activity. */
CHURN_API int churn_feature_opts_set_role_names(churn_feature_opts *o,
                                                churn_role role,
                                                const char *names_csv);
/* Renames an input column: which is "customer_id", "timestamp", "event"
 * or "value"; name is the header in the file. */
CHURN_API int churn_feature_opts_set_column(churn_feature_opts *o,
                                            const char *which,
                                            const char *name);
CHURN_API int churn_feature_opts_set_progress(churn_feature_opts *o,
                                              churn_progress_fn fn,
                                              void *user);
/* Threads that parse the event log; 0 (the default) = the number of
 * online cores. The result is the same, bit for bit, for any number. */
CHURN_API int churn_feature_opts_set_threads(churn_feature_opts *o,
                                             size_t n);
/* The delimiter between the event log's fields: ',', ';', '\t' or '|';
 * or 0, the default, to read it off the log's header line by the rules
 * of the tables (churn_csv_opts_set_delimiter; churn_csv_detect_delimiter
 * with NULL options says which a file shows, except that this reads the
 * header from the stream it parses, so a pipe works too). Quotes stay
 * '"' and a quoted field may hold the delimiter. A header read as one
 * field that holds another delimiter is CHURN_EFORMAT naming it. A value
 * with a decimal comma (12,5) is a bad value, as in a comma log. Any
 * other sep is CHURN_EINVAL. The result is the same, bit for bit, as
 * for the log with commas. */
CHURN_API int churn_feature_opts_set_delimiter(churn_feature_opts *o,
                                               char sep);
/* The delimiter set, or 0 when it is read off the header (also for NULL). */
CHURN_API char churn_feature_opts_delimiter(const churn_feature_opts *o);

/* include = 1: churn_features_extract also writes a row for each customer
 * seen before a snapshot who cancelled before it (the population leaves
 * them out), and a last categorical column cancel_date: the date of the
 * customer's first cancel ("YYYY-MM-DD"), missing on the population's
 * rows. Their features are computed as for everyone, their label is NaN
 * (unknown). For churn_segment, which puts them in lifecycle stage lost:
 * not for training or scoring. A customers column called cancel_date then
 * clashes. Default 0. EINVAL unless include is 0 or 1. */
CHURN_API int churn_feature_opts_set_cancelled(churn_feature_opts *o,
                                               int include);

/* Ignores the events of a comma-separated list of names: their rows are
 * read and checked, then dropped (no role, no per-name column, no
 * customer). A name also given to a role is EINVAL at extraction. */
CHURN_API int churn_feature_opts_set_ignored_names(churn_feature_opts *o,
                                                   const char *names_csv);

/* What an extraction read: the customers of the event log, how many of
 * them the customers dataset has a row for, and each event name with its
 * rows and role, so that a caller can show how its log was understood. */
typedef struct churn_feature_stats churn_feature_stats;

/* An empty one; NULL when out of memory. The caller frees it. */
CHURN_API churn_feature_stats *churn_feature_stats_new(void);
CHURN_API void churn_feature_stats_free(churn_feature_stats *s);
/* Each successful churn_features_extract with o adds what it read to s
 * (NULL: none), so the shards of one job add up. s is not copied: it must
 * outlive o's use and not be shared by extractions running at once. */
CHURN_API int churn_feature_opts_set_stats(churn_feature_opts *o,
                                           churn_feature_stats *s);
/* A figure by name, NaN when unknown: "events" (rows read), "events_ignored"
 * (rows of ignored names), "events_unlisted" (rows of names past the first
 * 4096, which have no entry below), "customers" (distinct customer ids of
 * the log, ignored rows aside); with a customers dataset joined (else NaN)
 * "customers_rows" (its rows) and "customers_matched" (customers of the log
 * with a row there). */
CHURN_API double churn_feature_stats_value(const churn_feature_stats *s,
                                           const char *name);
/* The event names in order of first appearance (lowercase, trimmed; at
 * most 4096), each with its rows, its role ("activity", ..., "signup";
 * "ignore"; or "none" for a name no role claims once the activity names
 * are set) and its events_<name>_30d column (NULL: none; a name with a
 * role has none, nor one seen only from the as-of time on). */
CHURN_API size_t churn_feature_stats_n_names(const churn_feature_stats *s);
CHURN_API const char *churn_feature_stats_name(const churn_feature_stats *s,
                                               size_t i);
CHURN_API uint64_t churn_feature_stats_name_count(
    const churn_feature_stats *s, size_t i);
CHURN_API const char *churn_feature_stats_name_role(
    const churn_feature_stats *s, size_t i);
CHURN_API const char *churn_feature_stats_name_column(
    const churn_feature_stats *s, size_t i);

/* Reads the event log at events_path as churn_features_extract would (the
 * same checks and messages) and adds what it read to s, building no
 * features. The as-of time is optional here: without one, every unknown
 * name that gets a column counts as seen before it. */
CHURN_API int churn_events_scan(const char *events_path,
                                const churn_feature_opts *o,
                                churn_feature_stats *s, churn_error *err);

/* Reads the event log at events_path in one streaming pass and builds one
 * row per customer in the population at each snapshot. customers (may be
 * NULL) is a dataset keyed by row id = customer_id whose columns are
 * joined in; customers without a row there get missing values, and a
 * customers dataset with a row for none of the log's customers is
 * CHURN_EFORMAT naming the event log, the dataset's source and an id of
 * each. Event names map to roles as churn_feature_opts_set_role_names
 * says; a name no role claims counts as activity while the activity role
 * keeps its defaults, and has no role once they are set. On success
 * *out is a new dataset the caller frees. */
CHURN_API int churn_features_extract(const char *events_path,
                                     const churn_dataset *customers,
                                     const churn_feature_opts *o,
                                     churn_dataset **out, churn_error *err);

/* Implemented in ml/time.c, ml/format.c. */
/* Parses an ISO-8601 date ("2024-03-01"), date-time ("2024-03-01T12:00:00",
 * optional fraction and "Z" or +HH:MM offset; a space may replace the T)
 * or Unix seconds into Unix seconds (UTC). */
CHURN_API int churn_parse_time(const char *text, size_t len, double *out_unix);

/* The strict form for dates that people type (options such as an as-of
 * date): an ISO-8601 date or date-time as churn_parse_time reads them, and
 * nothing else. Unix seconds and 8-digit numbers such as 20250101 are
 * CHURN_EPARSE, *out_unix untouched. Event logs keep churn_parse_time. */
CHURN_API int churn_parse_date(const char *text, size_t len, double *out_unix);

/* Formats Unix seconds as "YYYY-MM-DD" into buf (at least 11 bytes). */
CHURN_API void churn_format_date(double unix_seconds, char *buf, size_t size);

/* Writes x for people into buf (size bytes; 32 always suffice), without
 * the locale. decimals < 0: the shortest decimal that reads back to the
 * same double, as Python's repr (956.88, not 956.8800000000001);
 * decimals 0..9: rounded to that many. A value that shows as zero has no
 * minus sign ("0", "0.0000", never "-0.0000"); NaN and infinities write
 * "n/a". Returns buf. */
CHURN_API char *churn_format_number(double x, int decimals, char *buf,
                                    size_t size);

/* ------------------------------------------------------------ synthesizer */
/* Implemented in datasets/synth_files.c, datasets/synth_table.c. */

typedef struct churn_synth_opts churn_synth_opts;

/* Defaults: 1000 customers, seed 1, 365 days of history ending at
 * 2025-01-01, 90-day label horizon, 0.7 activity events per day. The
 * setters return CHURN_EINVAL for a NULL o and for values that make no
 * sense (0 customers, days or rates that are not > 0, an as-of outside
 * the years 1900-2200), leaving the option unchanged. docs/SYNTH.md
 * describes the model and the files. */
CHURN_API churn_synth_opts *churn_synth_opts_new(void);
CHURN_API void churn_synth_opts_free(churn_synth_opts *o);
CHURN_API int churn_synth_opts_set_customers(churn_synth_opts *o, size_t n);
CHURN_API int churn_synth_opts_set_seed(churn_synth_opts *o, uint64_t seed);
/* The as-of date of the truth file (Unix seconds): history runs up to it,
 * and the events after it (up to horizon days) decide who churned. */
CHURN_API int churn_synth_opts_set_as_of(churn_synth_opts *o, int64_t t0_unix);
CHURN_API int churn_synth_opts_set_history_days(churn_synth_opts *o,
                                                double days);
CHURN_API int churn_synth_opts_set_horizon(churn_synth_opts *o, double days);
/* Scales the mean number of activity events per customer and day. */
CHURN_API int churn_synth_opts_set_activity_rate(churn_synth_opts *o,
                                                 double events_per_day);
CHURN_API int churn_synth_opts_set_progress(churn_synth_opts *o,
                                            churn_progress_fn fn, void *user);

/* Writes events.csv, customers.csv and truth.csv (customer_id,
 * churn_probability, churned for each customer active at t0) into dir,
 * which must exist (else CHURN_EIO naming it). Same options, same seed:
 * the same bytes. Progress reports stage "generating events" with the
 * events written so far, and once more at the end with done = total. */
CHURN_API int churn_synth_generate(const churn_synth_opts *o, const char *dir,
                                   churn_error *err);

/* Writes a labeled numeric table to path (atomically): customer_id,
 * x1..x<features>, churned; rows rows of standard normal values (4
 * decimals) labeled by a known, partly nonlinear model (docs/SYNTH.md).
 * Uses o's seed and progress ("generating rows"); the other options are
 * for histories. CHURN_EINVAL for 0 rows or features outside 1..10000. */
CHURN_API int churn_synth_table(const churn_synth_opts *o, size_t rows,
                                size_t features, const char *path,
                                churn_error *err);

/* ------------------------------------------------------------------ models */
/* Implemented in models/train_opts.c, models/train.c, models/train_gbdt.c. */

/* A trained model: the fitted preprocessing pipeline, the classifier, its
 * calibration and training metadata. Immutable once made or loaded, so
 * one model can be shared by many threads. */
typedef struct churn_model churn_model;

typedef struct churn_train_opts churn_train_opts;

/* Defaults: model "logistic", C = 1, class weight "auto", validation
 * fraction 0.2, seed 42, refit on all rows after validation; for SVMs
 * kernel "rbf", gamma 1 / features, degree 3; calibration "default", no
 * search, metric "auc", all rows. */
CHURN_API churn_train_opts *churn_train_opts_new(void);
CHURN_API void churn_train_opts_free(churn_train_opts *o);
/* The model family: "logistic", "svm" (libsvm's C-SVC), "gbdt" (below),
 * "survival" (a discrete-time hazard model on churned + days_to_churn;
 * needs churn_train_opts_set_horizon; see churn_model_survival) or
 * "auto" (runs the search over every family's grid and keeps the
 * candidate with the best mean cross-validated metric, an exact tie the
 * earlier, simpler family; implies churn_train_opts_set_search). */
CHURN_API int churn_train_opts_set_model(churn_train_opts *o,
                                         const char *family);
/* SVM kernel: "linear", "rbf" (default), "poly" (gamma u.v)^degree, or
 * "rbf-approx": random Fourier features of the rbf kernel (seeded; 200
 * unless churn_train_opts_set_components says otherwise) followed by L2
 * logistic regression, linear in rows. */
CHURN_API int churn_train_opts_set_kernel(churn_train_opts *o,
                                          const char *kernel);
/* Random features of the "rbf-approx" kernel, 1..CHURN_MAX_COMPONENTS;
 * 0 (default) means 200. More follow the rbf kernel more closely; the
 * training time grows in proportion. */
#define CHURN_MAX_COMPONENTS 100000
CHURN_API int churn_train_opts_set_components(churn_train_opts *o,
                                              size_t n);
/* Kernel width of rbf and poly, > 0; 0 (default) means 1 / the number of
 * standardized features (libsvm's default; scikit-learn's "scale" is the
 * same on standardized data). */
CHURN_API int churn_train_opts_set_gamma(churn_train_opts *o, double gamma);
/* Degree of the poly kernel, 1..10 (default 3). */
CHURN_API int churn_train_opts_set_degree(churn_train_opts *o, int degree);
/* Model "gbdt": gradient-boosted trees (XGBoost, tree_method hist,
 * binary:logistic) on the one-hot inputs, missing values passed as
 * missing (no imputation, no standardization); its decision value is a
 * log-odds, so calibration "default" is none; class weight "balanced"
 * is XGBoost's scale_pos_weight = negatives / positives. Training stops
 * early on a stratified fifth of the fitting rows (held-out log loss, 20
 * rounds of patience, split with the seed), then refits on all of them
 * for the best round count. Same rows, options, seed and threads: the
 * same model file, byte for byte. Each setter returns CHURN_EINVAL out
 * of range. Maximum boosting rounds, 1..100000 (default 100): */
CHURN_API int churn_train_opts_set_trees(churn_train_opts *o, size_t n);
/* Tree depth, 1..64 (default 6). */
CHURN_API int churn_train_opts_set_depth(churn_train_opts *o, size_t depth);
/* Shrinkage eta, in (0, 1] (default 0.3). */
CHURN_API int churn_train_opts_set_learning_rate(churn_train_opts *o,
                                                 double eta);
/* Shares of rows and of inputs drawn per tree, in (0, 1] (default 1). */
CHURN_API int churn_train_opts_set_subsample(churn_train_opts *o,
                                             double share);
CHURN_API int churn_train_opts_set_colsample(churn_train_opts *o,
                                             double share);
/* Least hessian sum in a leaf, >= 0 (default 1). */
CHURN_API int churn_train_opts_set_min_child_weight(churn_train_opts *o,
                                                    double w);
/* L2 penalty on leaf weights, >= 0 (default 1). */
CHURN_API int churn_train_opts_set_lambda(churn_train_opts *o,
                                          double lambda);
/* XGBoost's training threads, 1..1024 (default 1: the trees may depend
 * on the thread count, and a model file should not depend on the
 * machine). Scoring always uses one XGBoost thread per calling thread. */
CHURN_API int churn_train_opts_set_threads(churn_train_opts *o, size_t n);
/* Patience of the early stopping, 1..100000 rounds (default 20); 0: no
 * hold-out, every churn_train_opts_set_trees round on all rows. */
CHURN_API int churn_train_opts_set_early_stopping(churn_train_opts *o,
                                                  size_t rounds);
/* How decision values become probabilities: "platt" (a sigmoid fitted on
 * out-of-fold decision values), "isotonic" (pool adjacent violators on
 * the same), "none" (the logistic function of the decision value) or
 * "default" (platt for svm, none for logistic and for the "rbf-approx"
 * kernel, itself a logistic regression). */
CHURN_API int churn_train_opts_set_calibration(churn_train_opts *o,
                                               const char *method);
/* Grid search (1) of the family's grid (C; C x gamma for the rbf kernel;
 * depth x learning rate for gbdt) by customer-grouped stratified 3-fold
 * cross-validation on the training rows, each fold's pipeline fitted on
 * the other folds' rows; the best setting is refitted on them. Default
 * 0. The candidates: churn_model_candidate. */
CHURN_API int churn_train_opts_set_search(churn_train_opts *o, int search);
/* What the search picks by: "auc" (default), "pr_auc" (average
 * precision) or "logloss" (after Platt scaling; minimized). */
CHURN_API int churn_train_opts_set_metric(churn_train_opts *o,
                                          const char *metric);
/* Trains on a sample of at most n labeled rows (0 = all, the default):
 * whole customers, stratified by label, drawn with the seed. For kernel
 * SVMs, whose training time grows with the square of the rows. */
CHURN_API int churn_train_opts_set_max_rows(churn_train_opts *o, size_t n);
/* Called once per grid point the search evaluated: family, kernel ("-"
 * for logistic), C, gamma (NaN when unused) and the cross-validated
 * metric. */
typedef void (*churn_search_fn)(void *user, const char *family,
                                const char *kernel, double c, double gamma,
                                double metric);
CHURN_API int churn_train_opts_set_search_report(churn_train_opts *o,
                                                 churn_search_fn fn,
                                                 void *user);
/* As churn_search_fn, with the class weight of the point ("none" or
 * "balanced"); called after it when both are set. */
typedef void (*churn_search_weight_fn)(void *user, const char *family,
                                       const char *kernel,
                                       const char *class_weight, double c,
                                       double gamma, double metric);
CHURN_API int churn_train_opts_set_search_weight_report(
    churn_train_opts *o, churn_search_weight_fn fn, void *user);
/* Ends the search after about seconds (> 0; 0 = no limit, the default):
 * no candidate, and no fold of one, starts after it once one candidate
 * is done; the best candidate so far is kept and the others are listed
 * with no figures (churn_model_candidate). The refit and calibration
 * after the search are not counted. */
CHURN_API int churn_train_opts_set_time_budget(churn_train_opts *o,
                                               double seconds);
/* Above n training rows (default CHURN_SEARCH_ROWS; 0 = never) the
 * search runs on a sample of n of them: whole customers, stratified by
 * label, drawn with the seed; the winner is refitted on all rows. */
#define CHURN_SEARCH_ROWS 20000
CHURN_API int churn_train_opts_set_search_rows(churn_train_opts *o,
                                               size_t n);
/* Inverse L2 regularization strength (> 0), as in liblinear and
 * scikit-learn: larger C, weaker regularization. */
CHURN_API int churn_train_opts_set_c(churn_train_opts *o, double c);
/* "none", "balanced" (each class weighs n / (2 * n_class)) or "auto"
 * (default): balanced when a calibration follows the fit (platt or
 * isotonic: so svm with its default Platt scaling), which maps the
 * weighted margins back to probabilities; none otherwise (logistic and
 * the rbf-approx kernel by default), whose own probabilities are
 * calibrated only unweighted. Rare churn then still shapes an SVM's
 * margin. Under "auto" the grid search tries both weights for a family
 * that is calibrated. churn_model_class_weight says what was used. */
CHURN_API int churn_train_opts_set_class_weight(churn_train_opts *o,
                                                const char *mode);
/* The label horizon in days (> 0) the training data was made with
 * (churn-features --horizon): the survival model ("survival") needs it
 * to cut time into bins and to say P(churn within it). */
CHURN_API int churn_train_opts_set_horizon(churn_train_opts *o,
                                           double days);
/* The label text that meant churned when the training data was read
 * (as churn_csv_opts_set_positive; NULL = none, the default), copied and
 * recorded in the model with the data's label name, for
 * churn_model_label_positive. */
CHURN_API int churn_train_opts_set_label_positive(churn_train_opts *o,
                                                  const char *value);
/* Fraction (0 <= f < 1) of customers held out, stratified by label, to
 * measure the model; 0 = no validation. */
CHURN_API int churn_train_opts_set_validation(churn_train_opts *o,
                                              double fraction);
/* After validation, refit on all rows (1, default) or keep the model fitted
 * on the training part (0). */
CHURN_API int churn_train_opts_set_refit(churn_train_opts *o, int refit);
CHURN_API int churn_train_opts_set_seed(churn_train_opts *o, uint64_t seed);
CHURN_API int churn_train_opts_set_progress(churn_train_opts *o,
                                            churn_progress_fn fn, void *user);

/* A categorical input is refused (CHURN_EFORMAT naming the column, its
 * level count and the fixes: --id NAME or --drop NAME) when its training
 * rows hold more than CHURN_MAX_LEVELS distinct levels, or when it looks
 * like an id: at least CHURN_ID_LIKE_MIN_VALUES non-missing values, of
 * which at least CHURN_ID_LIKE_SHARE_PCT percent are distinct. One-hot
 * encoding such a column gives a model as wide as the data, slow to fit
 * and memorizing rows instead of learning. */
#define CHURN_MAX_LEVELS 1000
#define CHURN_ID_LIKE_MIN_VALUES 50
#define CHURN_ID_LIKE_SHARE_PCT 90

/* Trains a model on the labeled rows of ds (rows with a NaN label are
 * left out). Every column of ds is an input (categorical ones within the
 * limits above). On success *out is a new model the caller frees with
 * churn_model_free. */
CHURN_API int churn_train(const churn_dataset *ds, const churn_train_opts *o,
                          churn_model **out, churn_error *err);

/* --------------------------------------------------------- distributed runs */
/* Implemented in ml/comm.c, features/shards.c, models/train_opts.c. */

/* libchurn carries no message layer of its own. A distributed run (the
 * tools' --mpi mode over Open MPI, or any other layer) gives it a
 * churn_comm: who this process is and the two collective operations the
 * library needs. Every rank of the job calls the same churn functions in
 * the same order, each with its own share ("shard") of the customers; the
 * library decides only on combined values, so the ranks never diverge. */
typedef enum churn_reduce_op {
    CHURN_REDUCE_SUM,
    CHURN_REDUCE_MAX,
    CHURN_REDUCE_MIN
} churn_reduce_op;

typedef struct churn_comm {
    int rank; /* this process, 0 .. size - 1 */
    int size; /* processes in the job, >= 1 */
    /* Combines v[0..n) element by element across every rank with op, in
     * place. Every rank must get the very same bits (reduce on one rank
     * and broadcast, say). Returns 0, or nonzero when the exchange
     * failed. */
    int (*allreduce)(void *user, double *v, size_t n, churn_reduce_op op);
    /* Collects every rank's len bytes at mine, in rank order, into *out,
     * a malloc'd buffer the caller frees, with lens[r] (size entries,
     * the caller's) the length of rank r's part: on rank 0 only, or on
     * every rank when to_all; the other ranks get *out = NULL. Returns 0
     * or nonzero. */
    int (*gather)(void *user, const void *mine, size_t len, int to_all,
                  void **out, size_t *lens);
    void *user;
} churn_comm;

/* Collective: every rank passes the status of its own work so far (and
 * err holding its message when it failed). Returns CHURN_OK on every rank
 * when every rank passed CHURN_OK. Otherwise every rank returns the
 * status of the lowest failing rank R and err says "rank R: <its
 * message>", so whichever rank reports, the job fails with the message of
 * the rank that failed; when every rank failed (a failure agreed on
 * before, or one found in combined values), rank 0's error as it is. A
 * failed exchange is CHURN_EIO. comm NULL: a single process; returns
 * status and leaves err alone. */
CHURN_API int churn_comm_agree(const churn_comm *comm, int status,
                               churn_error *err);

/* One table from shards of it (features/shards.c). Appends the rows of
 * src to *dst as churn_dataset_append does; an src without rows adds
 * nothing, and a *dst without rows takes src's columns. With open 1
 * (features extracted from parts of one event log), a column that only
 * one of them has is added after the others and is 0 in the rows
 * without it: only per-event-name counts ("events_*") may be absent, as
 * no customer of that part had such an event; a name of both must have
 * one kind, and the label must be the same. *dst may be replaced by a
 * new dataset (the old one freed). */
CHURN_API int churn_dataset_append_shard(churn_dataset **dst,
                                         const churn_dataset *src, int open,
                                         churn_error *err);
/* Collective: gives *ds the columns of every rank's (comm NULL: this
 * process alone), widened in rank order as churn_dataset_append_shard
 * does (with open 0 they must be the same on every rank); a rank whose
 * *ds has no rows gets an empty dataset with the others' columns, so
 * that it can still take part. *ds may be replaced. The status is the
 * same on every rank. */
CHURN_API int churn_datasets_reconcile(const churn_comm *comm,
                                       churn_dataset **ds, int open,
                                       churn_error *err);

/* Trains across the ranks of comm (NULL: this process alone, the
 * default): churn_train on every rank, each with its shard, gives every
 * rank the model a single process would fit on the union of the shards
 * (rank 0's rows first, then rank 1's, ...), equal to rounding. Every
 * statistic of the pipeline (medians by an exact distributed selection,
 * means, deviations, category levels and their counts) and every Newton
 * step (gradient and Hessian) is summed across the ranks. Supported: the
 * logistic family, and svm with the rbf-approx kernel (the landmarks are
 * drawn from the union of the rows with the same seed), each with a fixed
 * C and gamma, either class weight, no validation hold-out (set it to 0),
 * no grid search, no calibration, no row cap; anything else is
 * CHURN_EINVAL. comm is copied; comm->user must stay
 * valid until churn_train returns. */
CHURN_API int churn_train_opts_set_comm(churn_train_opts *o,
                                        const churn_comm *comm);
/* 1 when the family o asks for (model and kernel) has a distributed fit,
 * else 0 (also for "auto" and a NULL o). */
CHURN_API int churn_train_opts_distributed(const churn_train_opts *o);
/* CHURN_OK when a fit across ranks can train with o, before any data is
 * read (churn_train checks the same when given a comm of 2 or more
 * ranks); else CHURN_EINVAL and what stands in the way: a family without
 * a distributed fit, a validation hold-out, a search, calibration, a row
 * cap. */
CHURN_API int churn_train_opts_check_distributed(const churn_train_opts *o,
                                                 churn_error *err);

/* Implemented in models/modelfile.c, models/model.c, models/leaderboard.c. */
/* Writes m to path: text, versioned, checksummed, written to a temporary
 * file and renamed, so a failure never leaves a partial model at path. */
CHURN_API int churn_model_save(const churn_model *m, const char *path,
                               churn_error *err);
/* Reads a model file; checks its version, checksum and dimensions and
 * says what is wrong and where. */
CHURN_API int churn_model_load(const char *path, churn_model **out,
                               churn_error *err);
CHURN_API void churn_model_free(churn_model *m);

/* The family that stores the model: "logistic" or "svm" (rbf-approx
 * models are svm models over their landmarks). */
CHURN_API const char *churn_model_family(const churn_model *m);
/* One line on what the model is, for people: the family and its figures,
 * e.g. "svm, C 1, gamma 0.05, 412 support vectors". Writes at most size
 * bytes (NUL included) to buf; returns the length of the whole line, as
 * snprintf does. */
CHURN_API size_t churn_model_describe(const churn_model *m, char *buf,
                                      size_t size);
/* The search's leaderboard (a model trained with a search, or loaded
 * from a file that has one): how many candidates it lists (0: none),
 * the metric it judged by ("auc", "pr_auc" or "logloss"; NULL when no
 * search), the rows it ran on and the index of the candidate kept. */
CHURN_API size_t churn_model_n_candidates(const churn_model *m);
CHURN_API const char *churn_model_search_metric(const churn_model *m);
CHURN_API size_t churn_model_search_rows(const churn_model *m);
CHURN_API size_t churn_model_search_chosen(const churn_model *m);
/* Candidate i in the order tried: its family, parameters ("C 1", "rbf,
 * C 3, gamma 0.0034"), class weight, the mean and sample standard
 * deviation of the metric over the folds (NaN: skipped by the time
 * budget) and the seconds its folds took. Strings are valid while m
 * lives; any out pointer may be NULL. CHURN_EINVAL for i out of range. */
CHURN_API int churn_model_candidate(const churn_model *m, size_t i,
                                    const char **family,
                                    const char **params,
                                    const char **class_weight,
                                    double *metric, double *sd,
                                    double *seconds);
/* The class weight the fit used: "none" or "balanced". */
CHURN_API const char *churn_model_class_weight(const churn_model *m);
/* The label column of the training data (churn_dataset_label_name), and
 * the label value that meant churned when one was given
 * (churn_train_opts_set_label_positive); NULL when not recorded (model
 * files without the label lines, from an older churn; no value given).
 * Read labeled data for the model with them (churn_csv_opts_set_label_
 * column and _set_positive). Valid while m lives. */
CHURN_API const char *churn_model_label_name(const churn_model *m);
CHURN_API const char *churn_model_label_positive(const churn_model *m);
/* The raw input columns the model reads, in the order predict expects. */
CHURN_API size_t churn_model_n_inputs(const churn_model *m);
CHURN_API const char *churn_model_input_name(const churn_model *m, size_t j);
CHURN_API churn_column_kind churn_model_input_kind(const churn_model *m,
                                                   size_t j);
/* For a categorical input j: the value to pass in x for the category
 * text. A category the model never saw gives -1, which scores as
 * "unknown" (all its indicator columns 0), as does NaN (missing). */
CHURN_API double churn_model_category_code(const churn_model *m, size_t j,
                                           const char *text);
/* A training figure by name, or NaN when the model has none:
 * "train_rows", "train_positives", "validation_rows", "validation_auc",
 * "validation_log_loss", "train_seconds", "cv_metric" (the best grid
 * point's cross-validated metric), and the family's: "c", "gamma" (svm,
 * rbf-approx), "newton_iterations" (logistic, rbf-approx),
 * "support_vectors" (svm). "iterations", kept for compatibility, is the
 * figure files before this version held under that name: Newton
 * iterations or support vectors, whichever the family records. */
CHURN_API double churn_model_metric(const churn_model *m, const char *name);

/* Scores n_rows rows of x (row-major, n_rows x n_inputs, raw values in
 * the model's input order, categorical ones as churn_model_category_code
 * gives them, NaN = missing). Writes n_rows churn probabilities to
 * prob_out, which the caller owns. Thread-safe: m is only read;
 * allocates a fixed scratch buffer per call, nothing per row. */
CHURN_API int churn_model_predict(const churn_model *m, const double *x,
                                  size_t n_rows, double *prob_out,
                                  churn_error *err);
/* Scores every row of ds, finding the model's inputs by column name
 * (extra columns are ignored; missing ones are an error naming them). */
CHURN_API int churn_model_predict_dataset(const churn_model *m,
                                          const churn_dataset *ds,
                                          double *prob_out, churn_error *err);

/* Implemented in models/survival_score.c. */
/* A survival model (churn-train --model survival) is a discrete-time
 * hazard model: 10 equal bins over its training horizon H, hazard
 * sigmoid(alpha_b + w.z) in bin b, spread evenly over the bin's days;
 * beyond H the last bin's hazard holds. Its probability is P(churn
 * within H); the calls below take rows as churn_model_predict does and
 * fail with CHURN_EINVAL for a model of another family. */
/* The training horizon in days; NaN for another family. */
CHURN_API double churn_model_horizon(const churn_model *m);
/* P(churn within days[k]) of row i into p_out[i * n_days + k]: never
 * decreasing in days; at days = H the probability (to rounding: the
 * probability passes through the log-odds). */
CHURN_API int churn_model_survival(const churn_model *m, const double *x,
                                   size_t n_rows, const double *days,
                                   size_t n_days, double *p_out,
                                   churn_error *err);
/* The restricted mean survival time up to H, in days (<= H). */
CHURN_API int churn_model_expected_days(const churn_model *m,
                                        const double *x, size_t n_rows,
                                        double *out, churn_error *err);
/* Customer lifetime value: sum over months m = 1..120 (of 30.4375 days)
 * of margin[i] S(m months) / (1 + rate)^m, rate per month >= 0. */
CHURN_API int churn_model_clv(const churn_model *m, const double *x,
                              size_t n_rows, const double *margin,
                              double rate, double *out, churn_error *err);
/* The same for every row of ds (inputs found by name), the margin from
 * its numeric column margin_column, or margin when that is NULL. */
CHURN_API int churn_model_clv_dataset(const churn_model *m,
                                      const churn_dataset *ds,
                                      const char *margin_column,
                                      double margin, double rate,
                                      double *out, churn_error *err);

/* -------------------------------------------------------------------- drift */
/* Implemented in models/drift_measure.c, models/drift_json.c. */

/* How far new data has moved from the training rows: the population
 * stability index (PSI) of each model input and of the score, against
 * reference distributions the model file keeps of its training rows
 * (docs/DRIFT.md): numeric inputs by decile edges (equal edges merged),
 * categorical inputs by level, and the share of missing values in a bin
 * of its own; the score by the deciles of the training probabilities
 * (of every k-th training row above 5,000 rows: at most 5,000 of them).
 * PSI = sum over bins of (a - e) ln(a / e), a and e the new and the
 * training shares, each raised to CHURN_DRIFT_FLOOR first so that an
 * empty bin counts as that share. */
#define CHURN_DRIFT_FLOOR 1e-4
typedef struct churn_drift churn_drift;

/* 1 when m has drift references, 0 when not (a model file from before
 * churn recorded them). */
CHURN_API int churn_drift_has_references(const churn_model *m);
/* Measures the drift of every row of ds (columns found by name as
 * churn_model_predict_dataset finds them) against m's references. prob
 * holds the rows' probabilities from m when the caller has them, or is
 * NULL (they are computed). *out is new; free it with churn_drift_free.
 * Errors: CHURN_EINVAL when m has no references (say so: the model
 * loads and scores all the same), those of binding ds. */
CHURN_API int churn_drift_measure(const churn_model *m,
                                  const churn_dataset *ds, const double *prob,
                                  churn_drift **out, churn_error *err);
/* Collective (see churn_comm): every rank passes the drift of its own
 * rows (churn_drift_measure with the same model; a rank without rows
 * measures an empty dataset); afterwards every rank's d is the drift of
 * all the ranks' rows, as one process measuring them all. comm NULL:
 * nothing changes. */
CHURN_API int churn_drift_combine(churn_drift *d, const churn_comm *comm,
                                  churn_error *err);
CHURN_API void churn_drift_free(churn_drift *d);
/* The rows measured and the training rows of the references. */
CHURN_API size_t churn_drift_n_rows(const churn_drift *d);
CHURN_API size_t churn_drift_n_reference_rows(const churn_drift *d);
/* The inputs ranked by PSI, largest first (ties in the model's input
 * order): rank r's name and PSI; NULL / NaN out of range. */
CHURN_API size_t churn_drift_n_inputs(const churn_drift *d);
CHURN_API const char *churn_drift_input_name(const churn_drift *d,
                                             size_t r);
CHURN_API double churn_drift_input_psi(const churn_drift *d, size_t r);
/* The PSI of the score (the probabilities). */
CHURN_API double churn_drift_score_psi(const churn_drift *d);
/* The largest PSI, of the inputs and the score: what a gate compares. */
CHURN_API double churn_drift_max_psi(const churn_drift *d);
/* Writes d as JSON, atomically: {"rows", "reference_rows", "floor",
 * "inputs": [{"name", "kind", "psi", "bins": [...]}, ...] ranked as
 * above, "score": {"psi", "bins"}} (docs/DRIFT.md defines every field). */
CHURN_API int churn_drift_write_json(const churn_drift *d, const char *path,
                                     churn_error *err);

/* ------------------------------------------------------------------ scoring */
/* Implemented in models/score.c, models/score_stream.c,
 * models/score_columns.c, models/survival_score.c. */

/* A ranked scoring of a dataset: rows by churn probability, highest first,
 * with a risk tier and the top reasons for each. */
typedef struct churn_scores churn_scores;
typedef struct churn_score_opts churn_score_opts;

/* Defaults: tiers high >= 0.5, medium >= 0.2, else low; 3 reasons. */
CHURN_API churn_score_opts *churn_score_opts_new(void);
CHURN_API void churn_score_opts_free(churn_score_opts *o);
/* Probability cut-offs, 1 >= high >= medium >= 0. */
CHURN_API int churn_score_opts_set_tiers(churn_score_opts *o, double high,
                                         double medium);
/* How many reasons per customer (0..10). */
CHURN_API int churn_score_opts_set_reasons(churn_score_opts *o, size_t n);
/* How reasons are told. on (the default): by feature family, in words
 * with the customer's values, e.g. "activity down 73 % on the month
 * before (+2.61); 3 unresolved tickets (+0.80)" (churn_reasons_explain
 * lists the families and sentences). 0: one reason per input, as
 * "name=value (+0.82)". */
CHURN_API int churn_score_opts_set_reason_groups(churn_score_opts *o,
                                                 int on);
/* Threads that score, sort and format the rows (0, the default: one per
 * online core; at most 256). The scores and their file are the same
 * whatever the number. */
CHURN_API int churn_score_opts_set_threads(churn_score_opts *o, size_t n);
/* Rank only the n highest-risk rows (0, the default: all of them); only
 * their reasons are worked out, which is most of the cost. The ranks
 * kept are the first n of the full ranking, the same in every byte. */
CHURN_API int churn_score_opts_set_top(churn_score_opts *o, size_t n);

/* Scores and ranks every row of ds (o NULL: the defaults). *out is new;
 * free it with churn_scores_free. Ties in probability keep the input
 * order. A dataset without rows is CHURN_EEMPTY. */
CHURN_API int churn_score_dataset(const churn_model *m,
                                  const churn_dataset *ds,
                                  const churn_score_opts *o,
                                  churn_scores **out, churn_error *err);
/* Reads the CSV file path with the options co and ranks its rows as they
 * are read (o NULL: the defaults), each reading thread scoring the rows
 * it parsed, never holding the file whole: with a top
 * (churn_score_opts_set_top) only the top rows are kept, else every
 * row's id, probability and reasons but none of its values. *out is then
 * the ranking churn_score_dataset would give, byte for byte, and *ds a
 * dataset with the file's columns but no rows. When the file cannot be
 * read that way (quoted fields; a column that turns out to be
 * categorical, unless co declares it so or m reads it as categorical;
 * repeated ids checked; an error, including no rows), *ds is the whole file as churn_dataset_read_csv
 * reads it (or NULL and its error) and *out is NULL: score *ds with
 * churn_score_dataset. Free both. */
CHURN_API int churn_score_csv(const churn_model *m, const char *path,
                              const churn_csv_opts *co,
                              const churn_score_opts *o, churn_dataset **ds,
                              churn_scores **out, churn_error *err);
CHURN_API void churn_scores_free(churn_scores *s);
/* Adds a column written after reasons (before the comparison columns):
 * by_row holds one value per row of the scored dataset (NaN: empty). */
CHURN_API int churn_scores_add_column(churn_scores *s, const char *name,
                                      const double *by_row,
                                      churn_error *err);
/* Adds to s (a scoring of ds by m) the columns p_<days>d for each
 * days[k], expected_days and, when margin_column names a numeric column
 * of ds or margin is not NaN, clv at the monthly rate. */
CHURN_API int churn_scores_add_survival(churn_scores *s,
                                        const churn_model *m,
                                        const churn_dataset *ds,
                                        const double *days, size_t n_days,
                                        const char *margin_column,
                                        double margin, double rate,
                                        churn_error *err);
CHURN_API size_t churn_scores_n(const churn_scores *s);
/* Rows scored to make s: all the dataset's, even those a top left out
 * (churn_scores_gather: its rows); and how many of them are in the high
 * tier. */
CHURN_API size_t churn_scores_n_scored(const churn_scores *s);
CHURN_API size_t churn_scores_n_high(const churn_scores *s);
/* For rank r (0 = highest risk): */
CHURN_API const char *churn_scores_id(const churn_scores *s, size_t r);
CHURN_API size_t churn_scores_row(const churn_scores *s, size_t r);
CHURN_API double churn_scores_probability(const churn_scores *s, size_t r);
/* "high", "medium" or "low". */
CHURN_API const char *churn_scores_tier(const churn_scores *s, size_t r);
/* The reasons as one text. By family (the default; see
 * churn_score_opts_set_reason_groups, churn_reasons_explain): "activity
 * down 73 % on the month before (+2.61); 3 unresolved tickets (+0.82)",
 * each the sum of the family's inputs' contributions. By input:
 * "name=value (+0.82); name=value (+0.55)", each the input's signed
 * contribution to the classifier's decision value
 * (the log-odds for uncalibrated logistic regression) against an average
 * training customer, largest first. Linear models: the input's terms
 * w_k z_k; kernel SVMs: f(x) - f(x with the input at its training mean),
 * which need not sum to f(x). Survival models: the input's term of every
 * time bin's hazard log-odds (they sum to w.z). */
CHURN_API const char *churn_scores_reasons(const churn_scores *s, size_t r);

/* Implemented in models/reasons_explain.c. */
/* One customer's reasons, for a program that shows them its own way. */
typedef struct churn_reasons churn_reasons;
/* Explains row `row` of ds (the data m scores) by its n (0..10) largest
 * reasons, as churn-score writes them: by_group 1 sums the inputs'
 * contributions by family (the sums are exact for additive contributions:
 * linear, TreeSHAP, survival; kernel SVMs' per-input effects are summed
 * as they are) - activity (activity_*, recency_activity_days,
 * events_<name>_30d), purchases (purchases_*, monetary_*,
 * recency_purchase_days), tickets (tickets_*, recency_ticket_days,
 * ticket_resolution_days_mean), satisfaction (satisfaction_*), tenure
 * (tenure_days) - while any other input (a customer column, a tabular
 * column) is its own group; by_group 0: one reason per input. Largest
 * contribution first; ties keep the order of the first input. *out is
 * new; free it with churn_reasons_free. */
CHURN_API int churn_reasons_explain(const churn_model *m,
                                    const churn_dataset *ds, size_t row,
                                    size_t n, int by_group,
                                    churn_reasons **out, churn_error *err);
CHURN_API void churn_reasons_free(churn_reasons *x);
CHURN_API size_t churn_reasons_n(const churn_reasons *x);
/* Reason k's group: "activity", "purchases", "tickets", "satisfaction",
 * "tenure", or an input's name; NULL when k is out of range. */
CHURN_API const char *churn_reasons_group(const churn_reasons *x, size_t k);
/* Reason k in words with the customer's values: "activity down 73 % on
 * the month before", "no activity for 45 days", "3 unresolved tickets,
 * 5 tickets in 30 days", "no purchase for 40 days", "2 purchases in 90
 * days, spend 12.50", "satisfaction 4, falling", "customer for 45 days";
 * "name=value" for an input on its own (or a family whose telling
 * columns ds lacks). NULL when k is out of range. */
CHURN_API const char *churn_reasons_text(const churn_reasons *x, size_t k);
/* Reason k's contribution to the decision value (NaN out of range). */
CHURN_API double churn_reasons_contribution(const churn_reasons *x,
                                           size_t k);
/* Implemented in models/score.c, models/score_change.c,
 * models/score_gather.c. */
/* Writes customer_id,probability,rank,tier,reasons for the top_n ranks
 * (0 = all), atomically. Probabilities are written in the shortest form
 * that reads back to the same double. */
CHURN_API int churn_scores_write_csv(const churn_scores *s, const char *path,
                                     size_t top_n, churn_error *err);
/* Compares s with a previous ranking (a CSV churn_scores_write_csv wrote:
 * customer_id, probability, tier, ...). Afterwards each rank knows its
 * previous probability and tier, and the written CSV gains the columns
 * previous_probability, change, previous_tier, escalated. Customers absent
 * from the previous run have empty previous values and escalated 0. */
CHURN_API int churn_scores_compare(churn_scores *s, const char *previous_csv,
                                   churn_error *err);
/* The previous probability of rank r (NaN when new or not compared). */
CHURN_API double churn_scores_previous_probability(const churn_scores *s,
                                                   size_t r);
/* The previous tier of rank r, or NULL. */
CHURN_API const char *churn_scores_previous_tier(const churn_scores *s,
                                                 size_t r);
/* 1 when rank r moved into a higher-risk tier since the previous run: the
 * early-warning list. */
CHURN_API int churn_scores_escalated(const churn_scores *s, size_t r);
CHURN_API size_t churn_scores_n_escalated(const churn_scores *s);
/* When on, the write calls write only the escalated customers. */
CHURN_API void churn_scores_only_escalated(churn_scores *s, int on);
/* The same CSV to an open stream (e.g. stdout); not atomic. */
CHURN_API int churn_scores_write_stream(const churn_scores *s, FILE *f,
                                        size_t top_n, churn_error *err);

/* Collective (see churn_comm): every rank passes the scores of its own
 * shard; rank 0 gets in *merged the one global ranking, the same as
 * scoring the union of the shards in rank order (ties in probability
 * keep that order), limited to the top_n highest (0 = all): each rank
 * sends only its top_n. Other ranks get *merged = NULL. Rank 0 holds the
 * merged rows in memory. The merged scores have no rows of a dataset
 * (churn_scores_row is (size_t)-1) and no comparison columns yet;
 * churn_scores_compare works on them. local NULL: a rank without rows
 * (churn_score_dataset refuses an empty dataset). Every rank returns the
 * same status, as churn_comm_agree gives it. */
CHURN_API int churn_scores_gather(const churn_scores *local,
                                  const churn_comm *comm, size_t top_n,
                                  churn_scores **merged, churn_error *err);

/* -------------------------------------------------------------- evaluation */
/* Implemented in ml/eval.c, models/eval_model.c, models/importance.c. */

/* An evaluation report: how good churn probabilities are against 0/1
 * labels. Made by churn_eval_compute (from any probabilities), by
 * churn_model_validation_eval (a freshly trained model's held-out rows) or
 * by churn_eval_cv (cross-validation); written as JSON or HTML; compared
 * with a baseline by churn_eval_gate. docs/REPORT_JSON.md defines every
 * figure. */
typedef struct churn_eval churn_eval;
typedef struct churn_eval_opts churn_eval_opts;

/* Defaults: threshold 0.5, offer cost 1, customer value 10, 1000
 * bootstrap resamples with seed 42 (also the seed of churn_eval_cv's
 * folds). Setters return CHURN_EINVAL for values out of range. */
CHURN_API churn_eval_opts *churn_eval_opts_new(void);
CHURN_API void churn_eval_opts_free(churn_eval_opts *o);
/* Rows with probability >= p are called churners (0 <= p <= 1). */
CHURN_API int churn_eval_opts_set_threshold(churn_eval_opts *o, double p);
/* What a retention offer costs and what a kept churner is worth (both
 * >= 0): the profit of offering it to every row with probability >= t is
 * value * TP(t) - cost * (TP(t) + FP(t)); the report gives the t that
 * maximizes it. */
CHURN_API int churn_eval_opts_set_profit(churn_eval_opts *o,
                                         double offer_cost,
                                         double customer_value);
/* Percentile bootstrap (95%) for AUC and PR AUC: resamples (0 = none, at
 * most 1e6) drawn with GSL's mt19937 seeded by seed. */
CHURN_API int churn_eval_opts_set_bootstrap(churn_eval_opts *o,
                                            size_t resamples, uint64_t seed);

/* Evaluates prob[0..n) against label[0..n) (0/1; NaN rows are skipped).
 * o may be NULL (defaults). Fails with CHURN_EEMPTY unless both classes
 * occur, CHURN_EINVAL on a NaN probability. Ties in probability are one
 * threshold, as in scikit-learn. *out is new; free with churn_eval_free. */
CHURN_API int churn_eval_compute(const double *prob, const double *label,
                                 size_t n, const churn_eval_opts *o,
                                 churn_eval **out, churn_error *err);
CHURN_API void churn_eval_free(churn_eval *e);

/* The scalar figures by name ("auc", "pr_auc", "log_loss", "brier", "ece",
 * "accuracy", "precision", "recall", "f1", "tp", ..., see
 * churn_eval_metric_name); NaN for an unknown name or a figure not made. */
CHURN_API double churn_eval_metric(const churn_eval *e, const char *name);
CHURN_API size_t churn_eval_n_metrics(void);
/* Name i (0 <= i < churn_eval_n_metrics()), or NULL. */
CHURN_API const char *churn_eval_metric_name(size_t i);
/* With cross-validation: the folds' count, and each figure's mean and
 * standard deviation (n - 1) over them; 0 and NaN otherwise. */
CHURN_API size_t churn_eval_n_folds(const churn_eval *e);
CHURN_API double churn_eval_fold_mean(const churn_eval *e, const char *name);
CHURN_API double churn_eval_fold_sd(const churn_eval *e, const char *name);
/* Decile d (0 = the 10% highest probabilities): rows, churners, lift
 * (churn rate in it / overall) and cumulative gains (share of all
 * churners in deciles 0..d). */
CHURN_API int churn_eval_decile(const churn_eval *e, size_t d, size_t *rows,
                                size_t *positives, double *lift,
                                double *cum_gain);
/* Calibration bin b of 10 of width 0.1 ((b/10, (b+1)/10], the first
 * with 0): rows, mean probability, observed churn rate (NaN if empty). */
CHURN_API int churn_eval_calibration(const churn_eval *e, size_t b,
                                     size_t *rows, double *mean_predicted,
                                     double *observed);
/* Metadata shown in the reports (key, value), and the input features
 * (compared by the gate). churn_eval_set_model adds a model's family,
 * training figures and inputs. */
CHURN_API int churn_eval_add_info(churn_eval *e, const char *key,
                                  const char *value);
CHURN_API int churn_eval_add_feature(churn_eval *e, const char *name);
CHURN_API int churn_eval_set_model(churn_eval *e, const churn_model *m);

/* Feature importance of model m on the labeled rows of ds (which must
 * hold m's inputs): for each input, the largest absolute coefficient among
 * its standardized pipeline outputs (NaN for a model without linear
 * coefficients), and the permutation importance: ROC AUC on ds minus ROC
 * AUC after shuffling that input's values across rows (GSL mt19937 seeded
 * by seed). Replaces importance added before. */
CHURN_API int churn_eval_add_importance(churn_eval *e, const churn_model *m,
                                        const churn_dataset *ds,
                                        uint64_t seed, churn_error *err);
/* How many inputs have an importance, and input j's: name (valid while e
 * lives), coefficient and permutation importance. */
CHURN_API size_t churn_eval_n_importance(const churn_eval *e);
/* Input j's mean |SHAP value| over the rows (a gbdt model: TreeSHAP
 * contributions to the log-odds, summed over a column's one-hot levels);
 * NaN for other families or without importance. */
CHURN_API double churn_eval_importance_shap(const churn_eval *e, size_t j);
CHURN_API int churn_eval_importance(const churn_eval *e, size_t j,
                                    const char **name, double *coef,
                                    double *perm);

/* The report of the rows a model was validated on by churn_train (its
 * held-out customers, scored by the model fitted without them).
 * CHURN_EEMPTY when there were none, or the model was loaded from a file. */
CHURN_API int churn_model_validation_eval(const churn_model *m,
                                          const churn_eval_opts *o,
                                          churn_eval **out, churn_error *err);
/* k-fold cross-validation (k >= 2): customer-grouped, stratified folds
 * (seeded by o's seed); each fold is scored by a model trained (with to)
 * on the others. The figures are those of all out-of-fold probabilities
 * together; churn_eval_fold_mean/sd give mean and spread over folds. */
CHURN_API int churn_eval_cv(const churn_dataset *ds,
                            const churn_train_opts *to, size_t k,
                            const churn_eval_opts *o, churn_eval **out,
                            churn_error *err);

/* Implemented in models/drift_measure.c. */
/* Adds a drift section (churn_drift_measure) to the report: the inputs by
 * PSI and the score's PSI, in its JSON, HTML and text. */
CHURN_API int churn_eval_add_drift(churn_eval *e, const churn_drift *d);
/* Implemented in ml/eval_json.c, ml/eval_html.c. */
/* Writes the report as JSON (schema "churn-eval", version 1,
 * docs/REPORT_JSON.md), atomically. */
CHURN_API int churn_eval_write_json(const churn_eval *e, const char *path,
                                    churn_error *err);
/* Writes a self-contained HTML report (inline SVG charts, no script, no
 * network), atomically. It is titled by the model (churn_eval_set_model,
 * churn_eval_cv: family and settings), or by title when it has none. */
CHURN_API int churn_eval_write_html(const churn_eval *e, const char *title,
                                    const char *path, churn_error *err);
/* The regression gate: compares e with the report JSON at baseline_path.
 * metrics is a comma-separated list of names (NULL = "auc"); a figure
 * fails when it is worse than the baseline's by more than max_drop
 * (higher-is-better figures dropping, log_loss/brier/ece rising), and the
 * gate fails when the feature lists differ. *failed receives how many
 * checks failed; reasons (size bytes, may be NULL) one line per failure.
 * Errors (unreadable baseline, unknown metric) return a code. */
CHURN_API int churn_eval_gate(const churn_eval *e, const char *baseline_path,
                              const char *metrics, double max_drop,
                              size_t *failed, char *reasons, size_t size,
                              churn_error *err);

/* ---------------------------------------------------------------- segments */
/* Implemented in features/segment_opts.c, features/health.c,
 * features/segment.c, features/segment_summary.c. */

/* Retention analytics on a features dataset (the output of
 * churn_features_extract, or any dataset with the same column names), so
 * the same as-of rules hold: nothing at or after t0 is looked at.
 * churn-segment(1) (SEGMENTS, LIFECYCLE, HEALTH AND KPIS) documents every
 * rule and default. */
typedef struct churn_segment_opts churn_segment_opts;

/* Defaults: RFM from recency_activity_days, activity_90d, monetary_90d;
 * the built-in segment rules; lifecycle new < 30 days of tenure, dormant
 * after 30 and lost after 90 days without activity; the documented health
 * weights; tiers healthy >= 70, watch >= 40, else at_risk. */
CHURN_API churn_segment_opts *churn_segment_opts_new(void);
CHURN_API void churn_segment_opts_free(churn_segment_opts *o);
/* The columns behind R (lower is better), F and M (higher is better). */
CHURN_API int churn_segment_opts_set_rfm_columns(churn_segment_opts *o,
                                                 const char *recency,
                                                 const char *frequency,
                                                 const char *monetary);
/* Replaces the segment rules with those of a CSV file with the header
 * segment,r,f,m; each score field is "*", "N" or "N-M" (1 <= N <= M <= 5).
 * The first rule that matches names the segment; none: "other". Errors
 * name the file, line and column. */
CHURN_API int churn_segment_opts_read_rules(churn_segment_opts *o,
                                            const char *path,
                                            churn_error *err);
/* Lifecycle thresholds in days, 0 < dormant_days < lost_days, new_days
 * >= 0 (0 = no "new" stage). */
CHURN_API int churn_segment_opts_set_lifecycle(churn_segment_opts *o,
                                               double new_days,
                                               double dormant_days,
                                               double lost_days);
/* The weight (>= 0) of the health component called name (see
 * churn_health_component); the score is rescaled so that it stays 0-100.
 * EINVAL for an unknown name or when every weight would be 0. */
CHURN_API int churn_segment_opts_set_health_weight(churn_segment_opts *o,
                                                   const char *name,
                                                   double weight);
/* Health tiers: healthy >= healthy, watch >= watch, else at_risk
 * (100 >= healthy >= watch >= 0). */
CHURN_API int churn_segment_opts_set_health_tiers(churn_segment_opts *o,
                                                  double healthy,
                                                  double watch);

/* The health components: how many, and the name of component k (NULL
 * past the end): "activity", "activity_trend", "recency", "tickets",
 * "satisfaction", "satisfaction_trend", "payment_recency". */
CHURN_API size_t churn_health_n_components(void);
CHURN_API const char *churn_health_component(size_t k);

/* Segments every row of features: a new dataset with the same ids, as-of
 * times and labels, and the columns recency_score, frequency_score,
 * monetary_score (1-5, 5 = best, over all rows), rfm_code (e.g. 545),
 * rfm_segment, lifecycle_stage, health_score (0-100), health_tier
 * (categorical: text levels) and health_<component> (the points of each
 * component; they add up to health_score). A column the rules need that
 * features lacks is CHURN_EFORMAT naming it. The caller frees *out.
 * When features has a categorical cancel_date column (see
 * churn_feature_opts_set_cancelled), a row with a value there is a
 * customer who cancelled before the as-of: lifecycle_stage lost, every
 * score, segment and tier missing (NaN: not scored), and the output's
 * last column cancel_date repeats the date (missing for the others). The
 * RFM scores then rank the other rows only. */
CHURN_API int churn_segment(const churn_dataset *features,
                            const churn_segment_opts *o, churn_dataset **out,
                            churn_error *err);

/* Summarizes segments (the output of churn_segment) by one of its
 * categorical columns ("rfm_segment", "lifecycle_stage", "health_tier"):
 * a new dataset with one row per level that occurs, in level order, id =
 * the level's text, and the columns customers, share (0-1, of the rows
 * with a level in that column: rows not scored, such as cancelled
 * customers, are in lifecycle_stage only), health_mean (over the level's
 * rows with a health score; NaN when none has one) and, when segments has
 * labels, churn_rate (churned / labelled rows of the level; NaN when none
 * is labelled; cancelled customers have no label). The caller frees
 * *out. */
CHURN_API int churn_segment_summary(const churn_dataset *segments,
                                    const char *column, churn_dataset **out,
                                    churn_error *err);

/* -------------------------------------------------------------------- KPIs */
/* Implemented in features/kpi.c. */

/* Retention KPIs over a period [start, end) from an event log. "Customer
 * at t" means "in the population at t" exactly as churn_features_extract
 * defines it for the options o (their as-of, horizon and snapshots are
 * ignored). */
typedef struct churn_kpi churn_kpi;

/* Reads the event log once. Needs start < end and at most 120 months
 * from the month of start to end. The caller frees *out. */
CHURN_API int churn_kpi_compute(const char *events_path,
                                const churn_feature_opts *o, int64_t start,
                                int64_t end, churn_kpi **out,
                                churn_error *err);
CHURN_API void churn_kpi_free(churn_kpi *k);
/* A figure by name, NaN when unknown or undefined: "start" and "end"
 * (the period, Unix seconds), "customers_start",
 * "customers_end", "new" (customers at end who were not at start),
 * "retained" (customers at start and at end), "retention_rate",
 * "churn_rate", "revenue_start" and "revenue_end" (purchases of the
 * customers at start in the period before start of the same length, and
 * in the period), "revenue_retention" (revenue_end / revenue_start). */
CHURN_API double churn_kpi_value(const churn_kpi *k, const char *name);
/* The monthly cohort table: one row per signup month within [start, end)
 * ("YYYY-MM"), its size, and for months m = 1, 2, ... the share of the
 * cohort who are customers on the first day of the m-th month after the
 * signup month (NaN when that day is after end). */
CHURN_API size_t churn_kpi_n_cohorts(const churn_kpi *k);
CHURN_API size_t churn_kpi_n_months(const churn_kpi *k);
CHURN_API const char *churn_kpi_cohort(const churn_kpi *k, size_t i);
CHURN_API size_t churn_kpi_cohort_size(const churn_kpi *k, size_t i);
CHURN_API double churn_kpi_cohort_retention(const churn_kpi *k, size_t i,
                                            size_t month);

/* (customers_end - new_customers) / customers_start; NaN when
 * customers_start is 0. 200 at start, 220 at end, 50 new: 0.85. */
CHURN_API double churn_retention_rate(double customers_start,
                                      double customers_end,
                                      double new_customers);
/* Customer lifetime value: margin_per_month x expected remaining months,
 * which for a constant monthly churn probability p is 1 / p, capped at
 * cap_months (also for p = 0). NaN for p outside [0, 1] or a negative
 * cap. */
CHURN_API double churn_clv(double margin_per_month, double monthly_churn,
                           double cap_months);

/* ---------------------------------------------- segments in the report */
/* Implemented in features/segment_eval.c. */

/* Adds a segment section to an evaluation report (its HTML shows it as
 * bar charts and tables, its JSON as "segments"): customers and churn
 * rate per level of rfm_segment, lifecycle_stage and health_tier of
 * segments (the output of churn_segment; levels that occur, in level
 * order). The churn rates come from the labels of labeled, the rows that
 * were evaluated: a customer's label is that of the labeled row with the
 * same id (and the same as-of time, when both rows have one); more than
 * one such row is CHURN_EFORMAT naming the customer. With labeled NULL,
 * they come from segments' own labels (the horizon of the history they
 * were computed from); with neither, the section shows counts only.
 * Replaces a segment section added before; e keeps copies. */
CHURN_API int churn_eval_add_segments(churn_eval *e,
                                      const churn_dataset *segments,
                                      const churn_dataset *labeled,
                                      churn_error *err);
/* Adds the KPIs of k and its monthly cohort retention table to the
 * report (the HTML shows the table as a heat map, the JSON as "kpi").
 * Replaces KPIs added before; e keeps a copy. */
CHURN_API int churn_eval_add_kpi(churn_eval *e, const churn_kpi *k,
                                 churn_error *err);

/* ------------------------------------------- survival evaluation */
/* Implemented in ml/km.c. */

/* The Kaplan-Meier estimate of the survival curve S(t) = P(T > t) from
 * times (>= 0) and event flags (1 = churned at that time, 0 = still a
 * customer then: censored). One step per distinct churn time t_i:
 * S(t_i) = S(t_(i-1)) (1 - d_i / n_i) with n_i the rows whose time is
 * >= t_i and d_i those that churned at t_i; Greenwood's variance
 * S(t_i)^2 sum d / (n (n - d)) (NaN once S reaches 0). */
typedef struct churn_km churn_km;
CHURN_API int churn_km_fit(const double *time, const double *event,
                           size_t n, churn_km **out, churn_error *err);
CHURN_API void churn_km_free(churn_km *km);
CHURN_API size_t churn_km_n_steps(const churn_km *km);
/* Step i (0 <= i < n_steps): its time, n_i, d_i, S and the variance
 * (NULL pointers are skipped); CHURN_EINVAL for i out of range. */
CHURN_API int churn_km_step(const churn_km *km, size_t i, double *time,
                            double *at_risk, double *events,
                            double *survival, double *variance);
/* S(t), right-continuous (1 before the first churn). */
CHURN_API double churn_km_at(const churn_km *km, double t);

/* Implemented in ml/survival_eval.c, models/eval_survival.c. */
/* How well predictions of a survival model match the churn times
 * (docs/SURVIVAL_EVAL.md defines every figure): Harrell's C-index of
 * risk (higher = churns sooner), and for each of the k horizons h_j the
 * time-dependent AUC, the IPCW Brier score and the calibration of
 * P(churn within h_j) = p_h[i * k + j] against Kaplan-Meier; with tier
 * (a risk tier name per row, NULL entries skipped; the whole array may
 * be NULL) a Kaplan-Meier curve per tier. time >= 0, event 0/1, p_h in
 * [0, 1], horizons > 0, else CHURN_EINVAL naming the row. */
typedef struct churn_survival_eval churn_survival_eval;
CHURN_API int churn_survival_eval_compute(const double *time,
                                          const double *event, size_t n,
                                          const double *risk,
                                          const double *p_h,
                                          const double *horizons, size_t k,
                                          const char *const *tier,
                                          churn_survival_eval **out,
                                          churn_error *err);
CHURN_API void churn_survival_eval_free(churn_survival_eval *s);
CHURN_API size_t churn_survival_eval_n_horizons(const churn_survival_eval *s);
/* A figure by its JSON name: "rows", "events", "c_index",
 * "comparable_pairs", "concordant_pairs", "tied_risk_pairs" (j ignored),
 * or at horizon j: "horizon", "td_auc", "brier", "km_churn",
 * "mean_predicted", "calibration_error", "cases", "controls". NaN for an
 * unknown name, j out of range or a figure that cannot be computed. */
CHURN_API double churn_survival_eval_get(const churn_survival_eval *s,
                                         const char *name, size_t j);
/* Calibration group g (0..9, by P(h_j) ascending, equal sizes): rows, the
 * mean P(h_j) and 1 - the group's Kaplan-Meier S(h_j). */
CHURN_API int churn_survival_eval_calibration(const churn_survival_eval *s,
                                              size_t j, size_t g,
                                              size_t *rows,
                                              double *mean_predicted,
                                              double *km_observed);
/* Tiers in report order (high, medium, low, then others as they first
 * occur): the name (NULL for t out of range), rows and churns; and the
 * tier's Kaplan-Meier S(time). */
CHURN_API size_t churn_survival_eval_n_tiers(const churn_survival_eval *s);
CHURN_API const char *churn_survival_eval_tier(const churn_survival_eval *s,
                                               size_t t, size_t *rows,
                                               size_t *events);
CHURN_API double churn_survival_eval_tier_km(const churn_survival_eval *s,
                                             size_t t, double time);
/* Computes a survival evaluation (arguments as churn_survival_eval_compute)
 * and adds it to the report: its JSON gains "survival", its HTML the
 * survival section. Replaces one added before. */
CHURN_API int churn_eval_add_survival(churn_eval *e, const double *time,
                                      const double *event, size_t n,
                                      const double *risk, const double *p_h,
                                      const double *horizons, size_t k,
                                      const char *const *tier,
                                      churn_error *err);
/* The survival section for a survival model m (churn-train --model
 * survival) on ds, whose labelled rows need days_to_churn for the churned
 * (in [0, H), H = churn_model_horizon(m); the others are censored at H):
 * P(churn within h) at the k horizons (k = 0: H/3, 2H/3 and H; at most
 * 16), P(churn within H) as the C-index's risk, tiers as churn_score_dataset
 * with o gives them (NULL: its defaults). CHURN_EINVAL for another family,
 * CHURN_EFORMAT without days_to_churn or naming a churned row without a
 * time within [0, H). */
CHURN_API int churn_eval_add_survival_model(churn_eval *e,
                                            const churn_model *m,
                                            const churn_dataset *ds,
                                            const double *horizons, size_t k,
                                            const churn_score_opts *o,
                                            churn_error *err);
/* The survival evaluation of the report, or NULL. */
CHURN_API const churn_survival_eval *churn_eval_survival(const churn_eval *e);

#ifdef __cplusplus
}
#endif

#endif /* CHURN_H */

/* cli.h - what the command-line tools share: strict argument parsing,
 * the progress line on a terminal, and error reporting. Uses only the
 * public API; not part of libchurn. */
#ifndef CHURN_TOOLS_CLI_H
#define CHURN_TOOLS_CLI_H

#include "churn.h"

/* The tool's name for messages, e.g. "churn-train"; set once in main. */
extern const char *cli_tool;
/* When set (the ranks but 0 of an --mpi run), errors and the progress
 * line are not printed; exit statuses stay the same. */
extern int cli_silent;

/* Usage error: prints "TOOL: message" and a hint to --help; exits 2. */
void cli_usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));
/* Runtime error: prints "TOOL: message"; exits 1. */
void cli_fail(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));
/* Runtime error from the library: prints "TOOL: err->message" (or the
 * status name when the message is empty); exits cli_exit_status(code). */
void cli_fail_err(int code, const churn_error *err) __attribute__((noreturn));
/* The exit status of a library failure: 10 + the churn_status code
 * (11 out of memory, 12 invalid argument, 13 I/O, 14 parse, 15 format,
 * 16 numeric, 17 version, 18 checksum, 19 no data), so that scripts can
 * tell bad input from a broken disk; 1 for an unknown code. */
int cli_exit_status(int code);

/* Fills err (NULL allowed) with code and the message, as the library
 * would; returns code. For the tools' own checks in a run that must not
 * exit on one rank alone (--mpi). */
int cli_error_set(churn_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Collective with comm (NULL: a single process): when any rank's rc is
 * not CHURN_OK, every rank exits as cli_fail_err with the message
 * churn_comm_agree gives: the lowest failing rank's ("rank R: ..."). */
void cli_agree_or_fail(const churn_comm *comm, int rc, churn_error *err);

/* For getopt_long's '?' and ':' returns (the tools set opterr = 0 and
 * start their short options with ':'): names the option; exits 2. */
void cli_bad_option(int c, char **argv) __attribute__((noreturn));

/* Parse an option's argument or exit 2 naming the option. */
double cli_double(const char *opt, const char *arg, double min, double max);
size_t cli_size(const char *opt, const char *arg, size_t min, size_t max);
/* A date YYYY-MM-DD or ISO date-time (churn_parse_date) in Unix seconds;
 * anything else, numbers included, exits 2 showing the format. */
int64_t cli_date(const char *opt, const char *arg);

/* --horizons D,D,..: up to CLI_MAX_HORIZONS day counts, each in
 * [min, 36500], into days (room for CLI_MAX_HORIZONS); returns how many.
 * churn-score and churn-eval share it; a bad list exits 2. */
#define CLI_MAX_HORIZONS 16
size_t cli_horizons(const char *arg, double min, double *days);

/* x as text for a report, by churn_format_number: decimals < 0 the
 * shortest round-trip form, else rounded; never "-0", "nan" or "inf"
 * ("n/a"). The text lives until the end of the calling expression:
 * printf("%9s", cli_num(x, 4).s). */
typedef struct cli_num_text {
    char s[32];
} cli_num_text;
cli_num_text cli_num(double x, int decimals);

/* Writes "TOOL: drift (PSI against the training rows): score X; most
 * drifted inputs: a X, b Y, c Z" for the first few inputs of d. */
void cli_drift_summary(const churn_drift *d);

/* A progress callback that redraws one line on stderr when stderr is a
 * terminal and stays silent otherwise. user is unused. */
void cli_progress(void *user, const char *stage, uint64_t done,
                  uint64_t total);
/* Clears the progress line, if one was drawn. */
void cli_progress_done(void);

/* The options that describe customer histories, shared by churn-features
 * and churn-train: put CLI_HISTORY_OPTIONS in the getopt_long table and
 * pass every code >= CLI_HISTORY_BASE to cli_history_option. */
enum {
    CLI_HISTORY_BASE = 1000,
    CLI_EVENTS = CLI_HISTORY_BASE,
    CLI_CUSTOMERS,
    CLI_AS_OF,
    CLI_HORIZON,
    CLI_ROLE,
    CLI_SNAPSHOTS,
    CLI_EVERY,
    CLI_ACTIVE_WINDOW,
    CLI_ID_COLUMN,
    CLI_TIME_COLUMN,
    CLI_EVENT_COLUMN,
    CLI_VALUE_COLUMN,
    CLI_THREADS
};
#define CLI_HISTORY_OPTIONS                                                   \
    {"events", required_argument, NULL, CLI_EVENTS},                          \
        {"customers", required_argument, NULL, CLI_CUSTOMERS},                \
        {"as-of", required_argument, NULL, CLI_AS_OF},                        \
        {"horizon", required_argument, NULL, CLI_HORIZON},                    \
        {"role", required_argument, NULL, CLI_ROLE},                          \
        {"snapshots", required_argument, NULL, CLI_SNAPSHOTS},                \
        {"every", required_argument, NULL, CLI_EVERY},                        \
        {"active-window", required_argument, NULL, CLI_ACTIVE_WINDOW},        \
        {"id-column", required_argument, NULL, CLI_ID_COLUMN},                \
        {"time-column", required_argument, NULL, CLI_TIME_COLUMN},            \
        {"event-column", required_argument, NULL, CLI_EVENT_COLUMN},          \
        {"value-column", required_argument, NULL, CLI_VALUE_COLUMN},          \
        {"threads", required_argument, NULL, CLI_THREADS}, CLI_TABLE_OPTIONS

/* The help text of those options, for --help. */
extern const char cli_history_help[];

/* The options that say how to read a table (--data, --customers):
 * --numeric, --categorical and --drop NAME, each repeatable, and
 * --delimiter SEP. In
 * CLI_HISTORY_OPTIONS (cli_history_option passes them on); a tool
 * without history options puts CLI_TABLE_OPTIONS in its table and
 * passes the codes to cli_table_option. */
enum {
    CLI_TABLE_BASE = 1100,
    CLI_NUMERIC = CLI_TABLE_BASE,
    CLI_CATEGORICAL,
    CLI_DROP,
    CLI_DELIMITER
};
#define CLI_TABLE_OPTIONS                                                     \
    {"numeric", required_argument, NULL, CLI_NUMERIC},                        \
        {"categorical", required_argument, NULL, CLI_CATEGORICAL},            \
        {"drop", required_argument, NULL, CLI_DROP},                          \
        {"delimiter", required_argument, NULL, CLI_DELIMITER}
/* Their help text, and the rules of reading a table, for --help. */
extern const char cli_table_help[];
/* The help text of --id (the default rule), for --help. */
extern const char cli_id_help[];
/* Records option code with its argument. */
void cli_table_option(int code, const char *arg);
/* Applies the recorded options and cli_threads to o. */
int cli_table_apply(churn_csv_opts *o);
/* --delimiter SEP (cli_table.c): auto, ',', ';', tab (or a tab) or '|';
 * anything else exits 2 listing them. cli_table_option passes it here.
 * Returns the delimiter (0 = auto), which cli_history_option also sets
 * on the event log's options: one --delimiter for every file. */
char cli_delimiter_option(const char *arg);
/* Sets the --delimiter given (auto when none) on o; cli_table_apply
 * does it. */
int cli_delimiter_apply(churn_csv_opts *o);
/* Before path is read with the delimiter given (0: auto): when it is
 * left to the header and the header shows another than the comma, says
 * on stderr which ("delimiter ';' detected from the header of FILE
 * (--delimiter to set it)"). Silent when path cannot be read: the read
 * reports that. */
void cli_say_delimiter(const char *path, char given);
/* The same for a table read with o, */
void cli_table_say_delimiter(const char *path, const churn_csv_opts *o);
/* and for an event log read with o (silent for a pipe, whose header
 * only the library's reader may take). */
void cli_events_say_delimiter(const char *path, const churn_feature_opts *o);
/* CHURN_EFORMAT in err when a --numeric name is not a feature column of
 * ds (read from path), which the library leaves to the caller. */
int cli_table_check(const churn_dataset *ds, const char *path,
                    churn_error *err);
/* "NAME, found by name", "NAME" (given) or "row numbers (no id
 * column)": the ids ds was read with, for the summaries; written to buf. */
const char *cli_ids_text(const churn_dataset *ds, int given, char *buf,
                         size_t size);

/* What the history options say. */
typedef struct cli_history {
    const char *events;       /* NULL: not given */
    const char *customers;
    int has_as_of;
    int64_t as_of;            /* Unix seconds, when has_as_of */
    size_t snapshots;         /* 0: not given */
    double every_days;
    double horizon_days;      /* 0: not given */
    churn_feature_opts *opts; /* created by cli_history_init */
    churn_feature_stats *stats; /* what the extractions read (set in opts) */
} cli_history;

void cli_history_init(cli_history *h);
void cli_history_free(cli_history *h);
/* Applies option code with its argument to h; exits 2 on a bad value. */
void cli_history_option(cli_history *h, int code, const char *arg);
/* Checks the options fit together (as-of given, snapshots with every);
 * exits 2 naming what is missing. */
void cli_history_check(const cli_history *h);
/* Reads customers (if given) and extracts the features; exits 1 with the
 * library's message on failure. */
churn_dataset *cli_history_extract(const cli_history *h);
/* The same from the files events and customers (NULL: none), returning
 * the status instead of exiting. */
int cli_history_extract_files(const cli_history *h, const char *events,
                              const char *customers, churn_dataset **out,
                              churn_error *err);

/* "CUSTOMERS has a row for M of the N customers in EVENTS" into buf, from
 * the extractions so far; 0 when no customers file was joined. */
int cli_history_join_line(const cli_history *h, char *buf, size_t size);
/* Prints on stderr a warning when the customers file has a row for under
 * half the customers of the log: (matched, customers) as counted, which
 * an --mpi run sums over its ranks first. */
void cli_history_join_warning(const cli_history *h, double matched,
                              double customers);
/* The most frequent event names with rows and role ("login 9120
 * activity, ...", at most max_names, then "+K more") into buf. */
void cli_history_events_line(const cli_history *h, size_t max_names,
                             char *buf, size_t size);
/* Reads the event log only and prints each event name with its rows, role
 * and per-name column on stdout, most rows first; exits 1 on failure. */
void cli_history_list_events(const cli_history *h);

/* Threads that parse CSV input (--threads; 0, the default: one per online
 * core). */
extern size_t cli_threads;

/* The CSV options of a labeled table: label column label, positive value
 * and id column (NULL = defaults), the table options and cli_threads;
 * exits 1 (out of memory) or 10 + the status of a setter that refuses. */
churn_csv_opts *cli_labeled_opts(const char *label, const char *positive,
                                 const char *id);
/* Reads a labeled CSV (label column label, positive value and id column
 * optional, NULL = defaults) with cli_threads threads; exits 1 with the
 * library's message. */
churn_dataset *cli_read_labeled(const char *path, const char *label,
                                const char *positive, const char *id);

/* Seconds on a monotonic clock. */
double cli_now(void);

/* The training options churn-train and churn-eval --cv share
 * (cli_train.c): put CLI_TRAIN_OPTIONS in the getopt_long table and pass
 * every code in [CLI_TRAIN_BASE, CLI_TRAIN_END) to cli_train_option. */
enum {
    CLI_TRAIN_BASE = 1200,
    CLI_TRAIN_C = CLI_TRAIN_BASE,
    CLI_TRAIN_KERNEL,
    CLI_TRAIN_GAMMA,
    CLI_TRAIN_DEGREE,
    CLI_TRAIN_COMPONENTS,
    CLI_TRAIN_CALIBRATION,
    CLI_TRAIN_SEARCH,
    CLI_TRAIN_TIME_BUDGET,
    CLI_TRAIN_SEARCH_ROWS,
    CLI_TRAIN_MAX_ROWS,
    CLI_TRAIN_CLASS_WEIGHT,
    CLI_TRAIN_TREES,
    CLI_TRAIN_DEPTH,
    CLI_TRAIN_LEARNING_RATE,
    CLI_TRAIN_SUBSAMPLE,
    CLI_TRAIN_COLSAMPLE,
    CLI_TRAIN_MIN_CHILD_WEIGHT,
    CLI_TRAIN_LAMBDA,
    CLI_TRAIN_EARLY_STOPPING,
    CLI_TRAIN_END
};
#define CLI_TRAIN_OPTIONS                                                     \
    {"C", required_argument, NULL, CLI_TRAIN_C},                              \
        {"kernel", required_argument, NULL, CLI_TRAIN_KERNEL},                \
        {"gamma", required_argument, NULL, CLI_TRAIN_GAMMA},                  \
        {"degree", required_argument, NULL, CLI_TRAIN_DEGREE},                \
        {"components", required_argument, NULL, CLI_TRAIN_COMPONENTS},        \
        {"calibration", required_argument, NULL, CLI_TRAIN_CALIBRATION},      \
        {"search", no_argument, NULL, CLI_TRAIN_SEARCH},                      \
        {"time-budget", required_argument, NULL, CLI_TRAIN_TIME_BUDGET},      \
        {"search-rows", required_argument, NULL, CLI_TRAIN_SEARCH_ROWS},      \
        {"max-rows", required_argument, NULL, CLI_TRAIN_MAX_ROWS},            \
        {"class-weight", required_argument, NULL, CLI_TRAIN_CLASS_WEIGHT},    \
        {"trees", required_argument, NULL, CLI_TRAIN_TREES},                  \
        {"depth", required_argument, NULL, CLI_TRAIN_DEPTH},                  \
        {"learning-rate", required_argument, NULL, CLI_TRAIN_LEARNING_RATE},  \
        {"subsample", required_argument, NULL, CLI_TRAIN_SUBSAMPLE},          \
        {"colsample", required_argument, NULL, CLI_TRAIN_COLSAMPLE},          \
        {"min-child-weight", required_argument, NULL,                         \
         CLI_TRAIN_MIN_CHILD_WEIGHT},                                         \
        {"lambda", required_argument, NULL, CLI_TRAIN_LAMBDA},                \
        {"early-stopping", required_argument, NULL, CLI_TRAIN_EARLY_STOPPING}

/* What the training options say, with the tool's own model, metric,
 * seed and XGBoost threads (set by the tool, not by cli_train_option). */
typedef struct cli_train {
    const char *model, *class_weight, *kernel, *calibration, *metric;
    double c, gamma, time_budget;
    size_t max_rows, components, search_rows;
    int degree, search;
    uint64_t seed;
    size_t trees, depth, threads; /* gbdt; 0: not given */
    long early_stopping;          /* gbdt; -1: not given */
    double learning_rate, subsample, colsample, min_child_weight, lambda;
    unsigned char given[CLI_TRAIN_END - CLI_TRAIN_BASE];
} cli_train;

/* The defaults (those of churn_train_opts_new, model logistic). */
void cli_train_init(cli_train *t);
/* Applies option code with its argument to t; exits 2 on a bad value. */
void cli_train_option(cli_train *t, int code, const char *arg);
/* An option given that does not apply to t->model (a table in
 * cli_train.c) exits 2: "--kernel applies to --model svm or auto, not
 * --model logistic". */
void cli_train_check(const cli_train *t);
/* New training options from t (the caller frees them, and sets what is
 * the tool's own: validation, refit, positive label, horizon); exits 2
 * on an unknown name. */
churn_train_opts *cli_train_opts(const cli_train *t);

/* --kpi-from DATE and --kpi-to DATE (cli_kpi.c), the period [from, to)
 * of the retention KPIs of churn-eval and churn-segment: put
 * CLI_KPI_OPTIONS in the getopt_long table and pass CLI_KPI_FROM and
 * CLI_KPI_TO to cli_kpi_option. */
enum { CLI_KPI_FROM = 1300, CLI_KPI_TO };
#define CLI_KPI_OPTIONS                                                       \
    {"kpi-from", required_argument, NULL, CLI_KPI_FROM},                      \
        {"kpi-to", required_argument, NULL, CLI_KPI_TO}
typedef struct cli_kpi_window {
    int has_from, has_to; /* given */
    int64_t from, to;     /* Unix seconds */
} cli_kpi_window;
/* Applies option code with its date to w; exits 2 on a bad date. */
void cli_kpi_option(cli_kpi_window *w, int code, const char *arg);
/* Both given or neither, from before to; exits 2 saying which is not. */
void cli_kpi_check(const cli_kpi_window *w);

/* --margin COLUMN|VALUE (cli_clv.c), the margin per month of a lifetime
 * value: NULL with the value in *value when arg is a finite number, else
 * arg, the column, with *value NaN. */
const char *cli_margin(const char *arg, double *value);

/* Prints "TOOL (churn) VERSION", the one --version line of every tool. */
void cli_print_version(void);

#endif

/* cli.c - strict argument parsing, progress and errors for the tools. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

const char *cli_tool = "churn";
int cli_silent;
static int progress_drawn;

/* Prints "TOOL: message" on stderr, below any progress line. */
static void say(const char *fmt, va_list ap)
{
    if (cli_silent)
        return;
    cli_progress_done();
    fprintf(stderr, "%s: ", cli_tool);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say(fmt, ap);
    va_end(ap);
    if (!cli_silent)
        fprintf(stderr, "Try '%s --help' for more information.\n",
                cli_tool);
    exit(2);
}

void cli_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say(fmt, ap);
    va_end(ap);
    exit(1);
}

int cli_exit_status(int code)
{
    return code > CHURN_OK && code <= CHURN_EEMPTY ? 10 + code : 1;
}

void cli_fail_err(int code, const churn_error *err)
{
    cli_progress_done();
    if (!cli_silent)
        fprintf(stderr, "%s: %s\n", cli_tool,
                err && err->message[0] ? err->message : churn_strerror(code));
    exit(cli_exit_status(code));
}

int cli_error_set(churn_error *err, int code, const char *fmt, ...)
{
    if (err) {
        churn_error_clear(err);
        err->code = code;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
    }
    return code;
}

void cli_agree_or_fail(const churn_comm *comm, int rc, churn_error *err)
{
    rc = churn_comm_agree(comm, rc, err);
    if (rc != CHURN_OK)
        cli_fail_err(rc, err);
}

void cli_bad_option(int c, char **argv)
{
    const char *arg = argv[optind - 1];
    if (c == ':')
        cli_usage_error("option '%s' needs a value", arg);
    if (optopt && strncmp(arg, "--", 2) != 0)
        cli_usage_error("unknown option '-%c'", optopt);
    cli_usage_error("unknown option '%s'", arg);
}

cli_num_text cli_num(double x, int decimals)
{
    cli_num_text t;
    churn_format_number(x, decimals, t.s, sizeof t.s);
    return t;
}

double cli_double(const char *opt, const char *arg, double min, double max)
{
    char *end;
    errno = 0;
    double v = strtod(arg, &end);
    if (end == arg || *end != '\0' || errno == ERANGE || !isfinite(v))
        cli_usage_error("%s: '%s' is not a number", opt, arg);
    if (v < min || v > max)
        cli_usage_error("%s: %s is out of range [%g, %g]", opt, arg, min, max);
    return v;
}

size_t cli_size(const char *opt, const char *arg, size_t min, size_t max)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(arg, &end, 10);
    if (end == arg || *end != '\0' || errno == ERANGE || arg[0] == '-')
        cli_usage_error("%s: '%s' is not a whole number", opt, arg);
    if (v < min || v > max)
        cli_usage_error("%s: %s is out of range [%zu, %zu]", opt, arg, min,
                        max);
    return (size_t)v;
}

int64_t cli_date(const char *opt, const char *arg)
{
    double t;
    if (churn_parse_date(arg, strlen(arg), &t) != CHURN_OK)
        cli_usage_error("%s: '%s' is not a date: use YYYY-MM-DD or "
                        "YYYY-MM-DDTHH:MM:SS[Z], e.g. 2025-01-01", opt, arg);
    return (int64_t)t;
}

size_t cli_horizons(const char *arg, double min, double *days)
{
    size_t n = 0;
    for (const char *p = arg;; n++) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char one[64];
        if (n == CLI_MAX_HORIZONS || len >= sizeof one)
            cli_usage_error("--horizons: at most %d numbers of days, such "
                            "as 30,60,90", CLI_MAX_HORIZONS);
        memcpy(one, p, len);
        one[len] = '\0';
        days[n] = cli_double("--horizons", one, min, 36500);
        if (!comma)
            return n + 1;
        p = comma + 1;
    }
}

void cli_progress(void *user, const char *stage, uint64_t done,
                  uint64_t total)
{
    (void)user;
    if (cli_silent || !isatty(STDERR_FILENO))
        return;
    if (total > 0)
        fprintf(stderr, "\r%s: %3.0f%%", stage,
                100.0 * (double)done / (double)total);
    else
        fprintf(stderr, "\r%s: %llu", stage, (unsigned long long)done);
    fflush(stderr);
    progress_drawn = 1;
}

void cli_progress_done(void)
{
    if (progress_drawn) {
        fputs("\r\033[K", stderr);
        progress_drawn = 0;
    }
}

double cli_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

const char cli_history_help[] =
    "      --events FILE        event log CSV: customer_id,timestamp,event[,value]\n"
    "                           (or with ';', tabs or '|': see --delimiter)\n"
    "      --customers FILE     optional CSV of static columns per customer_id;\n"
    "                           a row for no customer of the log is an error,\n"
    "                           for under half a warning on stderr\n"
    "      --as-of DATE         snapshot date YYYY-MM-DD; only events before it\n"
    "                           are used for features (required with --events)\n"
    "                           Dates are YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS[Z]\n"
    "                           (UTC), never numbers such as 20250101\n"
    "      --horizon DAYS       label window [as-of, as-of + DAYS): churned = a\n"
    "                           cancel in it (or no activity, for logs without\n"
    "                           cancel events)\n"
    "      --role ROLE=N1,N2    event names for a role (activity, purchase,\n"
    "                           ticket_open, ticket_close, satisfaction, cancel,\n"
    "                           signup); replaces its defaults; repeatable.\n"
    "                           Names no role claims count as activity while\n"
    "                           activity keeps its defaults; once\n"
    "                           --role activity=... is given, exactly those\n"
    "                           names are activity. Unknown names always get a\n"
    "                           per-name column events_<name>_30d.\n"
    "      --role ignore=N1,N2  drop the events of these names entirely\n"
    "                           (no role, no column, no customer)\n"
    "      --snapshots K        stack K snapshots, --every DAYS apart, ending\n"
    "      --every DAYS         at --as-of (adds an as_of column)\n"
    "      --active-window D    without cancel events: only customers active in\n"
    "                           the D days before as-of count (default 90)\n"
    "      --id-column NAME     column names in the event log (defaults:\n"
    "      --time-column NAME   customer_id, timestamp, event, value)\n"
    "      --event-column NAME\n"
    "      --value-column NAME\n"
    "      --threads N          threads that read the event log or the CSV\n"
    "                           (default: the number of online cores); same\n"
    "                           result for any N\n";

void cli_history_init(cli_history *h)
{
    memset(h, 0, sizeof *h);
    h->opts = churn_feature_opts_new();
    h->stats = churn_feature_stats_new();
    if (!h->opts || !h->stats)
        cli_fail("out of memory");
    churn_feature_opts_set_stats(h->opts, h->stats);
    churn_feature_opts_set_progress(h->opts, cli_progress, NULL);
}

void cli_history_free(cli_history *h)
{
    churn_feature_opts_free(h->opts);
    churn_feature_stats_free(h->stats);
}

static void set_role(cli_history *h, const char *arg)
{
    const char *eq = strchr(arg, '=');
    char role[32];
    size_t n = eq ? (size_t)(eq - arg) : 0;
    if (!eq || n == 0 || n >= sizeof role || eq[1] == '\0')
        cli_usage_error("--role: expected ROLE=name1,name2, got '%s'", arg);
    memcpy(role, arg, n);
    role[n] = '\0';
    if (strcmp(role, "ignore") == 0) {
        if (churn_feature_opts_set_ignored_names(h->opts, eq + 1))
            cli_usage_error("--role: bad name list '%s'", eq + 1);
        return;
    }
    int r = churn_role_from_name(role);
    if (r < 0)
        cli_usage_error("--role: unknown role '%s' (activity, purchase, "
                        "ticket_open, ticket_close, satisfaction, cancel, "
                        "signup, ignore)", role);
    if (churn_feature_opts_set_role_names(h->opts, (churn_role)r, eq + 1))
        cli_usage_error("--role: bad name list '%s'", eq + 1);
}

static void set_column(cli_history *h, const char *which, const char *arg)
{
    if (churn_feature_opts_set_column(h->opts, which, arg) != CHURN_OK)
        cli_usage_error("bad column name '%s'", arg);
}

void cli_history_option(cli_history *h, int code, const char *arg)
{
    if (code == CLI_DELIMITER) { /* the tables' and the event log's */
        churn_feature_opts_set_delimiter(h->opts, cli_delimiter_option(arg));
        return;
    }
    if (code >= CLI_TABLE_BASE) {
        cli_table_option(code, arg);
        return;
    }
    switch (code) {
    case CLI_EVENTS: h->events = arg; break;
    case CLI_CUSTOMERS: h->customers = arg; break;
    case CLI_AS_OF:
        h->as_of = cli_date("--as-of", arg);
        churn_feature_opts_set_as_of(h->opts, h->as_of);
        h->has_as_of = 1;
        break;
    case CLI_HORIZON:
        h->horizon_days = cli_double("--horizon", arg, 1, 3650);
        churn_feature_opts_set_horizon(h->opts, h->horizon_days);
        break;
    case CLI_ROLE: set_role(h, arg); break;
    case CLI_SNAPSHOTS:
        h->snapshots = cli_size("--snapshots", arg, 1, 1000);
        break;
    case CLI_EVERY: h->every_days = cli_double("--every", arg, 1, 3650); break;
    case CLI_ACTIVE_WINDOW:
        churn_feature_opts_set_active_window(
            h->opts, cli_double("--active-window", arg, 1, 36500));
        break;
    case CLI_ID_COLUMN: set_column(h, "customer_id", arg); break;
    case CLI_TIME_COLUMN: set_column(h, "timestamp", arg); break;
    case CLI_EVENT_COLUMN: set_column(h, "event", arg); break;
    case CLI_VALUE_COLUMN: set_column(h, "value", arg); break;
    case CLI_THREADS: /* for both readers: the event log and the CSV */
        cli_threads = cli_size("--threads", arg, 1, 64);
        churn_feature_opts_set_threads(h->opts, cli_threads);
        break;
    default: cli_usage_error("unknown option");
    }
}

void cli_history_check(const cli_history *h)
{
    if (!h->events)
        cli_usage_error("--events is required");
    if (!h->has_as_of)
        cli_usage_error("--as-of is required with --events");
    if (h->snapshots > 1 && h->every_days <= 0)
        cli_usage_error("--snapshots needs --every DAYS");
    if (h->snapshots > 0)
        churn_feature_opts_set_snapshots(h->opts, h->snapshots,
                                         h->every_days > 0 ? h->every_days
                                                           : 1);
}

churn_dataset *cli_history_extract(const cli_history *h)
{
    churn_error err;
    churn_dataset *out = NULL;
    int rc = cli_history_extract_files(h, h->events, h->customers, &out,
                                       &err);
    if (rc != CHURN_OK)
        cli_fail_err(rc, &err);
    cli_history_join_warning(
        h, churn_feature_stats_value(h->stats, "customers_matched"),
        churn_feature_stats_value(h->stats, "customers"));
    return out;
}

int cli_history_extract_files(const cli_history *h, const char *events,
                              const char *customers_path,
                              churn_dataset **out, churn_error *err)
{
    churn_dataset *customers = NULL;
    int rc = CHURN_OK;
    *out = NULL;
    if (customers_path) {
        churn_csv_opts *co = churn_csv_opts_new();
        if (!co)
            return cli_error_set(err, CHURN_ENOMEM, "out of memory");
        rc = churn_csv_opts_set_id_column(co, "customer_id");
        if (rc == CHURN_OK) /* a customer on two rows is an error */
            rc = churn_csv_opts_set_unique_ids(co, 1);
        if (rc == CHURN_OK)
            rc = cli_table_apply(co);
        if (rc == CHURN_OK) {
            cli_table_say_delimiter(customers_path, co);
            rc = churn_dataset_read_csv(customers_path, co, &customers, err);
        }
        if (rc == CHURN_OK) /* for the message when no customer matches */
            rc = churn_dataset_set_source(customers, customers_path);
        churn_csv_opts_free(co);
    }
    if (rc == CHURN_OK) {
        cli_events_say_delimiter(events, h->opts);
        rc = churn_features_extract(events, customers, h->opts, out, err);
    }
    cli_progress_done();
    churn_dataset_free(customers);
    return rc;
}

int cli_history_join_line(const cli_history *h, char *buf, size_t size)
{
    double matched = churn_feature_stats_value(h->stats, "customers_matched");
    if (!h->customers || isnan(matched))
        return 0;
    snprintf(buf, size, "%s has a row for %.0f of the %.0f customers in %s",
             h->customers, matched,
             churn_feature_stats_value(h->stats, "customers"), h->events);
    return 1;
}

void cli_history_join_warning(const cli_history *h, double matched,
                              double customers)
{
    /* None matching is the library's error; a few is likely the same
     * mistake (ids written differently) on part of the file. */
    if (cli_silent || !h->customers || isnan(matched) ||
        !(2 * matched < customers))
        return;
    cli_progress_done();
    fprintf(stderr, "%s: warning: %s has a row for only %.0f of the %.0f "
            "customers in %s; the others get empty customers columns\n",
            cli_tool, h->customers, matched, customers, h->events);
}

/* The names of h->stats, most rows first (then in order of appearance);
 * NULL when out of memory. The caller frees it. */
static size_t *names_by_rows(const churn_feature_stats *s, size_t *n)
{
    *n = churn_feature_stats_n_names(s);
    size_t *order = malloc((*n ? *n : 1) * sizeof *order);
    if (!order)
        return NULL;
    for (size_t i = 0; i < *n; i++) { /* insertion sort: stable, few names */
        size_t j = i;
        uint64_t rows = churn_feature_stats_name_count(s, i);
        while (j > 0 && churn_feature_stats_name_count(s, order[j - 1]) <
                            rows) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
    return order;
}

void cli_history_events_line(const cli_history *h, size_t max_names,
                             char *buf, size_t size)
{
    size_t n, len = 0;
    size_t *order = names_by_rows(h->stats, &n);
    buf[0] = '\0';
    if (!order)
        return;
    for (size_t k = 0; k < n && k < max_names && len < size; k++) {
        size_t i = order[k];
        int w = snprintf(buf + len, size - len, "%s%s %llu %s",
                         k ? ", " : "", churn_feature_stats_name(h->stats, i),
                         (unsigned long long)churn_feature_stats_name_count(
                             h->stats, i),
                         churn_feature_stats_name_role(h->stats, i));
        len += w > 0 ? (size_t)w : 0;
    }
    if (n > max_names && len < size)
        snprintf(buf + len, size - len, ", +%zu more", n - max_names);
    free(order);
}

void cli_history_list_events(const cli_history *h)
{
    churn_error err;
    cli_events_say_delimiter(h->events, h->opts);
    int rc = churn_events_scan(h->events, h->opts, h->stats, &err);
    cli_progress_done();
    if (rc != CHURN_OK)
        cli_fail_err(rc, &err);
    size_t n, width = 5;
    size_t *order = names_by_rows(h->stats, &n);
    if (!order)
        cli_fail("out of memory");
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(churn_feature_stats_name(h->stats, i));
        width = len > width ? len : width;
    }
    printf("%-*s %12s  %-12s  %s\n", (int)width, "event", "rows", "role",
           "column");
    for (size_t k = 0; k < n; k++) {
        size_t i = order[k];
        const char *column = churn_feature_stats_name_column(h->stats, i);
        printf("%-*s %12llu  %-12s  %s\n", (int)width,
               churn_feature_stats_name(h->stats, i),
               (unsigned long long)churn_feature_stats_name_count(h->stats, i),
               churn_feature_stats_name_role(h->stats, i),
               column ? column : "-");
    }
    double unlisted = churn_feature_stats_value(h->stats, "events_unlisted");
    if (unlisted > 0)
        printf("(%.0f rows of further names, not listed)\n", unlisted);
    printf("%.0f rows (%.0f ignored), %.0f customers\n",
           churn_feature_stats_value(h->stats, "events"),
           churn_feature_stats_value(h->stats, "events_ignored"),
           churn_feature_stats_value(h->stats, "customers"));
    free(order);
}

size_t cli_threads;

churn_csv_opts *cli_labeled_opts(const char *label, const char *positive,
                                 const char *id)
{
    churn_csv_opts *o = churn_csv_opts_new();
    if (!o)
        cli_fail("out of memory");
    int rc = churn_csv_opts_set_label_column(o, label);
    if (rc == CHURN_OK)
        rc = cli_table_apply(o);
    if (rc == CHURN_OK && positive)
        rc = churn_csv_opts_set_positive(o, positive);
    if (rc == CHURN_OK && id)
        rc = churn_csv_opts_set_id_column(o, id);
    if (rc != CHURN_OK) /* the setters leave no message: the status's */
        cli_fail_err(rc, NULL);
    return o;
}

churn_dataset *cli_read_labeled(const char *path, const char *label,
                                const char *positive, const char *id)
{
    churn_error err;
    churn_dataset *ds = NULL;
    churn_csv_opts *o = cli_labeled_opts(label, positive, id);
    cli_table_say_delimiter(path, o);
    int rc = churn_dataset_read_csv(path, o, &ds, &err);
    if (rc == CHURN_OK)
        rc = cli_table_check(ds, path, &err);
    churn_csv_opts_free(o);
    if (rc != CHURN_OK)
        cli_fail_err(rc, &err);
    return ds;
}

const char cli_id_help[] =
    "      --id NAME            id column; default: the first column named\n"
    "                           like an id (customer_id, CustomerID,\n"
    "                           customer, cust_id, client_id, client,\n"
    "                           user_id, account_id, subscriber_id,\n"
    "                           member_id, id; case and _ - . spaces\n"
    "                           ignored), else row numbers\n";

const char cli_table_help[] =
    "Reading a table (--data, --customers):\n"
    "      --delimiter SEP      field delimiter of every file read, --events\n"
    "                           too: auto (the default), ',', ';', tab or '|';\n"
    "                           auto reads it off each file's header (a comma,\n"
    "                           else the most frequent of ; tab |) and says so\n"
    "                           on stderr; quotes stay \"\n"
    "      --numeric NAME       column NAME must hold numbers (or be\n"
    "                           empty / NA); repeatable\n"
    "      --categorical NAME   column NAME is categorical even where its\n"
    "                           cells are numbers; repeatable\n"
    "      --drop NAME          leave column NAME out; repeatable\n"
    "                           A column that is mostly numbers (at least\n"
    "                           half of its non-empty cells) with some cells\n"
    "                           that are not, or numbers written $45.07,\n"
    "                           1,234.5 or 12%, is an error naming the first\n"
    "                           bad cell (FILE:LINE:COLUMN) and the count.\n"
    "                           Training refuses a categorical input with\n"
    "                           more than 1000 levels, or with a distinct\n"
    "                           text on 90% or more of 50 or more rows (an\n"
    "                           id): use --id NAME or --drop NAME.\n";

/* The table options in the order given. */
static struct table_option {
    int code;
    const char *name;
} *table_options;
static size_t n_table_options;

void cli_table_option(int code, const char *arg)
{
    if (code == CLI_DELIMITER) {
        cli_delimiter_option(arg);
        return;
    }
    struct table_option *list = realloc(
        table_options, (n_table_options + 1) * sizeof *list);
    if (!list)
        cli_fail("out of memory");
    if (!*arg)
        cli_usage_error("--%s needs a column name",
                        code == CLI_NUMERIC       ? "numeric"
                        : code == CLI_CATEGORICAL ? "categorical"
                                                  : "drop");
    table_options = list;
    table_options[n_table_options++] = (struct table_option){code, arg};
}

int cli_table_apply(churn_csv_opts *o)
{
    int rc = churn_csv_opts_set_threads(o, cli_threads);
    if (rc == CHURN_OK)
        rc = cli_delimiter_apply(o);
    for (size_t k = 0; rc == CHURN_OK && k < n_table_options; k++) {
        const char *name = table_options[k].name;
        switch (table_options[k].code) {
        case CLI_NUMERIC: rc = churn_csv_opts_add_numeric(o, name); break;
        case CLI_CATEGORICAL:
            rc = churn_csv_opts_add_categorical(o, name);
            break;
        default: rc = churn_csv_opts_add_drop(o, name); break;
        }
    }
    return rc;
}

int cli_table_check(const churn_dataset *ds, const char *path,
                    churn_error *err)
{
    for (size_t k = 0; k < n_table_options; k++)
        if (table_options[k].code == CLI_NUMERIC &&
            churn_dataset_column_index(ds, table_options[k].name) ==
                (size_t)-1)
            return cli_error_set(err, CHURN_EFORMAT,
                                 "%s: --numeric %s: no such feature column",
                                 path, table_options[k].name);
    return CHURN_OK;
}

const char *cli_ids_text(const churn_dataset *ds, int given, char *buf,
                         size_t size)
{
    const char *name = churn_dataset_id_name(ds);
    if (!name)
        snprintf(buf, size, "row numbers (no id column)");
    else
        snprintf(buf, size, "%s%s", name, given ? "" : ", found by name");
    return buf;
}

void cli_drift_summary(const churn_drift *d)
{
    size_t n = churn_drift_n_inputs(d);
    fprintf(stderr, "%s: drift (PSI against %zu training rows): score %s",
            cli_tool, churn_drift_n_reference_rows(d),
            cli_num(churn_drift_score_psi(d), 4).s);
    for (size_t r = 0; r < n && r < 3; r++)
        fprintf(stderr, "%s%s %s", r ? ", " : "; most drifted inputs: ",
                churn_drift_input_name(d, r),
                cli_num(churn_drift_input_psi(d, r), 4).s);
    fputc('\n', stderr);
}

void cli_print_version(void)
{
    printf("%s (churn) %s\n", cli_tool, churn_version());
}


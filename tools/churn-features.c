/* churn-features.c - command line: an event log in, one feature row per
 * customer (and snapshot) out, as CSV. */
#include "churn.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PROG "churn-features"

static const char usage_text[] =
    "Usage: " PROG " --events EVENTS.csv --as-of YYYY-MM-DD -o FEATURES.csv"
    " [options]\n"
    "       " PROG " --list\n"
    "\n"
    "Turns an event log (customer_id,timestamp,event[,value]) into one row\n"
    "of features per customer active before the as-of date. Only events\n"
    "before that date are used for features; with --horizon, the events in\n"
    "[as-of, as-of + horizon) decide the label column 'churned'.\n"
    "\n"
    "Options:\n"
    "  --events FILE         the event log (CSV with a header)\n"
    "  --customers FILE      per-customer columns to join (CSV keyed by\n"
    "                        customer_id); text columns become categories\n"
    "  --as-of DATE          the as-of date t0 (YYYY-MM-DD or a date-time)\n"
    "  --horizon DAYS        label: churned = a cancel event within DAYS\n"
    "                        after t0 (or, without any cancel events in the\n"
    "                        file, no activity within DAYS)\n"
    "  --snapshots K         K snapshots at t0, t0 - EVERY, ... (stacked,\n"
    "  --every DAYS          with an as_of column); needs --every\n"
    "  --active-window DAYS  without cancel events, customers need activity\n"
    "                        in the DAYS before a snapshot (default 90)\n"
    "  --role ROLE=N1,N2     event names of ROLE, replacing its defaults;\n"
    "                        repeatable. Roles: activity, purchase,\n"
    "                        ticket_open, ticket_close, satisfaction,\n"
    "                        cancel, signup\n"
    "  --id-column NAME      header of the customer id (default customer_id)\n"
    "  --time-column NAME    header of the timestamp (default timestamp)\n"
    "  --event-column NAME   header of the event name (default event)\n"
    "  --value-column NAME   header of the value (default value, optional)\n"
    "  -o, --output FILE     where to write the features (CSV)\n"
    "  --list                print every feature: name, unit, meaning\n"
    "  -h, --help            this help\n"
    "  -V, --version         the version\n"
    "\n"
    "Example:\n"
    "  " PROG " --events events.csv --customers customers.csv \\\n"
    "      --as-of 2024-01-01 --horizon 90 -o features.csv\n";

enum {
    OPT_EVENTS = 256, OPT_CUSTOMERS, OPT_AS_OF, OPT_HORIZON, OPT_SNAPSHOTS,
    OPT_EVERY, OPT_ACTIVE_WINDOW, OPT_ROLE, OPT_ID_COLUMN, OPT_TIME_COLUMN,
    OPT_EVENT_COLUMN, OPT_VALUE_COLUMN, OPT_LIST
};

static const struct option long_options[] = {
    {"events", required_argument, NULL, OPT_EVENTS},
    {"customers", required_argument, NULL, OPT_CUSTOMERS},
    {"as-of", required_argument, NULL, OPT_AS_OF},
    {"horizon", required_argument, NULL, OPT_HORIZON},
    {"snapshots", required_argument, NULL, OPT_SNAPSHOTS},
    {"every", required_argument, NULL, OPT_EVERY},
    {"active-window", required_argument, NULL, OPT_ACTIVE_WINDOW},
    {"role", required_argument, NULL, OPT_ROLE},
    {"id-column", required_argument, NULL, OPT_ID_COLUMN},
    {"time-column", required_argument, NULL, OPT_TIME_COLUMN},
    {"event-column", required_argument, NULL, OPT_EVENT_COLUMN},
    {"value-column", required_argument, NULL, OPT_VALUE_COLUMN},
    {"output", required_argument, NULL, 'o'},
    {"list", no_argument, NULL, OPT_LIST},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

typedef struct args {
    const char *events, *customers, *output;
    double as_of;
    int has_as_of;
    double horizon;
    long snapshots;
    double every;
    int list;
} args;

static int usage_error(const char *fmt, const char *what)
{
    fprintf(stderr, PROG ": ");
    fprintf(stderr, fmt, what);
    fprintf(stderr, " (see " PROG " --help)\n");
    return 2;
}

/* A positive number of days (whole text). */
static int parse_days(const char *text, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end || errno || !isfinite(v) || v <= 0)
        return 0;
    *out = v;
    return 1;
}

/* --role ROLE=names */
static int set_role(churn_feature_opts *o, const char *spec)
{
    const char *eq = strchr(spec, '=');
    char role_name[32];
    if (!eq || (size_t)(eq - spec) >= sizeof role_name)
        return usage_error("--role wants ROLE=name1,name2, not '%s'", spec);
    memcpy(role_name, spec, (size_t)(eq - spec));
    role_name[eq - spec] = '\0';
    int role = churn_role_from_name(role_name);
    if (role < 0)
        return usage_error("unknown role '%s' (roles: activity, purchase, "
                           "ticket_open, ticket_close, satisfaction, "
                           "cancel, signup)", role_name);
    if (churn_feature_opts_set_role_names(o, (churn_role)role, eq + 1))
        return usage_error("bad --role '%s'", spec);
    return 0;
}

/* Applies one option to a and o; returns 0, or 2 after a usage message. */
static int take_option(int c, const char *arg, args *a,
                       churn_feature_opts *o)
{
    static const char *const columns[] = {"customer_id", "timestamp",
                                          "event", "value"};
    switch (c) {
    case OPT_EVENTS: a->events = arg; return 0;
    case OPT_CUSTOMERS: a->customers = arg; return 0;
    case 'o': a->output = arg; return 0;
    case OPT_LIST: a->list = 1; return 0;
    case OPT_AS_OF:
        if (churn_parse_time(arg, strlen(arg), &a->as_of) != CHURN_OK)
            return usage_error("bad --as-of date '%s' (use YYYY-MM-DD)",
                               arg);
        a->has_as_of = 1;
        return 0;
    case OPT_HORIZON:
        return parse_days(arg, &a->horizon)
                   ? 0
                   : usage_error("bad --horizon '%s' (days > 0)", arg);
    case OPT_EVERY:
        return parse_days(arg, &a->every)
                   ? 0
                   : usage_error("bad --every '%s' (days > 0)", arg);
    case OPT_SNAPSHOTS: {
        char *end;
        errno = 0;
        a->snapshots = strtol(arg, &end, 10);
        if (end == arg || *end || errno || a->snapshots < 1 ||
            a->snapshots > 1000)
            return usage_error("bad --snapshots '%s' (1 to 1000)", arg);
        return 0;
    }
    case OPT_ACTIVE_WINDOW: {
        double days;
        if (!parse_days(arg, &days))
            return usage_error("bad --active-window '%s' (days > 0)", arg);
        return churn_feature_opts_set_active_window(o, days) ? 2 : 0;
    }
    case OPT_ROLE: return set_role(o, arg);
    case OPT_ID_COLUMN: case OPT_TIME_COLUMN: case OPT_EVENT_COLUMN:
    case OPT_VALUE_COLUMN:
        if (churn_feature_opts_set_column(o, columns[c - OPT_ID_COLUMN], arg))
            return usage_error("empty column name '%s'", arg);
        return 0;
    default: return usage_error("%s", "unknown option");
    }
}

/* Checks the combination of options and puts them into o. */
static int finish_options(const args *a, churn_feature_opts *o)
{
    if (!a->events)
        return usage_error("%s", "missing --events FILE");
    if (!a->has_as_of)
        return usage_error("%s", "missing --as-of DATE");
    if (!a->output)
        return usage_error("%s", "missing -o FILE");
    if (a->every > 0 && a->snapshots == 0)
        return usage_error("%s", "--every needs --snapshots");
    if (a->snapshots > 1 && !(a->every > 0))
        return usage_error("%s", "--snapshots needs --every DAYS");
    churn_feature_opts_set_as_of(o, (int64_t)floor(a->as_of));
    if (a->horizon > 0)
        churn_feature_opts_set_horizon(o, a->horizon);
    if (a->snapshots > 0)
        churn_feature_opts_set_snapshots(o, (size_t)a->snapshots,
                                         a->every > 0 ? a->every : 1);
    return 0;
}

/* Every feature as an aligned table. */
static void print_list(void)
{
    size_t n, w_name = 4, w_unit = 4;
    const churn_feature_info *f = churn_feature_list(&n);
    for (size_t i = 0; i < n; i++) {
        if (strlen(f[i].name) > w_name)
            w_name = strlen(f[i].name);
        if (strlen(f[i].unit) > w_unit)
            w_unit = strlen(f[i].unit);
    }
    printf("%-*s  %-*s  %s\n", (int)w_name, "name", (int)w_unit, "unit",
           "meaning");
    for (size_t i = 0; i < n; i++)
        printf("%-*s  %-*s  %s\n", (int)w_name, f[i].name, (int)w_unit,
               f[i].unit, f[i].meaning);
    printf("%-*s  %-*s  %s\n", (int)w_name, "events_<name>_30d", (int)w_unit,
           "count", "events of each unknown event name in the last 30 days "
           "(first 64 names)");
    printf("\nWindows end just before the as-of date; \"the last 30 days\" "
           "is [t - 30 days, t).\nColumns of --customers follow, under their "
           "own names.\n");
}

static void on_progress(void *user, const char *stage, uint64_t done,
                        uint64_t total)
{
    (void)user;
    if (total > 0)
        fprintf(stderr, "\r%s: %3.0f%%", stage, 100.0 * (double)done /
                                                    (double)total);
    else
        fprintf(stderr, "\r%s: %llu", stage, (unsigned long long)done);
}

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* One line on stderr: customers at the as-of date, rows, churn rate. */
static void print_summary(const churn_dataset *ds, const args *a,
                          double seconds)
{
    size_t rows = churn_dataset_n_rows(ds), at_t0 = 0, labelled = 0;
    double churned = 0;
    for (size_t i = 0; i < rows; i++) {
        double as_of = churn_dataset_as_of(ds, i);
        at_t0 += isnan(as_of) || as_of == floor(a->as_of);
        double y = churn_dataset_label(ds, i);
        if (!isnan(y)) {
            labelled++;
            churned += y;
        }
    }
    char date[16];
    churn_format_date(a->as_of, date, sizeof date);
    fprintf(stderr, PROG ": %zu customers at %s, %zu rows", at_t0, date,
            rows);
    if (a->snapshots > 1)
        fprintf(stderr, " over %ld snapshots", a->snapshots);
    if (labelled)
        fprintf(stderr, ", churn rate %.1f%%", 100.0 * churned /
                                                   (double)labelled);
    fprintf(stderr, ", %.2f s\n", seconds);
}

/* Reads, extracts, writes; returns the exit status. */
static int run(const args *a, churn_feature_opts *o)
{
    double start = seconds_now();
    churn_error err;
    churn_error_clear(&err);
    churn_dataset *customers = NULL, *ds = NULL;
    churn_csv_opts *copts = NULL;
    int rc = CHURN_OK;
    if (isatty(STDERR_FILENO))
        churn_feature_opts_set_progress(o, on_progress, NULL);
    if (a->customers) {
        copts = churn_csv_opts_new();
        rc = copts ? churn_dataset_read_csv(a->customers, copts, &customers,
                                            &err)
                   : CHURN_ENOMEM;
    }
    if (rc == CHURN_OK)
        rc = churn_features_extract(a->events, customers, o, &ds, &err);
    if (isatty(STDERR_FILENO))
        fprintf(stderr, "\r\033[K");
    if (rc == CHURN_OK)
        rc = churn_dataset_write_csv(ds, a->output, "customer_id", &err);
    if (rc == CHURN_OK)
        print_summary(ds, a, seconds_now() - start);
    else
        fprintf(stderr, PROG ": %s\n",
                err.message[0] ? err.message : churn_strerror(rc));
    churn_dataset_free(ds);
    churn_dataset_free(customers);
    churn_csv_opts_free(copts);
    return rc == CHURN_OK ? 0 : 1;
}

int main(int argc, char **argv)
{
    args a = {0};
    churn_feature_opts *o = churn_feature_opts_new();
    if (!o) {
        fprintf(stderr, PROG ": out of memory\n");
        return 1;
    }
    int status = 0, c;
    opterr = 0; /* we say what is wrong ourselves */
    while (status == 0 &&
           (c = getopt_long(argc, argv, ":o:hV", long_options, NULL)) != -1) {
        if (c == 'h' || c == 'V') {
            if (c == 'h')
                fputs(usage_text, stdout);
            else
                printf(PROG " (churn) %s\n", churn_version());
            churn_feature_opts_free(o);
            return 0;
        }
        if (c == '?')
            status = usage_error("unknown option '%s'", argv[optind - 1]);
        else if (c == ':')
            status = usage_error("option '%s' needs a value",
                                 argv[optind - 1]);
        else
            status = take_option(c, optarg, &a, o);
    }
    if (status == 0 && optind < argc)
        status = usage_error("unexpected argument '%s'", argv[optind]);
    if (status == 0 && a.list) {
        print_list();
    } else if (status == 0) {
        status = finish_options(&a, o);
        if (status == 0)
            status = run(&a, o);
    }
    churn_feature_opts_free(o);
    return status;
}

/* churn-features - an event log in, one feature row per customer (and
 * snapshot) out, as CSV. */
#include "churn.h"
#include "cli.h"
#include "mpi.h"
#include "shards.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(void)
{
    printf(
        "Usage: churn-features --events EVENTS.csv --as-of YYYY-MM-DD "
        "-o FEATURES.csv [options]\n"
        "       churn-features --list\n"
        "       churn-features --events EVENTS.csv --list-events\n"
        "\n"
        "Turns an event log (customer_id,timestamp,event[,value]) into one row\n"
        "of features per customer active before the as-of date. Only events\n"
        "before that date are used for features; with --horizon, the events in\n"
        "[as-of, as-of + horizon) decide the label column 'churned', and\n"
        "days_to_churn follows it: days from the as-of date (of each\n"
        "snapshot) to the churn, empty when not churned (censored). It is the\n"
        "first cancel in the window; for logs without cancel events, the day\n"
        "the silence reached the horizon (last activity before the as-of date\n"
        "+ horizon - as-of, 0 if it already had). Readers never take\n"
        "days_to_churn as a model input. Columns of\n"
        "--customers are joined in: numbers stay numbers, dates become days\n"
        "from the as-of date (<name>_days), other text becomes categories.\n"
        "Numbers are written in the shortest form that reads back to the same\n"
        "double (956.88, not 956.8800000000001; never -0); sums of values are\n"
        "exact decimal sums of the values as written (0.1 + 0.2 = 0.3).\n"
        "\n"
        "Options:\n"
        "%s"
        "%s"
        "  -o, --output FILE        where to write the features (CSV, atomically)\n"
        "      --list               print every feature: name, unit, meaning\n"
        "      --list-events        read --events only and print each event name\n"
        "                           with its rows, role and per-name column\n"
        "                           (--as-of optional); write no features\n"
        "      --mpi                run as one rank of an MPI job (built with\n"
        "                           MPI): --events and --customers are glob\n"
        "                           patterns (quote them) of shard files,\n"
        "                           sorted by name, rank r taking matches r,\n"
        "                           r+P, ... (events shard i with customers\n"
        "                           shard i; all events of a customer in one\n"
        "                           shard), or patterns with {rank}; -o must\n"
        "                           hold {rank}: each rank writes its own file,\n"
        "                           {rank} zero-padded to the digits of P-1\n"
        "                           (features-{rank}.csv: features-0.csv, ...);\n"
        "                           a rank without shards writes the header\n"
        "  -h, --help               show this help and exit\n"
        "  -V, --version            show the version and exit\n"
        "\n"
        "Examples:\n"
        "  churn-features --events events.csv --customers customers.csv \\\n"
        "      --as-of 2024-01-01 --horizon 90 -o features.csv\n"
        "  mpirun -np 4 churn-features --mpi --events 'events-*.csv' \\\n"
        "      --as-of 2024-01-01 --horizon 90 -o 'features-{rank}.csv'\n",
        cli_history_help, cli_table_help);
}

/* Every feature as an aligned table. */
static void print_list(void)
{
    size_t n, w_name = 17, w_unit = 4;
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
           "own names (dates as <name>_days).\n");
}

/* On stderr: customers at the as-of date, rows, snapshots, churn rate,
 * time; how many customers of the log the customers file has a row for;
 * the most frequent event names with their roles. */
static void print_summary(const churn_dataset *ds, const cli_history *h,
                          double seconds, const churn_comm *comm)
{
    size_t rows = churn_dataset_n_rows(ds), at_t0 = 0, labelled = 0;
    double churned = 0;
    for (size_t i = 0; i < rows; i++) {
        double t = churn_dataset_as_of(ds, i);
        at_t0 += isnan(t) || t == (double)h->as_of;
        double y = churn_dataset_label(ds, i);
        if (!isnan(y)) {
            labelled++;
            churned += y;
        }
    }
    /* With --mpi: every rank's rows and customers; rank 0 tells. */
    /* A rank without shards joined nothing: 0 matches, not NaN. */
    double matched = churn_feature_stats_value(h->stats, "customers_matched");
    double v[6] = {(double)at_t0, (double)rows, (double)labelled, churned,
                   h->customers && isnan(matched) ? 0 : matched,
                   churn_feature_stats_value(h->stats, "customers")};
    if (comm && comm->allreduce(comm->user, v, 6, CHURN_REDUCE_SUM) != 0)
        return;
    if (comm) /* one rank's extraction warned about its own share only */
        cli_history_join_warning(h, v[4], v[5]);
    if (cli_silent)
        return;
    churned = v[3];
    labelled = (size_t)v[2];
    char date[16];
    churn_format_date((double)h->as_of, date, sizeof date);
    fprintf(stderr, "churn-features: %.0f customers at %s, %.0f rows", v[0],
            date, v[1]);
    if (comm)
        fprintf(stderr, " on %d ranks", comm->size);
    if (h->snapshots > 1)
        fprintf(stderr, " over %zu snapshots", h->snapshots);
    if (labelled)
        fprintf(stderr, ", churn rate %.1f%%",
                100.0 * churned / (double)labelled);
    fprintf(stderr, ", %.2f s\n", seconds);
    char line[1024];
    if (h->customers && !isnan(v[4]))
        fprintf(stderr, "churn-features: %s has a row for %.0f of the %.0f "
                "customers in %s\n", h->customers, v[4], v[5], h->events);
    if (!comm) { /* event names are not gathered over the ranks */
        cli_history_events_line(h, 5, line, sizeof line);
        fprintf(stderr, "churn-features: events: %s\n", line);
    }
}

/* What churn-features is asked to do. */
enum features_task { WRITE_FEATURES, LIST_FEATURES, LIST_EVENTS };

/* Parses the options into h and *output; exits 2 on a usage error, 0
 * after --help or --version. */
static enum features_task parse_args(int argc, char **argv, cli_history *h,
                                     const char **output)
{
    enum { LIST = 1, MPI_OPT, LIST_EVENTS_OPT };
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"list", no_argument, NULL, LIST},
        {"list-events", no_argument, NULL, LIST_EVENTS_OPT},
        {"mpi", no_argument, NULL, MPI_OPT},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        CLI_HISTORY_OPTIONS,
        {NULL, 0, NULL, 0}};
    int list = 0, list_events = 0, c;
    opterr = 0; /* cli_bad_option says what is wrong */
    while ((c = getopt_long(argc, argv, ":o:hV", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': *output = optarg; break;
        case LIST: list = 1; break;
        case LIST_EVENTS_OPT: list_events = 1; break;
        case MPI_OPT: break; /* cli_mpi_start has seen it */
        case 'h':
            usage();
            cli_history_free(h);
            exit(0);
        case 'V':
            cli_print_version();
            cli_history_free(h);
            exit(0);
        default:
            if (c >= CLI_HISTORY_BASE)
                cli_history_option(h, c, optarg);
            else
                cli_bad_option(c, argv);
        }
    }
    if (optind < argc)
        cli_usage_error("unexpected argument '%s'", argv[optind]);
    return list ? LIST_FEATURES : list_events ? LIST_EVENTS : WRITE_FEATURES;
}

/* Extracts the features of h's history (with comm, of this rank's
 * shards) and writes them to output (with comm, this rank's file: output
 * with {rank}); then the summary. Exits 1 (every rank, with comm) when
 * either fails. */
static void extract_and_write(const cli_history *h, const char *output,
                              const churn_comm *comm)
{
    double start = cli_now();
    churn_error err;
    churn_dataset *ds = NULL;
    int rc = CHURN_OK;
    char *path = NULL;
    if (comm) {
        if ((rc = cli_shards_history(comm, h, &ds, &err)) != CHURN_OK)
            cli_fail_err(rc, &err); /* agreed already */
        if (!(path = cli_rank_name(comm, output)))
            rc = cli_error_set(&err, CHURN_ENOMEM, "out of memory");
    } else {
        ds = cli_history_extract(h);
    }
    if (rc == CHURN_OK)
        rc = churn_dataset_write_csv(ds, path ? path : output, "customer_id",
                                     &err);
    cli_agree_or_fail(comm, rc, &err);
    print_summary(ds, h, cli_now() - start, comm);
    free(path);
    churn_dataset_free(ds);
}

int main(int argc, char **argv)
{
    const char *output = NULL;
    cli_history h;
    cli_tool = "churn-features";
    const churn_comm *comm = cli_mpi_start(&argc, &argv);
    cli_history_init(&h);
    enum features_task task = parse_args(argc, argv, &h, &output);
    if (task == LIST_FEATURES) {
        print_list();
    } else if (task == LIST_EVENTS) {
        if (!h.events)
            cli_usage_error("--list-events needs --events");
        if (comm)
            cli_usage_error("--list-events reads one file: not with --mpi");
        cli_history_list_events(&h);
    } else {
        cli_history_check(&h);
        if (!output)
            cli_usage_error("-o FEATURES.csv is required");
        if (comm && !strstr(output, "{rank}"))
            cli_usage_error("--mpi: each rank writes its own file: -o needs "
                            "{rank} in the name, e.g. -o "
                            "'features-{rank}.csv'");
        extract_and_write(&h, output, comm);
    }
    cli_history_free(&h);
    return 0;
}

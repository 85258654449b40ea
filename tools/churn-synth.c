/* churn-synth - writes synthetic customer histories with known churn odds. */
#include "churn.h"
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void usage(void)
{
    fputs(
        "Usage: churn-synth -o DIR [options]\n"
        "       churn-synth --table ROWS [--features D] [-s S] -o FILE.csv\n"
        "\n"
        "Writes a synthetic customer history into DIR (created if absent):\n"
        "  events.csv     customer_id,timestamp,event,value - one row per event\n"
        "                 (signup, login, invite_sent, feature_export, purchase,\n"
        "                 ticket_opened, ticket_closed, survey, cancel), UTC\n"
        "                 times YYYY-MM-DDTHH:MM:SSZ, grouped by customer, not\n"
        "                 sorted by time; covers [as-of - history, as-of + "
        "horizon)\n"
        "  customers.csv  customer_id,plan,region,monthly_fee,contract_end\n"
        "  truth.csv      customer_id,churn_probability,churned for every\n"
        "                 customer active at the as-of date: the true chance of\n"
        "                 a cancel within the horizon, and whether one happened\n"
        "With --table, writes instead one labeled numeric CSV to FILE.csv:\n"
        "  customer_id,x1..xD,churned - ROWS rows of standard normal values\n"
        "                 (4 decimals), churned drawn from a known, partly\n"
        "                 nonlinear logistic model (for benchmarks)\n"
        "The same options and seed always give the same files. The models\n"
        "behind them are described in docs/SYNTH.md.\n"
        "\n"
        "Options:\n"
        "  -o, --output DIR         folder to write into (required)\n"
        "  -n, --customers N        number of customers (default 1000)\n"
        "  -s, --seed S             random seed (default 1)\n"
        "      --as-of DATE         as-of date YYYY-MM-DD (default 2025-01-01)\n"
        "                           or YYYY-MM-DDTHH:MM:SS[Z] (UTC), and\n"
        "                           never numbers such as 20250101\n"
        "      --history-days D     days of history before it (default 365)\n"
        "      --horizon D          days after it that decide churn (default 90)\n"
        "      --activity-rate R    activity events per active customer-day\n"
        "                           (default 0.7)\n"
        "      --table ROWS         write a numeric table of ROWS rows to the\n"
        "                           file -o names, instead of histories\n"
        "      --features D         columns of the table (default 40)\n"
        "  -q, --quiet              no summary line\n"
        "  -h, --help               show this help and exit\n"
        "  -V, --version            show the version and exit\n"
        "\n"
        "Example:\n"
        "  churn-synth -o hist --customers 20000 --seed 7\n"
        "  churn-synth --table 200000 --features 40 -o table.csv\n",
        stdout);
}

static void on_progress(void *user, const char *stage, uint64_t done,
                        uint64_t total)
{
    *(uint64_t *)user = done;
    cli_progress(NULL, stage, done, total);
}

/* Applies a setter's verdict: a value the library refuses is a usage
 * error naming the option. */
static void check(int rc, const char *opt, const char *arg)
{
    if (rc != CHURN_OK)
        cli_usage_error("%s: '%s' is out of range", opt, arg);
}

/* The summary line: customers, events, churn rate among the active. */
static void print_summary(const char *dir, size_t customers, uint64_t events,
                          double seconds)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/truth.csv", dir);
    churn_csv_opts *o = churn_csv_opts_new();
    churn_dataset *truth = NULL;
    churn_error err;
    if (!o || churn_csv_opts_set_label_column(o, "churned") ||
        churn_dataset_read_csv(path, o, &truth, &err) != CHURN_OK)
        cli_fail("cannot read back %s", path);
    size_t active = churn_dataset_n_rows(truth), churned = 0;
    for (size_t i = 0; i < active; i++)
        churned += churn_dataset_label(truth, i) > 0.5;
    fprintf(stderr, "churn-synth: %zu customers, %llu events, %zu active at "
                    "as-of, churn rate %.1f %% in the horizon, %.2f s\n",
            customers, (unsigned long long)events, active,
            active ? 100.0 * (double)churned / (double)active : 0.0, seconds);
    churn_dataset_free(truth);
    churn_csv_opts_free(o);
}

/* --table: one numeric CSV; the summary counts rows and churners. */
static void write_table(churn_synth_opts *o, size_t rows, size_t features,
                        const char *path, int quiet)
{
    churn_error err;
    double start = cli_now();
    churn_synth_opts_set_progress(o, cli_progress, NULL);
    int rc = churn_synth_table(o, rows, features, path, &err);
    cli_progress_done();
    if (rc != CHURN_OK)
        cli_fail_err(rc, &err);
    if (!quiet)
        fprintf(stderr, "churn-synth: %zu rows x %zu features, %.2f s\n",
                rows, features, cli_now() - start);
}

/* The histories into folder dir: events, customers and truth files; the
 * summary reads the truth back. */
static void write_histories(churn_synth_opts *o, const char *dir,
                            size_t customers, int quiet)
{
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        cli_fail("%s: cannot create folder: %s", dir, strerror(errno));
    uint64_t events = 0;
    churn_synth_opts_set_progress(o, on_progress, &events);
    double start = cli_now();
    churn_error err;
    int rc = churn_synth_generate(o, dir, &err);
    cli_progress_done();
    if (rc != CHURN_OK)
        cli_fail_err(rc, &err);
    if (!quiet)
        print_summary(dir, customers, events, cli_now() - start);
}

typedef struct synth_args {
    const char *dir;                       /* -o: a folder, or --table's file */
    size_t customers, table_rows, features; /* table_rows 0: histories */
    int quiet;
    churn_synth_opts *o;                   /* the generator's options */
} synth_args;

static void parse_args(int argc, char **argv, synth_args *a)
{
    enum { AS_OF = 1, HISTORY, HORIZON, RATE, TABLE, FEATURES };
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"customers", required_argument, NULL, 'n'},
        {"seed", required_argument, NULL, 's'},
        {"as-of", required_argument, NULL, AS_OF},
        {"history-days", required_argument, NULL, HISTORY},
        {"horizon", required_argument, NULL, HORIZON},
        {"activity-rate", required_argument, NULL, RATE},
        {"table", required_argument, NULL, TABLE},
        {"features", required_argument, NULL, FEATURES},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0}};
    churn_synth_opts *o = a->o;
    int c;
    opterr = 0; /* cli_bad_option says what is wrong */
    while ((c = getopt_long(argc, argv, ":o:n:s:qhV", longopts, NULL)) !=
           -1) {
        switch (c) {
        case 'o': a->dir = optarg; break;
        case 'q': a->quiet = 1; break;
        case 'h':
            usage();
            churn_synth_opts_free(o);
            exit(0);
        case 'V':
            cli_print_version();
            churn_synth_opts_free(o);
            exit(0);
        case 'n':
            a->customers = cli_size("--customers", optarg, 1, 100000000);
            check(churn_synth_opts_set_customers(o, a->customers),
                  "--customers", optarg);
            break;
        case 's':
            churn_synth_opts_set_seed(
                o, cli_size("--seed", optarg, 0, (size_t)-1));
            break;
        case AS_OF:
            check(churn_synth_opts_set_as_of(o, cli_date("--as-of", optarg)),
                  "--as-of", optarg);
            break;
        case HISTORY:
            check(churn_synth_opts_set_history_days(
                      o, cli_double("--history-days", optarg, 1, 36500)),
                  "--history-days", optarg);
            break;
        case HORIZON:
            check(churn_synth_opts_set_horizon(
                      o, cli_double("--horizon", optarg, 1, 3650)),
                  "--horizon", optarg);
            break;
        case RATE:
            check(churn_synth_opts_set_activity_rate(
                      o, cli_double("--activity-rate", optarg, 0, 1000)),
                  "--activity-rate", optarg);
            break;
        case TABLE:
            a->table_rows = cli_size("--table", optarg, 1, 1000000000);
            break;
        case FEATURES:
            a->features = cli_size("--features", optarg, 1, 10000);
            break;
        default: cli_bad_option(c, argv);
        }
    }
    if (optind < argc)
        cli_usage_error("unexpected argument '%s'", argv[optind]);
    if (!a->dir)
        cli_usage_error(a->table_rows ? "no output file given (-o FILE.csv)"
                                      : "no output folder given (-o DIR)");
}

int main(int argc, char **argv)
{
    synth_args a = {.customers = 1000, .features = 40};
    cli_tool = "churn-synth";
    if (!(a.o = churn_synth_opts_new()))
        cli_fail("out of memory");
    parse_args(argc, argv, &a);
    if (a.table_rows)
        write_table(a.o, a.table_rows, a.features, a.dir, a.quiet);
    else
        write_histories(a.o, a.dir, a.customers, a.quiet);
    churn_synth_opts_free(a.o);
    return 0;
}

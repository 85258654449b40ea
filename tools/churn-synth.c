/* churn-synth.c - writes a synthetic customer history with known churn odds. */
#include "churn.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static const char usage_text[] =
    "usage: churn-synth -o DIR [options]\n"
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
    "The same options and seed always give the same files.\n"
    "\n"
    "options:\n"
    "  -o, --output DIR         folder to write into (required)\n"
    "  -n, --customers N        number of customers (default 1000)\n"
    "  -s, --seed S             random seed (default 1)\n"
    "      --as-of DATE         as-of date YYYY-MM-DD (default 2025-01-01)\n"
    "      --history-days D     days of history before it (default 365)\n"
    "      --horizon D          days after it that decide churn (default 90)\n"
    "      --activity-rate R    activity events per active customer-day\n"
    "                           (default 0.7)\n"
    "  -q, --quiet              no summary line\n"
    "  -h, --help               this help\n"
    "  -V, --version            the version\n";

static int usage_error(const char *fmt, const char *arg)
{
    fputs("churn-synth: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\nTry 'churn-synth --help'.\n", stderr);
    return 2;
}

/* Parses a whole argument as a number; 0 if it is not one. */
static int parse_number(const char *text, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end || errno == ERANGE || !isfinite(v))
        return 0;
    *out = v;
    return 1;
}

static int parse_count(const char *text, uint64_t *out)
{
    char *end;
    if (*text == '-' || *text == '+')
        return 0;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (end == text || *end || errno == ERANGE)
        return 0;
    *out = v;
    return 1;
}

/* What main gathers from the arguments and the run. */
struct run {
    const char *dir;
    size_t customers;
    int quiet;
    uint64_t events; /* from the progress callback */
};

static void on_progress(void *user, const char *stage, uint64_t done,
                        uint64_t total)
{
    (void)stage;
    (void)total;
    ((struct run *)user)->events = done;
}

/* Share of rows of truth.csv whose last field is 1, for the summary. */
static int churn_rate(const char *dir, size_t *active, double *rate)
{
    char path[4096], line[256];
    snprintf(path, sizeof path, "%s/truth.csv", dir);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    size_t rows = 0, churned = 0;
    while (fgets(line, sizeof line, f)) {
        size_t n = strcspn(line, "\r\n");
        if (rows++ > 0 && n > 0 && line[n - 1] == '1')
            churned++;
    }
    fclose(f);
    *active = rows > 0 ? rows - 1 : 0;
    *rate = *active ? (double)churned / (double)*active : 0;
    return 1;
}

/* Sets a numeric option with set; 0, or 2 after a usage message. */
static int set_amount(churn_synth_opts *o,
                      int (*set)(churn_synth_opts *, double),
                      const char *flag, const char *arg)
{
    double x;
    if (parse_number(arg, &x) && set(o, x) == CHURN_OK)
        return 0;
    fprintf(stderr, "churn-synth: bad %s '%s'\n", flag, arg);
    fputs("Try 'churn-synth --help'.\n", stderr);
    return 2;
}

/* Applies one option to o or run; returns 0 or a usage error's exit code
 * (2), or -1 when the option asks to exit at once with status 0. */
static int set_option(churn_synth_opts *o, struct run *run, int c,
                      const char *arg)
{
    double x;
    uint64_t n;
    switch (c) {
    case 'o':
        run->dir = arg;
        return 0;
    case 'q':
        run->quiet = 1;
        return 0;
    case 'h':
        fputs(usage_text, stdout);
        return -1;
    case 'V':
        printf("churn-synth %s\n", churn_version());
        return -1;
    case 'n':
        if (!parse_count(arg, &n) || n > SIZE_MAX ||
            churn_synth_opts_set_customers(o, (size_t)n) != CHURN_OK)
            return usage_error("bad --customers '%s'", arg);
        run->customers = (size_t)n;
        return 0;
    case 's':
        if (!parse_count(arg, &n))
            return usage_error("bad --seed '%s'", arg);
        churn_synth_opts_set_seed(o, n);
        return 0;
    case 'a':
        if (churn_parse_time(arg, strlen(arg), &x) != CHURN_OK ||
            churn_synth_opts_set_as_of(o, (int64_t)floor(x)) != CHURN_OK)
            return usage_error("bad --as-of '%s' (want YYYY-MM-DD)", arg);
        return 0;
    case 'H':
        return set_amount(o, churn_synth_opts_set_history_days,
                          "--history-days", arg);
    case 'z':
        return set_amount(o, churn_synth_opts_set_horizon, "--horizon", arg);
    case 'r':
        return set_amount(o, churn_synth_opts_set_activity_rate,
                          "--activity-rate", arg);
    }
    fputs("Try 'churn-synth --help'.\n", stderr);
    return 2; /* getopt_long has said what is wrong */
}

static int generate(churn_synth_opts *o, struct run *run)
{
    const char *dir = run->dir;
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "churn-synth: %s: cannot create folder: %s\n", dir,
                strerror(errno));
        return 1;
    }
    churn_synth_opts_set_progress(o, on_progress, run);
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    churn_error err;
    if (churn_synth_generate(o, dir, &err) != CHURN_OK) {
        fprintf(stderr, "churn-synth: %s\n", err.message);
        return 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    double seconds = (double)(end.tv_sec - start.tv_sec) +
                     (double)(end.tv_nsec - start.tv_nsec) / 1e9;
    size_t active = 0;
    double rate = 0;
    if (!run->quiet && churn_rate(dir, &active, &rate))
        fprintf(stderr,
                "churn-synth: %zu customers, %llu events, %zu active at "
                "as-of, churn rate %.1f %% in the horizon, %.2f s\n",
                run->customers, (unsigned long long)run->events, active,
                100 * rate, seconds);
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"customers", required_argument, NULL, 'n'},
        {"seed", required_argument, NULL, 's'},
        {"as-of", required_argument, NULL, 'a'},
        {"history-days", required_argument, NULL, 'H'},
        {"horizon", required_argument, NULL, 'z'},
        {"activity-rate", required_argument, NULL, 'r'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    churn_synth_opts *o = churn_synth_opts_new();
    if (!o) {
        fputs("churn-synth: out of memory\n", stderr);
        return 1;
    }
    struct run run = {NULL, 1000, 0, 0};
    int c, status = 0;
    while (status == 0 &&
           (c = getopt_long(argc, argv, "o:n:s:qhV", longopts, NULL)) != -1)
        status = set_option(o, &run, c, optarg);
    if (status == 0 && optind < argc)
        status = usage_error("unexpected argument '%s'", argv[optind]);
    if (status == 0 && !run.dir)
        status = usage_error("%s", "no output folder given (-o DIR)");
    if (status == 0)
        status = generate(o, &run);
    else if (status < 0)
        status = 0;
    churn_synth_opts_free(o);
    return status;
}

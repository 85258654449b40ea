/* churn-segment - an event log in, per-customer RFM segment, lifecycle
 * stage and health score out (CSV), a summary table and retention KPIs on
 * stdout. */
#include "churn.h"
#include "cli.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(void)
{
    printf(
        "Usage: churn-segment --events EVENTS.csv --as-of YYYY-MM-DD "
        "-o SEGMENTS.csv [options]\n"
        "\n"
        "Segments the customers active before the as-of date, from the\n"
        "same features churn-features computes (only events before that\n"
        "date): RFM scores 1-5 and a named segment, a lifecycle stage\n"
        "(new, active, dormant, lost) and a health score 0-100 with its\n"
        "tier and the points of each component. Customers who cancelled\n"
        "before the as-of date are listed too, as stage lost with their\n"
        "cancel_date (the column is empty for the others) and no scores,\n"
        "segment or tier, so the stages cover every customer seen before\n"
        "it; RFM scores rank the others only. Prints customers per\n"
        "segment, stage and tier (with their churn rate when --horizon\n"
        "gives labels) and, with --kpi-from and --kpi-to, the retention\n"
        "KPIs of that period and its cohort table.\n"
        "\n"
        "Options:\n"
        "%s"
        "%s"
        "  -o, --output FILE        where to write the segments (CSV,\n"
        "                           atomically; numbers in the shortest form\n"
        "                           that reads back to the same double)\n"
        "      --rules FILE         RFM segment rules, CSV segment,r,f,m with\n"
        "                           *, N or N-M per score; first match wins\n"
        "      --rfm-columns R,F,M  feature columns behind the scores\n"
        "                           (default recency_activity_days,\n"
        "                           activity_90d,monetary_90d)\n"
        "      --new-days D         tenure below D days is 'new' (default 30)\n"
        "      --dormant-days D     no activity for D days is 'dormant' (30)\n"
        "      --lost-days D        no activity for D days is 'lost' (90)\n"
        "      --weight NAME=W      weight of a health component, repeatable:\n"
        "                           activity, activity_trend, recency,\n"
        "                           tickets, satisfaction, satisfaction_trend,\n"
        "                           payment_recency\n"
        "      --tiers H,W          health tiers: healthy >= H, watch >= W,\n"
        "                           else at_risk (default 70,40)\n"
        "      --fit-weights        fit the health weights to the labels\n"
        "                           (needs --horizon; replaces --weight): each\n"
        "                           weight is how much that component alone\n"
        "                           lowers the log-odds of churn in a logistic\n"
        "                           model of the label on the components\n"
        "      --model FILE         a survival model (churn-train --model\n"
        "                           survival): each scored customer's lifetime\n"
        "                           value as the last column, clv; its mean\n"
        "                           and total per health tier\n"
        "      --margin COLUMN|VALUE\n"
        "                           margin per month for it: a numeric\n"
        "                           column (give --customers) or one value\n"
        "                           (default 1: the clv is in months)\n"
        "      --discount-rate R    per month (default 0); clv = sum over\n"
        "                           months m = 1..120 of margin S(m)/(1+R)^m\n"
        "      --kpi-from DATE      retention KPIs over [FROM, TO):\n"
        "      --kpi-to DATE        customers, retention, churn and revenue\n"
        "                           retention, and the monthly cohort\n"
        "                           retention table\n"
        "  -h, --help               show this help and exit\n"
        "  -V, --version            show the version and exit\n"
        "\n"
        "Example:\n"
        "  churn-segment --events events.csv --as-of 2025-01-01 \\\n"
        "      --horizon 90 --kpi-from 2024-07-01 --kpi-to 2025-01-01 \\\n"
        "      -o                   segments.csv\n",
        cli_history_help, cli_table_help);
}

/* Everything the segment-specific options say. */
typedef struct seg_args {
    churn_segment_opts *opts;
    const char *output, *rules;
    double new_days, dormant_days, lost_days;
    int fit;
    cli_kpi_window kpi;                /* --kpi-from, --kpi-to */
    const char *model, *margin_column; /* --model, --margin COLUMN */
    double margin, rate;               /* --margin VALUE (NaN: none) */
} seg_args;

/* Splits "A,B[,C]" into n parts of at most 127 bytes each. */
static void split(const char *opt, const char *arg, size_t n,
                  char parts[][128])
{
    const char *p = arg;
    for (size_t i = 0; i < n; i++) {
        const char *end = i + 1 < n ? strchr(p, ',') : p + strlen(p);
        size_t len = end ? (size_t)(end - p) : 0;
        if (!end || len == 0 || len >= 128 || (i + 1 == n && strchr(p, ',')))
            cli_usage_error("%s: expected %zu comma-separated values, got "
                            "'%s'", opt, n, arg);
        memcpy(parts[i], p, len);
        parts[i][len] = '\0';
        p = end + 1;
    }
}

static void set_weight(seg_args *a, const char *arg)
{
    const char *eq = strchr(arg, '=');
    char name[64];
    size_t n = eq ? (size_t)(eq - arg) : 0;
    if (!eq || n == 0 || n >= sizeof name)
        cli_usage_error("--weight: expected NAME=WEIGHT, got '%s'", arg);
    memcpy(name, arg, n);
    name[n] = '\0';
    double w = cli_double("--weight", eq + 1, 0, 1e6);
    if (churn_segment_opts_set_health_weight(a->opts, name, w) != CHURN_OK)
        cli_usage_error("--weight: unknown component '%s' or all weights "
                        "0", name);
}

static void set_tiers(seg_args *a, const char *arg)
{
    char parts[2][128];
    split("--tiers", arg, 2, parts);
    double healthy = cli_double("--tiers", parts[0], 0, 100);
    double watch = cli_double("--tiers", parts[1], 0, 100);
    if (churn_segment_opts_set_health_tiers(a->opts, healthy, watch))
        cli_usage_error("--tiers: need 100 >= healthy >= watch >= 0");
}

static void set_rfm_columns(seg_args *a, const char *arg)
{
    char parts[3][128];
    split("--rfm-columns", arg, 3, parts);
    if (churn_segment_opts_set_rfm_columns(a->opts, parts[0], parts[1],
                                           parts[2]) != CHURN_OK)
        cli_fail("out of memory");
}

/* --fit-weights: a logistic model of the label on the components'
 * fractions (0..1), then each weight = the fall in log-odds of churn from
 * fraction 0 to 1 of that component alone (0 when it raises them), so the
 * health score ranks customers as that model does, as far as a sum of
 * non-negative points can. Probing the model at 0 and at each unit vector
 * reads those effects through the public API; the model is linear in its
 * inputs, so the differences are exact. Prints the weights. */
static void fit_weights(const churn_dataset *features, churn_segment_opts *o)
{
    size_t n_comp = churn_health_n_components();
    size_t n = churn_dataset_n_rows(features);
    churn_dataset *seg = NULL, *train = churn_dataset_new(n_comp);
    churn_dataset *probe = churn_dataset_new(n_comp);
    churn_train_opts *to = churn_train_opts_new();
    churn_model *m = NULL;
    churn_error err;
    double row[16], prob[17];
    if (!train || !probe || !to || n_comp > 16)
        cli_fail("out of memory");
    /* Equal weights: every health_<k> column is fraction x 100 / n_comp. */
    for (size_t k = 0; k < n_comp; k++)
        churn_segment_opts_set_health_weight(o, churn_health_component(k), 1);
    int rc = churn_segment(features, o, &seg, &err);
    for (size_t k = 0; k < n_comp && rc == CHURN_OK; k++) {
        rc = churn_dataset_set_column(train, k, churn_health_component(k),
                                      CHURN_NUMERIC, &err);
        if (rc == CHURN_OK)
            rc = churn_dataset_set_column(probe, k, churn_health_component(k),
                                          CHURN_NUMERIC, &err);
    }
    if (rc == CHURN_OK)
        rc = churn_dataset_set_label_name(train, "churned", &err);
    size_t first = rc == CHURN_OK
                       ? churn_dataset_column_index(seg, "health_activity")
                       : 0; /* the components follow in their order */
    for (size_t i = 0; i < n && rc == CHURN_OK; i++) {
        if (isnan(churn_dataset_label(seg, i)))
            continue; /* cancelled before the as-of: not scored */
        for (size_t k = 0; k < n_comp; k++)
            row[k] = churn_dataset_value(seg, i, first + k) *
                     (double)n_comp / 100;
        rc = churn_dataset_add_row(train, NULL, row,
                                   churn_dataset_label(seg, i), &err);
    }
    for (size_t r = 0; r <= n_comp && rc == CHURN_OK; r++) {
        for (size_t k = 0; k < n_comp; k++)
            row[k] = r == k + 1;
        rc = churn_dataset_add_row(probe, NULL, row, NAN, &err);
    }
    if (rc == CHURN_OK)
        rc = churn_train_opts_set_validation(to, 0);
    if (rc == CHURN_OK)
        rc = churn_train(train, to, &m, &err);
    if (rc == CHURN_OK)
        rc = churn_model_predict_dataset(m, probe, prob, &err);
    if (rc != CHURN_OK)
        cli_fail_err(rc, &err);
    double base = log(prob[0] / (1 - prob[0])), total = 0;
    printf("fitted health weights (fall in log-odds of churn, fraction 0 "
           "-> 1):\n");
    for (size_t k = 0; k < n_comp; k++) {
        double w = base - log(prob[k + 1] / (1 - prob[k + 1]));
        w = w > 0 && isfinite(w) ? w : 0;
        total += w;
        printf("  %-18s %s\n", churn_health_component(k), cli_num(w, 4).s);
        row[k] = w;
    }
    if (!(total > 0))
        cli_fail("--fit-weights: no component lowers the churn risk; "
                 "keeping no weights is not a score");
    for (size_t k = 0; k < n_comp; k++)
        churn_segment_opts_set_health_weight(o, churn_health_component(k),
                                             row[k]);
    printf("\n");
    churn_model_free(m);
    churn_train_opts_free(to);
    churn_dataset_free(probe);
    churn_dataset_free(train);
    churn_dataset_free(seg);
}

/* One table: customers, share, mean health and (with labels) churn rate
 * per level of a categorical column of the segments. */
static void print_table(const churn_dataset *seg, const char *column)
{
    churn_dataset *sum = NULL;
    churn_error err;
    int rc = churn_segment_summary(seg, column, &sum, &err);
    if (rc != CHURN_OK)
        cli_fail_err(rc, &err);
    int labels = churn_dataset_n_cols(sum) > 3;
    printf("%-16s %9s %7s %7s%s\n", column, "customers", "share", "health",
           labels ? "   churn rate" : "");
    for (size_t i = 0; i < churn_dataset_n_rows(sum); i++) {
        double health = churn_dataset_value(sum, i, 2);
        printf("%-16s %9.0f %6.1f%% ", churn_dataset_id(sum, i),
               churn_dataset_value(sum, i, 0),
               100 * churn_dataset_value(sum, i, 1));
        if (isnan(health)) /* only customers who cancelled: not scored */
            printf("%7s", "-");
        else
            printf("%7.1f", health);
        if (labels && !isnan(churn_dataset_value(sum, i, 3)))
            printf("   %9.1f%%", 100 * churn_dataset_value(sum, i, 3));
        printf("\n");
    }
    printf("\n");
    churn_dataset_free(sum);
}

static void print_kpis(const seg_args *a, const cli_history *h)
{
    churn_kpi *k = NULL;
    churn_error err;
    int rc = churn_kpi_compute(h->events, h->opts, a->kpi.from, a->kpi.to, &k,
                               &err);
    cli_progress_done();
    if (rc != CHURN_OK)
        cli_fail_err(rc, &err);
    char from[16], to[16];
    churn_format_date((double)a->kpi.from, from, sizeof from);
    churn_format_date((double)a->kpi.to, to, sizeof to);
    printf("KPIs over [%s, %s)\n", from, to);
    static const char *const counts[] = {"customers_start", "customers_end",
                                         "new", "retained"};
    for (size_t i = 0; i < 4; i++)
        printf("  %-18s %.0f\n", counts[i], churn_kpi_value(k, counts[i]));
    static const char *const rates[] = {"retention_rate", "churn_rate",
                                        "revenue_retention"};
    for (size_t i = 0; i < 3; i++) {
        double v = churn_kpi_value(k, rates[i]);
        if (isnan(v)) /* no customers at start, or no revenue before */
            printf("  %-18s n/a\n", rates[i]);
        else
            printf("  %-18s %.1f%%\n", rates[i], 100 * v);
    }
    printf("  %-18s %s -> %s\n", "revenue",
           cli_num(churn_kpi_value(k, "revenue_start"), 2).s,
           cli_num(churn_kpi_value(k, "revenue_end"), 2).s);
    printf("\nCohort retention (share still a customer on the first day of "
           "month m after signup)\n%-8s %5s", "cohort", "size");
    size_t months = churn_kpi_n_months(k);
    for (size_t m = 1; m <= months; m++)
        printf(" %5s%zu", "m", m);
    printf("\n");
    for (size_t i = 0; i < churn_kpi_n_cohorts(k); i++) {
        printf("%-8s %5zu", churn_kpi_cohort(k, i),
               churn_kpi_cohort_size(k, i));
        for (size_t m = 1; m <= months; m++) {
            double v = churn_kpi_cohort_retention(k, i, m);
            if (isnan(v))
                printf(" %6s", "");
            else
                printf(" %5.0f%%", 100 * v);
        }
        printf("\n");
    }
    churn_kpi_free(k);
}

/* --model: each scored customer's lifetime value from a survival model
 * as the column clv (empty for those cancelled before the as-of date). */
static void add_clv(const seg_args *a, const churn_dataset *features,
                    churn_dataset *seg)
{
    churn_model *m = NULL;
    churn_error err;
    size_t n = churn_dataset_n_rows(seg);
    double *clv = malloc((n ? n : 1) * sizeof *clv);
    if (!clv)
        cli_fail("out of memory");
    double margin = a->margin_column || !isnan(a->margin) ? a->margin : 1;
    int rc = churn_model_load(a->model, &m, &err);
    if (rc == CHURN_OK)
        rc = churn_model_clv_dataset(m, features, a->margin_column, margin,
                                     a->rate, clv, &err);
    size_t cancel = churn_dataset_column_index(seg, "cancel_date");
    for (size_t i = 0; rc == CHURN_OK && i < n; i++)
        if (!isnan(churn_dataset_value(seg, i, cancel)))
            clv[i] = NAN;
    if (rc == CHURN_OK)
        rc = churn_dataset_add_column(seg, "clv", clv, &err);
    if (rc != CHURN_OK)
        cli_fail_err(rc, &err);
    free(clv);
    churn_model_free(m);
}

/* The clv column's mean and total per health tier, then over all. */
static void print_clv(const seg_args *a, const churn_dataset *seg)
{
    size_t n = churn_dataset_n_rows(seg);
    size_t tier = churn_dataset_column_index(seg, "health_tier");
    size_t col = churn_dataset_column_index(seg, "clv");
    size_t n_tiers = churn_dataset_n_levels(seg, tier);
    printf("\nlifetime value   customers   mean clv   total clv  (survival "
           "model %s, discount %g/month)\n", a->model, a->rate);
    for (size_t k = 0; k <= n_tiers; k++) { /* the tiers, then all */
        double sum = 0, count = 0;
        for (size_t i = 0; i < n; i++) {
            double t = churn_dataset_value(seg, i, tier);
            double v = churn_dataset_value(seg, i, col);
            if (!isnan(t) && !isnan(v) && (k == n_tiers || t == k)) {
                sum += v;
                count++;
            }
        }
        printf("%-16s %9.0f %10s %11s\n",
               k < n_tiers ? churn_dataset_level(seg, tier, k) : "all",
               count, cli_num(count > 0 ? sum / count : NAN, 2).s,
               cli_num(sum, 2).s);
    }
}

/* Parses the options; exits 2 on a usage error, 0 after --help. */
static void parse(int argc, char **argv, seg_args *a, cli_history *h)
{
    enum { RULES = 1, RFM_COLUMNS, NEW_DAYS, DORMANT_DAYS, LOST_DAYS, WEIGHT,
           TIERS, FIT_WEIGHTS, MODEL, MARGIN, RATE };
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"rules", required_argument, NULL, RULES},
        {"rfm-columns", required_argument, NULL, RFM_COLUMNS},
        {"new-days", required_argument, NULL, NEW_DAYS},
        {"dormant-days", required_argument, NULL, DORMANT_DAYS},
        {"lost-days", required_argument, NULL, LOST_DAYS},
        {"weight", required_argument, NULL, WEIGHT},
        {"tiers", required_argument, NULL, TIERS},
        CLI_KPI_OPTIONS,
        {"fit-weights", no_argument, NULL, FIT_WEIGHTS},
        {"model", required_argument, NULL, MODEL},
        {"margin", required_argument, NULL, MARGIN},
        {"discount-rate", required_argument, NULL, RATE},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        CLI_HISTORY_OPTIONS,
        {NULL, 0, NULL, 0}};
    int c;
    opterr = 0; /* cli_bad_option says what is wrong */
    while ((c = getopt_long(argc, argv, ":o:hV", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': a->output = optarg; break;
        case RULES: a->rules = optarg; break;
        case RFM_COLUMNS: set_rfm_columns(a, optarg); break;
        case NEW_DAYS:
            a->new_days = cli_double("--new-days", optarg, 0, 36500);
            break;
        case DORMANT_DAYS:
            a->dormant_days = cli_double("--dormant-days", optarg, 0.001,
                                         36500);
            break;
        case LOST_DAYS:
            a->lost_days = cli_double("--lost-days", optarg, 0.001, 36500);
            break;
        case WEIGHT: set_weight(a, optarg); break;
        case MODEL: a->model = optarg; break;
        case MARGIN:
            a->margin_column = cli_margin(optarg, &a->margin);
            break;
        case RATE: a->rate = cli_double("--discount-rate", optarg, 0, 1); break;
        case TIERS: set_tiers(a, optarg); break;
        case FIT_WEIGHTS: a->fit = 1; break;
        case CLI_KPI_FROM:
        case CLI_KPI_TO: cli_kpi_option(&a->kpi, c, optarg); break;
        case 'h':
        case 'V':
            if (c == 'h')
                usage();
            else
                cli_print_version();
            churn_segment_opts_free(a->opts);
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
}

/* Checks that the options fit together; exits 2 when they do not. */
static void check(seg_args *a, cli_history *h)
{
    cli_history_check(h);
    if (!a->model && (a->margin_column || !isnan(a->margin) || a->rate > 0))
        cli_usage_error("--margin and --discount-rate need --model");
    if (h->snapshots > 1)
        cli_usage_error("--snapshots: segments are computed at one as-of "
                        "date");
    if (!a->output)
        cli_usage_error("-o SEGMENTS.csv is required");
    cli_kpi_check(&a->kpi);
    if (churn_segment_opts_set_lifecycle(a->opts, a->new_days,
                                         a->dormant_days, a->lost_days))
        cli_usage_error("--dormant-days must be below --lost-days");
}

int main(int argc, char **argv)
{
    seg_args a = {.new_days = 30, .dormant_days = 30, .lost_days = 90,
                  .margin = NAN};
    cli_history h;
    churn_error err;
    cli_tool = "churn-segment";
    cli_history_init(&h);
    a.opts = churn_segment_opts_new();
    if (!a.opts)
        cli_fail("out of memory");
    parse(argc, argv, &a, &h);
    check(&a, &h);
    int rc = a.rules ? churn_segment_opts_read_rules(a.opts, a.rules, &err)
                     : CHURN_OK;
    if (rc != CHURN_OK)
        cli_fail_err(rc, &err);
    /* Also the customers who cancelled before the as-of: stage lost. */
    churn_feature_opts_set_cancelled(h.opts, 1);
    churn_dataset *features = cli_history_extract(&h), *seg = NULL;
    if (a.fit && !churn_dataset_has_labels(features))
        cli_usage_error("--fit-weights needs labels: give --horizon DAYS");
    if (a.fit)
        fit_weights(features, a.opts);
    rc = churn_segment(features, a.opts, &seg, &err);
    if (rc == CHURN_OK && a.model)
        add_clv(&a, features, seg);
    if (rc == CHURN_OK)
        rc = churn_dataset_write_csv(seg, a.output, "customer_id", &err);
    if (rc != CHURN_OK)
        cli_fail_err(rc, &err);
    char date[16];
    churn_format_date((double)h.as_of, date, sizeof date);
    size_t cancelled = 0, col = churn_dataset_column_index(seg,
                                                          "cancel_date");
    for (size_t i = 0; i < churn_dataset_n_rows(seg); i++)
        cancelled += !isnan(churn_dataset_value(seg, i, col));
    printf("%zu customers at %s (%zu cancelled before it: lost, not "
           "scored)\n", churn_dataset_n_rows(seg), date, cancelled);
    char joined[1024];
    if (cli_history_join_line(&h, joined, sizeof joined))
        printf("%s\n", joined);
    printf("\n");
    print_table(seg, "rfm_segment");
    print_table(seg, "lifecycle_stage");
    print_table(seg, "health_tier");
    if (a.kpi.has_from)
        print_kpis(&a, &h);
    if (a.model)
        print_clv(&a, seg);
    churn_dataset_free(seg);
    churn_dataset_free(features);
    churn_segment_opts_free(a.opts);
    cli_history_free(&h);
    return 0;
}

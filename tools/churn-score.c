/* churn-score - ranks customers by churn probability with tiers and reasons. */
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
        "Usage: churn-score --model MODEL.churn --data FEATURES.csv [options]\n"
        "\n"
        "Scores every customer in FEATURES.csv with a trained model and writes\n"
        "them ranked by churn probability, highest first:\n"
        "  customer_id,probability,rank,tier,reasons\n"
        "reasons are what pushes this customer's log-odds up most, against\n"
        "an average training customer: the inputs' contributions summed by\n"
        "family (activity, purchases, tickets, satisfaction, tenure; any\n"
        "other column on its own) and said with the customer's values, e.g.\n"
        "  activity down 73 %% on the month before (+2.61); 3 unresolved\n"
        "  tickets (+0.82); customer for 45 days (+0.30)\n"
        "(--reasons-by input: one per input, tickets_unresolved=3 (+0.82)).\n"
        "The probability is the shortest decimal that reads back to the same\n"
        "double; in reasons an input's value has 4 significant digits and a\n"
        "contribution 2 decimals; a zero never shows a minus sign.\n"
        "\n"
        "Options:\n"
        "  -m, --model FILE         model written by churn-train (required)\n"
        "  -d, --data FILE          features CSV, one row per customer (required);\n"
        "                           must hold every input column of the model,\n"
        "                           extra columns are ignored\n"
        "  -o, --output FILE        write the ranking here (atomically) instead\n"
        "                           of standard output\n"
        "      --top N              only the N highest-risk customers (the\n"
        "                           first N lines of the full ranking; only\n"
        "                           their reasons are worked out). Without\n"
        "                           --previous, --horizons, --margin, --drift\n"
        "                           or --max-psi, a file without quoted fields\n"
        "                           whose columns are numbers, the model's\n"
        "                           categorical inputs or declared\n"
        "                           --categorical is scored as it is read,\n"
        "                           never held whole: only those N rows stay\n"
        "                           in memory (without --top, every row's\n"
        "                           ranking line but none of its values)\n"
        "      --id NAME            id column of FEATURES.csv; default: the first\n"
        "                           column named like an id (customer_id,\n"
        "                           CustomerID, customer, cust_id, client_id,\n"
        "                           client, user_id, account_id, subscriber_id,\n"
        "                           member_id, id; case and _ - . spaces\n"
        "                           ignored), else row numbers\n"
        "      --delimiter SEP      field delimiter: auto (the default), ',',\n"
        "                           ';', tab or '|'; auto reads it off the header\n"
        "                           and says so on stderr\n"
        "      --numeric NAME       column NAME must hold numbers; repeatable\n"
        "                           (the model's numeric inputs always must)\n"
        "      --categorical NAME   column NAME is categorical; repeatable\n"
        "      --drop NAME          leave column NAME out; repeatable\n"
        "                           As in training, a column that is mostly\n"
        "                           numbers (at least half of its non-empty\n"
        "                           cells) with cells that are not, or numbers\n"
        "                           written $45.07, 1,234.5 or 12%%, is an error\n"
        "                           naming the first bad cell and the count\n"
        "      --tiers H,M          probability cut-offs: high >= H, medium >= M,\n"
        "                           else low (default 0.5,0.2)\n"
        "      --reasons N          reasons per customer, 0-10 (default 3)\n"
        "      --reasons-by KIND    group (the default): a reason per feature\n"
        "                           family, in words; input: one per input\n"
        "                           (name=value)\n"
        "      --previous FILE      a ranking from an earlier run: adds\n"
        "                           previous_probability, change, previous_tier\n"
        "                           and escalated (1 = moved into a higher-risk\n"
        "                           tier: the early-warning list)\n"
        "      --escalated-only     write only the escalated customers\n"
        "      --horizons D,D,..    survival models (churn-train --model\n"
        "                           survival): add p_<D>d = P(churn within D\n"
        "                           days), never decreasing in D, and\n"
        "                           expected_days, the mean days without churn\n"
        "                           up to the training horizon (restricted mean\n"
        "                           survival); probability stays P(churn within\n"
        "                           the training horizon). Beyond it the last\n"
        "                           time bin's hazard is held constant\n"
        "      --margin COLUMN|VALUE\n"
        "                           survival models: add clv, the sum over\n"
        "                           months m = 1..120 (30.4375 days) of margin x\n"
        "                           S(m) / (1 + R)^m, margin per month from a\n"
        "                           numeric column of FEATURES.csv or one value\n"
        "      --discount-rate R    discount rate per month for clv (default 0)\n"
        "      --threads N          threads that parse FEATURES.csv (in\n"
        "                           line-aligned chunks), score, sort and format\n"
        "                           (default: one per online core); the output is\n"
        "                           the same whatever N\n"
        "      --drift FILE         write the population stability index (PSI)\n"
        "                           of each input and of the score against the\n"
        "                           model's training rows as JSON\n"
        "                           (docs/DRIFT.md): numbers by the training\n"
        "                           deciles (equal edges merged), categories by\n"
        "                           level, missing values in a bin of their own;\n"
        "                           PSI = sum (a - e) ln(a / e) over the bins, an\n"
        "                           empty bin counted as a share of 1e-4\n"
        "      --max-psi X          exit 3 (a gate failed) when a PSI exceeds X,\n"
        "                           after every output is written; also when the\n"
        "                           model has no references (files from before\n"
        "                           churn recorded them load and score as ever)\n"
        "      --mpi                run as one rank of an MPI job (built with\n"
        "                           MPI): --data is a glob pattern of shard\n"
        "                           files (quote it), sorted by name, rank r\n"
        "                           scoring matches r, r+P, r+2P, ... (or a\n"
        "                           pattern with {rank} naming each rank's own\n"
        "                           files); each rank sends its --top N to\n"
        "                           rank 0, which writes the one ranking, the\n"
        "                           same as scoring all shards at once;\n"
        "                           --drift counts every rank's rows\n"
        "  -h, --help               show this help and exit\n"
        "  -V, --version            show the version and exit\n"
        "\n"
        "Examples:\n"
        "  churn-score --model churn.model --data features.csv --top 100 \\\n"
        "              -o at-risk.csv\n"
        "  mpirun -np 4 churn-score --mpi --model churn.model \\\n"
        "              --data 'features-*.csv' --top 1000 -o at-risk.csv\n");
}

static void parse_tiers(const char *arg, double *high, double *medium)
{
    const char *comma = strchr(arg, ',');
    if (!comma)
        cli_usage_error("--tiers: expected HIGH,MEDIUM such as 0.5,0.2");
    char first[64];
    size_t n = (size_t)(comma - arg);
    if (n >= sizeof first)
        cli_usage_error("--tiers: '%s' is too long", arg);
    memcpy(first, arg, n);
    first[n] = '\0';
    *high = cli_double("--tiers", first, 0, 1);
    *medium = cli_double("--tiers", comma + 1, 0, 1);
    if (*medium > *high)
        cli_usage_error("--tiers: the medium cut-off %g is above the high "
                        "one %g", *medium, *high);
}

/* Adds the rows of s (NULL: none) and those in the high tier to
 * counted[0] and counted[1]. */
static void count_scored(const churn_scores *s, double *counted)
{
    counted[0] += s ? (double)churn_scores_n_scored(s) : 0;
    counted[1] += s ? (double)churn_scores_n_high(s) : 0;
}

/* The scores' probabilities in ds's row order, or NULL when the scores
 * do not hold one for every row (churn_drift_measure then scores). */
static double *row_probabilities(const churn_scores *s,
                                 const churn_dataset *ds)
{
    size_t n = churn_dataset_n_rows(ds);
    if (!s || churn_scores_n(s) != n)
        return NULL;
    double *prob = malloc((n ? n : 1) * sizeof *prob);
    for (size_t r = 0; prob && r < n; r++) {
        size_t i = churn_scores_row(s, r);
        if (i >= n) {
            free(prob);
            return NULL;
        }
        prob[i] = churn_scores_probability(s, r);
    }
    return prob;
}

/* --drift and --max-psi, once the ranking is written: measures the drift
 * of ds (with comm, of every rank's ds: collective), writes it to path
 * (may be NULL) and says which inputs moved most (rank 0). Returns the
 * exit status, the same on every rank: 3 when a PSI exceeds max_psi (not
 * NaN) or the model has no references to measure against, else 0. */
static int check_drift(const churn_model *m, const churn_dataset *ds,
                       const churn_scores *s, const char *path,
                       double max_psi, const churn_comm *comm)
{
    if (comm && comm->rank != 0) /* rank 0 alone writes and speaks */
        path = NULL;
    int speak = !comm || comm->rank == 0;
    if (!churn_drift_has_references(m)) {
        if (!speak)
            return isnan(max_psi) ? 0 : 3;
        fprintf(stderr, "churn-score: the model has no drift references "
                "(trained before churn recorded them): no drift measured\n");
        if (isnan(max_psi))
            return 0;
        fprintf(stderr, "churn-score: gate failed: --max-psi needs a model "
                "with drift references\n");
        return 3;
    }
    churn_error err;
    churn_drift *d = NULL;
    double *prob = row_probabilities(s, ds);
    int rc = churn_drift_measure(m, ds, prob, &d, &err);
    free(prob);
    if (comm) {
        cli_agree_or_fail(comm, rc, &err);
        if ((rc = churn_drift_combine(d, comm, &err)) != CHURN_OK)
            cli_fail_err(rc, &err); /* agreed already */
    }
    if (rc == CHURN_OK && path)
        rc = churn_drift_write_json(d, path, &err);
    cli_agree_or_fail(comm, rc, &err);
    if (!speak) {
        int status = !isnan(max_psi) && churn_drift_max_psi(d) > max_psi;
        churn_drift_free(d);
        return status ? 3 : 0;
    }
    cli_drift_summary(d);
    if (path)
        fprintf(stderr, "churn-score: wrote %s\n", path);
    int status = 0;
    if (!isnan(max_psi) && churn_drift_max_psi(d) > max_psi) {
        fprintf(stderr, "churn-score: gate failed: PSI ");
        if (churn_drift_score_psi(d) > max_psi)
            fprintf(stderr, "of the score %s, ",
                    cli_num(churn_drift_score_psi(d), 4).s);
        for (size_t r = 0; r < churn_drift_n_inputs(d) &&
                           churn_drift_input_psi(d, r) > max_psi; r++)
            fprintf(stderr, "of %s %s, ", churn_drift_input_name(d, r),
                    cli_num(churn_drift_input_psi(d, r), 4).s);
        fprintf(stderr, "above --max-psi %g\n", max_psi);
        status = 3;
    }
    churn_drift_free(d);
    return status;
}

/* What the options say. */
typedef struct score_args {
    const char *model_path, *data_path, *out_path;
    const char *id_name;           /* NULL: the id found by name */
    const char *previous, *drift_path;
    double max_psi;                /* NaN: no gate */
    int escalated_only;
    size_t top, n_reasons, threads;
    int reason_groups;             /* --reasons-by group */
    double high, medium;
    int survival;                  /* survival columns asked for */
    double days[CLI_MAX_HORIZONS]; /* --horizons */
    size_t n_days;
    const char *margin_column;     /* --margin COLUMN, else NULL */
    double margin, rate;           /* --margin VALUE (NaN: none) */
} score_args;

/* Parses the options into a; exits 2 on a usage error, 0 after --help
 * or --version. */
static void parse_args(int argc, char **argv, score_args *a)
{
    static const struct option longopts[] = {
        {"model", required_argument, NULL, 'm'},
        {"data", required_argument, NULL, 'd'},
        {"output", required_argument, NULL, 'o'},
        {"top", required_argument, NULL, 't'},
        {"id", required_argument, NULL, 'i'},
        {"tiers", required_argument, NULL, 'T'},
        {"reasons", required_argument, NULL, 'r'},
        {"reasons-by", required_argument, NULL, 'B'},
        {"previous", required_argument, NULL, 'P'},
        {"escalated-only", no_argument, NULL, 'E'},
        {"threads", required_argument, NULL, 'J'},
        {"horizons", required_argument, NULL, 'H'},
        {"margin", required_argument, NULL, 'G'},
        {"discount-rate", required_argument, NULL, 'R'},
        {"mpi", no_argument, NULL, 'M'},
        {"drift", required_argument, NULL, 'D'},
        {"max-psi", required_argument, NULL, 'X'},
        CLI_TABLE_OPTIONS,
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0}};
    int c;
    opterr = 0; /* cli_bad_option says what is wrong */
    while ((c = getopt_long(argc, argv, ":m:d:o:hV", longopts, NULL)) !=
           -1) {
        switch (c) {
        case 'm': a->model_path = optarg; break;
        case 'd': a->data_path = optarg; break;
        case 'o': a->out_path = optarg; break;
        case 't': a->top = cli_size("--top", optarg, 1, (size_t)-1); break;
        case 'i': a->id_name = optarg; break;
        case 'T': parse_tiers(optarg, &a->high, &a->medium); break;
        case 'r': a->n_reasons = cli_size("--reasons", optarg, 0, 10); break;
        case 'B':
            if (strcmp(optarg, "group") && strcmp(optarg, "input"))
                cli_usage_error("--reasons-by: 'group' or 'input', not "
                                "'%s'", optarg);
            a->reason_groups = strcmp(optarg, "group") == 0;
            break;
        case 'P': a->previous = optarg; break;
        case 'E': a->escalated_only = 1; break;
        case 'J': a->threads = cli_size("--threads", optarg, 1, 256); break;
        case 'H':
            a->n_days = cli_horizons(optarg, 0, a->days);
            a->survival = 1;
            break;
        case 'G':
            a->margin_column = cli_margin(optarg, &a->margin);
            a->survival = 1;
            break;
        case 'R':
            a->rate = cli_double("--discount-rate", optarg, 0, 1);
            a->survival = 1;
            break;
        case CLI_NUMERIC:
        case CLI_CATEGORICAL:
        case CLI_DROP:
        case CLI_DELIMITER: cli_table_option(c, optarg); break;
        case 'M': break; /* cli_mpi_start has seen it */
        case 'D': a->drift_path = optarg; break;
        case 'X':
            a->max_psi = cli_double("--max-psi", optarg, 0, HUGE_VAL);
            break;
        case 'h': usage(); exit(0);
        case 'V': cli_print_version(); exit(0);
        default: cli_bad_option(c, argv);
        }
    }
    if (optind < argc)
        cli_usage_error("unexpected argument '%s'", argv[optind]);
}

/* Checks that the options fit together; exits 2 when they do not. */
static void check_args(const score_args *a, const churn_comm *comm)
{
    if (!a->model_path || !a->data_path)
        cli_usage_error("--model and --data are required");
    if (a->escalated_only && !a->previous)
        cli_usage_error("--escalated-only needs --previous");
    if (a->survival && comm)
        cli_usage_error("--horizons, --margin and --discount-rate are not "
                        "available with --mpi");
}

/* The score options a asks for, or NULL when out of memory. */
static churn_score_opts *score_opts(const score_args *a)
{
    churn_score_opts *o = churn_score_opts_new();
    if (!o)
        return NULL;
    churn_score_opts_set_tiers(o, a->high, a->medium);
    churn_score_opts_set_reasons(o, a->n_reasons);
    churn_score_opts_set_reason_groups(o, a->reason_groups);
    churn_score_opts_set_threads(o, a->threads);
    /* A comparison counts the escalated customers among all. */
    if (!a->previous)
        churn_score_opts_set_top(o, a->top);
    return o;
}

/* One run: what it has read and scored so far. */
typedef struct score_run {
    const score_args *a;
    const churn_comm *comm; /* --mpi; NULL: a single process */
    churn_model *model;
    churn_csv_opts *copts;  /* how FEATURES.csv is read */
    churn_score_opts *sopts;
    churn_dataset *ds;      /* FEATURES.csv (with comm, this rank's shards) */
    churn_scores *scores;   /* with comm, after the gather: rank 0's only */
    double counted[2];      /* rows scored and in the high tier, all ranks */
    churn_error err;
} score_run;

/* Loads the model and sets how FEATURES.csv is read: the id column, the
 * table options, and every numeric input of the model as numeric. */
static int load_model(score_run *r)
{
    const score_args *a = r->a;
    int rc = churn_model_load(a->model_path, &r->model, &r->err);
    if (rc == CHURN_OK && a->survival && isnan(churn_model_horizon(r->model)))
        cli_usage_error("--horizons, --margin and --discount-rate need a "
                        "survival model (churn-train --model survival); %s "
                        "is %s", a->model_path, churn_model_family(r->model));
    if (rc == CHURN_OK && a->id_name)
        rc = churn_csv_opts_set_id_column(r->copts, a->id_name);
    /* A text value where the model reads a number is an error at its
     * line and column, not a column silently turned categorical. */
    for (size_t j = 0;
         rc == CHURN_OK && j < churn_model_n_inputs(r->model); j++)
        if (churn_model_input_kind(r->model, j) == CHURN_NUMERIC)
            rc = churn_csv_opts_add_numeric(
                r->copts, churn_model_input_name(r->model, j));
    cli_threads = a->threads;
    if (rc == CHURN_OK)
        rc = cli_table_apply(r->copts);
    return rc;
}

/* Reads FEATURES.csv (with --mpi, this rank's shards, failing on every
 * rank alike when one could not load the model: rc). A plain ranking is
 * scored as the file is read, never held whole (with --top, only the top
 * rows are kept; for files it cannot stream, the whole file, scored by
 * score_rows); a comparison, survival columns and drift need every
 * row's values. */
static int read_features(score_run *r, int rc)
{
    const score_args *a = r->a;
    if (r->comm) {
        cli_agree_or_fail(r->comm, rc, &r->err);
        rc = cli_shards_csv(r->comm, a->data_path, r->copts, &r->ds,
                            &r->err);
        if (rc != CHURN_OK) /* agreed already */
            cli_fail_err(rc, &r->err);
        return rc;
    }
    if (rc != CHURN_OK)
        return rc;
    cli_table_say_delimiter(a->data_path, r->copts);
    if (!a->previous && !a->survival && !a->drift_path && isnan(a->max_psi))
        return churn_score_csv(r->model, a->data_path, r->copts, r->sopts,
                               &r->ds, &r->scores, &r->err);
    return churn_dataset_read_csv(a->data_path, r->copts, &r->ds, &r->err);
}

/* Scores the rows read (unless streamed: scored already) and adds the
 * survival columns asked for. */
static int score_rows(score_run *r)
{
    const score_args *a = r->a;
    /* Every rank's shards have the same columns. */
    int rc = cli_table_check(r->ds, a->data_path, &r->err);
    /* A rank whose shards have no rows sends none. */
    if (rc == CHURN_OK && !r->scores &&
        (!r->comm || churn_dataset_n_rows(r->ds) > 0))
        rc = churn_score_dataset(r->model, r->ds, r->sopts, &r->scores,
                                 &r->err);
    if (rc == CHURN_OK && a->survival)
        rc = churn_scores_add_survival(r->scores, r->model, r->ds, a->days,
                                       a->n_days, a->margin_column,
                                       a->margin, a->rate, &r->err);
    return rc;
}

/* Counts the rows scored for the summary and, with --mpi, sums the
 * counts over the ranks and gathers every rank's ranking on rank 0 (the
 * N best with --top). */
static int gather(score_run *r, int rc)
{
    count_scored(r->scores, r->counted);
    if (!r->comm)
        return rc;
    cli_agree_or_fail(r->comm, rc, &r->err);
    if (r->comm->allreduce(r->comm->user, r->counted, 2,
                           CHURN_REDUCE_SUM) != 0)
        r->counted[0] = r->counted[1] = NAN;
    churn_scores *merged = NULL;
    rc = churn_scores_gather(r->scores, r->comm, r->a->top, &merged,
                             &r->err);
    if (rc != CHURN_OK) /* agreed already */
        cli_fail_err(rc, &r->err);
    churn_scores_free(r->scores);
    r->scores = merged; /* rank 0's; NULL elsewhere */
    return rc;
}

/* With --previous, compares; then writes the ranking (rank 0 alone). */
static int write_ranking(score_run *r, int rc)
{
    const score_args *a = r->a;
    if (rc == CHURN_OK && r->scores && a->previous) {
        rc = churn_scores_compare(r->scores, a->previous, &r->err);
        churn_scores_only_escalated(r->scores, a->escalated_only);
    }
    if (rc == CHURN_OK && r->scores)
        rc = a->out_path
                 ? churn_scores_write_csv(r->scores, a->out_path, a->top,
                                          &r->err)
                 : churn_scores_write_stream(r->scores, stdout, a->top,
                                             &r->err);
    return rc;
}

/* On stderr, once the ranking is in a file: customers scored, the ids,
 * the high tier, ranks, escalations. */
static void print_summary(const score_run *r)
{
    const score_args *a = r->a;
    char ids[300];
    fprintf(stderr, "churn-score: %.0f customers scored (ids: %s), %.0f "
                    "in the high tier", r->counted[0],
            cli_ids_text(r->ds, a->id_name != NULL, ids, sizeof ids),
            r->counted[1]);
    if (r->comm)
        fprintf(stderr, " (%d ranks)", r->comm->size);
    if (a->previous)
        fprintf(stderr, ", %zu moved into a higher-risk tier",
                churn_scores_n_escalated(r->scores));
    fprintf(stderr, "; wrote %s\n", a->out_path);
}

int main(int argc, char **argv)
{
    score_args a = {.max_psi = NAN, .n_reasons = 3, .reason_groups = 1,
                    .high = 0.5, .medium = 0.2, .margin = NAN};
    cli_tool = "churn-score";
    score_run r = {.a = &a, .comm = cli_mpi_start(&argc, &argv)};
    parse_args(argc, argv, &a);
    check_args(&a, r.comm);
    r.copts = churn_csv_opts_new();
    r.sopts = score_opts(&a);
    if (!r.copts || !r.sopts)
        cli_fail("out of memory");
    int rc = read_features(&r, load_model(&r));
    if (rc == CHURN_OK)
        rc = score_rows(&r);
    rc = write_ranking(&r, gather(&r, rc));
    /* Rank 0 alone wrote: every rank ends with its status. */
    cli_agree_or_fail(r.comm, rc, &r.err);
    if (a.out_path && r.scores)
        print_summary(&r);
    int status = a.drift_path || !isnan(a.max_psi)
                     ? check_drift(r.model, r.ds, r.scores, a.drift_path,
                                   a.max_psi, r.comm)
                     : 0;
    churn_scores_free(r.scores);
    churn_dataset_free(r.ds);
    churn_model_free(r.model);
    churn_csv_opts_free(r.copts);
    churn_score_opts_free(r.sopts);
    return status;
}

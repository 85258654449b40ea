/* churn-train - trains a churn model from a feature file or raw histories. */
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
        "Usage: churn-train --data FEATURES.csv [options] -o MODEL.churn\n"
        "       churn-train --events EVENTS.csv --as-of DATE --horizon DAYS\n"
        "                   [history options] [options] -o MODEL.churn\n"
        "\n"
        "Trains a churn model and writes it to MODEL.churn (atomically). The\n"
        "pipeline (median imputation with missing indicators, one-hot\n"
        "encoding, standardization) is fitted on training rows only and\n"
        "saved in the model. A share of customers (--validation) is held out\n"
        "to measure the model; then it is refitted on all rows.\n"
        "\n"
        "Data:\n"
        "  -d, --data FILE          features CSV, one row per customer\n"
        "      --label NAME         label column (default churned); values\n"
        "                           1/0, yes/no, true/false, churned/retained\n"
        "      --positive VALUE     the label value that means churned\n"
        "                           (both kept in the model for churn-eval)\n"
        "%s"
        "%s"
        "History options (instead of --data; as in churn-features):\n"
        "%s"
        "Model:\n"
        "      --model NAME         logistic (default), svm (libsvm C-SVC),\n"
        "                           gbdt (XGBoost boosted trees) or auto:\n"
        "                           the search over every family's grid\n"
        "                           (logistic: C; svm: C x gamma for rbf,\n"
        "                           both class weights; gbdt: depth x\n"
        "                           learning rate, rounds by early\n"
        "                           stopping), keeping the best mean\n"
        "                           cross-validated --metric (an exact tie\n"
        "                           keeps the simpler family, in the order\n"
        "                           listed); prints the leaderboard. Above\n"
        "                           20000 rows the search runs on a sample\n"
        "                           of 20000 (whole customers, stratified)\n"
        "                           and the winner is refitted on all rows;\n"
        "                           or survival (discrete-time hazard: logistic\n"
        "                           regression on person-period rows, 10 equal\n"
        "                           time bins over --horizon DAYS, which it\n"
        "                           needs, also with --data; fitted on churned\n"
        "                           and days_to_churn, censored at the horizon;\n"
        "                           no --search, --calibration or balanced)\n"
        "      --C VALUE            inverse L2 strength, > 0 (default 1)\n"
        "      --kernel K           svm kernel: rbf (default), linear, poly, or\n"
        "                           rbf-approx (Nystroem landmarks and\n"
        "                           logistic regression: linear in rows;\n"
        "                           saved as an rbf kernel expansion)\n"
        "      --components N       rbf-approx: landmark rows, 1..100000\n"
        "                           (default 200); time grows with N, the\n"
        "                           landmark matrix with N^2\n"
        "      --gamma VALUE        rbf/poly kernel width (default 1/number of\n"
        "                           standardized features)\n"
        "      --degree N           poly kernel degree (default 3)\n"
        "gbdt (one-hot inputs, missing values kept as missing, no\n"
        "imputation or scaling; stops early on a fifth of the fitting rows,\n"
        "then refits on all of them; only with --model gbdt):\n"
        "      --trees N            boosting rounds at most, 1..100000\n"
        "                           (default 100)\n"
        "      --depth N            tree depth, 1..64 (default 6)\n"
        "      --learning-rate X    shrinkage, in (0, 1] (default 0.3)\n"
        "      --subsample X        share of rows per tree, (0, 1] (default 1)\n"
        "      --colsample X        share of inputs per tree, (0, 1]\n"
        "                           (default 1)\n"
        "      --min-child-weight X\n"
        "                           least hessian sum in a leaf, >= 0\n"
        "                           (default 1)\n"
        "      --lambda X           L2 penalty on leaf weights, >= 0\n"
        "                           (default 1)\n"
        "      --early-stopping N   rounds without a better held-out log\n"
        "                           loss before stopping, 0..100000\n"
        "                           (default 20; 0: no hold-out, all\n"
        "                           --trees rounds)\n"
        "      --threads N          also XGBoost's threads, 1..1024 (default\n"
        "                           1: the model file does not depend on\n"
        "                           the machine; same rows, options, seed\n"
        "                           and threads give the same file)\n"
        "      --calibration M      platt, isotonic or none (default platt for\n"
        "                           svm, none for logistic, rbf-approx and\n"
        "                           gbdt);\n"
        "                           fitted on out-of-fold decision values\n"
        "                           (3 folds)\n"
        "      --search             grid search of the --model family (C,\n"
        "                           and gamma for rbf) by 3-fold customer-\n"
        "                           grouped cross-validation, each fold's\n"
        "                           pipeline fitted on the other folds;\n"
        "                           prints the leaderboard: parameters,\n"
        "                           metric mean and sd over the folds, fit\n"
        "                           seconds\n"
        "      --time-budget S      end the search after about S seconds\n"
        "                           (checked between candidates and folds;\n"
        "                           the first candidate always completes):\n"
        "                           keep the best so far and list the rest\n"
        "                           as skipped\n"
        "      --search-rows N      search on a sample of N rows when there\n"
        "                           are more (whole customers, stratified;\n"
        "                           default 20000, 0 = all rows); the\n"
        "                           winner is refitted on all rows\n"
        "      --metric M           what the search picks by: auc (default),\n"
        "                           pr_auc or logloss\n"
        "      --max-rows N         train on a sample of N rows (whole\n"
        "                           customers, stratified; 0 = all)\n"
        "      --class-weight W     auto (default), none or balanced (each\n"
        "                           class weighs rows / (2 x its rows)); auto\n"
        "                           is balanced when --calibration is platt\n"
        "                           or isotonic (svm by default: the margin\n"
        "                           then follows the rare churners, and the\n"
        "                           calibration restores the probabilities),\n"
        "                           else none (logistic, rbf-approx and\n"
        "                           gbdt, whose probabilities are calibrated\n"
        "                           unweighted);\n"
        "                           --search and auto models try both\n"
        "                           weights where auto allows balanced. The\n"
        "                           summary and the model say which was used\n"
        "      --validation F       held-out share of customers, 0 to 0.9\n"
        "                           (default 0.2; 0 = none)\n"
        "      --no-refit           keep the model fitted without the\n"
        "                           held-out rows\n"
        "      --seed N             seed of the validation split, of gbdt's\n"
        "                           early-stopping split and XGBoost's\n"
        "                           sampling (default 42)\n"
        "  -o, --output FILE        the model file to write (required)\n"
        "      --report FILE        write an HTML evaluation report of the\n"
        "                           validation split (as churn-eval --html);\n"
        "                           with --events (one snapshot) it has a\n"
        "                           segment section: customers and churn\n"
        "                           rate (horizon labels) per RFM segment,\n"
        "                           lifecycle stage and health tier\n"
        "  -q, --quiet              no summary\n"
        "  -h, --help               show this help and exit\n"
        "  -V, --version            show the version and exit\n"
        "\n"
        "Distributed (built with MPI; see docs/MPI.md):\n"
        "      --mpi                run as one rank of an MPI job (mpirun -np\n"
        "                           P churn-train --mpi ...): --data, or\n"
        "                           --events and --customers, are glob\n"
        "                           patterns (quote them) of shard files,\n"
        "                           sorted by name, rank r reading matches r,\n"
        "                           r+P, r+2P, ...; or patterns with {rank}\n"
        "                           naming each rank's own files. All events\n"
        "                           of a customer in one shard; events shard\n"
        "                           i goes with customers shard i. The model\n"
        "                           is the one a single process fits on all\n"
        "                           shards; rank 0 writes it. Logistic or\n"
        "                           svm with --kernel rbf-approx only (not\n"
        "                           gbdt: XGBoost's collective needs its own\n"
        "                           tracker and sockets),\n"
        "                           --validation 0 (the default here), no\n"
        "                           --search, --calibration, --max-rows or\n"
        "                           --report\n"
        "\n"
        "Examples:\n"
        "  churn-train --data datasets/mlc_churn.csv --label churn -o m.churn\n"
        "  churn-train --events events.csv --customers customers.csv \\\n"
        "              --as-of 2025-01-01 --horizon 90 -o m.churn\n"
        "  mpirun -np 4 churn-train --mpi --data 'features-*.csv' -o m.churn\n",
        cli_id_help, cli_table_help, cli_history_help);
}

typedef struct train_args {
    const char *data, *label, *positive, *id, *output, *report;
    cli_train t; /* the model options, shared with churn-eval --cv */
    double validation;
    int refit, quiet, mpi, validation_given;
} train_args;

/* The long options: codes below CLI_HISTORY_BASE are churn-train's own;
 * the history and training options are those of cli.h. */
enum { LABEL = 1, POSITIVE, ID, MODEL, VALIDATION, NO_REFIT, SEED,
       METRIC, REPORT, MPI_OPT, THREADS };
static const struct option longopts[] = {
    {"data", required_argument, NULL, 'd'},
    {"label", required_argument, NULL, LABEL},
    {"positive", required_argument, NULL, POSITIVE},
    {"id", required_argument, NULL, ID},
    {"model", required_argument, NULL, MODEL},
    {"metric", required_argument, NULL, METRIC},
    {"validation", required_argument, NULL, VALIDATION},
    {"no-refit", no_argument, NULL, NO_REFIT},
    {"seed", required_argument, NULL, SEED},
    {"output", required_argument, NULL, 'o'},
    {"report", required_argument, NULL, REPORT},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {"mpi", no_argument, NULL, MPI_OPT},
    {"threads", required_argument, NULL, THREADS},
    CLI_TRAIN_OPTIONS,
    CLI_HISTORY_OPTIONS,
    {NULL, 0, NULL, 0}};

static void parse_args(int argc, char **argv, train_args *a, cli_history *h)
{
    int c;
    opterr = 0; /* cli_bad_option says what is wrong */
    while ((c = getopt_long(argc, argv, ":d:o:qhV", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': a->data = optarg; break;
        case LABEL: a->label = optarg; break;
        case POSITIVE: a->positive = optarg; break;
        case ID: a->id = optarg; break;
        case MODEL: a->t.model = optarg; break;
        case METRIC: a->t.metric = optarg; break;
        case VALIDATION:
            a->validation = cli_double("--validation", optarg, 0, 0.9);
            a->validation_given = 1;
            break;
        case MPI_OPT: a->mpi = 1; break;
        case THREADS: /* one option for all the tool's threads */
            a->t.threads = cli_size("--threads", optarg, 1, 1024);
            cli_threads = a->t.threads < 64 ? a->t.threads : 64;
            churn_feature_opts_set_threads(h->opts, cli_threads);
            break;
        case NO_REFIT: a->refit = 0; break;
        case SEED:
            a->t.seed = cli_size("--seed", optarg, 0, (size_t)-1);
            break;
        case 'o': a->output = optarg; break;
        case REPORT: a->report = optarg; break;
        case 'q': a->quiet = 1; break;
        case 'h': usage(); exit(0);
        case 'V': cli_print_version(); exit(0);
        default:
            if (c >= CLI_TRAIN_BASE && c < CLI_TRAIN_END)
                cli_train_option(&a->t, c, optarg);
            else if (c >= CLI_HISTORY_BASE)
                cli_history_option(h, c, optarg);
            else
                cli_bad_option(c, argv);
        }
    }
    if (optind < argc)
        cli_usage_error("unexpected argument '%s'", argv[optind]);
    if (!a->output)
        cli_usage_error("-o MODEL.churn is required");
    if (!a->data == !h->events)
        cli_usage_error("give either --data or --events");
    /* The model keeps the value for churn-eval: an empty one says nothing
     * (and churn_train_opts_set_label_positive refuses it). */
    if (a->positive && !*a->positive)
        cli_usage_error("--positive needs the label value that means "
                        "churned, not an empty one");
    if (h->events)
        cli_history_check(h);
    cli_train_check(&a->t);
    /* With --data the labels are in the file: a horizon only describes
     * them for the survival family, which needs it. */
    if (a->data && h->horizon_days > 0 && strcmp(a->t.model, "survival"))
        cli_usage_error("--horizon applies to --model survival (or to "
                        "--events), not --model %s with --data", a->t.model);
    /* The distributed fit holds nothing out: with --mpi, --validation is
     * 0 unless given (what else it lacks, the library says: main). */
    if (a->mpi && !a->validation_given)
        a->validation = 0;
    if (a->report && a->validation <= 0)
        cli_usage_error("--report needs a validation split (--validation)");
}

/* The HTML report of the held-out customers; with features of one
 * snapshot of a history (NULL otherwise), the segment section of all its
 * customers, churn rates from the history's labels. */
static void write_report(const churn_model *m, const char *path,
                         const char *title, const churn_dataset *features)
{
    churn_error err;
    churn_eval *e = NULL;
    churn_dataset *seg = NULL;
    churn_segment_opts *so = features ? churn_segment_opts_new() : NULL;
    if (features && !so)
        cli_fail("out of memory");
    int rc = churn_model_validation_eval(m, NULL, &e, &err);
    if (rc == CHURN_OK && features &&
        (rc = churn_segment(features, so, &seg, &err)) == CHURN_OK)
        rc = churn_eval_add_segments(e, seg, NULL, &err);
    if (rc == CHURN_OK)
        rc = churn_eval_write_html(e, title, path, &err);
    churn_eval_free(e);
    churn_dataset_free(seg);
    churn_segment_opts_free(so);
    if (rc != CHURN_OK)
        cli_fail_err(rc, &err);
}

/* The leaderboard's order: best first (log loss: smallest), ties in the
 * order tried, skipped candidates last. */
static const churn_model *board_model;

static int board_cmp(const void *pa, const void *pb)
{
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    double x, y;
    churn_model_candidate(board_model, a, NULL, NULL, NULL, &x, NULL, NULL);
    churn_model_candidate(board_model, b, NULL, NULL, NULL, &y, NULL, NULL);
    int loss = strcmp(churn_model_search_metric(board_model), "logloss") == 0;
    if (isnan(x) != isnan(y))
        return isnan(x) ? 1 : -1;
    if (!isnan(x) && x != y)
        return (loss ? x < y : x > y) ? -1 : 1;
    return a < b ? -1 : a > b;
}

/* The search's leaderboard, best first; the kept candidate is starred,
 * and those the time budget skipped are listed last. */
static void print_leaderboard(const churn_model *m)
{
    size_t n = churn_model_n_candidates(m), skipped = 0;
    if (n == 0)
        return;
    size_t *order = malloc(n * sizeof *order);
    if (!order)
        cli_fail("out of memory");
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    board_model = m;
    qsort(order, n, sizeof *order, board_cmp);
    const char *metric = churn_model_search_metric(m);
    printf("search         %zu candidates, 3-fold CV on %zu rows, by %s "
           "(mean and sd over folds), best first\n", n,
           churn_model_search_rows(m), metric);
    printf("  %4s %-9s %-30s %-8s %8s %7s %8s\n", "#", "family",
           "parameters", "weight", metric, "sd", "fit s");
    for (size_t r = 0; r < n; r++) {
        const char *family, *params, *weight;
        double v, sd, sec;
        churn_model_candidate(m, order[r], &family, &params, &weight, &v,
                              &sd, &sec);
        printf("  %3zu%s %-9s %-30s %-8s ", r + 1,
               order[r] == churn_model_search_chosen(m) ? "*" : " ", family,
               params, weight);
        if (isnan(v)) {
            printf("%8s %7s %8s\n", "skipped", "-", "-");
            skipped++;
        } else {
            printf("%8.4f %7.4f %8.2f\n", v, sd, sec);
        }
    }
    if (skipped)
        printf("search         %zu of %zu candidates skipped: the time "
               "budget ran out\n", skipped, n);
    free(order);
}

static churn_train_opts *train_opts(const train_args *a)
{
    churn_train_opts *o = cli_train_opts(&a->t);
    if (a->data && a->positive &&
        churn_train_opts_set_label_positive(o, a->positive))
        cli_fail("out of memory");
    churn_train_opts_set_validation(o, a->validation);
    churn_train_opts_set_refit(o, a->refit);
    return o;
}

/* Kernel SVM training grows with the square of the rows: on large data,
 * say so before the wait, with the way out. */
static void warn_if_slow(const train_args *a, const churn_dataset *ds)
{
    size_t n = churn_dataset_n_rows(ds);
    if (a->t.max_rows && a->t.max_rows < n)
        n = a->t.max_rows;
    if (strcmp(a->t.model, "logistic") == 0 ||
        strcmp(a->t.kernel, "rbf-approx") == 0 || n <= 50000 || a->quiet)
        return;
    /* Measured: one rbf fit on 3,750 telecom rows takes about 0.5 s; a
     * training run makes about 5 such fits (validation, refit and their
     * calibration folds). */
    double minutes = 5 * 0.5 * ((double)n / 3750) * ((double)n / 3750) / 60;
    fprintf(stderr,
            "churn-train: a kernel SVM on %zu rows may take about %.0f "
            "minutes%s; --max-rows 50000 trains on a sample, --kernel "
            "rbf-approx in time linear in rows\n",
            n, minutes, a->t.search ? " per grid point (3 folds each)" : "");
}

/* The rows of a run: all ranks' rows, labelled ones and churners. */
typedef struct row_counts {
    double rows, labeled, pos;
} row_counts;

/* Collective with comm: the counts summed over every rank's share. */
static row_counts count_rows(const churn_dataset *ds, const churn_comm *comm)
{
    row_counts c = {0, 0, 0};
    size_t n = churn_dataset_n_rows(ds);
    for (size_t i = 0; i < n; i++) {
        double y = churn_dataset_label(ds, i);
        c.rows++;
        c.labeled += !isnan(y);
        c.pos += y > 0.5;
    }
    double v[3] = {c.rows, c.labeled, c.pos};
    if (comm && comm->size > 1 &&
        comm->allreduce(comm->user, v, 3, CHURN_REDUCE_SUM) != 0)
        v[0] = v[1] = v[2] = NAN; /* only the summary is missing */
    return (row_counts){v[0], v[1], v[2]};
}

/* Which class weight the fit used; "(auto)" when the rule of --help (and
 * a search) chose it. */
static void print_class_weight(const churn_model *m, const char *option)
{
    printf("class weight   %s%s\n", churn_model_class_weight(m),
           strcmp(option, "auto") == 0 ? " (auto)" : "");
}

static void print_summary(const churn_model *m, row_counts c,
                          const char *path, const char *class_weight,
                          double seconds, const churn_comm *comm,
                          const char *ids)
{
    printf("rows           %.0f (%.0f labeled), %zu input columns", c.rows,
           c.labeled, churn_model_n_inputs(m));
    if (comm)
        printf(", on %d rank%s", comm->size, comm->size == 1 ? "" : "s");
    printf("\n");
    if (ids) /* a table's: which column the ids came from */
        printf("ids            %s\n", ids);
    printf("churn rate     %.2f%% (%.0f churned)\n",
           c.labeled > 0 ? 100.0 * c.pos / c.labeled : 0.0, c.pos);
    double auc = churn_model_metric(m, "validation_auc");
    if (!isnan(auc))
        printf("validation     AUC %.4f, log loss %.4f on %.0f held-out "
               "rows\n", auc, churn_model_metric(m, "validation_log_loss"),
               churn_model_metric(m, "validation_rows"));
    char what[256];
    churn_model_describe(m, what, sizeof what);
    printf("model          %s, trained on %.0f rows\n", what,
           churn_model_metric(m, "train_rows"));
    print_class_weight(m, class_weight);
    printf("time           %.2f s (training %.2f s)\n", seconds,
           churn_model_metric(m, "train_seconds"));
    printf("wrote          %s\n", path);
}

/* How the event log was read: the customers file's matches, the most
 * frequent event names and their roles. */
static void print_history(const cli_history *h)
{
    char line[1024];
    if (cli_history_join_line(h, line, sizeof line))
        printf("customers      %s\n", line);
    cli_history_events_line(h, 5, line, sizeof line);
    printf("events         %s\n", line);
}

/* This rank's share of the training rows of an --mpi run; every rank
 * fails alike when one does. */
static churn_dataset *mpi_share(const churn_comm *comm, const train_args *a,
                                const cli_history *h)
{
    churn_error err;
    churn_dataset *ds = NULL;
    int rc;
    if (a->data) {
        churn_csv_opts *o = cli_labeled_opts(a->label, a->positive, a->id);
        rc = cli_shards_csv(comm, a->data, o, &ds, &err);
        if (rc == CHURN_OK) /* the shards have the same columns */
            rc = cli_table_check(ds, a->data, &err);
        churn_csv_opts_free(o);
    } else {
        rc = cli_shards_history(comm, h, &ds, &err);
    }
    if (rc != CHURN_OK)
        cli_fail_err(rc, &err);
    return ds;
}

int main(int argc, char **argv)
{
    cli_tool = "churn-train";
    const churn_comm *comm = cli_mpi_start(&argc, &argv);
    train_args a = {.label = "churned", .validation = 0.2, .refit = 1};
    cli_train_init(&a.t);
    a.t.seed = 42;
    cli_history h;
    cli_history_init(&h);
    parse_args(argc, argv, &a, &h);
    churn_train_opts *opts = train_opts(&a);
    if (strcmp(a.t.model, "survival") == 0 &&
        churn_train_opts_set_horizon(opts, h.horizon_days))
        cli_usage_error("--model survival needs --horizon DAYS: the label "
                        "horizon the data was made with");
    if (a.mpi && !churn_train_opts_distributed(opts))
        cli_usage_error("--mpi: --model %s%s%s has no distributed fit (see "
                        "--mpi in --help)", a.t.model,
                        strcmp(a.t.kernel, "rbf") ? " --kernel " : "",
                        strcmp(a.t.kernel, "rbf") ? a.t.kernel : "");
    churn_error err;
    /* What else the distributed fit does not do, in the library's words:
     * a usage error, found before any shard is read. */
    if (a.mpi && churn_train_opts_check_distributed(opts, &err) != CHURN_OK)
        cli_usage_error("--mpi: %s (see --mpi in --help)", err.message);
    double start = cli_now();
    churn_dataset *ds = comm ? mpi_share(comm, &a, &h)
                      : a.data ? cli_read_labeled(a.data, a.label,
                                                  a.positive, a.id)
                               : cli_history_extract(&h);
    if (!comm)
        warn_if_slow(&a, ds);
    churn_model *m = NULL;
    int rc = comm ? churn_train_opts_set_comm(opts, comm) : CHURN_OK;
    if (rc == CHURN_OK)
        rc = churn_train(ds, opts, &m, &err);
    cli_progress_done();
    cli_agree_or_fail(comm, rc, &err);
    /* Only rank 0 writes, once every rank has its model. */
    if (!comm || comm->rank == 0)
        rc = churn_model_save(m, a.output, &err);
    cli_agree_or_fail(comm, rc, &err);
    if (a.report)
        write_report(m, a.report, a.data ? a.data : h.events,
                     h.events && h.snapshots <= 1 ? ds : NULL);
    row_counts counts = count_rows(ds, comm);
    char ids[300];
    if (!a.quiet && !cli_silent)
        print_leaderboard(m);
    if (!a.quiet && !cli_silent)
        print_summary(m, counts, a.output, a.t.class_weight,
                      cli_now() - start, comm,
                      a.data ? cli_ids_text(ds, a.id != NULL, ids, sizeof ids)
                             : NULL);
    if (!a.quiet && !comm && h.events)
        print_history(&h);
    churn_model_free(m);
    churn_dataset_free(ds);
    churn_train_opts_free(opts);
    cli_history_free(&h);
    return 0;
}
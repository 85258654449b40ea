/* churn-eval - evaluates churn probabilities against labels: a terminal
 * report (printed by eval_print.c), JSON and HTML files, cross-validation
 * and the regression gate. */
#include "churn.h"
#include "cli.h"
#include "eval_print.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(void)
{
    printf(
        "Usage: churn-eval --model MODEL.churn --data LABELED.csv [options]\n"
        "       churn-eval --model MODEL.churn --events EVENTS.csv\n"
        "                  --as-of DATE --horizon DAYS [history options]\n"
        "                  [options]\n"
        "       churn-eval --cv K [--model NAME] --data LABELED.csv\n"
        "                  [training options] [options]\n"
        "\n"
        "Measures how well churn probabilities rank and predict the labels:\n"
        "ROC AUC and PR AUC (average precision) with bootstrap intervals,\n"
        "log loss, Brier score, calibration, accuracy / precision / recall /\n"
        "F1 at a threshold, the profit-maximizing threshold, precision and\n"
        "recall in the top 1/5/10/20%%, lift and cumulative gains by decile.\n"
        "A survival model on data with days_to_churn adds the time to churn:\n"
        "Harrell's C-index, per horizon the time-dependent AUC, the IPCW\n"
        "Brier score and calibration against Kaplan-Meier, and Kaplan-Meier\n"
        "curves per risk tier (docs/SURVIVAL_EVAL.md).\n"
        "With --cv, K models are trained on K-1 folds each (customers\n"
        "grouped, stratified) and scored on the fold left out.\n"
        "With --model, the reports gain a drift section: the population\n"
        "stability index of each input and of the score against the model's\n"
        "training rows (as churn-score --drift; docs/DRIFT.md).\n"
        "With --events, the reports gain a segment section: customers and\n"
        "churn rate per RFM segment, lifecycle stage and health tier of the\n"
        "customers at --as-of (as churn-segment computes them: those who\n"
        "cancelled before it are in stage lost only), the churn\n"
        "rates from the evaluated rows' labels matched by customer id; and\n"
        "with --kpi-from/--kpi-to, the retention KPIs of that period and its\n"
        "cohort retention table (a heat map in the HTML). Without --data the\n"
        "evaluated rows are the features of the history at --as-of, labelled\n"
        "by --horizon.\n"
        "\n"
        "Data:\n"
        "  -m, --model FILE         the model to evaluate (with --cv: NAME,\n"
        "                           the family to train; see below)\n"
        "  -d, --data FILE          labeled CSV, one row per customer\n"
        "      --label NAME         label column (default: the one the\n"
        "                           model was trained with, else churned)\n"
        "      --positive VALUE     the label value that means churned\n"
        "                           (default: the model's, if it has one)\n"
        "%s"
        "%s"
        "Cross-validation:\n"
        "      --cv K               K folds (2..100) instead of a model file\n"
        "  -m, --model NAME         with --cv, the family to train, as in\n"
        "                           churn-train: logistic (default), svm,\n"
        "                           gbdt or auto; a model file is refused\n"
        "                           (without --cv, --model is the FILE)\n"
        "      --family NAME        the same as --model NAME (deprecated)\n"
        "  training options:        --C, --kernel, --gamma, --degree,\n"
        "                           --components, --calibration, --search,\n"
        "                           --time-budget, --search-rows, --max-rows,\n"
        "                           --class-weight, --trees, --depth,\n"
        "                           --learning-rate, --subsample, --colsample,\n"
        "                           --min-child-weight, --lambda and\n"
        "                           --early-stopping, as in churn-train,\n"
        "                           parsed by the same code (see churn-train\n"
        "                           --help); only with --cv; one that does not\n"
        "                           apply to the family is a usage error.\n"
        "                           --seed seeds the training too\n"
        "Report:\n"
        "      --threshold P        call rows with probability >= P churners\n"
        "                           (default 0.5)\n"
        "      --offer-cost X       cost of a retention offer (default 1)\n"
        "      --customer-value Y   value of a kept churner (default 10);\n"
        "                           profit(t) = Y * TP(t) - X * (TP + FP)(t)\n"
        "      --bootstrap N        bootstrap resamples (default 1000;\n"
        "                           0 = none)\n"
        "      --seed N             seed of the bootstrap, the folds and\n"
        "                           the permutations (default 42)\n"
        "      --json FILE          write the report as JSON\n"
        "                           (docs/REPORT_JSON.md); each number the\n"
        "                           shortest that reads back to the same\n"
        "                           double, null when there is none\n"
        "      --html FILE          write a self-contained HTML report\n"
        "      --no-importance      skip permutation importance (one scoring\n"
        "                           pass per input; slow for kernel SVMs)\n"
        "      --horizons D,D,..    survival models (churn-train --model\n"
        "                           survival) on data with days_to_churn:\n"
        "                           the horizons in days of the time-\n"
        "                           dependent AUC, Brier score and\n"
        "                           calibration (default: H/3, 2H/3 and H,\n"
        "                           H the model's horizon; at most 16);\n"
        "                           the C-index and Kaplan-Meier curves per\n"
        "                           risk tier come with them; customers not\n"
        "                           seen to churn are censored at H (with\n"
        "                           --events, --horizon must be H)\n"
        "  -q, --quiet              no terminal report (text and HTML\n"
        "                           figures are rounded, never -0.0000;\n"
        "                           n/a or a dash where there is none)\n"
        "Segments and KPIs (history options as in churn-features;\n"
        "--snapshots is refused: segments belong to one date):\n"
        "%s"
        "      --rules FILE         RFM segment rules (as churn-segment)\n"
        "      --kpi-from DATE      retention KPIs and the cohort table over\n"
        "      --kpi-to DATE        [FROM, TO), from the --events log\n"
        "Gate:\n"
        "      --baseline FILE      compare with a previous --json report;\n"
        "                           exit 3 when a metric got worse by more\n"
        "                           than --max-drop, or the features differ\n"
        "      --max-drop D         allowed loss (default 0.01)\n"
        "      --metric LIST        metrics to compare (default auc), e.g.\n"
        "                           auc,pr_auc,log_loss\n"
        "  -h, --help               show this help and exit\n"
        "  -V, --version            show the version and exit\n"
        "\n"
        "Exit status: 0 ok, 2 usage error, 3 the gate failed, 1 or 10 + the\n"
        "library's status code for other errors (see churn-eval(1)).\n"
        "\n"
        "Examples:\n"
        "  churn-eval --model m.churn --data test.csv --json report.json\n"
        "  churn-eval --cv 5 --data datasets/mlc_churn.csv --label churn\n"
        "  churn-eval --model m.churn --data test.csv --baseline base.json\n"
        "  churn-eval --model m.churn --events events.csv \\\n"
        "      --as-of 2025-01-01 --horizon 90 --kpi-from 2024-07-01 \\\n"
        "      --kpi-to 2025-01-01 --html report.html\n",
        cli_id_help, cli_table_help, cli_history_help);
}

typedef struct eval_args {
    const char *model, *data, *label, *positive, *id;
    const char *family, *json, *html, *baseline, *metrics;
    const char *rules;
    size_t cv, resamples, n_horizons;
    double horizons[CLI_MAX_HORIZONS];
    uint64_t seed;
    double threshold, offer_cost, customer_value, max_drop;
    int quiet, no_importance, has_horizon;
    cli_kpi_window kpi;            /* --kpi-from, --kpi-to */
    cli_history h;                 /* --events and the other history options */
    cli_train t;                   /* --cv: the training options */
    int train_given;               /* a training option was given */
} eval_args;

/* --model is the model FILE without --cv and the family NAME with it
 * (churn-train's --model); --family is the old spelling of the latter.
 * A readable file given with --cv is a mistake, not a family. */
static void resolve_model(eval_args *a)
{
    if (!a->cv) {
        if (a->family)
            cli_usage_error("--family %s needs --cv K (without --cv, give "
                            "--model MODEL.churn)", a->family);
        if (a->train_given)
            cli_usage_error("training options (such as --C or --kernel) "
                            "need --cv K: --model FILE is already trained");
        return;
    }
    if (a->model && a->family && strcmp(a->model, a->family) != 0)
        cli_usage_error("--model %s and --family %s: with --cv both name the "
                        "family; give one (--model)", a->model, a->family);
    const char *family = a->model ? a->model : a->family;
    if (family) {
        churn_train_opts *probe = churn_train_opts_new();
        if (!probe)
            cli_fail("out of memory");
        int known = churn_train_opts_set_model(probe, family) == CHURN_OK;
        churn_train_opts_free(probe);
        FILE *f = known ? NULL : fopen(family, "rb");
        if (f) {
            fclose(f);
            cli_usage_error("--cv trains its own models: --model names the "
                            "family (logistic, svm, gbdt, auto), not a model "
                            "file ('%s'); leave out --cv to evaluate the file",
                            family);
        }
        a->t.model = family;
    }
    a->model = NULL;
    cli_train_check(&a->t);
}

/* Checks that the options fit together; exits 2 when they do not. */
static void check_args(eval_args *a)
{
    resolve_model(a);
    if (!a->model && !a->cv)
        cli_usage_error("give either --model MODEL.churn or --cv K");
    if (!a->data && !a->h.events)
        cli_usage_error("give --data LABELED.csv or --events EVENTS.csv");
    if ((a->rules || a->kpi.has_from || a->kpi.has_to) && !a->h.events)
        cli_usage_error("--rules, --kpi-from and --kpi-to need --events");
    if (a->n_horizons && a->cv)
        cli_usage_error("--horizons needs --model (a survival model)");
    if (!a->h.events)
        return;
    cli_history_check(&a->h);
    if (a->h.snapshots > 1)
        cli_usage_error("--snapshots: segments are computed at one as-of "
                        "date");
    if (!a->data && !a->has_horizon)
        cli_usage_error("--horizon DAYS is required without --data: the "
                        "evaluated rows need labels");
    if (a->data && a->has_horizon)
        cli_usage_error("--horizon: with --data, the labels come from "
                        "--data; leave one of them out");
    cli_kpi_check(&a->kpi);
}

/* The long options: codes below CLI_HISTORY_BASE are churn-eval's own;
 * the history and training options are those of cli.h. */
enum { LABEL = 1, POSITIVE, ID, CV, FAMILY, THRESHOLD, OFFER_COST,
       CUSTOMER_VALUE, BOOTSTRAP, SEED, JSON, HTML, BASELINE, MAX_DROP,
       METRIC, NO_IMPORTANCE, RULES, HORIZONS };
static const struct option longopts[] = {
    {"model", required_argument, NULL, 'm'},
    {"data", required_argument, NULL, 'd'},
    {"label", required_argument, NULL, LABEL},
    {"positive", required_argument, NULL, POSITIVE},
    {"id", required_argument, NULL, ID},
    {"cv", required_argument, NULL, CV},
    {"family", required_argument, NULL, FAMILY},
    CLI_TRAIN_OPTIONS,
    {"threshold", required_argument, NULL, THRESHOLD},
    {"offer-cost", required_argument, NULL, OFFER_COST},
    {"customer-value", required_argument, NULL, CUSTOMER_VALUE},
    {"bootstrap", required_argument, NULL, BOOTSTRAP},
    {"seed", required_argument, NULL, SEED},
    {"json", required_argument, NULL, JSON},
    {"html", required_argument, NULL, HTML},
    {"baseline", required_argument, NULL, BASELINE},
    {"max-drop", required_argument, NULL, MAX_DROP},
    {"metric", required_argument, NULL, METRIC},
    {"no-importance", no_argument, NULL, NO_IMPORTANCE},
    {"horizons", required_argument, NULL, HORIZONS},
    {"rules", required_argument, NULL, RULES},
    CLI_KPI_OPTIONS,
    CLI_HISTORY_OPTIONS,
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0}};

static void parse_args(int argc, char **argv, eval_args *a)
{
    int c;
    opterr = 0; /* cli_bad_option says what is wrong */
    while ((c = getopt_long(argc, argv, ":m:d:qhV", longopts, NULL)) != -1) {
        switch (c) {
        case 'm': a->model = optarg; break;
        case 'd': a->data = optarg; break;
        case LABEL: a->label = optarg; break;
        case POSITIVE: a->positive = optarg; break;
        case ID: a->id = optarg; break;
        case CV: a->cv = cli_size("--cv", optarg, 2, 100); break;
        case FAMILY: a->family = optarg; break;
        case THRESHOLD:
            a->threshold = cli_double("--threshold", optarg, 0, 1);
            break;
        case OFFER_COST:
            a->offer_cost = cli_double("--offer-cost", optarg, 0, 1e12);
            break;
        case CUSTOMER_VALUE:
            a->customer_value = cli_double("--customer-value", optarg, 0,
                                           1e12);
            break;
        case BOOTSTRAP:
            a->resamples = cli_size("--bootstrap", optarg, 0, 1000000);
            break;
        case SEED: a->seed = cli_size("--seed", optarg, 0, (size_t)-1); break;
        case JSON: a->json = optarg; break;
        case HTML: a->html = optarg; break;
        case BASELINE: a->baseline = optarg; break;
        case MAX_DROP:
            a->max_drop = cli_double("--max-drop", optarg, 0, 1e12);
            break;
        case METRIC: a->metrics = optarg; break;
        case NO_IMPORTANCE: a->no_importance = 1; break;
        case HORIZONS:
            a->n_horizons = cli_horizons(optarg, 1e-9, a->horizons);
            break;
        case RULES: a->rules = optarg; break;
        case CLI_KPI_FROM:
        case CLI_KPI_TO: cli_kpi_option(&a->kpi, c, optarg); break;
        case 'q': a->quiet = 1; break;
        case 'h':
            usage();
            cli_history_free(&a->h);
            exit(0);
        case 'V':
            cli_print_version();
            cli_history_free(&a->h);
            exit(0);
        default:
            if (c >= CLI_TRAIN_BASE && c < CLI_TRAIN_END) {
                cli_train_option(&a->t, c, optarg);
                a->train_given = 1;
                break;
            }
            if (c < CLI_HISTORY_BASE)
                cli_bad_option(c, argv);
            a->has_horizon |= c == CLI_HORIZON;
            cli_history_option(&a->h, c, optarg);
        }
    }
    if (optind < argc)
        cli_usage_error("unexpected argument '%s'", argv[optind]);
    check_args(a);
}

static churn_eval_opts *eval_opts(const eval_args *a)
{
    churn_eval_opts *o = churn_eval_opts_new();
    if (!o)
        cli_fail("out of memory");
    churn_eval_opts_set_threshold(o, a->threshold);
    churn_eval_opts_set_profit(o, a->offer_cost, a->customer_value);
    churn_eval_opts_set_bootstrap(o, a->resamples, a->seed);
    return o;
}

static churn_eval *cross_validate(const eval_args *a, churn_dataset *ds,
                                  const churn_eval_opts *eo)
{
    cli_train t = a->t;
    t.seed = a->seed;
    churn_train_opts *to = cli_train_opts(&t);
    churn_train_opts_set_validation(to, 0);
    churn_eval *e = NULL;
    churn_error err;
    int rc = churn_eval_cv(ds, to, a->cv, eo, &e, &err);
    cli_progress_done();
    churn_train_opts_free(to);
    if (rc != CHURN_OK)
        cli_fail_err(rc, &err);
    return e;
}

/* Loads --model; its label name and positive value become the defaults
 * of --label and --positive (an option given still wins). */
static churn_model *load_model(eval_args *a)
{
    churn_error err;
    churn_model *m = NULL;
    int rc = churn_model_load(a->model, &m, &err);
    if (rc != CHURN_OK)
        cli_fail_err(rc, &err);
    const char *name = churn_model_label_name(m);
    if (!a->label)
        a->label = name;
    /* The model's positive value belongs to its own label column. */
    if (!a->positive && name && a->label && strcmp(a->label, name) == 0)
        a->positive = churn_model_label_positive(m);
    return m;
}

/* The drift of ds against m's training rows into the report (when m has
 * references; else the report says it has none); *out gets it too. */
static int add_drift(churn_eval *e, const churn_model *m,
                     const churn_dataset *ds, const double *prob,
                     churn_drift **out, churn_error *err)
{
    if (!churn_drift_has_references(m))
        return churn_eval_add_info(e, "drift", "the model has no drift "
                                   "references");
    int rc = churn_drift_measure(m, ds, prob, out, err);
    return rc == CHURN_OK ? churn_eval_add_drift(e, *out) : rc;
}

static churn_eval *evaluate_model(const eval_args *a, const churn_model *m,
                                  churn_dataset *ds,
                                  const churn_eval_opts *eo,
                                  churn_drift **drift)
{
    churn_error err;
    churn_eval *e = NULL;
    /* A survival model's time-to-churn figures need the data's times. */
    int survival = !isnan(churn_model_horizon(m)) &&
                   churn_dataset_has_days_to_churn(ds);
    if (a->n_horizons && isnan(churn_model_horizon(m)))
        cli_usage_error("--horizons needs a survival model (churn-train "
                        "--model survival); this one is %s",
                        churn_model_family(m));
    if (a->n_horizons && !survival)
        cli_usage_error("--horizons needs data with days_to_churn "
                        "(churn-features writes it)");
    /* Rows not seen to churn are censored at the model's horizon: the
     * labels must have looked that far, no less and no further. */
    if (survival && !a->data && a->h.horizon_days != churn_model_horizon(m))
        cli_usage_error("--horizon %g: the survival model was trained over "
                        "%g days; label over the same horizon",
                        a->h.horizon_days, churn_model_horizon(m));
    size_t n = churn_dataset_n_rows(ds);
    double *prob = malloc((n + 1) * sizeof *prob);
    double *label = malloc((n + 1) * sizeof *label);
    if (!prob || !label)
        cli_fail("out of memory");
    for (size_t i = 0; i < n; i++)
        label[i] = churn_dataset_label(ds, i);
    int rc = churn_model_predict_dataset(m, ds, prob, &err);
    if (rc == CHURN_OK)
        rc = churn_eval_compute(prob, label, n, eo, &e, &err);
    if (rc == CHURN_OK && (rc = churn_eval_set_model(e, m)) == CHURN_OK)
        rc = churn_eval_add_info(e, "model_file", a->model);
    if (rc == CHURN_OK)
        rc = add_drift(e, m, ds, prob, drift, &err);
    if (rc == CHURN_OK && !a->no_importance)
        rc = churn_eval_add_importance(e, m, ds, a->seed, &err);
    if (rc == CHURN_OK && survival)
        rc = churn_eval_add_survival_model(e, m, ds, a->horizons,
                                           a->n_horizons, NULL, &err);
    if (rc != CHURN_OK)
        cli_fail_err(rc, &err);
    free(prob);
    free(label);
    return e;
}

/* Runs the gate; returns the exit status (0 passed, 3 failed). */
static int gate(const eval_args *a, const churn_eval *e)
{
    char reasons[4096];
    size_t failed = 0;
    churn_error err;
    int rc = churn_eval_gate(e, a->baseline, a->metrics, a->max_drop,
                             &failed, reasons, sizeof reasons, &err);
    if (rc == CHURN_EINVAL)
        cli_usage_error("--metric: %s", err.message);
    if (rc != CHURN_OK)
        cli_fail_err(rc, &err);
    if (failed == 0) {
        fprintf(stderr, "churn-eval: gate passed against %s (%s, max drop "
                "%g)\n", a->baseline, a->metrics ? a->metrics : "auc",
                a->max_drop);
        return 0;
    }
    for (char *line = reasons; *line;) {
        char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        fprintf(stderr, "churn-eval: gate failed: %.*s\n", (int)len, line);
        line += len + (end != NULL);
    }
    return 3;
}

/* The segment section (and with --kpi-from/--kpi-to the KPIs) of the
 * history's customers at --as-of, those who cancelled before it included
 * (stage lost), as churn-segment shows them; churn rates from the labels
 * of the evaluated rows. features are the history's, with the cancelled
 * customers when there is --data; else they are the evaluated rows, and
 * the history is read again with them. */
static void add_segments(const eval_args *a, churn_eval *e,
                         const churn_dataset *features,
                         const churn_dataset *evaluated)
{
    churn_error err;
    churn_dataset *seg = NULL, *all = NULL;
    if (!a->data) {
        /* The log was counted by the first read: this one must not add
         * to the figures the summary shows. */
        churn_feature_opts_set_stats(a->h.opts, NULL);
        churn_feature_opts_set_cancelled(a->h.opts, 1);
        all = cli_history_extract(&a->h);
        features = all;
    }
    churn_kpi *k = NULL;
    churn_segment_opts *so = churn_segment_opts_new();
    char date[16];
    if (!so)
        cli_fail("out of memory");
    churn_format_date((double)a->h.as_of, date, sizeof date);
    int rc = a->rules ? churn_segment_opts_read_rules(so, a->rules, &err)
                      : CHURN_OK;
    if (rc == CHURN_OK)
        rc = churn_segment(features, so, &seg, &err);
    if (rc == CHURN_OK)
        rc = churn_eval_add_segments(e, seg, evaluated, &err);
    if (rc == CHURN_OK && (rc = churn_eval_add_info(e, "events_file",
                                                    a->h.events)) == CHURN_OK)
        rc = churn_eval_add_info(e, "as_of", date);
    if (rc == CHURN_OK && a->kpi.has_from) {
        rc = churn_kpi_compute(a->h.events, a->h.opts, a->kpi.from,
                               a->kpi.to, &k, &err);
        cli_progress_done();
        if (rc == CHURN_OK)
            rc = churn_eval_add_kpi(e, k, &err);
    }
    if (rc != CHURN_OK)
        cli_fail_err(rc, &err);
    churn_kpi_free(k);
    churn_dataset_free(seg);
    churn_dataset_free(all);
    churn_segment_opts_free(so);
}

int main(int argc, char **argv)
{
    eval_args a = {.threshold = 0.5,
                   .offer_cost = 1, .customer_value = 10, .resamples = 1000,
                   .seed = 42, .max_drop = 0.01};
    cli_tool = "churn-eval";
    cli_history_init(&a.h);
    cli_train_init(&a.t);
    parse_args(argc, argv, &a);
    churn_eval_opts *eo = eval_opts(&a);
    churn_model *m = a.model ? load_model(&a) : NULL;
    if (!a.label)
        a.label = "churned";
    /* Features of the history at --as-of: the rows to evaluate when there
     * is no --data, and what the segments are computed from. */
    if (a.h.events && a.data) /* features only for the segments */
        churn_feature_opts_set_cancelled(a.h.opts, 1);
    churn_dataset *features = a.h.events ? cli_history_extract(&a.h) : NULL;
    churn_dataset *ds = a.data ? cli_read_labeled(a.data, a.label, a.positive,
                                                  a.id)
                               : features;
    const char *data = a.data ? a.data : a.h.events;
    churn_drift *drift = NULL;
    churn_eval *e = a.cv ? cross_validate(&a, ds, eo)
                         : evaluate_model(&a, m, ds, eo, &drift);
    if (features)
        add_segments(&a, e, features, ds);
    churn_error err;
    int rc = churn_eval_add_info(e, "data_file", data);
    if (rc == CHURN_OK && a.json)
        rc = churn_eval_write_json(e, a.json, &err);
    if (rc == CHURN_OK && a.html)
        rc = churn_eval_write_html(e, data, a.html, &err);
    if (rc != CHURN_OK)
        cli_fail_err(rc, &err);
    if (!a.quiet) {
        char source[512];
        if (a.cv)
            snprintf(source, sizeof source, "%s, %zu-fold cross-validation",
                     data, a.cv);
        else
            snprintf(source, sizeof source, "%s on %s", a.model, data);
        char ids[300];
        eval_print_report(e, source,
                          a.data ? cli_ids_text(ds, a.id != NULL, ids,
                                                sizeof ids)
                                 : NULL);
        if (features)
            eval_print_history(&a.h);
        if (drift)
            eval_print_drift(drift);
    }
    int status = a.baseline ? gate(&a, e) : 0;
    churn_eval_free(e);
    churn_drift_free(drift);
    churn_model_free(m);
    if (ds != features)
        churn_dataset_free(ds);
    churn_dataset_free(features);
    churn_eval_opts_free(eo);
    cli_history_free(&a.h);
    return status;
}

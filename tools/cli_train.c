/* cli_train.c - the training options churn-train and churn-eval --cv
 * share: one parser filling churn_train_opts, so an option means the same
 * in both, and one table of the families each option applies to, so that
 * an option given to another family is a usage error naming both. */
#include "cli.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The families an option applies to, as a space-separated list (NULL:
 * every family). One row per code, in the order of the enum. */
static const struct {
    int code;
    const char *name, *families;
} options[] = {
    {CLI_TRAIN_C, "C", "logistic svm survival auto"},
    {CLI_TRAIN_KERNEL, "kernel", "svm auto"},
    {CLI_TRAIN_GAMMA, "gamma", "svm auto"},
    {CLI_TRAIN_DEGREE, "degree", "svm auto"},
    {CLI_TRAIN_COMPONENTS, "components", "svm auto"},
    {CLI_TRAIN_CALIBRATION, "calibration", "logistic svm gbdt auto"},
    {CLI_TRAIN_SEARCH, "search", "logistic svm gbdt auto"},
    {CLI_TRAIN_TIME_BUDGET, "time-budget", "logistic svm gbdt auto"},
    {CLI_TRAIN_SEARCH_ROWS, "search-rows", "logistic svm gbdt auto"},
    {CLI_TRAIN_MAX_ROWS, "max-rows", NULL},
    {CLI_TRAIN_CLASS_WEIGHT, "class-weight", NULL},
    {CLI_TRAIN_TREES, "trees", "gbdt"},
    {CLI_TRAIN_DEPTH, "depth", "gbdt"},
    {CLI_TRAIN_LEARNING_RATE, "learning-rate", "gbdt"},
    {CLI_TRAIN_SUBSAMPLE, "subsample", "gbdt"},
    {CLI_TRAIN_COLSAMPLE, "colsample", "gbdt"},
    {CLI_TRAIN_MIN_CHILD_WEIGHT, "min-child-weight", "gbdt"},
    {CLI_TRAIN_LAMBDA, "lambda", "gbdt"},
    {CLI_TRAIN_EARLY_STOPPING, "early-stopping", "gbdt"},
};
#define N_OPTIONS (sizeof options / sizeof options[0])

void cli_train_init(cli_train *t)
{
    *t = (cli_train){.model = "logistic", .class_weight = "auto",
                     .kernel = "rbf", .calibration = "default",
                     .metric = "auc", .c = 1.0,
                     .search_rows = CHURN_SEARCH_ROWS, .degree = 3,
                     .learning_rate = NAN, .subsample = NAN,
                     .colsample = NAN, .min_child_weight = NAN,
                     .lambda = NAN, .early_stopping = -1};
}

void cli_train_option(cli_train *t, int code, const char *arg)
{
    size_t row = (size_t)(code - CLI_TRAIN_BASE);
    if (row < N_OPTIONS)
        t->given[row] = 1;
    switch (code) {
    case CLI_TRAIN_C: t->c = cli_double("--C", arg, 1e-12, 1e12); break;
    case CLI_TRAIN_KERNEL: t->kernel = arg; break;
    case CLI_TRAIN_GAMMA:
        t->gamma = cli_double("--gamma", arg, 1e-12, 1e12);
        break;
    case CLI_TRAIN_DEGREE:
        t->degree = (int)cli_size("--degree", arg, 1, 10);
        break;
    case CLI_TRAIN_COMPONENTS:
        t->components = cli_size("--components", arg, 1,
                                 CHURN_MAX_COMPONENTS);
        break;
    case CLI_TRAIN_CALIBRATION: t->calibration = arg; break;
    case CLI_TRAIN_SEARCH: t->search = 1; break;
    case CLI_TRAIN_TIME_BUDGET:
        t->time_budget = cli_double("--time-budget", arg, 0, 1e9);
        break;
    case CLI_TRAIN_SEARCH_ROWS:
        t->search_rows = cli_size("--search-rows", arg, 0, (size_t)-1);
        break;
    case CLI_TRAIN_MAX_ROWS:
        t->max_rows = cli_size("--max-rows", arg, 0, (size_t)-1);
        break;
    case CLI_TRAIN_CLASS_WEIGHT: t->class_weight = arg; break;
    case CLI_TRAIN_TREES: t->trees = cli_size("--trees", arg, 1, 100000); break;
    case CLI_TRAIN_DEPTH: t->depth = cli_size("--depth", arg, 1, 64); break;
    case CLI_TRAIN_LEARNING_RATE:
        t->learning_rate = cli_double("--learning-rate", arg, 0, 1);
        break;
    case CLI_TRAIN_SUBSAMPLE:
        t->subsample = cli_double("--subsample", arg, 0, 1);
        break;
    case CLI_TRAIN_COLSAMPLE:
        t->colsample = cli_double("--colsample", arg, 0, 1);
        break;
    case CLI_TRAIN_MIN_CHILD_WEIGHT:
        t->min_child_weight = cli_double("--min-child-weight", arg, 0, 1e12);
        break;
    case CLI_TRAIN_LAMBDA: t->lambda = cli_double("--lambda", arg, 0, 1e12); break;
    case CLI_TRAIN_EARLY_STOPPING:
        t->early_stopping = (long)cli_size("--early-stopping", arg, 0, 100000);
        break;
    default: cli_usage_error("internal: unknown training option %d", code);
    }
}

/* Whether family is a word of the space-separated list. */
static int listed(const char *list, const char *family)
{
    size_t n = strlen(family);
    for (const char *p = list; (p = strstr(p, family)) != NULL; p += n)
        if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
            return 1;
    return 0;
}

void cli_train_check(const cli_train *t)
{
    for (size_t k = 0; k < N_OPTIONS; k++) {
        if (!t->given[k] || !options[k].families ||
            listed(options[k].families, t->model))
            continue;
        char shown[80] = "";
        size_t n = 0;
        const char *f = options[k].families;
        /* "svm or auto", "gbdt": the families it does apply to. */
        for (const char *sp; n < sizeof shown; f = sp + 1) {
            sp = strchr(f, ' ');
            int len = sp ? (int)(sp - f) : (int)strlen(f);
            n += (size_t)snprintf(shown + n, sizeof shown - n, "%s%.*s",
                                  n ? (sp ? ", " : " or ") : "", len, f);
            if (!sp)
                break;
        }
        cli_usage_error("--%s applies to --model %s, not --model %s",
                        options[k].name, shown, t->model);
    }
}

/* The gbdt options given; a share of 0 passes cli_double's range but not
 * the setter's. */
static void set_gbdt_opts(churn_train_opts *o, const cli_train *t)
{
    if (t->trees)
        churn_train_opts_set_trees(o, t->trees);
    if (t->depth)
        churn_train_opts_set_depth(o, t->depth);
    if (t->threads)
        churn_train_opts_set_threads(o, t->threads);
    if (t->early_stopping >= 0)
        churn_train_opts_set_early_stopping(o, (size_t)t->early_stopping);
    if (!isnan(t->learning_rate) &&
        churn_train_opts_set_learning_rate(o, t->learning_rate))
        cli_usage_error("--learning-rate must be in (0, 1]");
    if (!isnan(t->subsample) && churn_train_opts_set_subsample(o, t->subsample))
        cli_usage_error("--subsample must be in (0, 1]");
    if (!isnan(t->colsample) && churn_train_opts_set_colsample(o, t->colsample))
        cli_usage_error("--colsample must be in (0, 1]");
    if (!isnan(t->min_child_weight))
        churn_train_opts_set_min_child_weight(o, t->min_child_weight);
    if (!isnan(t->lambda))
        churn_train_opts_set_lambda(o, t->lambda);
}

churn_train_opts *cli_train_opts(const cli_train *t)
{
    churn_train_opts *o = churn_train_opts_new();
    if (!o)
        cli_fail("out of memory");
    if (churn_train_opts_set_model(o, t->model))
        cli_usage_error("--model: unknown model '%s' (logistic, svm, gbdt, "
                        "survival, auto)", t->model);
    if (churn_train_opts_set_kernel(o, t->kernel))
        cli_usage_error("--kernel: unknown kernel '%s' (rbf, linear, poly, "
                        "rbf-approx)", t->kernel);
    if (churn_train_opts_set_calibration(o, t->calibration))
        cli_usage_error("--calibration: '%s' is not platt, isotonic or none",
                        t->calibration);
    if (churn_train_opts_set_metric(o, t->metric))
        cli_usage_error("--metric: '%s' is not auc, pr_auc or logloss",
                        t->metric);
    churn_train_opts_set_gamma(o, t->gamma);
    churn_train_opts_set_degree(o, t->degree);
    churn_train_opts_set_components(o, t->components);
    churn_train_opts_set_search(o, t->search);
    churn_train_opts_set_max_rows(o, t->max_rows);
    if (t->time_budget > 0)
        churn_train_opts_set_time_budget(o, t->time_budget);
    churn_train_opts_set_search_rows(o, t->search_rows);
    if (churn_train_opts_set_class_weight(o, t->class_weight))
        cli_usage_error("--class-weight: '%s' is not auto, none or balanced",
                        t->class_weight);
    churn_train_opts_set_c(o, t->c);
    churn_train_opts_set_seed(o, t->seed);
    set_gbdt_opts(o, t);
    churn_train_opts_set_progress(o, cli_progress, NULL);
    return o;
}

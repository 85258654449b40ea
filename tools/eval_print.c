/* eval_print.c - churn-eval's terminal report: the figures of an
 * evaluation section by section (ranking, probabilities, the threshold,
 * the campaign, the tables, importance, time to churn), then the history
 * and drift sections. Reads the report through the public API only. */
#include "eval_print.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* "0.8102" or, cross-validated, "0.8102 (folds 0.8087 ± 0.0123)". */
static void figure(const churn_eval *e, const char *label, const char *name)
{
    printf("  %-22s %s", label, cli_num(churn_eval_metric(e, name), 4).s);
    if (churn_eval_n_folds(e))
        printf("  (folds %s ± %s)",
               cli_num(churn_eval_fold_mean(e, name), 4).s,
               cli_num(churn_eval_fold_sd(e, name), 4).s);
    printf("\n");
}

static void print_tables(const churn_eval *e)
{
    printf("\nTop of the ranking\n  %-8s %10s %10s\n", "top", "precision",
           "recall");
    const int tops[] = {1, 5, 10, 20};
    for (size_t k = 0; k < 4; k++) {
        char p[32], r[32];
        snprintf(p, sizeof p, "precision_at_%dpct", tops[k]);
        snprintf(r, sizeof r, "recall_at_%dpct", tops[k]);
        printf("  %6d%%  %10s %10s\n", tops[k],
               cli_num(churn_eval_metric(e, p), 4).s,
               cli_num(churn_eval_metric(e, r), 4).s);
    }
    printf("\nDeciles (highest probabilities first)\n  %-7s %7s %8s %7s "
           "%15s\n", "decile", "rows", "churned", "lift", "cumulative gain");
    for (size_t d = 0; d < 10; d++) {
        size_t rows, pos;
        double lift, gain;
        churn_eval_decile(e, d, &rows, &pos, &lift, &gain);
        printf("  %-7zu %7zu %8zu %7s %14s%%\n", d + 1, rows, pos,
               cli_num(lift, 2).s, cli_num(100 * gain, 1).s);
    }
    printf("\nCalibration (ECE %s)\n  %-11s %7s %14s %9s\n",
           cli_num(churn_eval_metric(e, "ece"), 4).s, "probability", "rows",
           "mean predicted", "observed");
    for (size_t b = 0; b < 10; b++) {
        size_t rows;
        double mean, observed;
        churn_eval_calibration(e, b, &rows, &mean, &observed);
        printf("  %.1f - %.1f   %7zu %14s %9s\n", (double)b / 10,
               (double)(b + 1) / 10, rows, cli_num(mean, 4).s,
               cli_num(observed, 4).s);
    }
}

typedef struct importance {
    const char *name;
    double coef, perm, shap;
} importance;

static int by_perm_desc(const void *a, const void *b)
{
    double x = ((const importance *)a)->perm, y = ((const importance *)b)->perm;
    return (x < y) - (x > y);
}

/* Inputs by AUC lost when shuffled, largest first. */
static void print_importance(const churn_eval *e)
{
    size_t n = churn_eval_n_importance(e);
    importance *rows = malloc((n + 1) * sizeof *rows);
    if (!rows)
        cli_fail("out of memory");
    int shap = 0; /* gbdt: mean |SHAP| beside the AUC lost */
    for (size_t j = 0; j < n; j++) {
        churn_eval_importance(e, j, &rows[j].name, &rows[j].coef,
                              &rows[j].perm);
        rows[j].shap = churn_eval_importance_shap(e, j);
        shap |= !isnan(rows[j].shap);
    }
    qsort(rows, n, sizeof *rows, by_perm_desc);
    printf("\nFeature importance\n  %-32s %9s %13s%s\n", "input", "AUC lost",
           "|coefficient|", shap ? "   mean |SHAP|" : "");
    for (size_t j = 0; j < n; j++) {
        printf("  %-32s %9s", rows[j].name, cli_num(rows[j].perm, 4).s);
        if (isnan(rows[j].coef))
            printf(" %13s", "-"); /* a kernel model has none */
        else
            printf(" %13s", cli_num(rows[j].coef, 4).s);
        if (shap)
            printf(" %13s", cli_num(rows[j].shap, 4).s);
        putchar('\n');
    }
    free(rows);
}

/* The survival figures: C-index, per horizon, Kaplan-Meier per tier. */
static void print_survival(const churn_survival_eval *s)
{
    size_t k = churn_survival_eval_n_horizons(s);
    printf("\nTime to churn (%.0f rows, %.0f churned, the others censored)\n"
           "  %-22s %s  (%.0f comparable pairs)\n",
           churn_survival_eval_get(s, "rows", 0),
           churn_survival_eval_get(s, "events", 0), "C-index",
           cli_num(churn_survival_eval_get(s, "c_index", 0), 4).s,
           churn_survival_eval_get(s, "comparable_pairs", 0));
    printf("  %-8s %8s %8s %10s %13s %11s\n", "horizon", "AUC(h)",
           "Brier", "predicted", "Kaplan-Meier", "calib. err");
    for (size_t j = 0; j < k; j++)
        printf("  %-8s %8s %8s %10s %13s %11s\n",
               cli_num(churn_survival_eval_get(s, "horizon", j), -1).s,
               cli_num(churn_survival_eval_get(s, "td_auc", j), 4).s,
               cli_num(churn_survival_eval_get(s, "brier", j), 4).s,
               cli_num(churn_survival_eval_get(s, "mean_predicted", j), 4).s,
               cli_num(churn_survival_eval_get(s, "km_churn", j), 4).s,
               cli_num(churn_survival_eval_get(s, "calibration_error", j),
                       4).s);
    if (churn_survival_eval_n_tiers(s) == 0)
        return;
    printf("\nKaplan-Meier: share still a customer, by tier\n  %-8s %9s "
           "%8s", "tier", "customers", "churned");
    for (size_t j = 0; j < k; j++)
        printf(" %9s", cli_num(churn_survival_eval_get(s, "horizon", j),
                               -1).s);
    printf("\n");
    for (size_t t = 0; t < churn_survival_eval_n_tiers(s); t++) {
        size_t rows, events;
        const char *name = churn_survival_eval_tier(s, t, &rows, &events);
        printf("  %-8s %9zu %8zu", name, rows, events);
        for (size_t j = 0; j < k; j++)
            printf(" %9s", cli_num(churn_survival_eval_tier_km(
                s, t, churn_survival_eval_get(s, "horizon", j)), 4).s);
        printf("\n");
    }
}

/* ids: the column the table's ids came from (NULL: not a table). */
void eval_print_report(const churn_eval *e, const char *source,
                       const char *ids)
{
    double rows = churn_eval_metric(e, "rows");
    double pos = churn_eval_metric(e, "positives");
    printf("Evaluation of %s\n", source);
    printf("  %-22s %.0f (%.0f churned, %.2f%%)\n", "rows", rows, pos,
           100 * pos / rows);
    if (ids)
        printf("  %-22s %s\n", "ids", ids);
    printf("\nRanking\n");
    figure(e, "ROC AUC", "auc");
    if (!isnan(churn_eval_metric(e, "auc_ci_low")))
        printf("  %-22s %s - %s\n", "  95% interval",
               cli_num(churn_eval_metric(e, "auc_ci_low"), 4).s,
               cli_num(churn_eval_metric(e, "auc_ci_high"), 4).s);
    figure(e, "PR AUC", "pr_auc");
    if (!isnan(churn_eval_metric(e, "pr_auc_ci_low")))
        printf("  %-22s %s - %s\n", "  95% interval",
               cli_num(churn_eval_metric(e, "pr_auc_ci_low"), 4).s,
               cli_num(churn_eval_metric(e, "pr_auc_ci_high"), 4).s);
    figure(e, "top-decile lift", "top_decile_lift");
    printf("\nProbabilities\n");
    figure(e, "log loss", "log_loss");
    figure(e, "Brier score", "brier");
    figure(e, "calibration error", "ece");
    printf("\nAt threshold %s\n",
           cli_num(churn_eval_metric(e, "threshold"), -1).s);
    figure(e, "accuracy", "accuracy");
    figure(e, "precision", "precision");
    figure(e, "recall", "recall");
    figure(e, "F1", "f1");
    printf("  %-22s %8s %8s\n", "confusion matrix", "churned", "stayed");
    printf("  %-22s %8.0f %8.0f\n", "  predicted churn",
           churn_eval_metric(e, "tp"), churn_eval_metric(e, "fp"));
    printf("  %-22s %8.0f %8.0f\n", "  predicted stay",
           churn_eval_metric(e, "fn"), churn_eval_metric(e, "tn"));
    printf("\nRetention campaign (offer cost %s, kept customer worth %s)\n",
           cli_num(churn_eval_metric(e, "offer_cost"), -1).s,
           cli_num(churn_eval_metric(e, "customer_value"), -1).s);
    printf("  %-22s %s: target %.0f customers, profit %s\n",
           "best threshold",
           cli_num(churn_eval_metric(e, "best_threshold"), 4).s,
           churn_eval_metric(e, "best_targeted"),
           cli_num(churn_eval_metric(e, "best_profit"), -1).s);
    print_tables(e);
    if (churn_eval_n_importance(e))
        print_importance(e);
    if (churn_eval_survival(e))
        print_survival(churn_eval_survival(e));
}

/* The drift section of the terminal report: the score and the inputs
 * that moved most. */
void eval_print_drift(const churn_drift *d)
{
    printf("\nDrift (PSI against %zu training rows; docs/DRIFT.md)\n",
           churn_drift_n_reference_rows(d));
    printf("  %-22s %s\n", "score", cli_num(churn_drift_score_psi(d), 4).s);
    for (size_t r = 0; r < churn_drift_n_inputs(d) && r < 10; r++)
        printf("  %-22s %s\n", churn_drift_input_name(d, r),
               cli_num(churn_drift_input_psi(d, r), 4).s);
}

/* How the event log was read: the customers file's matches, the most
 * frequent event names and their roles. */
void eval_print_history(const cli_history *h)
{
    char line[1024];
    printf("\nHistory\n");
    if (cli_history_join_line(h, line, sizeof line))
        printf("  %-22s %s\n", "customers file", line);
    cli_history_events_line(h, 5, line, sizeof line);
    printf("  %-22s %s\n", "events", line);
}

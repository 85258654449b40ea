/* eval_html_summary.c - the summary header at the top of the HTML report:
 * model, data and date, churn rate, AUC and PR AUC with their intervals,
 * top-decile lift, and the one-line reading (its words: eval_words.c). */
#include "ml/eval.h"

#include <math.h>
#include <string.h>
#include <time.h>

/* The info value of key, or NULL. */
static const char *info(const churn_eval *e, const char *key)
{
    for (size_t i = 0; i < e->n_info; i++)
        if (strcmp(e->info[2 * i], key) == 0)
            return e->info[2 * i + 1];
    return NULL;
}

/* A figure and its bootstrap interval: "0.820 (0.799–0.839)". */
static void with_interval(FILE *f, double x, double low, double high)
{
    char a[CHURN__NUM_BUF], b[CHURN__NUM_BUF], c[CHURN__NUM_BUF];
    fputs(churn_format_number(x, 3, a, sizeof a), f);
    if (isfinite(low) && isfinite(high))
        fprintf(f, " (%s&#8211;%s)", churn_format_number(low, 3, b, sizeof b),
                churn_format_number(high, 3, c, sizeof c));
}

static void entry_open(FILE *f, const char *name)
{
    fputs("<tr><th class=\"k\" scope=\"row\">", f);
    churn__html_text(f, name);
    fputs("</th><td class=\"k\">", f);
}

/* The training entries that the title leaves out: "seed 42, folds 5". */
static void training_rest(FILE *f, const churn_eval *e)
{
    int first = 1;
    for (size_t i = 0; i < e->n_train; i++) {
        char part[160];
        if (e->train_setting[i] || strcmp(e->train[2 * i], "family") == 0)
            continue;
        churn__eval_setting_text(e, i, part, sizeof part);
        fputs(first ? "" : ", ", f);
        churn__html_text(f, part);
        first = 0;
    }
}

void churn__eval_html_summary(FILE *f, const churn_eval *e)
{
    const double *m = e->metrics;
    char text[512], num[CHURN__NUM_BUF], date[16];
    fputs("<section class=\"summary\">\n<div class=\"scroll\"><table "
          "class=\"summary\">\n", f);
    churn__eval_model_title(e, "not recorded", text, sizeof text);
    entry_open(f, "model");
    churn__html_text(f, text);
    fputs("</td></tr>\n", f);
    if (e->n_train > 1) {
        entry_open(f, "training");
        training_rest(f, e);
        fputs("</td></tr>\n", f);
    }
    const char *data = info(e, "data_file"), *on = info(e, "evaluated_on");
    entry_open(f, "data");
    churn__html_text(f, data ? data : "not recorded");
    if (on) {
        fputs(", ", f);
        churn__html_text(f, on);
    }
    churn_format_date((double)time(NULL), date, sizeof date);
    fprintf(f, "</td></tr>\n");
    entry_open(f, "date");
    fprintf(f, "report of %s", date);
    const char *created = info(e, "model_created");
    if (created) {
        fputs("; model trained ", f);
        churn__html_text(f, created);
    }
    fputs("</td></tr>\n", f);
    entry_open(f, "churn rate");
    fprintf(f, "%s %% (%.0f of %.0f labeled rows)</td></tr>\n",
            churn_format_number(100 * m[CHURN__E_POSITIVES] / m[CHURN__E_ROWS],
                                1, num, sizeof num),
            m[CHURN__E_POSITIVES], m[CHURN__E_ROWS]);
    entry_open(f, "ROC AUC");
    with_interval(f, m[CHURN__E_AUC], m[CHURN__E_AUC_LOW],
                  m[CHURN__E_AUC_HIGH]);
    fputs("</td></tr>\n", f);
    entry_open(f, "PR AUC");
    with_interval(f, m[CHURN__E_PR_AUC], m[CHURN__E_PR_AUC_LOW],
                  m[CHURN__E_PR_AUC_HIGH]);
    fputs("</td></tr>\n", f);
    size_t rows, pos;
    double lift, gain;
    churn_eval_decile(e, 0, &rows, &pos, &lift, &gain);
    entry_open(f, "lift, top 10 %");
    fprintf(f, "%s", churn_format_number(lift, 1, num, sizeof num));
    fprintf(f, " (%s %% of the churners)</td></tr>\n",
            churn_format_number(100 * gain, 0, num, sizeof num));
    fputs("</table></div>\n<p class=\"reading\">", f);
    churn__eval_reading(e, text, sizeof text);
    churn__html_text(f, text);
    fputs("</p>\n</section>\n", f);
}

/* eval_html_summary.c - the summary header at the top of the HTML report
 * (model, data and date, churn rate, AUC and PR AUC with their intervals,
 * top-decile lift, a one-line reading), the title that names the model,
 * and the reading's wording (rules in docs/REPORT_JSON.md, "reading"). */
#include "ml/eval.h"

#include <math.h>
#include <stdarg.h>
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

/* Appends to buf (size bytes, NUL-terminated), truncating quietly. */
static void add(char *buf, size_t size, const char *fmt, ...)
    CHURN__PRINTF(3, 4);
static void add(char *buf, size_t size, const char *fmt, ...)
{
    size_t used = strlen(buf);
    if (used + 1 >= size)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + used, size - used, fmt, ap);
    va_end(ap);
}

/* Entry i of the training setup for people: "C 1", "class weight none",
 * "horizon 90 days"; numbers to 4 significant digits. */
static void setting_text(const churn_eval *e, size_t i, char *buf,
                         size_t size)
{
    const char *key = e->train[2 * i], *text = e->train[2 * i + 1];
    double v = e->train_num[i];
    buf[0] = '\0';
    if (strcmp(key, "c") == 0)
        snprintf(buf, size, "C %.4g", v);
    else if (strcmp(key, "params") == 0) /* the search's own words */
        snprintf(buf, size, "%s", text);
    else if (strcmp(key, "horizon_days") == 0)
        snprintf(buf, size, "horizon %.4g days", v);
    else {
        for (size_t k = 0; key[k] && k + 1 < size; k++) {
            buf[k] = key[k] == '_' ? ' ' : key[k];
            buf[k + 1] = '\0';
        }
        if (isnan(v))
            add(buf, size, " %s", text);
        else
            add(buf, size, " %.4g", v);
    }
}

void churn__eval_model_title(const churn_eval *e, const char *fallback,
                             char *buf, size_t size)
{
    buf[0] = '\0';
    size_t fam = e->n_train;
    for (size_t i = 0; i < e->n_train; i++)
        if (strcmp(e->train[2 * i], "family") == 0)
            fam = i;
    if (fam == e->n_train) {
        snprintf(buf, size, "%s", fallback ? fallback : "report");
        return;
    }
    snprintf(buf, size, "%s", e->train[2 * fam + 1]);
    for (size_t i = 0; i < e->n_train; i++) {
        char part[96];
        if (i == fam || !e->train_setting[i])
            continue;
        setting_text(e, i, part, sizeof part);
        add(buf, size, ", %s", part);
    }
}

/* Wording rules (docs/REPORT_JSON.md): the AUC band names how well the
 * model ranks; an interval that reaches 0.5 says it cannot be told from
 * chance; the top decile's share of churners and lift follow, as shown
 * in the deciles table. Nothing else is claimed. */
void churn__eval_reading(const churn_eval *e, char *buf, size_t size)
{
    const double *m = e->metrics;
    double auc = m[CHURN__E_AUC], low = m[CHURN__E_AUC_LOW];
    double high = m[CHURN__E_AUC_HIGH];
    buf[0] = '\0';
    if (isfinite(low) && isfinite(high) && low <= 0.5 && high >= 0.5)
        add(buf, size, "Cannot be told apart from random ranking (AUC "
            "%.2f, its interval reaches 0.5)", auc);
    else
        add(buf, size, "%s (AUC %.2f)",
            auc >= 0.9   ? "Ranks churners very well"
            : auc >= 0.8 ? "Ranks churners well"
            : auc >= 0.7 ? "Ranks churners fairly well"
            : auc >= 0.6 ? "Ranks churners weakly"
            : auc > 0.5  ? "Ranks churners barely better than chance"
                         : "Ranks churners no better than chance", auc);
    size_t rows, pos;
    double lift, gain;
    churn_eval_decile(e, 0, &rows, &pos, &lift, &gain);
    if (rows == 0) {
        add(buf, size, "; too few rows for deciles.");
        return;
    }
    add(buf, size, ": the top 10 %% hold %.0f %% of them, %.1f times the "
        "average rate.", 100 * gain, lift);
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
        setting_text(e, i, part, sizeof part);
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

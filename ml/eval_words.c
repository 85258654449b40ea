/* eval_words.c - the report in words, the same in the HTML page and the
 * JSON: the title that names the model, each training setting for
 * people, and the one-line reading (rules in docs/REPORT_JSON.md,
 * "reading"). Reads the report only; writes no HTML. */
#include "ml/eval.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

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

void churn__eval_setting_text(const churn_eval *e, size_t i, char *buf,
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
        churn__eval_setting_text(e, i, part, sizeof part);
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

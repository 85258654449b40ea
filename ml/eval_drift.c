/* eval_drift.c - the drift section of the evaluation report: its memory
 * and its HTML table (inputs by population stability index). */
#include "ml/eval.h"

#include <math.h>
#include <stdlib.h>

/* PSI above which an input has moved a lot, and at or above which it has
 * moved somewhat: the usual reading of the index (docs/DRIFT.md). */
#define PSI_MAJOR 0.25
#define PSI_MINOR 0.1

void churn__eval_drift_free(churn__eval_drift *d)
{
    if (!d)
        return;
    for (size_t r = 0; d->name && r < d->n; r++)
        free(d->name[r]);
    free(d->name);
    free(d->psi);
    free(d);
}

static const char *reading(double psi)
{
    return psi >= PSI_MAJOR ? "major shift"
           : psi >= PSI_MINOR ? "moderate shift"
                              : "stable";
}

static void psi_row(FILE *f, const char *name, double psi)
{
    char num[CHURN__NUM_BUF];
    fputs("<tr><td class=\"k\">", f);
    churn__html_text(f, name);
    fprintf(f, "</td><td>%s</td><td class=\"k\">%s</td></tr>\n",
            churn_format_number(psi, 4, num, sizeof num), reading(psi));
}

void churn__eval_html_drift(FILE *f, const churn_eval *e)
{
    const churn__eval_drift *d = e->drift;
    if (!d)
        return;
    fprintf(f, "<h2>Drift</h2>\n<p>Population stability index of the %zu "
            "evaluated rows against the model's %zu training rows "
            "(docs/DRIFT.md): below %g stable, from %g a moderate shift, "
            "from %g a major one.</p>\n<table><tr><th class=\"k\">input"
            "</th><th>PSI</th><th class=\"k\">reading</th></tr>\n",
            d->rows, d->reference_rows, PSI_MINOR, PSI_MINOR, PSI_MAJOR);
    psi_row(f, "(score)", d->score_psi);
    for (size_t r = 0; r < d->n; r++)
        psi_row(f, d->name[r], d->psi[r]);
    fputs("</table>\n", f);
}

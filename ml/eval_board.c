/* eval_board.c - the model search's leaderboard in a report: the plain
 * struct churn_eval_set_model copies, its order, its HTML table and its
 * JSON object. */
#include "ml/eval.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void churn__board_clear(churn__board *b)
{
    free(b->cand);
    memset(b, 0, sizeof *b);
}

int churn__board_copy(churn__board *dst, const churn__board *src)
{
    *dst = *src;
    dst->cand = NULL;
    if (src->n == 0)
        return CHURN_OK;
    dst->cand = malloc(src->n * sizeof *dst->cand);
    if (!dst->cand) {
        memset(dst, 0, sizeof *dst);
        return CHURN_ENOMEM;
    }
    memcpy(dst->cand, src->cand, src->n * sizeof *dst->cand);
    return CHURN_OK;
}

/* Whether candidate a goes before candidate b. */
static int before(const churn__board *bd, size_t a, size_t b)
{
    double x = bd->cand[a].metric, y = bd->cand[b].metric;
    if (isnan(x) || isnan(y))
        return isnan(y) && (!isnan(x) || a < b);
    if (x == y)
        return a < b;
    return strcmp(bd->metric, "logloss") == 0 ? x < y : x > y;
}

size_t churn__board_rank(const churn__board *b, size_t i)
{
    size_t rank = 0;
    for (size_t j = 0; j < b->n; j++)
        rank += j != i && before(b, j, i);
    return rank;
}

static void html_number(FILE *f, double x, const char *fmt)
{
    if (isnan(x))
        fputs("<td>&#8211;</td>", f);
    else {
        fputs("<td>", f);
        fprintf(f, fmt, x);
        fputs("</td>", f);
    }
}

void churn__eval_html_board(FILE *f, const churn_eval *e)
{
    const churn__board *b = &e->board;
    size_t skipped = 0;
    for (size_t i = 0; i < b->n; i++)
        skipped += isnan(b->cand[i].metric);
    fprintf(f, "<h2>Model search</h2>\n<p>%zu candidates cross-validated "
            "(3 folds) on %zu rows by %s", b->n - skipped, b->rows,
            b->metric);
    if (skipped)
        fprintf(f, "; %zu skipped by the time budget", skipped);
    fputs(". The kept candidate is marked.</p>\n<table><tr><th>#</th>"
          "<th>family</th><th>parameters</th><th>class weight</th>"
          "<th>metric</th><th>sd</th><th>fit s</th></tr>\n", f);
    /* Rows by rank, found by counting: a leaderboard has tens of rows,
     * and writing the page must not need memory it could fail to get. */
    for (size_t r = 0; r < b->n; r++)
        for (size_t i = 0; i < b->n; i++) {
            if (churn__board_rank(b, i) != r)
                continue;
            const churn__candidate *c = &b->cand[i];
            fprintf(f, "<tr><td>%zu%s</td><td class=\"k\">", r + 1,
                    i == b->chosen ? " &#9733;" : "");
            churn__html_text(f, c->family);
            fputs("</td><td class=\"k\">", f);
            churn__html_text(f, c->params);
            fputs("</td><td class=\"k\">", f);
            churn__html_text(f, c->weight);
            fputs("</td>", f);
            html_number(f, c->metric, "%.4f");
            html_number(f, c->sd, "%.4f");
            html_number(f, c->seconds, "%.2f");
            fputs("</tr>\n", f);
        }
    fputs("</table>\n", f);
}

json_t *churn__eval_json_board(const churn_eval *e)
{
    const churn__board *b = &e->board;
    json_t *list = json_array();
    int bad = !list;
    for (size_t i = 0; !bad && i < b->n; i++) {
        const churn__candidate *c = &b->cand[i];
        json_t *o = json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:b}",
                              "family", c->family, "params", c->params,
                              "class_weight", c->weight, "metric",
                              isnan(c->metric) ? json_null()
                                               : json_real(c->metric),
                              "sd", isnan(c->sd) ? json_null()
                                                 : json_real(c->sd),
                              "fit_seconds", isnan(c->seconds)
                                                 ? json_null()
                                                 : json_real(c->seconds),
                              "chosen", i == b->chosen);
        bad = json_array_append_new(list, o) != 0;
    }
    json_t *root = bad ? NULL : json_pack("{s:s, s:I, s:I, s:o}", "metric",
                                          b->metric, "rows",
                                          (json_int_t)b->rows, "chosen",
                                          (json_int_t)b->chosen,
                                          "candidates", list);
    if (!root && !bad)
        return NULL; /* json_pack stole list */
    if (bad)
        json_decref(list);
    return root;
}

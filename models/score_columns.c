/* score_columns.c - columns added to a ranked scoring after its reasons
 * (the survival model's p_<h>d, expected_days and clv). */
#include "models/scores.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void churn__scores_free_columns(churn_scores *s)
{
    for (size_t c = 0; c < s->n_columns; c++)
        free(s->column_name[c]);
    free(s->column_name);
    free(s->column);
    s->column_name = NULL;
    s->column = NULL;
    s->n_columns = 0;
}

int churn_scores_add_column(churn_scores *s, const char *name,
                            const double *by_row, churn_error *err)
{
    if (!s || !name || !*name || (!by_row && s->n))
        return churn__fail(err, CHURN_EINVAL, "add column: null argument");
    for (size_t r = 0; r < s->n; r++)
        if (s->order[r].row == (size_t)-1)
            return churn__fail(err, CHURN_EINVAL,
                               "add column: merged scores have no rows");
    size_t k = s->n_columns;
    char **names = realloc(s->column_name, (k + 1) * sizeof *names);
    if (names)
        s->column_name = names;
    double *col = names ? realloc(s->column, (k + 1) * (s->n ? s->n : 1) *
                                                 sizeof *col)
                        : NULL;
    if (col)
        s->column = col;
    char *copy = col ? churn__strdup(name) : NULL;
    if (!copy)
        return churn__fail_nomem(err);
    names[k] = copy;
    for (size_t r = 0; r < s->n; r++)
        col[k * s->n + r] = by_row[s->order[r].row];
    s->n_columns = k + 1;
    return CHURN_OK;
}

void churn__scores_columns_header(const churn_scores *s, FILE *f)
{
    for (size_t c = 0; c < s->n_columns; c++) {
        fputc(',', f);
        churn__csv_put_field(f, s->column_name[c]);
    }
}

void churn__scores_columns_row(const churn_scores *s, FILE *f, size_t r)
{
    char num[CHURN__NUM_BUF];
    for (size_t c = 0; c < s->n_columns; c++) {
        double v = s->column[c * s->n + r];
        fputc(',', f);
        if (!isnan(v))
            fputs(churn__format_double(v, num), f);
    }
}

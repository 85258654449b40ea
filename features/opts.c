/* opts.c - options of feature extraction: as-of, horizon, snapshots, role
 * names and input column names, with their defaults and checks. */
#include "features/history.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const column_keys[CHURN__N_COLUMNS] = {
    "customer_id", "timestamp", "event", "value",
};

churn_feature_opts *churn_feature_opts_new(void)
{
    churn_feature_opts *o = calloc(1, sizeof *o);
    if (!o)
        return NULL;
    o->snapshots = 1;
    o->every_days = 30;
    o->active_window_days = 90;
    for (int w = 0; w < CHURN__N_COLUMNS; w++) {
        o->columns[w] = churn__strdup(column_keys[w]);
        if (!o->columns[w]) {
            churn_feature_opts_free(o);
            return NULL;
        }
    }
    return o;
}

void churn_feature_opts_free(churn_feature_opts *o)
{
    if (!o)
        return;
    for (int r = 0; r < CHURN_ROLE_COUNT; r++)
        free(o->role_names[r]);
    free(o->ignore_names);
    for (int w = 0; w < CHURN__N_COLUMNS; w++)
        free(o->columns[w]);
    free(o);
}

int churn_feature_opts_set_as_of(churn_feature_opts *o, int64_t t0_unix)
{
    if (!o)
        return CHURN_EINVAL;
    o->as_of = t0_unix;
    o->has_as_of = 1;
    return CHURN_OK;
}

int churn_feature_opts_set_horizon(churn_feature_opts *o, double days)
{
    if (!o || !isfinite(days) || days < 0)
        return CHURN_EINVAL;
    o->horizon_days = days;
    return CHURN_OK;
}

int churn_feature_opts_set_snapshots(churn_feature_opts *o, size_t k,
                                     double every_days)
{
    if (!o || k < 1 || !isfinite(every_days) || every_days <= 0)
        return CHURN_EINVAL;
    o->snapshots = k;
    o->every_days = every_days;
    return CHURN_OK;
}

int churn_feature_opts_set_active_window(churn_feature_opts *o, double days)
{
    if (!o || !isfinite(days) || days <= 0)
        return CHURN_EINVAL;
    o->active_window_days = days;
    return CHURN_OK;
}

int churn_feature_opts_set_role_names(churn_feature_opts *o, churn_role role,
                                      const char *names_csv)
{
    if (!o || (unsigned)role >= CHURN_ROLE_COUNT || !names_csv)
        return CHURN_EINVAL;
    char *copy = churn__strdup(names_csv);
    if (!copy)
        return CHURN_ENOMEM;
    free(o->role_names[role]);
    o->role_names[role] = copy;
    return CHURN_OK;
}

int churn_feature_opts_set_ignored_names(churn_feature_opts *o,
                                         const char *names_csv)
{
    if (!o || !names_csv)
        return CHURN_EINVAL;
    char *copy = churn__strdup(names_csv);
    if (!copy)
        return CHURN_ENOMEM;
    free(o->ignore_names);
    o->ignore_names = copy;
    return CHURN_OK;
}

int churn_feature_opts_set_stats(churn_feature_opts *o,
                                 churn_feature_stats *s)
{
    if (!o)
        return CHURN_EINVAL;
    o->stats = s;
    return CHURN_OK;
}

int churn_feature_opts_set_column(churn_feature_opts *o, const char *which,
                                  const char *name)
{
    if (!o || !which || !name || !*name)
        return CHURN_EINVAL;
    for (int w = 0; w < CHURN__N_COLUMNS; w++) {
        if (strcmp(which, column_keys[w]) != 0)
            continue;
        char *copy = churn__strdup(name);
        if (!copy)
            return CHURN_ENOMEM;
        free(o->columns[w]);
        o->columns[w] = copy;
        if (w == CHURN__COL_VALUE)
            o->value_column_set = 1;
        return CHURN_OK;
    }
    return CHURN_EINVAL;
}

int churn_feature_opts_set_progress(churn_feature_opts *o,
                                    churn_progress_fn fn, void *user)
{
    if (!o)
        return CHURN_EINVAL;
    o->progress = fn;
    o->progress_user = user;
    return CHURN_OK;
}

int churn_feature_opts_set_cancelled(churn_feature_opts *o, int include)
{
    if (!o || (include != 0 && include != 1))
        return CHURN_EINVAL;
    o->include_cancelled = include;
    return CHURN_OK;
}

int churn_feature_opts_set_threads(churn_feature_opts *o, size_t n)
{
    if (!o)
        return CHURN_EINVAL;
    o->threads = n;
    return CHURN_OK;
}

int churn_feature_opts_set_delimiter(churn_feature_opts *o, char sep)
{
    /* The tables' choices (churn_csv_opts_set_delimiter): one vocabulary. */
    if (!o || (sep != 0 && sep != ',' && sep != ';' && sep != '\t' &&
               sep != '|'))
        return CHURN_EINVAL;
    o->delimiter = sep;
    return CHURN_OK;
}

char churn_feature_opts_delimiter(const churn_feature_opts *o)
{
    return o ? o->delimiter : 0;
}

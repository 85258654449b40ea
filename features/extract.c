/* extract.c - churn_features_extract: snapshot times, the pass over the
 * events, then one dataset row per customer in each snapshot's population,
 * with labels and the customers' own columns joined in. */
#include "features/history.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Output names that a customers column must not take: the CSV writer's id,
 * as-of and label columns. */
static const char *const reserved_names[] = {"customer_id", "as_of",
                                             "churned"};

/* Everything one extraction holds, freed in one place. */
typedef struct extraction {
    const char *path;
    const churn_feature_opts *o;
    const churn_dataset *customers;
    churn__history *h;
    size_t *customer_row;   /* per customer: row in customers, or -1 */
    size_t matched;         /* customers with a row there */
    double **level_dates;   /* per customers column: when every level is a
                               date, each level's time; else NULL */
    size_t unknown[CHURN__UNKNOWN_MAX]; /* unknown names that get columns */
    size_t n_builtin, n_unknown, n_joined;
    size_t n_cancel;        /* 1: a last column cancel_date; else 0 */
    churn_dataset *ds;
    double *row;
} extraction;

/* No customer of the log has a row in the customers dataset: every joined
 * column would be empty, a silent wrong model. Names both sides, with an
 * id of each, since the usual cause is ids written differently. */
static int no_match(const extraction *x, churn_error *err)
{
    const churn_dataset *cu = x->customers;
    const char *source = churn_dataset_source(cu);
    const char *theirs = source ? source : "the customers dataset";
    size_t n = x->h->n_customers;
    if (churn_dataset_n_rows(cu) == 0)
        return churn__fail_at(err, CHURN_EFORMAT, x->path, 0, 0,
                              "none of the %zu customers of the log has a "
                              "row in %s, which has no rows", n, theirs);
    return churn__fail_at(err, CHURN_EFORMAT, x->path, 0, 0,
                          "none of the %zu customers of the log has a row "
                          "in %s (ids such as '%.64s' in the log, '%.64s' "
                          "in %s)", n, theirs,
                          churn__strmap_key(x->h->ids, 0),
                          churn_dataset_id(cu, 0), theirs);
}

/* Finds each customer's row in the customers dataset. */
static int join_customers(extraction *x, churn_error *err)
{
    const churn_dataset *cu = x->customers;
    size_t n = x->h->n_customers;
    x->customer_row = malloc((n ? n : 1) * sizeof *x->customer_row);
    churn__strmap *rows = churn__strmap_new();
    int rc = CHURN_OK;
    if (!x->customer_row || !rows) {
        rc = churn__fail_nomem(err);
        goto done;
    }
    for (size_t i = 0; i < churn_dataset_n_rows(cu); i++) {
        const char *id = churn_dataset_id(cu, i);
        size_t idx;
        int added;
        if (churn__strmap_intern(rows, id, strlen(id), &idx, &added)) {
            rc = churn__fail_nomem(err);
            goto done;
        }
        if (!added) {
            rc = churn__fail(err, CHURN_EFORMAT,
                             "customers: customer_id '%s' is on two rows",
                             id);
            goto done;
        }
    }
    x->matched = 0;
    for (size_t c = 0; c < n; c++) {
        const char *id = churn__strmap_key(x->h->ids, c);
        x->customer_row[c] = churn__strmap_find(rows, id, strlen(id));
        x->matched += x->customer_row[c] != (size_t)-1;
    }
    if (n > 0 && x->matched == 0)
        rc = no_match(x, err);
done:
    churn__strmap_free(rows);
    return rc;
}

/* Finds the customers columns whose every level is an ISO date (contract
 * end, renewal date): as categories each date would be its own level and
 * teach the model nothing; as "days from as-of" they carry the signal. */
static int detect_dates(extraction *x, churn_error *err)
{
    const churn_dataset *cu = x->customers;
    x->level_dates = calloc(x->n_joined ? x->n_joined : 1,
                            sizeof *x->level_dates);
    if (!x->level_dates)
        return churn__fail_nomem(err);
    for (size_t j = 0; j < x->n_joined; j++) {
        size_t n = churn_dataset_n_levels(cu, j);
        if (churn_dataset_column_kind(cu, j) != CHURN_CATEGORICAL || n == 0)
            continue;
        double *t = malloc(n * sizeof *t);
        if (!t)
            return churn__fail_nomem(err);
        size_t k = 0;
        for (; k < n; k++) {
            const char *text = churn_dataset_level(cu, j, k);
            size_t len = strlen(text);
            if (len < 10 || text[4] != '-' ||
                churn_parse_time(text, len, &t[k]) != CHURN_OK)
                break;
        }
        if (k < n)
            free(t);
        else
            x->level_dates[j] = t;
    }
    return CHURN_OK;
}

/* A customers column may not reuse a name the output already has. */
static int check_clash(const extraction *x, const char *name,
                       churn_error *err)
{
    int clash = 0;
    size_t n;
    const churn_feature_info *info = churn_feature_list(&n);
    for (size_t j = 0; j < n; j++)
        clash |= strcmp(name, info[j].name) == 0;
    for (size_t j = 0; j < sizeof reserved_names / sizeof *reserved_names;
         j++)
        clash |= strcmp(name, reserved_names[j]) == 0;
    size_t len = strlen(name);
    clash |= x->n_cancel && strcmp(name, "cancel_date") == 0;
    if (len > 11 && strncmp(name, "events_", 7) == 0 &&
        strcmp(name + len - 4, "_30d") == 0)
        for (size_t j = 0; j < x->n_unknown; j++) {
            const char *u = churn__strmap_key(x->h->unknown, x->unknown[j]);
            clash |= strlen(u) == len - 11 && !strncmp(u, name + 7, len - 11);
        }
    if (clash)
        return churn__fail(err, CHURN_EFORMAT,
                           "customers column '%s' clashes with a feature "
                           "or output column of the same name", name);
    return CHURN_OK;
}

/* Names the columns: built-in features, unknown-name counts, then the
 * customers' columns with their kinds and (same order, same codes) levels. */
static int name_columns(extraction *x, churn_error *err)
{
    churn_dataset *ds = x->ds;
    const churn_feature_info *info = churn_feature_list(NULL);
    int rc = CHURN_OK;
    for (size_t j = 0; j < x->n_builtin && rc == CHURN_OK; j++)
        rc = churn_dataset_set_column(ds, j, info[j].name, CHURN_NUMERIC,
                                      err);
    for (size_t j = 0; j < x->n_unknown && rc == CHURN_OK; j++) {
        char name[CHURN__NAME_MAX + 16];
        snprintf(name, sizeof name, "events_%s_30d",
                 churn__strmap_key(x->h->unknown, x->unknown[j]));
        rc = churn_dataset_set_column(ds, x->n_builtin + j, name,
                                      CHURN_NUMERIC, err);
    }
    const churn_dataset *cu = x->customers;
    size_t base = x->n_builtin + x->n_unknown;
    for (size_t j = 0; j < x->n_joined && rc == CHURN_OK; j++) {
        const char *name = churn_dataset_column_name(cu, j);
        churn_column_kind kind = churn_dataset_column_kind(cu, j);
        char days_name[512];
        if (x->level_dates[j]) {
            snprintf(days_name, sizeof days_name, "%s_days", name);
            name = days_name;
            kind = CHURN_NUMERIC;
        }
        rc = check_clash(x, name, err);
        if (rc == CHURN_OK)
            rc = churn_dataset_set_column(ds, base + j, name, kind, err);
        for (size_t k = 0; kind == CHURN_CATEGORICAL &&
                           k < churn_dataset_n_levels(cu, j) && !rc; k++) {
            double code;
            rc = churn_dataset_level_code(ds, base + j,
                                          churn_dataset_level(cu, j, k),
                                          &code, err);
        }
    }
    if (rc == CHURN_OK && x->n_cancel)
        rc = churn_dataset_set_column(ds, base + x->n_joined, "cancel_date",
                                      CHURN_CATEGORICAL, err);
    return rc;
}

/* Customer c has a row at snapshot s: in the population, or (with
 * churn_feature_opts_set_cancelled) cancelled before s. */
static int has_row(const extraction *x, size_t c, size_t s, double window)
{
    return churn__snapshot_in_population(x->h, c, s, window) ||
           (x->n_cancel && !isnan(churn__snapshot_cancel_time(x->h, c, s)));
}

/* Counts the rows over all snapshots. */
static size_t count_rows(const extraction *x)
{
    double window = x->o->active_window_days * CHURN__DAY;
    size_t n = 0;
    for (size_t s = 0; s < x->h->n_snaps; s++)
        for (size_t c = 0; c < x->h->n_customers; c++)
            n += (size_t)has_row(x, c, s, window);
    return n;
}

/* The cancel_date cell of customer c at snapshot s (a level code, NaN
 * when c did not cancel before s); *label becomes NaN for such a row. */
static int cancel_cell(extraction *x, size_t c, size_t s, double *cell,
                       double *label, churn_error *err)
{
    double t = churn__snapshot_cancel_time(x->h, c, s);
    *cell = NAN;
    if (isnan(t))
        return CHURN_OK;
    char date[16];
    churn_format_date(t, date, sizeof date);
    *label = NAN;
    return churn_dataset_level_code(x->ds, churn_dataset_n_cols(x->ds) - 1,
                                    date, cell, err);
}

static int no_population(const extraction *x, churn_error *err)
{
    const churn__history *h = x->h;
    char newest[16], oldest[16];
    churn_format_date(h->snap_times[0], newest, sizeof newest);
    churn_format_date(h->snap_times[h->n_snaps - 1], oldest, sizeof oldest);
    char why[160];
    if (h->any_cancel)
        snprintf(why, sizeof why, "an event before it and no cancel");
    else
        snprintf(why, sizeof why, "an activity event in the %g days "
                 "before it", x->o->active_window_days);
    if (h->n_snaps == 1)
        return churn__fail_at(err, CHURN_EEMPTY, x->path, 0, 0,
                              "no customer is active before %s (none of "
                              "%zu has %s)", newest, h->n_customers, why);
    return churn__fail_at(err, CHURN_EEMPTY, x->path, 0, 0,
                          "no customer is active before any snapshot from "
                          "%s to %s (none of %zu has %s)", oldest, newest,
                          h->n_customers, why);
}

/* Appends customer c's row for snapshot s. */
static int add_row(extraction *x, size_t c, size_t s, churn_error *err)
{
    double *row = x->row;
    churn__snapshot_features(x->h, c, s, row);
    size_t cell = c * x->h->n_snaps + s;
    for (size_t j = 0; j < x->n_unknown; j++)
        row[x->n_builtin + j] = x->h->unknown_30[x->unknown[j]][cell];
    double *joined = row + x->n_builtin + x->n_unknown;
    size_t cu_row = x->customer_row ? x->customer_row[c] : (size_t)-1;
    for (size_t j = 0; j < x->n_joined; j++) {
        double v = cu_row == (size_t)-1
                       ? NAN
                       : churn_dataset_value(x->customers, cu_row, j);
        if (x->level_dates[j] && !isnan(v))
            v = (x->level_dates[j][(size_t)v] - x->h->snap_times[s]) /
                CHURN__DAY;
        joined[j] = v;
    }
    double label = churn__snapshot_label(x->h, c, s);
    int rc = x->n_cancel ? cancel_cell(x, c, s, &joined[x->n_joined], &label,
                                       err)
                         : CHURN_OK;
    if (rc == CHURN_OK)
        rc = churn_dataset_add_row(x->ds, churn__strmap_key(x->h->ids, c),
                                   row, label, err);
    if (rc == CHURN_OK && x->h->n_snaps > 1)
        rc = churn_dataset_set_as_of(x->ds, churn_dataset_n_rows(x->ds) - 1,
                                     x->h->snap_times[s], err);
    /* A row cancelled before s has no label, so no time either. */
    if (rc == CHURN_OK && x->o->horizon_days > 0)
        rc = churn_dataset_set_days_to_churn(
            x->ds, churn_dataset_n_rows(x->ds) - 1,
            isnan(label) ? NAN : churn__snapshot_days_to_churn(x->h, c, s),
            err);
    return rc;
}

/* Builds the dataset: oldest snapshot first, customers in order of their
 * first event in the file. */
static int build_dataset(extraction *x, churn_error *err)
{
    const churn__history *h = x->h;
    x->n_builtin = CHURN__N_BUILTIN;
    x->n_unknown = 0;
    for (size_t j = 0; j < churn__strmap_count(h->unknown); j++)
        if (h->unknown_before[j])
            x->unknown[x->n_unknown++] = j;
    x->n_joined = x->customers ? churn_dataset_n_cols(x->customers) : 0;
    x->n_cancel = x->o->include_cancelled ? 1 : 0;
    size_t n_cols = x->n_builtin + x->n_unknown + x->n_joined + x->n_cancel;
    size_t n_rows = count_rows(x);
    if (n_rows == 0)
        return no_population(x, err);
    if (x->customers) {
        int rc = join_customers(x, err);
        if (rc == CHURN_OK)
            rc = detect_dates(x, err);
        if (rc != CHURN_OK)
            return rc;
    }
    x->ds = churn_dataset_new(n_cols);
    x->row = malloc(n_cols * sizeof *x->row);
    if (!x->ds || !x->row)
        return churn__fail_nomem(err);
    int rc = name_columns(x, err);
    if (rc == CHURN_OK && x->o->horizon_days > 0)
        rc = churn_dataset_set_label_name(x->ds, "churned", err);
    if (rc == CHURN_OK)
        rc = churn_dataset_reserve(x->ds, n_rows, err);
    double window = x->o->active_window_days * CHURN__DAY;
    for (size_t s = h->n_snaps; s-- > 0 && rc == CHURN_OK;)
        for (size_t c = 0; c < h->n_customers && rc == CHURN_OK; c++)
            if (has_row(x, c, s, window))
                rc = add_row(x, c, s, err);
    return rc;
}

/* Reads the events into a new history. */
static int read_history(extraction *x, churn_error *err)
{
    const churn_feature_opts *o = x->o;
    double *times = malloc(o->snapshots * sizeof *times);
    churn__roles *roles = NULL;
    int rc = CHURN_OK;
    if (!times) {
        rc = churn__fail_nomem(err);
        goto done;
    }
    /* Without an as-of time (churn_events_scan), one snapshot after every
     * event: each unknown name counts as occurring before it. */
    for (size_t i = 0; i < o->snapshots; i++)
        times[i] = o->has_as_of ? (double)o->as_of -
                                      (double)i * o->every_days * CHURN__DAY
                                : INFINITY;
    rc = churn__roles_build(o, &roles, err);
    if (rc != CHURN_OK)
        goto done;
    x->h = churn__history_new(times, o->snapshots,
                              o->horizon_days * CHURN__DAY);
    if (!x->h) {
        rc = churn__fail_nomem(err);
        goto done;
    }
    rc = churn__events_read_fast(x->path, o, roles, x->h, o->threads, 0,
                                 err);
    if (rc == CHURN__FALLBACK) {
        /* Quotes or bad input: the general reader, from a clean start. */
        churn__history_free(x->h);
        x->h = churn__history_new(times, o->snapshots,
                                  o->horizon_days * CHURN__DAY);
        rc = x->h ? churn__events_read(x->path, o, roles, x->h, err)
                  : churn__fail_nomem(err);
    }
    if (rc == CHURN_OK && x->h->n_events == 0)
        rc = churn__fail_at(err, CHURN_EEMPTY, x->path, 0, 0,
                            "no events after the header");
done:
    free(times);
    churn__roles_free(roles);
    return rc;
}

int churn_features_extract(const char *events_path,
                           const churn_dataset *customers,
                           const churn_feature_opts *o, churn_dataset **out,
                           churn_error *err)
{
    if (out)
        *out = NULL;
    if (!events_path || !o || !out)
        return churn__fail(err, CHURN_EINVAL,
                           "no events path, options or output");
    if (!o->has_as_of)
        return churn__fail(err, CHURN_EINVAL,
                           "no as-of time set: features need a date to be "
                           "computed at");
    extraction x = {.path = events_path, .o = o, .customers = customers};
    int rc = read_history(&x, err);
    if (rc == CHURN_OK)
        rc = build_dataset(&x, err);
    if (rc == CHURN_OK)
        rc = churn__stats_add(o->stats, x.h, customers, x.matched, err);
    if (rc == CHURN_OK) {
        *out = x.ds;
        x.ds = NULL;
    }
    churn__history_free(x.h);
    churn_dataset_free(x.ds);
    free(x.customer_row);
    for (size_t j = 0; x.level_dates && j < x.n_joined; j++)
        free(x.level_dates[j]);
    free(x.level_dates);
    free(x.row);
    return rc;
}

int churn_events_scan(const char *events_path, const churn_feature_opts *o,
                      churn_feature_stats *s, churn_error *err)
{
    if (!events_path || !o || !s)
        return churn__fail(err, CHURN_EINVAL,
                           "no events path, options or statistics");
    extraction x = {.path = events_path, .o = o};
    int rc = read_history(&x, err);
    if (rc == CHURN_OK)
        rc = churn__stats_add(s, x.h, NULL, 0, err);
    churn__history_free(x.h);
    return rc;
}

/* stats.c - what an extraction read, for the caller to show: customers of
 * the log and how many the customers dataset has a row for, and each event
 * name with its rows, its role and its column. */
#include "features/history.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct churn_feature_stats {
    uint64_t events, events_ignored, events_unlisted;
    uint64_t customers, customers_rows, customers_matched;
    int joined;                 /* a customers dataset was joined */
    churn__strmap *names;       /* lowercase event name -> index */
    uint64_t *count;            /* per name */
    int *role;                  /* per name, a churn__event_kind role */
    char **column;              /* per name, events_<name>_30d or NULL */
    size_t cap;
};

churn_feature_stats *churn_feature_stats_new(void)
{
    churn_feature_stats *s = calloc(1, sizeof *s);
    if (s && !(s->names = churn__strmap_new())) {
        free(s);
        return NULL;
    }
    return s;
}

void churn_feature_stats_free(churn_feature_stats *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < churn__strmap_count(s->names); i++)
        free(s->column[i]);
    churn__strmap_free(s->names);
    free(s->count);
    free(s->role);
    free(s->column);
    free(s);
}

/* Makes room for one more name. */
static int grow(churn_feature_stats *s)
{
    if (churn__strmap_count(s->names) < s->cap)
        return CHURN_OK;
    size_t cap = s->cap ? 2 * s->cap : 32;
    uint64_t *count = realloc(s->count, cap * sizeof *count);
    if (count)
        s->count = count;
    int *role = realloc(s->role, cap * sizeof *role);
    if (role)
        s->role = role;
    char **column = realloc(s->column, cap * sizeof *column);
    if (column)
        s->column = column;
    if (!count || !role || !column)
        return CHURN_ENOMEM;
    s->cap = cap;
    return CHURN_OK;
}

/* Adds h's event name j to s (known there already: its rows add up). */
static int add_name(churn_feature_stats *s, const churn__history *h,
                    size_t j)
{
    const char *name = churn__strmap_key(h->names, j);
    churn__event_kind kind = h->name_kind[j];
    size_t i;
    int added;
    if (grow(s) != CHURN_OK ||
        churn__strmap_intern(s->names, name, strlen(name), &i, &added))
        return CHURN_ENOMEM;
    if (added) {
        s->count[i] = 0;
        s->role[i] = kind.role;
        s->column[i] = NULL;
    }
    s->count[i] += h->name_count[j];
    if (kind.role == CHURN__ROLE_IGNORE)
        s->events_ignored += h->name_count[j];
    /* The column exists when the name occurs before the newest snapshot
     * (in any of the histories added). */
    if (!s->column[i] && kind.unknown >= 0 &&
        h->unknown_before[kind.unknown]) {
        const char *u = churn__strmap_key(h->unknown, (size_t)kind.unknown);
        size_t size = strlen(u) + 12;
        if (!(s->column[i] = malloc(size)))
            return CHURN_ENOMEM;
        snprintf(s->column[i], size, "events_%s_30d", u);
    }
    return CHURN_OK;
}

int churn__stats_add(churn_feature_stats *s, const churn__history *h,
                     const churn_dataset *customers, size_t matched,
                     churn_error *err)
{
    if (!s)
        return CHURN_OK;
    s->events += h->n_events;
    s->events_unlisted += h->names_other;
    s->customers += h->n_customers;
    if (customers) {
        s->joined = 1;
        s->customers_rows += churn_dataset_n_rows(customers);
        s->customers_matched += matched;
    }
    for (size_t j = 0; j < churn__strmap_count(h->names); j++)
        if (add_name(s, h, j) != CHURN_OK)
            return churn__fail_nomem(err);
    return CHURN_OK;
}

double churn_feature_stats_value(const churn_feature_stats *s,
                                 const char *name)
{
    if (!s || !name)
        return NAN;
    if (strcmp(name, "events") == 0)
        return (double)s->events;
    if (strcmp(name, "events_ignored") == 0)
        return (double)s->events_ignored;
    if (strcmp(name, "events_unlisted") == 0)
        return (double)s->events_unlisted;
    if (strcmp(name, "customers") == 0)
        return (double)s->customers;
    if (!s->joined)
        return NAN;
    if (strcmp(name, "customers_rows") == 0)
        return (double)s->customers_rows;
    if (strcmp(name, "customers_matched") == 0)
        return (double)s->customers_matched;
    return NAN;
}

size_t churn_feature_stats_n_names(const churn_feature_stats *s)
{
    return s ? churn__strmap_count(s->names) : 0;
}

const char *churn_feature_stats_name(const churn_feature_stats *s, size_t i)
{
    return i < churn_feature_stats_n_names(s) ? churn__strmap_key(s->names, i)
                                              : NULL;
}

uint64_t churn_feature_stats_name_count(const churn_feature_stats *s,
                                        size_t i)
{
    return i < churn_feature_stats_n_names(s) ? s->count[i] : 0;
}

const char *churn_feature_stats_name_role(const churn_feature_stats *s,
                                          size_t i)
{
    return i < churn_feature_stats_n_names(s) ? churn__role_label(s->role[i])
                                              : NULL;
}

const char *churn_feature_stats_name_column(const churn_feature_stats *s,
                                            size_t i)
{
    return i < churn_feature_stats_n_names(s) ? s->column[i] : NULL;
}

/* segment_opts.c - churn_segment_opts: defaults, checks, and the RFM
 * segment rules (built in, or read from a CSV file). */
#include "features/segment.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The built-in rules of README.md, first match wins. They cover all 125
 * codes, so "other" only appears with a user's table. Their names never
 * clash with the health tiers (healthy, watch, at_risk) or the lifecycle
 * stages (new, active, dormant, lost): a name means one thing in every
 * output (test_segment checks). */
static const churn__rfm_rule default_rules[] = {
    {"champions", {4, 4, 4}, {5, 5, 5}},
    {"loyal", {3, 3, 1}, {5, 5, 5}},
    {"potential", {4, 1, 1}, {5, 2, 5}},
    {"cant_lose", {1, 4, 4}, {2, 5, 5}},
    {"slipping", {1, 3, 1}, {2, 5, 5}},
    {"need_attention", {3, 1, 1}, {3, 2, 5}},
    {"hibernating", {2, 1, 1}, {2, 2, 5}},
    {"lapsed", {1, 1, 1}, {1, 2, 5}},
};

static const char *const default_rfm_columns[3] = {
    "recency_activity_days", "activity_90d", "monetary_90d"};

void churn_segment_opts_free(churn_segment_opts *o)
{
    if (!o)
        return;
    for (size_t j = 0; j < 3; j++)
        free(o->rfm_columns[j]);
    free(o->rules);
    free(o);
}

churn_segment_opts *churn_segment_opts_new(void)
{
    churn_segment_opts *o = calloc(1, sizeof *o);
    size_t n = sizeof default_rules / sizeof *default_rules;
    if (!o)
        return NULL;
    o->rules = malloc(sizeof default_rules);
    for (size_t j = 0; j < 3; j++)
        o->rfm_columns[j] = churn__strdup(default_rfm_columns[j]);
    if (!o->rules || !o->rfm_columns[0] || !o->rfm_columns[1] ||
        !o->rfm_columns[2]) {
        churn_segment_opts_free(o);
        return NULL;
    }
    memcpy(o->rules, default_rules, sizeof default_rules);
    o->n_rules = n;
    o->new_days = 30;
    o->dormant_days = 30;
    o->lost_days = 90;
    for (size_t k = 0; k < CHURN__HEALTH_N; k++)
        o->weights[k] = churn__health_default_weight(k);
    o->tier_healthy = 70;
    o->tier_watch = 40;
    return o;
}

int churn_segment_opts_set_rfm_columns(churn_segment_opts *o,
                                       const char *recency,
                                       const char *frequency,
                                       const char *monetary)
{
    const char *names[3] = {recency, frequency, monetary};
    char *copies[3] = {NULL, NULL, NULL};
    if (!o)
        return CHURN_EINVAL;
    for (size_t j = 0; j < 3; j++)
        if (!names[j] || !names[j][0])
            return CHURN_EINVAL;
    for (size_t j = 0; j < 3; j++)
        copies[j] = churn__strdup(names[j]);
    if (!copies[0] || !copies[1] || !copies[2]) {
        for (size_t j = 0; j < 3; j++)
            free(copies[j]);
        return CHURN_ENOMEM;
    }
    for (size_t j = 0; j < 3; j++) {
        free(o->rfm_columns[j]);
        o->rfm_columns[j] = copies[j];
    }
    return CHURN_OK;
}

int churn_segment_opts_set_lifecycle(churn_segment_opts *o, double new_days,
                                     double dormant_days, double lost_days)
{
    if (!o || !(new_days >= 0) || !(dormant_days > 0) ||
        !(lost_days > dormant_days) || !isfinite(lost_days) ||
        !isfinite(new_days))
        return CHURN_EINVAL;
    o->new_days = new_days;
    o->dormant_days = dormant_days;
    o->lost_days = lost_days;
    return CHURN_OK;
}

int churn_segment_opts_set_health_weight(churn_segment_opts *o,
                                         const char *name, double weight)
{
    if (!o || !name || !(weight >= 0) || !isfinite(weight))
        return CHURN_EINVAL;
    for (size_t k = 0; k < CHURN__HEALTH_N; k++) {
        if (strcmp(name, churn_health_component(k)) != 0)
            continue;
        double others = 0;
        for (size_t j = 0; j < CHURN__HEALTH_N; j++)
            others += j == k ? 0 : o->weights[j];
        if (others + weight <= 0)
            return CHURN_EINVAL;
        o->weights[k] = weight;
        return CHURN_OK;
    }
    return CHURN_EINVAL;
}

int churn_segment_opts_set_health_tiers(churn_segment_opts *o,
                                        double healthy, double watch)
{
    if (!o || !(healthy <= 100) || !(watch >= 0) || !(healthy >= watch))
        return CHURN_EINVAL;
    o->tier_healthy = healthy;
    o->tier_watch = watch;
    return CHURN_OK;
}

/* Parses "*", "N" or "N-M" (1 <= N <= M <= 5) into [*lo, *hi]. */
static int parse_range(const char *text, size_t len, int *lo, int *hi)
{
    if (len == 1 && text[0] == '*') {
        *lo = 1;
        *hi = 5;
        return 1;
    }
    if (len == 1 && text[0] >= '1' && text[0] <= '5') {
        *lo = *hi = text[0] - '0';
        return 1;
    }
    int in_range = len == 3 && text[1] == '-' && text[0] >= '1' &&
               text[0] <= '5' && text[2] >= '1' && text[2] <= '5' &&
               text[0] <= text[2];
    if (in_range) {
        *lo = text[0] - '0';
        *hi = text[2] - '0';
    }
    return in_range;
}

/* Checks the header: segment,r,f,m. */
static int check_header(churn__csv *c, churn_error *err)
{
    static const char *const names[4] = {"segment", "r", "f", "m"};
    const char *path = churn__csv_path(c);
    for (size_t j = 0; j < 4; j++) {
        size_t len;
        const char *f = j < churn__csv_n_fields(c)
                            ? churn__csv_field(c, j, &len) : NULL;
        if (!f || !churn__equal_nocase(f, len, names[j]))
            return churn__fail_at(err, CHURN_EFORMAT, path, 1,
                                  f ? churn__csv_field_column(c, j) : 0,
                                  "expected the header segment,r,f,m");
    }
    if (churn__csv_n_fields(c) != 4)
        return churn__fail_at(err, CHURN_EFORMAT, path, 1, 0,
                              "expected the header segment,r,f,m");
    return CHURN_OK;
}

/* Reads the current record into rule. */
static int parse_rule(churn__csv *c, churn__rfm_rule *rule, churn_error *err)
{
    const char *path = churn__csv_path(c);
    size_t len;
    if (churn__csv_n_fields(c) != 4)
        return churn__fail_at(err, CHURN_EFORMAT, path, churn__csv_line(c),
                              0, "expected 4 fields, found %zu",
                              churn__csv_n_fields(c));
    const char *name = churn__csv_field(c, 0, &len);
    if (len == 0 || len > CHURN__SEGMENT_NAME_MAX)
        return churn__fail_at(err, CHURN_EFORMAT, path,
                              churn__csv_field_line(c, 0),
                              churn__csv_field_column(c, 0),
                              "a segment name needs 1 to %d bytes",
                              CHURN__SEGMENT_NAME_MAX);
    memcpy(rule->name, name, len + 1);
    for (size_t j = 0; j < 3; j++) {
        const char *f = churn__csv_field(c, j + 1, &len);
        if (!parse_range(f, len, &rule->lo[j], &rule->hi[j]))
            return churn__fail_at(err, CHURN_EPARSE, path,
                                  churn__csv_field_line(c, j + 1),
                                  churn__csv_field_column(c, j + 1),
                                  "bad score range '%s' (expected *, N or "
                                  "N-M with 1 <= N <= M <= 5)", f);
    }
    return CHURN_OK;
}

int churn_segment_opts_read_rules(churn_segment_opts *o, const char *path,
                                  churn_error *err)
{
    if (!o || !path)
        return churn__fail(err, CHURN_EINVAL, "no options or rules path");
    churn__csv *c = NULL;
    churn__rfm_rule *rules = NULL;
    size_t n = 0, cap = 0;
    int rc = churn__csv_open(path, &c, err);
    if (rc != CHURN_OK)
        goto done;
    rc = churn__csv_next(c, err);
    if (rc == CHURN__CSV_END)
        rc = churn__fail_at(err, CHURN_EEMPTY, path, 0, 0, "empty file");
    if (rc == CHURN_OK)
        rc = check_header(c, err);
    while (rc == CHURN_OK && (rc = churn__csv_next(c, err)) == CHURN_OK) {
        if (n == cap) {
            cap = cap ? 2 * cap : 8;
            churn__rfm_rule *grown = realloc(rules, cap * sizeof *rules);
            if (!grown) {
                rc = churn__fail_nomem(err);
                goto done;
            }
            rules = grown;
        }
        rc = parse_rule(c, &rules[n], err);
        n += rc == CHURN_OK;
    }
    if (rc == CHURN__CSV_END)
        rc = n ? CHURN_OK
               : churn__fail_at(err, CHURN_EEMPTY, path, 0, 0,
                                "no rules after the header");
    if (rc == CHURN_OK) {
        free(o->rules);
        o->rules = rules;
        o->n_rules = n;
        rules = NULL;
    }
done:
    free(rules);
    churn__csv_close(c);
    return rc;
}

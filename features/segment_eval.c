/* segment_eval.c - churn_eval_add_segments and churn_eval_add_kpi: puts
 * segment tallies and the cohort table into an evaluation report as plain
 * numbers, which ml/'s writers render (features/ uses ml/, never the
 * other way round). */
#include "ml/eval.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The columns of churn_segment's output the section shows, in order, and
 * a reader's name for each (the report's headings: ml/ knows no column
 * names of features/). */
static const char *const group_columns[CHURN__EVAL_GROUPS] = {
    "rfm_segment", "lifecycle_stage", "health_tier"};
static const char *const group_titles[CHURN__EVAL_GROUPS] = {
    "RFM segment", "lifecycle stage", "health tier"};
/* The report's words about them. Rows without an RFM segment are the
 * customers who cancelled before the as-of date, in lifecycle stage lost
 * only (churn_segment). */
static const char *const groups_text =
    "RFM segment (recency, frequency and monetary scores 1\u2013" "5 over "
    "that population), lifecycle stage and health tier";
static const char *const outside_text =
    "cancelled before it: they are in stage lost and have no RFM segment "
    "or health tier";

/* lab[i] = the label of the row of labeled that matches row i of seg: same
 * id and, when both have an as-of time, the same one (NaN when none
 * matches). *matched counts the rows of seg that have a match. Rows of one
 * id are chained (first[id], next[row]) so that a lookup walks only them. */
static int join_labels(const churn_dataset *seg, const churn_dataset *labeled,
                       double *lab, size_t *matched, churn_error *err)
{
    size_t n = churn_dataset_n_rows(labeled);
    churn__strmap *ids = churn__strmap_new();
    size_t *first = malloc((n + 1) * sizeof *first);
    size_t *next = malloc((n + 1) * sizeof *next);
    int rc = ids && first && next ? CHURN_OK : churn__fail_nomem(err);
    for (size_t r = 0; r < n && rc == CHURN_OK; r++) {
        const char *id = churn_dataset_id(labeled, r);
        size_t k;
        int added;
        rc = churn__strmap_intern(ids, id, strlen(id), &k, &added);
        if (rc != CHURN_OK) {
            rc = churn__fail_nomem(err);
            break;
        }
        next[r] = added ? (size_t)-1 : first[k];
        first[k] = r;
    }
    *matched = 0;
    for (size_t i = 0; i < churn_dataset_n_rows(seg) && rc == CHURN_OK; i++) {
        const char *id = churn_dataset_id(seg, i);
        double t = churn_dataset_as_of(seg, i);
        size_t k = churn__strmap_find(ids, id, strlen(id)), hits = 0;
        lab[i] = NAN;
        for (size_t r = k == (size_t)-1 ? k : first[k]; r != (size_t)-1;
             r = next[r]) {
            double u = churn_dataset_as_of(labeled, r);
            if (!isnan(t) && !isnan(u) && t != u)
                continue;
            hits++;
            lab[i] = churn_dataset_label(labeled, r);
        }
        if (hits > 1)
            rc = churn__fail(err, CHURN_EFORMAT, "customer '%s' has %zu "
                             "evaluated rows (stacked snapshots?); the "
                             "segments need one per customer", id, hits);
        *matched += hits == 1;
    }
    churn__strmap_free(ids);
    free(first);
    free(next);
    return rc;
}

/* Tallies column j of seg per level that occurs, in level order. */
static int tally_group(const churn_dataset *seg, size_t j, const double *lab,
                       churn__eval_group *g, churn_error *err)
{
    size_t levels = churn_dataset_n_levels(seg, j), occurring = 0;
    double *t = calloc(3 * (levels ? levels : 1), sizeof *t);
    if (!t)
        return churn__fail_nomem(err);
    for (size_t i = 0; i < churn_dataset_n_rows(seg); i++) {
        double code = churn_dataset_value(seg, i, j);
        if (isnan(code))
            continue;
        double *u = t + 3 * (size_t)code;
        u[0]++;
        u[1] += !isnan(lab[i]);
        u[2] += isnan(lab[i]) ? 0 : lab[i];
    }
    for (size_t k = 0; k < levels; k++)
        occurring += t[3 * k] > 0;
    size_t cap = occurring ? occurring : 1;
    g->column = churn__strdup(churn_dataset_column_name(seg, j));
    g->level = calloc(cap, sizeof *g->level);
    g->customers = malloc(cap * sizeof *g->customers);
    g->labelled = malloc(cap * sizeof *g->labelled);
    g->churned = malloc(cap * sizeof *g->churned);
    int rc = g->column && g->level && g->customers && g->labelled &&
                     g->churned
                 ? CHURN_OK
                 : churn__fail_nomem(err);
    for (size_t k = 0; k < levels && rc == CHURN_OK; k++) {
        if (t[3 * k] == 0)
            continue;
        g->level[g->n] = churn__strdup(churn_dataset_level(seg, j, k));
        if (!g->level[g->n]) {
            rc = churn__fail_nomem(err);
            break;
        }
        g->customers[g->n] = t[3 * k];
        g->labelled[g->n] = t[3 * k + 1];
        g->churned[g->n] = t[3 * k + 2];
        g->n++;
    }
    free(t);
    return rc;
}

int churn_eval_add_segments(churn_eval *e, const churn_dataset *segments,
                            const churn_dataset *labeled, churn_error *err)
{
    if (!e || !segments)
        return churn__fail(err, CHURN_EINVAL, "churn_eval_add_segments: "
                           "no report or segments");
    size_t cols[CHURN__EVAL_GROUPS];
    for (size_t g = 0; g < CHURN__EVAL_GROUPS; g++) {
        cols[g] = churn_dataset_column_index(segments, group_columns[g]);
        if (cols[g] == (size_t)-1 ||
            churn_dataset_column_kind(segments, cols[g]) != CHURN_CATEGORICAL)
            return churn__fail(err, CHURN_EFORMAT, "not segments: no "
                               "categorical column '%s' (pass the output "
                               "of churn_segment)", group_columns[g]);
    }
    size_t n = churn_dataset_n_rows(segments);
    double *lab = malloc((n + 1) * sizeof *lab);
    churn__eval_segments *s = calloc(1, sizeof *s);
    int rc = lab && s ? CHURN_OK : churn__fail_nomem(err);
    if (rc == CHURN_OK) {
        s->customers = n;
        s->groups_text = groups_text;
        s->outside_text = outside_text;
        s->labels = CHURN__SEG_NO_LABELS;
        if (labeled)
            s->labels = CHURN__SEG_EVALUATED;
        else if (churn_dataset_has_labels(segments))
            s->labels = CHURN__SEG_HISTORY;
        if (labeled)
            rc = join_labels(segments, labeled, lab, &s->matched, err);
        else
            for (size_t i = 0; i < n; i++)
                lab[i] = churn_dataset_label(segments, i);
    }
    for (size_t g = 0; g < CHURN__EVAL_GROUPS && rc == CHURN_OK; g++) {
        s->n_groups = g + 1;
        rc = tally_group(segments, cols[g], lab, &s->group[g], err);
        s->group[g].title = group_titles[g];
    }
    free(lab);
    if (rc != CHURN_OK) {
        churn__eval_segments_free(s);
        return rc;
    }
    churn__eval_segments_free(e->segments);
    e->segments = s;
    return CHURN_OK;
}

int churn_eval_add_kpi(churn_eval *e, const churn_kpi *k, churn_error *err)
{
    if (!e || !k)
        return churn__fail(err, CHURN_EINVAL, "churn_eval_add_kpi: no "
                           "report or KPIs");
    churn__eval_cohorts *c = calloc(1, sizeof *c);
    if (!c)
        return churn__fail_nomem(err);
    size_t rows = churn_kpi_n_cohorts(k), months = churn_kpi_n_months(k);
    c->n_cohorts = rows;
    c->n_months = months;
    c->cohort = calloc(rows ? rows : 1, sizeof *c->cohort);
    c->size = calloc(rows ? rows : 1, sizeof *c->size);
    size_t cells = rows * months;
    c->retention = calloc(cells ? cells : 1, sizeof *c->retention);
    if (!c->cohort || !c->size || !c->retention) {
        churn__eval_cohorts_free(c);
        return churn__fail_nomem(err);
    }
    for (size_t j = 0; j < CHURN__EVAL_KPIS; j++)
        c->kpi[j] = churn_kpi_value(k, churn__eval_kpi_names[j]);
    for (size_t i = 0; i < rows; i++) {
        snprintf(c->cohort[i], sizeof c->cohort[i], "%s",
                 churn_kpi_cohort(k, i));
        c->size[i] = churn_kpi_cohort_size(k, i);
        for (size_t m = 1; m <= months; m++)
            c->retention[i * months + m - 1] =
                churn_kpi_cohort_retention(k, i, m);
    }
    churn__eval_cohorts_free(e->cohorts);
    e->cohorts = c;
    return CHURN_OK;
}

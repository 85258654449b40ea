/* leaderboard.c - the search's leaderboard kept in a model: the public
 * accessors and its optional section of the model file. */
#include "models/model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

size_t churn_model_n_candidates(const churn_model *m)
{
    return m ? m->board.n : 0;
}

const char *churn_model_search_metric(const churn_model *m)
{
    return m && m->board.n ? m->board.metric : NULL;
}

size_t churn_model_search_rows(const churn_model *m)
{
    return m ? m->board.rows : 0;
}

size_t churn_model_search_chosen(const churn_model *m)
{
    return m ? m->board.chosen : 0;
}

int churn_model_candidate(const churn_model *m, size_t i,
                          const char **family, const char **params,
                          const char **class_weight, double *metric,
                          double *sd, double *seconds)
{
    if (!m || i >= m->board.n)
        return CHURN_EINVAL;
    const churn__candidate *c = &m->board.cand[i];
    if (family)
        *family = c->family;
    if (params)
        *params = c->params;
    if (class_weight)
        *class_weight = c->weight;
    if (metric)
        *metric = c->metric;
    if (sd)
        *sd = c->sd;
    if (seconds)
        *seconds = c->seconds;
    return CHURN_OK;
}

/* The section: "search METRIC ROWS CHOSEN N", N lines "candidate FAMILY
 * PARAMS WEIGHT METRIC SD SECONDS" (nan for a skipped candidate's
 * figures), "end search". */
void churn__board_write(const churn__board *b, FILE *f)
{
    if (b->n == 0)
        return;
    fputs("search ", f);
    churn__put_string(f, b->metric);
    fprintf(f, " %zu %zu %zu\n", b->rows, b->chosen, b->n);
    for (size_t i = 0; i < b->n; i++) {
        const churn__candidate *c = &b->cand[i];
        fputs("candidate ", f);
        churn__put_string(f, c->family);
        fputc(' ', f);
        churn__put_string(f, c->params);
        fputc(' ', f);
        churn__put_string(f, c->weight);
        const double v[3] = {c->metric, c->sd, c->seconds};
        for (size_t k = 0; k < 3; k++) {
            fputc(' ', f);
            churn__put_double(f, v[k]);
        }
        fputc('\n', f);
    }
    fputs("end search\n", f);
}

/* Copies token s into dst (size bytes); too long is a format error. */
static int keep_token(churn__lines *r, const char *s, char *dst, size_t size,
                      churn_error *err)
{
    if (strlen(s) >= size)
        return churn__fail_at(err, CHURN_EFORMAT, r->path, r->line, 1,
                              "search: '%s' is too long", s);
    snprintf(dst, size, "%s", s);
    return CHURN_OK;
}

static int read_candidate(churn__lines *r, churn__candidate *c,
                          churn_error *err)
{
    const char *s;
    int rc = churn__lines_next(r, "candidate", err);
    if (rc == CHURN_OK)
        rc = churn__lines_expect(r, "candidate", err);
    if (rc == CHURN_OK && (rc = churn__lines_string(r, &s, err)) == 0)
        rc = keep_token(r, s, c->family, sizeof c->family, err);
    if (rc == CHURN_OK && (rc = churn__lines_string(r, &s, err)) == 0)
        rc = keep_token(r, s, c->params, sizeof c->params, err);
    if (rc == CHURN_OK && (rc = churn__lines_string(r, &s, err)) == 0)
        rc = keep_token(r, s, c->weight, sizeof c->weight, err);
    if (rc == CHURN_OK)
        rc = churn__lines_double(r, &c->metric, err);
    if (rc == CHURN_OK)
        rc = churn__lines_double(r, &c->sd, err);
    if (rc == CHURN_OK)
        rc = churn__lines_double(r, &c->seconds, err);
    if (rc == CHURN_OK)
        rc = churn__lines_done(r, err);
    return rc;
}

/* More than any grid has by far; refuse before allocating for an edit. */
#define MAX_CANDIDATES 100000

int churn__board_read(churn__lines *r, churn__board *b, churn_error *err)
{
    static const char key[] = "search ";
    if (r->pos >= r->len || r->len - r->pos < sizeof key - 1 ||
        strncmp(r->buf + r->pos, key, sizeof key - 1) != 0)
        return CHURN_OK; /* no search, or a file from before them */
    const char *metric;
    size_t n = 0;
    int rc = churn__lines_next(r, "search", err);
    if (rc == CHURN_OK)
        rc = churn__lines_expect(r, "search", err);
    if (rc == CHURN_OK && (rc = churn__lines_string(r, &metric, err)) == 0)
        rc = keep_token(r, metric, b->metric, sizeof b->metric, err);
    if (rc == CHURN_OK)
        rc = churn__lines_size(r, &b->rows, err);
    size_t at = 0; /* the column of the kept one's index */
    if (rc == CHURN_OK) {
        at = (size_t)(r->tok - r->cur) + 1;
        rc = churn__lines_size(r, &b->chosen, err);
    }
    size_t at_n = 0;
    if (rc == CHURN_OK) {
        at_n = (size_t)(r->tok - r->cur) + 1;
        rc = churn__lines_size(r, &n, err);
    }
    if (rc == CHURN_OK)
        rc = churn__lines_done(r, err);
    if (rc == CHURN_OK && (n == 0 || n > MAX_CANDIDATES))
        rc = churn__fail_at(err, CHURN_EFORMAT, r->path, r->line, at_n,
                            "search: %zu candidates (1 to %d)", n,
                            MAX_CANDIDATES);
    if (rc == CHURN_OK && b->chosen >= n)
        rc = churn__fail_at(err, CHURN_EFORMAT, r->path, r->line, at,
                            "search: the kept candidate %zu is not one of "
                            "the %zu", b->chosen, n);
    if (rc == CHURN_OK && !(b->cand = calloc(n, sizeof *b->cand)))
        rc = churn__fail_nomem(err);
    for (; rc == CHURN_OK && b->n < n; b->n++)
        rc = read_candidate(r, &b->cand[b->n], err);
    if (rc == CHURN_OK)
        rc = churn__lines_next(r, "end search", err);
    if (rc == CHURN_OK)
        rc = churn__lines_expect(r, "end", err);
    if (rc == CHURN_OK)
        rc = churn__lines_expect(r, "search", err);
    if (rc != CHURN_OK)
        churn__board_clear(b);
    return rc;
}

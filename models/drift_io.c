/* drift_io.c - the model file's drift section: the reference bins of each
 * input and of the score, counts of training rows, checked strictly on
 * reading. */
#include "models/drift.h"
#include "models/model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Writes the counts of c's bins: numbers on one "counts" line, a level
 * per line "count LEVEL N" (matched by name, as the pipeline's levels
 * are), then for an input "missing N". Never the unknown bin: a reference
 * has no unknown level. */
static void write_counts(const churn__drift_col *c, const churn_model *m,
                         size_t j, FILE *f)
{
    if (!c->categorical)
        fputs("counts", f);
    for (size_t b = 0; b < c->n_bins; b++) {
        if (c->categorical) {
            fputs("count ", f);
            churn__put_string(f, churn__pipeline_level(m->pipe, j, b));
        }
        fputc(' ', f);
        churn__put_double(f, c->count[b]);
        if (c->categorical)
            fputc('\n', f);
    }
    if (!c->categorical)
        fputc('\n', f);
    if (j < churn_model_n_inputs(m)) {
        fputs("missing ", f);
        churn__put_double(f, c->count[c->n_bins + 1]);
        fputc('\n', f);
    }
}

static void write_edges(const churn__drift_col *c, FILE *f)
{
    fputs("edges", f);
    for (size_t k = 0; k < c->n_edges; k++) {
        fputc(' ', f);
        churn__put_double(f, c->edges[k]);
    }
    fputc('\n', f);
}

void churn__drift_write(const churn__drift_ref *d, const churn_model *m,
                        FILE *f)
{
    fprintf(f, "drift %zu ", d->n_inputs);
    churn__put_double(f, d->rows);
    fputc('\n', f);
    for (size_t j = 0; j < d->n_inputs; j++) {
        const churn__drift_col *c = &d->input[j];
        fprintf(f, "input %s ", c->categorical ? "categorical" : "numeric");
        churn__put_string(f, churn_model_input_name(m, j));
        fprintf(f, " %zu\n", c->categorical ? c->n_bins : c->n_edges);
        if (!c->categorical)
            write_edges(c, f);
        write_counts(c, m, j, f);
    }
    fprintf(f, "score %zu\n", d->score.n_edges);
    if (d->score_rows != d->rows) { /* only then: older files stay as were */
        fputs("rows ", f);
        churn__put_double(f, d->score_rows);
        fputc('\n', f);
    }
    write_edges(&d->score, f);
    write_counts(&d->score, m, d->n_inputs, f);
    fputs("end drift\n", f);
}

/* The column of the next token of r's line. */
static size_t col_at(const churn__lines *r)
{
    return (size_t)(r->tok - r->cur) + 1;
}

/* Reads the "edges" line (the next one, or the current one when current):
 * c->n_edges finite values, strictly ascending. */
static int read_edges(churn__lines *r, churn__drift_col *c, int current,
                      churn_error *err)
{
    int rc = current ? CHURN_OK : churn__lines_next(r, "edges", err);
    if (rc == CHURN_OK)
        rc = churn__lines_expect(r, "edges", err);
    for (size_t k = 0; rc == CHURN_OK && k < c->n_edges; k++) {
        size_t col = col_at(r);
        rc = churn__lines_finite(r, &c->edges[k], err);
        if (rc == CHURN_OK && k > 0 && !(c->edges[k] > c->edges[k - 1]))
            rc = churn__fail_at(err, CHURN_EFORMAT, r->path, r->line, col,
                                "drift edges must ascend");
    }
    return rc == CHURN_OK ? churn__lines_done(r, err) : rc;
}

/* Reads "key N" (or with level: "count LEVEL N", LEVEL the name given)
 * into *v. */
static int read_count(churn__lines *r, const char *key, const char *level,
                      double *v, churn_error *err)
{
    const char *name;
    size_t n = 0, col = 0; /* n stays 0 when a line is refused */
    int rc = churn__lines_next(r, key, err);
    if (rc == CHURN_OK)
        rc = churn__lines_expect(r, key, err);
    if (rc == CHURN_OK && level) {
        col = col_at(r);
        rc = churn__lines_string(r, &name, err);
    }
    if (rc == CHURN_OK && level && strcmp(name, level) != 0)
        rc = churn__fail_at(err, CHURN_EFORMAT, r->path, r->line, col,
                            "drift count for level '%s', expected '%s'",
                            name, level);
    if (rc == CHURN_OK)
        rc = churn__lines_size(r, &n, err);
    if (rc == CHURN_OK)
        rc = churn__lines_done(r, err);
    *v = (double)n;
    return rc;
}

/* Reads the counts of c (n_bins set; input j of m, or the score when j
 * is n_inputs) into a new c->count, as write_counts wrote them; they must
 * add up to rows (the score's: its sample's rows). */
static int read_counts(churn__lines *r, churn__drift_col *c,
                       const churn_model *m, size_t j, double rows,
                       churn_error *err)
{
    int rc = CHURN_OK;
    if (!(c->count = calloc(c->n_bins + 2, sizeof *c->count)))
        return churn__fail_nomem(err);
    if (!c->categorical) {
        rc = churn__lines_next(r, "counts", err);
        if (rc == CHURN_OK)
            rc = churn__lines_expect(r, "counts", err);
    }
    for (size_t b = 0; rc == CHURN_OK && b < c->n_bins; b++) {
        size_t n;
        if (c->categorical) {
            rc = read_count(r, "count", churn__pipeline_level(m->pipe, j, b),
                            &c->count[b], err);
        } else if ((rc = churn__lines_size(r, &n, err)) == CHURN_OK) {
            c->count[b] = (double)n;
        }
    }
    if (rc == CHURN_OK && !c->categorical)
        rc = churn__lines_done(r, err);
    if (rc == CHURN_OK && j < churn_model_n_inputs(m))
        rc = read_count(r, "missing", NULL, &c->count[c->n_bins + 1], err);
    double sum = 0;
    for (size_t b = 0; b < c->n_bins + 2; b++)
        sum += c->count[b];
    if (rc == CHURN_OK && sum != rows)
        rc = churn__fail_at(err, CHURN_EFORMAT, r->path, r->line, 1,
                            "drift counts of %s add up to %.0f, not the "
                            "%.0f %s rows",
                            j < churn_model_n_inputs(m)
                                ? churn_model_input_name(m, j) : "the score",
                            sum, rows,
                            j < churn_model_n_inputs(m) ? "training"
                                                        : "scored");
    return rc;
}

/* Reads input j's lines, checked against m's pipeline. */
static int read_input(churn__lines *r, const churn_model *m, size_t j,
                      churn__drift_col *c, double rows, churn_error *err)
{
    const char *kind, *name;
    size_t n, col = 0;
    int cat = churn_model_input_kind(m, j) == CHURN_CATEGORICAL;
    int rc = churn__lines_next(r, "input", err);
    if (rc == CHURN_OK)
        rc = churn__lines_expect(r, "input", err);
    if (rc == CHURN_OK)
        rc = churn__lines_string(r, &kind, err);
    if (rc == CHURN_OK && strcmp(kind, cat ? "categorical" : "numeric"))
        rc = churn__fail_at(err, CHURN_EFORMAT, r->path, r->line, 7,
                            "drift input %zu is %s, the model's is %s",
                            j + 1, kind, cat ? "categorical" : "numeric");
    if (rc == CHURN_OK) {
        col = col_at(r);
        rc = churn__lines_string(r, &name, err);
    }
    if (rc == CHURN_OK && strcmp(name, churn_model_input_name(m, j)))
        rc = churn__fail_at(err, CHURN_EFORMAT, r->path, r->line, col,
                            "drift input %zu is '%s', expected '%s'", j + 1,
                            name, churn_model_input_name(m, j));
    if (rc == CHURN_OK) {
        col = col_at(r);
        rc = churn__lines_size(r, &n, err);
    }
    if (rc == CHURN_OK)
        rc = churn__lines_done(r, err);
    size_t levels = cat ? churn__pipeline_n_levels(m->pipe, j) : 0;
    if (rc == CHURN_OK && (cat ? n != levels : n > CHURN__DECILES))
        rc = cat ? churn__fail_at(err, CHURN_EFORMAT, r->path, r->line, col,
                                  "drift input '%s' has %zu levels, the "
                                  "model's %zu", name, n, levels)
                 : churn__fail_at(err, CHURN_EFORMAT, r->path, r->line, col,
                                  "%zu drift edges, at most %d", n,
                                  CHURN__DECILES);
    c->categorical = cat;
    c->n_edges = cat ? 0 : n;
    c->n_bins = cat ? n : n + 1;
    if (rc == CHURN_OK && !cat)
        rc = read_edges(r, c, 0, err);
    return rc == CHURN_OK ? read_counts(r, c, m, j, rows, err) : rc;
}

/* 1 when the current line of r starts with the token word. */
static int line_starts(const churn__lines *r, const char *word)
{
    size_t len = strlen(word);
    return strncmp(r->tok, word, len) == 0 &&
           (r->tok[len] == ' ' || r->tok[len] == '\0');
}

/* Reads the optional "rows N" line of the score (its sample's rows, from
 * 1 up to the training rows; absent: all of them) into *score_rows, and
 * leaves the "edges" line current. */
static int read_score_rows(churn__lines *r, double rows, double *score_rows,
                           churn_error *err)
{
    *score_rows = rows;
    int rc = churn__lines_next(r, "edges", err);
    if (rc != CHURN_OK || !line_starts(r, "rows"))
        return rc;
    size_t col = 0;
    rc = churn__lines_expect(r, "rows", err);
    if (rc == CHURN_OK) {
        col = col_at(r);
        rc = churn__lines_finite(r, score_rows, err);
    }
    if (rc == CHURN_OK && !(*score_rows >= 1 && *score_rows <= rows &&
                            *score_rows == floor(*score_rows)))
        rc = churn__fail_at(err, CHURN_EFORMAT, r->path, r->line, col,
                            "drift score rows must be a count from 1 to "
                            "the %.0f training rows", rows);
    if (rc == CHURN_OK)
        rc = churn__lines_done(r, err);
    return rc == CHURN_OK ? churn__lines_next(r, "edges", err) : rc;
}

/* Reads the score's lines; its counts add up to *score_rows. */
static int read_score(churn__lines *r, churn__drift_col *c,
                      const churn_model *m, double rows, double *score_rows,
                      churn_error *err)
{
    size_t col = 0;
    int rc = churn__lines_next(r, "score", err);
    if (rc == CHURN_OK)
        rc = churn__lines_expect(r, "score", err);
    if (rc == CHURN_OK) {
        col = col_at(r);
        rc = churn__lines_size(r, &c->n_edges, err);
    }
    if (rc == CHURN_OK)
        rc = churn__lines_done(r, err);
    if (rc == CHURN_OK && c->n_edges > CHURN__DECILES)
        rc = churn__fail_at(err, CHURN_EFORMAT, r->path, r->line, col,
                            "%zu drift edges, at most %d", c->n_edges,
                            CHURN__DECILES);
    c->n_bins = rc == CHURN_OK ? c->n_edges + 1 : 0;
    if (rc == CHURN_OK)
        rc = read_score_rows(r, rows, score_rows, err);
    if (rc == CHURN_OK)
        rc = read_edges(r, c, 1, err);
    return rc == CHURN_OK ? read_counts(r, c, m, churn_model_n_inputs(m),
                                        *score_rows, err)
                          : rc;
}

int churn__drift_read(churn__lines *r, churn_model *m, churn_error *err)
{
    size_t n = 0, col = 0, d = churn_model_n_inputs(m);
    double rows = 0, score_rows = 0;
    churn__drift_ref *ref = calloc(1, sizeof *ref);
    int rc = ref && (ref->input = calloc(d ? d : 1, sizeof *ref->input))
                 ? churn__lines_next(r, "drift", err)
                 : churn__fail_nomem(err);
    if (rc == CHURN_OK)
        rc = churn__lines_expect(r, "drift", err);
    if (rc == CHURN_OK) {
        col = col_at(r);
        rc = churn__lines_size(r, &n, err);
    }
    if (rc == CHURN_OK && n != d)
        rc = churn__fail_at(err, CHURN_EFORMAT, r->path, r->line, col,
                            "drift section has %zu inputs, the model %zu",
                            n, d);
    if (rc == CHURN_OK) {
        col = col_at(r);
        rc = churn__lines_finite(r, &rows, err);
    }
    if (rc == CHURN_OK && !(rows >= 1 && rows == floor(rows)))
        rc = churn__fail_at(err, CHURN_EFORMAT, r->path, r->line, col,
                            "drift rows must be a count >= 1");
    if (rc == CHURN_OK)
        rc = churn__lines_done(r, err);
    if (ref)
        ref->n_inputs = d;
    for (size_t j = 0; rc == CHURN_OK && j < d; j++)
        rc = read_input(r, m, j, &ref->input[j], rows, err);
    if (rc == CHURN_OK)
        rc = read_score(r, &ref->score, m, rows, &score_rows, err);
    if (rc == CHURN_OK)
        rc = churn__lines_next(r, "end drift", err);
    if (rc == CHURN_OK)
        rc = churn__lines_expect(r, "end", err);
    if (rc == CHURN_OK)
        rc = churn__lines_expect(r, "drift", err);
    if (rc == CHURN_OK)
        rc = churn__lines_done(r, err);
    if (rc != CHURN_OK) {
        churn__drift_ref_free(ref);
        return rc;
    }
    ref->rows = rows;
    ref->score_rows = score_rows;
    m->drift = ref;
    return CHURN_OK;
}

/* pipeline_io.c - the pipeline's section of the model file: written with
 * the lossless token I/O of textio.c, read back with every count, name
 * and number checked. */
#include "ml/pipeline_impl.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

/* The words that name the missing states in the file, in enum order. */
static const char *const missing_words[] = {"none", "some", "all", "kept"};

/* The section, for a numeric "tenure" with missing values and a
 * categorical "plan" with levels "basic" and "pro":
 *
 *   pipeline 2 4
 *   numeric tenure 12 some          name, imputed value, missing state
 *   categorical plan 2              name, number of levels
 *   level basic                     one line per level, in code order
 *   level pro
 *   output tenure 11.5 6.25         name, center, scale; one per output
 *   output tenure_missing 0.25 0.43
 *   output plan=basic 0.5 0.5
 *   output plan=pro 0.5 0.5
 *   end pipeline
 *
 * Output names follow from the inputs; they are written so that the file
 * reads on its own and the reader checks them. */
int churn__pipeline_write(const churn__pipeline *p, FILE *f)
{
    fprintf(f, "pipeline %zu %zu\n", p->n_inputs, p->n_outputs);
    for (size_t j = 0; j < p->n_inputs; j++) {
        const struct churn__pipeline_input *in = &p->inputs[j];
        if (in->kind == CHURN_NUMERIC) {
            fputs("numeric ", f);
            churn__put_string(f, in->name);
            fputc(' ', f);
            churn__put_double(f, in->impute);
            fprintf(f, " %s\n", missing_words[in->missing]);
            continue;
        }
        size_t n_levels = churn__pipeline_n_levels(p, j);
        fputs("categorical ", f);
        churn__put_string(f, in->name);
        fprintf(f, " %zu\n", n_levels);
        for (size_t c = 0; c < n_levels; c++) {
            fputs("level ", f);
            churn__put_string(f, churn__strmap_key(in->levels, c));
            fputc('\n', f);
        }
    }
    for (size_t k = 0; k < p->n_outputs; k++) {
        fputs("output ", f);
        churn__put_string(f, p->out_names[k]);
        fputc(' ', f);
        churn__put_double(f, p->center[k]);
        fputc(' ', f);
        churn__put_double(f, p->scale[k]);
        fputc('\n', f);
    }
    fputs("end pipeline\n", f);
    return ferror(f) ? CHURN_EIO : CHURN_OK;
}

/* The column (from 1) of the next token on r's current line. */
static size_t next_column(const churn__lines *r)
{
    return (size_t)(r->tok - r->cur) + 1;
}

/* Fails with CHURN_EFORMAT at column col of r's current line. */
static int bad_token(const churn__lines *r, size_t col, churn_error *err,
                     const char *fmt, ...) CHURN__PRINTF(4, 5);

static int bad_token(const churn__lines *r, size_t col, churn_error *err,
                     const char *fmt, ...)
{
    char reason[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    return churn__fail_at(err, CHURN_EFORMAT, r->path, r->line, col, "%s",
                          reason);
}

/* Takes a count that cannot exceed the bytes left in r (each item takes a
 * line), so an edited count fails here instead of allocating a lot. */
static int read_count(churn__lines *r, size_t *out, churn_error *err)
{
    size_t col = next_column(r);
    size_t left = r->pos < r->len ? r->len - r->pos : 0;
    int rc = churn__lines_size(r, out, err);
    if (rc == CHURN_OK && *out > left)
        rc = bad_token(r, col, err, "count %zu larger than the file", *out);
    return rc;
}

/* Takes a number that must be finite (and > 0 when positive is set). */
static int read_finite(churn__lines *r, int positive, double *out,
                       churn_error *err)
{
    size_t col = next_column(r);
    int rc = churn__lines_double(r, out, err);
    if (rc == CHURN_OK && !(isfinite(*out) && (!positive || *out > 0)))
        rc = bad_token(r, col, err, "expected a finite number%s",
                       positive ? " > 0" : "");
    return rc;
}

/* Takes a line "<word> <string>" into *text; col receives the string's
 * column. */
static int read_named_line(churn__lines *r, const char *word,
                           const char *what, const char **text, size_t *col,
                           churn_error *err)
{
    int rc;
    if ((rc = churn__lines_next(r, what, err)) ||
        (rc = churn__lines_expect(r, word, err)))
        return rc;
    *col = next_column(r);
    return churn__lines_string(r, text, err);
}

/* Reads the "level" lines of categorical input in. */
static int read_levels(churn__lines *r, struct churn__pipeline_input *in,
                       size_t n_levels, churn_error *err)
{
    if (!(in->levels = churn__strmap_new()))
        return churn__fail_nomem(err);
    for (size_t c = 0; c < n_levels; c++) {
        const char *text;
        int rc, added;
        size_t col, code;
        if ((rc = read_named_line(r, "level", "a level", &text, &col, err)) ||
            (rc = churn__lines_done(r, err)))
            return rc;
        if (churn__strmap_intern(in->levels, text, strlen(text), &code,
                                 &added) != CHURN_OK)
            return churn__fail_nomem(err);
        if (!added)
            return bad_token(r, col, err, "duplicate level '%s'", text);
    }
    return CHURN_OK;
}

/* Reads the rest of a "numeric <name>" line: imputed value and state. */
static int read_numeric(churn__lines *r, struct churn__pipeline_input *in,
                        churn_error *err)
{
    const char *word;
    int rc;
    if ((rc = read_finite(r, 0, &in->impute, err)))
        return rc;
    size_t col = next_column(r);
    if ((rc = churn__lines_string(r, &word, err)))
        return rc;
    size_t s = 0;
    while (s < 4 && strcmp(word, missing_words[s]))
        s++;
    if (s == 4)
        return bad_token(r, col, err,
                         "expected 'none', 'some', 'all' or 'kept', found "
                         "'%s'", word);
    in->missing = (enum churn__missing_state)s;
    return churn__lines_done(r, err);
}

/* Reads one "numeric ..." or "categorical ..." line (and its levels). */
static int read_input(churn__lines *r, struct churn__pipeline_input *in,
                      churn_error *err)
{
    const char *word, *name;
    int rc;
    size_t col = next_column(r);
    if ((rc = churn__lines_string(r, &word, err)))
        return rc;
    if (strcmp(word, "numeric") && strcmp(word, "categorical"))
        return bad_token(r, col, err,
                         "expected 'numeric' or 'categorical', found '%s'",
                         word);
    in->kind = strcmp(word, "numeric") ? CHURN_CATEGORICAL : CHURN_NUMERIC;
    col = next_column(r);
    if ((rc = churn__lines_string(r, &name, err)))
        return rc;
    if (!*name)
        return bad_token(r, col, err, "empty input name");
    if (!(in->name = churn__strdup(name)))
        return churn__fail_nomem(err);
    if (in->kind == CHURN_NUMERIC)
        return read_numeric(r, in, err);
    size_t n_levels;
    if ((rc = read_count(r, &n_levels, err)) ||
        (rc = churn__lines_done(r, err)))
        return rc;
    return read_levels(r, in, n_levels, err);
}

/* Reads the header line and the inputs into p, which it allocates, and
 * names p's outputs. */
static int read_inputs(churn__lines *r, churn__pipeline **out,
                       churn_error *err)
{
    size_t n_inputs, n_outputs;
    int rc;
    if ((rc = churn__lines_next(r, "pipeline", err)) ||
        (rc = churn__lines_expect(r, "pipeline", err)))
        return rc;
    size_t inputs_col = next_column(r);
    if ((rc = read_count(r, &n_inputs, err)))
        return rc;
    if (n_inputs == 0)
        return bad_token(r, inputs_col, err,
                         "a pipeline needs at least one input");
    size_t header_line = r->line, outputs_col = next_column(r);
    if ((rc = read_count(r, &n_outputs, err)) ||
        (rc = churn__lines_done(r, err)))
        return rc;
    churn__pipeline *p = *out = churn__pipeline_new(n_inputs);
    if (!p)
        return churn__fail_nomem(err);
    size_t derived = 0;
    for (size_t j = 0; j < n_inputs; j++) {
        if ((rc = churn__lines_next(r, "an input", err)) ||
            (rc = read_input(r, &p->inputs[j], err)))
            return rc;
        derived += churn__pipeline_outputs_of(&p->inputs[j]);
    }
    if (derived != n_outputs)
        return churn__fail_at(err, CHURN_EFORMAT, r->path, header_line,
                              outputs_col,
                              "%zu outputs declared, the inputs make %zu",
                              n_outputs, derived);
    if (churn__pipeline_reserve_outputs(p, n_outputs) != CHURN_OK)
        return churn__fail_nomem(err);
    for (size_t j = 0; j < n_inputs; j++)
        if (churn__pipeline_add_outputs(p, j) != CHURN_OK)
            return churn__fail_nomem(err);
    return CHURN_OK;
}

/* Reads the "output" lines, whose names must be the ones p derives. */
static int read_outputs(churn__lines *r, churn__pipeline *p,
                        churn_error *err)
{
    for (size_t k = 0; k < p->n_outputs; k++) {
        const char *name;
        size_t col;
        int rc = read_named_line(r, "output", "an output", &name, &col, err);
        if (rc != CHURN_OK)
            return rc;
        if (strcmp(name, p->out_names[k]))
            return bad_token(r, col, err, "expected output '%s', found '%s'",
                             p->out_names[k], name);
        if ((rc = read_finite(r, 0, &p->center[k], err)) ||
            (rc = read_finite(r, 1, &p->scale[k], err)) ||
            (rc = churn__lines_done(r, err)))
            return rc;
    }
    return CHURN_OK;
}

int churn__pipeline_read(churn__lines *r, churn__pipeline **out,
                         churn_error *err)
{
    churn__pipeline *p = NULL;
    *out = NULL;
    int rc;
    if ((rc = read_inputs(r, &p, err)) || (rc = read_outputs(r, p, err)) ||
        (rc = churn__lines_next(r, "end pipeline", err)) ||
        (rc = churn__lines_expect(r, "end", err)) ||
        (rc = churn__lines_expect(r, "pipeline", err)) ||
        (rc = churn__lines_done(r, err))) {
        churn__pipeline_free(p);
        return rc;
    }
    *out = p;
    return CHURN_OK;
}

/* family.c - the registry of model families and the calls that reach a
 * fitted classifier through its family's table. It sits above the
 * families: what they share (figures.c, modelfile_lines.c) is below them,
 * so a family never calls back into the registry. */
#include "models/family.h"

#include <stdlib.h>
#include <string.h>

/* Every family, in the order searches and listings follow. */
static const churn__family *const families[] = {
    &churn__family_logistic,
    &churn__family_svm,
    &churn__family_rbf_approx,
    &churn__family_gbdt,
    &churn__family_survival,
};
#define N_FAMILIES (sizeof families / sizeof *families)

/* Model files before figures had one meaning each recorded Newton
 * iterations or support vectors under this name; kept as read. */
static const churn__figure old_iterations = {"iterations", "", " iterations",
                                             0, 0};

const churn__family *churn__family_at(size_t i)
{
    return i < N_FAMILIES ? families[i] : NULL;
}

const churn__family *churn__family_find(const char *name)
{
    for (size_t i = 0; name && i < N_FAMILIES; i++)
        if (strcmp(name, families[i]->name) == 0)
            return families[i];
    return NULL;
}

const churn__family *churn__family_for(const churn__family *f,
                                       churn__kernel k)
{
    return f == &churn__family_svm && k == CHURN__K_RBF_APPROX
               ? &churn__family_rbf_approx
               : f;
}

const churn__family *churn__family_stored(const churn__family *f)
{
    return f->stored_as ? f->stored_as : f;
}

const churn__figure *churn__figure_find(const char *name)
{
    for (size_t i = 0; i < N_FAMILIES; i++)
        for (size_t k = 0; k < families[i]->n_figures; k++)
            if (strcmp(name, families[i]->figures[k]->name) == 0)
                return families[i]->figures[k];
    return strcmp(name, old_iterations.name) == 0 ? &old_iterations : NULL;
}

int churn__classifier_fit(churn__classifier *c, const churn__fit_params *fp,
                          const double *z, const double *y, size_t n,
                          size_t dim, double *figures, churn_error *err)
{
    c->family = NULL;
    c->state = NULL;
    if (!fp->family)
        return churn__fail(err, CHURN_EINVAL, "no model family");
    int rc = fp->family->fit(&c->state, fp, z, y, n, dim, figures, err);
    if (rc == CHURN_OK)
        c->family = churn__family_stored(fp->family);
    return rc;
}

void churn__classifier_clear(churn__classifier *c)
{
    if (c->family)
        c->family->free(c->state);
    c->family = NULL;
    c->state = NULL;
}

double churn__classifier_decision(const churn__classifier *c,
                                  const double *z)
{
    return c->family->decision(c->state, z);
}

int churn__classifier_decisions(const churn__classifier *c, const double *z,
                                size_t n, size_t dim, double *out,
                                churn_error *err)
{
    if (c->family->decisions)
        return c->family->decisions(c->state, z, n, out, err);
    for (size_t i = 0; i < n; i++)
        out[i] = c->family->decision(c->state, z + i * dim);
    return CHURN_OK;
}

void churn__classifier_contrib(const churn__classifier *c, const double *z,
                               const size_t *out_input, size_t n_in,
                               double *contrib, double *scratch)
{
    c->family->contrib(c->state, z, out_input, n_in, contrib, scratch);
}

int churn__classifier_contribs(const churn__classifier *c, const double *z,
                               size_t n, size_t dim, const size_t *out_input,
                               size_t n_in, double *contrib,
                               churn_error *err)
{
    if (c->family->contribs)
        return c->family->contribs(c->state, z, n, out_input, n_in, contrib,
                                   err);
    double *scratch = malloc((3 * n_in + dim + 1) * sizeof *scratch);
    if (!scratch)
        return churn__fail_nomem(err);
    for (size_t i = 0; i < n; i++)
        c->family->contrib(c->state, z + i * dim, out_input, n_in,
                           contrib + i * n_in, scratch);
    free(scratch);
    return CHURN_OK;
}

const double *churn__classifier_linear(const churn__classifier *c,
                                       double *b)
{
    return c->family ? c->family->linear(c->state, b) : NULL;
}

void churn__classifier_write(const churn__classifier *c, size_t dim,
                             const char *const *names, FILE *f)
{
    fprintf(f, "classifier %s %zu\n", c->family->name, dim);
    c->family->write(c->state, names, f);
    fputs("end classifier\n", f);
}

int churn__classifier_read(churn__lines *r, churn__classifier *c,
                           size_t dim, const char *const *names,
                           churn_error *err)
{
    const char *name;
    size_t p;
    c->family = NULL;
    c->state = NULL;
    int rc = churn__lines_next(r, "classifier", err);
    if (rc == CHURN_OK)
        rc = churn__lines_expect(r, "classifier", err);
    if (rc == CHURN_OK)
        rc = churn__lines_string(r, &name, err);
    if (rc != CHURN_OK)
        return rc;
    /* Only a family that stores its own state names a section. */
    const churn__family *f = churn__family_find(name);
    if (!f || f->stored_as)
        return churn__fail_at(err, CHURN_EFORMAT, r->path, r->line, 12,
                              "unknown classifier '%s'", name);
    size_t at = 12 + strlen(f->name) + 1; /* the column of the count */
    rc = churn__lines_size(r, &p, err);
    if (rc != CHURN_OK)
        return rc;
    if (p != dim)
        return churn__fail_at(err, CHURN_EFORMAT, r->path, r->line, at,
                              "classifier has %zu coefficients but the "
                              "pipeline makes %zu columns", p, dim);
    rc = f->read(r, &c->state, dim, names, err);
    if (rc == CHURN_OK)
        c->family = f;
    if (rc == CHURN_OK)
        rc = churn__lines_next(r, "end classifier", err);
    if (rc == CHURN_OK)
        rc = churn__lines_expect(r, "end", err);
    if (rc == CHURN_OK)
        rc = churn__lines_expect(r, "classifier", err);
    return rc;
}

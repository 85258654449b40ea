/* family_svm.c - the svm family: a kernel expansion (svm.c's libsvm fit;
 * rbf-approx fits one too) and its model-file section. */
#include "models/classifier.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void svm_free(void *state)
{
    if (state)
        churn__kernel_model_clear(state);
    free(state);
}

static int svm_fit(void **state, const churn__fit_params *fp,
                   const double *z, const double *y, size_t n, size_t dim,
                   double *figures, churn_error *err)
{
    *state = NULL;
    if (fp->kernel == CHURN__K_RBF_APPROX) /* see churn__family_for */
        return churn__fail(err, CHURN_EINVAL, "svm: the rbf-approx kernel "
                           "is fitted by the rbf-approx family");
    churn__kernel_model *c = calloc(1, sizeof *c);
    if (!c)
        return churn__fail_nomem(err);
    c->dim = dim;
    int rc = churn__svm_fit(c, fp, z, y, n, dim, err);
    if (rc != CHURN_OK) {
        svm_free(c);
        return rc;
    }
    if (figures) {
        figures[0] = fp->c;
        figures[1] = c->kernel != CHURN__K_LINEAR ? c->gamma : NAN;
        figures[2] = (double)c->n_sv;
    }
    *state = c;
    return CHURN_OK;
}

static double svm_decision(const void *state, const double *z)
{
    const churn__kernel_model *c = state;
    if (!c->w)
        return churn__svm_kernel_decision(c, z);
    return churn__linear_decision(c->w, c->b, c->dim, z);
}

static void svm_contrib(const void *state, const double *z,
                        const size_t *out_input, size_t n_in,
                        double *contrib, double *scratch)
{
    const churn__kernel_model *c = state;
    if (!c->w)
        churn__svm_contrib(c, z, out_input, n_in, contrib, scratch);
    else
        churn__linear_contrib(c->w, c->dim, z, out_input, n_in, contrib);
}

static const double *svm_linear(const void *state, double *b)
{
    const churn__kernel_model *c = state;
    *b = c->b;
    return c->w;
}

static void svm_write(const void *state, const char *const *names, FILE *f)
{
    const churn__kernel_model *c = state;
    (void)names;
    fprintf(f, "kernel %s\ngamma ", churn__kernel_name(c->kernel));
    churn__put_double(f, c->gamma);
    fprintf(f, "\ndegree %d\nintercept ", c->degree);
    churn__put_double(f, c->b);
    int rff = c->kernel == CHURN__K_RBF_APPROX;
    fprintf(f, "\n%s %zu\n", rff ? "components" : "support_vectors",
            c->n_sv);
    for (size_t i = 0; i < c->n_sv; i++) {
        fputs(rff ? "component " : "sv ", f);
        churn__put_double(f, c->sv_coef[i]);
        if (rff) {
            fputc(' ', f);
            churn__put_double(f, c->phase[i]);
        }
        for (size_t k = 0; k < c->dim; k++) {
            fputc(' ', f);
            churn__put_double(f, c->sv[i * c->dim + k]);
        }
        fputc('\n', f);
    }
}

static int read_header(churn__lines *r, churn__kernel_model *c,
                       churn_error *err)
{
    const char *kernel;
    double degree;
    int rc = churn__lines_next(r, "kernel", err);
    if (rc == CHURN_OK)
        rc = churn__lines_expect(r, "kernel", err);
    if (rc == CHURN_OK)
        rc = churn__lines_string(r, &kernel, err);
    if (rc != CHURN_OK)
        return rc;
    const churn__kernel kernels[] = {CHURN__K_LINEAR, CHURN__K_RBF,
                                     CHURN__K_POLY, CHURN__K_RBF_APPROX};
    size_t t = 0;
    while (t < 4 && strcmp(kernel, churn__kernel_name(kernels[t])) != 0)
        t++;
    if (t == 4)
        return churn__fail_at(err, CHURN_EFORMAT, r->path, r->line, 8,
                              "unknown kernel '%s'", kernel);
    c->kernel = kernels[t];
    const char *units = c->kernel == CHURN__K_RBF_APPROX ? "components"
                                                         : "support_vectors";
    rc = churn__lines_number(r, "gamma", &c->gamma, err);
    if (rc == CHURN_OK)
        rc = churn__lines_number(r, "degree", &degree, err);
    /* A failed read may still have stored a number (the line had more
     * after it): convert only a checked degree, or the cast is undefined. */
    if (rc != CHURN_OK)
        return rc;
    if (!(degree >= 0 && degree <= 100 && degree == floor(degree)))
        return churn__fail_at(err, CHURN_EFORMAT, r->path, r->line, 8,
                              "degree must be an integer in 0..100");
    c->degree = (int)degree;
    if (rc == CHURN_OK)
        rc = churn__lines_number(r, "intercept", &c->b, err);
    if (rc == CHURN_OK)
        rc = churn__lines_next(r, units, err);
    if (rc == CHURN_OK)
        rc = churn__lines_expect(r, units, err);
    if (rc == CHURN_OK)
        rc = churn__lines_size(r, &c->n_sv, err);
    if (rc == CHURN_OK)
        rc = churn__lines_done(r, err);
    return rc;
}

static int read_vectors(churn__lines *r, churn__kernel_model *c,
                        churn_error *err)
{
    int rc = read_header(r, c, err);
    if (rc != CHURN_OK)
        return rc;
    /* Each one takes a line of at least 2 (dim + 2) bytes: a count beyond
     * the bytes left is an edited file, refused before it allocates. */
    size_t left = r->pos < r->len ? r->len - r->pos : 0;
    if (c->n_sv > left / (2 * (c->dim + 2)))
        return churn__fail_at(err, CHURN_EFORMAT, r->path, r->line, 17,
                              "%zu support vectors do not fit in the rest "
                              "of the file", c->n_sv);
    size_t cells = c->n_sv * c->dim;
    c->sv = calloc(cells ? cells : 1, sizeof *c->sv);
    c->sv_coef = malloc((c->n_sv ? c->n_sv : 1) * sizeof *c->sv_coef);
    int rff = c->kernel == CHURN__K_RBF_APPROX;
    if (rff)
        c->phase = malloc((c->n_sv ? c->n_sv : 1) * sizeof *c->phase);
    if (!c->sv || !c->sv_coef || (rff && !c->phase))
        return churn__fail_nomem(err);
    const char *key = rff ? "component" : "sv";
    for (size_t i = 0; rc == CHURN_OK && i < c->n_sv; i++) {
        rc = churn__lines_next(r, key, err);
        if (rc == CHURN_OK)
            rc = churn__lines_expect(r, key, err);
        if (rc == CHURN_OK)
            rc = churn__lines_finite(r, &c->sv_coef[i], err);
        if (rc == CHURN_OK && rff)
            rc = churn__lines_finite(r, &c->phase[i], err);
        for (size_t k = 0; rc == CHURN_OK && k < c->dim; k++)
            rc = churn__lines_finite(r, &c->sv[i * c->dim + k], err);
        if (rc == CHURN_OK)
            rc = churn__lines_done(r, err);
    }
    if (rc == CHURN_OK)
        rc = churn__svm_derive(c, err);
    return rc;
}

static int svm_read(churn__lines *r, void **state, size_t dim,
                    const char *const *names, churn_error *err)
{
    (void)names;
    *state = NULL;
    churn__kernel_model *c = calloc(1, sizeof *c);
    if (!c)
        return churn__fail_nomem(err);
    c->dim = dim;
    int rc = read_vectors(r, c, err);
    if (rc != CHURN_OK) {
        svm_free(c);
        return rc;
    }
    *state = c;
    return CHURN_OK;
}

/* The search's values of C, and of gamma as multiples of 1 / p for the
 * rbf kernel: 4 x 5 points from gamma 1 / (16 p) to libsvm's default
 * 1 / p (on the telecom table the best points sat at the low edge of
 * the old 3 x 3 grid, 0.25 / p to 1 / p). */
static const double c_grid[] = {1, 3, 10, 30};
static const double gamma_scale[] = {0.0625, 0.125, 0.25, 0.5, 1};

int churn__kernel_grid(const churn__fit_params *base, size_t i, size_t p,
                       const double *c, size_t n_c, const double *scale,
                       size_t n_scale, churn__fit_params *fp)
{
    int rbf = base->kernel == CHURN__K_RBF ||
              base->kernel == CHURN__K_RBF_APPROX;
    size_t n_g = rbf ? n_scale : 1;
    if (i >= n_c * n_g)
        return 0;
    *fp = *base;
    fp->c = c[i / n_g];
    if (rbf)
        fp->gamma = scale[i % n_g] / (double)(p ? p : 1);
    return 1;
}

void churn__kernel_params(const churn__fit_params *fp, char *buf,
                          size_t size)
{
    if (fp->kernel == CHURN__K_LINEAR || fp->gamma <= 0)
        snprintf(buf, size, "%s, C %.6g", churn__kernel_name(fp->kernel),
                 fp->c);
    else
        snprintf(buf, size, "%s, C %.6g, gamma %.4g",
                 churn__kernel_name(fp->kernel), fp->c, fp->gamma);
}

static int svm_grid(const churn__fit_params *base, size_t i, size_t p,
                    churn__fit_params *fp)
{
    return churn__kernel_grid(base, i, p, c_grid,
                              sizeof c_grid / sizeof *c_grid, gamma_scale,
                              sizeof gamma_scale / sizeof *gamma_scale, fp);
}

static const churn__figure support_vectors = {
    "support_vectors", "", " support vectors", 0, 1};

static const churn__figure *const figures[] = {
    &churn__figure_c, &churn__figure_gamma, &support_vectors};

const churn__family churn__family_svm = {
    .name = "svm",
    .distributed = 0,
    .margin = 1,
    .kernels = 1,
    .prep = {.keep_missing = 0, .standardize = 1},
    .c_grid = c_grid,
    .n_c_grid = sizeof c_grid / sizeof *c_grid,
    .grid = svm_grid,
    .params = churn__kernel_params,
    .figures = figures,
    .n_figures = sizeof figures / sizeof *figures,
    .fit = svm_fit,
    .decision = svm_decision,
    .contrib = svm_contrib,
    .linear = svm_linear,
    .write = svm_write,
    .read = svm_read,
    .free = svm_free,
};

/* classifier.c - one interface over the model families: fit, decision
 * value, per-input contributions and the model-file section. */
#include "classifier.h"
#include "models.h"
#include "comm.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int churn__logistic_weights(const churn__fit_params *fp, const double *x,
                            const double *y, size_t n, size_t d, double *w,
                            double *b, double *iterations, churn_error *err)
{
    double *s = NULL;
    int rc = CHURN_OK;
    if (fp->balanced) {
        /* Rows and positives of every rank, when fitting across ranks. */
        double count[2] = {(double)n, 0};
        for (size_t i = 0; i < n; i++)
            count[1] += y[i] > 0;
        rc = churn__comm_reduce(fp->comm, count, 2, CHURN_REDUCE_SUM, err);
        /* scikit-learn's "balanced": n / (2 * n_class). */
        if (rc == CHURN_OK && !(s = malloc((n ? n : 1) * sizeof *s)))
            rc = churn__fail_nomem(err);
        for (size_t i = 0; s && i < n; i++)
            s[i] = count[0] /
                   (2.0 * (y[i] > 0 ? count[1] : count[0] - count[1]));
    }
    churn__logistic_params lp;
    churn__logistic_params_default(&lp);
    lp.c = fp->c;
    lp.comm = fp->comm;
    if (fp->balanced) /* a rank out of memory fails every rank */
        rc = churn_comm_agree(fp->comm, rc, err);
    churn__logistic_info info;
    if (rc == CHURN_OK)
        rc = churn__logistic_fit(x, n, d, y, s, &lp, w, b, &info, err);
    if (rc == CHURN_OK && iterations)
        *iterations = (double)info.iterations;
    free(s);
    return rc;
}

int churn__classifier_fit(churn__classifier *c, const churn__fit_params *fp,
                          const double *z, const double *y, size_t n,
                          size_t dim, double *iterations, churn_error *err)
{
    memset(c, 0, sizeof *c);
    c->family = fp->family;
    c->dim = dim;
    int rc;
    if (fp->family == CHURN__LOGISTIC) {
        c->w = calloc(dim ? dim : 1, sizeof *c->w);
        rc = churn_comm_agree(fp->comm,
                              c->w ? CHURN_OK : churn__fail_nomem(err), err);
        if (rc == CHURN_OK)
            rc = churn__logistic_weights(fp, z, y, n, dim, c->w, &c->b,
                                         iterations, err);
    } else if (fp->kernel == CHURN__K_RBF_APPROX) {
        rc = churn__nystroem_fit(c, fp, z, y, n, dim, iterations, err);
    } else {
        rc = churn__svm_fit(c, fp, z, y, n, dim, err);
        if (rc == CHURN_OK && iterations)
            *iterations = (double)c->n_sv;
    }
    if (rc != CHURN_OK)
        churn__classifier_clear(c);
    return rc;
}

void churn__classifier_clear(churn__classifier *c)
{
    free(c->w);
    free(c->sv);
    free(c->sv_coef);
    free(c->phase);
    memset(c, 0, sizeof *c);
}

double churn__classifier_decision(const churn__classifier *c,
                                  const double *z)
{
    if (!c->w)
        return churn__svm_kernel_decision(c, z);
    double s = c->b;
    for (size_t k = 0; k < c->dim; k++)
        s += c->w[k] * z[k];
    return s;
}

void churn__classifier_contrib(const churn__classifier *c, const double *z,
                               const size_t *out_input, size_t n_in,
                               double *contrib, double *scratch)
{
    if (!c->w) {
        churn__svm_contrib(c, z, out_input, n_in, contrib, scratch);
        return;
    }
    for (size_t j = 0; j < n_in; j++)
        contrib[j] = 0;
    for (size_t k = 0; k < c->dim; k++)
        contrib[out_input[k]] += c->w[k] * z[k];
}

void churn__classifier_write(const churn__classifier *c,
                             const char *const *names, FILE *f)
{
    if (c->family == CHURN__LOGISTIC) {
        fprintf(f, "classifier logistic %zu\nintercept ", c->dim);
        churn__put_double(f, c->b);
        fputc('\n', f);
        for (size_t k = 0; k < c->dim; k++) {
            fputs("coef ", f);
            churn__put_string(f, names[k]);
            fputc(' ', f);
            churn__put_double(f, c->w[k]);
            fputc('\n', f);
        }
    } else {
        fprintf(f, "classifier svm %zu\nkernel %s\ngamma ", c->dim,
                churn__kernel_name(c->kernel));
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
    fputs("end classifier\n", f);
}

/* Reads "key <double>" as a whole line. */
static int read_number(churn__lines *r, const char *key, double *out,
                       churn_error *err)
{
    int rc = churn__lines_next(r, key, err);
    if (rc == CHURN_OK)
        rc = churn__lines_expect(r, key, err);
    if (rc == CHURN_OK)
        rc = churn__lines_finite(r, out, err);
    if (rc == CHURN_OK)
        rc = churn__lines_done(r, err);
    return rc;
}

static int read_logistic(churn__lines *r, churn__classifier *c,
                         const char *const *names, churn_error *err)
{
    int rc = read_number(r, "intercept", &c->b, err);
    for (size_t k = 0; rc == CHURN_OK && k < c->dim; k++) {
        const char *name;
        rc = churn__lines_next(r, "coef", err);
        if (rc == CHURN_OK)
            rc = churn__lines_expect(r, "coef", err);
        if (rc == CHURN_OK)
            rc = churn__lines_string(r, &name, err);
        if (rc == CHURN_OK && strcmp(name, names[k]) != 0)
            return churn__fail_at(err, CHURN_EFORMAT, r->path, r->line, 6,
                                  "coefficient %zu is for '%s', expected "
                                  "'%s'", k + 1, name, names[k]);
        if (rc == CHURN_OK)
            rc = churn__lines_finite(r, &c->w[k], err);
        if (rc == CHURN_OK)
            rc = churn__lines_done(r, err);
    }
    return rc;
}

static int read_svm_header(churn__lines *r, churn__classifier *c,
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
    rc = read_number(r, "gamma", &c->gamma, err);
    if (rc == CHURN_OK)
        rc = read_number(r, "degree", &degree, err);
    /* A failed read may still have stored a number (the line had more
     * after it): convert only a checked degree, or the cast is undefined. */
    if (rc != CHURN_OK)
        return rc;
    if (!(degree >= 0 && degree <= 100 && degree == floor(degree)))
        return churn__fail_at(err, CHURN_EFORMAT, r->path, r->line, 8,
                              "degree must be an integer in 0..100");
    c->degree = (int)degree;
    if (rc == CHURN_OK)
        rc = read_number(r, "intercept", &c->b, err);
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

static int read_svm(churn__lines *r, churn__classifier *c, churn_error *err)
{
    int rc = read_svm_header(r, c, err);
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

int churn__classifier_read(churn__lines *r, churn__classifier *c,
                           size_t dim, const char *const *names,
                           churn_error *err)
{
    const char *family;
    size_t p;
    memset(c, 0, sizeof *c);
    int rc = churn__lines_next(r, "classifier", err);
    if (rc == CHURN_OK)
        rc = churn__lines_expect(r, "classifier", err);
    if (rc == CHURN_OK)
        rc = churn__lines_string(r, &family, err);
    if (rc == CHURN_OK && strcmp(family, "logistic") != 0 &&
        strcmp(family, "svm") != 0)
        return churn__fail_at(err, CHURN_EFORMAT, r->path, r->line, 12,
                              "unknown classifier '%s'", family);
    int svm = rc == CHURN_OK && family[0] == 's';
    if (rc == CHURN_OK)
        rc = churn__lines_size(r, &p, err);
    if (rc != CHURN_OK)
        return rc;
    if (p != dim)
        return churn__fail_at(err, CHURN_EFORMAT, r->path, r->line,
                              svm ? 16 : 21,
                              "classifier has %zu coefficients but the "
                              "pipeline makes %zu columns", p, dim);
    c->family = svm ? CHURN__SVM : CHURN__LOGISTIC;
    c->dim = dim;
    if (svm) {
        rc = read_svm(r, c, err);
    } else if (!(c->w = calloc(dim ? dim : 1, sizeof *c->w))) {
        rc = churn__fail_nomem(err);
    } else {
        rc = read_logistic(r, c, names, err);
    }
    if (rc == CHURN_OK)
        rc = churn__lines_next(r, "end classifier", err);
    if (rc == CHURN_OK)
        rc = churn__lines_expect(r, "end", err);
    if (rc == CHURN_OK)
        rc = churn__lines_expect(r, "classifier", err);
    return rc;
}

/* family_logistic.c - the logistic family: L2 logistic regression
 * (logistic.c's Newton fit, across ranks too), f(z) = w.z + b. */
#include "models/classifier.h"
#include "models/logistic.h"
#include "ml/comm.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The fitted state. */
typedef struct linear_model {
    size_t dim;
    double *w; /* dim */
    double b;
} linear_model;

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

double churn__linear_decision(const double *w, double b, size_t dim,
                              const double *z)
{
    double s = b;
    for (size_t k = 0; k < dim; k++)
        s += w[k] * z[k];
    return s;
}

void churn__linear_contrib(const double *w, size_t dim, const double *z,
                           const size_t *out_input, size_t n_in,
                           double *contrib)
{
    for (size_t j = 0; j < n_in; j++)
        contrib[j] = 0;
    for (size_t k = 0; k < dim; k++)
        contrib[out_input[k]] += w[k] * z[k];
}

static void logistic_free(void *state)
{
    linear_model *c = state;
    if (c)
        free(c->w);
    free(c);
}

/* A state of dim zero weights, or NULL. */
static linear_model *logistic_new(size_t dim)
{
    linear_model *c = calloc(1, sizeof *c);
    if (c && !(c->w = calloc(dim ? dim : 1, sizeof *c->w))) {
        free(c);
        return NULL;
    }
    if (c)
        c->dim = dim;
    return c;
}

static int logistic_fit(void **state, const churn__fit_params *fp,
                        const double *z, const double *y, size_t n,
                        size_t dim, double *figures, churn_error *err)
{
    *state = NULL;
    linear_model *c = logistic_new(dim);
    int rc = churn_comm_agree(fp->comm,
                              c ? CHURN_OK : churn__fail_nomem(err), err);
    double iterations = NAN;
    if (rc == CHURN_OK)
        rc = churn__logistic_weights(fp, z, y, n, dim, c->w, &c->b,
                                     &iterations, err);
    if (rc != CHURN_OK) {
        logistic_free(c);
        return rc;
    }
    if (figures) {
        figures[0] = fp->c;
        figures[1] = iterations;
    }
    *state = c;
    return CHURN_OK;
}

static double logistic_decision(const void *state, const double *z)
{
    const linear_model *c = state;
    return churn__linear_decision(c->w, c->b, c->dim, z);
}

static void logistic_contrib(const void *state, const double *z,
                             const size_t *out_input, size_t n_in,
                             double *contrib, double *scratch)
{
    const linear_model *c = state;
    (void)scratch;
    churn__linear_contrib(c->w, c->dim, z, out_input, n_in, contrib);
}

static const double *logistic_linear(const void *state, double *b)
{
    const linear_model *c = state;
    *b = c->b;
    return c->w;
}

static void logistic_write(const void *state, const char *const *names,
                           FILE *f)
{
    const linear_model *c = state;
    fputs("intercept ", f);
    churn__put_double(f, c->b);
    fputc('\n', f);
    churn__coefs_write(c->w, c->dim, names, f);
}

static int read_coefs(churn__lines *r, linear_model *c,
                      const char *const *names, churn_error *err)
{
    int rc = churn__lines_number(r, "intercept", &c->b, err);
    return rc == CHURN_OK ? churn__coefs_read(r, c->w, c->dim, names, err)
                          : rc;
}

static int logistic_read(churn__lines *r, void **state, size_t dim,
                         const char *const *names, churn_error *err)
{
    *state = NULL;
    linear_model *c = logistic_new(dim);
    int rc = c ? read_coefs(r, c, names, err) : churn__fail_nomem(err);
    if (rc != CHURN_OK) {
        logistic_free(c);
        return rc;
    }
    *state = c;
    return CHURN_OK;
}

/* The search's values of C. */
static const double c_grid[] = {0.01, 0.1, 1, 10};

static const churn__figure *const figures[] = {
    &churn__figure_c, &churn__figure_newton_iterations};

const churn__family churn__family_logistic = {
    .name = "logistic",
    .distributed = 1,
    .prep = {.keep_missing = 0, .standardize = 1},
    .c_grid = c_grid,
    .n_c_grid = sizeof c_grid / sizeof *c_grid,
    .figures = figures,
    .n_figures = sizeof figures / sizeof *figures,
    .fit = logistic_fit,
    .decision = logistic_decision,
    .contrib = logistic_contrib,
    .linear = logistic_linear,
    .write = logistic_write,
    .read = logistic_read,
    .free = logistic_free,
};

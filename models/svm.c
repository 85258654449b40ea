/* svm.c - kernel SVMs trained by libsvm, copied into a kernel expansion
 * we own (cleared here too) and evaluated by our own code; libsvm's
 * structures never leave this file. */
#include "models/classifier.h"

#include <libsvm/svm.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* libsvm prints progress to stdout through one process-wide hook; the
 * library never prints, so the hook is set to nothing, once, race-free. */
static pthread_once_t quiet_once = PTHREAD_ONCE_INIT;
static void print_nothing(const char *s) { (void)s; }
static void quiet_libsvm(void) { svm_set_print_string_function(print_nothing); }

const char *churn__kernel_name(churn__kernel k)
{
    return k == CHURN__K_RBF           ? "rbf"
           : k == CHURN__K_POLY        ? "poly"
           : k == CHURN__K_RBF_APPROX ? "rbf-approx"
                                       : "linear";
}

/* The expansion's lifetime is here, with the code that fills it, so the
 * families above (family_svm.c, family_rbf_approx.c) only call down. */
void churn__kernel_model_clear(churn__kernel_model *c)
{
    free(c->w);
    free(c->sv);
    free(c->sv_coef);
    free(c->phase);
    memset(c, 0, sizeof *c);
}

/* libsvm's sparse rows over the dense matrix z; zeros are left out, as
 * libsvm treats absent indices as 0. *nodes_out backs the rows. */
static int make_problem(const double *z, const double *y, size_t n,
                        size_t dim, struct svm_problem *prob,
                        struct svm_node **nodes_out)
{
    size_t nnz = 0;
    for (size_t i = 0; i < n * dim; i++)
        nnz += z[i] != 0;
    struct svm_node *nodes = malloc((nnz + n) * sizeof *nodes);
    prob->x = malloc(n * sizeof *prob->x);
    prob->y = malloc(n * sizeof *prob->y);
    *nodes_out = nodes;
    if (!nodes || !prob->x || !prob->y)
        return CHURN_ENOMEM;
    prob->l = (int)n;
    size_t pos = 0;
    for (size_t i = 0; i < n; i++) {
        prob->x[i] = nodes + pos;
        for (size_t k = 0; k < dim; k++)
            if (z[i * dim + k] != 0) {
                nodes[pos].index = (int)k + 1;
                nodes[pos++].value = z[i * dim + k];
            }
        nodes[pos++].index = -1;
        prob->y[i] = y[i] > 0.5 ? 1 : -1;
    }
    return CHURN_OK;
}

int churn__svm_fit(churn__kernel_model *c, const churn__fit_params *fp,
                   const double *z, const double *y, size_t n, size_t dim,
                   churn_error *err)
{
    if (n > (size_t)INT32_MAX / 2 || dim > (size_t)INT32_MAX / 2)
        return churn__fail(err, CHURN_EINVAL, "svm: too many rows or "
                           "features for libsvm");
    pthread_once(&quiet_once, quiet_libsvm);
    struct svm_problem prob = {0};
    struct svm_node *nodes = NULL;
    struct svm_model *model = NULL;
    int rc = make_problem(z, y, n, dim, &prob, &nodes);
    if (rc != CHURN_OK) {
        rc = churn__fail_nomem(err);
        goto done;
    }
    size_t pos = 0;
    for (size_t i = 0; i < n; i++)
        pos += y[i] > 0.5;
    int weight_label[2] = {1, -1};
    double weight[2] = {(double)n / (2.0 * (double)(pos ? pos : 1)),
                        (double)n / (2.0 * (double)(n - pos ? n - pos : 1))};
    struct svm_parameter par = {
        .svm_type = C_SVC,
        .kernel_type = fp->kernel == CHURN__K_RBF    ? RBF
                       : fp->kernel == CHURN__K_POLY ? POLY
                                                     : LINEAR,
        .degree = fp->degree,
        .gamma = fp->gamma > 0 ? fp->gamma : 1.0 / (double)(dim ? dim : 1),
        .coef0 = 0,
        .cache_size = 200,
        .eps = 1e-3,
        .C = fp->c,
        .nr_weight = fp->balanced ? 2 : 0,
        .weight_label = fp->balanced ? weight_label : NULL,
        .weight = fp->balanced ? weight : NULL,
        .shrinking = 1,
        .probability = 0,
    };
    const char *bad = svm_check_parameter(&prob, &par);
    if (bad) {
        rc = churn__fail(err, CHURN_EINVAL, "svm: %s", bad);
        goto done;
    }
    model = svm_train(&prob, &par);
    if (!model) {
        rc = churn__fail_nomem(err);
        goto done;
    }
    rc = churn__svm_copy(c, model, dim, 1, err);
done:
    svm_free_and_destroy_model(&model);
    free(nodes);
    free(prob.x);
    free(prob.y);
    return rc;
}

int churn__svm_copy(churn__kernel_model *c, const struct svm_model *model,
                    size_t dim, int positive_label, churn_error *err)
{
    if (svm_get_svm_type(model) != C_SVC || svm_get_nr_class(model) != 2)
        return churn__fail(err, CHURN_EINVAL,
                           "svm: not a two-class C-SVC model");
    int labels[2];
    svm_get_labels(model, labels);
    /* libsvm decides for its first label when the value is positive. */
    double sign = labels[0] == positive_label ? 1.0 : -1.0;
    size_t l = (size_t)svm_get_nr_sv(model);
    memset(c, 0, sizeof *c);
    c->dim = dim;
    c->n_sv = l;
    int kt = model->param.kernel_type;
    c->kernel = kt == RBF ? CHURN__K_RBF : kt == POLY ? CHURN__K_POLY
                                                      : CHURN__K_LINEAR;
    if (kt != RBF && kt != POLY && kt != LINEAR)
        return churn__fail(err, CHURN_EINVAL, "svm: unsupported kernel");
    c->gamma = model->param.gamma;
    c->degree = model->param.degree;
    size_t cells = l * dim;
    c->sv = calloc(cells ? cells : 1, sizeof *c->sv);
    c->sv_coef = malloc((l ? l : 1) * sizeof *c->sv_coef);
    if (!c->sv || !c->sv_coef) {
        churn__kernel_model_clear(c);
        return churn__fail_nomem(err);
    }
    for (size_t i = 0; i < l; i++) {
        for (const struct svm_node *p = model->SV[i]; p->index != -1; p++)
            if (p->index >= 1 && (size_t)p->index <= dim)
                c->sv[i * dim + (size_t)p->index - 1] = p->value;
        c->sv_coef[i] = sign * model->sv_coef[0][i];
    }
    c->b = -sign * model->rho[0];
    int rc = churn__svm_derive(c, err);
    if (rc != CHURN_OK)
        churn__kernel_model_clear(c);
    return rc;
}

int churn__svm_derive(churn__kernel_model *c, churn_error *err)
{
    free(c->w);
    c->w = NULL;
    if (c->kernel != CHURN__K_LINEAR)
        return CHURN_OK;
    /* The same sums for a model just trained and one read back from its
     * file, so both score to the same bits. */
    c->w = calloc(c->dim ? c->dim : 1, sizeof *c->w);
    if (!c->w)
        return churn__fail_nomem(err);
    for (size_t i = 0; i < c->n_sv; i++)
        for (size_t k = 0; k < c->dim; k++)
            c->w[k] += c->sv_coef[i] * c->sv[i * c->dim + k];
    return CHURN_OK;
}

/* x^degree by repeated multiplication, as libsvm's powi. */
static double int_power(double x, int degree)
{
    double r = 1.0;
    for (int t = 0; t < degree; t++)
        r *= x;
    return r;
}

/* Unit i's value from the squared distance (rbf) or the dot product
 * (poly, rbf-approx). */
static double kernel_of(const churn__kernel_model *c, size_t i, double s)
{
    if (c->kernel == CHURN__K_RBF)
        return exp(-c->gamma * s);
    if (c->kernel == CHURN__K_RBF_APPROX)
        return churn__rff_feature(c, i, s);
    return int_power(c->gamma * s, c->degree);
}

double churn__svm_kernel_decision(const churn__kernel_model *c, const double *z)
{
    if (c->kernel == CHURN__K_RBF_APPROX)
        return churn__rff_decision(c, z);
    double f = 0;
    for (size_t i = 0; i < c->n_sv; i++) {
        const double *v = c->sv + i * c->dim;
        double s = 0;
        if (c->kernel == CHURN__K_RBF)
            for (size_t k = 0; k < c->dim; k++)
                s += (v[k] - z[k]) * (v[k] - z[k]);
        else
            for (size_t k = 0; k < c->dim; k++)
                s += v[k] * z[k];
        f += c->sv_coef[i] * kernel_of(c, i, s);
    }
    return f + c->b;
}

/* Setting input j's outputs to 0 changes, per support vector, the
 * squared distance by sv_k^2 - (sv_k - z_k)^2 and the dot product by
 * -sv_k z_k summed over those outputs: per-input partial sums give every
 * "input j at its mean" decision value in one pass over the vectors. */
void churn__svm_contrib(const churn__kernel_model *c, const double *z,
                        const size_t *out_input, size_t n_in,
                        double *contrib, double *scratch)
{
    double *part = scratch, *moved = scratch + n_in, *f_without = moved + n_in;
    double f = c->b;
    for (size_t j = 0; j < n_in; j++)
        f_without[j] = c->b;
    for (size_t i = 0; i < c->n_sv; i++) {
        const double *v = c->sv + i * c->dim;
        memset(part, 0, 2 * n_in * sizeof *part);
        for (size_t k = 0; k < c->dim; k++) {
            size_t j = out_input[k];
            if (c->kernel == CHURN__K_RBF) {
                part[j] += (v[k] - z[k]) * (v[k] - z[k]);
                moved[j] += v[k] * v[k];
            } else {
                part[j] += v[k] * z[k];
            }
        }
        double s = 0;
        for (size_t j = 0; j < n_in; j++)
            s += part[j];
        f += c->sv_coef[i] * kernel_of(c, i, s);
        for (size_t j = 0; j < n_in; j++)
            f_without[j] +=
                c->sv_coef[i] * kernel_of(c, i, s - part[j] + moved[j]);
    }
    for (size_t j = 0; j < n_in; j++)
        contrib[j] = f - f_without[j];
}

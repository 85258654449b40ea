/* rff.c - the rbf-approx kernel: random Fourier features (Rahimi and
 * Recht) of the rbf kernel, then logistic regression on them, so that a
 * non-linear model trains in time linear in rows. */
#include "classifier.h"

/* gsl_randist.h brings GSL's CBLAS declarations (the same ABI as
 * OpenBLAS's cblas.h, which would clash with them); OpenBLAS links. */
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>

#define DEFAULT_COMPONENTS 200
#define TWO_PI 6.283185307179586476925

double churn__rff_feature(const churn__classifier *c, size_t i, double s)
{
    return sqrt(2.0 / (double)c->n_sv) * cos(s + c->phase[i]);
}

/* Draws the directions and phases: E[feature(x) feature(y)] =
 * exp(-gamma |x - y|^2) when directions are N(0, 2 gamma I). */
static int draw(churn__classifier *c, uint64_t seed)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (!rng)
        return CHURN_ENOMEM;
    gsl_rng_set(rng, (unsigned long)seed);
    double sigma = sqrt(2.0 * c->gamma);
    for (size_t i = 0; i < c->n_sv; i++) {
        for (size_t k = 0; k < c->dim; k++)
            c->sv[i * c->dim + k] = gsl_ran_gaussian(rng, sigma);
        c->phase[i] = TWO_PI * gsl_rng_uniform(rng);
    }
    gsl_rng_free(rng);
    return CHURN_OK;
}

int churn__rff_fit(churn__classifier *c, const churn__fit_params *fp,
                   const double *z, const double *y, size_t n, size_t dim,
                   double *iterations, churn_error *err)
{
    size_t d = fp->components ? fp->components : DEFAULT_COMPONENTS;
    c->kernel = CHURN__K_RBF_APPROX;
    c->gamma = fp->gamma > 0 ? fp->gamma : 1.0 / (double)(dim ? dim : 1);
    c->degree = fp->degree;
    c->n_sv = d;
    c->sv = malloc((dim ? dim : 1) * d * sizeof *c->sv);
    c->sv_coef = calloc(d, sizeof *c->sv_coef);
    c->phase = malloc(d * sizeof *c->phase);
    double *phi = malloc((n ? n : 1) * d * sizeof *phi);
    int rc = CHURN_OK;
    if (!c->sv || !c->sv_coef || !c->phase || !phi || draw(c, fp->seed)) {
        rc = churn__fail_nomem(err);
        goto done;
    }
    /* phi = z sv^T, the dot products of every row with every direction,
     * by one GEMM; then the cosine features in place. */
    if (n > 0 && dim > 0)
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)d,
                    (int)dim, 1.0, z, (int)dim, c->sv, (int)dim, 0.0, phi,
                    (int)d);
    else
        for (size_t i = 0; i < n * d; i++)
            phi[i] = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t r = 0; r < d; r++)
            phi[i * d + r] = churn__rff_feature(c, r, phi[i * d + r]);
    rc = churn__logistic_weights(fp, phi, y, n, d, c->sv_coef, &c->b,
                                 iterations, err);
done:
    free(phi);
    return rc;
}

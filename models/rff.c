/* rff.c - random Fourier features (Rahimi and Recht) of the rbf kernel,
 * rbf-approx before the Nystroem landmarks (nystroem.c; model files
 * still hold them). Fitted by the blockwise Newton fit of
 * features_fit.c, like the landmarks. */
#include "models/classifier.h"
#include "models/logistic.h"
#include "ml/rng.h"
#include "models/blas.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define TWO_PI 6.283185307179586476925

/* -------------------------------------------------------------- cosine */

/* cos(x) for |x| <= COS_LIMIT without branches, so that a loop of them
 * vectorizes: x = q pi/2 + r with |r| <= pi/4 (Cody-Waite: pi/2 split in
 * three parts, the first two with 33 significant bits so that q times
 * them is exact for |q| < 2^20), then the Taylor series of sin and cos
 * at r (truncation below 1e-19 there) and the quadrant's sign and swap.
 * Within a few units in the last place of libm's cos; the same bits for
 * the same x on every machine (plain IEEE operations, no contraction
 * under -std=c11). */
#define COS_LIMIT 1e5
#define SHIFTER 0x1.8p52 /* adding and subtracting it rounds to integer */

static inline double rff_cos_inline(double x)
{
    const double p1 = 0x1.921fb544p+0, p2 = 0x1.0b4611a6p-34,
                 p3 = 0x1.3198a2e037073p-69;
    double q = (x * 0x1.45f306dc9c883p-1 + SHIFTER) - SHIFTER; /* 2/pi */
    double r = ((x - q * p1) - q * p2) - q * p3;
    double r2 = r * r;
    double s = -1.0 / 1307674368000.0 + r2 * (1.0 / 355687428096000.0);
    s = 1.0 / 6227020800.0 + r2 * s;
    s = -1.0 / 39916800.0 + r2 * s;
    s = 1.0 / 362880.0 + r2 * s;
    s = -1.0 / 5040.0 + r2 * s;
    s = 1.0 / 120.0 + r2 * s;
    s = -1.0 / 6.0 + r2 * s;
    s = r + r * r2 * s;
    double c = 1.0 / 20922789888000.0;
    c = -1.0 / 87178291200.0 + r2 * c;
    c = 1.0 / 479001600.0 + r2 * c;
    c = -1.0 / 3628800.0 + r2 * c;
    c = 1.0 / 40320.0 + r2 * c;
    c = -1.0 / 720.0 + r2 * c;
    c = 1.0 / 24.0 + r2 * c;
    c = -0.5 + r2 * c;
    c = 1.0 + r2 * c;
    /* cos(q pi/2 + r) is cos r, -sin r, -cos r, sin r for q mod 4 = 0..3:
     * m = q mod 4, hi = m >= 2, odd = m & 1, all as exact doubles. The
     * offsets keep each rounding away from a tie. */
    double q4 = (q * 0.25 - 0.375 + SHIFTER) - SHIFTER; /* floor(q / 4) */
    double m = q - 4.0 * q4;
    double hi = (m * 0.5 - 0.25 + SHIFTER) - SHIFTER;
    double odd = m - 2.0 * hi;
    return (1.0 - 2.0 * hi) * ((1.0 - odd) * c - odd * s);
}

double churn__rff_cos(double x)
{
    return fabs(x) <= COS_LIMIT ? rff_cos_inline(x) : cos(x);
}

/* The features of one row in place: row[r] = scale cos(row[r] +
 * phase[r]) for r < d, every angle within COS_LIMIT. Groups of 8 with no
 * branch vectorize at -O2; the AVX2 clone, chosen at load time where the
 * CPU has it, does 4 at a time, with the same results. */
CHURN__CLONES("avx2", "default")
static void cos_row(double *restrict row, const double *restrict phase,
                    size_t d, double scale)
{
    size_t r = 0;
    for (; r + 8 <= d; r += 8)
        for (size_t j = 0; j < 8; j++)
            row[r + j] = scale * rff_cos_inline(row[r + j] + phase[r + j]);
    for (; r < d; r++)
        row[r] = scale * rff_cos_inline(row[r] + phase[r]);
}

/* ------------------------------------------------------------ features */

double churn__rff_feature(const churn__kernel_model *c, size_t i, double s)
{
    return sqrt(2.0 / (double)c->n_sv) * churn__rff_cos(s + c->phase[i]);
}

double churn__rff_decision(const churn__kernel_model *c, const double *z)
{
    enum { CHUNK = 64 };
    double f = 0, feature[CHUNK], scale = sqrt(2.0 / (double)c->n_sv);
    for (size_t r0 = 0; r0 < c->n_sv; r0 += CHUNK) {
        size_t m = c->n_sv - r0 < CHUNK ? c->n_sv - r0 : CHUNK;
        int fast = 1;
        for (size_t j = 0; j < m; j++) {
            const double *v = c->sv + (r0 + j) * c->dim;
            double s = 0;
            for (size_t k = 0; k < c->dim; k++)
                s += v[k] * z[k];
            feature[j] = s;
            fast = fast && fabs(s + c->phase[r0 + j]) <= COS_LIMIT;
        }
        if (fast)
            cos_row(feature, c->phase + r0, m, scale);
        else
            for (size_t j = 0; j < m; j++)
                feature[j] = churn__rff_feature(c, r0 + j, feature[j]);
        for (size_t j = 0; j < m; j++)
            f += c->sv_coef[r0 + j] * feature[j];
    }
    return f + c->b;
}

/* phi = z sv^T (n x n_sv): the dot products, by one GEMM. */
static void dot_products(const churn__kernel_model *c, const double *z,
                         size_t n, double *phi)
{
    if (c->dim > 0)
        churn__blas()->cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n,
                    (int)c->n_sv, (int)c->dim, 1.0, z, (int)c->dim, c->sv,
                    (int)c->dim, 0.0, phi, (int)c->n_sv);
    else
        memset(phi, 0, n * c->n_sv * sizeof *phi);
}

void churn__rff_features(const churn__kernel_model *c, const double *z,
                         size_t n, double *phi)
{
    size_t d = c->n_sv, dim = c->dim;
    if (n == 0 || d == 0)
        return;
    double scale = sqrt(2.0 / (double)d), longest = 0;
    for (size_t r = 0; r < d; r++) {
        double norm = 0;
        for (size_t k = 0; k < dim; k++)
            norm += c->sv[r * dim + k] * c->sv[r * dim + k];
        longest = norm > longest ? norm : longest;
    }
    longest = sqrt(longest);
    dot_products(c, z, n, phi);
    for (size_t i = 0; i < n; i++) {
        double norm = 0;
        for (size_t k = 0; k < dim; k++)
            norm += z[i * dim + k] * z[i * dim + k];
        /* |sv_r.z| <= |sv_r| |z| (Cauchy-Schwarz), and 0 <= phase < 2 pi:
         * rows with huge (or NaN) inputs take libm's cosine. */
        if (sqrt(norm) * longest + TWO_PI <= COS_LIMIT) {
            cos_row(phi + i * d, c->phase, d, scale);
        } else {
            for (size_t r = 0; r < d; r++)
                phi[i * d + r] = churn__rff_feature(c, r, phi[i * d + r]);
        }
    }
}

/* Draws the directions and phases: E[feature(x) feature(y)] =
 * exp(-gamma |x - y|^2) when directions are N(0, 2 gamma I). */
static int draw(churn__kernel_model *c, uint64_t seed)
{
    gsl_rng *rng = churn__rng_alloc();
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

static void rff_block(const void *ctx, const double *z, size_t n,
                      double *phi)
{
    churn__rff_features(ctx, z, n, phi);
}

int churn__rff_fit(churn__kernel_model *c, const churn__fit_params *fp,
                   const double *z, const double *y, size_t n, size_t dim,
                   double *iterations, churn_error *err)
{
    size_t d = fp->components ? fp->components : CHURN__RFF_COMPONENTS;
    c->kernel = CHURN__K_RBF_APPROX;
    c->gamma = fp->gamma > 0 ? fp->gamma : 1.0 / (double)(dim ? dim : 1);
    c->degree = fp->degree;
    c->n_sv = d;
    c->sv = malloc((dim ? dim : 1) * d * sizeof *c->sv);
    c->sv_coef = calloc(d, sizeof *c->sv_coef);
    c->phase = malloc(d * sizeof *c->phase);
    if (!c->sv || !c->sv_coef || !c->phase || draw(c, fp->seed))
        return churn__fail_nomem(err);
    return churn__features_logistic_fit(fp, rff_block, c, z, y, n, dim, d,
                                        c->sv_coef, &c->b, iterations, err);
}

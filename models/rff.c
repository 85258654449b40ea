/* rff.c - random Fourier features (Rahimi and Recht) of the rbf kernel,
 * rbf-approx before the Nystroem landmarks (nystroem.c; model files
 * still hold them), and the blockwise Newton fit of L2 logistic
 * regression on any feature map, which both use, so that a non-linear
 * model trains in time linear in rows. The n x D feature matrix is never
 * stored: each pass recomputes it in blocks of rows. */
/* For mmap's MAP_ANONYMOUS and madvise's MADV_HUGEPAGE (the feature
 * cache, see cache_alloc). */
#define _DEFAULT_SOURCE
#include "classifier.h"
#include "models.h"
#include "comm.h"

/* gsl_randist.h brings GSL's CBLAS declarations (the same ABI as
 * OpenBLAS's cblas.h, which would clash with them); OpenBLAS links. */
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* LAPACK from OpenBLAS (no lapacke.h); see logistic.c for the trailing
 * hidden length argument. */
void dpotrf_(const char *uplo, const int *n, double *a, const int *lda,
             int *info, size_t uplo_len);
void dpotrs_(const char *uplo, const int *n, const int *nrhs, const double *a,
             const int *lda, double *b, const int *ldb, int *info,
             size_t uplo_len);

#define TWO_PI 6.283185307179586476925
/* Rows per block: the block of features (256 x 200 doubles, 400 kB) stays
 * in cache between its GEMM, its cosines and its GEMVs. */
#define BLOCK_ROWS 256
/* The Newton Hessian X^T D X costs n D^2: on more rows than this it is
 * estimated from an evenly spaced sample of about this many rows (and the
 * gradient stays exact), which turns Newton's quadratic convergence into
 * a linear one shrinking the gradient ~20-fold per pass. */
#define HESSIAN_ROWS 50000
/* Stop when ||gradient||_inf <= tol * max(1, C * sum of row weights): the
 * exact Newton of few rows converges quadratically, so its tight target
 * is nearly free; with a sampled Hessian each further digit costs a pass
 * over the data, and 1e-7 of the loss scale is far below the error of
 * the random features themselves (~1/sqrt(D)). */
#define TOL_EXACT 1e-12
#define TOL_SAMPLED 1e-9
#define MAX_ITER 100
/* Largest float copy of the features kept (see churn__rff_fit). */
#define CACHE_BYTES ((size_t)1 << 30)
#define ARMIJO 1e-4
#define MAX_HALVINGS 60

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

double churn__rff_feature(const churn__classifier *c, size_t i, double s)
{
    return sqrt(2.0 / (double)c->n_sv) * churn__rff_cos(s + c->phase[i]);
}

double churn__rff_decision(const churn__classifier *c, const double *z)
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
static void dot_products(const churn__classifier *c, const double *z,
                         size_t n, double *phi)
{
    if (c->dim > 0)
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n,
                    (int)c->n_sv, (int)c->dim, 1.0, z, (int)c->dim, c->sv,
                    (int)c->dim, 0.0, phi, (int)c->n_sv);
    else
        memset(phi, 0, n * c->n_sv * sizeof *phi);
}

void churn__rff_features(const churn__classifier *c, const double *z,
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

/* ------------------------------------------------- the logistic fit */

/* The fit: minimizes 0.5 |w|^2 + sum_i cw[y_i] loss(phi_i.w + b), the
 * objective of churn__logistic_fit on the features, by Newton's method,
 * with passes over the rows in blocks. theta = [w; b]. */
typedef struct fit {
    churn__features_fn features; /* the feature map and its context */
    const void *ctx;
    size_t dim;        /* inputs per row of z */
    const double *z, *y;
    size_t n, d;
    double cw[2];      /* C times the weight of class 0, class 1 */
    size_t stride;     /* Hessian rows: every stride-th row */
    double h_scale;    /* n / the Hessian rows */
    double *phi;       /* BLOCK_ROWS x d */
    double *r;         /* BLOCK_ROWS: the loss's derivative per margin */
    double *hrows;     /* BLOCK_ROWS x (d + 1): sqrt(curvature) [phi, 1] */
    float *cache;      /* n x d features rounded to float, or NULL */
    int cached;        /* the cache is filled */
    /* Across ranks: this rank's rows are rows offset .. offset + n - 1 of
     * the job's n_total; gradient, Hessian and losses are combined in
     * packed (below), a failed exchange is kept in comm_rc. */
    const churn_comm *comm;
    size_t offset, n_total;
    double *packed;    /* d + 2 + (d + 1)(d + 2) / 2 */
    int comm_rc;
    churn_error *err;
} fit;

/* A float copy of n x d features, or NULL. It is hundreds of MB: mapped
 * with transparent huge pages where the kernel offers them, since
 * faulting it in 4 kB pages took longer than filling it. */
static float *cache_alloc(size_t n, size_t d)
{
    size_t bytes = n * d * sizeof(float);
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
#ifdef MADV_HUGEPAGE
    madvise(p, bytes, MADV_HUGEPAGE); /* advice only: failure is fine */
#endif
    return p;
}

static void cache_free(float *cache, size_t n, size_t d)
{
    if (cache)
        munmap(cache, n * d * sizeof(float));
}

/* The features of rows i0..i0+m into ft->phi: computed, or read back
 * from the float cache. The first pass fills the cache and uses the
 * rounded values too, so that every pass sees the same problem. */
static void block_features(fit *ft, size_t i0, size_t m)
{
    size_t cells = m * ft->d;
    float *cache = ft->cache ? ft->cache + i0 * ft->d : NULL;
    if (!ft->cached)
        ft->features(ft->ctx, ft->z + i0 * ft->dim, m, ft->phi);
    if (cache && !ft->cached)
        for (size_t k = 0; k < cells; k++)
            cache[k] = (float)ft->phi[k];
    if (cache)
        for (size_t k = 0; k < cells; k++)
            ft->phi[k] = cache[k];
}

/* The state at one theta: margins (n), objective, gradient and Hessian
 * (upper triangle, (d + 1)^2, row-major). */
typedef struct point {
    double *theta, *margin, *grad, *hess;
    double f;
} point;

/* Sums the data terms of pt (gradient, loss in pt->f, Hessian upper
 * triangle) over every rank, as one message. */
static void combine_point(fit *ft, point *pt)
{
    if (!churn__comm_spans(ft->comm) || ft->comm_rc != CHURN_OK)
        return;
    size_t d1 = ft->d + 1, k = 0;
    double *v = ft->packed;
    memcpy(v, pt->grad, d1 * sizeof *v);
    k = d1;
    v[k++] = pt->f;
    for (size_t a = 0; a < d1; a++)
        for (size_t b = a; b < d1; b++)
            v[k++] = pt->hess[a * d1 + b];
    ft->comm_rc = churn__comm_reduce(ft->comm, v, k, CHURN_REDUCE_SUM,
                                     ft->err);
    memcpy(pt->grad, v, d1 * sizeof *v);
    pt->f = v[d1];
    k = d1 + 1;
    for (size_t a = 0; a < d1; a++)
        for (size_t b = a; b < d1; b++)
            pt->hess[a * d1 + b] = v[k++];
}

/* One pass over the rows at pt->theta: fills the rest of *pt. */
static void evaluate(fit *ft, point *pt)
{
    size_t d = ft->d, d1 = d + 1, n = ft->n;
    const double *w = pt->theta;
    double loss = 0;
    memset(pt->grad, 0, d1 * sizeof *pt->grad);
    memset(pt->hess, 0, d1 * d1 * sizeof *pt->hess);
    for (size_t i0 = 0; i0 < n; i0 += BLOCK_ROWS) {
        size_t m = n - i0 < BLOCK_ROWS ? n - i0 : BLOCK_ROWS, h = 0;
        double *margin = pt->margin + i0, sum_r = 0;
        block_features(ft, i0, m);
        for (size_t k = 0; k < m; k++)
            margin[k] = w[d];
        cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)m, (int)d, 1.0,
                    ft->phi, (int)d, w, 1, 1.0, margin, 1);
        for (size_t k = 0; k < m; k++) {
            int positive = ft->y[i0 + k] > 0.5;
            double cs = ft->cw[positive], p, q;
            loss += cs * churn__logistic_row(margin[k], positive, &p, &q);
            ft->r[k] = positive ? -cs * q : cs * p;
            sum_r += ft->r[k];
            if ((ft->offset + i0 + k) % ft->stride == 0) {
                double root = sqrt(ft->h_scale * cs * p * q);
                double *row = ft->hrows + h++ * d1;
                for (size_t j = 0; j < d; j++)
                    row[j] = root * ft->phi[k * d + j];
                row[d] = root;
            }
        }
        cblas_dgemv(CblasRowMajor, CblasTrans, (int)m, (int)d, 1.0,
                    ft->phi, (int)d, ft->r, 1, 1.0, pt->grad, 1);
        pt->grad[d] += sum_r;
        if (h > 0)
            cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, (int)d1,
                        (int)h, 1.0, ft->hrows, (int)d1, 1.0, pt->hess,
                        (int)d1);
    }
    ft->cached = ft->cache != NULL;
    pt->f = loss;
    combine_point(ft, pt);
    loss = pt->f;
    double ww = 0;
    for (size_t j = 0; j < d; j++) {
        pt->grad[j] += w[j];
        pt->hess[j * d1 + j] += 1.0;
        ww += w[j] * w[j];
    }
    pt->f = 0.5 * ww + loss;
}

/* Solves H dir = -grad (Cholesky of the upper triangle). The w block of
 * H is at least the identity, so only the intercept's pivot can fail
 * (every curvature underflowed): then a growing ridge is added there. */
static int newton_direction(fit *ft, const point *pt, double *fac,
                            double *dir, churn_error *err)
{
    int d1 = (int)ft->d + 1, one = 1, info = 0;
    size_t cells = (size_t)d1 * (size_t)d1;
    double ridge = 0;
    for (int attempt = 0; attempt < 8; attempt++) {
        memcpy(fac, pt->hess, cells * sizeof *fac);
        fac[cells - 1] += ridge;
        dpotrf_("L", &d1, fac, &d1, &info, 1); /* row-major upper */
        if (info == 0)
            break;
        ridge = ridge == 0 ? 1e-12 * (double)ft->n_total : ridge * 1e3;
    }
    int failed = info != 0;
    for (int j = 0; j < d1; j++)
        dir[j] = -pt->grad[j];
    if (!failed)
        dpotrs_("L", &d1, &one, fac, &d1, dir, &d1, &info, 1);
    /* Every rank takes rank 0's step, and its verdict. */
    dir[d1] = failed;
    if (ft->comm_rc == CHURN_OK)
        ft->comm_rc = churn__comm_from_root(ft->comm, dir, (size_t)d1 + 1,
                                            err);
    if (dir[d1] != 0)
        return churn__fail(err, CHURN_ENUMERIC, "rbf-approx: the Hessian "
                           "is not positive definite");
    return CHURN_OK;
}

/* The objective's change from old to old + alpha dir, from the margins
 * at old and at old + dir (they move linearly in alpha). Summing changes
 * rather than subtracting objectives keeps small changes exact. */
static double change(fit *ft, const point *old, const point *full,
                     const double *dir, double alpha)
{
    double c = 0, dd = 0, loss = 0;
    for (size_t j = 0; j < ft->d; j++) {
        c += old->theta[j] * dir[j];
        dd += dir[j] * dir[j];
    }
    for (size_t i = 0; i < ft->n; i++) {
        int positive = ft->y[i] > 0.5;
        double u = full->margin[i] - old->margin[i];
        loss += ft->cw[positive] *
                churn__logistic_loss_change(old->margin[i], alpha * u,
                                            positive);
    }
    if (churn__comm_spans(ft->comm) && ft->comm_rc == CHURN_OK)
        ft->comm_rc = churn__comm_reduce(ft->comm, &loss, 1,
                                         CHURN_REDUCE_SUM, ft->err);
    return alpha * c + 0.5 * alpha * alpha * dd + loss;
}

static double norm_inf(const double *v, size_t k)
{
    double m = 0;
    for (size_t j = 0; j < k; j++)
        m = fmax(m, fabs(v[j]));
    return m;
}

/* Newton's method from *cur (evaluated): each iteration evaluates the
 * full step's point in one pass, which, when accepted (nearly always),
 * is the next iterate with its gradient and Hessian; otherwise the step
 * is halved on the stored margins and the shorter step's point takes a
 * second pass. */
static int newton(fit *ft, point *cur, point *next, double *fac,
                  double *dir, double target, double *iterations,
                  churn_error *err)
{
    size_t d1 = ft->d + 1, it = 0;
    for (;; it++) {
        double gnorm = norm_inf(cur->grad, d1);
        if (ft->comm_rc != CHURN_OK)
            return ft->comm_rc;
        if (!isfinite(cur->f) || !isfinite(gnorm))
            return churn__fail(err, CHURN_ENUMERIC, "rbf-approx: objective "
                               "or gradient not finite (C too large?)");
        if (gnorm <= target)
            break;
        if (it == MAX_ITER)
            return churn__fail(err, CHURN_ENUMERIC, "rbf-approx: no "
                               "convergence in %d iterations (gradient %g, "
                               "target %g)", MAX_ITER, gnorm, target);
        int rc = newton_direction(ft, cur, fac, dir, err);
        if (rc != CHURN_OK)
            return rc;
        double dec = 0, alpha = 1;
        for (size_t j = 0; j < d1; j++) {
            dec -= cur->grad[j] * dir[j];
            next->theta[j] = cur->theta[j] + dir[j];
        }
        evaluate(ft, next);
        int k = 0;
        while (k < MAX_HALVINGS &&
               !(change(ft, cur, next, dir, alpha) <= -ARMIJO * alpha * dec))
            k++, alpha *= 0.5;
        if (k == MAX_HALVINGS || !(dec > 0)) {
            if (gnorm <= 1e3 * target) /* as close as rounding allows */
                break;
            return churn__fail(err, CHURN_ENUMERIC, "rbf-approx: line search "
                               "found no decrease at iteration %zu "
                               "(gradient %g, target %g)", it + 1, gnorm,
                               target);
        }
        if (k > 0) {
            for (size_t j = 0; j < d1; j++)
                next->theta[j] = cur->theta[j] + alpha * dir[j];
            evaluate(ft, next);
        }
        point t = *cur;
        *cur = *next;
        *next = t;
    }
    if (iterations)
        *iterations = (double)it;
    return CHURN_OK;
}

static int alloc_point(point *pt, size_t n, size_t d1)
{
    pt->theta = calloc(d1, sizeof(double));
    pt->grad = calloc(d1, sizeof(double));
    pt->hess = calloc(d1 * d1, sizeof(double));
    pt->margin = calloc(n ? n : 1, sizeof(double));
    return pt->theta && pt->grad && pt->hess && pt->margin;
}

static void free_point(point *pt)
{
    free(pt->theta);
    free(pt->grad);
    free(pt->hess);
    free(pt->margin);
}

/* Class weights and the checks churn__logistic_fit makes on labels. */
/* Across ranks, the counts are the job's; a bad label on one rank fails
 * every rank. */
static int setup(fit *ft, const churn__fit_params *fp, double *scale,
                 double *log_odds, churn_error *err)
{
    int rc = CHURN_OK;
    double count = 0; /* positives */
    for (size_t i = 0; i < ft->n && rc == CHURN_OK; i++) {
        if (ft->y[i] != 0 && ft->y[i] != 1)
            rc = churn__fail(err, CHURN_EINVAL, "rbf-approx: row %zu has "
                             "label %g; labels must be 0 or 1", i, ft->y[i]);
        count += ft->y[i] == 1;
    }
    if ((rc = churn_comm_agree(ft->comm, rc, err)) != CHURN_OK ||
        (rc = churn__comm_reduce(ft->comm, &count, 1, CHURN_REDUCE_SUM,
                                 err)) != CHURN_OK)
        return rc;
    double n = (double)ft->n_total, pos = count, neg = n - pos;
    if (pos == 0 || neg == 0)
        return churn__fail(err, CHURN_EINVAL, "rbf-approx: both classes "
                           "need rows (class 1: %.0f, class 0: %.0f)", pos,
                           neg);
    /* scikit-learn's "balanced": n / (2 * n_class). */
    ft->cw[0] = fp->c * (fp->balanced ? n / (2.0 * neg) : 1.0);
    ft->cw[1] = fp->c * (fp->balanced ? n / (2.0 * pos) : 1.0);
    *scale = ft->cw[0] * neg + ft->cw[1] * pos;
    *log_odds = log(ft->cw[1] * pos / (ft->cw[0] * neg));
    ft->stride = (ft->n_total + HESSIAN_ROWS - 1) / HESSIAN_ROWS;
    size_t sampled = (ft->n_total + ft->stride - 1) / ft->stride;
    ft->h_scale = n / (double)sampled;
    return CHURN_OK;
}

/* More components than this: a (D + 1)^2 Hessian would not pay, so the
 * features are materialized and churn__logistic_weights solves by
 * truncated Newton-CG, as rbf-approx always did before the blockwise
 * fit. Meant for the few rows of tests that use thousands of features;
 * n x D doubles must fit in memory. */
#define WIDE_COMPONENTS 1000

static int fit_wide(const churn__fit_params *fp, churn__features_fn features,
                    const void *ctx, const double *z, const double *y,
                    size_t n, size_t d, double *w, double *b,
                    double *iterations, churn_error *err)
{
    double *phi = malloc((n ? n : 1) * d * sizeof *phi);
    if (!phi)
        return churn__fail_nomem(err);
    features(ctx, z, n, phi);
    int rc = churn__logistic_weights(fp, phi, y, n, d, w, b, iterations,
                                     err);
    free(phi);
    return rc;
}

int churn__features_logistic_fit(const churn__fit_params *fp,
                                 churn__features_fn features,
                                 const void *ctx, const double *z,
                                 const double *y, size_t n, size_t dim,
                                 size_t d, double *w, double *bias,
                                 double *iterations, churn_error *err)
{
    if (d > WIDE_COMPONENTS)
        return fit_wide(fp, features, ctx, z, y, n, d, w, bias, iterations,
                        err);
    fit ft = {.features = features, .ctx = ctx, .dim = dim, .z = z, .y = y,
              .n = n, .d = d, .comm = fp->comm, .err = err};
    point a = {0}, b = {0};
    size_t d1 = d + 1;
    double *fac = malloc((d + 1) * (d + 1) * sizeof *fac);
    double *dir = malloc((d + 2) * sizeof *dir);
    ft.packed = malloc((d1 + 1 + d1 * (d1 + 1) / 2) * sizeof *ft.packed);
    ft.phi = malloc(BLOCK_ROWS * d * sizeof *ft.phi);
    ft.r = malloc(BLOCK_ROWS * sizeof *ft.r);
    ft.hrows = malloc(BLOCK_ROWS * (d + 1) * sizeof *ft.hrows);
    int rc = CHURN_OK;
    if (!fac || !dir || !ft.packed || !ft.phi || !ft.r || !ft.hrows ||
        !alloc_point(&a, n, d + 1) || !alloc_point(&b, n, d + 1))
        rc = churn__fail_nomem(err);
    if ((rc = churn_comm_agree(ft.comm, rc, err)) != CHURN_OK ||
        (rc = churn__comm_offset(ft.comm, n, &ft.offset, &ft.n_total,
                                 err)) != CHURN_OK)
        goto done;
    double scale = 1, log_odds = 0;
    rc = setup(&ft, fp, &scale, &log_odds, err);
    if (rc != CHURN_OK)
        goto done;
    /* Many rows: a pass recomputing the features costs ~10 times one
     * reading them back from a float copy, which perturbs them by 6e-8
     * of their size, far below the approximation's own error. */
    if (ft.stride > 1 && n <= CACHE_BYTES / sizeof(float) / d)
        ft.cache = cache_alloc(n, d); /* NULL: recompute */
    /* From w = 0 and the intercept alone at its optimum, as
     * churn__logistic_fit starts. */
    a.theta[d] = log_odds;
    evaluate(&ft, &a);
    double tol = ft.stride == 1 ? TOL_EXACT : TOL_SAMPLED;
    rc = newton(&ft, &a, &b, fac, dir, tol * fmax(1.0, scale), iterations,
                err);
    if (rc == CHURN_OK) {
        memcpy(w, a.theta, d * sizeof *w);
        *bias = a.theta[d];
    }
done:
    free_point(&a);
    free_point(&b);
    free(fac);
    free(dir);
    free(ft.packed);
    free(ft.phi);
    free(ft.r);
    free(ft.hrows);
    cache_free(ft.cache, n, d);
    return rc;
}

static void rff_block(const void *ctx, const double *z, size_t n,
                      double *phi)
{
    churn__rff_features(ctx, z, n, phi);
}

int churn__rff_fit(churn__classifier *c, const churn__fit_params *fp,
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

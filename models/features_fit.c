/* features_fit.c - the blockwise Newton fit of L2 logistic regression
 * on any feature map (churn__features_logistic_fit), which rbf-approx's
 * Nystroem landmarks (nystroem.c) and the older random Fourier features
 * (rff.c) both use, so that a non-linear model trains in time linear in
 * rows. The n x D feature matrix is never stored: each pass recomputes it
 * in blocks of rows (or reads back a float copy). Across ranks (fp->comm)
 * each pass's sums travel as one message. */
/* For mmap's MAP_ANONYMOUS and madvise's MADV_HUGEPAGE (the feature
 * cache, see cache_alloc). */
#define _DEFAULT_SOURCE
#include "models/classifier.h"
#include "ml/comm.h"
#include "models/logistic.h"
#include "models/blas.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>


/* Rows per block: the block of features (256 x 200 doubles, 400 kB) stays
 * in cache between its GEMM, its kernel values and its GEMVs. */
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
 * the approximation itself (~1/sqrt(D)). */
#define TOL_EXACT 1e-12
#define TOL_SAMPLED 1e-9
#define MAX_ITER 100
/* Largest float copy of the features kept (see cache_alloc). */
#define CACHE_BYTES ((size_t)1 << 30)
#define ARMIJO 1e-4
#define MAX_HALVINGS 60

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
        churn__blas()->cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)m, (int)d, 1.0,
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
        churn__blas()->cblas_dgemv(CblasRowMajor, CblasTrans, (int)m, (int)d, 1.0,
                    ft->phi, (int)d, ft->r, 1, 1.0, pt->grad, 1);
        pt->grad[d] += sum_r;
        if (h > 0)
            churn__blas()->cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, (int)d1,
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
        churn__blas()->dpotrf_("L", &d1, fac, &d1, &info, 1); /* row-major upper */
        if (info == 0)
            break;
        ridge = ridge == 0 ? 1e-12 * (double)ft->n_total : ridge * 1e3;
    }
    int failed = info != 0;
    for (int j = 0; j < d1; j++)
        dir[j] = -pt->grad[j];
    if (!failed)
        churn__blas()->dpotrs_("L", &d1, &one, fac, &d1, dir, &d1, &info, 1);
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
        if (rc != CHURN_OK) /* a failed exchange first: see logistic.c */
            return ft->comm_rc ? ft->comm_rc : rc;
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
            if (ft->comm_rc != CHURN_OK)
                return ft->comm_rc;
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
    int rc = churn_comm_agree(fp->comm, phi ? CHURN_OK
                                            : churn__fail_nomem(err), err);
    if (rc != CHURN_OK) {
        free(phi);
        return rc;
    }
    features(ctx, z, n, phi);
    rc = churn__logistic_weights(fp, phi, y, n, d, w, b, iterations, err);
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
    /* The features themselves may need OpenBLAS (a GEMM). Collective: a
     * rank that cannot load it fails every rank. */
    int loaded = churn_comm_agree(fp->comm, churn__blas_open(err), err);
    if (loaded != CHURN_OK)
        return loaded;
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


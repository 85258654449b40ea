/* nystroem.c - the rbf-approx kernel: the Nystroem approximation of the
 * rbf kernel. m landmark rows L drawn from the training rows span the
 * features z(x) = T^T k(L, x), T = U S^{-1/2} from W = K(L, L) = U S U^T,
 * so that z(x).z(y) is the kernel's projection on the landmarks; L2
 * logistic regression on them (the blockwise Newton fit of rff.c), then
 * the whitening is folded into the weights: f(x) = sum_j a_j k(l_j, x) + b
 * with a = T w, the decision of an rbf SVM over the landmarks. The
 * random Fourier features it replaced spread their components over the
 * whole input space; the landmarks sit where the data are, which on the
 * 40-feature synthetic table raised held-out AUC from 0.76 to 0.82+. */
#include "models/classifier.h"
#include "models/logistic.h"
#include "ml/comm.h"
#include "ml/rng.h"
#include "models/blas.h"

/* gsl_randist.h brings GSL's CBLAS declarations (see rff.c). */
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Rows of kernel values computed at a time (CHUNK_ROWS x m doubles). */
#define CHUNK_ROWS 256
/* Eigenvalues of W below this fraction of the largest are dropped:
 * their directions are rounding noise (duplicate or near landmarks), and
 * 1 / sqrt of them would amplify it. */
#define EIG_FLOOR 1e-10

typedef struct nystroem {
    size_t dim, m, d;    /* inputs, landmarks, features kept */
    double gamma;
    const double *land;  /* m x dim */
    double *lnorm;       /* m: |l_j|^2 */
    double *t;           /* m x d: the whitening */
    double *kblock;      /* CHUNK_ROWS x m scratch */
} nystroem;

static double sq_norm(const double *v, size_t k)
{
    double s = 0;
    for (size_t j = 0; j < k; j++)
        s += v[j] * v[j];
    return s;
}

/* k (n x m) = exp(-gamma |z_i - l_j|^2), the distances as |z|^2 + |l|^2
 * - 2 z.l by one GEMM (clamped at 0: rounding can make them negative). */
static void kernel_block(const nystroem *ny, const double *z, size_t n,
                         double *k)
{
    size_t m = ny->m, dim = ny->dim;
    if (dim > 0)
        churn__blas()->cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)m,
                    (int)dim, -2.0, z, (int)dim, ny->land, (int)dim, 0.0, k,
                    (int)m);
    else
        memset(k, 0, n * m * sizeof *k);
    for (size_t i = 0; i < n; i++) {
        double zn = sq_norm(z + i * dim, dim);
        for (size_t j = 0; j < m; j++) {
            double d2 = k[i * m + j] + zn + ny->lnorm[j];
            k[i * m + j] = exp(-ny->gamma * (d2 > 0 ? d2 : 0));
        }
    }
}

/* The churn__features_fn: phi (n x d) = k(z, L) T, in chunks of rows. */
static void features(const void *ctx, const double *z, size_t n,
                     double *phi)
{
    const nystroem *ny = ctx;
    for (size_t i0 = 0; i0 < n; i0 += CHUNK_ROWS) {
        size_t rows = n - i0 < CHUNK_ROWS ? n - i0 : CHUNK_ROWS;
        kernel_block(ny, z + i0 * ny->dim, rows, ny->kblock);
        churn__blas()->cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows,
                    (int)ny->d, (int)ny->m, 1.0, ny->kblock, (int)ny->m,
                    ny->t, (int)ny->d, 0.0, phi + i0 * ny->d, (int)ny->d);
    }
}

/* m distinct rows of the job's total, drawn uniformly (order kept), into
 * land (m x dim): selection sampling (Knuth's algorithm S, which
 * gsl_ran_choose also follows, so the draws are the same): row i of
 * total is taken with probability (still wanted) / (rows left). Every
 * rank walks the same draws; this rank's rows are offset .. offset + n -
 * 1, and the landmarks it holds reach the others by a sum in which the
 * rest are zeros. */
static int choose_landmarks(const double *z, size_t n, size_t offset,
                            size_t total, size_t dim, size_t m,
                            uint64_t seed, const churn_comm *comm,
                            double *land, churn_error *err)
{
    gsl_rng *rng = churn__rng_alloc();
    int rc = churn_comm_agree(comm, rng ? CHURN_OK : churn__fail_nomem(err),
                              err);
    if (rc != CHURN_OK) {
        gsl_rng_free(rng);
        return rc;
    }
    gsl_rng_set(rng, (unsigned long)seed);
    memset(land, 0, m * dim * sizeof *land);
    for (size_t i = 0, j = 0; i < total && j < m; i++) {
        if (!((double)(total - i) * gsl_rng_uniform(rng) < (double)(m - j)))
            continue;
        if (i >= offset && i - offset < n)
            memcpy(land + j * dim, z + (i - offset) * dim,
                   dim * sizeof *land);
        j++;
    }
    gsl_rng_free(rng);
    return churn__comm_reduce(comm, land, m * dim, CHURN_REDUCE_SUM, err);
}

/* T = U_k S_k^{-1/2} over the eigenpairs of W = K(L, L) kept (those
 * above EIG_FLOOR of the largest): ny->t (m x d) and ny->d.
 * CHURN_ENOMEM, or CHURN_ENUMERIC when W is not finite. The matrices and
 * GSL's workspace live in memory of ours, viewed by GSL: gsl_*_alloc
 * would report out of memory through GSL's error handler (by default
 * abort()), and with m > 0 and matching sizes gsl_eigen_symmv reaches no
 * GSL_ERROR. */
static int whitening(nystroem *ny)
{
    size_t m = ny->m;
    double *w = malloc(m * m * sizeof *w);
    double *eval = malloc(m * sizeof *eval);
    double *evec = malloc(m * m * sizeof *evec);
    double *work = malloc(4 * m * sizeof *work);
    int rc = w && eval && evec && work ? CHURN_OK : CHURN_ENOMEM;
    if (rc == CHURN_OK) {
        kernel_block(ny, ny->land, m, w);
        /* NaN would keep the QR iteration from ever converging. */
        for (size_t i = 0; i < m * m; i++)
            if (!isfinite(w[i]))
                rc = CHURN_ENUMERIC;
    }
    if (rc == CHURN_OK) {
        gsl_matrix_view wv = gsl_matrix_view_array(w, m, m);
        gsl_vector_view ev = gsl_vector_view_array(eval, m);
        gsl_matrix_view uv = gsl_matrix_view_array(evec, m, m);
        gsl_eigen_symmv_workspace ws = {
            .size = m, .d = work, .sd = work + m, .gc = work + 2 * m,
            .gs = work + 3 * m};
        if (gsl_eigen_symmv(&wv.matrix, &ev.vector, &uv.matrix, &ws) != 0)
            rc = CHURN_ENUMERIC;
    }
    if (rc == CHURN_OK) {
        double top = eval[0];
        for (size_t j = 1; j < m; j++)
            top = fmax(top, eval[j]);
        size_t d = 0;
        for (size_t j = 0; j < m; j++) {
            double s = eval[j];
            if (!(s > EIG_FLOOR * top))
                continue;
            for (size_t i = 0; i < m; i++)
                ny->t[i * m + d] = evec[i * m + j] / sqrt(s);
            d++;
        }
        /* Pack the kept columns: row stride m becomes d. */
        for (size_t i = 0; i < m; i++)
            memmove(ny->t + i * d, ny->t + i * m, d * sizeof *ny->t);
        ny->d = d;
    }
    free(w);
    free(eval);
    free(evec);
    free(work);
    return rc;
}

int churn__nystroem_fit(churn__kernel_model *c, const churn__fit_params *fp,
                        const double *z, const double *y, size_t n,
                        size_t dim, double *iterations, churn_error *err)
{
    size_t m = fp->components ? fp->components : CHURN__NYSTROEM_LANDMARKS;
    size_t offset, total;
    int rc = churn__comm_offset(fp->comm, n, &offset, &total, err);
    if (rc != CHURN_OK)
        return rc;
    if (m > total)
        m = total;
    if (m == 0)
        return churn__fail(err, CHURN_EINVAL, "rbf-approx: no rows");
    c->kernel = CHURN__K_RBF;
    c->gamma = fp->gamma > 0 ? fp->gamma : 1.0 / (double)(dim ? dim : 1);
    c->degree = fp->degree;
    c->n_sv = m;
    c->sv = malloc((dim ? dim : 1) * m * sizeof *c->sv);
    c->sv_coef = calloc(m, sizeof *c->sv_coef);
    nystroem ny = {.dim = dim, .m = m, .gamma = c->gamma, .land = c->sv};
    ny.lnorm = malloc(m * sizeof *ny.lnorm);
    ny.t = malloc(m * m * sizeof *ny.t);
    ny.kblock = malloc(CHUNK_ROWS * m * sizeof *ny.kblock);
    double *w = malloc(m * sizeof *w);
    rc = churn__blas_open(err);
    if (rc == CHURN_OK &&
        (!c->sv || !c->sv_coef || !ny.lnorm || !ny.t || !ny.kblock || !w))
        rc = churn__fail_nomem(err);
    if ((rc = churn_comm_agree(fp->comm, rc, err)) != CHURN_OK ||
        (rc = choose_landmarks(z, n, offset, total, dim, m, fp->seed,
                               fp->comm, c->sv, err)) != CHURN_OK)
        goto done;
    for (size_t j = 0; j < m; j++)
        ny.lnorm[j] = sq_norm(c->sv + j * dim, dim);
    rc = whitening(&ny);
    if (rc == CHURN_ENOMEM)
        rc = churn__fail_nomem(err);
    else if (rc != CHURN_OK)
        rc = churn__fail(err, rc, "rbf-approx: no eigendecomposition of "
                         "the landmarks' kernel matrix");
    /* Every rank whitens the same landmarks, but memory is its own. */
    if ((rc = churn_comm_agree(fp->comm, rc, err)) != CHURN_OK)
        goto done;
    rc = churn__features_logistic_fit(fp, features, &ny, z, y, n, dim, ny.d,
                                      w, &c->b, iterations, err);
    /* Fold: w.(T^T k) = (T w).k, so a = T w weighs the landmarks. */
    if (rc == CHURN_OK)
        churn__blas()->cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)m, (int)ny.d, 1.0,
                    ny.t, (int)ny.d, w, 1, 0.0, c->sv_coef, 1);
done:
    free(ny.lnorm);
    free(ny.t);
    free(ny.kblock);
    free(w);
    return rc;
}

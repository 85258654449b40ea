/* logistic_step.c - the Newton step of logistic.c's iteration: H dir =
 * -grad, by Cholesky of the BLAS-3 Hessian, or by truncated
 * preconditioned CG on Hessian-vector products for wide data. Across
 * ranks, the Hessian (or each product) is summed and rank 0's step is
 * shared. */
#include "models/logistic_impl.h"

#include "models/blas.h"

#include <math.h>
#include <string.h>

#define MAX_CG 1000 /* CG iterations per Newton step, at most */

/* ----------------------------------------------- Newton direction: LLT */

/* H = diag(1, .., 1, 0) + X1^T diag(curv) X1 into wk->hess (upper
 * triangle, row-major), by dsyrk on blocks of sqrt(curv_i) [x_i, 1]. */
static void build_hessian(const problem *pb, work *wk)
{
    size_t d1 = pb->d + 1;
    memset(wk->hess, 0, d1 * d1 * sizeof *wk->hess);
    for (size_t i0 = 0; i0 < pb->n; i0 += wk->block_rows) {
        size_t m = pb->n - i0 < wk->block_rows ? pb->n - i0 : wk->block_rows;
        for (size_t k = 0; k < m; k++) {
            double root = sqrt(wk->curv[i0 + k]);
            double *row = wk->block + k * d1;
            for (size_t j = 0; j < pb->d; j++)
                row[j] = root * (pb->x[(i0 + k) * pb->d + j] - pb->mean[j]);
            row[pb->d] = root;
        }
        churn__blas()->cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, (int)d1, (int)m,
                    1.0, wk->block, (int)d1, 1.0, wk->hess, (int)d1);
    }
    if (churn__comm_spans(pb->comm)) {
        /* The upper triangle, packed: (d + 1)(d + 2) / 2 values. */
        double *packed = wk->fac;
        size_t k = 0;
        for (size_t a = 0; a < d1; a++)
            for (size_t b = a; b < d1; b++)
                packed[k++] = wk->hess[a * d1 + b];
        churn__lr_combine(pb, wk, packed, k);
        k = 0;
        for (size_t a = 0; a < d1; a++)
            for (size_t b = a; b < d1; b++)
                wk->hess[a * d1 + b] = packed[k++];
    }
    for (size_t j = 0; j < pb->d; j++)
        wk->hess[j * d1 + j] += 1.0;
}

/* Solves H dir = -grad by Cholesky. The w block of H is at least the
 * identity, so only the intercept's pivot can fail: in exact arithmetic
 * H is positive definite as soon as one row has curvature, but rounding
 * loses that pivot when a column is nearly constant on the rows that
 * carry curvature, and if every p_i (1 - p_i) underflows its row is 0.
 * Only then is a small ridge added to the intercept's diagonal, growing
 * until the factorization succeeds: the step in b becomes a damped one,
 * and the line search and the gradient test still decide. */
int churn__lr_direction_cholesky(const problem *pb, work *wk,
                                 churn_error *err)
{
    int d1 = (int)pb->d + 1, one = 1, info = 0;
    size_t cells = (size_t)d1 * (size_t)d1, last = cells - 1;
    double scale = 1.0, ridge = 0;
    build_hessian(pb, wk);
    for (int j = 0; j < d1; j++)
        scale = fmax(scale, wk->hess[(size_t)j * (size_t)d1 + (size_t)j]);
    for (int attempt = 0; attempt < 8; attempt++) {
        memcpy(wk->fac, wk->hess, cells * sizeof *wk->fac);
        wk->fac[last] += ridge;
        /* Row-major upper is column-major lower: hence "L". */
        churn__blas()->dpotrf_("L", &d1, wk->fac, &d1, &info, 1);
        if (info == 0)
            break;
        ridge = ridge == 0 ? 1e-12 * scale : ridge * 1e3;
    }
    int failed_at = info;
    for (int j = 0; j < d1; j++)
        wk->dir[j] = -wk->grad[j];
    /* info != 0 here would mean a bad argument, which cannot happen. */
    if (failed_at == 0)
        churn__blas()->dpotrs_("L", &d1, &one, wk->fac, &d1, wk->dir, &d1, &info, 1);
    wk->dir[d1] = failed_at;
    churn__lr_from_rank0(pb, wk, wk->dir, (size_t)d1 + 1);
    failed_at = (int)wk->dir[d1];
    if (failed_at != 0)
        return churn__fail(err, CHURN_ENUMERIC,
                           "logistic: the Hessian is not positive definite "
                           "(Cholesky failed at column %d)", failed_at);
    return CHURN_OK;
}

/* ------------------------------------------ Newton direction: CG */

/* out = H v = [v_w; 0] + X1^T (curv .* (X1 v)): two GEMVs, no d x d
 * matrix. wk->u is the n-row scratch. */
static void hessian_times(const problem *pb, work *wk, const double *v,
                          double *out)
{
    churn__lr_x1_times(pb, v, wk->u);
    for (size_t i = 0; i < pb->n; i++)
        wk->u[i] *= wk->curv[i];
    churn__lr_x1t_times(pb, wk, wk->u, out, 0);
    for (size_t j = 0; j < pb->d; j++)
        out[j] += v[j];
    churn__lr_keep_constant_at_zero(pb, v, out);
}

/* The diagonal of H, as the CG preconditioner (Jacobi). A zero intercept
 * entry (every curvature underflowed) is replaced by 1 so it can divide. */
static void hessian_diagonal(const problem *pb, work *wk)
{
    size_t d = pb->d;
    memset(wk->precond, 0, (d + 1) * sizeof *wk->precond);
    for (size_t i = 0; i < pb->n; i++) {
        for (size_t j = 0; j < d; j++) {
            double xij = pb->x[i * d + j] - pb->mean[j];
            wk->precond[j] += wk->curv[i] * xij * xij;
        }
        wk->precond[d] += wk->curv[i];
    }
    churn__lr_combine(pb, wk, wk->precond, d + 1);
    for (size_t j = 0; j < d; j++)
        wk->precond[j] += 1.0;
    if (!(wk->precond[d] > 0))
        wk->precond[d] = 1.0;
}

/* Truncated Newton: preconditioned CG on H dir = -grad, stopped when the
 * residual falls below eta ||grad||. eta shrinks with the gradient, as
 * sqrt(relative gradient), so the outer iteration converges
 * superlinearly. Stops early, keeping what it has, if H looks not
 * positive along a direction (rounding); CG iterates from 0 are always
 * descent directions, and the first is the preconditioned gradient. */
void churn__lr_direction_cg(const problem *pb, work *wk, double rel_grad)
{
    size_t d1 = pb->d + 1, cap = 2 * d1 < MAX_CG ? 2 * d1 : MAX_CG;
    double eta = fmin(0.5, sqrt(rel_grad));
    double target = eta * sqrt(churn__lr_dot(wk->grad, wk->grad, d1)), rz = 0;
    hessian_diagonal(pb, wk);
    for (size_t j = 0; j < d1; j++) {
        wk->dir[j] = 0;
        wk->cg_r[j] = -wk->grad[j];
        wk->cg_p[j] = wk->cg_z[j] = wk->cg_r[j] / wk->precond[j];
        rz += wk->cg_r[j] * wk->cg_z[j];
    }
    for (size_t k = 0; k < cap; k++) {
        hessian_times(pb, wk, wk->cg_p, wk->cg_q);
        double pq = churn__lr_dot(wk->cg_p, wk->cg_q, d1);
        if (!(pq > 0)) {
            if (k == 0)
                memcpy(wk->dir, wk->cg_z, d1 * sizeof *wk->dir);
            break;
        }
        double step = rz / pq, rz_next = 0;
        for (size_t j = 0; j < d1; j++) {
            wk->dir[j] += step * wk->cg_p[j];
            wk->cg_r[j] -= step * wk->cg_q[j];
            wk->cg_z[j] = wk->cg_r[j] / wk->precond[j];
            rz_next += wk->cg_r[j] * wk->cg_z[j];
        }
        if (sqrt(churn__lr_dot(wk->cg_r, wk->cg_r, d1)) <= target)
            break;
        for (size_t j = 0; j < d1; j++)
            wk->cg_p[j] = wk->cg_z[j] + rz_next / rz * wk->cg_p[j];
        rz = rz_next;
    }
    churn__lr_from_rank0(pb, wk, wk->dir, d1);
}


/* logistic_linalg.c - what logistic.c's iteration and logistic_step.c's
 * Newton step share: sums across ranks and the products with the
 * centered design X1 = [X - 1 mean^T, 1] (logistic_impl.h), which is
 * never formed. */
#include "models/logistic_impl.h"

#include <cblas.h>
#include <string.h>

/* Rows per BLAS call: keeps every count within BLAS's int. */
#define GEMV_ROWS ((size_t)1 << 20)

/* ------------------------------------------------------------ the ranks */

/* Sums v[0..n) over every rank, in place (nothing for one process). A
 * failed exchange is remembered in wk and ends the fit at the next
 * iteration; the sums are then meaningless but harmless. */
void churn__lr_combine(const problem *pb, work *wk, double *v, size_t n)
{
    if (wk->comm_rc == CHURN_OK)
        wk->comm_rc = churn__comm_reduce(pb->comm, v, n, CHURN_REDUCE_SUM,
                                         wk->err);
}

/* Rank 0's v[0..n) on every rank (churn__comm_from_root), a failure
 * remembered as in combine. */
void churn__lr_from_rank0(const problem *pb, work *wk, double *v, size_t n)
{
    if (wk->comm_rc == CHURN_OK)
        wk->comm_rc = churn__comm_from_root(pb->comm, v, n, wk->err);
}

/* ------------------------------------------------------------- products */

double churn__lr_dot(const double *a, const double *b, size_t k)
{
    return k ? cblas_ddot((int)k, a, 1, b, 1) : 0.0;
}


/* out_i = (x_i - mean) . v[0..d) + v[d] for every row: X1 v. */
void churn__lr_x1_times(const problem *pb, const double *v, double *out)
{
    double shift = v[pb->d] - churn__lr_dot(pb->mean, v, pb->d);
    for (size_t i = 0; i < pb->n; i++)
        out[i] = shift;
    for (size_t i0 = 0; pb->d && i0 < pb->n; i0 += GEMV_ROWS) {
        size_t m = pb->n - i0 < GEMV_ROWS ? pb->n - i0 : GEMV_ROWS;
        cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)m, (int)pb->d, 1.0,
                    pb->x + i0 * pb->d, (int)pb->d, v, 1, 1.0, out + i0, 1);
    }
}

/* out[0..d] = X1^T q over every rank's rows. out[d + 1 .. d + 1 + extra)
 * hold the caller's own sums, which are combined along with it. */
void churn__lr_x1t_times(const problem *pb, work *wk, const double *q,
                         double *out, size_t extra)
{
    double total = 0;
    for (size_t i = 0; i < pb->n; i++)
        total += q[i];
    memset(out, 0, pb->d * sizeof *out);
    out[pb->d] = total;
    for (size_t i0 = 0; pb->d && i0 < pb->n; i0 += GEMV_ROWS) {
        size_t m = pb->n - i0 < GEMV_ROWS ? pb->n - i0 : GEMV_ROWS;
        cblas_dgemv(CblasRowMajor, CblasTrans, (int)m, (int)pb->d, 1.0,
                    pb->x + i0 * pb->d, (int)pb->d, q + i0, 1, 1.0, out, 1);
    }
    churn__lr_combine(pb, wk, out, pb->d + 1 + extra);
    /* The centering term, from the combined sum of q. */
    if (pb->d)
        cblas_daxpy((int)pb->d, -out[pb->d], pb->mean, 1, out, 1);
}

/* out[j] = base[j] for each constant column j: undoes what a product
 * with X1^T added there, which is exactly 0 but for rounding noise. */
void churn__lr_keep_constant_at_zero(const problem *pb, const double *base,
                                     double *out)
{
    for (size_t j = 0; j < pb->d; j++)
        if (pb->constant[j])
            out[j] = base[j];
}

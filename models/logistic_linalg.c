/* logistic_linalg.c - what logistic.c's iteration and logistic_step.c's
 * Newton step share: sums across ranks and the products with the
 * centered design X1 = [X - 1 mean^T, 1] (logistic_impl.h), which is
 * never formed. */
#include "models/logistic_impl.h"

#include "models/blas.h"

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
    return k ? churn__blas()->cblas_ddot((int)k, a, 1, b, 1) : 0.0;
}


/* out_i = (x_i - mean) . v[0..d) + v[d] for rows i0 <= i < i0 + m. */
void churn__lr_x1_times_rows(const problem *pb, const double *v, size_t i0,
                             size_t m, double *out)
{
    double shift = v[pb->d] - churn__lr_dot(pb->mean, v, pb->d);
    for (size_t i = i0; i < i0 + m; i++)
        out[i] = shift;
    for (size_t a = i0; pb->d && a < i0 + m; a += GEMV_ROWS) {
        size_t k = i0 + m - a < GEMV_ROWS ? i0 + m - a : GEMV_ROWS;
        churn__blas()->cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)k, (int)pb->d, 1.0,
                    pb->x + a * pb->d, (int)pb->d, v, 1, 1.0, out + a, 1);
    }
}

void churn__lr_x1_times(const problem *pb, const double *v, double *out)
{
    churn__lr_x1_times_rows(pb, v, 0, pb->n, out);
}

/* out[0..d) += x_i q_i and out[d] += q_i for rows i0 <= i < i0 + m. */
void churn__lr_xt_add(const problem *pb, const double *q, size_t i0,
                      size_t m, double *out)
{
    double total = 0;
    for (size_t i = i0; i < i0 + m; i++)
        total += q[i];
    out[pb->d] += total;
    for (size_t a = i0; pb->d && a < i0 + m; a += GEMV_ROWS) {
        size_t k = i0 + m - a < GEMV_ROWS ? i0 + m - a : GEMV_ROWS;
        churn__blas()->cblas_dgemv(CblasRowMajor, CblasTrans, (int)k, (int)pb->d, 1.0,
                    pb->x + a * pb->d, (int)pb->d, q + a, 1, 1.0, out, 1);
    }
}

void churn__lr_x1t_finish(const problem *pb, work *wk, double *out,
                          size_t extra)
{
    churn__lr_combine(pb, wk, out, pb->d + 1 + extra);
    /* The centering term, from the combined sum of q. */
    if (pb->d)
        churn__blas()->cblas_daxpy((int)pb->d, -out[pb->d], pb->mean, 1, out, 1);
}

/* out[0..d] = X1^T q over every rank's rows. out[d + 1 .. d + 1 + extra)
 * hold the caller's own sums, which are combined along with it. */
void churn__lr_x1t_times(const problem *pb, work *wk, const double *q,
                         double *out, size_t extra)
{
    memset(out, 0, (pb->d + 1) * sizeof *out);
    churn__lr_xt_add(pb, q, 0, pb->n, out);
    churn__lr_x1t_finish(pb, wk, out, extra);
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

/* logistic_impl.h - what logistic.c (the problem, objective, line search
 * and iteration), logistic_step.c (the Newton step) and
 * logistic_linalg.c (the products and sums both use) share. Private to
 * those three files. */
#ifndef CHURN_MODELS_LOGISTIC_IMPL_H
#define CHURN_MODELS_LOGISTIC_IMPL_H

#include "ml/comm.h"
#include "models/logistic.h"

/* The fit works with the columns centered, X1 = [X - 1 mean^T, 1], and
 * theta = [w; b'] with b' = b + mean.w: the same objective (the intercept
 * is free), but a column with a large mean no longer nearly repeats the
 * intercept's column, which would make H ill-conditioned (a constant
 * column of 1e8 leaves it singular to rounding). The centering is folded
 * into the products; X itself is never copied. A constant column centers
 * to zeros, so its coefficient is exactly 0 at the optimum: the folded
 * products would leave rounding noise of about eps |mean| sum |q| in its
 * gradient, which the fit drops instead (see keep_constant_at_zero). */
typedef struct problem {
    const double *x, *y, *s;
    size_t n, d;
    double c;
    const churn_comm *comm; /* NULL: the rows are all here */
    double n_total;         /* rows of every rank */
    const double *mean;           /* d column means */
    const unsigned char *constant; /* d flags: column j is constant */
} problem;

/* Work vectors. theta = [w; b'] and grad, dir, the CG vectors have d + 1
 * entries; the per-row vectors have n. */
typedef struct work {
    /* theta, grad and dir have room for two more entries: the sums that
     * travel with them when the ranks combine (see combine). */
    double *theta, *grad, *dir, *mean;
    unsigned char *constant;
    double *z;     /* margins x_i.w + b */
    double *u;     /* change of the margins along dir (CG: scratch) */
    double *r;     /* c s_i (p_i - y_i): the loss's derivative per margin */
    double *curv;  /* c s_i p_i (1 - p_i): its second derivative */
    double *hess, *fac, *block;     /* Cholesky path */
    double *cg_r, *cg_z, *cg_p, *cg_q, *precond; /* CG path */
    size_t block_rows;
    int comm_rc;             /* a failed exchange between ranks */
    churn_error *err;        /* where it is told */
} work;

/* logistic_linalg.c: sums across ranks and products with X1. */

/* Sums v[0..n) over every rank, in place (nothing for one process). A
 * failed exchange is remembered in wk->comm_rc and ends the fit at the next
 * iteration; the sums are then meaningless but harmless. */
void churn__lr_combine(const problem *pb, work *wk, double *v, size_t n);
/* Rank 0's v[0..n) on every rank (churn__comm_from_root), a failure
 * remembered as in churn__lr_combine. */
void churn__lr_from_rank0(const problem *pb, work *wk, double *v, size_t n);
double churn__lr_dot(const double *a, const double *b, size_t k);
/* out_i = (x_i - mean) . v[0..d) + v[d] for every row: X1 v; _rows for
 * rows i0 <= i < i0 + m only. */
void churn__lr_x1_times(const problem *pb, const double *v, double *out);
void churn__lr_x1_times_rows(const problem *pb, const double *v, size_t i0,
                             size_t m, double *out);
/* out[0..d] = X1^T q over every rank's rows; out[d + 1 .. d + 1 + extra)
 * hold the caller's own sums, combined along with it. */
void churn__lr_x1t_times(const problem *pb, work *wk, const double *q,
                         double *out, size_t extra);
/* The same in steps, for a pass over row blocks: from out[0..d] = 0,
 * churn__lr_xt_add adds rows i0 <= i < i0 + m of X^T q and the sum of q,
 * then churn__lr_x1t_finish combines the ranks' sums (with the extra
 * ones) and subtracts the centering term. */
void churn__lr_xt_add(const problem *pb, const double *q, size_t i0,
                      size_t m, double *out);
void churn__lr_x1t_finish(const problem *pb, work *wk, double *out,
                          size_t extra);
/* out[j] = base[j] for each constant column j. */
void churn__lr_keep_constant_at_zero(const problem *pb, const double *base,
                                     double *out);

/* The Newton step into wk->dir, from wk->grad and wk->curv
 * (logistic_step.c): by Cholesky of the Hessian (CHURN_ENUMERIC when it
 * cannot be factored), or by truncated CG stopped at a residual tied to
 * rel_grad, the gradient relative to the first. Collective across ranks:
 * every rank gets rank 0's step. */
int churn__lr_direction_cholesky(const problem *pb, work *wk,
                                 churn_error *err);
void churn__lr_direction_cg(const problem *pb, work *wk, double rel_grad);

#endif

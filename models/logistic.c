/* logistic.c - L2 logistic regression by Newton's method: the problem,
 * its objective and gradient, the line search and the iteration; the
 * Newton step itself (a BLAS-3 Hessian solved by Cholesky, or truncated
 * Newton-CG for wide data) is in logistic_step.c, the products both use
 * in logistic_linalg.c. */
#include "models/logistic_impl.h"

#include "models/blas.h"

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The Hessian is accumulated from row blocks of at most this many doubles
 * (4 MB), so its scratch memory does not grow with n (logistic_step.c). */
#define BLOCK_DOUBLES ((size_t)1 << 19)
#define ARMIJO 1e-4      /* sufficient decrease, as fraction of the slope */
#define MAX_HALVINGS 60  /* 2^-60: any real descent step is found before */

void churn__logistic_params_default(churn__logistic_params *p)
{
    p->c = 1.0;
    p->tol = 1e-10;
    p->max_iter = 100;
    p->wide_threshold = 1000;
    p->comm = NULL;
}

/* ------------------------------------------------------------- numerics */

/* The loss log(1 + exp(-t z)) of a row with margin z (t = +1 for class 1,
 * -1 for class 0), and *p = sigmoid(z), *q = 1 - *p. q is computed on its
 * own rather than as 1 - p, which would lose every digit when p is near 1.
 * One exp and one log1p serve all three. */
double churn__logistic_row(double z, int positive, double *p, double *q)
{
    double e = exp(-fabs(z));
    double big = 1.0 / (1.0 + e), small = e / (1.0 + e);
    *p = z >= 0 ? big : small;
    *q = z >= 0 ? small : big;
    /* log1p(e) when the margin has the label's sign, else |z| more. */
    int right_side = positive ? z >= 0 : z <= 0;
    return right_side ? log1p(e) : fabs(z) + log1p(e);
}

/* loss(z + delta) - loss(z) for one row. Subtracting two losses would
 * drown a small change in the rounding of large losses, and the line
 * search compares such changes near the optimum. Instead, with m = t z:
 * log((1 + e^(-m - t delta)) / (1 + e^(-m))) = log1p(sigmoid(-m) *
 * expm1(-t delta)), exact to rounding of the change itself. When that
 * product is not small the change is large and plain subtraction is fine
 * (and the product may have overflowed or rounded to -1). */
double churn__logistic_loss_change(double z, double delta, int positive)
{
    double m = positive ? z : -z, dm = positive ? delta : -delta;
    double k = churn__sigmoid(-m) * expm1(-dm);
    if (fabs(k) < 0.5)
        return log1p(k);
    return churn__log1p_exp(-(m + dm)) - churn__log1p_exp(-m);
}

static double norm_inf(const double *v, size_t k)
{
    double m = 0;
    for (size_t j = 0; j < k; j++)
        m = fmax(m, fabs(v[j]));
    return m;
}

/* ---------------------------------------------------------- the columns */

/* The column means over every rank's rows, and which columns are
 * constant (smallest = largest); a constant column's mean is its value
 * itself, so it centers to exact zeros. low and high have d entries. */
static int column_means(const problem *pb, double *mean,
                        unsigned char *constant, double *low, double *high,
                        churn_error *err)
{
    size_t n = pb->n, d = pb->d;
    memset(mean, 0, d * sizeof *mean);
    for (size_t j = 0; j < d; j++) {
        low[j] = INFINITY;
        high[j] = -INFINITY;
    }
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < d; j++) {
            double v = pb->x[i * d + j];
            mean[j] += v;
            /* Comparisons, not fmin and fmax: the values are finite
             * (check_input), and those are calls that do not inline. */
            low[j] = v < low[j] ? v : low[j];
            high[j] = v > high[j] ? v : high[j];
        }
    }
    int rc = churn__comm_reduce(pb->comm, mean, d, CHURN_REDUCE_SUM, err);
    if (rc == CHURN_OK)
        rc = churn__comm_reduce(pb->comm, low, d, CHURN_REDUCE_MIN, err);
    if (rc == CHURN_OK)
        rc = churn__comm_reduce(pb->comm, high, d, CHURN_REDUCE_MAX, err);
    for (size_t j = 0; j < d; j++) {
        constant[j] = low[j] == high[j];
        mean[j] = constant[j] ? low[j] : mean[j] / pb->n_total;
    }
    return rc;
}

/* ------------------------------------------ objective, gradient, step */

/* Rows per block of evaluate's pass: 160 KB of X at d = 40, still in
 * cache when the gradient's product reads the block the margins' product
 * has just read, so X crosses the memory bus once per evaluation. */
#define EVAL_ROWS 512

/* From wk->theta: the margins wk->z, the objective, and wk->r, wk->curv
 * and wk->grad = [w; 0] + X1^T r, in one pass over row blocks. */
static double evaluate(const problem *pb, work *wk)
{
    double loss = 0;
    memset(wk->grad, 0, (pb->d + 1) * sizeof *wk->grad);
    for (size_t i0 = 0; i0 < pb->n; i0 += EVAL_ROWS) {
        size_t m = pb->n - i0 < EVAL_ROWS ? pb->n - i0 : EVAL_ROWS;
        churn__lr_x1_times_rows(pb, wk->theta, i0, m, wk->z);
        for (size_t i = i0; i < i0 + m; i++) {
            double cs = pb->c * (pb->s ? pb->s[i] : 1.0);
            double p, q;
            int positive = pb->y[i] != 0;
            loss += cs * churn__logistic_row(wk->z[i], positive, &p, &q);
            wk->r[i] = positive ? -cs * q : cs * p;
            wk->curv[i] = cs * p * q;
        }
        churn__lr_xt_add(pb, wk->r, i0, m, wk->grad);
    }
    wk->grad[pb->d + 1] = loss; /* combined along with the gradient */
    churn__lr_x1t_finish(pb, wk, wk->grad, 1);
    loss = wk->grad[pb->d + 1];
    for (size_t j = 0; j < pb->d; j++)
        wk->grad[j] += wk->theta[j];
    churn__lr_keep_constant_at_zero(pb, wk->theta, wk->grad);
    return 0.5 * churn__lr_dot(wk->theta, wk->theta, pb->d) + loss;
}

/* The change of the objective from theta to theta + alpha dir, from the
 * margins z and their change u along dir. */
static double objective_change(const problem *pb, work *wk, double alpha)
{
    const double *w = wk->theta, *dw = wk->dir;
    double loss = 0;
    for (size_t i = 0; i < pb->n; i++) {
        double cs = pb->c * (pb->s ? pb->s[i] : 1.0);
        loss += cs * churn__logistic_loss_change(wk->z[i], alpha * wk->u[i],
                                                 pb->y[i] != 0);
    }
    churn__lr_combine(pb, wk, &loss, 1);
    return alpha * churn__lr_dot(w, dw, pb->d) +
           0.5 * alpha * alpha * churn__lr_dot(dw, dw, pb->d) + loss;
}

/* Backtracking (Armijo) line search along wk->dir, whose slope is -dec.
 * Sets *alpha and returns 0, or -1 when no step decreases the objective
 * enough. */
static int line_search(const problem *pb, work *wk, double dec,
                       double *alpha)
{
    double a = 1.0;
    for (int k = 0; k < MAX_HALVINGS; k++, a *= 0.5) {
        if (objective_change(pb, wk, a) <= -ARMIJO * a * dec) {
            *alpha = a;
            return 0;
        }
    }
    return -1;
}

/* 1 when each gradient component is below the target or within a
 * generous estimate of its own rounding error. Called when no step
 * decreases the objective: then the answer is as exact as doubles allow
 * (though the gradient may exceed the target). A tolerance below
 * rounding gets there, and so do badly scaled columns: a column with a
 * mean of 1e8 makes its component 1e8 times a sum of rows that rounding
 * leaves off by about 1e-16 of its terms.
 * The estimate: a sum of n terms is off by about sqrt(n) eps times the
 * sum of their sizes; a margin z_i is off by eps times its terms' sizes,
 * which moves r_i by curv_i times that. wk->dir serves as scratch. */
static int at_rounding_floor(const problem *pb, work *wk, double target)
{
    size_t d = pb->d;
    const double *w = wk->theta;
    double *size = wk->dir;
    double gamma = 8 * DBL_EPSILON * sqrt(pb->n_total + 1);
    int done = 1;
    memset(size, 0, (d + 1) * sizeof *size);
    for (size_t i = 0; i < pb->n; i++) {
        const double *xi = d ? pb->x + i * d : NULL;
        double z_size = fabs(w[d]);
        for (size_t j = 0; j < d; j++)
            z_size += fabs(xi[j] * w[j]) + fabs(pb->mean[j] * w[j]);
        double r_size = fabs(wk->r[i]) + wk->curv[i] * z_size;
        for (size_t j = 0; j < d; j++)
            size[j] += fabs(xi[j]) * r_size;
        size[d] += r_size;
    }
    churn__lr_combine(pb, wk, size, d + 1);
    for (size_t j = 0; j <= d; j++) {
        double own = j < d ? fabs(w[j]) + fabs(pb->mean[j]) * size[d] : 0;
        size[j] = gamma * (own + size[j]);
        done = done && fabs(wk->grad[j]) <= fmax(target, size[j]);
    }
    return done;
}

/* ------------------------------------------------------------ the fit */

/* Whether x[0..n) are all finite: x 0 is NaN exactly when x is not, and
 * NaN spreads through the sums, so the loop has no branch (four sums, so
 * that it runs at the speed of reading). */
static int all_finite(const double *x, size_t n)
{
    double a[4] = {0, 0, 0, 0};
    size_t i = 0;
    for (; i + 4 <= n; i += 4)
        for (int k = 0; k < 4; k++)
            a[k] += x[i + k] * 0.0;
    for (; i < n; i++)
        a[0] += x[i] * 0.0;
    return !isnan((a[0] + a[1]) + (a[2] + a[3]));
}

/* Checks the arguments and the data; on success *pos and *neg hold the
 * total weight of each class. */
static int check_input(const problem *pb, const churn__logistic_params *p,
                       const double *w, const double *b, double *pos,
                       double *neg, churn_error *err)
{
    if (!pb->y || !b || (pb->d && (!pb->x || !w)))
        return churn__fail(err, CHURN_EINVAL, "logistic: NULL argument");
    if (pb->n == 0 && !churn__comm_spans(pb->comm)) /* a rank may have none */
        return churn__fail(err, CHURN_EINVAL, "logistic: no rows to fit");
    if (pb->d >= INT_MAX || pb->n > SIZE_MAX / sizeof(double) / (pb->d + 1))
        return churn__fail(err, CHURN_EINVAL,
                           "logistic: %zu x %zu is too large", pb->n, pb->d);
    if (!(p->c > 0) || !isfinite(p->c))
        return churn__fail(err, CHURN_EINVAL,
                           "logistic: C must be positive and finite, not %g",
                           p->c);
    if (!(p->tol > 0) || !isfinite(p->tol) || p->max_iter == 0)
        return churn__fail(err, CHURN_EINVAL,
                           "logistic: tolerance %g and iteration cap %zu must "
                           "be positive", p->tol, p->max_iter);
    /* Only a matrix with a bad value is searched for it. */
    int finite = all_finite(pb->x, pb->n * pb->d);
    for (size_t i = 0; !finite && i < pb->n * pb->d; i++)
        if (!isfinite(pb->x[i]))
            return churn__fail(err, CHURN_ENUMERIC,
                               "logistic: x[%zu][%zu] is %g, not a finite "
                               "number", i / pb->d, i % pb->d, pb->x[i]);
    *pos = *neg = 0;
    for (size_t i = 0; i < pb->n; i++) {
        double yi = pb->y[i], si = pb->s ? pb->s[i] : 1.0;
        if (!isfinite(yi) || !isfinite(si))
            return churn__fail(err, CHURN_ENUMERIC,
                               "logistic: row %zu has label %g, weight %g; "
                               "both must be finite", i, yi, si);
        if ((yi != 0 && yi != 1) || si < 0)
            return churn__fail(err, CHURN_EINVAL,
                               "logistic: row %zu has label %g, weight %g; "
                               "labels must be 0 or 1, weights >= 0",
                               i, yi, si);
        *(yi != 0 ? pos : neg) += si;
    }
    return CHURN_OK;
}

/* Every rank's class weights and rows (after each rank's check_input):
 * both classes must weigh something. */
static int check_classes(problem *pb, double *pos, double *neg,
                         churn_error *err)
{
    double sums[3] = {*pos, *neg, (double)pb->n};
    int rc = churn__comm_reduce(pb->comm, sums, 3, CHURN_REDUCE_SUM, err);
    if (rc != CHURN_OK)
        return rc;
    *pos = sums[0];
    *neg = sums[1];
    pb->n_total = sums[2];
    if (!(*pos > 0) || !(*neg > 0))
        return churn__fail(err, CHURN_EINVAL,
                           "logistic: both classes need positive weight "
                           "(class 1: %g, class 0: %g)", *pos, *neg);
    return CHURN_OK;
}

static void free_work(work *wk)
{
    free(wk->theta); free(wk->grad); free(wk->dir); free(wk->mean);
    free(wk->constant);
    free(wk->z); free(wk->u); free(wk->r); free(wk->curv);
    free(wk->hess); free(wk->fac); free(wk->block);
    free(wk->cg_r); free(wk->cg_z); free(wk->cg_p); free(wk->cg_q);
    free(wk->precond);
}

static int alloc_work(const problem *pb, int use_cg, work *wk)
{
    size_t n = pb->n ? pb->n : 1, d1 = pb->d + 1;
    memset(wk, 0, sizeof *wk);
    wk->theta = calloc(d1 + 2, sizeof(double));
    wk->grad = calloc(d1 + 2, sizeof(double));
    wk->dir = calloc(d1 + 2, sizeof(double));
    /* mean, then the smallest and largest value of each column */
    wk->mean = calloc(3 * d1, sizeof(double));
    wk->constant = calloc(d1, 1);
    wk->z = churn__huge_calloc(n, sizeof(double));
    wk->u = churn__huge_calloc(n, sizeof(double));
    wk->r = churn__huge_calloc(n, sizeof(double));
    wk->curv = churn__huge_calloc(n, sizeof(double));
    int ok = wk->theta && wk->grad && wk->dir && wk->mean &&
             wk->constant && wk->z && wk->u && wk->r && wk->curv;
    if (use_cg) {
        wk->cg_r = calloc(d1, sizeof(double));
        wk->cg_z = calloc(d1, sizeof(double));
        wk->cg_p = calloc(d1, sizeof(double));
        wk->cg_q = calloc(d1, sizeof(double));
        wk->precond = calloc(d1, sizeof(double));
        ok = ok && wk->cg_r && wk->cg_z && wk->cg_p && wk->cg_q &&
             wk->precond;
    } else {
        size_t rows = BLOCK_DOUBLES / d1;
        rows = rows < 64 ? 64 : rows;
        wk->block_rows = rows < n ? rows : n; /* n >= 1 here */
        wk->hess = calloc(d1 * d1, sizeof(double));
        wk->fac = calloc(d1 * d1 + 1, sizeof(double));
        wk->block = churn__huge_calloc(wk->block_rows * d1, sizeof(double));
        ok = ok && wk->hess && wk->fac && wk->block;
    }
    return ok ? CHURN_OK : CHURN_ENOMEM;
}

/* Newton's method from w = 0, b = the log-odds of the classes (the
 * optimum of the intercept alone). Fills info as it goes. */
static int newton(const problem *pb, const churn__logistic_params *p,
                  work *wk, churn__logistic_info *info, churn_error *err)
{
    double f = evaluate(pb, wk);
    double gnorm = norm_inf(wk->grad, pb->d + 1);
    double g0 = fmax(1.0, gnorm), target = p->tol * g0;
    int rc;
    for (;;) {
        info->objective = f;
        info->grad_norm = gnorm;
        if (wk->comm_rc != CHURN_OK)
            return wk->comm_rc;
        if (!isfinite(f) || !isfinite(gnorm))
            return churn__fail(err, CHURN_ENUMERIC,
                               "logistic: objective or gradient not finite "
                               "(C or the weights too large?)");
        if (gnorm <= target)
            return CHURN_OK;
        if (info->iterations == p->max_iter)
            return churn__fail(err, CHURN_ENUMERIC,
                               "logistic: no convergence in %zu iterations "
                               "(gradient %g, target %g)", p->max_iter,
                               gnorm, target);
        /* After a failed exchange the ranks' numbers are their own: its
         * status comes before any verdict drawn from them. */
        if (info->used_cg)
            churn__lr_direction_cg(pb, wk, gnorm / g0);
        else if ((rc = churn__lr_direction_cholesky(pb, wk, err)) != CHURN_OK)
            return wk->comm_rc ? wk->comm_rc : rc;
        double dec = -churn__lr_dot(wk->grad, wk->dir, pb->d + 1), alpha = 0;
        churn__lr_x1_times(pb, wk->dir, wk->u);
        if (!(dec > 0) || line_search(pb, wk, dec, &alpha) != 0) {
            int floor = at_rounding_floor(pb, wk, target);
            if (wk->comm_rc != CHURN_OK)
                return wk->comm_rc;
            if (floor)
                return CHURN_OK;
            return churn__fail(err, CHURN_ENUMERIC,
                               "logistic: line search found no decrease at "
                               "iteration %zu (gradient %g, target %g): "
                               "badly scaled columns?",
                               info->iterations + 1, gnorm, target);
        }
        for (size_t j = 0; j <= pb->d; j++)
            wk->theta[j] += alpha * wk->dir[j];
        /* Fresh margins rather than z += alpha u: no drift. */
        f = evaluate(pb, wk);
        gnorm = norm_inf(wk->grad, pb->d + 1);
        info->iterations++;
    }
}

int churn__logistic_fit(const double *x, size_t n, size_t d, const double *y,
                        const double *s, const churn__logistic_params *p,
                        double *w, double *b, churn__logistic_info *info,
                        churn_error *err)
{
    churn__logistic_params defaults;
    churn__logistic_info local = {0, 0, 0, 0};
    problem pb = {x, y, s, n, d, 0, NULL, 0, NULL, NULL};
    work wk;
    double pos, neg;
    int rc;
    memset(&wk, 0, sizeof wk);
    if (!p) {
        churn__logistic_params_default(&defaults);
        p = &defaults;
    }
    pb.c = p->c;
    pb.comm = p->comm;
    pb.n_total = (double)n;
    wk.err = err;
    local.used_cg = d > p->wide_threshold;
    /* What can fail on one rank alone fails before the ranks agree; from
     * there on every decision is taken on combined values, the same on
     * every rank. */
    rc = check_input(&pb, p, w, b, &pos, &neg, err);
    if (rc == CHURN_OK)
        rc = churn__blas_open(err);
    if (rc == CHURN_OK && alloc_work(&pb, local.used_cg, &wk) != CHURN_OK)
        rc = churn__fail_nomem(err);
    wk.err = err;
    rc = churn_comm_agree(pb.comm, rc, err);
    if (rc == CHURN_OK)
        rc = check_classes(&pb, &pos, &neg, err);
    if (rc == CHURN_OK)
        rc = column_means(&pb, wk.mean, wk.constant, wk.mean + d + 1,
                          wk.mean + 2 * (d + 1), err);
    if (rc != CHURN_OK)
        goto done;
    pb.mean = wk.mean;
    pb.constant = wk.constant;
    wk.theta[d] = log(pos / neg);
    rc = newton(&pb, p, &wk, &local, err);
    if (rc == CHURN_OK) {
        if (d)
            memcpy(w, wk.theta, d * sizeof *w);
        /* undo the centering */
        *b = wk.theta[d] - churn__lr_dot(wk.mean, wk.theta, d);
    }
done:
    if (info)
        *info = local;
    free_work(&wk);
    return rc;
}

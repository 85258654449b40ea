/* calibration.c - decision values to probabilities: Platt's sigmoid and
 * isotonic regression (pool adjacent violators), and their file section. */
#include "models/classifier.h"
#include "models/model.h"
#include "models/logistic.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *churn__calib_name(churn__calib_kind k)
{
    return k == CHURN__CAL_PLATT      ? "platt"
           : k == CHURN__CAL_ISOTONIC ? "isotonic"
                                      : "none";
}

double churn__calibrate(const churn__calibration *c, double f)
{
    if (c->kind == CHURN__CAL_PLATT)
        return churn__sigmoid(-(c->a * f + c->b));
    if (c->kind != CHURN__CAL_ISOTONIC)
        return churn__sigmoid(f);
    if (!(f > c->x[0]))
        return c->y[0];
    if (f >= c->x[c->n - 1])
        return c->y[c->n - 1];
    size_t lo = 0, hi = c->n - 1; /* x[lo] < f < x[hi] */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->x[mid] <= f)
            lo = mid;
        else
            hi = mid;
    }
    double t = (f - c->x[lo]) / (c->x[hi] - c->x[lo]);
    return c->y[lo] + t * (c->y[hi] - c->y[lo]);
}

void churn__calibration_clear(churn__calibration *c)
{
    free(c->x);
    free(c->y);
    memset(c, 0, sizeof *c);
}

/* Platt's objective with his smoothed targets t: sum log(1 + e^u) -
 * (1 - t) u, u = a f + b (the negative log-likelihood of
 * p = 1 / (1 + e^u)). */
static double platt_loss(const double *f, const double *t, size_t n,
                         double a, double b)
{
    double s = 0;
    for (size_t i = 0; i < n; i++) {
        double u = a * f[i] + b;
        s += churn__log1p_exp(u) - (1 - t[i]) * u;
    }
    return s;
}

/* Newton's method with backtracking on (a, b), as Lin, Lin and Weng's
 * note on Platt scaling describes; written from the formulas. */
static int fit_platt(churn__calibration *c, const double *f, const double *y,
                     size_t n, churn_error *err)
{
    size_t pos = 0;
    for (size_t i = 0; i < n; i++)
        pos += y[i] > 0.5;
    double *t = malloc((n ? n : 1) * sizeof *t);
    if (!t)
        return churn__fail_nomem(err);
    /* Targets pulled off 0 and 1 so that separable data keeps a finite
     * slope. */
    double hi = ((double)pos + 1) / ((double)pos + 2);
    double lo = 1.0 / ((double)(n - pos) + 2);
    for (size_t i = 0; i < n; i++)
        t[i] = y[i] > 0.5 ? hi : lo;
    double a = 0, b = log(((double)(n - pos) + 1) / ((double)pos + 1));
    double loss = platt_loss(f, t, n, a, b);
    for (int iter = 0; iter < 100; iter++) {
        double g1 = 0, g2 = 0, h11 = 1e-12, h22 = 1e-12, h21 = 0;
        for (size_t i = 0; i < n; i++) {
            double u = a * f[i] + b;
            double p = u >= 0 ? exp(-u) / (1 + exp(-u)) : 1 / (1 + exp(u));
            double q = p * (1 - p);
            g1 += (t[i] - p) * f[i];
            g2 += t[i] - p;
            h11 += f[i] * f[i] * q;
            h22 += q;
            h21 += f[i] * q;
        }
        if (fabs(g1) < 1e-5 && fabs(g2) < 1e-5)
            break;
        double det = h11 * h22 - h21 * h21;
        double da = -(h22 * g1 - h21 * g2) / det;
        double db = -(-h21 * g1 + h11 * g2) / det;
        double gd = g1 * da + g2 * db, step = 1;
        while (step >= 1e-10) {
            double na = a + step * da, nb = b + step * db;
            double nl = platt_loss(f, t, n, na, nb);
            if (nl < loss + 1e-4 * step * gd) {
                a = na;
                b = nb;
                loss = nl;
                break;
            }
            step /= 2;
        }
        if (step < 1e-10)
            break; /* no further decrease in doubles */
    }
    free(t);
    if (!isfinite(a) || !isfinite(b))
        return churn__fail(err, CHURN_ENUMERIC, "Platt scaling diverged");
    c->kind = CHURN__CAL_PLATT;
    c->a = a;
    c->b = b;
    return CHURN_OK;
}

int churn__by_score(const void *p, const void *q)
{
    const churn__scored *a = p, *b = q;
    return (a->f > b->f) - (a->f < b->f);
}

/* One block of pool adjacent violators: rows [first, last] of the sorted
 * list with mean label sum / count. */
typedef struct block {
    size_t first, last;
    double sum, count;
} block;

/* Isotonic regression of y on f; each block becomes breakpoints at its
 * smallest and largest f (one when they coincide), so prediction
 * interpolates between blocks and is flat within one. */
static int fit_isotonic(churn__calibration *c, const double *f,
                        const double *y, size_t n, churn_error *err)
{
    int rc = CHURN_OK;
    churn__scored *rows = malloc((n ? n : 1) * sizeof *rows);
    block *st = malloc((n ? n : 1) * sizeof *st);
    c->x = malloc(2 * (n ? n : 1) * sizeof *c->x);
    c->y = malloc(2 * (n ? n : 1) * sizeof *c->y);
    if (!rows || !st || !c->x || !c->y) {
        rc = churn__fail_nomem(err);
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        rows[i] = (churn__scored){f[i], y[i] > 0.5};
    qsort(rows, n, sizeof *rows, churn__by_score);
    size_t top = 0;
    for (size_t i = 0; i < n; i++) {
        /* Equal decision values share one block: they cannot be ordered. */
        if (top > 0 && rows[st[top - 1].last].f == rows[i].f) {
            st[top - 1].last = i;
            st[top - 1].sum += rows[i].y;
            st[top - 1].count += 1;
        } else {
            st[top++] = (block){i, i, rows[i].y, 1};
        }
        while (top > 1 && st[top - 2].sum * st[top - 1].count >=
                              st[top - 1].sum * st[top - 2].count) {
            st[top - 2].last = st[top - 1].last;
            st[top - 2].sum += st[top - 1].sum;
            st[top - 2].count += st[top - 1].count;
            top--;
        }
    }
    c->n = 0;
    for (size_t k = 0; k < top; k++) {
        double v = st[k].sum / st[k].count;
        c->x[c->n] = rows[st[k].first].f;
        c->y[c->n++] = v;
        if (rows[st[k].last].f != rows[st[k].first].f) {
            c->x[c->n] = rows[st[k].last].f;
            c->y[c->n++] = v;
        }
    }
    c->kind = CHURN__CAL_ISOTONIC;
done:
    free(rows);
    free(st);
    return rc;
}

int churn__calibration_fit(churn__calibration *c, churn__calib_kind kind,
                           const double *f, const double *y, size_t n,
                           churn_error *err)
{
    memset(c, 0, sizeof *c);
    for (size_t i = 0; i < n; i++)
        if (!isfinite(f[i]))
            return churn__fail(err, CHURN_ENUMERIC,
                               "calibration: a decision value is not finite");
    int rc = CHURN_OK;
    if (kind == CHURN__CAL_PLATT)
        rc = fit_platt(c, f, y, n, err);
    else if (kind == CHURN__CAL_ISOTONIC && n == 0)
        rc = churn__fail(err, CHURN_EEMPTY, "calibration: no rows");
    else if (kind == CHURN__CAL_ISOTONIC)
        rc = fit_isotonic(c, f, y, n, err);
    if (rc != CHURN_OK)
        churn__calibration_clear(c);
    return rc;
}

void churn__calibration_write(const churn__calibration *c, FILE *f)
{
    fprintf(f, "calibration %s", churn__calib_name(c->kind));
    if (c->kind == CHURN__CAL_PLATT) {
        fputc(' ', f);
        churn__put_double(f, c->a);
        fputc(' ', f);
        churn__put_double(f, c->b);
    } else if (c->kind == CHURN__CAL_ISOTONIC) {
        fprintf(f, " %zu", c->n);
    }
    fputc('\n', f);
    for (size_t k = 0; c->kind == CHURN__CAL_ISOTONIC && k < c->n; k++) {
        fputs("point ", f);
        churn__put_double(f, c->x[k]);
        fputc(' ', f);
        churn__put_double(f, c->y[k]);
        fputc('\n', f);
    }
}

static int read_points(churn__lines *r, churn__calibration *c,
                       churn_error *err)
{
    int rc = churn__lines_size(r, &c->n, err);
    if (rc == CHURN_OK)
        rc = churn__lines_done(r, err);
    size_t left = r->pos < r->len ? r->len - r->pos : 0;
    if (rc == CHURN_OK && (c->n == 0 || c->n > left / 2))
        return churn__fail_at(err, CHURN_EFORMAT, r->path, r->line, 22,
                              "bad number of isotonic points");
    if (rc != CHURN_OK)
        return rc;
    c->x = malloc(c->n * sizeof *c->x);
    c->y = malloc(c->n * sizeof *c->y);
    if (!c->x || !c->y)
        return churn__fail_nomem(err);
    for (size_t k = 0; rc == CHURN_OK && k < c->n; k++) {
        rc = churn__lines_next(r, "point", err);
        if (rc == CHURN_OK)
            rc = churn__lines_expect(r, "point", err);
        if (rc == CHURN_OK)
            rc = churn__lines_finite(r, &c->x[k], err);
        if (rc == CHURN_OK)
            rc = churn__lines_finite(r, &c->y[k], err);
        if (rc == CHURN_OK)
            rc = churn__lines_done(r, err);
        if (rc == CHURN_OK && k > 0 &&
            !(c->x[k] > c->x[k - 1] && c->y[k] >= c->y[k - 1]))
            return churn__fail_at(err, CHURN_EFORMAT, r->path, r->line, 7,
                                  "isotonic points must ascend");
    }
    return rc;
}

int churn__calibration_read(churn__lines *r, churn__calibration *c,
                            churn_error *err)
{
    const char *kind;
    memset(c, 0, sizeof *c);
    int rc = churn__lines_next(r, "calibration", err);
    if (rc == CHURN_OK)
        rc = churn__lines_expect(r, "calibration", err);
    if (rc == CHURN_OK)
        rc = churn__lines_string(r, &kind, err);
    if (rc != CHURN_OK)
        return rc;
    if (strcmp(kind, "platt") == 0) {
        c->kind = CHURN__CAL_PLATT;
        rc = churn__lines_finite(r, &c->a, err);
        if (rc == CHURN_OK)
            rc = churn__lines_finite(r, &c->b, err);
    } else if (strcmp(kind, "isotonic") == 0) {
        c->kind = CHURN__CAL_ISOTONIC;
        return read_points(r, c, err);
    } else if (strcmp(kind, "none") != 0) {
        return churn__fail_at(err, CHURN_EFORMAT, r->path, r->line, 13,
                              "unknown calibration '%s'", kind);
    }
    if (rc == CHURN_OK)
        rc = churn__lines_done(r, err);
    return rc;
}

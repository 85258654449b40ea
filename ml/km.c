/* km.c - the Kaplan-Meier estimator: the survival curve S(t) of the
 * churn times (with Greenwood's variance) and, reversed, the censoring
 * distribution G(t) that weights the survival metrics. */
#include "ml/survival_eval.h"

#include <math.h>
#include <stdlib.h>

/* Sorting row indices by time needs the times: qsort has no context, so
 * rows are sorted as (time, row) pairs. */
typedef struct timed_row {
    double time;
    size_t row;
} timed_row;

static int by_time(const void *a, const void *b)
{
    const timed_row *x = a, *y = b;
    if (x->time != y->time)
        return x->time < y->time ? -1 : 1;
    return x->row < y->row ? -1 : x->row > y->row;
}

void churn__steps_free(churn__steps *s)
{
    if (!s)
        return;
    free(s->time);
    free(s->value);
    free(s->at_risk);
    free(s->events);
    free(s->var);
    *s = (churn__steps){0};
}

static int steps_alloc(churn__steps *s, size_t cap)
{
    size_t m = cap ? cap : 1;
    s->time = malloc(m * sizeof *s->time);
    s->value = malloc(m * sizeof *s->value);
    s->at_risk = malloc(m * sizeof *s->at_risk);
    s->events = malloc(m * sizeof *s->events);
    s->var = malloc(m * sizeof *s->var);
    return s->time && s->value && s->at_risk && s->events && s->var ? 0 : -1;
}

size_t *churn__order_by(const double *key, const size_t *idx, size_t n)
{
    timed_row *r = malloc((n ? n : 1) * sizeof *r);
    size_t *order = malloc((n ? n : 1) * sizeof *order);
    if (!r || !order) {
        free(r);
        free(order);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        size_t row = idx ? idx[i] : i;
        r[i] = (timed_row){key[row], row};
    }
    qsort(r, n, sizeof *r, by_time);
    for (size_t i = 0; i < n; i++)
        order[i] = r[i].row;
    free(r);
    return order;
}

int churn__km_steps(const double *time, const double *event,
                    const size_t *idx, size_t n, int reverse,
                    churn__steps *out)
{
    *out = (churn__steps){0};
    size_t *r = churn__order_by(time, idx, n);
    int rc = r ? churn__km_ordered(time, event, r, n, reverse, out) : -1;
    free(r);
    return rc;
}

int churn__km_ordered(const double *time, const double *event,
                      const size_t *r, size_t n, int reverse,
                      churn__steps *out)
{
    *out = (churn__steps){0};
    if (steps_alloc(out, n)) {
        churn__steps_free(out);
        return -1;
    }
    out->end = n ? time[r[n - 1]] : 0;
    double value = 1, greenwood = 0;
    for (size_t i = 0; i < n;) {
        double at_risk = (double)(n - i), d = 0, c = 0;
        size_t end = i;
        for (; end < n && time[r[end]] == time[r[i]]; end++) {
            d += event[r[end]] != 0;
            c += event[r[end]] == 0;
        }
        /* Reversed, the censorings are the "deaths"; those on the day
         * of an event leave after it (a churn that day was seen). */
        double steps = reverse ? c : d;
        double risk = reverse ? at_risk - d : at_risk;
        if (steps > 0 && risk > 0) {
            value *= 1 - steps / risk;
            greenwood += risk > steps ? steps / (risk * (risk - steps))
                                      : INFINITY;
            size_t m = out->n++;
            out->time[m] = time[r[i]];
            out->value[m] = value;
            out->at_risk[m] = risk;
            out->events[m] = steps;
            /* Greenwood: S^2 sum d / (n (n - d)); undefined once S = 0. */
            out->var[m] = isfinite(greenwood) ? value * value * greenwood
                                              : NAN;
        }
        i = end;
    }
    return 0;
}

/* Index of the last step with time <= t (strict: < t), or n for none. */
static size_t last_step(const churn__steps *s, double t, int strict)
{
    size_t lo = 0, hi = s->n;  /* steps [0, lo) qualify, [hi, n) do not */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strict ? s->time[mid] < t : s->time[mid] <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo == 0 ? s->n : lo - 1;
}

double churn__steps_at(const churn__steps *s, double t)
{
    size_t i = last_step(s, t, 0);
    return i == s->n ? 1 : s->value[i];
}

double churn__steps_before(const churn__steps *s, double t)
{
    size_t i = last_step(s, t, 1);
    return i == s->n ? 1 : s->value[i];
}

/* ------------------------------------------------------ the public curve */

struct churn_km {
    churn__steps s;
};

int churn_km_fit(const double *time, const double *event, size_t n,
                 churn_km **out, churn_error *err)
{
    if (!time || !event || !out)
        return churn__fail(err, CHURN_EINVAL, "churn_km_fit: null argument");
    *out = NULL;
    for (size_t i = 0; i < n; i++)
        if (!(time[i] >= 0) || !isfinite(time[i]) ||
            (event[i] != 0 && event[i] != 1))
            return churn__fail(err, CHURN_EINVAL, "churn_km_fit: row %zu: "
                               "time must be a number >= 0 and event 0 or 1",
                               i + 1);
    churn_km *km = malloc(sizeof *km);
    if (!km || churn__km_steps(time, event, NULL, n, 0, &km->s)) {
        free(km);
        return churn__fail_nomem(err);
    }
    *out = km;
    return CHURN_OK;
}

void churn_km_free(churn_km *km)
{
    if (!km)
        return;
    churn__steps_free(&km->s);
    free(km);
}

size_t churn_km_n_steps(const churn_km *km)
{
    return km ? km->s.n : 0;
}

int churn_km_step(const churn_km *km, size_t i, double *time,
                  double *at_risk, double *events, double *survival,
                  double *variance)
{
    if (!km || i >= km->s.n)
        return CHURN_EINVAL;
    if (time)
        *time = km->s.time[i];
    if (at_risk)
        *at_risk = km->s.at_risk[i];
    if (events)
        *events = km->s.events[i];
    if (survival)
        *survival = km->s.value[i];
    if (variance)
        *variance = km->s.var[i];
    return CHURN_OK;
}

double churn_km_at(const churn_km *km, double t)
{
    return km ? churn__steps_at(&km->s, t) : NAN;
}

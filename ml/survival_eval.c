/* survival_eval.c - how well a survival model's predictions match the
 * churn times: Harrell's C-index of the risk score, and per horizon h the
 * time-dependent AUC, the IPCW Brier score and the calibration of
 * P(churn within h) against Kaplan-Meier, plus Kaplan-Meier curves per
 * risk tier. docs/SURVIVAL_EVAL.md defines every figure. */
#include "ml/eval.h"
#include "ml/survival_eval.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The times and events, their order by time (computed once: every
 * Kaplan-Meier curve of a subset walks it), and scratch for subsets. */
typedef struct surv_rows {
    const double *time, *event;
    size_t n;
    size_t *by_time;
    size_t *which;             /* a group per row */
    size_t *subset;            /* rows of one group, in time order */
} surv_rows;

/* The Kaplan-Meier curve of the rows whose group is g. */
static int km_of_group(const surv_rows *d, size_t g, churn__steps *out)
{
    size_t m = 0;
    for (size_t r = 0; r < d->n; r++)
        if (d->which[d->by_time[r]] == g)
            d->subset[m++] = d->by_time[r];
    return churn__km_ordered(d->time, d->event, d->subset, m, 0, out);
}

/* --------------------------------------------------------- the C-index */

/* A Fenwick tree of counts over risk ranks 1..m. */
typedef struct fenwick {
    size_t m;
    double *c;
} fenwick;

static void fenwick_add(fenwick *f, size_t rank)
{
    for (size_t i = rank; i <= f->m; i += i & (~i + 1))
        f->c[i] += 1;
}

/* Rows inserted with rank <= rank. */
static double fenwick_sum(const fenwick *f, size_t rank)
{
    double s = 0;
    for (size_t i = rank; i > 0; i -= i & (~i + 1))
        s += f->c[i];
    return s;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* 1-based rank of x among the m distinct sorted values v. */
static size_t rank_of(const double *v, size_t m, double x)
{
    size_t lo = 0, hi = m;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo + 1;
}

/* Harrell's C: pairs (i, j) with event_i = 1 and t_i < t_j, or t_i = t_j
 * with j censored (lifelines' rule); concordant when risk_i > risk_j,
 * half when equal. Rows go from the latest time to the earliest; the tree
 * holds the risks of every row after the current time and of the rows
 * censored at it, which is exactly the set each churn there is compared
 * with. O(n log n). */
static int c_index(const surv_rows *d, const double *risk,
                   churn_survival_eval *s)
{
    const double *time = d->time, *event = d->event;
    const size_t *order = d->by_time;
    size_t n = d->n;
    double *v = malloc((n ? n : 1) * sizeof *v);
    fenwick f = {0, calloc(n + 1, sizeof(double))};
    if (!v || !f.c) {
        free(v);
        free(f.c);
        return -1;
    }
    memcpy(v, risk, n * sizeof *v);
    qsort(v, n, sizeof *v, cmp_double);
    for (size_t i = 0; i < n; i++)
        if (f.m == 0 || v[i] != v[f.m - 1])
            v[f.m++] = v[i];
    double in_tree = 0;
    for (size_t end = n; end > 0;) {
        size_t start = end;
        while (start > 0 && time[order[start - 1]] == time[order[end - 1]])
            start--;
        for (size_t i = start; i < end; i++)
            if (event[order[i]] == 0) {
                fenwick_add(&f, rank_of(v, f.m, risk[order[i]]));
                in_tree++;
            }
        for (size_t i = start; i < end; i++) {
            if (event[order[i]] == 0)
                continue;
            size_t r = rank_of(v, f.m, risk[order[i]]);
            double below = fenwick_sum(&f, r - 1);
            double equal = fenwick_sum(&f, r) - below;
            s->comparable += in_tree;
            s->concordant += below;
            s->tied_risk += equal;
        }
        for (size_t i = start; i < end; i++)
            if (event[order[i]] != 0) {
                fenwick_add(&f, rank_of(v, f.m, risk[order[i]]));
                in_tree++;
            }
        end = start;
    }
    s->c_index = s->comparable > 0
                     ? (s->concordant + s->tied_risk / 2) / s->comparable
                     : NAN;
    free(v);
    free(f.c);
    return 0;
}

/* ---------------------------------------------------- per horizon h */

/* Whether row i is known to be a customer after h: its time is later,
 * or it was censored on day h (seen through that day, as a censoring on
 * the day of a churn comes after it). */
static int control(const double *time, const double *event, size_t i,
                   double h)
{
    return time[i] > h || (time[i] == h && event[i] == 0);
}

/* Cumulative/dynamic AUC at h with IPCW case weights 1 / G(t_i-): cases
 * churned by h, controls known to be customers after h; marker p =
 * P(churn within h). Controls all weigh 1 / G(h-), which cancels. */
static int td_auc(const double *time, const double *event, const double *p,
                  size_t n, size_t k, const churn__steps *g,
                  churn__surv_horizon *h)
{
    double *controls = malloc((n ? n : 1) * sizeof *controls);
    if (!controls)
        return -1;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (control(time, event, i, h->horizon))
            controls[m++] = p[i * k];
    qsort(controls, m, sizeof *controls, cmp_double);
    double num = 0, den = 0;
    h->cases = 0;
    h->controls = (double)m;
    for (size_t i = 0; i < n; i++) {
        if (event[i] == 0 || time[i] > h->horizon)
            continue;
        double w = 1 / churn__steps_before(g, time[i]);
        size_t below = rank_of(controls, m, p[i * k]) - 1;
        size_t upto = rank_of(controls, m, nextafter(p[i * k], INFINITY)) - 1;
        num += w * ((double)below + (double)(upto - below) / 2);
        den += w * (double)m;
        h->cases++;
    }
    h->td_auc = h->cases > 0 && m > 0 ? num / den : NAN;
    free(controls);
    return 0;
}

/* Graf's Brier score at h: a churn by h scores (1 - p)^2 / G(t_i-), a
 * customer known to stay after h scores p^2 / G(h-), a row censored
 * before h nothing; the mean over all n rows. G(t-) = P(C >= t): the
 * chance of being seen through day t. */
static void brier(const double *time, const double *event, const double *p,
                  size_t n, size_t k, const churn__steps *g,
                  churn__surv_horizon *h)
{
    double sum = 0, g_h = churn__steps_before(g, h->horizon), mean = 0;
    for (size_t i = 0; i < n; i++) {
        double q = p[i * k];
        mean += q;
        if (control(time, event, i, h->horizon))
            sum += q * q / g_h;
        else if (event[i] != 0)
            sum += (1 - q) * (1 - q) / churn__steps_before(g, time[i]);
    }
    h->brier = n ? sum / (double)n : NAN;
    h->mean_predicted = n ? mean / (double)n : NAN;
}

/* Calibration: the rows in 10 groups of equal size by P(h) (lowest
 * first); per group the mean P(h) and 1 - its Kaplan-Meier S(h). */
static int calibration(const surv_rows *d, const double *p, size_t k,
                       churn__surv_horizon *h)
{
    size_t n = d->n;
    double *key = malloc((n ? n : 1) * sizeof *key);
    size_t *order = NULL;
    if (key) {
        for (size_t i = 0; i < n; i++)
            key[i] = p[i * k];
        order = churn__order_by(key, NULL, n);
    }
    int rc = order ? 0 : -1;
    double error = 0;
    for (size_t g = 0; rc == 0 && g < CHURN__SURV_GROUPS; g++) {
        size_t lo = g * n / CHURN__SURV_GROUPS;
        size_t hi = (g + 1) * n / CHURN__SURV_GROUPS;
        double sum = 0;
        for (size_t r = lo; r < hi; r++) {
            sum += key[order[r]];
            d->which[order[r]] = g;
        }
        h->cal_rows[g] = hi - lo;
        h->cal_mean[g] = hi > lo ? sum / (double)(hi - lo) : NAN;
        h->cal_observed[g] = NAN;
    }
    for (size_t g = 0; rc == 0 && g < CHURN__SURV_GROUPS; g++) {
        churn__steps km;
        if (h->cal_rows[g] == 0)
            continue;
        if (km_of_group(d, g, &km)) {
            rc = -1;
            break;
        }
        h->cal_observed[g] = 1 - churn__steps_at(&km, h->horizon);
        churn__steps_free(&km);
        error += (double)h->cal_rows[g] *
                 fabs(h->cal_mean[g] - h->cal_observed[g]);
    }
    h->calibration_error = n ? error / (double)n : NAN;
    free(key);
    free(order);
    return rc;
}

/* ------------------------------------------------------- risk tiers */

/* Where a tier goes in the report: high, medium, low first, then other
 * names (a stable sort keeps them in the order they first occur). */
static size_t tier_rank(const char *name)
{
    static const char *const known[] = {"high", "medium", "low"};
    for (size_t i = 0; i < 3; i++)
        if (strcmp(name, known[i]) == 0)
            return i;
    return 3;
}

/* Finds or adds tier name; its index, or (size_t)-1 out of memory. */
static size_t tier_index(churn_survival_eval *s, const char *name)
{
    for (size_t t = 0; t < s->n_tiers; t++)
        if (strcmp(s->tier[t].name, name) == 0)
            return t;
    churn__surv_tier *grown = realloc(s->tier, (s->n_tiers + 1) *
                                                   sizeof *grown);
    if (!grown)
        return (size_t)-1;
    s->tier = grown;
    churn__surv_tier *t = &s->tier[s->n_tiers];
    *t = (churn__surv_tier){0};
    if (!(t->name = churn__strdup(name)))
        return (size_t)-1;
    return s->n_tiers++;
}

static int tiers(const surv_rows *d, const char *const *tier,
                 churn_survival_eval *s)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < d->n; i++)
        if (tier[i] && tier_index(s, tier[i]) == (size_t)-1)
            rc = -1;
    /* Order the tiers (a handful: insertion sort), then fit each. */
    for (size_t a = 1; rc == 0 && a < s->n_tiers; a++)
        for (size_t b = a; b > 0 && tier_rank(s->tier[b].name) <
                                        tier_rank(s->tier[b - 1].name);
             b--) {
            churn__surv_tier tmp = s->tier[b];
            s->tier[b] = s->tier[b - 1];
            s->tier[b - 1] = tmp;
        }
    for (size_t i = 0; rc == 0 && i < d->n; i++) {
        d->which[i] = (size_t)-1;  /* no tier */
        for (size_t t = 0; tier[i] && t < s->n_tiers; t++)
            if (strcmp(tier[i], s->tier[t].name) == 0) {
                d->which[i] = t;
                s->tier[t].rows++;
                s->tier[t].events += d->event[i] != 0;
                break;
            }
    }
    for (size_t t = 0; rc == 0 && t < s->n_tiers; t++)
        rc = km_of_group(d, t, &s->tier[t].km);
    return rc;
}

/* -------------------------------------------------------- the whole */

void churn_survival_eval_free(churn_survival_eval *s)
{
    if (!s)
        return;
    free(s->h);
    churn__steps_free(&s->km);
    for (size_t t = 0; t < s->n_tiers; t++) {
        free(s->tier[t].name);
        churn__steps_free(&s->tier[t].km);
    }
    free(s->tier);
    free(s);
}

/* Checks the inputs; names the first bad row (1-based). */
static int check_inputs(const double *time, const double *event, size_t n,
                        const double *risk, const double *p_h,
                        const double *horizons, size_t k, churn_error *err)
{
    for (size_t j = 0; j < k; j++)
        if (!(horizons[j] > 0) || !isfinite(horizons[j]))
            return churn__fail(err, CHURN_EINVAL, "survival evaluation: "
                               "horizon %zu is not a number > 0", j + 1);
    for (size_t i = 0; i < n; i++) {
        if (!(time[i] >= 0) || !isfinite(time[i]))
            return churn__fail(err, CHURN_EINVAL, "survival evaluation: row "
                               "%zu: time to churn is not a number >= 0",
                               i + 1);
        if (event[i] != 0 && event[i] != 1)
            return churn__fail(err, CHURN_EINVAL, "survival evaluation: row "
                               "%zu: churned is not 0 or 1", i + 1);
        if (!isfinite(risk[i]))
            return churn__fail(err, CHURN_EINVAL, "survival evaluation: row "
                               "%zu: risk is not a number", i + 1);
        for (size_t j = 0; j < k; j++)
            if (!(p_h[i * k + j] >= 0 && p_h[i * k + j] <= 1))
                return churn__fail(err, CHURN_EINVAL, "survival evaluation: "
                                   "row %zu: P(churn within %g) is not in "
                                   "[0, 1]", i + 1, horizons[j]);
    }
    return CHURN_OK;
}

static int compute(surv_rows *d, const double *risk, const double *p_h,
                   const double *horizons, size_t k,
                   const char *const *tier, churn_survival_eval *s)
{
    churn__steps g;
    s->n = d->n;
    for (size_t i = 0; i < d->n; i++)
        s->events += d->event[i] != 0;
    if (c_index(d, risk, s) ||
        churn__km_ordered(d->time, d->event, d->by_time, d->n, 0, &s->km))
        return -1;
    if (churn__km_ordered(d->time, d->event, d->by_time, d->n, 1, &g))
        return -1;
    int rc = 0;
    for (size_t j = 0; rc == 0 && j < k; j++) {
        churn__surv_horizon *h = &s->h[j];
        h->horizon = horizons[j];
        h->km_churn = 1 - churn__steps_at(&s->km, h->horizon);
        rc = td_auc(d->time, d->event, p_h + j, d->n, k, &g, h);
        brier(d->time, d->event, p_h + j, d->n, k, &g, h);
        if (rc == 0)
            rc = calibration(d, p_h + j, k, h);
    }
    churn__steps_free(&g);
    if (rc == 0 && tier)
        rc = tiers(d, tier, s);
    return rc;
}

int churn_survival_eval_compute(const double *time, const double *event,
                                size_t n, const double *risk,
                                const double *p_h, const double *horizons,
                                size_t k, const char *const *tier,
                                churn_survival_eval **out, churn_error *err)
{
    if (!out || !time || !event || !risk || (k && (!p_h || !horizons)))
        return churn__fail(err, CHURN_EINVAL, "churn_survival_eval_compute: "
                           "null argument");
    *out = NULL;
    int rc = check_inputs(time, event, n, risk, p_h, horizons, k, err);
    if (rc != CHURN_OK)
        return rc;
    churn_survival_eval *s = calloc(1, sizeof *s);
    if (!s || !(s->h = calloc(k ? k : 1, sizeof *s->h))) {
        free(s);
        return churn__fail_nomem(err);
    }
    s->k = k;
    surv_rows d = {time, event, n, churn__order_by(time, NULL, n),
                   malloc((n ? n : 1) * sizeof(size_t)),
                   malloc((n ? n : 1) * sizeof(size_t))};
    int bad = !d.by_time || !d.which || !d.subset ||
              compute(&d, risk, p_h, horizons, k, tier, s);
    free(d.by_time);
    free(d.which);
    free(d.subset);
    if (bad) {
        churn_survival_eval_free(s);
        return churn__fail_nomem(err);
    }
    *out = s;
    return CHURN_OK;
}

/* --------------------------------------------------------- getters */

size_t churn_survival_eval_n_horizons(const churn_survival_eval *s)
{
    return s ? s->k : 0;
}

double churn_survival_eval_get(const churn_survival_eval *s,
                               const char *name, size_t j)
{
    if (!s || !name)
        return NAN;
    static const char *const whole[] = {"rows", "events", "c_index",
                                        "comparable_pairs",
                                        "concordant_pairs",
                                        "tied_risk_pairs"};
    double whole_v[] = {(double)s->n, (double)s->events, s->c_index,
                        s->comparable, s->concordant, s->tied_risk};
    for (size_t i = 0; i < sizeof whole / sizeof whole[0]; i++)
        if (strcmp(name, whole[i]) == 0)
            return whole_v[i];
    if (j >= s->k)
        return NAN;
    const churn__surv_horizon *h = &s->h[j];
    static const char *const per[] = {"horizon", "td_auc", "brier",
                                      "km_churn", "mean_predicted",
                                      "calibration_error", "cases",
                                      "controls"};
    double per_v[] = {h->horizon, h->td_auc, h->brier, h->km_churn,
                      h->mean_predicted, h->calibration_error, h->cases,
                      h->controls};
    for (size_t i = 0; i < sizeof per / sizeof per[0]; i++)
        if (strcmp(name, per[i]) == 0)
            return per_v[i];
    return NAN;
}

int churn_survival_eval_calibration(const churn_survival_eval *s, size_t j,
                                    size_t g, size_t *rows,
                                    double *mean_predicted,
                                    double *km_observed)
{
    if (!s || j >= s->k || g >= CHURN__SURV_GROUPS)
        return CHURN_EINVAL;
    if (rows)
        *rows = s->h[j].cal_rows[g];
    if (mean_predicted)
        *mean_predicted = s->h[j].cal_mean[g];
    if (km_observed)
        *km_observed = s->h[j].cal_observed[g];
    return CHURN_OK;
}

size_t churn_survival_eval_n_tiers(const churn_survival_eval *s)
{
    return s ? s->n_tiers : 0;
}

const char *churn_survival_eval_tier(const churn_survival_eval *s, size_t t,
                                     size_t *rows, size_t *events)
{
    if (!s || t >= s->n_tiers)
        return NULL;
    if (rows)
        *rows = s->tier[t].rows;
    if (events)
        *events = s->tier[t].events;
    return s->tier[t].name;
}

double churn_survival_eval_tier_km(const churn_survival_eval *s, size_t t,
                                   double time)
{
    if (!s || t >= s->n_tiers)
        return NAN;
    return churn__steps_at(&s->tier[t].km, time);
}

int churn_eval_add_survival(churn_eval *e, const double *time,
                            const double *event, size_t n,
                            const double *risk, const double *p_h,
                            const double *horizons, size_t k,
                            const char *const *tier, churn_error *err)
{
    if (!e)
        return churn__fail(err, CHURN_EINVAL, "churn_eval_add_survival: "
                           "null argument");
    churn_survival_eval *s;
    int rc = churn_survival_eval_compute(time, event, n, risk, p_h,
                                         horizons, k, tier, &s, err);
    if (rc != CHURN_OK)
        return rc;
    churn_survival_eval_free(e->survival);
    e->survival = s;
    e->metrics[CHURN__E_C_INDEX] = s->c_index;
    return CHURN_OK;
}

const churn_survival_eval *churn_eval_survival(const churn_eval *e)
{
    return e ? e->survival : NULL;
}

/* kpi.c - retention KPIs over a period [start, end): customers at start
 * and end, retention and churn rates, revenue retention and the monthly
 * cohort table, all from one pass over the event log. */
#include "features/history.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MONTHS_MAX 120

/* Snapshots: end, start, start - period, then the first day of each month
 * after the month of start up to end. */
enum { SNAP_END, SNAP_START, SNAP_BEFORE, SNAP_MONTHS };

static const char *const value_names[] = {
    "customers_start", "customers_end", "new", "retained",
    "retention_rate", "churn_rate", "revenue_start", "revenue_end",
    "revenue_retention", "start", "end"};
enum {
    V_START, V_END, V_NEW, V_RETAINED, V_RETENTION, V_CHURN, V_REV_START,
    V_REV_END, V_REV_RETENTION, V_PERIOD_START, V_PERIOD_END, N_VALUES
};

struct churn_kpi {
    double values[N_VALUES];
    /* revenue before and in the period, exact decimal sums of amounts */
    churn__decsum rev_start, rev_end;
    size_t n_cohorts, n_months;
    char (*cohort)[32];         /* "YYYY-MM" */
    size_t *size;
    double *retention;          /* n_cohorts x n_months */
};

double churn_retention_rate(double customers_start, double customers_end,
                            double new_customers)
{
    if (!(customers_start > 0))
        return NAN;
    return (customers_end - new_customers) / customers_start;
}

double churn_clv(double margin_per_month, double monthly_churn,
                 double cap_months)
{
    if (!(monthly_churn >= 0 && monthly_churn <= 1) || !(cap_months >= 0))
        return NAN;
    /* With a constant monthly churn probability p, the lifetime in months
     * is geometric with mean 1 / p; the cap stands for the horizon the
     * business plans over (and for p = 0). */
    double months = monthly_churn > 0 ? 1.0 / monthly_churn : INFINITY;
    return margin_per_month * (months < cap_months ? months : cap_months);
}

/* Months since year 0 of Unix time t (UTC): 12 * year + month - 1. */
static long month_index(double t)
{
    char d[16];
    churn_format_date(t, d, sizeof d);
    long year = 0;
    for (size_t i = 0; i < 4; i++)
        year = 10 * year + (d[i] - '0');
    return 12 * year + 10 * (d[5] - '0') + (d[6] - '0') - 1;
}

/* Unix time of the first day of month index q. */
static double month_start(long q)
{
    char d[48];
    double t = NAN;
    snprintf(d, sizeof d, "%04ld-%02ld-01", q / 12, q % 12 + 1);
    churn_parse_time(d, strlen(d), &t);
    return t;
}

void churn_kpi_free(churn_kpi *k)
{
    if (!k)
        return;
    free(k->cohort);
    free(k->size);
    free(k->retention);
    free(k);
}

/* Allocates k's cohort table: one row per month from start to end. */
static int alloc_table(churn_kpi *k, long first, long last, size_t months,
                       churn_error *err)
{
    k->n_cohorts = (size_t)(last - first + 1);
    k->n_months = months;
    k->cohort = calloc(k->n_cohorts, sizeof *k->cohort);
    k->size = calloc(k->n_cohorts, sizeof *k->size);
    k->retention = calloc(k->n_cohorts * (months ? months : 1),
                          sizeof *k->retention);
    if (!k->cohort || !k->size || !k->retention)
        return churn__fail_nomem(err);
    for (size_t i = 0; i < k->n_cohorts; i++) {
        long q = first + (long)i;
        snprintf(k->cohort[i], sizeof k->cohort[i], "%04ld-%02ld", q / 12,
                 q % 12 + 1);
    }
    return CHURN_OK;
}

/* Counts customer c into the figures and the cohort table (counts, made
 * shares by finish). */
static void count_customer(churn_kpi *k, const churn__history *h, size_t c,
                           double window, long first_month, double start,
                           double end)
{
    const churn__customer *cu = churn__customer_at(h, c);
    int at_start = churn__snapshot_in_population(h, c, SNAP_START, window);
    int at_end = churn__snapshot_in_population(h, c, SNAP_END, window);
    double *v = k->values;
    v[V_START] += at_start;
    v[V_END] += at_end;
    v[V_RETAINED] += at_start && at_end;
    if (at_start) {
        /* monetary_total at t sums the purchases before t. */
        const churn__acc *a = cu->acc;
        churn__decsum_merge(&k->rev_end, &a[SNAP_END].monetary_total, 1);
        churn__decsum_merge(&k->rev_end, &a[SNAP_START].monetary_total, -1);
        churn__decsum_merge(&k->rev_start, &a[SNAP_START].monetary_total, 1);
        churn__decsum_merge(&k->rev_start, &a[SNAP_BEFORE].monetary_total,
                            -1);
    }
    double signup = isfinite(cu->first_signup) ? cu->first_signup
                                               : cu->first_event;
    if (!(signup >= start && signup < end))
        return;
    size_t row = (size_t)(month_index(signup) - first_month);
    k->size[row]++;
    /* Month m of this cohort is snapshot SNAP_MONTHS + row + m - 1. */
    for (size_t m = 1; row + m <= k->n_months; m++)
        k->retention[row * k->n_months + m - 1] +=
            churn__snapshot_in_population(h, c, SNAP_MONTHS + row + m - 1,
                                          window);
}

static void finish(churn_kpi *k)
{
    double *v = k->values;
    v[V_NEW] = v[V_END] - v[V_RETAINED];
    v[V_RETENTION] = churn_retention_rate(v[V_START], v[V_END], v[V_NEW]);
    v[V_CHURN] = 1 - v[V_RETENTION];
    v[V_REV_START] = churn__decsum_value(&k->rev_start);
    v[V_REV_END] = churn__decsum_value(&k->rev_end);
    v[V_REV_RETENTION] = v[V_REV_START] > 0 ? v[V_REV_END] / v[V_REV_START]
                                            : NAN;
    for (size_t i = 0; i < k->n_cohorts; i++)
        for (size_t m = 1; m <= k->n_months; m++) {
            double *cell = &k->retention[i * k->n_months + m - 1];
            *cell = i + m <= k->n_months && k->size[i] > 0
                        ? *cell / (double)k->size[i]
                        : NAN;
        }
}

int churn_kpi_compute(const char *events_path, const churn_feature_opts *o,
                      int64_t start, int64_t end, churn_kpi **out,
                      churn_error *err)
{
    if (out)
        *out = NULL;
    if (!events_path || !o || !out)
        return churn__fail(err, CHURN_EINVAL, "no events path, options or "
                           "output");
    if (start >= end)
        return churn__fail(err, CHURN_EINVAL, "the KPI period must end "
                           "after it starts");
    double t_start = (double)start, t_end = (double)end;
    long first = month_index(t_start), last = month_index(t_end - 1);
    if (last - first >= MONTHS_MAX)
        return churn__fail(err, CHURN_EINVAL, "the KPI period spans more "
                           "than %d months", MONTHS_MAX);
    /* Month firsts after the month of start, up to and including end. */
    size_t months = 0;
    double times[SNAP_MONTHS + MONTHS_MAX + 1];
    times[SNAP_END] = t_end;
    times[SNAP_START] = t_start;
    times[SNAP_BEFORE] = t_start - (t_end - t_start);
    for (long q = first + 1; month_start(q) <= t_end; q++)
        times[SNAP_MONTHS + months++] = month_start(q);
    churn__roles *roles = NULL;
    churn__history *h = NULL;
    churn_kpi *k = calloc(1, sizeof *k);
    int rc = k ? alloc_table(k, first, last, months, err)
               : churn__fail_nomem(err);
    if (rc == CHURN_OK)
        rc = churn__roles_build(o, &roles, err);
    if (rc == CHURN_OK &&
        !(h = churn__history_new(times, SNAP_MONTHS + months, 0)))
        rc = churn__fail_nomem(err);
    if (rc == CHURN_OK)
        rc = churn__events_read(events_path, o, roles, h, err);
    if (rc == CHURN_OK && h->n_events == 0)
        rc = churn__fail_at(err, CHURN_EEMPTY, events_path, 0, 0,
                            "no events after the header");
    if (rc == CHURN_OK) {
        double window = o->active_window_days * CHURN__DAY;
        k->values[V_PERIOD_START] = t_start;
        k->values[V_PERIOD_END] = t_end;
        for (size_t c = 0; c < h->n_customers; c++)
            count_customer(k, h, c, window, first, t_start, t_end);
        finish(k);
        *out = k;
        k = NULL;
    }
    churn__roles_free(roles);
    churn__history_free(h);
    churn_kpi_free(k);
    return rc;
}

double churn_kpi_value(const churn_kpi *k, const char *name)
{
    for (size_t j = 0; k && name && j < N_VALUES; j++)
        if (strcmp(name, value_names[j]) == 0)
            return k->values[j];
    return NAN;
}

size_t churn_kpi_n_cohorts(const churn_kpi *k) { return k ? k->n_cohorts : 0; }
size_t churn_kpi_n_months(const churn_kpi *k) { return k ? k->n_months : 0; }

const char *churn_kpi_cohort(const churn_kpi *k, size_t i)
{
    return k && i < k->n_cohorts ? k->cohort[i] : NULL;
}

size_t churn_kpi_cohort_size(const churn_kpi *k, size_t i)
{
    return k && i < k->n_cohorts ? k->size[i] : 0;
}

double churn_kpi_cohort_retention(const churn_kpi *k, size_t i, size_t month)
{
    if (!k || i >= k->n_cohorts || month < 1 || month > k->n_months)
        return NAN;
    return k->retention[i * k->n_months + month - 1];
}

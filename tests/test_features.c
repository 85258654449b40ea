/* test_features.c - the features: each one on a hand-computed event log,
 * the satisfaction trend against GSL, unknown event names, and all of them
 * against a brute-force reference on a random log, sorted or not. */
#include "featutil.h"

#include <gsl/gsl_fit.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ the features */

static void test_catalog_and_roles(void **state)
{
    (void)state;
    size_t n;
    const churn_feature_info *f = churn_feature_list(&n);
    assert_int_equal(n, 20);
    assert_string_equal(f[0].name, "tenure_days");
    assert_string_equal(f[19].name, "satisfaction_trend");
    for (size_t i = 0; i < n; i++) {
        assert_true(strlen(f[i].unit) > 0 && strlen(f[i].meaning) > 10);
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(f[i].name, f[j].name);
    }
    for (int r = 0; r < CHURN_ROLE_COUNT; r++)
        assert_int_equal(churn_role_from_name(churn_role_name(r)), r);
    assert_int_equal(churn_role_from_name("Ticket_Open"),
                     CHURN_ROLE_TICKET_OPEN);
    assert_int_equal(churn_role_from_name("nope"), -1);
    assert_null(churn_role_name(CHURN_ROLE_COUNT));
}

/* Days before 2024-01-01: 12-31 = 1, 12-25 = 7, 12-24 = 8, 12-02 = 30,
 * 12-01 = 31, 11-02 = 60, 11-01 = 61, 10-03 = 90, 10-02 = 91, 06-01 = 214. */
static const char activity_log[] =
    "customer_id,timestamp,event,value\n"
    "a,2023-05-01,login,\n"     /* 245 days: only the first event */
    "a,2023-06-01,signup,\n"    /* tenure counts from here: 214 days */
    "a,2023-12-31,login,\n"     /* 1 day: 7d, 30d, 90d */
    "a,2023-12-25,LOGIN,2\n"    /* exactly 7 days: 7d (value 2) */
    "a,2023-12-24,usage,\n"     /* 8 days: 30d, 90d */
    "a,2023-12-02,session,\n"   /* exactly 30 days: 30d */
    "a,2023-12-01,page_view,\n" /* 31: the 30 before, 90d */
    "a,2023-11-02,activity,\n"  /* exactly 60: the 30 before, 90d */
    "a,2023-11-01,login,\n"     /* 61: 90d only */
    "a,2023-10-03,login,\n"     /* exactly 90: 90d */
    "a,2023-10-02,login,\n"     /* 91: none */
    "a,2024-01-01,login,5\n"    /* at t0: never a feature */
    "b,2023-12-30T12:00:00Z,login,\n";

static void test_activity_tenure_recency(void **state)
{
    (void)state;
    churn_feature_opts *o = fu_opts_at(T0);
    churn_dataset *ds = fu_extract(activity_log, o, NULL);
    assert_int_equal(churn_dataset_n_rows(ds), 2);
    assert_int_equal(churn_dataset_n_cols(ds), 20);
    assert_string_equal(churn_dataset_id(ds, 0), "a");
    assert_int_equal(churn_dataset_has_labels(ds), 0);
    assert_true(isnan(churn_dataset_as_of(ds, 0)));
    fu_assert_feature(ds, "a", "tenure_days", 214);
    fu_assert_feature(ds, "a", "recency_activity_days", 1);
    fu_assert_feature(ds, "a", "activity_7d", 1 + 2);
    fu_assert_feature(ds, "a", "activity_30d", 3 + 1 + 1);
    fu_assert_feature(ds, "a", "activity_90d", 5 + 1 + 1 + 1 + 1);
    /* a = 5 (last 30 days), b = 2 (12-01, 11-02): (5 - 2) / (5 + 2) */
    fu_assert_feature(ds, "a", "activity_trend", 3.0 / 7.0);
    /* No purchase, ticket or survey: recency unknown, counts zero. */
    fu_assert_feature(ds, "a", "recency_purchase_days", NAN);
    fu_assert_feature(ds, "a", "recency_ticket_days", NAN);
    fu_assert_feature(ds, "a", "purchases_total", 0);
    fu_assert_feature(ds, "a", "monetary_total", 0);
    fu_assert_feature(ds, "a", "ticket_resolution_days_mean", NAN);
    fu_assert_feature(ds, "a", "satisfaction_last", NAN);
    fu_assert_feature(ds, "a", "satisfaction_count", 0);
    /* b: one login 1.5 days ago, no signup: tenure from that event. */
    fu_assert_feature(ds, "b", "tenure_days", 1.5);
    fu_assert_feature(ds, "b", "recency_activity_days", 1.5);
    /* a = 1, b = 0: (1 - 0) / (1 + 0) */
    fu_assert_feature(ds, "b", "activity_trend", 1);
    churn_dataset_free(ds);
    churn_feature_opts_free(o);
}

static void test_purchases_and_tickets(void **state)
{
    (void)state;
    churn_feature_opts *o = fu_opts_at(T0);
    /* Days before t0: 12-11 = 21, 09-01 = 122, 10-03 = 90, 12-21 = 11,
     * 12-01 = 31, 09-11 = 112, 12-04 = 28. */
    const char *log = "customer_id,timestamp,event,value\n"
                      "a,2023-12-31,login,\n"
                      "a,2023-12-11,purchase,10.5\n"
                      "a,2023-09-01,order,20\n"
                      "a,2023-10-03,Payment,\n" /* no amount */
                      "a,2023-12-21,ticket,3\n"
                      "a,2023-12-01,complaint,\n"
                      "a,2023-09-01,ticket_opened,\n"
                      "a,2023-09-11,ticket_closed,\n"
                      "a,2023-12-04,ticket_resolved,\n";
    churn_dataset *ds = fu_extract(log, o, NULL);
    fu_assert_feature(ds, "a", "recency_purchase_days", 21);
    fu_assert_feature(ds, "a", "purchases_90d", 2);      /* 12-11, 10-03 */
    fu_assert_feature(ds, "a", "monetary_90d", 10.5);    /* 10-03 has none */
    fu_assert_feature(ds, "a", "purchases_total", 3);
    fu_assert_feature(ds, "a", "monetary_total", 30.5);  /* 10.5 + 20 */
    fu_assert_feature(ds, "a", "recency_ticket_days", 11);
    fu_assert_feature(ds, "a", "tickets_30d", 1);        /* 12-21 */
    fu_assert_feature(ds, "a", "tickets_90d", 2);        /* 12-21, 12-01 */
    fu_assert_feature(ds, "a", "tickets_unresolved", 1); /* 3 - 2 closed */
    /* FIFO: 09-01 -> 09-11 = 10 days, 12-01 -> 12-04 = 3 days; 12-21 is
     * still open. Mean (10 + 3) / 2. */
    fu_assert_feature(ds, "a", "ticket_resolution_days_mean", 6.5);
    churn_dataset_free(ds);
    churn_feature_opts_free(o);
}

static void test_ticket_resolution_edge_cases(void **state)
{
    (void)state;
    churn_feature_opts *o = fu_opts_at(T0);
    /* c: ten tickets opened 10, 20, ..., 100 days before t0 and one closed
     * 5 days before. FIFO closes the oldest (100 -> 5: 95 days). Nine are
     * open, one more than the 8 latest that are kept: the ninth (90 days)
     * is estimated by the mean age of the opens not kept, (90 + 100) / 2
     * = 95, so the result is 100 - 95 + 90 - 5 = 90 instead of 95 - the
     * documented estimate.
     * d: a close with no open at all: no duration to tell.
     * e: one open 10 days ago, closed 20 days ago (bad data): floored at 0.
     * f: two closes (4 and 2 days ago) for one open 6 days ago (the other
     * opened before the log): mean close age 3, open age 6: 3 days. */
    char log[2048] = "customer_id,timestamp,event\n";
    size_t n = strlen(log);
    for (int d = 10; d <= 100; d += 10)
        n += (size_t)snprintf(log + n, sizeof log - n, "c,%d,ticket\n",
                              T0 - d * 86400);
    snprintf(log + n, sizeof log - n,
             "c,%d,ticket_closed\nc,%d,login\n"
             "d,%d,ticket_closed\nd,%d,login\n"
             "e,%d,ticket\ne,%d,ticket_closed\ne,%d,login\n"
             "f,%d,ticket\nf,%d,ticket_closed\nf,%d,ticket_closed\n"
             "f,%d,login\n",
             T0 - 5 * 86400, T0 - 1, T0 - 3 * 86400, T0 - 1,
             T0 - 10 * 86400, T0 - 20 * 86400, T0 - 1, T0 - 6 * 86400,
             T0 - 4 * 86400, T0 - 2 * 86400, T0 - 1);
    churn_dataset *ds = fu_extract(log, o, NULL);
    fu_assert_feature(ds, "c", "tickets_unresolved", 9);
    fu_assert_feature(ds, "c", "ticket_resolution_days_mean", 90);
    fu_assert_feature(ds, "d", "tickets_unresolved", 0);
    fu_assert_feature(ds, "d", "ticket_resolution_days_mean", NAN);
    fu_assert_feature(ds, "e", "tickets_unresolved", 0);
    fu_assert_feature(ds, "e", "ticket_resolution_days_mean", 0);
    fu_assert_feature(ds, "f", "tickets_unresolved", 0);
    fu_assert_feature(ds, "f", "ticket_resolution_days_mean", 3);
    churn_dataset_free(ds);
    churn_feature_opts_free(o);
}

/* Scores: 12-17 (15 days, x = -0.5) 4; 11-17 (45, x = -1.5) 2; 07-05
 * (180, x = -6, the window's edge) 1; 06-01 (214, outside) 5; 08-01
 * without a score (ignored). Mean (4 + 2 + 1 + 5) / 4 = 3. Slope by hand:
 * mean x = -8/3, mean y = 7/3; deviations x: 13/6, 7/6, -10/3; y: 5/3,
 * -1/3, -4/3; Sxy = 276/36, Sxx = 618/36, slope = 276/618 = 46/103. */
static void test_satisfaction(void **state)
{
    (void)state;
    churn_feature_opts *o = fu_opts_at(T0);
    const char *log = "customer_id,timestamp,event,value\n"
                      "a,2023-12-31,login,\n"
                      "a,2023-12-17,survey,4\n"
                      "a,2023-07-05,csat,1\n"
                      "a,2023-11-17,NPS,2\n"
                      "a,2023-06-01,satisfaction,5\n"
                      "a,2023-08-01,survey,NA\n"
                      "b,2023-12-31,login,\n"
                      "b,2023-12-01,survey,3\n"  /* one survey: no slope */
                      "c,2023-12-31,login,\n"
                      "c,2023-12-01,survey,3\n"  /* same time: no spread */
                      "c,2023-12-01,survey,5\n";
    churn_dataset *ds = fu_extract(log, o, NULL);
    fu_assert_feature(ds, "a", "satisfaction_last", 4);
    fu_assert_feature(ds, "a", "satisfaction_mean", 3);
    fu_assert_feature(ds, "a", "satisfaction_count", 4);
    fu_assert_feature(ds, "a", "satisfaction_trend", 46.0 / 103.0);
    /* The same slope from GSL's least-squares fit on the same points. */
    double x[] = {-0.5, -6, -1.5}, y[] = {4, 1, 2};
    double c0, c1, cov00, cov01, cov11, sumsq;
    assert_int_equal(gsl_fit_linear(x, 1, y, 1, 3, &c0, &c1, &cov00, &cov01,
                                    &cov11, &sumsq), 0);
    assert_near(fu_get(ds, "a", "satisfaction_trend"), c1, 1e-12);
    fu_assert_feature(ds, "b", "satisfaction_trend", NAN);
    fu_assert_feature(ds, "b", "satisfaction_last", 3);
    fu_assert_feature(ds, "c", "satisfaction_trend", NAN);
    fu_assert_feature(ds, "c", "satisfaction_mean", 4);
    fu_assert_feature(ds, "c", "satisfaction_last", 5); /* tie: later row */
    churn_dataset_free(ds);
    churn_feature_opts_free(o);
}

/* Many surveys at irregular times, timestamps with seconds: the running
 * sums agree with GSL's fit. */
static void test_satisfaction_trend_matches_gsl(void **state)
{
    (void)state;
    churn_feature_opts *o = fu_opts_at(T0);
    char log[4096] = "customer_id,timestamp,event,value\nz,1704067100,login,\n";
    size_t n = strlen(log);
    double x[40], y[40];
    size_t m = 0;
    uint64_t seed = 12345;
    for (int i = 0; i < 40; i++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        long age = (long)(seed >> 40) % (200 * 86400) + 1; /* some > 180 */
        double score = (double)((seed >> 20) % 11);
        n += (size_t)snprintf(log + n, sizeof log - n, "z,%ld,survey,%g\n",
                              (long)T0 - age, score);
        if (age <= 180 * 86400) {
            x[m] = -(double)age / (30 * 86400);
            y[m++] = score;
        }
    }
    churn_dataset *ds = fu_extract(log, o, NULL);
    double c0, c1, cov00, cov01, cov11, sumsq;
    assert_true(m > 10);
    gsl_fit_linear(x, 1, y, 1, m, &c0, &c1, &cov00, &cov01, &cov11, &sumsq);
    assert_near(fu_get(ds, "z", "satisfaction_trend"), c1, 1e-10);
    churn_dataset_free(ds);
    churn_feature_opts_free(o);
}

static void test_unknown_names(void **state)
{
    (void)state;
    churn_feature_opts *o = fu_opts_at(T0);
    /* "Video Play", "video play" and "Video-Play" sanitize to video_play;
     * 12-20 = 12 days and 12-19 = 13 days count, 10-15 = 78 days not.
     * All three count as activity: 90d = 3 + the login. "export" appears
     * first only after t0: no column, so later events can't add one. */
    const char *log = "customer_id,timestamp,event\n"
                      "a,2024-01-05,export\n"
                      "a,2023-12-20,Video Play\n"
                      "a,2023-12-31,login\n"
                      "b,2023-12-19,video play\n"
                      "a,2023-10-15,Video-Play\n"
                      "b,2023-12-30,Download\n"
                      "a,2023-12-30,export\n"; /* now export has a column */
    churn_dataset *ds = fu_extract(log, o, NULL);
    assert_int_equal(churn_dataset_n_cols(ds), 23);
    assert_string_equal(churn_dataset_column_name(ds, 20),
                        "events_export_30d");
    assert_string_equal(churn_dataset_column_name(ds, 21),
                        "events_video_play_30d");
    assert_string_equal(churn_dataset_column_name(ds, 22),
                        "events_download_30d");
    fu_assert_feature(ds, "a", "events_video_play_30d", 1);
    fu_assert_feature(ds, "a", "events_export_30d", 1);
    fu_assert_feature(ds, "a", "events_download_30d", 0);
    fu_assert_feature(ds, "a", "activity_90d", 4);
    fu_assert_feature(ds, "a", "recency_activity_days", 1);
    fu_assert_feature(ds, "b", "events_video_play_30d", 1);
    fu_assert_feature(ds, "b", "events_download_30d", 1);
    fu_assert_feature(ds, "b", "recency_activity_days", 2);
    churn_dataset_free(ds);
    churn_feature_opts_free(o);
}

/* 70 distinct unknown names: the first 64 get columns, the rest only
 * count as activity. */
static void test_unknown_name_cap(void **state)
{
    (void)state;
    churn_feature_opts *o = fu_opts_at(T0);
    char log[4096] = "customer_id,timestamp,event\n";
    size_t n = strlen(log);
    for (int i = 0; i < 70; i++)
        n += (size_t)snprintf(log + n, sizeof log - n, "a,2023-12-31,e%d\n",
                              i);
    churn_dataset *ds = fu_extract(log, o, NULL);
    assert_int_equal(churn_dataset_n_cols(ds), 20 + 64);
    assert_string_equal(churn_dataset_column_name(ds, 83), "events_e63_30d");
    fu_assert_feature(ds, "a", "activity_7d", 70);
    churn_dataset_free(ds);
    churn_feature_opts_free(o);
}

/* ------------------------------------------- a brute-force reference */

/* A random event log, kept in memory so that each feature can be
 * recomputed the slow, obvious way: a loop over all events. */
enum ref_kind { R_LOGIN, R_WIDGET, R_GADGET, R_PURCHASE, R_OPEN, R_CLOSE,
                R_SURVEY, R_SIGNUP, R_CANCEL };
static const char *const ref_names[] = {"login", "Widget", "gadget",
                                        "purchase", "ticket", "ticket_closed",
                                        "survey", "signup", "cancel"};

typedef struct ref_event {
    int customer;
    enum ref_kind kind;
    double ts, value; /* value NaN = none */
} ref_event;

#define REF_CUSTOMERS 40
#define REF_MAX 4000

typedef struct ref_log {
    ref_event ev[REF_MAX];
    size_t n;
    uint64_t seed;
} ref_log;

static uint64_t ref_rand(ref_log *r, uint64_t n)
{
    r->seed = r->seed * 6364136223846793005ull + 1442695040888963407ull;
    return (r->seed >> 33) % n;
}

static void ref_add(ref_log *r, int c, enum ref_kind k, double ts, double v)
{
    assert_true(r->n < REF_MAX);
    /* A distinct second per event: no two events share a time. */
    ts = floor(ts / 4096) * 4096 + (double)r->n;
    r->ev[r->n++] = (ref_event){c, k, ts, v};
}

/* Events from 400 days before t0 to 60 days after; every customer gets a
 * few tickets, each closed after it opened (or never). */
static void ref_generate(ref_log *r, uint64_t seed, int with_cancels)
{
    r->n = 0;
    r->seed = seed;
    double start = T0 - 400 * DAY;
    for (int c = 0; c < REF_CUSTOMERS; c++) {
        double span = (double)(20 + ref_rand(r, 440)) * DAY;
        int n_events = 20 + (int)ref_rand(r, 40);
        ref_add(r, c, R_SIGNUP, start + (double)ref_rand(r, 30) * DAY, NAN);
        for (int e = 0; e < n_events; e++) {
            double ts = start + (double)ref_rand(r, (uint64_t)span);
            int k = (int)ref_rand(r, 10);
            double v = ref_rand(r, 4) == 0 ? NAN
                                          : (double)ref_rand(r, 1000) / 100;
            if (k <= 3)
                ref_add(r, c, k == 3 ? R_GADGET : k == 2 ? R_WIDGET : R_LOGIN,
                        ts, v);
            else if (k <= 5)
                ref_add(r, c, R_PURCHASE, ts, v);
            else if (k <= 7)
                ref_add(r, c, R_SURVEY, ts, v);
            else if (e % 4 == 0) {
                ref_add(r, c, R_OPEN, ts, NAN);
                if (ref_rand(r, 3))
                    ref_add(r, c, R_CLOSE,
                            ts + (double)ref_rand(r, 20 * 86400), NAN);
            }
        }
        if (with_cancels && ref_rand(r, 4) == 0)
            ref_add(r, c, R_CANCEL, start + span, NAN);
    }
}

/* Writes the log in the given order (NULL = as generated); timestamps
 * alternate between Unix seconds and ISO date-times. */
static const char *ref_write(const ref_log *r, const size_t *order)
{
    static char text[REF_MAX * 64];
    size_t n = (size_t)snprintf(text, sizeof text,
                                "customer_id,timestamp,event,value\n");
    for (size_t i = 0; i < r->n; i++) {
        const ref_event *e = &r->ev[order ? order[i] : i];
        char when[40], value[32] = "";
        if (i % 2) {
            churn_format_date(e->ts, when, sizeof when);
            long sec = (long)(e->ts - floor(e->ts / DAY) * DAY);
            snprintf(when + 10, sizeof when - 10, "T%02ld:%02ld:%02ldZ",
                     sec / 3600, sec / 60 % 60, sec % 60);
        } else {
            snprintf(when, sizeof when, "%.0f", e->ts);
        }
        if (!isnan(e->value))
            snprintf(value, sizeof value, "%.2f", e->value);
        n += (size_t)snprintf(text + n, sizeof text - n, "c%02d,%s,%s,%s\n",
                              e->customer, when, ref_names[e->kind], value);
    }
    return text;
}

static int ref_is_activity(enum ref_kind k)
{
    return k == R_LOGIN || k == R_WIDGET || k == R_GADGET;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Mean open-to-close days by pairing the k-th close with the k-th open
 * in time (first in, first out), done literally with sorted lists. */
static double ref_resolution(const ref_log *r, int c, double t)
{
    double opens[REF_MAX], closes[REF_MAX];
    size_t n_open = 0, n_close = 0;
    for (size_t i = 0; i < r->n; i++) {
        const ref_event *e = &r->ev[i];
        if (e->customer != c || e->ts >= t)
            continue;
        if (e->kind == R_OPEN)
            opens[n_open++] = e->ts;
        if (e->kind == R_CLOSE)
            closes[n_close++] = e->ts;
    }
    if (n_close == 0)
        return NAN;
    assert_true(n_close <= n_open);
    qsort(opens, n_open, sizeof *opens, cmp_double);
    qsort(closes, n_close, sizeof *closes, cmp_double);
    double sum = 0;
    for (size_t k = 0; k < n_close; k++)
        sum += closes[k] - opens[k];
    return sum / (double)n_close / DAY;
}

/* Slope of score on time over the last 180 days, by GSL. */
static double ref_trend(const ref_log *r, int c, double t)
{
    double x[REF_MAX], y[REF_MAX];
    size_t n = 0;
    for (size_t i = 0; i < r->n; i++) {
        const ref_event *e = &r->ev[i];
        if (e->customer == c && e->kind == R_SURVEY && !isnan(e->value) &&
            e->ts < t && t - e->ts <= 180 * DAY) {
            x[n] = (e->ts - t) / (30 * DAY);
            y[n++] = e->value;
        }
    }
    if (n < 2)
        return NAN;
    double c0, c1, cov00, cov01, cov11, sumsq;
    gsl_fit_linear(x, 1, y, 1, n, &c0, &c1, &cov00, &cov01, &cov11, &sumsq);
    return c1;
}

/* Everything about customer c at time t, recomputed event by event. */
typedef struct ref_row {
    int in_population;
    double label;
    double f[22]; /* the 20 built-ins, events_widget_30d, events_gadget_30d */
} ref_row;

static void ref_compute(const ref_log *r, int c, double t, double horizon,
                        int any_cancel, ref_row *out)
{
    double first = INFINITY, signup = INFINITY, cancel = INFINITY;
    double last[3] = {-INFINITY, -INFINITY, -INFINITY}, last_score_ts = -1;
    double *f = out->f;
    int active_after = 0, cancel_after = 0;
    double act_30_60 = 0, n_open = 0, n_close = 0, score_sum = 0;
    memset(f, 0, sizeof out->f);
    for (size_t i = 0; i < r->n; i++) {
        const ref_event *e = &r->ev[i];
        if (e->customer != c)
            continue;
        double age = t - e->ts, v = e->value;
        if (e->ts >= t) {
            active_after |= ref_is_activity(e->kind) && e->ts < t + horizon;
            cancel_after |= e->kind == R_CANCEL && e->ts < t + horizon;
            continue;
        }
        first = fmin(first, e->ts);
        if (e->kind == R_SIGNUP)
            signup = fmin(signup, e->ts);
        if (e->kind == R_CANCEL)
            cancel = fmin(cancel, e->ts);
        if (ref_is_activity(e->kind)) {
            double a = isnan(v) ? 1 : v;
            last[0] = fmax(last[0], e->ts);
            f[4] += age <= 7 * DAY ? a : 0;
            f[5] += age <= 30 * DAY ? a : 0;
            f[6] += age <= 90 * DAY ? a : 0;
            act_30_60 += age > 30 * DAY && age <= 60 * DAY ? a : 0;
            if (e->kind != R_LOGIN && age <= 30 * DAY)
                f[e->kind == R_WIDGET ? 20 : 21] += 1;
        } else if (e->kind == R_PURCHASE) {
            last[1] = fmax(last[1], e->ts);
            f[8] += age <= 90 * DAY;
            f[9] += age <= 90 * DAY && !isnan(v) ? v : 0;
            f[10] += isnan(v) ? 0 : v;
            f[11] += 1;
        } else if (e->kind == R_OPEN) {
            last[2] = fmax(last[2], e->ts);
            f[12] += age <= 30 * DAY;
            f[13] += age <= 90 * DAY;
            n_open++;
        } else if (e->kind == R_CLOSE) {
            n_close++;
        } else if (e->kind == R_SURVEY && !isnan(v)) {
            if (e->ts > last_score_ts) {
                last_score_ts = e->ts;
                f[16] = v;
            }
            score_sum += v;
            f[18] += 1;
        }
    }
    out->in_population = first < t && !(cancel < t) &&
                         (any_cancel || t - last[0] <= 90 * DAY);
    out->label = horizon <= 0 ? NAN
                 : any_cancel ? cancel_after
                              : !active_after;
    f[0] = (t - (signup < t ? signup : first)) / DAY;
    for (int k = 0; k < 3; k++)
        f[1 + k] = isfinite(last[k]) ? (t - last[k]) / DAY : NAN;
    f[7] = f[5] + act_30_60 > 0 ? (f[5] - act_30_60) / (f[5] + act_30_60)
                                : NAN;
    f[14] = n_open > n_close ? n_open - n_close : 0;
    f[15] = ref_resolution(r, c, t);
    if (f[18] == 0)
        f[16] = f[17] = NAN;
    else
        f[17] = score_sum / f[18];
    f[19] = ref_trend(r, c, t);
}

/* Checks every row of ds against the reference, and that the rows are
 * exactly the population of each snapshot. */
static void check_against_reference(const ref_log *r, const churn_dataset *ds,
                                    const double *times, size_t k,
                                    double horizon)
{
    int any_cancel = 0;
    for (size_t i = 0; i < r->n; i++)
        any_cancel |= r->ev[i].kind == R_CANCEL;
    const char *names[22];
    size_t n_builtin;
    const churn_feature_info *info = churn_feature_list(&n_builtin);
    for (size_t j = 0; j < n_builtin; j++)
        names[j] = info[j].name;
    names[20] = "events_widget_30d";
    names[21] = "events_gadget_30d";
    size_t expected_rows = 0;
    for (size_t s = 0; s < k; s++) {
        for (int c = 0; c < REF_CUSTOMERS; c++) {
            ref_row ref;
            ref_compute(r, c, times[s], horizon, any_cancel, &ref);
            char id[16];
            snprintf(id, sizeof id, "c%02d", c);
            size_t row = (size_t)-1;
            for (size_t i = 0; i < churn_dataset_n_rows(ds); i++)
                if (!strcmp(churn_dataset_id(ds, i), id) &&
                    (k == 1 || churn_dataset_as_of(ds, i) == times[s]))
                    row = i;
            assert_int_equal(row != (size_t)-1, ref.in_population);
            if (row == (size_t)-1)
                continue;
            expected_rows++;
            assert_true(churn_dataset_label(ds, row) == ref.label ||
                        (isnan(ref.label) &&
                         isnan(churn_dataset_label(ds, row))));
            for (size_t j = 0; j < 22; j++) {
                double v = churn_dataset_value(
                    ds, row, churn_dataset_column_index(ds, names[j]));
                double tol = 1e-9 * fmax(1, fabs(ref.f[j]));
                if (isnan(ref.f[j]) ? !isnan(v) : !(fabs(v - ref.f[j]) <= tol))
                    fail_msg("%s at snapshot %zu, %s: %.17g, reference "
                             "%.17g", id, s, names[j], v, ref.f[j]);
            }
        }
    }
    assert_int_equal(churn_dataset_n_rows(ds), expected_rows);
}

/* Same log in time order, as generated, and shuffled: identical rows (up
 * to their order and the order of summation), all equal to the
 * reference. With and without cancel events. */
static void test_reference_sorted_and_shuffled(void **state)
{
    (void)state;
    static ref_log r;
    static size_t order[REF_MAX];
    double times[3] = {T0, T0 - 45 * DAY, T0 - 90 * DAY};
    for (int with_cancels = 0; with_cancels <= 1; with_cancels++) {
        ref_generate(&r, 42 + (uint64_t)with_cancels, with_cancels);
        churn_feature_opts *o = fu_opts_at(T0);
        assert_int_equal(churn_feature_opts_set_snapshots(o, 3, 45), 0);
        assert_int_equal(churn_feature_opts_set_horizon(o, 30), 0);
        for (int pass = 0; pass < 3; pass++) {
            for (size_t i = 0; i < r.n; i++)
                order[i] = i;
            if (pass == 1) { /* by time */
                for (size_t i = 1; i < r.n; i++)
                    for (size_t j = i; j > 0 && r.ev[order[j - 1]].ts >
                                                    r.ev[order[j]].ts; j--) {
                        size_t tmp = order[j];
                        order[j] = order[j - 1];
                        order[j - 1] = tmp;
                    }
            } else if (pass == 2) { /* shuffled */
                for (size_t i = r.n - 1; i > 0; i--) {
                    size_t j = (size_t)ref_rand(&r, i + 1), tmp = order[i];
                    order[i] = order[j];
                    order[j] = tmp;
                }
            }
            churn_dataset *ds = fu_extract(ref_write(&r, order), o, NULL);
            check_against_reference(&r, ds, times, 3, 30 * DAY);
            churn_dataset_free(ds);
        }
        churn_feature_opts_free(o);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_catalog_and_roles),
        cmocka_unit_test(test_activity_tenure_recency),
        cmocka_unit_test(test_purchases_and_tickets),
        cmocka_unit_test(test_ticket_resolution_edge_cases),
        cmocka_unit_test(test_satisfaction),
        cmocka_unit_test(test_satisfaction_trend_matches_gsl),
        cmocka_unit_test(test_unknown_names),
        cmocka_unit_test(test_unknown_name_cap),
        cmocka_unit_test(test_reference_sorted_and_shuffled),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

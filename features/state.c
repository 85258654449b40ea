/* state.c - per-customer accumulators, updated once per event for every
 * snapshot; memory grows with customers, never with events. */
#include "features/history.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

churn__history *churn__history_new(const double *snap_times, size_t n_snaps,
                                   double horizon_seconds)
{
    churn__history *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->n_snaps = n_snaps;
    h->horizon = horizon_seconds;
    h->snap_times = malloc(n_snaps * sizeof *h->snap_times);
    h->ids = churn__strmap_new();
    h->unknown = churn__strmap_new();
    h->names = churn__strmap_new();
    if (!h->snap_times || !h->ids || !h->unknown || !h->names) {
        churn__history_free(h);
        return NULL;
    }
    memcpy(h->snap_times, snap_times, n_snaps * sizeof *snap_times);
    h->stride = sizeof(churn__customer) + n_snaps * sizeof(churn__acc);
    return h;
}

void churn__history_free(churn__history *h)
{
    if (!h)
        return;
    free(h->snap_times);
    churn__strmap_free(h->ids);
    churn__strmap_free(h->unknown);
    churn__strmap_free(h->names);
    free(h->name_kind);
    free(h->name_count);
    free(h->customers);
    for (size_t j = 0; j < CHURN__UNKNOWN_MAX; j++)
        free(h->unknown_30[j]);
    free(h);
}

/* Grows the per-customer arrays to cap customers. */
static int grow(churn__history *h, size_t cap)
{
    size_t k = h->n_snaps;
    if (cap > SIZE_MAX / h->stride)
        return CHURN_ENOMEM;
    unsigned char *blocks = realloc(h->customers, cap * h->stride);
    if (!blocks)
        return CHURN_ENOMEM;
    h->customers = blocks;
    size_t n_unknown = churn__strmap_count(h->unknown);
    for (size_t j = 0; j < n_unknown; j++) {
        uint32_t *u = realloc(h->unknown_30[j], cap * k * sizeof *u);
        if (!u)
            return CHURN_ENOMEM;
        h->unknown_30[j] = u;
    }
    h->cap = cap;
    return CHURN_OK;
}

static void init_acc(churn__acc *a)
{
    memset(a, 0, sizeof *a);
    a->last_activity = -INFINITY;
    a->last_purchase = -INFINITY;
    a->last_ticket = -INFINITY;
    a->satisfaction_time = -INFINITY;
    a->cancel_time = INFINITY;
}

int churn__history_add_customer(churn__history *h, churn_error *err)
{
    size_t c = h->n_customers;
    if (c == h->cap && grow(h, h->cap ? h->cap * 2 : 1024) != CHURN_OK)
        return churn__fail_nomem(err);
    churn__customer *cu = churn__customer_at(h, c);
    cu->first_event = INFINITY;
    cu->first_signup = INFINITY;
    cu->first_cancel = INFINITY;
    size_t k = h->n_snaps;
    for (size_t s = 0; s < k; s++)
        init_acc(&cu->acc[s]);
    size_t n_unknown = churn__strmap_count(h->unknown);
    for (size_t j = 0; j < n_unknown; j++)
        memset(h->unknown_30[j] + c * k, 0, k * sizeof(uint32_t));
    h->n_customers++;
    return CHURN_OK;
}

int churn__history_unknown(churn__history *h, const char *name, size_t len,
                           int *column, churn_error *err)
{
    size_t j = churn__strmap_find(h->unknown, name, len);
    if (j != (size_t)-1) {
        *column = (int)j;
        return CHURN_OK;
    }
    size_t n = churn__strmap_count(h->unknown);
    if (n == CHURN__UNKNOWN_MAX) {
        *column = -1;
        return CHURN_OK;
    }
    /* calloc: customers seen before the name simply had none of it. */
    size_t cells = (h->cap ? h->cap : 1) * h->n_snaps;
    h->unknown_30[n] = calloc(cells, sizeof(uint32_t));
    if (!h->unknown_30[n] ||
        churn__strmap_intern(h->unknown, name, len, &j, NULL) != CHURN_OK)
        return churn__fail_nomem(err);
    *column = (int)j;
    return CHURN_OK;
}

int churn__history_name(churn__history *h, const char *lower, size_t len,
                        churn__event_kind *kind, churn_error *err)
{
    size_t j = churn__strmap_find(h->names, lower, len);
    if (j == (size_t)-1) {
        if (churn__strmap_count(h->names) == CHURN__NAMES_LISTED) {
            kind->name = -1;
            return CHURN_OK;
        }
        if (churn__strmap_count(h->names) == h->names_cap) {
            size_t cap = h->names_cap ? 2 * h->names_cap : 32;
            churn__event_kind *k = realloc(h->name_kind, cap * sizeof *k);
            if (k)
                h->name_kind = k;
            uint64_t *n = realloc(h->name_count, cap * sizeof *n);
            if (n)
                h->name_count = n;
            if (!k || !n)
                return churn__fail_nomem(err);
            h->names_cap = cap;
        }
        if (churn__strmap_intern(h->names, lower, len, &j, NULL) != CHURN_OK)
            return churn__fail_nomem(err);
        h->name_count[j] = 0;
    }
    kind->name = (int)j;
    h->name_kind[j] = *kind;
    return CHURN_OK;
}

/* Keeps the CHURN__OPEN_KEEP smallest ticket-open ages, ascending. */
static void keep_open_age(churn__acc *a, double age)
{
    size_t n = a->n_open_ages;
    if (n == CHURN__OPEN_KEEP) {
        if (age >= a->open_ages[n - 1])
            return;
        n--;
    }
    size_t i = n;
    while (i > 0 && a->open_ages[i - 1] > age) {
        a->open_ages[i] = a->open_ages[i - 1];
        i--;
    }
    a->open_ages[i] = age;
    a->n_open_ages = (uint8_t)(n + 1);
}

/* An event without a value counts once. */
static const churn__decimal count_one = {1.0, 1, 0};

static void add_activity(churn__acc *a, double ts, double age,
                         const churn__decimal *value)
{
    const churn__decimal *v = isnan(value->value) ? &count_one : value;
    if (ts > a->last_activity)
        a->last_activity = ts;
    if (age <= 90 * CHURN__DAY)
        churn__decsum_add_decimal(&a->activity_90, v);
    if (age <= 30 * CHURN__DAY) {
        churn__decsum_add_decimal(&a->activity_30, v);
        if (age <= 7 * CHURN__DAY)
            churn__decsum_add_decimal(&a->activity_7, v);
    } else if (age <= 60 * CHURN__DAY) {
        churn__decsum_add_decimal(&a->activity_30_60, v);
    }
}

static void add_satisfaction(churn__acc *a, double ts, double age,
                             const churn__decimal *value)
{
    double score = value->value;
    if (isnan(score))
        return; /* a survey without a score says nothing */
    a->satisfaction_count++;
    churn__decsum_add_decimal(&a->satisfaction_sum, value);
    /* Equal times: the later row of the file wins. */
    if (ts >= a->satisfaction_time) {
        a->satisfaction_time = ts;
        a->satisfaction_last = score;
    }
    if (age <= 180 * CHURN__DAY) {
        double x = -age / (30 * CHURN__DAY);
        a->trend_n++;
        a->trend_sx += x;
        a->trend_sy += score;
        a->trend_sxx += x * x;
        a->trend_sxy += x * score;
    }
}

/* An event at ts, age = t - ts > 0 seconds before snapshot time t, with
 * its value as a decimal (NaN = none). */
static void add_before(churn__acc *a, int role, double ts, double age,
                       const churn__decimal *value)
{
    switch (role) {
    case CHURN_ROLE_ACTIVITY:
        add_activity(a, ts, age, value);
        break;
    case CHURN_ROLE_PURCHASE:
        if (ts > a->last_purchase)
            a->last_purchase = ts;
        a->purchases_total++;
        if (!isnan(value->value))
            churn__decsum_add_decimal(&a->monetary_total, value);
        if (age <= 90 * CHURN__DAY) {
            a->purchases_90++;
            if (!isnan(value->value))
                churn__decsum_add_decimal(&a->monetary_90, value);
        }
        break;
    case CHURN_ROLE_TICKET_OPEN:
        if (ts > a->last_ticket)
            a->last_ticket = ts;
        a->tickets_opened++;
        a->open_age_sum += age;
        keep_open_age(a, age);
        if (age <= 90 * CHURN__DAY) {
            a->tickets_90++;
            if (age <= 30 * CHURN__DAY)
                a->tickets_30++;
        }
        break;
    case CHURN_ROLE_TICKET_CLOSE:
        a->tickets_closed++;
        a->close_age_sum += age;
        break;
    case CHURN_ROLE_SATISFACTION:
        add_satisfaction(a, ts, age, value);
        break;
    default: /* cancel and signup: kept per customer, not per snapshot */
        break;
    }
}

void churn__history_note(churn__history *h, churn__event_kind kind,
                         double ts)
{
    churn__history_note_rows(h, kind, 1, ts < h->snap_times[0]);
}

void churn__history_note_rows(churn__history *h, churn__event_kind kind,
                              uint64_t n, int early)
{
    h->n_events += n;
    if (kind.name >= 0)
        h->name_count[kind.name] += n;
    else
        h->names_other += n;
    if (kind.role == CHURN_ROLE_CANCEL)
        h->any_cancel = 1;
    if (kind.unknown >= 0 && early)
        h->unknown_before[kind.unknown] = 1;
}

void churn__history_apply(churn__history *h, size_t c, churn__event_kind kind,
                          double ts, const churn__decimal *dv)
{
    churn__customer *cu = churn__customer_at(h, c);
    if (ts < cu->first_event)
        cu->first_event = ts;
    if (kind.role == CHURN_ROLE_SIGNUP && ts < cu->first_signup)
        cu->first_signup = ts;
    if (kind.role == CHURN_ROLE_CANCEL && ts < cu->first_cancel)
        cu->first_cancel = ts;
    size_t k = h->n_snaps;
    churn__acc *acc = cu->acc;
    for (size_t s = 0; s < k; s++) {
        double t = h->snap_times[s];
        if (ts < t) {
            double age = t - ts;
            add_before(&acc[s], kind.role, ts, age, dv);
            if (kind.unknown >= 0 && age <= 30 * CHURN__DAY)
                h->unknown_30[kind.unknown][c * k + s]++;
        } else if (ts - t < h->horizon) {
            if (kind.role == CHURN_ROLE_CANCEL) {
                acc[s].cancel_after = 1;
                if (ts < acc[s].cancel_time)
                    acc[s].cancel_time = ts;
            }
            else if (kind.role == CHURN_ROLE_ACTIVITY)
                acc[s].active_after = 1;
        }
    }
}

void churn__history_event(churn__history *h, size_t c, churn__event_kind kind,
                          double ts, double value)
{
    churn__history_note(h, kind, ts);
    /* Its decimal form once, for every snapshot's sums. */
    churn__decimal dv = churn__decimal_of(value);
    churn__history_apply(h, c, kind, ts, &dv);
}

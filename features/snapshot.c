/* snapshot.c - reads one snapshot out of the accumulators: who is in the
 * population, the label, and the feature values. Only events before the
 * snapshot time reached the features; later ones only the label flags. */
#include "features/history.h"

#include <math.h>

int churn__snapshot_in_population(const churn__history *h, size_t c,
                                  size_t s, double active_window_seconds)
{
    double t = h->snap_times[s];
    const churn__customer *cu = churn__customer_at(h, c);
    if (!(cu->first_event < t) || cu->first_cancel < t)
        return 0;
    if (h->any_cancel)
        return 1;
    /* Without cancel events, churn can only mean going quiet: customers
     * already quiet for the whole window are gone, not at risk. */
    double last = cu->acc[s].last_activity;
    return t - last <= active_window_seconds;
}

double churn__snapshot_cancel_time(const churn__history *h, size_t c,
                                   size_t s)
{
    double t = h->snap_times[s];
    const churn__customer *cu = churn__customer_at(h, c);
    return cu->first_event < t && cu->first_cancel < t ? cu->first_cancel
                                                       : NAN;
}

double churn__snapshot_label(const churn__history *h, size_t c, size_t s)
{
    if (h->horizon <= 0)
        return NAN;
    const churn__acc *a = &churn__customer_at(h, c)->acc[s];
    if (h->any_cancel)
        return a->cancel_after ? 1.0 : 0.0;
    return a->active_after ? 0.0 : 1.0;
}

double churn__snapshot_days_to_churn(const churn__history *h, size_t c,
                                     size_t s)
{
    if (!(churn__snapshot_label(h, c, s) > 0.5))
        return NAN;
    double t = h->snap_times[s];
    const churn__acc *a = &churn__customer_at(h, c)->acc[s];
    if (h->any_cancel)
        return (a->cancel_time - t) / CHURN__DAY;
    double quiet = a->last_activity + h->horizon - t;
    return quiet > 0 ? quiet / CHURN__DAY : 0.0;
}

static double days_since(double t, double ts)
{
    return isfinite(ts) ? (t - ts) / CHURN__DAY : NAN;
}

/* Mean days from open to close with first-in-first-out pairing. The
 * closed tickets are the earliest opens, so the sum of their durations is
 * sum(close times) - sum(open times) + sum(open times still open), and
 * the ones still open are the latest: the smallest ages, which we keep.
 * In ages (t - time) the signs flip. With more open tickets than we keep,
 * the rest of the still-open ones are taken at the mean age of the opens
 * we did not keep, an estimate. More closes than opens (tickets opened
 * before the log began): mean close time minus mean open time. */
static double resolution_days(const churn__acc *a)
{
    double n_open = a->tickets_opened, n_closed = a->tickets_closed;
    if (n_closed == 0 || n_open == 0)
        return NAN;
    /* The mean is total / (n * day) with one division: ages are whole
     * seconds in the common case, so total is exact and the mean is the
     * double nearest the true one (two divisions could miss it). */
    double total, n = n_closed;
    if (n_closed <= n_open) {
        uint32_t still_open = a->tickets_opened - a->tickets_closed;
        double kept = 0, still_open_age = 0;
        for (size_t i = 0; i < a->n_open_ages; i++) {
            kept += a->open_ages[i];
            if (i < still_open)
                still_open_age += a->open_ages[i];
        }
        if (still_open > a->n_open_ages) {
            double rest = n_open - a->n_open_ages;
            still_open_age += (still_open - a->n_open_ages) *
                              (a->open_age_sum - kept) / rest;
        }
        total = a->open_age_sum - still_open_age - a->close_age_sum;
    } else {
        total = a->open_age_sum / n_open - a->close_age_sum / n_closed;
        n = 1;
    }
    /* A close before its open is an error in the data, not a duration. */
    return total > 0 ? total / (n * CHURN__DAY) : 0.0;
}

/* Least-squares slope of score on time (30-day units). Times are centred
 * at t, where they are small, which keeps n*Sxx - Sx^2 accurate. */
static double satisfaction_slope(const churn__acc *a)
{
    double n = a->trend_n;
    if (a->trend_n < 2)
        return NAN;
    double sxx = n * a->trend_sxx - a->trend_sx * a->trend_sx;
    /* No spread in time (up to rounding): the slope is undefined. */
    if (sxx <= 1e-10 * n * a->trend_sxx)
        return NAN;
    return (n * a->trend_sxy - a->trend_sx * a->trend_sy) / sxx;
}

void churn__snapshot_features(const churn__history *h, size_t c, size_t s,
                              double *out)
{
    double t = h->snap_times[s];
    const churn__customer *cu = churn__customer_at(h, c);
    const churn__acc *a = &cu->acc[s];
    double start = cu->first_signup < t ? cu->first_signup : cu->first_event;
    out[CHURN__F_TENURE_DAYS] = days_since(t, start);
    out[CHURN__F_RECENCY_ACTIVITY_DAYS] = days_since(t, a->last_activity);
    out[CHURN__F_RECENCY_PURCHASE_DAYS] = days_since(t, a->last_purchase);
    out[CHURN__F_RECENCY_TICKET_DAYS] = days_since(t, a->last_ticket);
    out[CHURN__F_ACTIVITY_7D] = churn__decsum_value(&a->activity_7);
    out[CHURN__F_ACTIVITY_30D] = churn__decsum_value(&a->activity_30);
    out[CHURN__F_ACTIVITY_90D] = churn__decsum_value(&a->activity_90);
    double recent = churn__decsum_value(&a->activity_30);
    double before = churn__decsum_value(&a->activity_30_60);
    out[CHURN__F_ACTIVITY_TREND] =
        recent + before != 0 ? (recent - before) / (recent + before) : NAN;
    out[CHURN__F_PURCHASES_90D] = a->purchases_90;
    out[CHURN__F_MONETARY_90D] = churn__decsum_value(&a->monetary_90);
    out[CHURN__F_MONETARY_TOTAL] =
        churn__decsum_value(&a->monetary_total);
    out[CHURN__F_PURCHASES_TOTAL] = a->purchases_total;
    out[CHURN__F_TICKETS_30D] = a->tickets_30;
    out[CHURN__F_TICKETS_90D] = a->tickets_90;
    out[CHURN__F_TICKETS_UNRESOLVED] =
        a->tickets_opened > a->tickets_closed
            ? a->tickets_opened - a->tickets_closed
            : 0;
    out[CHURN__F_TICKET_RESOLUTION_DAYS_MEAN] = resolution_days(a);
    uint32_t n_scores = a->satisfaction_count;
    out[CHURN__F_SATISFACTION_LAST] = n_scores ? a->satisfaction_last : NAN;
    out[CHURN__F_SATISFACTION_MEAN] =
        n_scores ? churn__decsum_value(&a->satisfaction_sum) / n_scores
                 : NAN;
    out[CHURN__F_SATISFACTION_COUNT] = n_scores;
    out[CHURN__F_SATISFACTION_TREND] = satisfaction_slope(a);
}

/* catalog.c - the built-in features: stable names, units and meanings. */
#include "features/history.h"

/* Order = enum churn__feature = column order of an extracted dataset.
 * "before t" means before the as-of time; windows end just before it. */
static const churn_feature_info features[CHURN__N_BUILTIN] = {
    {"tenure_days", "days",
     "days since the first signup event, else since the first event"},
    {"recency_activity_days", "days",
     "days since the last activity event (unknown names too while "
     "activity keeps its default names); empty if none"},
    {"recency_purchase_days", "days",
     "days since the last purchase; empty if none"},
    {"recency_ticket_days", "days",
     "days since the last ticket was opened; empty if none"},
    {"activity_7d", "count",
     "activity in the last 7 days (sum of values; 1 per event without)"},
    {"activity_30d", "count", "activity in the last 30 days"},
    {"activity_90d", "count", "activity in the last 90 days"},
    {"activity_trend", "ratio -1..1",
     "(a-b)/(a+b), a = activity of the last 30 days, b = of the 30 "
     "before; empty if both 0"},
    {"purchases_90d", "count", "purchases in the last 90 days"},
    {"monetary_90d", "amount",
     "sum of purchase amounts in the last 90 days"},
    {"monetary_total", "amount", "sum of all purchase amounts"},
    {"purchases_total", "count", "all purchases"},
    {"tickets_30d", "count", "tickets opened in the last 30 days"},
    {"tickets_90d", "count", "tickets opened in the last 90 days"},
    {"tickets_unresolved", "count",
     "tickets opened minus tickets closed, at least 0"},
    {"ticket_resolution_days_mean", "days",
     "mean days from open to close of closed tickets, paired first in "
     "first out; empty if none closed"},
    {"satisfaction_last", "score",
     "the latest satisfaction score; empty if none"},
    {"satisfaction_mean", "score",
     "mean of all satisfaction scores; empty if none"},
    {"satisfaction_count", "count", "number of satisfaction scores"},
    {"satisfaction_trend", "score/30 days",
     "least-squares slope of score over time, last 180 days; empty with "
     "fewer than 2 or no time between them"},
};

const churn_feature_info *churn_feature_list(size_t *n)
{
    if (n)
        *n = CHURN__N_BUILTIN;
    return features;
}

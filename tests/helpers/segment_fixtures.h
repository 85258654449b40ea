/* segment_fixtures.h - the inputs shared by the segment tests
 * (test_segment.c, test_segment_report.c): the ten hand-scored customers
 * of the RFM and lifecycle tests, a features-like dataset builder, and
 * the small event log of the KPI tests. Needs cmocka (featutil.h). */
#ifndef CHURN_TESTS_SEGMENT_FIXTURES_H
#define CHURN_TESTS_SEGMENT_FIXTURES_H

#include "featutil.h"

#include <math.h>
#include <stdio.h>

#define N_IN 10
static const char *const in_cols[N_IN] = {
    "tenure_days",        "recency_activity_days", "activity_90d",
    "monetary_90d",       "activity_30d",          "activity_trend",
    "tickets_unresolved", "satisfaction_last",     "satisfaction_trend",
    "recency_purchase_days"};

/* A features-like dataset: row i is rows[i] in in_cols order, id "c<i>",
 * label labels[i] (labels may be NULL: no label column). */
static inline churn_dataset *features(size_t n,
                                      const double (*rows)[N_IN],
                                      const double *labels)
{
    churn_dataset *ds = churn_dataset_new(N_IN);
    assert_non_null(ds);
    for (size_t j = 0; j < N_IN; j++)
        assert_int_equal(churn_dataset_set_column(ds, j, in_cols[j],
                                                  CHURN_NUMERIC, NULL), 0);
    if (labels)
        assert_int_equal(churn_dataset_set_label_name(ds, "churned", NULL),
                         0);
    for (size_t i = 0; i < n; i++) {
        char id[32];
        snprintf(id, sizeof id, "c%zu", i);
        assert_int_equal(churn_dataset_add_row(ds, id, rows[i],
                                               labels ? labels[i] : NAN,
                                               NULL), 0);
    }
    return ds;
}

/* Ten customers. F = activity_90d = 1,2,2,2,5,6,7,8,9,9: ranks from the
 * worst 1, 3,3,3 (mean of 2..4), 5, 6, 7, 8, 9.5,9.5 (mean of 9..10);
 * score 1 + floor(5 (r - 0.5) / 10) = 1 + floor((r - 0.5) / 2):
 * r=1 -> 1, 3 -> 2, 5 -> 3, 6 -> 3, 7 -> 4, 8 -> 4, 9.5 -> 5.
 * R = recency 1,1,3,10,20,missing,40,50,60,70 (lower is better, missing
 * worst): ranks missing 1, 70 2, 60 3, 50 4, 40 5, 20 6, 10 7, 3 8, 1,1
 * 9.5 -> R scores in row order 5,5,4,4,3,1,3,2,2,1. M = 10 for all: one
 * tie of mean rank 5.5 -> 1 + floor(2.5) = 3.
 * By the built-in rules (F scores 1,2,2,2,3,3,4,4,5,5): potential = {c0,
 * c1, c2, c3}, loyal = {c4, c6}, slipping = {c5, c7, c8, c9}. Tenure 100
 * days; inactive 1, 1, 3, 10, 20 days: active (c0-c4); c5 never active:
 * lost; 40-70 days: dormant (c6-c9). */
static const double rfm_rows[10][N_IN] = {
    {100, 1, 1, 10, 0, 0, 0, NAN, NAN, NAN},
    {100, 1, 2, 10, 0, 0, 0, NAN, NAN, NAN},
    {100, 3, 2, 10, 0, 0, 0, NAN, NAN, NAN},
    {100, 10, 2, 10, 0, 0, 0, NAN, NAN, NAN},
    {100, 20, 5, 10, 0, 0, 0, NAN, NAN, NAN},
    {100, NAN, 6, 10, 0, 0, 0, NAN, NAN, NAN},
    {100, 40, 7, 10, 0, 0, 0, NAN, NAN, NAN},
    {100, 50, 8, 10, 0, 0, 0, NAN, NAN, NAN},
    {100, 60, 9, 10, 0, 0, 0, NAN, NAN, NAN},
    {100, 70, 9, 10, 0, 0, 0, NAN, NAN, NAN},
};

/* The KPI tests' log, over [2024-01-01, 2024-04-01).
 * At start {a, b}, at end {a, c, e}: retained {a}, new 2, retention
 * (3 - 2) / 2 = 0.5. Revenue 30 before, 15 in the period: 0.5.
 * Cohorts: January {c, d}: on 02-01 both (1), on 03-01 and 04-01 only c
 * (0.5, 0.5); February {e}: 03-01, 04-01 (1, 1); March: empty. */
static const char kpi_log[] =
    "customer_id,timestamp,event,value\n"
    "a,2023-11-15,login,\n"
    "a,2023-11-20,purchase,10\n"
    "a,2024-02-01,purchase,15\n"
    "b,2023-12-01,signup,\n"
    "b,2023-12-05,purchase,20\n"
    "b,2024-02-10,cancel,\n"
    "c,2024-01-15,signup,\n"
    "d,2024-01-20,signup,\n"
    "d,2024-02-15,cancel,\n"
    "e,2024-02-10,signup,\n"
    "f,2024-04-01,login,\n";

#endif

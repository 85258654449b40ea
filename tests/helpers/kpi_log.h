/* kpi_log.h - the small event log of the KPI tests (test_segment.c,
 * test_segment_report.c), over [2024-01-01, 2024-04-01).
 * At start {a, b}, at end {a, c, e}: retained {a}, new 2, retention
 * (3 - 2) / 2 = 0.5. Revenue 30 before, 15 in the period: 0.5.
 * Cohorts: January {c, d}: on 02-01 both (1), on 03-01 and 04-01 only c
 * (0.5, 0.5); February {e}: 03-01, 04-01 (1, 1); March: empty. */
#ifndef CHURN_TESTS_KPI_LOG_H
#define CHURN_TESTS_KPI_LOG_H

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

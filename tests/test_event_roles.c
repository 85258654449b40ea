/* test_event_roles.c - roles mean what they say (unknown names are
 * activity only while the activity role keeps its defaults; ignored names
 * are dropped), the statistics an extraction fills (customers, the
 * customers file's matches, each event name with rows and role), and the
 * error for a customers dataset that matches no customer of the log. */
#include "featutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* a: login 10 days before T0, export_report 2 days before; b: only an
 * export_report; c: only rows of an ignored name (in some tests). */
static const char *const log_text =
    "customer_id,timestamp,event\n"
    "a,2023-12-22,login\n"
    "a,2023-12-30,Export_Report\n"
    "b,2023-12-29,export_report\n"
    "a,2023-11-01,heartbeat\n"
    "c,2023-12-31,heartbeat\n"
    "a,2024-01-05,login\n"; /* after T0: counted, no feature */

/* A customers dataset of one numeric column "fee" with these ids. */
static churn_dataset *customers(const char *const *ids, size_t n)
{
    churn_dataset *cu = churn_dataset_new(1);
    assert_non_null(cu);
    assert_int_equal(churn_dataset_set_column(cu, 0, "fee", CHURN_NUMERIC,
                                              NULL), CHURN_OK);
    for (size_t i = 0; i < n; i++) {
        double fee = 10.0 + (double)i;
        assert_int_equal(churn_dataset_add_row(cu, ids[i], &fee, NAN, NULL),
                         CHURN_OK);
    }
    return cu;
}

/* The index of name in s, failing the test when it is not there. */
static size_t name_index(const churn_feature_stats *s, const char *name)
{
    for (size_t i = 0; i < churn_feature_stats_n_names(s); i++)
        if (strcmp(churn_feature_stats_name(s, i), name) == 0)
            return i;
    fail_msg("no event name '%s' in the statistics", name);
    return 0;
}

/* With the default roles an unknown name is activity: the recency comes
 * from the latest export_report. */
static void test_unknown_is_activity_by_default(void **state)
{
    (void)state;
    churn_feature_opts *o = fu_opts_at(T0);
    churn_dataset *ds = fu_extract(log_text, o, NULL);
    fu_assert_feature(ds, "a", "recency_activity_days", 2);
    fu_assert_feature(ds, "a", "activity_30d", 2); /* login, export */
    fu_assert_feature(ds, "a", "activity_90d", 3); /* and heartbeat */
    fu_assert_feature(ds, "a", "events_export_report_30d", 1);
    fu_assert_feature(ds, "b", "recency_activity_days", 3);
    churn_dataset_free(ds);
    /* Another role's names leave activity's defaults, and the rule, as
     * they are. */
    assert_int_equal(churn_feature_opts_set_role_names(o, CHURN_ROLE_PURCHASE,
                                                       "buy"), CHURN_OK);
    ds = fu_extract(log_text, o, NULL);
    fu_assert_feature(ds, "a", "recency_activity_days", 2);
    churn_dataset_free(ds);
    churn_feature_opts_free(o);
}

/* Once the activity names are given, exactly those are activity: the
 * recency is the login's; the unknown name keeps its column. */
static void test_activity_names_are_exact(void **state)
{
    (void)state;
    churn_feature_opts *o = fu_opts_at(T0);
    assert_int_equal(churn_feature_opts_set_role_names(
                         o, CHURN_ROLE_ACTIVITY, "login"), CHURN_OK);
    churn_dataset *ds = fu_extract(log_text, o, NULL);
    fu_assert_feature(ds, "a", "recency_activity_days", 10);
    fu_assert_feature(ds, "a", "activity_30d", 1);
    fu_assert_feature(ds, "a", "events_export_report_30d", 1);
    fu_assert_feature(ds, "a", "events_heartbeat_30d", 0);
    /* b has events but no activity: no recency, yet in the population of
     * a log with no cancel event only through activity, so left out. */
    assert_int_equal(fu_row_of(ds, "b"), (size_t)-1);
    churn_dataset_free(ds);
    churn_feature_opts_free(o);
}

/* Ignored names are dropped entirely: no column, no activity, no tenure,
 * no customer. */
static void test_ignored_names(void **state)
{
    (void)state;
    churn_feature_opts *o = fu_opts_at(T0);
    assert_int_equal(churn_feature_opts_set_ignored_names(o, "heartbeat"),
                     CHURN_OK);
    churn_dataset *ds = fu_extract(log_text, o, NULL);
    assert_int_equal(churn_dataset_column_index(ds, "events_heartbeat_30d"),
                     (size_t)-1);
    fu_assert_feature(ds, "a", "tenure_days", 10); /* not 61 */
    fu_assert_feature(ds, "a", "activity_90d", 2);
    assert_int_equal(fu_row_of(ds, "c"), (size_t)-1);
    churn_dataset_free(ds);
    /* Ignoring a default name leaves the role's other defaults. */
    assert_int_equal(churn_feature_opts_set_ignored_names(o, "LOGIN"),
                     CHURN_OK);
    ds = fu_extract(log_text, o, NULL);
    fu_assert_feature(ds, "a", "recency_activity_days", 2);
    fu_assert_feature(ds, "a", "activity_30d", 1); /* export_report */
    fu_assert_feature(ds, "c", "activity_30d", 1); /* heartbeat */
    churn_dataset_free(ds);
    /* A name the caller both ignores and gives a role is an error. */
    assert_int_equal(churn_feature_opts_set_role_names(
                         o, CHURN_ROLE_ACTIVITY, "login,export_report"),
                     CHURN_OK);
    churn_error err;
    assert_int_equal(fu_extract_fails(log_text, o, NULL, &err), CHURN_EINVAL);
    assert_string_equal(err.message, "event name 'login' is given to two "
                                     "roles, activity and ignore");
    assert_int_equal(churn_feature_opts_set_ignored_names(NULL, "x"),
                     CHURN_EINVAL);
    assert_int_equal(churn_feature_opts_set_ignored_names(o, NULL),
                     CHURN_EINVAL);
    churn_feature_opts_free(o);
}

/* The statistics: every row and name counted (after T0 too), roles as
 * read, columns as written, the join's matches; they add up. */
static void test_stats(void **state)
{
    (void)state;
    churn_feature_opts *o = fu_opts_at(T0);
    churn_feature_stats *s = churn_feature_stats_new();
    assert_non_null(s);
    assert_int_equal(churn_feature_opts_set_stats(o, s), CHURN_OK);
    assert_int_equal(churn_feature_opts_set_role_names(
                         o, CHURN_ROLE_ACTIVITY, "login"), CHURN_OK);
    assert_int_equal(churn_feature_opts_set_ignored_names(o, "heartbeat"),
                     CHURN_OK);
    static const char *const ids[] = {"a", "x", "y"};
    churn_dataset *cu = customers(ids, 3);
    churn_dataset *ds = fu_extract(log_text, o, cu);
    churn_dataset_free(ds);
    assert_true(churn_feature_stats_value(s, "events") == 6);
    assert_true(churn_feature_stats_value(s, "events_ignored") == 2);
    assert_true(churn_feature_stats_value(s, "events_unlisted") == 0);
    assert_true(churn_feature_stats_value(s, "customers") == 2);
    assert_true(churn_feature_stats_value(s, "customers_rows") == 3);
    assert_true(churn_feature_stats_value(s, "customers_matched") == 1);
    assert_true(isnan(churn_feature_stats_value(s, "nope")));
    /* Names lowercased, in order of first appearance. */
    assert_int_equal(churn_feature_stats_n_names(s), 3);
    assert_string_equal(churn_feature_stats_name(s, 0), "login");
    assert_string_equal(churn_feature_stats_name(s, 1), "export_report");
    assert_string_equal(churn_feature_stats_name(s, 2), "heartbeat");
    assert_null(churn_feature_stats_name(s, 3));
    size_t login = 0, export = 1, beat = 2;
    assert_int_equal(churn_feature_stats_name_count(s, login), 2);
    assert_int_equal(churn_feature_stats_name_count(s, export), 2);
    assert_int_equal(churn_feature_stats_name_count(s, beat), 2);
    assert_string_equal(churn_feature_stats_name_role(s, login), "activity");
    assert_string_equal(churn_feature_stats_name_role(s, export), "none");
    assert_string_equal(churn_feature_stats_name_role(s, beat), "ignore");
    assert_null(churn_feature_stats_name_column(s, login));
    assert_string_equal(churn_feature_stats_name_column(s, export),
                        "events_export_report_30d");
    assert_null(churn_feature_stats_name_column(s, beat));
    /* A second extraction adds to the first. */
    ds = fu_extract(log_text, o, cu);
    churn_dataset_free(ds);
    assert_true(churn_feature_stats_value(s, "events") == 12);
    assert_true(churn_feature_stats_value(s, "customers_matched") == 2);
    assert_int_equal(churn_feature_stats_name_count(s, name_index(s, "login")),
                     4);
    churn_dataset_free(cu);
    churn_feature_stats_free(s);
    /* Without a customers dataset, its figures are NaN. */
    s = churn_feature_stats_new();
    churn_feature_opts_set_stats(o, s);
    ds = fu_extract(log_text, o, NULL);
    churn_dataset_free(ds);
    assert_true(isnan(churn_feature_stats_value(s, "customers_matched")));
    assert_true(isnan(churn_feature_stats_value(s, "customers_rows")));
    assert_true(churn_feature_stats_value(s, "customers") == 2);
    churn_feature_stats_free(s);
    churn_feature_stats_free(NULL);
    churn_feature_opts_free(o);
}

/* A name seen only from T0 on has no column: the statistics say so. */
static void test_stats_column_after_t0(void **state)
{
    (void)state;
    churn_feature_opts *o = fu_opts_at(T0);
    churn_feature_stats *s = churn_feature_stats_new();
    churn_feature_opts_set_stats(o, s);
    churn_dataset *ds = fu_extract("customer_id,timestamp,event\n"
                                   "a,2023-12-31,login\n"
                                   "a,2024-01-02,late_name\n",
                                   o, NULL);
    assert_int_equal(churn_dataset_column_index(ds, "events_late_name_30d"),
                     (size_t)-1);
    assert_null(churn_feature_stats_name_column(s, name_index(s,
                                                              "late_name")));
    assert_string_equal(
        churn_feature_stats_name_role(s, name_index(s, "late_name")),
        "activity");
    churn_dataset_free(ds);
    churn_feature_stats_free(s);
    churn_feature_opts_free(o);
}

/* A scan reads the log alone, with or without an as-of time. */
static void test_scan(void **state)
{
    (void)state;
    churn_feature_opts *o = churn_feature_opts_new();
    churn_feature_stats *s = churn_feature_stats_new();
    const char *path = tu_write_text(0, "events.csv", log_text);
    churn_error err;
    assert_int_equal(churn_events_scan(path, o, s, &err), CHURN_OK);
    assert_true(churn_feature_stats_value(s, "events") == 6);
    assert_true(churn_feature_stats_value(s, "customers") == 3);
    assert_string_equal(
        churn_feature_stats_name_column(s, name_index(s, "heartbeat")),
        "events_heartbeat_30d");
    assert_int_equal(churn_events_scan(path, o, NULL, &err), CHURN_EINVAL);
    const char *bad = tu_write_text(1, "bad.csv",
                                    "customer_id,timestamp,event\n"
                                    "a,2023-13-01,login\n");
    assert_int_equal(churn_events_scan(bad, o, s, &err), CHURN_EPARSE);
    char expect[512];
    snprintf(expect, sizeof expect, "%s:2:3: bad timestamp '2023-13-01'",
             bad);
    assert_string_equal(err.message, expect);
    churn_feature_stats_free(s);
    churn_feature_opts_free(o);
}

/* A customers dataset that has a row for none of the log's customers is
 * an error naming both sides with an id of each. */
static void test_customers_match_none(void **state)
{
    (void)state;
    churn_feature_opts *o = fu_opts_at(T0);
    static const char *const ids[] = {"A-1", "A-2"};
    churn_dataset *cu = customers(ids, 2);
    const char *path = tu_write_text(0, "events.csv", log_text);
    churn_dataset *ds = NULL;
    churn_error err;
    char expect[512];
    assert_int_equal(churn_features_extract(path, cu, o, &ds, &err),
                     CHURN_EFORMAT);
    assert_null(ds);
    snprintf(expect, sizeof expect, "%s: none of the 3 customers of the log "
             "has a row in the customers dataset (ids such as 'a' in the "
             "log, 'A-1' in the customers dataset)", path);
    assert_string_equal(err.message, expect);
    assert_int_equal(churn_dataset_set_source(cu, "crm.csv"), CHURN_OK);
    assert_string_equal(churn_dataset_source(cu), "crm.csv");
    assert_int_equal(churn_features_extract(path, cu, o, &ds, &err),
                     CHURN_EFORMAT);
    snprintf(expect, sizeof expect, "%s: none of the 3 customers of the log "
             "has a row in crm.csv (ids such as 'a' in the log, 'A-1' in "
             "crm.csv)", path);
    assert_string_equal(err.message, expect);
    churn_dataset_free(cu);
    /* No rows at all. */
    cu = customers(NULL, 0);
    churn_dataset_set_source(cu, "empty.csv");
    assert_int_equal(churn_features_extract(path, cu, o, &ds, &err),
                     CHURN_EFORMAT);
    snprintf(expect, sizeof expect, "%s: none of the 3 customers of the log "
             "has a row in empty.csv, which has no rows", path);
    assert_string_equal(err.message, expect);
    assert_int_equal(churn_dataset_set_source(cu, NULL), CHURN_OK);
    assert_null(churn_dataset_source(cu));
    churn_dataset_free(cu);
    /* One match is enough: no error. */
    static const char *const one[] = {"zz", "b"};
    cu = customers(one, 2);
    ds = fu_extract(log_text, o, cu);
    fu_assert_feature(ds, "b", "fee", 11);
    fu_assert_feature(ds, "a", "fee", NAN);
    churn_dataset_free(ds);
    churn_dataset_free(cu);
    churn_feature_opts_free(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unknown_is_activity_by_default),
        cmocka_unit_test(test_activity_names_are_exact),
        cmocka_unit_test(test_ignored_names),
        cmocka_unit_test(test_stats),
        cmocka_unit_test(test_stats_column_after_t0),
        cmocka_unit_test(test_scan),
        cmocka_unit_test(test_customers_match_none),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

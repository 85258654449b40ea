/* test_extract.c - feature extraction around the features: population,
 * labels, no leakage, snapshots, role and column remapping, the customers
 * join, options, progress, and every error with its exact place. */
#include "featutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void assert_ids(const churn_dataset *ds, const char *const *ids,
                       size_t n)
{
    assert_int_equal(churn_dataset_n_rows(ds), n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(churn_dataset_id(ds, i), ids[i]);
}

/* ------------------------------------------------- population and labels */

/* No cancel anywhere: the population is who was active in the 90 days
 * before t0 (10-03 is 90 days before 2024-01-01, 10-02 is 91). */
static const char quiet_log[] = "customer_id,timestamp,event\n"
                                "b,2023-10-03,login\n"
                                "c,2023-10-02,login\n"
                                "d,2023-12-01,purchase\n" /* not activity */
                                "e,2024-01-02,login\n"    /* only after t0 */
                                "f,2023-12-20,Widget\n";  /* unknown = act. */

static void test_population_without_cancels(void **state)
{
    (void)state;
    churn_feature_opts *o = fu_opts_at(T0);
    churn_dataset *ds = fu_extract(quiet_log, o, NULL);
    assert_ids(ds, (const char *const[]){"b", "f"}, 2);
    churn_dataset_free(ds);
    assert_int_equal(churn_feature_opts_set_active_window(o, 91), CHURN_OK);
    ds = fu_extract(quiet_log, o, NULL);
    assert_ids(ds, (const char *const[]){"b", "c", "f"}, 3);
    churn_dataset_free(ds);
    churn_feature_opts_free(o);
}

/* With cancels: anyone with an event before t0 and no cancel before it. */
static void test_population_with_cancels(void **state)
{
    (void)state;
    churn_feature_opts *o = fu_opts_at(T0);
    char log[512];
    snprintf(log, sizeof log, "%s%s", quiet_log,
             "g,2023-12-01,login\ng,2023-12-15,cancel\n"   /* gone */
             "h,2023-12-01,login\nh,2024-01-01,Churn\n"); /* at t0: stays */
    churn_dataset *ds = fu_extract(log, o, NULL);
    assert_ids(ds, (const char *const[]){"b", "c", "d", "f", "h"}, 5);
    churn_dataset_free(ds);
    churn_feature_opts_free(o);
}

/* Horizon 30 days: [2024-01-01, 2024-01-31). */
static void test_labels_with_cancels(void **state)
{
    (void)state;
    churn_feature_opts *o = fu_opts_at(T0);
    assert_int_equal(churn_feature_opts_set_horizon(o, 30), CHURN_OK);
    const char *log = "customer_id,timestamp,event\n"
                      "g,2023-12-01,login\ng,2024-01-01,cancel\n"
                      "h,2023-12-01,login\nh,2024-01-31,cancel\n"
                      "i,2023-12-01,login\ni,2024-01-30T23:59:59Z,cancel\n"
                      "j,2023-12-01,login\n";
    churn_dataset *ds = fu_extract(log, o, NULL);
    assert_ids(ds, (const char *const[]){"g", "h", "i", "j"}, 4);
    assert_string_equal(churn_dataset_label_name(ds), "churned");
    assert_true(churn_dataset_label(ds, 0) == 1); /* cancel at t0 */
    assert_true(churn_dataset_label(ds, 1) == 0); /* just after horizon */
    assert_true(churn_dataset_label(ds, 2) == 1); /* last second in it */
    assert_true(churn_dataset_label(ds, 3) == 0); /* never cancelled */
    churn_dataset_free(ds);
    churn_feature_opts_free(o);
}

/* No cancels: churned = no activity (unknown names included) in the
 * horizon. */
static void test_labels_without_cancels(void **state)
{
    (void)state;
    churn_feature_opts *o = fu_opts_at(T0);
    assert_int_equal(churn_feature_opts_set_horizon(o, 30), CHURN_OK);
    const char *log = "customer_id,timestamp,event\n"
                      "j,2023-12-01,login\nj,2024-01-01,login\n"
                      "k,2023-12-01,login\nk,2024-01-31,login\n"
                      "l,2023-12-01,login\nl,2024-01-10,Widget\n"
                      "m,2023-12-01,login\nm,2024-01-10,purchase\n"
                      "n,2023-12-01,login\nn,2023-12-31T23:59:59Z,login\n";
    churn_dataset *ds = fu_extract(log, o, NULL);
    assert_ids(ds, (const char *const[]){"j", "k", "l", "m", "n"}, 5);
    assert_true(churn_dataset_label(ds, 0) == 0); /* active at t0 itself */
    assert_true(churn_dataset_label(ds, 1) == 1); /* only after horizon */
    assert_true(churn_dataset_label(ds, 2) == 0); /* unknown = activity */
    assert_true(churn_dataset_label(ds, 3) == 1); /* purchase is not */
    assert_true(churn_dataset_label(ds, 4) == 1); /* before t0 is not */
    churn_dataset_free(ds);
    churn_feature_opts_free(o);
}

/* ------------------------------------------------------------- no leakage */

static const char history_before[] =
    "customer_id,timestamp,event,value\n"
    "a,2023-06-01,signup,\n"
    "a,2023-12-20,login,3\n"
    "a,2023-12-10,purchase,12.5\n"
    "a,2023-11-15,ticket,\n"
    "a,2023-11-20,ticket_closed,\n"
    "a,2023-12-21,ticket,\n"
    "a,2023-10-01,survey,4\n"
    "a,2023-12-01,survey,2\n"
    "b,2023-12-30,Widget,\n"
    "b,2023-09-01,purchase,7\n"
    "c,2023-12-24,login,\n";

/* Every kind of event, at t0 and after it, for every customer, plus a new
 * customer and a new event name: nothing a snapshot at t0 may see. */
static const char history_after[] =
    "a,2024-01-01,login,100\n"
    "a,2024-01-01T00:00:00Z,purchase,1000\n"
    "a,2024-01-02,ticket,\n"
    "a,2024-01-03,ticket_closed,\n"
    "a,2024-01-03,ticket_closed,\n"
    "a,2024-01-04,survey,10\n"
    "a,2024-01-05,signup,\n"
    "b,2024-01-01,Widget,5\n"
    "b,2024-01-06,Gadget,\n"
    "c,2024-01-07,purchase,3\n"
    "z,2024-01-02,login,\n";

static void assert_same_features(const churn_dataset *x,
                                 const churn_dataset *y)
{
    assert_int_equal(churn_dataset_n_rows(x), churn_dataset_n_rows(y));
    assert_int_equal(churn_dataset_n_cols(x), churn_dataset_n_cols(y));
    for (size_t j = 0; j < churn_dataset_n_cols(x); j++)
        assert_string_equal(churn_dataset_column_name(x, j),
                            churn_dataset_column_name(y, j));
    for (size_t i = 0; i < churn_dataset_n_rows(x); i++) {
        assert_string_equal(churn_dataset_id(x, i), churn_dataset_id(y, i));
        for (size_t j = 0; j < churn_dataset_n_cols(x); j++) {
            double u = churn_dataset_value(x, i, j);
            double v = churn_dataset_value(y, i, j);
            if (!(u == v || (isnan(u) && isnan(v))))
                fail_msg("%s %s: %.17g became %.17g", churn_dataset_id(x, i),
                         churn_dataset_column_name(x, j), u, v);
        }
    }
}

static void test_no_leakage(void **state)
{
    (void)state;
    char with_cancel[1024], with_after[1024], both[2048];
    snprintf(with_cancel, sizeof with_cancel, "%s%s", history_before,
             "d,2023-12-01,login,\nd,2023-12-02,cancel,\n");
    snprintf(with_after, sizeof with_after, "%s%s", history_before,
             history_after);
    snprintf(both, sizeof both, "%s%s%s", with_cancel, history_after,
             "c,2024-01-08,cancel,\n");
    churn_feature_opts *o = fu_opts_at(T0);
    assert_int_equal(churn_feature_opts_set_horizon(o, 30), CHURN_OK);
    /* Without cancel events in the file, and with. */
    const char *pairs[2][2] = {{history_before, with_after},
                               {with_cancel, both}};
    for (int p = 0; p < 2; p++) {
        churn_dataset *before = fu_extract(pairs[p][0], o, NULL);
        churn_dataset *after = fu_extract(pairs[p][1], o, NULL);
        assert_int_equal(churn_dataset_n_rows(before), 3);
        assert_same_features(before, after);
        /* Only the labels may move: c goes quiet (no cancels) or cancels
         * (with). */
        size_t c = fu_row_of(before, "c");
        assert_true(churn_dataset_label(before, c) == 1 - p);
        assert_true(churn_dataset_label(after, c) == 1);
        churn_dataset_free(before);
        churn_dataset_free(after);
    }
    churn_feature_opts_free(o);
}

/* -------------------------------------------------------------- snapshots */

static void test_snapshots(void **state)
{
    (void)state;
    churn_feature_opts *o = fu_opts_at(T0);
    assert_int_equal(churn_feature_opts_set_snapshots(o, 2, 30), CHURN_OK);
    assert_int_equal(churn_feature_opts_set_horizon(o, 30), CHURN_OK);
    /* t1 = 2023-12-02. a: 11-20 is 12 days before t1, 42 before t0;
     * 12-10 is after t1, 22 days before t0. b starts after t1. c cancels
     * between the two: in t1 with label 1, gone at t0. */
    const char *log = "customer_id,timestamp,event\n"
                      "a,2023-11-20,login\n"
                      "a,2023-12-10,login\n"
                      "b,2023-12-05,signup\n"
                      "b,2023-12-06,login\n"
                      "c,2023-11-01,login\n"
                      "c,2023-12-15,cancel\n";
    churn_dataset *ds = fu_extract(log, o, NULL);
    /* The oldest snapshot first, customers in order of appearance. */
    assert_ids(ds, (const char *const[]){"a", "c", "a", "b"}, 4);
    double t1 = T0 - 30 * DAY;
    assert_true(churn_dataset_as_of(ds, 0) == t1);
    assert_true(churn_dataset_as_of(ds, 1) == t1);
    assert_true(churn_dataset_as_of(ds, 2) == T0);
    assert_true(churn_dataset_as_of(ds, 3) == T0);
    size_t rec = churn_dataset_column_index(ds, "recency_activity_days");
    size_t a90 = churn_dataset_column_index(ds, "activity_90d");
    size_t ten = churn_dataset_column_index(ds, "tenure_days");
    assert_true(churn_dataset_value(ds, 0, rec) == 12);
    assert_true(churn_dataset_value(ds, 0, a90) == 1);
    assert_true(churn_dataset_label(ds, 0) == 0);
    assert_true(churn_dataset_value(ds, 1, rec) == 31); /* 11-01 -> 12-02 */
    assert_true(churn_dataset_label(ds, 1) == 1);
    assert_true(churn_dataset_value(ds, 2, rec) == 22);
    assert_true(churn_dataset_value(ds, 2, a90) == 2);
    assert_true(churn_dataset_value(ds, 2, ten) == 42);
    assert_true(churn_dataset_value(ds, 3, ten) == 27); /* from signup */
    assert_true(churn_dataset_value(ds, 3, rec) == 26);
    /* The CSV shows the as-of dates only with several snapshots. */
    const char *out = tu_write_text(1, "features.csv", "");
    assert_int_equal(churn_dataset_write_csv(ds, out, NULL, NULL), 0);
    char *text = tu_read_file(out, NULL);
    assert_non_null(strstr(text, "customer_id,as_of,tenure_days,"));
    assert_non_null(strstr(text, "\na,2023-12-02,"));
    assert_non_null(strstr(text, ",churned,days_to_churn\n"));
    free(text);
    churn_dataset_free(ds);
    assert_int_equal(churn_feature_opts_set_snapshots(o, 1, 30), CHURN_OK);
    ds = fu_extract(log, o, NULL);
    assert_true(isnan(churn_dataset_as_of(ds, 0)));
    assert_int_equal(churn_dataset_write_csv(ds, out, NULL, NULL), 0);
    text = tu_read_file(out, NULL);
    assert_null(strstr(text, "as_of"));
    free(text);
    churn_dataset_free(ds);
    churn_feature_opts_free(o);
}

/* -------------------------------------------------------------- remapping */

static void test_role_remapping(void **state)
{
    (void)state;
    churn_feature_opts *o = fu_opts_at(T0);
    /* The caller's names replace a role's defaults: login is now unknown,
     * and so is subscribe once signup has only "joined". */
    assert_int_equal(churn_feature_opts_set_role_names(
                         o, CHURN_ROLE_ACTIVITY, " Open_App , click,"), 0);
    assert_int_equal(churn_feature_opts_set_role_names(o, CHURN_ROLE_SIGNUP,
                                                       "joined"), 0);
    const char *log = "customer_id,timestamp,event\n"
                      "a,2023-12-31,open_app\n"
                      "a,2023-12-30,CLICK\n"
                      "a,2023-12-29,login\n"
                      "a,2023-06-01,joined\n"      /* 214 days */
                      "a,2023-05-01,subscribe\n";  /* 245 days */
    churn_dataset *ds = fu_extract(log, o, NULL);
    /* Once the activity names are given, exactly those are activity:
     * login keeps its per-name column and nothing more. */
    fu_assert_feature(ds, "a", "activity_7d", 2);
    fu_assert_feature(ds, "a", "recency_activity_days", 1);
    fu_assert_feature(ds, "a", "events_login_30d", 1);
    fu_assert_feature(ds, "a", "tenure_days", 214);
    churn_dataset_free(ds);
    /* A name the caller gives a role wins over another role's default:
     * with subscribe as activity, tenure runs from the first event. */
    assert_int_equal(churn_feature_opts_set_role_names(
                         o, CHURN_ROLE_ACTIVITY, "login,subscribe"), 0);
    assert_int_equal(churn_feature_opts_set_role_names(o, CHURN_ROLE_SIGNUP,
                                                       "signup,subscribe"),
                     0);
    churn_error err;
    assert_int_equal(fu_extract_fails(log, o, NULL, &err), CHURN_EINVAL);
    assert_string_equal(err.message, "event name 'subscribe' is given to two "
                                     "roles, activity and signup");
    assert_int_equal(churn_feature_opts_set_role_names(o, CHURN_ROLE_SIGNUP,
                                                       "start"), 0);
    ds = fu_extract(log, o, NULL);
    fu_assert_feature(ds, "a", "tenure_days", 245);
    /* login is activity; open_app and CLICK, unknown again, are not. */
    fu_assert_feature(ds, "a", "activity_7d", 1);
    fu_assert_feature(ds, "a", "activity_90d", 1);
    fu_assert_feature(ds, "a", "recency_activity_days", 3);
    fu_assert_feature(ds, "a", "events_open_app_30d", 1);
    fu_assert_feature(ds, "a", "events_click_30d", 1);
    fu_assert_feature(ds, "a", "events_joined_30d", 0); /* 214 days */
    assert_int_equal(churn_dataset_column_index(ds, "events_login_30d"),
                     (size_t)-1);
    churn_dataset_free(ds);
    assert_int_equal(churn_feature_opts_set_role_names(o, CHURN_ROLE_COUNT,
                                                       "x"), CHURN_EINVAL);
    churn_feature_opts_free(o);
}

static void test_column_remapping(void **state)
{
    (void)state;
    churn_feature_opts *o = fu_opts_at(T0);
    assert_int_equal(churn_feature_opts_set_column(o, "customer_id", "user"),
                     0);
    assert_int_equal(churn_feature_opts_set_column(o, "timestamp", "When"), 0);
    assert_int_equal(churn_feature_opts_set_column(o, "event", "what"), 0);
    assert_int_equal(churn_feature_opts_set_column(o, "value", "amount"), 0);
    assert_int_equal(churn_feature_opts_set_column(o, "time", "x"),
                     CHURN_EINVAL);
    assert_int_equal(churn_feature_opts_set_column(o, "event", ""),
                     CHURN_EINVAL);
    /* Header names match in any case; extra columns are ignored. */
    const char *log = "note,amount,WHEN,what,USER\n"
                      "\"hi, there\",,2023-12-31,login,u1\n"
                      "x,20.5,2023-12-21,purchase,u1\n";
    churn_dataset *ds = fu_extract(log, o, NULL);
    fu_assert_feature(ds, "u1", "monetary_total", 20.5);
    fu_assert_feature(ds, "u1", "recency_purchase_days", 11);
    churn_dataset_free(ds);
    /* A value column named by the caller must be there. */
    churn_error err;
    assert_int_equal(fu_extract_fails("user,when,what\nu1,2023-12-31,login\n",
                                      o, NULL, &err),
                     CHURN_EFORMAT);
    assert_non_null(strstr(err.message, ":1:1: no column 'amount' (the "
                                        "header has: user, when, what)"));
    churn_feature_opts_free(o);
}

/* ---------------------------------------------------------- customers join */

/* plan is categorical with levels in the order pro, basic; fee numeric. */
static churn_dataset *make_customers(const char *plan_name)
{
    churn_dataset *cu = churn_dataset_new(2);
    assert_non_null(cu);
    assert_int_equal(churn_dataset_set_column(cu, 0, plan_name,
                                              CHURN_CATEGORICAL, NULL), 0);
    assert_int_equal(churn_dataset_set_column(cu, 1, "fee", CHURN_NUMERIC,
                                              NULL), 0);
    double pro, basic;
    assert_int_equal(churn_dataset_level_code(cu, 0, "pro", &pro, NULL), 0);
    assert_int_equal(churn_dataset_level_code(cu, 0, "basic", &basic, NULL),
                     0);
    double b_row[] = {pro, 9.5}, a_row[] = {basic, NAN}, x_row[] = {pro, 1};
    assert_int_equal(churn_dataset_add_row(cu, "b", b_row, NAN, NULL), 0);
    assert_int_equal(churn_dataset_add_row(cu, "a", a_row, NAN, NULL), 0);
    assert_int_equal(churn_dataset_add_row(cu, "x", x_row, NAN, NULL), 0);
    return cu;
}

static void test_customers_join(void **state)
{
    (void)state;
    churn_feature_opts *o = fu_opts_at(T0);
    churn_dataset *cu = make_customers("plan");
    const char *log = "customer_id,timestamp,event\n"
                      "a,2023-12-31,login\nb,2023-12-31,login\n"
                      "c,2023-12-31,login\n";
    churn_dataset *ds = fu_extract(log, o, cu);
    assert_int_equal(churn_dataset_n_cols(ds), 22);
    size_t plan = churn_dataset_column_index(ds, "plan");
    assert_int_equal(plan, 20);
    assert_int_equal(churn_dataset_column_kind(ds, plan), CHURN_CATEGORICAL);
    assert_int_equal(churn_dataset_column_kind(ds, 21), CHURN_NUMERIC);
    assert_int_equal(churn_dataset_n_levels(ds, plan), 2);
    assert_string_equal(churn_dataset_level(ds, plan, 0), "pro");
    assert_string_equal(churn_dataset_level(ds, plan, 1), "basic");
    fu_assert_feature(ds, "a", "plan", 1); /* basic */
    fu_assert_feature(ds, "a", "fee", NAN);
    fu_assert_feature(ds, "b", "plan", 0); /* pro */
    fu_assert_feature(ds, "b", "fee", 9.5);
    fu_assert_feature(ds, "c", "plan", NAN); /* not in customers */
    fu_assert_feature(ds, "c", "fee", NAN);
    assert_int_equal(fu_row_of(ds, "x"), (size_t)-1); /* no events */
    churn_dataset_free(ds);
    churn_dataset_free(cu);
    /* A customers column may not take a feature's name. */
    churn_error err;
    const char *clashes[] = {"activity_30d", "events_widget_30d", "churned"};
    for (size_t i = 0; i < 3; i++) {
        cu = make_customers(clashes[i]);
        const char *path = tu_write_text(0, "events.csv",
                                         "customer_id,timestamp,event\n"
                                         "a,2023-12-31,widget\n");
        churn_dataset *none = NULL;
        assert_int_equal(churn_features_extract(path, cu, o, &none, &err),
                         CHURN_EFORMAT);
        assert_null(none);
        char expect[128];
        snprintf(expect, sizeof expect, "customers column '%s' clashes",
                 clashes[i]);
        assert_non_null(strstr(err.message, expect));
        churn_dataset_free(cu);
    }
    churn_feature_opts_free(o);
}

/* A customers column whose every level is a date becomes days from the
 * as-of date to it; a column with one non-date level stays categorical. */
static void test_customers_date_column(void **state)
{
    (void)state;
    churn_feature_opts *o = fu_opts_at(T0); /* 2024-01-01 */
    churn_dataset *cu = churn_dataset_new(2);
    assert_int_equal(churn_dataset_set_column(cu, 0, "contract_end",
                                              CHURN_CATEGORICAL, NULL), 0);
    assert_int_equal(churn_dataset_set_column(cu, 1, "renewal",
                                              CHURN_CATEGORICAL, NULL), 0);
    double a[2], b[2];
    churn_dataset_level_code(cu, 0, "2024-03-01", &a[0], NULL);
    churn_dataset_level_code(cu, 1, "2024-02-01", &a[1], NULL);
    churn_dataset_level_code(cu, 0, "2023-12-25T12:00:00Z", &b[0], NULL);
    churn_dataset_level_code(cu, 1, "soon", &b[1], NULL);
    churn_dataset_add_row(cu, "a", a, NAN, NULL);
    churn_dataset_add_row(cu, "b", b, NAN, NULL);
    const char *log = "customer_id,timestamp,event\n"
                      "a,2023-12-31,login\nb,2023-12-31,login\n"
                      "c,2023-12-31,login\n";
    churn_dataset *ds = fu_extract(log, o, cu);
    size_t days = churn_dataset_column_index(ds, "contract_end_days");
    assert_true(days != (size_t)-1);
    assert_int_equal(churn_dataset_column_kind(ds, days), CHURN_NUMERIC);
    assert_int_equal(churn_dataset_column_index(ds, "contract_end"),
                     (size_t)-1);
    /* 2024-01-01 to 2024-03-01: 31 + 29 days; to 2023-12-25 noon: -6.5. */
    fu_assert_feature(ds, "a", "contract_end_days", 60);
    fu_assert_feature(ds, "b", "contract_end_days", -6.5);
    fu_assert_feature(ds, "c", "contract_end_days", NAN);
    size_t renewal = churn_dataset_column_index(ds, "renewal");
    assert_int_equal(churn_dataset_column_kind(ds, renewal),
                     CHURN_CATEGORICAL);
    churn_dataset_free(ds);
    churn_dataset_free(cu);
    churn_feature_opts_free(o);
}

/* ----------------------------------------------------------------- errors */

/* Expects an extraction of log to fail with code at line:column, with
 * message (after "FILE:LINE:COLUMN: ") exactly as given. */
static void expect_error(const char *log, int code, size_t line,
                         size_t column, const char *message)
{
    churn_feature_opts *o = fu_opts_at(T0);
    churn_error err;
    assert_int_equal(fu_extract_fails(log, o, NULL, &err), code);
    char where[600];
    snprintf(where, sizeof where, "%s/events.csv:%zu:%zu: %s", tu_tmpdir(),
             line, column, message);
    assert_string_equal(err.message, where);
    assert_int_equal(err.line, line);
    assert_int_equal(err.column, column);
    churn_feature_opts_free(o);
}

static void test_errors_with_place(void **state)
{
    (void)state;
    expect_error("customer_id,time,event\na,2023-12-01,login\n",
                 CHURN_EFORMAT, 1, 1,
                 "no column 'timestamp' (the header has: customer_id, "
                 "time, event)");
    expect_error("", CHURN_EEMPTY, 1, 1,
                 "empty file: expected a header with columns customer_id, "
                 "timestamp, event");
    const char *h = "customer_id,timestamp,event,value\n";
    char log[600];
    snprintf(log, sizeof log, "%sa,2023-12-01,login,\na,2023-12-01\n", h);
    expect_error(log, CHURN_EFORMAT, 3, 1,
                 "expected 4 fields as in the header, found 2");
    /* "a,2023-12-01,login,1," is 21 bytes: the extra field at column 22. */
    snprintf(log, sizeof log, "%sa,2023-12-01,login,1,x\n", h);
    expect_error(log, CHURN_EFORMAT, 2, 22,
                 "expected 4 fields as in the header, found 5");
    snprintf(log, sizeof log, "%s,2023-12-01,login,\n", h);
    expect_error(log, CHURN_EFORMAT, 2, 1, "empty customer id ''");
    snprintf(log, sizeof log, "%sa,2023-13-01,login,\n", h);
    expect_error(log, CHURN_EPARSE, 2, 3, "bad timestamp '2023-13-01'");
    /* A quoted event name spanning two lines: the next row is on line 4. */
    snprintf(log, sizeof log, "%sa,2023-12-01,\"two\nlines\",\n"
             "b,2023-12-01,purchase,12abc\n", h);
    expect_error(log, CHURN_EPARSE, 4, 23, "bad value '12abc'");
    snprintf(log, sizeof log, "%sa,2023-12-01,  ,\n", h);
    expect_error(log, CHURN_EPARSE, 2, 14, "empty event name '  '");
    char name[300];
    memset(name, 'n', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    snprintf(log, sizeof log, "%sa,2023-12-01,%s,\n", h, name);
    char expect[200];
    snprintf(expect, sizeof expect, "event name too long '%.64s...'", name);
    expect_error(log, CHURN_EPARSE, 2, 14, expect);
}

static void test_errors_without_place(void **state)
{
    (void)state;
    churn_feature_opts *o = churn_feature_opts_new();
    churn_dataset *ds = NULL;
    churn_error err;
    const char *path = tu_write_text(0, "events.csv",
                                     "customer_id,timestamp,event\n"
                                     "a,2023-12-31,login\n");
    assert_int_equal(churn_features_extract(path, NULL, o, &ds, &err),
                     CHURN_EINVAL);
    assert_non_null(strstr(err.message, "no as-of time set"));
    assert_int_equal(churn_features_extract(NULL, NULL, o, &ds, &err),
                     CHURN_EINVAL);
    assert_int_equal(churn_features_extract(path, NULL, NULL, &ds, NULL),
                     CHURN_EINVAL);
    assert_int_equal(churn_feature_opts_set_as_of(o, T0 - 10 * 86400), 0);
    /* Only an event after the as-of date. */
    assert_int_equal(churn_features_extract(path, NULL, o, &ds, &err),
                     CHURN_EEMPTY);
    assert_null(ds);
    char expect[600];
    snprintf(expect, sizeof expect, "%s: no customer is active before "
             "2023-12-22 (none of 1 has an activity event in the 90 days "
             "before it)", path);
    assert_string_equal(err.message, expect);
    assert_int_equal(churn_feature_opts_set_snapshots(o, 3, 7), 0);
    assert_int_equal(churn_features_extract(path, NULL, o, &ds, &err),
                     CHURN_EEMPTY);
    assert_non_null(strstr(err.message, "no customer is active before any "
                                        "snapshot from 2023-12-08 to "
                                        "2023-12-22"));
    path = tu_write_text(0, "events.csv", "customer_id,timestamp,event\n");
    assert_int_equal(churn_features_extract(path, NULL, o, &ds, &err),
                     CHURN_EEMPTY);
    assert_non_null(strstr(err.message, "no events after the header"));
    assert_int_equal(churn_features_extract("/nonexistent/events.csv", NULL,
                                            o, &ds, &err), CHURN_EIO);
    assert_non_null(strstr(err.message, "/nonexistent/events.csv: cannot"));
    /* Options out of range. */
    assert_int_equal(churn_feature_opts_set_horizon(o, -1), CHURN_EINVAL);
    assert_int_equal(churn_feature_opts_set_horizon(o, NAN), CHURN_EINVAL);
    assert_int_equal(churn_feature_opts_set_snapshots(o, 0, 30),
                     CHURN_EINVAL);
    assert_int_equal(churn_feature_opts_set_snapshots(o, 2, 0), CHURN_EINVAL);
    assert_int_equal(churn_feature_opts_set_active_window(o, 0),
                     CHURN_EINVAL);
    assert_int_equal(churn_feature_opts_set_as_of(NULL, 0), CHURN_EINVAL);
    churn_feature_opts_free(o);
    churn_feature_opts_free(NULL);
}

/* --------------------------------------------------------------- progress */

typedef struct progress_log {
    int calls;
    uint64_t done, total;
    char stage[32];
} progress_log;

static void on_progress(void *user, const char *stage, uint64_t done,
                        uint64_t total)
{
    progress_log *p = user;
    p->calls++;
    p->done = done;
    p->total = total;
    snprintf(p->stage, sizeof p->stage, "%s", stage);
}

static void test_progress_reports_bytes(void **state)
{
    (void)state;
    churn_feature_opts *o = fu_opts_at(T0);
    progress_log p = {0};
    assert_int_equal(churn_feature_opts_set_progress(o, on_progress, &p), 0);
    churn_dataset *ds = fu_extract(quiet_log, o, NULL);
    assert_true(p.calls >= 1);
    assert_string_equal(p.stage, "reading events");
    assert_int_equal(p.total, strlen(quiet_log));
    assert_int_equal(p.done, p.total);
    churn_dataset_free(ds);
    churn_feature_opts_free(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_population_without_cancels),
        cmocka_unit_test(test_population_with_cancels),
        cmocka_unit_test(test_labels_with_cancels),
        cmocka_unit_test(test_labels_without_cancels),
        cmocka_unit_test(test_no_leakage),
        cmocka_unit_test(test_snapshots),
        cmocka_unit_test(test_role_remapping),
        cmocka_unit_test(test_column_remapping),
        cmocka_unit_test(test_customers_join),
        cmocka_unit_test(test_customers_date_column),
        cmocka_unit_test(test_errors_with_place),
        cmocka_unit_test(test_errors_without_place),
        cmocka_unit_test(test_progress_reports_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

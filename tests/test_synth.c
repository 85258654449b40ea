/* test_synth.c - the synthetic history generator: determinism, file
 * contents, honesty of the truth file, options and errors. */
#include "testutil.h"

#include "ml/internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define DAY 86400.0
#define T0_DEFAULT 1735689600.0 /* 2025-01-01T00:00:00Z */

/* A fresh folder under the test's temporary folder. */
static const char *make_dir(const char *name)
{
    static char paths[4][512];
    static int next;
    char *path = paths[next++ & 3];
    snprintf(path, sizeof paths[0], "%s/%s", tu_tmpdir(), name);
    mkdir(path, 0777);
    return path;
}

static char *read_in(const char *dir, const char *name, size_t *len)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *text = tu_read_file(path, len);
    assert_non_null(text);
    return text;
}

static churn_synth_opts *opts_with(size_t customers, uint64_t seed)
{
    churn_synth_opts *o = churn_synth_opts_new();
    assert_non_null(o);
    assert_int_equal(churn_synth_opts_set_customers(o, customers), CHURN_OK);
    assert_int_equal(churn_synth_opts_set_seed(o, seed), CHURN_OK);
    return o;
}

static void generate_ok(const churn_synth_opts *o, const char *dir)
{
    churn_error err;
    churn_error_clear(&err);
    int rc = churn_synth_generate(o, dir, &err);
    if (rc != CHURN_OK)
        fail_msg("generate: %s", err.message);
}

static int same_file(const char *dir_a, const char *dir_b, const char *name)
{
    size_t len_a, len_b;
    char *a = read_in(dir_a, name, &len_a), *b = read_in(dir_b, name, &len_b);
    int same = len_a == len_b && memcmp(a, b, len_a) == 0;
    free(a);
    free(b);
    return same;
}

static void test_same_seed_same_bytes(void **state)
{
    (void)state;
    churn_synth_opts *o = opts_with(300, 42);
    const char *a = make_dir("det_a"), *b = make_dir("det_b");
    generate_ok(o, a);
    generate_ok(o, b);
    assert_true(same_file(a, b, "events.csv"));
    assert_true(same_file(a, b, "customers.csv"));
    assert_true(same_file(a, b, "truth.csv"));
    /* Seeds that differ only in their high bits differ too. */
    assert_int_equal(churn_synth_opts_set_seed(o, 42 + (1ull << 40)),
                     CHURN_OK);
    const char *c = make_dir("det_c");
    generate_ok(o, c);
    assert_false(same_file(a, c, "events.csv"));
    assert_false(same_file(a, c, "truth.csv"));
    churn_synth_opts_free(o);
}

/* ---------------------------------------------------------- reading back */

/* What the files say about one customer. */
struct seen {
    int events;          /* rows in events.csv */
    int events_before_t0;
    int cancels;
    double cancel;       /* time of the cancel, or INFINITY */
    double last;         /* latest non-cancel event */
    int in_truth;
    double p;
    int churned;
};

/* The customer number of an id "C000123" (from 0), checked in range. */
static size_t customer_index(const char *id, size_t n)
{
    assert_int_equal(id[0], 'C');
    char *end;
    unsigned long long v = strtoull(id + 1, &end, 10);
    assert_int_equal(*end, '\0');
    assert_true(v >= 1 && v <= n);
    return (size_t)v - 1;
}

static void expect_header(churn__csv *c, const char *const *names,
                          size_t n)
{
    assert_int_equal(churn__csv_next(c, NULL), CHURN_OK);
    assert_int_equal(churn__csv_n_fields(c), n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(churn__csv_field(c, i, NULL), names[i]);
}

static churn__csv *open_in(const char *dir, const char *name)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    churn__csv *c;
    churn_error err;
    assert_int_equal(churn__csv_open(path, &c, &err), CHURN_OK);
    return c;
}

/* Checks one event row's value against what its event name promises. */
static void check_value(const char *event, const char *value, size_t len)
{
    double v = 0;
    int number = len > 0 && churn__parse_double(value, len, &v);
    if (strcmp(event, "purchase") == 0) {
        /* An amount with exactly two decimals. */
        assert_true(number && v > 0);
        assert_true(len >= 4 && value[len - 3] == '.');
    } else if (strcmp(event, "survey") == 0) {
        assert_true(number && v >= 1 && v <= 10 && v == floor(v));
    } else if (strcmp(event, "ticket_opened") == 0) {
        assert_true(number && v >= 1 && v <= 3);
    } else if (strcmp(event, "login") == 0) {
        assert_true(len == 0 || (number && v >= 1 && v == floor(v)));
    } else if (strcmp(event, "signup") == 0 ||
               strcmp(event, "ticket_closed") == 0 ||
               strcmp(event, "cancel") == 0 ||
               strcmp(event, "invite_sent") == 0 ||
               strcmp(event, "feature_export") == 0) {
        assert_int_equal(len, 0);
    } else {
        fail_msg("unexpected event '%s'", event);
    }
}

/* Reads events.csv into seen[]; every timestamp must be a UTC date-time
 * inside [lo, hi). Returns the number of rows; *unsorted is set when some
 * row is earlier than the one before it. */
static size_t read_events(const char *dir, struct seen *seen, size_t n,
                          double t0, double lo, double hi, int *unsorted)
{
    static const char *const header[] = {"customer_id", "timestamp", "event",
                                         "value"};
    churn__csv *c = open_in(dir, "events.csv");
    expect_header(c, header, 4);
    size_t rows = 0, last_index = 0;
    double prev = -INFINITY;
    *unsorted = 0;
    for (size_t i = 0; i < n; i++)
        seen[i] = (struct seen){0, 0, 0, INFINITY, -INFINITY, 0, NAN, -1};
    while (churn__csv_next(c, NULL) == CHURN_OK) {
        assert_int_equal(churn__csv_n_fields(c), 4);
        size_t index = customer_index(churn__csv_field(c, 0, NULL), n);
        assert_true(index >= last_index); /* grouped by customer */
        last_index = index;
        size_t len, vlen;
        const char *ts = churn__csv_field(c, 1, &len);
        assert_int_equal(len, 20); /* YYYY-MM-DDTHH:MM:SSZ */
        assert_true(ts[10] == 'T' && ts[19] == 'Z');
        double t;
        assert_int_equal(churn_parse_time(ts, len, &t), CHURN_OK);
        assert_true(t >= lo && t < hi);
        *unsorted |= t < prev;
        prev = t;
        const char *event = churn__csv_field(c, 2, NULL);
        const char *value = churn__csv_field(c, 3, &vlen);
        check_value(event, value, vlen);
        struct seen *s = &seen[index];
        s->events++;
        s->events_before_t0 += t < t0;
        if (strcmp(event, "cancel") == 0) {
            s->cancels++;
            s->cancel = t;
        } else if (t > s->last) {
            s->last = t;
        }
        rows++;
    }
    churn__csv_close(c);
    return rows;
}

/* Reads truth.csv into seen[]; returns its row count. */
static size_t read_truth(const char *dir, struct seen *seen, size_t n)
{
    static const char *const header[] = {"customer_id", "churn_probability",
                                         "churned"};
    churn__csv *c = open_in(dir, "truth.csv");
    expect_header(c, header, 3);
    size_t rows = 0;
    while (churn__csv_next(c, NULL) == CHURN_OK) {
        assert_int_equal(churn__csv_n_fields(c), 3);
        struct seen *s = &seen[customer_index(churn__csv_field(c, 0, NULL),
                                              n)];
        assert_false(s->in_truth);
        s->in_truth = 1;
        size_t len;
        const char *p = churn__csv_field(c, 1, &len);
        assert_true(churn__parse_double(p, len, &s->p));
        const char *y = churn__csv_field(c, 2, NULL);
        assert_true(strcmp(y, "0") == 0 || strcmp(y, "1") == 0);
        s->churned = y[0] == '1';
        rows++;
    }
    churn__csv_close(c);
    return rows;
}

/* Checks customers.csv: one row per customer, in order, sane columns. */
static void check_customers(const char *dir, size_t n)
{
    static const char *const header[] = {"customer_id", "plan", "region",
                                         "monthly_fee", "contract_end"};
    churn__csv *c = open_in(dir, "customers.csv");
    expect_header(c, header, 5);
    size_t rows = 0;
    while (churn__csv_next(c, NULL) == CHURN_OK) {
        assert_int_equal(churn__csv_n_fields(c), 5);
        assert_int_equal(customer_index(churn__csv_field(c, 0, NULL), n),
                         rows);
        const char *plan = churn__csv_field(c, 1, NULL);
        assert_true(strcmp(plan, "basic") == 0 ||
                    strcmp(plan, "standard") == 0 ||
                    strcmp(plan, "premium") == 0);
        size_t len;
        const char *fee = churn__csv_field(c, 3, &len);
        double v;
        assert_true(churn__parse_double(fee, len, &v) && v > 0 && v < 100);
        const char *end = churn__csv_field(c, 4, &len);
        double t;
        assert_true(len == 0 ||
                    (len == 10 && churn_parse_time(end, len, &t) == CHURN_OK));
        rows++;
    }
    churn__csv_close(c);
    assert_int_equal(rows, n);
}

/* The invariants that tie the three files together. */
static void check_consistency(const struct seen *seen, size_t n, double t0,
                              double te)
{
    for (size_t i = 0; i < n; i++) {
        const struct seen *s = &seen[i];
        assert_true(s->cancels <= 1);
        /* Nothing happens after a cancel. */
        if (s->cancels)
            assert_true(s->last < s->cancel);
        /* truth.csv holds exactly the customers active at t0. */
        assert_int_equal(s->in_truth, !(s->cancel < t0));
        if (!s->in_truth)
            continue;
        assert_true(s->events_before_t0 > 0);
        assert_true(s->p >= 0 && s->p <= 1);
        /* churned = a cancel inside [t0, t0 + horizon). */
        assert_int_equal(s->churned, s->cancel >= t0 && s->cancel < te);
    }
}

static void test_files_parse_and_agree(void **state)
{
    (void)state;
    size_t n = 400;
    churn_synth_opts *o = opts_with(n, 7);
    const char *dir = make_dir("parse");
    generate_ok(o, dir);
    struct seen *seen = calloc(n, sizeof *seen);
    int unsorted;
    double t0 = T0_DEFAULT, ws = t0 - 365 * DAY, te = t0 + 90 * DAY;
    size_t rows = read_events(dir, seen, n, t0, ws, te, &unsorted);
    /* Roughly 0.7 activity events a customer-day over 455 days, less for
     * late signups and churners: far more than 100 per customer. */
    assert_true(rows > 100 * n);
    assert_true(unsorted); /* grouped by customer, not sorted by time */
    size_t active = read_truth(dir, seen, n);
    assert_true(active > n / 4 && active < n);
    check_customers(dir, n);
    check_consistency(seen, n, t0, te);
    free(seen);
    churn_synth_opts_free(o);
}

/* An as-of date that is not midnight and windows of fractional days: the
 * bounds still hold to the second. */
static void test_odd_window(void **state)
{
    (void)state;
    size_t n = 150;
    churn_synth_opts *o = opts_with(n, 3);
    double t0;
    const char *when = "2024-06-15T12:34:56Z";
    assert_int_equal(churn_parse_time(when, strlen(when), &t0), CHURN_OK);
    assert_int_equal(churn_synth_opts_set_as_of(o, (int64_t)t0), CHURN_OK);
    assert_int_equal(churn_synth_opts_set_history_days(o, 40.5), CHURN_OK);
    assert_int_equal(churn_synth_opts_set_horizon(o, 10.25), CHURN_OK);
    const char *dir = make_dir("odd/");
    generate_ok(o, dir);
    struct seen *seen = calloc(n, sizeof *seen);
    int unsorted;
    double ws = t0 - 40.5 * DAY, te = t0 + 10.25 * DAY;
    assert_true(read_events(dir, seen, n, t0, ws, te, &unsorted) > 0);
    read_truth(dir, seen, n);
    check_consistency(seen, n, t0, te);
    free(seen);
    churn_synth_opts_free(o);
}

/* ---------------------------------------------------------- honesty */

struct scored {
    double score;
    int label;
};

static int by_score(const void *a, const void *b)
{
    double x = ((const struct scored *)a)->score;
    double y = ((const struct scored *)b)->score;
    return (x > y) - (x < y);
}

/* Area under the ROC curve by ranks (Mann-Whitney U), ties sharing their
 * mean rank. Sorts v. */
static double rank_auc(struct scored *v, size_t n)
{
    qsort(v, n, sizeof *v, by_score);
    double rank_sum = 0, positives = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && v[j].score == v[i].score)
            j++;
        double mean_rank = (double)(i + 1 + j) / 2; /* ranks i+1 .. j */
        for (size_t k = i; k < j; k++)
            if (v[k].label) {
                rank_sum += mean_rank;
                positives++;
            }
        i = j;
    }
    double negatives = (double)n - positives;
    return (rank_sum - positives * (positives + 1) / 2) /
           (positives * negatives);
}

static void test_rank_auc_known_answers(void **state)
{
    (void)state;
    /* Scores 0.1 0.4 | 0.35 0.8 with labels 0 0 | 1 1: of the 4
     * (positive, negative) pairs, 0.35 < 0.4 is the only one ranked
     * wrong, so AUC = 3/4. */
    struct scored a[] = {{0.1, 0}, {0.4, 0}, {0.35, 1}, {0.8, 1}};
    assert_true(fabs(rank_auc(a, 4) - 0.75) < 1e-12);
    /* A tie between a positive and a negative counts one half:
     * pairs (0.5+, 0.5-) = 1/2, (0.5+, 0.2-) = 1, (0.9+, *) = 2: 3.5/4. */
    struct scored b[] = {{0.5, 1}, {0.5, 0}, {0.2, 0}, {0.9, 1}};
    assert_true(fabs(rank_auc(b, 4) - 0.875) < 1e-12);
}

/* The truth file is honest: the realized churn rate matches the mean
 * stated probability within sampling error, and the probabilities rank
 * the outcomes well but not perfectly. */
static void test_truth_is_honest(void **state)
{
    (void)state;
    size_t n = 3000;
    churn_synth_opts *o = opts_with(n, 2025);
    /* Fewer events keep the test quick; the truth does not need them. */
    assert_int_equal(churn_synth_opts_set_activity_rate(o, 0.2), CHURN_OK);
    const char *dir = make_dir("honest");
    generate_ok(o, dir);
    struct seen *seen = calloc(n, sizeof *seen);
    struct scored *v = calloc(n, sizeof *v);
    size_t active = read_truth(dir, seen, n), k = 0;
    double sum_p = 0, sum_var = 0, churned = 0;
    for (size_t i = 0; i < n; i++) {
        if (!seen[i].in_truth)
            continue;
        sum_p += seen[i].p;
        sum_var += seen[i].p * (1 - seen[i].p);
        churned += seen[i].churned;
        v[k++] = (struct scored){seen[i].p, seen[i].churned};
    }
    assert_int_equal(k, active);
    assert_true(active > 1000);
    /* Sum of independent Bernoulli(p_i): variance sum p_i (1 - p_i). */
    double z = (churned - sum_p) / sqrt(sum_var);
    assert_true(fabs(z) < 4);
    double rate = churned / (double)active;
    assert_true(rate > 0.05 && rate < 0.35);
    double auc = rank_auc(v, k);
    assert_true(auc > 0.7 && auc < 0.97);
    free(v);
    free(seen);
    churn_synth_opts_free(o);
}

/* ---------------------------------------------------------- options */

struct progress_log {
    int calls;
    uint64_t last_done, last_total;
    int increasing;
};

static void on_progress(void *user, const char *stage, uint64_t done,
                        uint64_t total)
{
    struct progress_log *log = user;
    assert_string_equal(stage, "generating events");
    if (log->calls && done < log->last_done)
        log->increasing = 0;
    log->calls++;
    log->last_done = done;
    log->last_total = total;
}

/* Progress comes every 100000 events and once at the end with the total,
 * which is the number of rows in events.csv. */
static void test_progress_counts_events(void **state)
{
    (void)state;
    size_t n = 800;
    churn_synth_opts *o = opts_with(n, 5);
    struct progress_log log = {0, 0, 0, 1};
    assert_int_equal(churn_synth_opts_set_progress(o, on_progress, &log),
                     CHURN_OK);
    const char *dir = make_dir("progress");
    generate_ok(o, dir);
    struct seen *seen = calloc(n, sizeof *seen);
    int unsorted;
    size_t rows = read_events(dir, seen, n, T0_DEFAULT,
                              T0_DEFAULT - 365 * DAY, T0_DEFAULT + 90 * DAY,
                              &unsorted);
    assert_true(rows > 100000);
    assert_int_equal(log.last_done, rows);
    assert_int_equal(log.last_total, rows);
    assert_int_equal(log.calls, (int)(rows / 100000) + 1);
    assert_true(log.increasing);
    free(seen);
    churn_synth_opts_free(o);
}

/* More activity per day gives more activity rows, the same customers. */
static void test_activity_rate_scales_events(void **state)
{
    (void)state;
    churn_synth_opts *o = opts_with(200, 9);
    const char *low = make_dir("rate_low"), *high = make_dir("rate_high");
    assert_int_equal(churn_synth_opts_set_activity_rate(o, 0.2), CHURN_OK);
    generate_ok(o, low);
    assert_int_equal(churn_synth_opts_set_activity_rate(o, 2.0), CHURN_OK);
    generate_ok(o, high);
    size_t len_low, len_high;
    char *a = read_in(low, "events.csv", &len_low);
    char *b = read_in(high, "events.csv", &len_high);
    assert_true(len_high > 3 * len_low);
    free(a);
    free(b);
    assert_true(same_file(low, high, "customers.csv"));
    churn_synth_opts_free(o);
}

static void test_bad_options_refused(void **state)
{
    (void)state;
    churn_synth_opts *o = churn_synth_opts_new();
    assert_non_null(o);
    assert_int_equal(churn_synth_opts_set_customers(o, 0), CHURN_EINVAL);
    assert_int_equal(churn_synth_opts_set_customers(NULL, 5), CHURN_EINVAL);
    assert_int_equal(churn_synth_opts_set_history_days(o, 0), CHURN_EINVAL);
    assert_int_equal(churn_synth_opts_set_history_days(o, -3), CHURN_EINVAL);
    assert_int_equal(churn_synth_opts_set_history_days(o, NAN), CHURN_EINVAL);
    assert_int_equal(churn_synth_opts_set_history_days(o, 1e6), CHURN_EINVAL);
    assert_int_equal(churn_synth_opts_set_horizon(o, -1), CHURN_EINVAL);
    assert_int_equal(churn_synth_opts_set_horizon(o, INFINITY), CHURN_EINVAL);
    assert_int_equal(churn_synth_opts_set_activity_rate(o, 0), CHURN_EINVAL);
    assert_int_equal(churn_synth_opts_set_activity_rate(o, -0.5),
                     CHURN_EINVAL);
    /* Before 1900 and after 2200, as churn_parse_time. */
    assert_int_equal(churn_synth_opts_set_as_of(o, -2208988801LL),
                     CHURN_EINVAL);
    assert_int_equal(churn_synth_opts_set_as_of(o, 7258118401LL),
                     CHURN_EINVAL);
    assert_int_equal(churn_synth_opts_set_seed(NULL, 1), CHURN_EINVAL);
    assert_int_equal(churn_synth_opts_set_progress(NULL, NULL, NULL),
                     CHURN_EINVAL);
    /* Good values are taken. */
    assert_int_equal(churn_synth_opts_set_horizon(o, 30), CHURN_OK);
    assert_int_equal(churn_synth_opts_set_as_of(o, 0), CHURN_OK);
    churn_synth_opts_free(o);
    churn_synth_opts_free(NULL);
}

static void test_generate_errors(void **state)
{
    (void)state;
    churn_synth_opts *o = opts_with(10, 1);
    churn_error err;
    char missing[600];
    snprintf(missing, sizeof missing, "%s/no/such/folder", tu_tmpdir());
    assert_int_equal(churn_synth_generate(o, missing, &err), CHURN_EIO);
    assert_int_equal(err.code, CHURN_EIO);
    assert_string_equal(err.file, missing);
    assert_non_null(strstr(err.message, missing));
    assert_non_null(strstr(err.message, "No such file or directory"));
    /* A file where the folder should be. */
    const char *file = tu_write_text(0, "plain.txt", "x\n");
    assert_int_equal(churn_synth_generate(o, file, &err), CHURN_EIO);
    assert_non_null(strstr(err.message, "not a folder"));
    assert_int_equal(churn_synth_generate(NULL, tu_tmpdir(), &err),
                     CHURN_EINVAL);
    assert_int_equal(churn_synth_generate(o, "", &err), CHURN_EINVAL);
    assert_int_equal(churn_synth_generate(o, NULL, NULL), CHURN_EINVAL);
    /* 1900-01-01 as-of is fine alone, but its history reaches 1899. */
    assert_int_equal(churn_synth_opts_set_as_of(o, -2208988800LL), CHURN_OK);
    assert_int_equal(churn_synth_generate(o, tu_tmpdir(), &err),
                     CHURN_EINVAL);
    assert_non_null(strstr(err.message, "1900-2200"));
    assert_int_equal(churn_synth_opts_set_history_days(o, 0.5), CHURN_OK);
    assert_int_equal(churn_synth_opts_set_as_of(o, 7258118400LL - 86400),
                     CHURN_OK);
    assert_int_equal(churn_synth_generate(o, tu_tmpdir(), &err),
                     CHURN_EINVAL);
    churn_synth_opts_free(o);
}

/* A folder where truth.csv cannot be renamed into place (a folder has its
 * name): the error names the file, and no temporary file is left behind. */
static void test_commit_failure_names_file(void **state)
{
    (void)state;
    const char *dir = make_dir("blocked");
    char blocker[600];
    snprintf(blocker, sizeof blocker, "%s/truth.csv", dir);
    assert_int_equal(mkdir(blocker, 0777), 0);
    churn_synth_opts *o = opts_with(20, 1);
    churn_error err;
    assert_int_equal(churn_synth_generate(o, dir, &err), CHURN_EIO);
    assert_string_equal(err.file, blocker);
    assert_non_null(strstr(err.message, "cannot write output file"));
    char cmd[700];
    snprintf(cmd, sizeof cmd, "ls '%s' | grep -q tmp", dir);
    assert_int_not_equal(system(cmd), 0);
    churn_synth_opts_free(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_seed_same_bytes),
        cmocka_unit_test(test_files_parse_and_agree),
        cmocka_unit_test(test_odd_window),
        cmocka_unit_test(test_rank_auc_known_answers),
        cmocka_unit_test(test_truth_is_honest),
        cmocka_unit_test(test_progress_counts_events),
        cmocka_unit_test(test_activity_rate_scales_events),
        cmocka_unit_test(test_bad_options_refused),
        cmocka_unit_test(test_generate_errors),
        cmocka_unit_test(test_commit_failure_names_file),
    };
    return cmocka_run_group_tests_name("synth", tests, NULL, NULL);
}

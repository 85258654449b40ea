/* test_events_fast.c - the fast event-log reader against the general one:
 * the same history, bit for bit, for any number of threads and any block
 * size (so every line lands on a block edge somewhere), and a hand-over
 * to the general reader for anything the fast one does not take. */
#include "testutil.h"

#include "features/history.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T0 1704067200.0 /* 2024-01-01 */
#define DAY 86400.0
#define LOG_MAX (1 << 20)

static uint64_t rng_next(uint64_t *s)
{
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return *s >> 33;
}

/* The timestamp forms the reader takes, in turn: dates, date-times with
 * Z, a space or an offset, a fraction, Unix seconds, the end of months. */
static int put_time(char *out, size_t size, double ts, unsigned form)
{
    char date[16];
    churn_format_date(ts, date, sizeof date);
    long sec = (long)(ts - floor(ts / DAY) * DAY);
    long hh = sec / 3600, mm = sec / 60 % 60, ss = sec % 60;
    switch (form % 7) {
    case 0: return snprintf(out, size, "%s", date);
    case 1: return snprintf(out, size, "%sT%02ld:%02ld:%02ldZ", date, hh, mm, ss);
    case 2: return snprintf(out, size, "%s %02ld:%02ld:%02ld", date, hh, mm, ss);
    case 3: return snprintf(out, size, "%sT%02ld:%02ld:%02ld.25+02:00", date,
                            hh, mm, ss);
    case 4: return snprintf(out, size, "%.0f", ts);
    case 5: return snprintf(out, size, "%sT%02ld:%02ld", date, hh, mm);
    default: { /* the last day of a month of 2023 or 2024 */
        static const int last[] = {31, 28, 31, 30, 31, 30,
                                   31, 31, 30, 31, 30, 31};
        int m = (int)(sec % 12), y = 2023 + (int)(sec % 2);
        int d = last[m] + (m == 1 && y == 2024);
        return snprintf(out, size, "%d-%02d-%02dT10:00:00Z", y, m + 1, d);
    }
    }
}

/* A log of n events of n_customers customers, grouped by customer or
 * interleaved, with LF or CRLF line ends, blank lines, names in several
 * cases and spellings, unknown names, missing values and no final
 * newline when asked. Returns the text (static). */
static const char *make_log(uint64_t seed, int n, int n_customers,
                            int grouped, int crlf, int final_newline)
{
    static char text[LOG_MAX];
    static const char *names[] = {"login", "Login", " purchase ", "ticket",
                                  "ticket_closed", "survey", "cancel",
                                  "signup", "Video Play", "video-play",
                                  "export"};
    const char *eol = crlf ? "\r\n" : "\n";
    size_t len = (size_t)snprintf(text, sizeof text,
                                  "customer_id,timestamp,event,value%s", eol);
    for (int i = 0; i < n; i++) {
        int c = grouped ? i * n_customers / n
                        : (int)(rng_next(&seed) % (uint64_t)n_customers);
        double ts = T0 - (double)(rng_next(&seed) % (400 * 86400)) +
                    60 * DAY;
        char when[96], value[32] = "";
        put_time(when, sizeof when, ts, (unsigned)rng_next(&seed));
        unsigned v = (unsigned)(rng_next(&seed) % 6);
        if (v == 0)
            value[0] = '\0';
        else if (v == 1)
            snprintf(value, sizeof value, "%u", (unsigned)(rng_next(&seed) % 9));
        else if (v == 2)
            snprintf(value, sizeof value, "%.2f",
                     (double)(rng_next(&seed) % 10000) / 100);
        else if (v == 3)
            snprintf(value, sizeof value, "NA");
        else if (v == 4)
            snprintf(value, sizeof value, "1e1");
        else /* all 17 digits: sums of these show any change of order */
            snprintf(value, sizeof value, "%.17g",
                     (double)(rng_next(&seed) % 100000) / 7.0);
        const char *name = names[rng_next(&seed) % 11];
        len += (size_t)snprintf(text + len, sizeof text - len, "cust-%d,%s,%s,%s%s",
                                c, when, name, value, eol);
        if (rng_next(&seed) % 50 == 0)
            len += (size_t)snprintf(text + len, sizeof text - len, "%s", eol);
        assert_true(len < sizeof text - 256);
    }
    if (!final_newline)
        text[len - strlen(eol)] = '\0';
    return text;
}

static churn_feature_opts *opts_for_test(void)
{
    churn_feature_opts *o = churn_feature_opts_new();
    assert_non_null(o);
    assert_int_equal(churn_feature_opts_set_as_of(o, (int64_t)T0), 0);
    assert_int_equal(churn_feature_opts_set_snapshots(o, 3, 45), 0);
    assert_int_equal(churn_feature_opts_set_horizon(o, 30), 0);
    return o;
}

static churn__history *new_history(const churn_feature_opts *o)
{
    double times[3] = {T0, T0 - 45 * DAY, T0 - 90 * DAY};
    (void)o;
    churn__history *h = churn__history_new(times, 3, 30 * DAY);
    assert_non_null(h);
    return h;
}

/* Fails unless a and b hold the same customers, in the same order, with
 * the same bytes of state, and the same unknown names and counts. */
static void assert_same_history(const churn__history *a,
                                const churn__history *b)
{
    assert_int_equal(a->n_customers, b->n_customers);
    assert_int_equal(a->n_events, b->n_events);
    assert_int_equal(a->any_cancel, b->any_cancel);
    for (size_t c = 0; c < a->n_customers; c++)
        assert_string_equal(churn__strmap_key(a->ids, c),
                            churn__strmap_key(b->ids, c));
    assert_memory_equal(a->customers, b->customers,
                        a->n_customers * a->stride);
    size_t n_unknown = churn__strmap_count(a->unknown);
    assert_int_equal(n_unknown, churn__strmap_count(b->unknown));
    assert_memory_equal(a->unknown_before, b->unknown_before,
                        sizeof a->unknown_before);
    for (size_t j = 0; j < n_unknown; j++) {
        assert_string_equal(churn__strmap_key(a->unknown, j),
                            churn__strmap_key(b->unknown, j));
        assert_memory_equal(a->unknown_30[j], b->unknown_30[j],
                            a->n_customers * a->n_snaps * sizeof(uint32_t));
    }
    /* The event names: same order, rows and kinds. */
    size_t n_names = churn__strmap_count(a->names);
    assert_int_equal(n_names, churn__strmap_count(b->names));
    assert_int_equal(a->names_other, b->names_other);
    for (size_t j = 0; j < n_names; j++) {
        assert_string_equal(churn__strmap_key(a->names, j),
                            churn__strmap_key(b->names, j));
        assert_int_equal(a->name_count[j], b->name_count[j]);
        assert_int_equal(a->name_kind[j].role, b->name_kind[j].role);
        assert_int_equal(a->name_kind[j].unknown, b->name_kind[j].unknown);
    }
}

/* Reads path with the general reader, then with the fast one for 1-4
 * threads and many block sizes, and compares. */
static void check_log_with(const char *path, const size_t *blocks,
                           size_t n_blocks, churn_feature_opts *o)
{
    churn__roles *roles;
    churn_error err;
    assert_int_equal(churn__roles_build(o, &roles, &err), CHURN_OK);
    churn__history *ref = new_history(o);
    assert_int_equal(churn__events_read(path, o, roles, ref, &err), CHURN_OK);
    assert_true(ref->n_events > 0);
    for (size_t threads = 1; threads <= 4; threads++)
        for (size_t b = 0; b < n_blocks; b++) {
            churn__history *h = new_history(o);
            int rc = churn__events_read_fast(path, o, roles, h, threads,
                                             blocks[b], &err);
            if (rc != CHURN_OK)
                fail_msg("threads %zu, block %zu: rc %d", threads,
                         blocks[b], rc);
            assert_same_history(ref, h);
            churn__history_free(h);
        }
    churn__history_free(ref);
    churn__roles_free(roles);
    churn_feature_opts_free(o);
}

static void check_log(const char *path, const size_t *blocks,
                      size_t n_blocks)
{
    check_log_with(path, blocks, n_blocks, opts_for_test());
}

static const size_t some_blocks[] = {1, 2, 3, 5, 16, 41, 64, 100, 257, 4096,
                                     0};

static void test_same_as_general_reader(void **state)
{
    (void)state;
    for (int grouped = 0; grouped <= 1; grouped++)
        for (int crlf = 0; crlf <= 1; crlf++) {
            const char *text = make_log(7 + (uint64_t)(grouped * 2 + crlf),
                                        600, 37, grouped, crlf, 1);
            const char *path = tu_write_text(0, "events.csv", text);
            check_log(path, some_blocks,
                      sizeof some_blocks / sizeof *some_blocks);
        }
}

/* Named activity and ignored names: unknown names lose their role,
 * ignored rows add no customer and are not applied; the fast reader
 * does the same as the general one, for any threads and blocks. */
static void test_same_with_roles(void **state)
{
    (void)state;
    /* interleaved customers, and grouped ones: a customer's first rows
     * ignored, the next ones not */
    for (int grouped = 0; grouped <= 1; grouped++) {
        const char *text = make_log(21, 600, 37, grouped, 0, 1);
        const char *path = tu_write_text(0, "events.csv", text);
        churn_feature_opts *o = opts_for_test();
        assert_int_equal(churn_feature_opts_set_role_names(
                             o, CHURN_ROLE_ACTIVITY, "login"), CHURN_OK);
        assert_int_equal(churn_feature_opts_set_ignored_names(
                             o, "export,ticket,survey,signup"),
                         CHURN_OK);
        check_log_with(path, some_blocks,
                       sizeof some_blocks / sizeof *some_blocks, o);
    }
}

/* Every block size from 1 to 120 bytes: each line break falls on a block
 * edge, just before it and just after it for some size. */
static void test_every_block_edge(void **state)
{
    (void)state;
    size_t blocks[120];
    for (size_t i = 0; i < 120; i++)
        blocks[i] = i + 1;
    const char *text = make_log(11, 40, 3, 0, 1, 1);
    check_log(tu_write_text(0, "edges.csv", text), blocks, 120);
    text = make_log(12, 40, 5, 1, 0, 0); /* no newline at the end */
    check_log(tu_write_text(0, "edges.csv", text), blocks, 120);
}

/* The header in another order, an extra column, a byte-order mark, no
 * value column: field indices come from the header, as in events.c. */
static void test_header_forms(void **state)
{
    (void)state;
    const char *logs[] = {
        "\xEF\xBB\xBF" "event,extra,Customer_ID,VALUE,timestamp\n"
        "login,x,a,2,2023-12-01\nlogin,,b,,2023-12-02T10:00:00Z\n"
        "purchase,y,a,9.5,2023-11-30\n",
        "customer_id,timestamp,event\na,2023-12-01,login\n"
        "b,1700000000,widget\n\na,2023-12-31T23:59:59Z,cancel\n",
    };
    for (size_t i = 0; i < 2; i++)
        check_log(tu_write_text(0, "header.csv", logs[i]), some_blocks,
                  sizeof some_blocks / sizeof *some_blocks);
}

/* The log with ';', tabs or '|' for its commas (no field holds one):
 * the same history as with commas, bit for bit, from the general reader
 * and from the fast one for 1-3 threads and several block sizes, with
 * the delimiter read off the header or set; the fast reader keeps such
 * a file (no hand-over). The old reader split at commas only. */
static void test_other_delimiters(void **state)
{
    (void)state;
    static const char seps[] = {';', '\t', '|'};
    static const size_t blocks[] = {1, 7, 64, 0};
    const char *text = make_log(31, 600, 37, 0, 1, 1);
    size_t len = strlen(text);
    char *other = malloc(len + 1);
    assert_non_null(other);
    churn_feature_opts *o = opts_for_test();
    churn__roles *roles;
    churn_error err;
    assert_int_equal(churn__roles_build(o, &roles, &err), CHURN_OK);
    churn__history *ref = new_history(o);
    assert_int_equal(churn__events_read(tu_write_text(0, "comma.csv", text),
                                        o, roles, ref, &err),
                     CHURN_OK);
    for (size_t k = 0; k < sizeof seps; k++)
        for (int set = 0; set <= 1; set++) {
            for (size_t i = 0; i <= len; i++)
                other[i] = text[i] == ',' ? seps[k] : text[i];
            const char *path = tu_write_text(1, "other.csv", other);
            assert_int_equal(
                churn_feature_opts_set_delimiter(o, set ? seps[k] : 0),
                CHURN_OK);
            churn__history *h = new_history(o);
            if (churn__events_read(path, o, roles, h, &err) != CHURN_OK)
                fail_msg("'%c', general reader: %s", seps[k], err.message);
            assert_same_history(ref, h);
            churn__history_free(h);
            for (size_t threads = 1; threads <= 3; threads++)
                for (size_t b = 0; b < sizeof blocks / sizeof *blocks; b++) {
                    h = new_history(o);
                    assert_int_equal(churn__events_read_fast(path, o, roles,
                                                             h, threads,
                                                             blocks[b], &err),
                                     CHURN_OK);
                    assert_same_history(ref, h);
                    churn__history_free(h);
                }
        }
    free(other);
    churn__history_free(ref);
    churn__roles_free(roles);
    churn_feature_opts_free(o);
}

/* Files the fast reader hands over: it returns CHURN__FALLBACK, and the
 * extraction (which then uses the general reader) gives what the
 * general reader gives. A quoted field may hold a comma or a newline, so
 * a block edge inside quotes cannot be found without reading from the
 * start: quotes go to the general reader. */
static void test_hands_over(void **state)
{
    (void)state;
    const char *logs[] = {
        /* quoted fields, one spanning lines */
        "customer_id,timestamp,event,value\na,2023-12-01,login,1\n"
        "\"b\",2023-12-02,\"odd\nname\",2\na,2023-12-03,login,\"3\"\n",
        /* a bad timestamp on line 3 */
        "customer_id,timestamp,event\na,2023-12-01,login\n"
        "b,2023-02-29,login\n",
        /* too many fields */
        "customer_id,timestamp,event\na,2023-12-01,login,1\n",
        /* an empty event name */
        "customer_id,timestamp,event\na,2023-12-01,  \n",
    };
    const int ok[] = {1, 0, 0, 0};
    for (size_t i = 0; i < 4; i++) {
        const char *path = tu_write_text(0, "over.csv", logs[i]);
        churn_feature_opts *o = opts_for_test();
        churn__roles *roles;
        churn_error err, err_general;
        assert_int_equal(churn__roles_build(o, &roles, &err), CHURN_OK);
        for (size_t block = 1; block < 64; block += 9) {
            churn__history *h = new_history(o);
            assert_int_equal(churn__events_read_fast(path, o, roles, h, 2,
                                                     block, &err),
                             CHURN__FALLBACK);
            churn__history_free(h);
        }
        churn__history *h = new_history(o);
        int general = churn__events_read(path, o, roles, h, &err_general);
        assert_int_equal(general == CHURN_OK, ok[i]);
        churn_dataset *ds = NULL;
        int rc = churn_features_extract(path, NULL, o, &ds, &err);
        if (ok[i]) {
            assert_int_equal(rc, CHURN_OK);
            assert_int_equal(churn_dataset_n_rows(ds), 2);
        } else {
            assert_int_equal(rc, general);
            assert_string_equal(err.message, err_general.message);
        }
        churn_dataset_free(ds);
        churn__history_free(h);
        churn__roles_free(roles);
        churn_feature_opts_free(o);
    }
}

/* Timestamps one byte off the forms the fast reader reads itself (each
 * byte of a date, a date-time with T, with a space, with Z replaced in
 * turn by a digit, a separator, a letter or the bytes next to '0' and
 * '9'), and impossible dates and times: whatever the fast reader takes
 * it takes as the general reader does, to the bit; what the general
 * reader refuses, the fast one hands over. */
static void test_timestamp_near_misses(void **state)
{
    (void)state;
    const char *bases[] = {"2024-03-15", "2024-03-15T10:20:30",
                           "2024-03-15 10:20:30", "2024-03-15T10:20:30Z",
                           "2024-02-29T23:59:60Z", "1900-01-01", "2200-12-31"};
    const char swaps[] = "09/:- TZza5.+\x7f";
    const char *impossible[] = {"2024-13-01", "2024-00-10", "2023-02-29",
                                "2024-04-31", "2024-01-00", "2024-01-32",
                                "2024-01-01T24:00:00", "2024-01-01T10:60:00",
                                "2024-01-01T10:00:61Z", "1899-12-31",
                                "2201-01-01", "2024-01-01T10:00:00z"};
    churn_feature_opts *o = opts_for_test();
    churn__roles *roles;
    churn_error err;
    assert_int_equal(churn__roles_build(o, &roles, &err), CHURN_OK);
    size_t n_bases = sizeof bases / sizeof *bases;
    size_t n_cases = n_bases * 20 * (sizeof swaps - 1) +
                     sizeof impossible / sizeof *impossible;
    size_t n_fast = 0;
    for (size_t k = 0; k < n_cases; k++) {
        char ts[32];
        if (k < n_cases - sizeof impossible / sizeof *impossible) {
            size_t b = k % n_bases, at = k / n_bases % 20;
            size_t swap = k / n_bases / 20;
            snprintf(ts, sizeof ts, "%s", bases[b]);
            if (at >= strlen(ts))
                continue;
            ts[at] = swaps[swap];
        } else {
            snprintf(ts, sizeof ts, "%s",
                     impossible[k - (n_cases - sizeof impossible /
                                               sizeof *impossible)]);
        }
        char text[160];
        snprintf(text, sizeof text, "customer_id,timestamp,event,value\n"
                 "a,%s,login,1\nb,2023-12-30T08:00:00Z,login,2\n", ts);
        const char *path = tu_write_text(0, "near.csv", text);
        churn__history *ref = new_history(o), *h = new_history(o);
        int general = churn__events_read(path, o, roles, ref, &err);
        int fast = churn__events_read_fast(path, o, roles, h, 1, 0, &err);
        if (fast == CHURN_OK) {
            if (general != CHURN_OK)
                fail_msg("'%s': the fast reader took it, the general "
                         "one did not", ts);
            assert_same_history(ref, h);
            n_fast++;
        } else {
            assert_int_equal(fast, CHURN__FALLBACK);
        }
        churn__history_free(ref);
        churn__history_free(h);
    }
    assert_true(n_fast > n_bases * 20); /* most swaps of a digit read */
    churn__roles_free(roles);
    churn_feature_opts_free(o);
}

/* The public option: any thread count gives the same dataset. */
static void test_threads_option(void **state)
{
    (void)state;
    const char *text = make_log(21, 3000, 200, 0, 0, 1);
    const char *path = tu_write_text(0, "threads.csv", text);
    churn_dataset *first = NULL;
    for (size_t threads = 0; threads <= 3; threads++) {
        churn_feature_opts *o = opts_for_test();
        assert_int_equal(churn_feature_opts_set_threads(o, threads), 0);
        churn_dataset *ds;
        churn_error err;
        assert_int_equal(churn_features_extract(path, NULL, o, &ds, &err), 0);
        if (!first) {
            first = ds;
        } else {
            size_t n = churn_dataset_n_rows(ds), d = churn_dataset_n_cols(ds);
            assert_int_equal(n, churn_dataset_n_rows(first));
            assert_int_equal(d, churn_dataset_n_cols(first));
            for (size_t i = 0; i < n; i++)
                assert_string_equal(churn_dataset_id(ds, i),
                                    churn_dataset_id(first, i));
            for (size_t i = 0; i < n; i++)
                for (size_t j = 0; j < d; j++) {
                    double a = churn_dataset_value(ds, i, j),
                           b = churn_dataset_value(first, i, j);
                    assert_memory_equal(&a, &b, sizeof a);
                }
            churn_dataset_free(ds);
        }
        churn_feature_opts_free(o);
    }
    churn_dataset_free(first);
    assert_int_equal(churn_feature_opts_set_threads(NULL, 1), CHURN_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_as_general_reader),
        cmocka_unit_test(test_same_with_roles),
        cmocka_unit_test(test_every_block_edge),
        cmocka_unit_test(test_header_forms),
        cmocka_unit_test(test_other_delimiters),
        cmocka_unit_test(test_hands_over),
        cmocka_unit_test(test_timestamp_near_misses),
        cmocka_unit_test(test_threads_option),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

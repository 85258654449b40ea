/* test_events_delimiter.c - event logs delimited by ';', tabs or '|':
 * the option and its accessor, the delimiter read off the header by the
 * tables' rules (from the reader's own buffer, so the header is still
 * there to read), the same features as the comma log through the fast
 * reader and the general one (quoted fields), and the error when the
 * delimiter set is not the log's. */
#include "testutil.h"

#include "churn.h"
#include "ml/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_option_and_accessor(void **state)
{
    (void)state;
    churn_feature_opts *o = churn_feature_opts_new();
    assert_non_null(o);
    assert_int_equal(churn_feature_opts_delimiter(o), 0); /* auto */
    const char good[] = {',', ';', '\t', '|'};
    for (size_t k = 0; k < sizeof good; k++) {
        assert_int_equal(churn_feature_opts_set_delimiter(o, good[k]),
                         CHURN_OK);
        assert_int_equal(churn_feature_opts_delimiter(o), good[k]);
    }
    const char bad[] = {':', '"', ' ', 'x', '\n', '\r'};
    for (size_t k = 0; k < sizeof bad; k++) {
        assert_int_equal(churn_feature_opts_set_delimiter(o, bad[k]),
                         CHURN_EINVAL);
        assert_int_equal(churn_feature_opts_delimiter(o), '|'); /* kept */
    }
    assert_int_equal(churn_feature_opts_set_delimiter(o, 0), CHURN_OK);
    assert_int_equal(churn_feature_opts_delimiter(o), 0);
    assert_int_equal(churn_feature_opts_set_delimiter(NULL, ';'),
                     CHURN_EINVAL);
    assert_int_equal(churn_feature_opts_delimiter(NULL), 0);
    churn_feature_opts_free(o);
}

/* churn__csv_detect on an open reader gives what the tables' public
 * churn_csv_detect_delimiter gives for the same file, and leaves the
 * header to be read: its first field is first_field. */
static void expect_same_detection(const char *text, size_t len,
                                  const char *first_field)
{
    const char *path = tu_write_file(0, "head.csv", text, len);
    char want = 'x', want_also = 'x', got = 'y', got_also = 'y';
    churn_error err;
    assert_int_equal(churn_csv_detect_delimiter(path, NULL, &want,
                                                &want_also, &err),
                     CHURN_OK);
    churn__csv *c = NULL;
    assert_int_equal(churn__csv_open(path, &c, &err), CHURN_OK);
    assert_int_equal(churn__csv_detect(c, &got, &got_also, &err), CHURN_OK);
    if (got != want || got_also != want_also)
        fail_msg("'%.40s': stream '%c' '%c', path '%c' '%c'", text, got,
                 got_also ? got_also : '0', want, want_also ? want_also : '0');
    churn__csv_set_sep(c, got);
    int rc = churn__csv_next(c, &err);
    if (first_field) {
        assert_int_equal(rc, CHURN_OK);
        assert_string_equal(churn__csv_field(c, 0, NULL), first_field);
    } else {
        assert_int_equal(rc, CHURN__CSV_END);
    }
    churn__csv_close(c);
}

static void test_detected_as_for_tables(void **state)
{
    (void)state;
    static const struct {
        const char *text, *first;
    } cases[] = {
        {"customer_id;timestamp;event\na;2024-01-01;login\n", "customer_id"},
        {"customer_id\ttimestamp\tevent\n", "customer_id"},
        {"customer_id|timestamp|event", "customer_id"}, /* no newline */
        {"customer_id,timestamp;event\n", "customer_id"}, /* a comma wins */
        {"\"id,x\";timestamp;event\n", "id,x"},           /* quoted comma */
        {"\"i\"\"d\";b|c;d\n", "i\"d"},                   /* the most */
        {"a\tb;c\n", "a\tb"},                             /* tie: ';' */
        {"\xEF\xBB\xBF" "id;b;c\r\n", "id"},             /* BOM, CRLF */
        {"\n\r\nid;x\n", "id"},                           /* blank lines */
        {"\"multi\nline\";x;y\n", "multi\nline"},
        {"", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect_same_detection(cases[i].text, strlen(cases[i].text),
                              cases[i].first);
    /* A header longer than the reader's first buffer (1 MiB): read on
     * until its end, still not consumed. */
    size_t n = (size_t)3 << 19, len = 0;
    char *big = malloc(n + 64);
    assert_non_null(big);
    len += (size_t)snprintf(big, 64, "customer_id");
    while (len < n)
        len += (size_t)snprintf(big + len, 64, ";c%zu", len);
    len += (size_t)snprintf(big + len, 64, "|x\na;b\n");
    expect_same_detection(big, len, "customer_id");
    free(big);
}

/* The features churn_features_extract writes for text with the delimiter
 * sep set (0: read off the header), as CSV. */
static char *features_of(const char *text, char sep, size_t threads)
{
    const char *path = tu_write_text(1, "events.csv", text);
    churn_feature_opts *o = churn_feature_opts_new();
    assert_non_null(o);
    assert_int_equal(churn_feature_opts_set_as_of(o, 1735689600), CHURN_OK);
    assert_int_equal(churn_feature_opts_set_horizon(o, 30), CHURN_OK);
    assert_int_equal(churn_feature_opts_set_delimiter(o, sep), CHURN_OK);
    assert_int_equal(churn_feature_opts_set_threads(o, threads), CHURN_OK);
    churn_dataset *ds = NULL;
    churn_error err;
    if (churn_features_extract(path, NULL, o, &ds, &err) != CHURN_OK)
        fail_msg("%s", err.message);
    char out[512];
    snprintf(out, sizeof out, "%s/features.csv", tu_tmpdir());
    assert_int_equal(churn_dataset_write_csv(ds, out, "customer_id", &err),
                     CHURN_OK);
    churn_dataset_free(ds);
    churn_feature_opts_free(o);
    size_t len;
    char *back = tu_read_file(out, &len);
    assert_non_null(back);
    return back;
}

/* text with each comma outside quotes turned into sep. */
static char *with_delimiter(const char *text, char sep)
{
    char *out = malloc(strlen(text) + 1);
    assert_non_null(out);
    int quoted = 0;
    size_t i = 0;
    for (; text[i]; i++) {
        quoted ^= text[i] == '"';
        out[i] = text[i] == ',' && !quoted ? sep : text[i];
    }
    out[i] = '\0';
    return out;
}

static void test_same_features_as_commas(void **state)
{
    (void)state;
    static const char *logs[] = {
        /* plain: the fast reader */
        "customer_id,timestamp,event,value\n"
        "a,2024-11-02T10:00:00Z,login,\nb,2024-12-01,purchase,12.5\n"
        "a,2024-12-20,purchase,7\nc,2024-10-01 08:30:00,ticket_opened,\n"
        "b,2024-12-24,survey,4\nc,2024-12-30,login,NA\r\n",
        /* quoted fields, one holding the delimiter, one a comma, one a
         * line break: the general reader */
        "customer_id,timestamp,event,value\n"
        "\"a,1\",2024-11-02,\"log;in\",\n\"b|2\",2024-12-01,purchase,\"3\"\n"
        "\"c\td\",2024-12-20,\"multi\nline\",2\n",
    };
    static const char seps[] = {';', '\t', '|'};
    for (size_t l = 0; l < sizeof logs / sizeof logs[0]; l++) {
        char *want = features_of(logs[l], 0, 1);
        for (size_t k = 0; k < sizeof seps; k++) {
            char *text = with_delimiter(logs[l], seps[k]);
            for (size_t threads = 1; threads <= 2; threads++) {
                char *got = features_of(text, 0, threads);
                assert_string_equal(got, want);
                free(got);
                got = features_of(text, seps[k], threads);
                assert_string_equal(got, want);
                free(got);
            }
            free(text);
        }
        free(want);
    }
}

/* A status and message from churn_features_extract on text with sep. */
static int extract_error(const char *text, char sep, churn_error *err)
{
    const char *path = tu_write_text(1, "bad.csv", text);
    churn_feature_opts *o = churn_feature_opts_new();
    assert_non_null(o);
    assert_int_equal(churn_feature_opts_set_as_of(o, 1735689600), CHURN_OK);
    assert_int_equal(churn_feature_opts_set_delimiter(o, sep), CHURN_OK);
    churn_dataset *ds = NULL;
    int rc = churn_features_extract(path, NULL, o, &ds, err);
    assert_null(ds);
    churn_feature_opts_free(o);
    return rc;
}

/* A delimiter set that the log does not use: the header is one field,
 * and the error names the log's delimiter as the tables' does; a decimal
 * comma in a ';' log is a bad value, as in a comma log. */
static void test_errors(void **state)
{
    (void)state;
    churn_error err;
    char want[600];
    const char *semi = "customer_id;timestamp;event\na;2024-12-01;login\n";
    assert_int_equal(extract_error(semi, ',', &err), CHURN_EFORMAT);
    snprintf(want, sizeof want, "%s/bad.csv:1: the header has no comma but 2 "
             "semicolons: is the delimiter ';'? (--delimiter ';' or auto "
             "reads it)", tu_tmpdir());
    assert_string_equal(err.message, want);
    const char *tabs = "customer_id\ttimestamp\tevent\na\t2024-12-01\tlogin\n";
    assert_int_equal(extract_error(tabs, '|', &err), CHURN_EFORMAT);
    snprintf(want, sizeof want, "%s/bad.csv:1: the header has no vertical "
             "bar but 2 tabs: is the delimiter '\\t'? (--delimiter tab or "
             "auto reads it)", tu_tmpdir());
    assert_string_equal(err.message, want);
    const char *decimal = "customer_id;timestamp;event;value\n"
                          "a;2024-12-01;purchase;12,5\n";
    assert_int_equal(extract_error(decimal, 0, &err), CHURN_EPARSE);
    snprintf(want, sizeof want, "%s/bad.csv:2:23: bad value '12,5'",
             tu_tmpdir());
    assert_string_equal(err.message, want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_option_and_accessor),
        cmocka_unit_test(test_detected_as_for_tables),
        cmocka_unit_test(test_same_features_as_commas),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

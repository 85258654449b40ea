/* test_delimiter.c - tables delimited by ';', tabs or '|': the option and
 * its accessor, the delimiter read off the header, the same dataset
 * whatever the delimiter (through the fast path and the two passes),
 * quoted fields holding the delimiter, decimal commas refused, and the
 * hint when the delimiter set is not the file's. */
#include "testutil.h"

#include "churn.h"
#include "datasets/csv_reader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_option_and_accessor(void **state)
{
    (void)state;
    churn_csv_opts *o = churn_csv_opts_new();
    assert_non_null(o);
    assert_int_equal(churn_csv_opts_delimiter(o), 0); /* auto */
    const char good[] = {',', ';', '\t', '|'};
    for (size_t k = 0; k < sizeof good; k++) {
        assert_int_equal(churn_csv_opts_set_delimiter(o, good[k]), CHURN_OK);
        assert_int_equal(churn_csv_opts_delimiter(o), good[k]);
    }
    const char bad[] = {':', '"', ' ', 'x', '\n'};
    for (size_t k = 0; k < sizeof bad; k++) {
        assert_int_equal(churn_csv_opts_set_delimiter(o, bad[k]),
                         CHURN_EINVAL);
        assert_int_equal(churn_csv_opts_delimiter(o), '|'); /* unchanged */
    }
    assert_int_equal(churn_csv_opts_set_delimiter(o, 0), CHURN_OK);
    assert_int_equal(churn_csv_opts_delimiter(o), 0);
    assert_int_equal(churn_csv_opts_set_delimiter(NULL, ';'), CHURN_EINVAL);
    assert_int_equal(churn_csv_opts_delimiter(NULL), 0);
    churn_csv_opts_free(o);
}

/* The delimiter churn_csv_detect_delimiter reads off text's header, and
 * the runner-up it reports. */
static void expect_detected(const char *text, char sep, char also)
{
    const char *path = tu_write_text(0, "head.csv", text);
    char got = 'x', got_also = 'x';
    churn_error err;
    assert_int_equal(churn_csv_detect_delimiter(path, NULL, &got, &got_also,
                                                &err),
                     CHURN_OK);
    if (got != sep || got_also != also)
        fail_msg("'%s': got '%c' and '%c', expected '%c' and '%c'", text,
                 got, got_also ? got_also : '0', sep, also ? also : '0');
}

static void test_detected_from_the_header(void **state)
{
    (void)state;
    expect_detected("a;b;c\n1;2;3\n", ';', 0);
    expect_detected("a\tb\tc\n", '\t', 0);
    expect_detected("a|b|c", '|', 0);             /* no final newline */
    expect_detected("a,b;c\n", ',', 0);           /* any comma: commas */
    expect_detected("\"x,y\";b;c\n", ';', 0);     /* not one in quotes */
    expect_detected("\"x\"\"y,z\";b\n", ';', 0);  /* doubled quotes */
    expect_detected("a;b;c|d\n", ';', '|');       /* the most frequent */
    expect_detected("a|b|c;d\te\n", '|', ';');    /* ';' before tab */
    expect_detected("a\tb;c\n", ';', '\t');       /* a tie: ';' first */
    expect_detected("\n\r\nname;x\n", ';', 0);    /* blank lines skipped */
    expect_detected("name\n1;2\n", ',', 0);       /* the header only */
    expect_detected("a\r\nb;c;d\n", ',', 0);
    expect_detected("", ',', 0);
    /* A delimiter set is the answer, without reading the file. */
    churn_csv_opts *o = churn_csv_opts_new();
    assert_int_equal(churn_csv_opts_set_delimiter(o, '|'), CHURN_OK);
    char sep = 0, also = 'x';
    churn_error err;
    assert_int_equal(churn_csv_detect_delimiter("/nonexistent/x.csv", o,
                                                &sep, &also, &err),
                     CHURN_OK);
    assert_int_equal(sep, '|');
    assert_int_equal(also, 0);
    churn_csv_opts_free(o);
    assert_int_equal(churn_csv_detect_delimiter("/nonexistent/x.csv", NULL,
                                                &sep, NULL, &err),
                     CHURN_EIO);
    assert_non_null(strstr(err.message, "/nonexistent/x.csv: cannot open"));
    assert_int_equal(churn_csv_detect_delimiter("x.csv", NULL, NULL, NULL,
                                                &err),
                     CHURN_EINVAL);
}

/* text read with sep set (0: auto) and written back as CSV. */
static char *read_back(const char *text, char sep, size_t threads)
{
    const char *path = tu_write_text(0, "in.csv", text);
    churn_csv_opts *o = churn_csv_opts_new();
    assert_non_null(o);
    assert_int_equal(churn_csv_opts_set_label_column(o, "churned"), CHURN_OK);
    assert_int_equal(churn_csv_opts_set_delimiter(o, sep), CHURN_OK);
    assert_int_equal(churn_csv_opts_set_threads(o, threads), CHURN_OK);
    churn_dataset *ds = NULL;
    churn_error err;
    if (churn_dataset_read_csv(path, o, &ds, &err) != CHURN_OK)
        fail_msg("%s", err.message);
    char out[512];
    snprintf(out, sizeof out, "%s/out.csv", tu_tmpdir());
    assert_int_equal(churn_dataset_write_csv(ds, out, "customer_id", &err),
                     CHURN_OK);
    churn_dataset_free(ds);
    churn_csv_opts_free(o);
    size_t len;
    char *back = tu_read_file(out, &len);
    assert_non_null(back);
    return back;
}

/* Counts the rows the fast path hands over (take runs on one thread
 * here: the files are far below a part's least size). */
static int count_rows(void *ctx, size_t part, churn_dataset *ds,
                      size_t first_row, size_t n_threads, size_t part_rows)
{
    (void)part;
    (void)part_rows;
    (void)first_row;
    (void)n_threads;
    *(size_t *)ctx += churn_dataset_n_rows(ds);
    return 0;
}

/* The rows of text the fast path streams with the delimiter auto, or
 * (size_t)-1 when it declines the file (to the two passes). */
static size_t fast_rows(const char *text)
{
    const char *path = tu_write_text(0, "fast.csv", text);
    churn_csv_opts *o = churn_csv_opts_new();
    assert_non_null(o);
    assert_int_equal(churn_csv_opts_set_label_column(o, "churned"), CHURN_OK);
    /* A column turning categorical stops a stream: say it is. */
    assert_int_equal(churn_csv_opts_add_categorical(o, "plan"), CHURN_OK);
    size_t rows = 0;
    churn_dataset *columns = NULL;
    churn__csv_sink sink = {count_rows, &rows};
    int rc = churn__csv_read_stream(path, o, &sink, NULL, 0, &columns);
    churn_dataset_free(columns);
    churn_csv_opts_free(o);
    return rc == CHURN_OK ? rows : (size_t)-1;
}

/* Replaces every comma of text outside quotes by sep, in a copy. */
static char *with_delimiter(const char *text, char sep)
{
    char *copy = malloc(strlen(text) + 1);
    assert_non_null(copy);
    int in_quotes = 0;
    for (size_t i = 0;; i++) {
        in_quotes ^= text[i] == '"';
        copy[i] = text[i] == ',' && !in_quotes ? sep : text[i];
        if (!text[i])
            break;
    }
    return copy;
}

/* The same table with commas, ';', tabs or '|', plain (the fast path) or
 * with a quoted field (the two passes), auto or set, in one or two
 * threads: the same dataset. The quoted fields hold the delimiters. */
static void test_same_dataset_any_delimiter(void **state)
{
    (void)state;
    const char *plain = "customer_id,tenure,plan,spend,churned\n"
                        "a,1,basic,10.5,yes\n"
                        "b,2,pro,,no\n"
                        "c,NA,basic,7,no\r\n"
                        "\n"
                        "d,4,team,0.25,yes\n";
    const char *quoted = "customer_id,tenure,plan,spend,churned\n"
                         "a,1,\"x,y;z\tw|v\",10.5,yes\n"
                         "\"b\",2,pro,,no\n";
    const char seps[] = {',', ';', '\t', '|'};
    char *want_plain = read_back(plain, ',', 1);
    char *want_quoted = read_back(quoted, ',', 1);
    assert_non_null(strstr(want_quoted, "a,1,\"x,y;z\tw|v\",10.5,1\n"));
    for (size_t k = 0; k < sizeof seps; k++) {
        char *text = with_delimiter(plain, seps[k]);
        assert_int_equal(fast_rows(text), 4); /* the fast path reads it */
        for (size_t threads = 1; threads <= 2; threads++) {
            char *got = read_back(text, 0, threads);
            assert_string_equal(got, want_plain);
            free(got);
            got = read_back(text, seps[k], threads);
            assert_string_equal(got, want_plain);
            free(got);
        }
        free(text);
        text = with_delimiter(quoted, seps[k]);
        assert_int_equal(fast_rows(text), (size_t)-1); /* the two passes */
        char *got = read_back(text, 0, 2);
        assert_string_equal(got, want_quoted);
        free(got);
        free(text);
    }
    free(want_plain);
    free(want_quoted);
}

/* Reads text expecting code; returns the message. */
static churn_error read_fails(const char *text, char sep, int code)
{
    const char *path = tu_write_text(0, "bad.csv", text);
    churn_csv_opts *o = churn_csv_opts_new();
    assert_non_null(o);
    assert_int_equal(churn_csv_opts_set_delimiter(o, sep), CHURN_OK);
    churn_dataset *ds = NULL;
    churn_error err;
    assert_int_equal(churn_dataset_read_csv(path, o, &ds, &err), code);
    assert_null(ds);
    churn_csv_opts_free(o);
    return err;
}

/* 12,5 in a file delimited by ';' is a number with a decimal comma:
 * never read as a text (whichever reader) nor as a number; in a comma
 * file it had to be quoted and stays a text. */
static void test_decimal_commas_refused(void **state)
{
    (void)state;
    churn_error err = read_fails("id;fee\na;12,5\nb;0,75\nc;3\n", 0,
                                 CHURN_EPARSE);
    assert_non_null(strstr(err.message,
                           "bad.csv:2:3: '12,5' in column 'fee' is a "
                           "formatted number (2 bad cells, 1 number): write "
                           "plain numbers (no currency sign, thousands "
                           "separator, decimal comma or %), leave them empty "
                           "or NA, or declare the column with --categorical "
                           "fee"));
    /* Every cell one: still refused, not a categorical column. */
    err = read_fails("id\tfee\na\t12,5\nb\t0,75\n", '\t', CHURN_EPARSE);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 3);
    const char *path = tu_write_text(0, "list.csv", "id,codes\n"
                                                    "a,\"1,2\"\nb,\"3,4\"\n");
    churn_dataset *ds = NULL;
    assert_int_equal(churn_dataset_read_csv(path, NULL, &ds, &err), CHURN_OK);
    assert_int_equal(churn_dataset_column_kind(ds, 0), CHURN_CATEGORICAL);
    assert_string_equal(churn_dataset_level(ds, 0, 0), "1,2");
    churn_dataset_free(ds);
}

/* A delimiter set that the file does not use: the header is one column,
 * and the message names the file's. */
static void test_hint_when_set_wrong(void **state)
{
    (void)state;
    churn_error err = read_fails("a,b,churned\n1,2,0\n", ';', CHURN_EFORMAT);
    assert_non_null(strstr(err.message,
                           "bad.csv:1: the header has no semicolon but 2 "
                           "commas: is the delimiter ','? (--delimiter ',' "
                           "or auto reads it)"));
    err = read_fails("a;b;c|d\n1;2;3|4\n", '\t', CHURN_EFORMAT);
    assert_non_null(strstr(err.message,
                           "the header has no tab but 2 semicolons: is the "
                           "delimiter ';'? (--delimiter ';' or auto reads "
                           "it)"));
    err = read_fails("a\tb\n1\t2\n", ',', CHURN_EFORMAT);
    assert_non_null(strstr(err.message,
                           "the header has no comma but 1 tab: is the "
                           "delimiter '\\t'? (--delimiter tab or auto reads "
                           "it)"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_option_and_accessor),
        cmocka_unit_test(test_detected_from_the_header),
        cmocka_unit_test(test_same_dataset_any_delimiter),
        cmocka_unit_test(test_decimal_commas_refused),
        cmocka_unit_test(test_hint_when_set_wrong),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

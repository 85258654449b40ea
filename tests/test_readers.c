/* test_readers.c - the tabular readers: CSV kinds, labels, ids, errors
 * with their places, round trips through the writer, libsvm, and the
 * bundled data set. */
#include "testutil.h"

#include "churn.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reads text as a CSV with the given options; fails the test on error. */
static churn_dataset *read_text(const char *text, const churn_csv_opts *o)
{
    const char *path = tu_write_text(0, "in.csv", text);
    churn_dataset *ds = NULL;
    churn_error err;
    int rc = churn_dataset_read_csv(path, o, &ds, &err);
    if (rc != CHURN_OK)
        fail_msg("%s", err.message);
    return ds;
}

/* Reads text expecting failure with code at line:col; returns err. */
static churn_error read_fails(const char *text, const churn_csv_opts *o,
                              int code, size_t line, size_t col)
{
    const char *path = tu_write_text(0, "bad.csv", text);
    churn_dataset *ds = (churn_dataset *)&ds; /* must be reset to NULL */
    churn_error err;
    assert_int_equal(churn_dataset_read_csv(path, o, &ds, &err), code);
    assert_null(ds);
    assert_int_equal(err.code, code);
    assert_int_equal(err.line, line);
    assert_int_equal(err.column, col);
    return err;
}

static churn_csv_opts *opts_with_label(const char *label)
{
    churn_csv_opts *o = churn_csv_opts_new();
    assert_non_null(o);
    assert_int_equal(churn_csv_opts_set_label_column(o, label), CHURN_OK);
    return o;
}

static void test_type_inference_and_missing(void **state)
{
    (void)state;
    /* zip holds two numbers and one text: mostly numbers, an error unless
     * declared categorical (see test_mostly_numbers_is_an_error). */
    churn_csv_opts *o = churn_csv_opts_new();
    assert_int_equal(churn_csv_opts_add_categorical(o, "zip"), CHURN_OK);
    churn_dataset *ds = read_text(
        "customer_id,age,plan,score,zip\n"
        "c1,30,basic,1.5,02134\n"
        "c2,NA,pro,,10001\n"
        "c3,41, n/a ,-2e3,x\n"
        "c4,null,basic,NaN,N/A\n",
        o);
    churn_csv_opts_free(o);
    assert_int_equal(churn_dataset_n_rows(ds), 4);
    assert_int_equal(churn_dataset_n_cols(ds), 4);
    assert_false(churn_dataset_has_labels(ds));
    assert_string_equal(churn_dataset_column_name(ds, 0), "age");
    assert_int_equal(churn_dataset_column_kind(ds, 0), CHURN_NUMERIC);
    assert_int_equal(churn_dataset_column_kind(ds, 1), CHURN_CATEGORICAL);
    assert_int_equal(churn_dataset_column_kind(ds, 2), CHURN_NUMERIC);
    /* zip: declared categorical, so the digits are levels too. */
    assert_int_equal(churn_dataset_column_kind(ds, 3), CHURN_CATEGORICAL);
    assert_true(churn_dataset_value(ds, 0, 0) == 30.0);
    assert_true(isnan(churn_dataset_value(ds, 1, 0)));
    assert_true(isnan(churn_dataset_value(ds, 3, 0)));
    assert_true(churn_dataset_value(ds, 2, 2) == -2000.0);
    assert_true(isnan(churn_dataset_value(ds, 1, 2)));
    assert_true(isnan(churn_dataset_value(ds, 3, 2)));
    /* Levels in order of first appearance; missing markers are not. */
    assert_int_equal(churn_dataset_n_levels(ds, 1), 2);
    assert_string_equal(churn_dataset_level(ds, 1, 0), "basic");
    assert_string_equal(churn_dataset_level(ds, 1, 1), "pro");
    assert_true(churn_dataset_value(ds, 3, 1) == 0.0);
    assert_true(isnan(churn_dataset_value(ds, 2, 1)));
    assert_int_equal(churn_dataset_n_levels(ds, 3), 3);
    assert_string_equal(churn_dataset_level(ds, 3, 0), "02134");
    assert_true(churn_dataset_value(ds, 2, 3) == 2.0);
    assert_true(isnan(churn_dataset_value(ds, 3, 3)));
    assert_string_equal(churn_dataset_id(ds, 2), "c3");
    churn_dataset_free(ds);
}

static void test_every_label_spelling(void **state)
{
    (void)state;
    const char *text = "x,churned\n"
                       "1,1\n2,0\n3,yes\n4,no\n5,TRUE\n6,False\n"
                       "7,Churned\n8,RETAINED\n9,y\n10,N\n"
                       "11,\"Yes\"\n12,\" no \"\n13,1.0\n14,0.0\n"
                       "15,\n16,NA\n17, y \n";
    const double want[] = {1, 0, 1, 0, 1, 0, 1, 0, 1, 0,
                           1, 0, 1, 0, NAN, NAN, 1};
    churn_csv_opts *o = opts_with_label("churned");
    churn_dataset *ds = read_text(text, o);
    assert_int_equal(churn_dataset_n_rows(ds), 17);
    assert_int_equal(churn_dataset_n_cols(ds), 1);
    assert_true(churn_dataset_has_labels(ds));
    assert_string_equal(churn_dataset_label_name(ds), "churned");
    for (size_t i = 0; i < 17; i++) {
        double y = churn_dataset_label(ds, i);
        if (isnan(want[i]))
            assert_true(isnan(y));
        else
            assert_true(y == want[i]);
    }
    churn_dataset_free(ds);
    churn_csv_opts_free(o);
}

static void test_positive_value(void **state)
{
    (void)state;
    churn_csv_opts *o = opts_with_label("status");
    assert_int_equal(churn_csv_opts_set_positive(o, "Leave"), CHURN_OK);
    churn_dataset *ds = read_text(
        "v,status\n1,leave\n2,stay\n3,\n4, LEAVE \n5,maybe\n6,1\n", o);
    const double want[] = {1, 0, NAN, 1, 0, 0};
    for (size_t i = 0; i < 6; i++) {
        double y = churn_dataset_label(ds, i);
        assert_true(isnan(want[i]) ? isnan(y) : y == want[i]);
    }
    churn_dataset_free(ds);
    churn_csv_opts_free(o);
}

static void test_forced_categorical(void **state)
{
    (void)state;
    churn_csv_opts *o = churn_csv_opts_new();
    assert_int_equal(churn_csv_opts_add_categorical(o, "area"), CHURN_OK);
    churn_dataset *ds = read_text("area,n\n10,1\n2,2\n10,3\n,4\n", o);
    assert_int_equal(churn_dataset_column_kind(ds, 0), CHURN_CATEGORICAL);
    assert_int_equal(churn_dataset_column_kind(ds, 1), CHURN_NUMERIC);
    assert_int_equal(churn_dataset_n_levels(ds, 0), 2);
    assert_string_equal(churn_dataset_level(ds, 0, 0), "10");
    assert_string_equal(churn_dataset_level(ds, 0, 1), "2");
    assert_true(churn_dataset_value(ds, 2, 0) == 0.0);
    assert_true(churn_dataset_value(ds, 1, 0) == 1.0);
    assert_true(isnan(churn_dataset_value(ds, 3, 0)));
    churn_dataset_free(ds);

    /* A forced column that is not in the file is an error. */
    assert_int_equal(churn_csv_opts_add_categorical(o, "region"), CHURN_OK);
    churn_error err = read_fails("area,n\n1,2\n", o, CHURN_EFORMAT, 1, 0);
    assert_non_null(strstr(err.message,
                           "bad.csv:1: categorical column 'region' is not "
                           "in the header (columns: area, n)"));
    churn_csv_opts_free(o);
}

static void test_id_column_default_explicit_absent(void **state)
{
    (void)state;
    const char *text = "customer_id,acct,v\na,x1,1\nb,x2,2\n";
    /* Default: customer_id, not a feature. */
    churn_dataset *ds = read_text(text, NULL);
    assert_int_equal(churn_dataset_n_cols(ds), 2);
    assert_string_equal(churn_dataset_id(ds, 1), "b");
    assert_int_equal(churn_dataset_column_index(ds, "customer_id"),
                     (size_t)-1);
    churn_dataset_free(ds);

    /* Explicit: acct is the id, customer_id becomes a feature. */
    churn_csv_opts *o = churn_csv_opts_new();
    assert_int_equal(churn_csv_opts_set_id_column(o, "acct"), CHURN_OK);
    ds = read_text(text, o);
    assert_string_equal(churn_dataset_id(ds, 0), "x1");
    assert_int_equal(churn_dataset_column_index(ds, "customer_id"), 0);
    assert_int_equal(churn_dataset_column_kind(ds, 0), CHURN_CATEGORICAL);
    churn_dataset_free(ds);

    /* No id column: row numbers from 1, every column a feature. */
    assert_int_equal(churn_csv_opts_set_id_column(o, NULL), CHURN_OK);
    ds = read_text(text, o);
    assert_int_equal(churn_dataset_n_cols(ds), 3);
    assert_string_equal(churn_dataset_id(ds, 0), "1");
    assert_string_equal(churn_dataset_id(ds, 1), "2");
    churn_dataset_free(ds);

    /* Default id absent: row numbers, no error. */
    ds = read_text("v,w\n5,6\n7,8\n9,10\n", NULL);
    assert_string_equal(churn_dataset_id(ds, 2), "3");
    churn_dataset_free(ds);

    /* Explicit id absent: an error listing the header. */
    assert_int_equal(churn_csv_opts_set_id_column(o, "cid"), CHURN_OK);
    churn_error err = read_fails(text, o, CHURN_EFORMAT, 1, 0);
    assert_non_null(strstr(err.message,
                           "bad.csv:1: id column 'cid' is not in the header "
                           "(columns: customer_id, acct, v)"));
    /* Explicitly naming the default makes it required too. */
    assert_int_equal(churn_csv_opts_set_id_column(o, "customer_id"),
                     CHURN_OK);
    read_fails("v\n1\n", o, CHURN_EFORMAT, 1, 0);
    churn_csv_opts_free(o);
}

static void test_quotes_crlf_bom(void **state)
{
    (void)state;
    churn_csv_opts *o = opts_with_label("churn");
    assert_int_equal(churn_csv_opts_add_categorical(o, "spend"), CHURN_OK);
    churn_dataset *ds = read_text(
        "\xEF\xBB\xBF" "customer_id,\"city, state\",spend,churn\r\n"
        "\"id,1\",\"Austin, TX\",\"1,5\",\"yes\"\r\n"
        "id2,\"say \"\"hi\"\"\",2.5,no\r\n",
        o);
    assert_int_equal(churn_dataset_n_rows(ds), 2);
    assert_string_equal(churn_dataset_column_name(ds, 0), "city, state");
    assert_string_equal(churn_dataset_id(ds, 0), "id,1");
    assert_string_equal(churn_dataset_level(ds, 0, 0), "Austin, TX");
    assert_string_equal(churn_dataset_level(ds, 0, 1), "say \"hi\"");
    /* "1,5" (a decimal comma) is not a number: spend is declared
     * categorical, else half its cells being numbers is an error. */
    assert_int_equal(churn_dataset_column_kind(ds, 1), CHURN_CATEGORICAL);
    assert_true(churn_dataset_label(ds, 0) == 1.0);
    assert_true(churn_dataset_label(ds, 1) == 0.0);
    churn_dataset_free(ds);
    churn_csv_opts_free(o);
}

static void test_header_only_and_empty(void **state)
{
    (void)state;
    churn_csv_opts *o = opts_with_label("churn");
    churn_dataset *ds = read_text("customer_id,a,b,churn\n", o);
    assert_int_equal(churn_dataset_n_rows(ds), 0);
    assert_int_equal(churn_dataset_n_cols(ds), 2);
    assert_true(churn_dataset_has_labels(ds));
    churn_dataset_free(ds);
    churn_error err = read_fails("", o, CHURN_EEMPTY, 0, 0);
    assert_non_null(strstr(err.message, "bad.csv: empty file, expected a "
                                        "header"));
    churn_csv_opts_free(o);
}

/* Every values, levels, ids and labels equal; values bit for bit. */
static void assert_same_dataset(const churn_dataset *a,
                                const churn_dataset *b)
{
    assert_int_equal(churn_dataset_n_rows(a), churn_dataset_n_rows(b));
    assert_int_equal(churn_dataset_n_cols(a), churn_dataset_n_cols(b));
    for (size_t j = 0; j < churn_dataset_n_cols(a); j++) {
        assert_string_equal(churn_dataset_column_name(a, j),
                            churn_dataset_column_name(b, j));
        assert_int_equal(churn_dataset_column_kind(a, j),
                         churn_dataset_column_kind(b, j));
        assert_int_equal(churn_dataset_n_levels(a, j),
                         churn_dataset_n_levels(b, j));
        for (size_t k = 0; k < churn_dataset_n_levels(a, j); k++)
            assert_string_equal(churn_dataset_level(a, j, k),
                                churn_dataset_level(b, j, k));
    }
    for (size_t i = 0; i < churn_dataset_n_rows(a); i++) {
        assert_string_equal(churn_dataset_id(a, i), churn_dataset_id(b, i));
        double ya = churn_dataset_label(a, i), yb = churn_dataset_label(b, i);
        assert_true(isnan(ya) ? isnan(yb) : ya == yb);
        for (size_t j = 0; j < churn_dataset_n_cols(a); j++) {
            double va = churn_dataset_value(a, i, j);
            double vb = churn_dataset_value(b, i, j);
            assert_true(isnan(va) ? isnan(vb)
                                  : memcmp(&va, &vb, sizeof va) == 0);
        }
    }
}

static void test_round_trip_through_writer(void **state)
{
    (void)state;
    churn_csv_opts *o = opts_with_label("churn");
    churn_dataset *first = read_text(
        "customer_id,x,note,churn\n"
        "a,0.1,plain,yes\n"
        "\"b,\"\"q\"\"\",1e-300,\"text, with \"\"quotes\"\"\",0\n"
        "c,123456789.123456789,,\n"
        "d,-0.30000000000000004,\"multi\nline\",1\n"
        "e,,plain,no\n",
        o);
    const char *out = tu_write_text(1, "out.csv", "");
    churn_error err;
    assert_int_equal(churn_dataset_write_csv(first, out, "customer_id", &err),
                     CHURN_OK);
    churn_dataset *second = NULL;
    assert_int_equal(churn_dataset_read_csv(out, o, &second, &err), CHURN_OK);
    assert_same_dataset(first, second);
    /* The awkward doubles are the ones strtod gives for the text. */
    assert_true(churn_dataset_value(second, 0, 0) == strtod("0.1", NULL));
    assert_true(churn_dataset_value(second, 1, 0) == 1e-300);
    assert_true(churn_dataset_value(second, 2, 0) ==
                strtod("123456789.123456789", NULL));
    assert_string_equal(churn_dataset_id(second, 1), "b,\"q\"");
    assert_string_equal(churn_dataset_level(second, 1, 1),
                        "text, with \"quotes\"");
    churn_dataset_free(first);
    churn_dataset_free(second);
    churn_csv_opts_free(o);
}

static void test_csv_errors_with_places(void **state)
{
    (void)state;
    churn_csv_opts *o = opts_with_label("churn");
    churn_error err = read_fails("a,b,a\n1,2,3\n", o, CHURN_EFORMAT, 1, 5);
    assert_non_null(strstr(err.message,
                           "bad.csv:1:5: duplicate column name 'a' "
                           "(column 3)"));
    err = read_fails("a,,churn\n", o, CHURN_EFORMAT, 1, 3);
    assert_non_null(strstr(err.message, "bad.csv:1:3: empty column name "
                                        "(column 2)"));
    /* Too many fields: the place of the first extra one. */
    err = read_fails("a,churn\n1,0\n2,1,9\n", o, CHURN_EFORMAT, 3, 5);
    assert_non_null(strstr(err.message, "bad.csv:3:5: expected 2 fields, "
                                        "found 3"));
    /* Too few: the line (blank lines and quoted newlines counted). */
    err = read_fails("a,churn\n\n\"1\n\",0\n2\n", o, CHURN_EFORMAT, 5, 0);
    assert_non_null(strstr(err.message, "bad.csv:5: expected 2 fields, "
                                        "found 1"));
    err = read_fails("a,churn\n1,yes\n2,  maybe \n", o, CHURN_EPARSE, 3, 3);
    assert_non_null(strstr(err.message,
                           "bad.csv:3:3: label 'maybe' is not one of 1/0, "
                           "yes/no, true/false, churned/retained "
                           "(use --positive)"));
    err = read_fails("a,churn\n1,2\n", o, CHURN_EPARSE, 2, 3);
    assert_non_null(strstr(err.message, "label '2' is not one of"));
    err = read_fails("a,b\n1,2\n", o, CHURN_EFORMAT, 1, 0);
    assert_non_null(strstr(err.message, "bad.csv:1: label column 'churn' is "
                                        "not in the header (columns: a, b)"));
    /* Errors of the record reader pass through with their places. */
    err = read_fails("a,churn\n\"1,0\n", o, CHURN_EPARSE, 2, 1);
    assert_non_null(strstr(err.message, "unterminated quoted field"));
    churn_csv_opts_free(o);

    churn_dataset *ds = (churn_dataset *)&ds;
    assert_int_equal(churn_dataset_read_csv("/nonexistent/x.csv", NULL, &ds,
                                            &err),
                     CHURN_EIO);
    assert_null(ds);
}

static churn_dataset *read_libsvm_text(const char *text)
{
    const char *path = tu_write_text(0, "in.svm", text);
    churn_dataset *ds = NULL;
    churn_error err;
    if (churn_dataset_read_libsvm(path, &ds, &err) != CHURN_OK)
        fail_msg("%s", err.message);
    return ds;
}

static void test_libsvm_known_answer(void **state)
{
    (void)state;
    /* Dense by hand: three rows, max index 4, absent entries 0:
     *   +1 | 0.5  0    0   -2      -> 1
     *   -1 | 0    1e3  0    0      -> 0
     *    0 | 0    0    0    0      -> 0  (an empty row) */
    churn_dataset *ds = read_libsvm_text("+1 1:0.5 4:-2\r\n"
                                         "-1\t2:1e3\n"
                                         "\n"
                                         "0\n");
    const double want[3][4] = {{0.5, 0, 0, -2}, {0, 1e3, 0, 0}, {0, 0, 0, 0}};
    assert_int_equal(churn_dataset_n_rows(ds), 3);
    assert_int_equal(churn_dataset_n_cols(ds), 4);
    assert_string_equal(churn_dataset_column_name(ds, 0), "f1");
    assert_string_equal(churn_dataset_column_name(ds, 3), "f4");
    for (size_t i = 0; i < 3; i++)
        for (size_t j = 0; j < 4; j++)
            assert_true(churn_dataset_value(ds, i, j) == want[i][j]);
    assert_true(churn_dataset_label(ds, 0) == 1.0);
    assert_true(churn_dataset_label(ds, 1) == 0.0);
    assert_true(churn_dataset_label(ds, 2) == 0.0);
    assert_string_equal(churn_dataset_id(ds, 2), "3");
    assert_true(churn_dataset_has_labels(ds));
    churn_dataset_free(ds);

    ds = read_libsvm_text("1 3:1\n0 1:2\n");
    assert_true(churn_dataset_label(ds, 0) == 1.0);
    assert_true(churn_dataset_value(ds, 1, 0) == 2.0);
    assert_true(churn_dataset_value(ds, 0, 2) == 1.0);
    churn_dataset_free(ds);
}

static void libsvm_fails(const char *text, int code, size_t line, size_t col,
                         const char *what)
{
    const char *path = tu_write_text(0, "bad.svm", text);
    churn_dataset *ds = (churn_dataset *)&ds;
    churn_error err;
    assert_int_equal(churn_dataset_read_libsvm(path, &ds, &err), code);
    assert_null(ds);
    assert_int_equal(err.line, line);
    assert_int_equal(err.column, col);
    if (!strstr(err.message, what))
        fail_msg("'%s' does not contain '%s'", err.message, what);
}

static void test_libsvm_errors_with_places(void **state)
{
    (void)state;
    libsvm_fails("1 1:2\nyes 1:2\n", CHURN_EPARSE, 2, 1,
                 "bad.svm:2:1: bad label 'yes'");
    libsvm_fails("1 0:2\n", CHURN_EPARSE, 1, 3,
                 "bad.svm:1:3: bad index 0 (indices run from 1");
    libsvm_fails("1 2:1  2:3\n", CHURN_EPARSE, 1, 8,
                 "bad.svm:1:8: index 2 does not ascend (after 2)");
    libsvm_fails("1 3:1 1:3\n", CHURN_EPARSE, 1, 7,
                 "index 1 does not ascend (after 3)");
    libsvm_fails("1 1.5:1\n", CHURN_EPARSE, 1, 3, "bad index '1.5'");
    libsvm_fails("1 -1:1\n", CHURN_EPARSE, 1, 3, "bad index '-1'");
    libsvm_fails("1 :1\n", CHURN_EPARSE, 1, 3, "bad index ''");
    libsvm_fails("1 99999999999:1\n", CHURN_EPARSE, 1, 3, "bad index");
    libsvm_fails("1 1:x\n", CHURN_EPARSE, 1, 5, "bad.svm:1:5: bad value 'x'");
    libsvm_fails("1 1:\n", CHURN_EPARSE, 1, 5, "bad value ''");
    libsvm_fails("1 7\n", CHURN_EPARSE, 1, 3,
                 "expected index:value, found '7'");
    libsvm_fails("", CHURN_EEMPTY, 0, 0, "bad.svm: no data");

    churn_dataset *ds = (churn_dataset *)&ds;
    churn_error err;
    assert_int_equal(churn_dataset_read_libsvm("/nonexistent/x.svm", &ds,
                                               &err),
                     CHURN_EIO);
    assert_null(ds);
    assert_non_null(strstr(err.message, "/nonexistent/x.svm: cannot open"));
}

/* The bundled data set, read as a user would: label churn, the rest
 * inferred. Figures from datasets/README.md. */
static void test_bundled_mlc_churn(void **state)
{
    (void)state;
    churn_csv_opts *o = opts_with_label("churn");
    churn_dataset *ds = NULL;
    churn_error err;
    if (churn_dataset_read_csv("datasets/mlc_churn.csv", o, &ds, &err) !=
        CHURN_OK)
        fail_msg("%s (tests run from the repository root)", err.message);
    assert_int_equal(churn_dataset_n_rows(ds), 5000);
    assert_int_equal(churn_dataset_n_cols(ds), 19);
    assert_string_equal(churn_dataset_label_name(ds), "churn");
    size_t positives = 0;
    for (size_t i = 0; i < 5000; i++)
        positives += churn_dataset_label(ds, i) == 1.0;
    assert_int_equal(positives, 707);
    size_t state_col = churn_dataset_column_index(ds, "state");
    size_t area = churn_dataset_column_index(ds, "area_code");
    assert_int_equal(churn_dataset_column_kind(ds, state_col),
                     CHURN_CATEGORICAL);
    assert_int_equal(churn_dataset_n_levels(ds, state_col), 51);
    assert_int_equal(churn_dataset_n_levels(ds, area), 3);
    size_t calls = churn_dataset_column_index(ds,
                                              "number_customer_service_calls");
    assert_int_equal(churn_dataset_column_kind(ds, calls), CHURN_NUMERIC);
    /* First row: "KS",128,... */
    assert_string_equal(churn_dataset_level(ds, state_col, 0), "KS");
    assert_true(churn_dataset_value(ds, 0, 1) == 128.0);
    assert_string_equal(churn_dataset_id(ds, 4999), "5000");
    churn_dataset_free(ds);
    churn_csv_opts_free(o);
}

static void test_opts_arguments(void **state)
{
    (void)state;
    assert_int_equal(churn_csv_opts_set_id_column(NULL, "x"), CHURN_EINVAL);
    assert_int_equal(churn_csv_opts_set_label_column(NULL, "x"),
                     CHURN_EINVAL);
    assert_int_equal(churn_csv_opts_set_positive(NULL, "x"), CHURN_EINVAL);
    churn_csv_opts *o = churn_csv_opts_new();
    assert_int_equal(churn_csv_opts_add_categorical(o, ""), CHURN_EINVAL);
    assert_int_equal(churn_csv_opts_add_categorical(o, NULL), CHURN_EINVAL);
    churn_csv_opts_free(o);
    churn_csv_opts_free(NULL);
    churn_error err;
    assert_int_equal(churn_dataset_read_csv(NULL, NULL, NULL, &err),
                     CHURN_EINVAL);
    assert_int_equal(churn_dataset_read_libsvm("x", NULL, &err),
                     CHURN_EINVAL);
}

/* Unique ids and numeric columns: a repeat names both lines; a numeric
 * column refuses text at its place but leaves absent names and forced
 * categorical ones alone; without the options the same file reads. */
static void test_unique_ids_and_numeric(void **state)
{
    (void)state;
    const char *text = "customer_id,x,plan\na,1,basic\nb,2,pro\na,3,pro\n";
    churn_csv_opts *o = churn_csv_opts_new();
    assert_int_equal(churn_csv_opts_set_unique_ids(o, 1), CHURN_OK);
    churn_error err = read_fails(text, o, CHURN_EFORMAT, 4, 1);
    assert_non_null(strstr(err.message, "customer_id 'a' is also on line 2"));
    assert_int_equal(churn_csv_opts_set_unique_ids(o, 0), CHURN_OK);
    churn_dataset *ds = read_text(text, o);
    assert_int_equal(churn_dataset_n_rows(ds), 3);
    churn_dataset_free(ds);

    text = "customer_id,x,plan\na,1,7\nb,inf,8\nc,big,9\n";
    assert_int_equal(churn_csv_opts_add_numeric(o, "absent"), CHURN_OK);
    assert_int_equal(churn_csv_opts_add_numeric(o, "plan"), CHURN_OK);
    ds = read_text(text, o); /* x is mostly text; no one said numeric */
    assert_int_equal(churn_dataset_column_kind(ds, 0), CHURN_CATEGORICAL);
    churn_dataset_free(ds);
    assert_int_equal(churn_csv_opts_add_numeric(o, "x"), CHURN_OK);
    err = read_fails(text, o, CHURN_EPARSE, 3, 3);
    assert_non_null(strstr(err.message, "'inf' in numeric column 'x' is "
                                        "not a finite number (2 bad cells, "
                                        "1 number); fix them or leave them "
                                        "empty or NA"));
    assert_int_equal(churn_csv_opts_add_categorical(o, "x"), CHURN_OK);
    ds = read_text(text, o); /* categorical wins */
    assert_int_equal(churn_dataset_column_kind(ds, 0), CHURN_CATEGORICAL);
    churn_dataset_free(ds);
    churn_csv_opts_free(o);
    assert_int_equal(churn_csv_opts_set_unique_ids(NULL, 1), CHURN_EINVAL);
    assert_int_equal(churn_csv_opts_add_numeric(NULL, "x"), CHURN_EINVAL);
}

/* A missing label names the closest column, even past a long list; a
 * header read as one column with the comma set names its delimiter; the
 * dataset keeps its file's name for later messages. */
static void test_header_hints(void **state)
{
    (void)state;
    churn_csv_opts *o = opts_with_label("churned");
    churn_dataset *ds = NULL;
    churn_error err;
    assert_int_equal(churn_dataset_read_csv("datasets/mlc_churn.csv", o, &ds,
                                            &err),
                     CHURN_EFORMAT);
    assert_non_null(strstr(err.message, "label column 'churned' is not in "
                                        "the header; did you mean 'churn'? "
                                        "(columns: state, account_length,"));
    assert_non_null(strstr(err.message, "number_customer_service_calls, "
                                        "churn)"));
    /* Too many names for the message: the list says how many it left. */
    char text[2048];
    size_t n = 0;
    for (int k = 0; k < 80; k++)
        n += (size_t)snprintf(text + n, sizeof text - n, "%scolumn_%02d",
                              k ? "," : "", k);
    snprintf(text + n, sizeof text - n, "\n%s\n", "1");
    err = read_fails(text, o, CHURN_EFORMAT, 1, 0);
    assert_null(strstr(err.message, "did you mean"));
    assert_non_null(strstr(err.message, "(columns: column_00, column_01,"));
    assert_non_null(strstr(err.message, " more)"));
    /* Only with the comma set: by default the header says it is '|'. */
    assert_int_equal(churn_csv_opts_set_delimiter(o, ','), CHURN_OK);
    err = read_fails("a|b|churned\n1|2|0\n", o, CHURN_EFORMAT, 1, 0);
    assert_non_null(strstr(err.message, "bad.csv:1: the header has no comma "
                                        "but 2 vertical bars: is the "
                                        "delimiter '|'? (--delimiter '|' or "
                                        "auto reads it)"));
    churn_csv_opts_free(o);
    /* One column and no other delimiter in it: read as it is. */
    o = opts_with_label("churn");
    const char *path = tu_write_text(0, "one.csv", "churn\n0\n1\n");
    assert_int_equal(churn_dataset_read_csv(path, o, &ds, &err), CHURN_OK);
    assert_string_equal(churn_dataset_source(ds), path);
    churn_dataset_free(ds);
    churn_csv_opts_free(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_type_inference_and_missing),
        cmocka_unit_test(test_every_label_spelling),
        cmocka_unit_test(test_positive_value),
        cmocka_unit_test(test_forced_categorical),
        cmocka_unit_test(test_id_column_default_explicit_absent),
        cmocka_unit_test(test_quotes_crlf_bom),
        cmocka_unit_test(test_header_only_and_empty),
        cmocka_unit_test(test_round_trip_through_writer),
        cmocka_unit_test(test_csv_errors_with_places),
        cmocka_unit_test(test_libsvm_known_answer),
        cmocka_unit_test(test_libsvm_errors_with_places),
        cmocka_unit_test(test_bundled_mlc_churn),
        cmocka_unit_test(test_opts_arguments),
        cmocka_unit_test(test_unique_ids_and_numeric),
        cmocka_unit_test(test_header_hints),
    };
    return cmocka_run_group_tests_name("readers", tests, NULL, NULL);
}

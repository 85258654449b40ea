/* test_contract.c - the data contract of tables: a mostly-numeric column
 * with bad cells or formatted numbers is an error naming the first bad
 * cell (both readers alike), ids are found by name, columns can be
 * dropped, and training refuses id-like or too-wide categorical inputs
 * (single process and across ranks). */
#include "testutil.h"
#include "thread_comm.h"
#include "tu_dataset.h"

#include "churn.h"
#include "ml/pipeline.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reads text with o (threads threads); returns the status, err filled. */
static int read_with(const char *text, churn_csv_opts *o, size_t threads,
                     churn_dataset **ds, churn_error *err)
{
    const char *path = tu_write_text(0, "t.csv", text);
    assert_int_equal(churn_csv_opts_set_threads(o, threads), CHURN_OK);
    *ds = NULL;
    churn_error_clear(err);
    return churn_dataset_read_csv(path, o, ds, err);
}

/* The message after "PATH:" (the temporary path varies). */
static const char *after_path(const churn_error *err)
{
    const char *m = strstr(err->message, "t.csv:");
    return m ? m + strlen("t.csv:") : err->message;
}

/* Reads text expecting code with message (after the path) with 1 and 3
 * threads: the very same error. */
static void expect_error(const char *text, churn_csv_opts *o, int code,
                         const char *message)
{
    const size_t threads[] = {1, 3};
    for (size_t t = 0; t < 2; t++) {
        churn_dataset *ds;
        churn_error err;
        assert_int_equal(read_with(text, o, threads[t], &ds, &err), code);
        assert_null(ds);
        assert_string_equal(after_path(&err), message);
    }
}

/* Case 1 of the issue, small: one 'unknown' among numbers on line 8. */
static void test_one_bad_cell_is_an_error(void **state)
{
    (void)state;
    char text[2048] = "customer_id,plan,total_day_minutes,churned\n";
    for (int i = 0; i < 20; i++) {
        char line[64];
        snprintf(line, sizeof line, "c%d,%s,%s,%d\n", i,
                 i % 2 ? "basic" : "pro",
                 i == 6 ? "unknown" : i == 9 ? "" : "265.1", i % 3 == 0);
        strncat(text, line, sizeof text - strlen(text) - 1);
    }
    churn_csv_opts *o = churn_csv_opts_new();
    churn_csv_opts_set_label_column(o, "churned");
    expect_error(text, o, CHURN_EPARSE,
                 "8:8: 'unknown' in column 'total_day_minutes' is not a "
                 "number (1 bad cell, 18 numbers); fix it, leave it empty "
                 "or NA, or declare the column with --categorical "
                 "total_day_minutes");
    /* Declared categorical, it reads; its numbers are levels. */
    churn_csv_opts_add_categorical(o, "total_day_minutes");
    churn_dataset *ds;
    churn_error err;
    assert_int_equal(read_with(text, o, 2, &ds, &err), CHURN_OK);
    assert_int_equal(churn_dataset_column_kind(ds, 1), CHURN_CATEGORICAL);
    assert_int_equal(churn_dataset_n_levels(ds, 1), 2);
    churn_dataset_free(ds);
    churn_csv_opts_free(o);
}

/* Half numbers is "mostly numbers"; fewer is a text column. */
static void test_mostly_numbers_rule(void **state)
{
    (void)state;
    churn_csv_opts *o = churn_csv_opts_new();
    expect_error("x\n1\nab\n2\ncd\n", o, CHURN_EPARSE,
                 "3:1: 'ab' in column 'x' is not a number (2 bad cells, 2 "
                 "numbers); fix them, leave them empty or NA, or declare "
                 "the column with --categorical x");
    churn_dataset *ds;
    churn_error err;
    assert_int_equal(read_with("x\n1\nab\nNA\ncd\n\nef\n", o, 1, &ds, &err),
                     CHURN_OK);
    assert_int_equal(churn_dataset_column_kind(ds, 0), CHURN_CATEGORICAL);
    assert_int_equal(churn_dataset_n_levels(ds, 0), 4); /* 1 ab cd ef */
    churn_dataset_free(ds);
    /* Forced numeric: a single bad cell among texts is counted too. */
    churn_csv_opts_add_numeric(o, "x");
    expect_error("x\n1\nab\nNA\ncd\n", o, CHURN_EPARSE,
                 "3:1: 'ab' in numeric column 'x' is not a finite number (2 "
                 "bad cells, 1 number); fix them or leave them empty or NA");
    churn_csv_opts_free(o);
}

/* Numbers written for people are an error with a hint, even when every
 * cell is one; look-alikes that are not are plain texts. */
static void test_formatted_numbers(void **state)
{
    (void)state;
    const char *formatted[] = {"$45.07", "1,234.5", "12%", "-$4.50",
                               "$ 1,234,567", "\xE2\x82\xAC" "3",
                               "7.5 %", "1,000", "+\xC2\xA3" "2"};
    churn_csv_opts *o = churn_csv_opts_new();
    for (size_t k = 0; k < sizeof formatted / sizeof formatted[0]; k++) {
        char text[128], want[400];
        snprintf(text, sizeof text, "fee\n\"%s\"\n\"%s\"\n", formatted[k],
                 formatted[k]);
        snprintf(want, sizeof want,
                 "2:1: '%s' in column 'fee' is a formatted number (2 bad "
                 "cells, 0 numbers): write plain numbers (no currency sign, "
                 "thousands separator or %%), leave them empty or NA, or "
                 "declare the column with --categorical fee", formatted[k]);
        expect_error(text, o, CHURN_EPARSE, want);
    }
    /* Not formatted numbers: texts, so a column of them is categorical. */
    const char *texts[] = {"1,2", "12,34", "$", "3G", "1,2345", "$4$",
                           "12%%", ",123", "1.2.3%"};
    for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++) {
        char text[128];
        snprintf(text, sizeof text, "v\n\"%s\"\nabc\n", texts[k]);
        churn_dataset *ds;
        churn_error err;
        int rc = read_with(text, o, 1, &ds, &err);
        if (rc != CHURN_OK)
            fail_msg("'%s': %s", texts[k], err.message);
        assert_int_equal(churn_dataset_column_kind(ds, 0),
                         CHURN_CATEGORICAL);
        churn_dataset_free(ds);
    }
    churn_csv_opts_free(o);
}

/* Far into a file of several blocks, the fast path hands the error back
 * to the two passes: the same place and count. */
static void test_fast_path_agrees(void **state)
{
    (void)state;
    size_t cap = 40 * 30000 + 64, len = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    len += (size_t)snprintf(text, cap, "id,a,b\n");
    for (int i = 0; i < 30000; i++)
        len += (size_t)snprintf(text + len, cap - len, "C%d,%d.5,%s\n", i, i,
                                i == 25000 || i == 29000 ? "n.a." : "7");
    churn_csv_opts *o = churn_csv_opts_new();
    expect_error(text, o, CHURN_EPARSE,
                 "25002:16: 'n.a.' in column 'b' is not a number (2 bad "
                 "cells, 29998 numbers); fix them, leave them empty or NA, "
                 "or declare the column with --categorical b");
    free(text);
    churn_csv_opts_free(o);
}

/* The id column: by name, case and separators ignored, first match; the
 * label and dropped columns never; a name given wins. */
static void test_id_by_name(void **state)
{
    (void)state;
    static const struct {
        const char *header, *id;
    } cases[] = {
        {"CustomerID,x", "CustomerID"},
        {"x,\"Customer ID\"", "Customer ID"},
        {"x,client-id", "client-id"},
        {"USER_ID,x", "USER_ID"},
        {"x,Account.Id", "Account.Id"},
        {"x,id,customer_id", "id"},
        {"customer,x", "customer"},
        {"cust_id,x", "cust_id"},
        {"account_length,x", NULL},
        {"customer_ids,x", NULL},
        {"x,y", NULL},
    };
    churn_csv_opts *o = churn_csv_opts_new();
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char text[128];
        size_t n_fields = 1;
        for (const char *c = cases[k].header; *c; c++)
            n_fields += *c == ',';
        snprintf(text, sizeof text, "%s\n1%s\n2%s\n", cases[k].header,
                 n_fields == 3 ? ",a,b" : ",a", n_fields == 3 ? ",c,d" : ",b");
        churn_dataset *ds;
        churn_error err;
        assert_int_equal(read_with(text, o, 1, &ds, &err), CHURN_OK);
        const char *id = churn_dataset_id_name(ds);
        if (cases[k].id) {
            assert_non_null(id);
            assert_string_equal(id, cases[k].id);
            assert_int_equal(churn_dataset_n_cols(ds), n_fields - 1);
            assert_int_equal(churn_dataset_column_index(ds, id), (size_t)-1);
        } else {
            assert_null(id);
            assert_int_equal(churn_dataset_n_cols(ds), n_fields);
            assert_string_equal(churn_dataset_id(ds, 1), "2");
        }
        churn_dataset_free(ds);
    }
    churn_csv_opts_free(o);
    /* The label is never the id; a dropped column neither. */
    o = churn_csv_opts_new();
    churn_csv_opts_set_label_column(o, "id");
    churn_csv_opts_add_drop(o, "user_id");
    churn_dataset *ds;
    churn_error err;
    assert_int_equal(read_with("user_id,id,client,x\nu1,1,k1,5\nu2,0,k2,6\n",
                               o, 1, &ds, &err), CHURN_OK);
    assert_string_equal(churn_dataset_id_name(ds), "client");
    assert_string_equal(churn_dataset_id(ds, 1), "k2");
    assert_int_equal(churn_dataset_n_cols(ds), 1);
    churn_dataset_free(ds);
    /* Given: it wins, and the detected name is an ordinary column. */
    churn_csv_opts_set_id_column(o, "x");
    assert_int_equal(read_with("user_id,id,client,x\nu1,1,k1,5\nu2,0,k2,6\n",
                               o, 1, &ds, &err), CHURN_OK);
    assert_string_equal(churn_dataset_id_name(ds), "x");
    assert_string_equal(churn_dataset_column_name(ds, 0), "client");
    churn_dataset_free(ds);
    churn_csv_opts_free(o);
}

/* --drop: the column is gone; a name the file lacks, the label or the
 * named id are errors. */
static void test_drop(void **state)
{
    (void)state;
    const char *text = "customer_id,a,b,churned\nc1,1,x,1\nc2,2,y,0\n";
    churn_csv_opts *o = churn_csv_opts_new();
    churn_csv_opts_set_label_column(o, "churned");
    assert_int_equal(churn_csv_opts_add_drop(o, "b"), CHURN_OK);
    churn_dataset *ds;
    churn_error err;
    assert_int_equal(read_with(text, o, 1, &ds, &err), CHURN_OK);
    assert_int_equal(churn_dataset_n_cols(ds), 1);
    assert_string_equal(churn_dataset_column_name(ds, 0), "a");
    churn_dataset_free(ds);
    /* The fast path (no quotes, several threads) skips it too. */
    assert_int_equal(read_with(text, o, 3, &ds, &err), CHURN_OK);
    assert_int_equal(churn_dataset_n_cols(ds), 1);
    assert_true(churn_dataset_value(ds, 1, 0) == 2.0);
    churn_dataset_free(ds);
    churn_csv_opts_add_drop(o, "zz");
    expect_error(text, o, CHURN_EFORMAT,
                 "1: dropped column 'zz' is not in the header (columns: "
                 "customer_id, a, b, churned)");
    churn_csv_opts_free(o);
    o = churn_csv_opts_new();
    churn_csv_opts_set_label_column(o, "churned");
    churn_csv_opts_add_drop(o, "churned");
    expect_error(text, o, CHURN_EFORMAT,
                 "1: column 'churned' cannot be both label and dropped");
    churn_csv_opts_free(o);
    o = churn_csv_opts_new();
    churn_csv_opts_set_id_column(o, "a");
    churn_csv_opts_add_drop(o, "a");
    expect_error(text, o, CHURN_EFORMAT,
                 "1: column 'a' cannot be both id and dropped");
    /* Dropping the detected id: row numbers. */
    churn_csv_opts_free(o);
    o = churn_csv_opts_new();
    churn_csv_opts_add_drop(o, "customer_id");
    assert_int_equal(read_with(text, o, 1, &ds, &err), CHURN_OK);
    assert_null(churn_dataset_id_name(ds));
    assert_int_equal(churn_dataset_n_cols(ds), 3);
    churn_dataset_free(ds);
    churn_csv_opts_free(o);
    assert_int_equal(churn_csv_opts_add_drop(NULL, "a"), CHURN_EINVAL);
    o = churn_csv_opts_new();
    assert_int_equal(churn_csv_opts_add_drop(o, ""), CHURN_EINVAL);
    churn_csv_opts_free(o);
}

/* A dataset of n rows: a categorical column whose row i holds level
 * i % n_levels, a number and a label. */
static churn_dataset *wide(size_t n, size_t n_levels)
{
    static const char *const cols[] = {"@ref", "x"};
    churn_dataset *ds = tu_dataset(2, cols);
    assert_int_equal(churn_dataset_set_label_name(ds, "churned", NULL),
                     CHURN_OK);
    for (size_t i = 0; i < n; i++) {
        char level[32];
        double v[2];
        snprintf(level, sizeof level, "R-%zu", i % n_levels);
        churn_dataset_level_code(ds, 0, level, &v[0], NULL);
        v[1] = (double)(i % 7);
        churn_dataset_add_row(ds, NULL, v, (double)(i % 3 == 0), NULL);
    }
    return ds;
}

/* Fits the pipeline on ds; returns the status, err filled. */
static int fit(const churn_dataset *ds, churn_error *err)
{
    churn__pipeline *p = NULL;
    churn_error_clear(err);
    int rc = churn__pipeline_fit(ds, NULL, 0, &p, err);
    churn__pipeline_free(p);
    return rc;
}

static void test_training_refuses_ids_and_wide(void **state)
{
    (void)state;
    churn_error err;
    /* An id: a distinct text on (nearly) every row, 50 rows or more. */
    churn_dataset *ds = wide(60, 60);
    assert_int_equal(fit(ds, &err), CHURN_EFORMAT);
    assert_string_equal(err.message,
                        "column 'ref' has 60 distinct texts in 60 training "
                        "rows: it looks like an id, not an input; name it "
                        "the id (--id ref) or leave it out (--drop ref)");
    /* The same through churn_train. */
    churn_train_opts *o = churn_train_opts_new();
    churn_model *m = NULL;
    churn_train_opts_set_validation(o, 0);
    int rc = churn_train(ds, o, &m, &err);
    if (rc != CHURN_EFORMAT)
        fail_msg("%d: %s", rc, err.message);
    assert_null(m);
    assert_non_null(strstr(err.message, "looks like an id"));
    churn_dataset_free(ds);
    /* Below 50 rows, tiny tables keep their unique texts. */
    ds = wide(49, 49);
    assert_int_equal(fit(ds, &err), CHURN_OK);
    churn_dataset_free(ds);
    /* 90% distinct: refused; just under: kept. */
    ds = wide(100, 90);
    assert_int_equal(fit(ds, &err), CHURN_EFORMAT);
    assert_non_null(strstr(err.message, "90 distinct texts in 100"));
    churn_dataset_free(ds);
    ds = wide(100, 89);
    assert_int_equal(fit(ds, &err), CHURN_OK);
    churn_dataset_free(ds);
    /* The level cap: 1000 levels kept, 1001 refused. */
    ds = wide(3000, 1000);
    assert_int_equal(fit(ds, &err), CHURN_OK);
    churn_dataset_free(ds);
    ds = wide(3003, 1001);
    assert_int_equal(fit(ds, &err), CHURN_EFORMAT);
    assert_string_equal(err.message,
                        "column 'ref' has 1001 levels, more than the 1000 a "
                        "categorical input may have; name it the id (--id "
                        "ref), leave it out (--drop ref) or group its "
                        "levels");
    churn_dataset_free(ds);
    churn_train_opts_free(o);
}

/* Across ranks: 30 id-like rows each, under the minimum alone, refused
 * together on every rank with the same message. */
typedef struct rank_fit {
    churn_dataset *ds;
    int rc;
    churn_error err;
} rank_fit;

static void rank_body(const churn_comm *comm, void *arg)
{
    rank_fit *f = arg;
    churn__pipeline *p = NULL;
    churn_error_clear(&f->err);
    f->rc = churn__pipeline_fit_comm(f->ds, NULL, 0, comm, &p, &f->err);
    churn__pipeline_free(p);
}

static void test_ranks_refuse_ids_together(void **state)
{
    (void)state;
    rank_fit fits[2];
    void *args[2];
    for (int r = 0; r < 2; r++) {
        static const char *const cols[] = {"@ref", "x"};
        fits[r].ds = tu_dataset(2, cols);
        for (size_t i = 0; i < 30; i++) {
            char level[32];
            double v[2] = {0, (double)i};
            snprintf(level, sizeof level, "R-%d-%zu", r, i);
            churn_dataset_level_code(fits[r].ds, 0, level, &v[0], NULL);
            churn_dataset_add_row(fits[r].ds, NULL, v, 0, NULL);
        }
        args[r] = &fits[r];
    }
    tc_run(2, rank_body, args);
    for (int r = 0; r < 2; r++) {
        assert_int_equal(fits[r].rc, CHURN_EFORMAT);
        assert_string_equal(fits[r].err.message,
                            "column 'ref' has 60 distinct texts in 60 "
                            "training rows: it looks like an id, not an "
                            "input; name it the id (--id ref) or leave it "
                            "out (--drop ref)");
        churn_dataset_free(fits[r].ds);
    }
    /* Each rank alone is under the minimum. */
    churn_error err;
    churn_dataset *one = wide(30, 30);
    assert_int_equal(fit(one, &err), CHURN_OK);
    churn_dataset_free(one);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_bad_cell_is_an_error),
        cmocka_unit_test(test_mostly_numbers_rule),
        cmocka_unit_test(test_formatted_numbers),
        cmocka_unit_test(test_fast_path_agrees),
        cmocka_unit_test(test_id_by_name),
        cmocka_unit_test(test_drop),
        cmocka_unit_test(test_training_refuses_ids_and_wide),
        cmocka_unit_test(test_ranks_refuse_ids_together),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

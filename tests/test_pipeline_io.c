/* test_pipeline_io.c - the pipeline's model-file section: a bit-identical
 * round trip on awkward names and values, a hand-written section, and
 * every reading error with its exact line and column. */
#include "testutil.h"
#include "tu_dataset.h"

#include "ml/pipeline.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The section p writes, in new memory. */
static char *write_text(const churn__pipeline *p, size_t *len)
{
    char *text = NULL;
    FILE *f = open_memstream(&text, len);
    assert_non_null(f);
    assert_int_equal(churn__pipeline_write(p, f), CHURN_OK);
    assert_int_equal(fclose(f), 0);
    return text;
}

/* A line reader over a writable copy of text. */
static churn__lines lines_over(const char *text)
{
    churn__lines r = {0};
    r.path = "m.model";
    r.len = strlen(text);
    r.buf = malloc(r.len + 1);
    assert_non_null(r.buf);
    memcpy(r.buf, text, r.len + 1);
    return r;
}

/* Reads a pipeline from text; returns the status, err filled. */
static int read_text(const char *text, churn__pipeline **out,
                     churn_error *err)
{
    churn__lines r = lines_over(text);
    int rc = churn__pipeline_read(&r, out, err);
    free(r.buf);
    return rc;
}

static void test_write_read_is_bit_identical(void **state)
{
    (void)state;
    const char *cols[] = {"monthly fee, USD", "50% off",
                          "@r\xC3\xA9gion \xC3\xA9t\xC3\xA9"};
    const char *cells[] = {"0.1",    "1e-300", "x,y",
                           "1e-300", "2e-300", "100%",
                           NULL,     "0.1",    "\xC3\xA9 \xC3\xBC",
                           "3",      "0.3",    "",
                           "0.7",    "1e-300", NULL,
                           "0.1",    "7",      "a b"};
    churn_dataset *ds = tu_dataset_rows(3, cols, 6, cells);
    churn__pipeline *p;
    assert_int_equal(churn__pipeline_fit(ds, NULL, 0, &p, NULL), CHURN_OK);
    size_t len;
    char *text = write_text(p, &len);
    churn__pipeline *q;
    churn_error err;
    if (read_text(text, &q, &err) != CHURN_OK)
        fail_msg("read: %s", err.message);
    size_t d = churn__pipeline_n_outputs(p);
    assert_int_equal(churn__pipeline_n_inputs(q), 3);
    assert_int_equal(churn__pipeline_n_outputs(q), d);
    for (size_t j = 0; j < 3; j++) {
        assert_string_equal(churn__pipeline_input_name(q, j), cols[j] +
                            (cols[j][0] == '@'));
        assert_int_equal(churn__pipeline_input_kind(q, j),
                         churn__pipeline_input_kind(p, j));
    }
    assert_int_equal(churn__pipeline_n_levels(q, 2), 5);
    assert_string_equal(churn__pipeline_level(q, 2, 3), "");
    assert_string_equal(churn__pipeline_level(q, 2, 2), "\xC3\xA9 \xC3\xBC");
    for (size_t k = 0; k < d; k++) {
        double cp, sp, cq, sq;
        churn__pipeline_output_scaling(p, k, &cp, &sp);
        churn__pipeline_output_scaling(q, k, &cq, &sq);
        assert_memory_equal(&cp, &cq, sizeof cp);
        assert_memory_equal(&sp, &sq, sizeof sp);
        assert_string_equal(churn__pipeline_output_name(p, k),
                            churn__pipeline_output_name(q, k));
    }
    /* Every training row, and rows with missing and unknown values. */
    double out_p[16], out_q[16], raw[3];
    churn__binding *b;
    assert_int_equal(churn__pipeline_bind(q, ds, &b, NULL), CHURN_OK);
    for (size_t i = 0; i < 8; i++) {
        if (i < 6) {
            churn__binding_row(b, ds, i, raw);
        } else {
            raw[0] = i == 6 ? NAN : 0.1;
            raw[1] = i == 6 ? NAN : 1e-300;
            raw[2] = i == 6 ? NAN : 99;
        }
        churn__pipeline_transform(p, raw, out_p);
        churn__pipeline_transform(q, raw, out_q);
        assert_memory_equal(out_p, out_q, d * sizeof(double));
    }
    churn__binding_free(b);
    /* Writing what was read gives the same text. */
    size_t len2;
    char *again = write_text(q, &len2);
    assert_int_equal(len, len2);
    assert_memory_equal(text, again, len);
    free(again);
    free(text);
    churn__pipeline_free(p);
    churn__pipeline_free(q);
    churn_dataset_free(ds);
}

/* What a tree family asks (keep_missing, no standardization): numbers
 * as they are, NaN where missing and no indicator, one-hot 0/1 as they
 * are; the "kept" state reads back to the same bits. The defaults, given
 * or not, fit the very pipeline churn__pipeline_fit fits. */
static void test_raw_values_for_a_family(void **state)
{
    (void)state;
    const char *cols[] = {"age", "@plan"};
    const char *cells[] = {"30", "a", NULL, "b", "50", NULL, "40.5", "a"};
    churn_dataset *ds = tu_dataset_rows(2, cols, 4, cells);
    churn__pipeline_opts raw_opts = {.keep_missing = 1, .standardize = 0};
    churn__pipeline *p, *q, *std, *dflt;
    assert_int_equal(churn__pipeline_fit_opts(ds, NULL, 0, NULL, &raw_opts,
                                              &p, NULL), CHURN_OK);
    assert_int_equal(churn__pipeline_n_outputs(p), 3);
    assert_string_equal(churn__pipeline_output_name(p, 0), "age");
    assert_string_equal(churn__pipeline_output_name(p, 1), "plan=a");
    for (size_t k = 0; k < 3; k++) {
        double c, s;
        churn__pipeline_output_scaling(p, k, &c, &s);
        assert_true(c == 0 && s == 1);
    }
    double out[3], back[3];
    const double rows[3][2] = {{30, 1}, {NAN, 1}, {40.5, NAN}};
    const double want[3][3] = {{30, 0, 1}, {NAN, 0, 1}, {40.5, 0, 0}};
    size_t len;
    char *text = write_text(p, &len);
    assert_non_null(strstr(text, "\nnumeric age 40.5 kept\n"));
    churn_error err;
    if (read_text(text, &q, &err) != CHURN_OK)
        fail_msg("read: %s", err.message);
    for (size_t i = 0; i < 3; i++) {
        churn__pipeline_transform(p, rows[i], out);
        churn__pipeline_transform(q, rows[i], back);
        for (size_t k = 0; k < 3; k++)
            assert_true(isnan(want[i][k]) ? isnan(out[k])
                                          : out[k] == want[i][k]);
        assert_memory_equal(out, back, sizeof out);
    }
    churn__pipeline_opts defaults = {.keep_missing = 0, .standardize = 1};
    assert_int_equal(churn__pipeline_fit_opts(ds, NULL, 0, NULL, &defaults,
                                              &std, NULL), CHURN_OK);
    assert_int_equal(churn__pipeline_fit(ds, NULL, 0, &dflt, NULL),
                     CHURN_OK);
    char *a = write_text(std, &len);
    size_t len2;
    char *b = write_text(dflt, &len2);
    assert_int_equal(len, len2);
    assert_memory_equal(a, b, len);
    assert_non_null(strstr(a, "\nnumeric age 40.5 some\n"));
    free(a);
    free(b);
    free(text);
    churn__pipeline_free(p);
    churn__pipeline_free(q);
    churn__pipeline_free(std);
    churn__pipeline_free(dflt);
    churn_dataset_free(ds);
}

/* A section written by hand: age (median 2, some missing) and plan. */
static const char good[] = "pipeline 2 4\n"
                           "numeric age 2 some\n"
                           "categorical plan 2\n"
                           "level basic\n"
                           "level pro\n"
                           "output age 2 1.5\n"
                           "output age_missing 0.25 0.5\n"
                           "output plan=basic 0.5 0.5\n"
                           "output plan=pro 0.5 0.5\n"
                           "end pipeline\n"
                           "next section\n";

static void test_read_hand_written_section(void **state)
{
    (void)state;
    churn__lines r = lines_over(good);
    churn__pipeline *p;
    churn_error err;
    assert_int_equal(churn__pipeline_read(&r, &p, &err), CHURN_OK);
    /* The reader stops after "end pipeline". */
    assert_int_equal(churn__lines_next(&r, "more", &err), CHURN_OK);
    assert_string_equal(r.cur, "next section");
    free(r.buf);
    /* age missing -> 2: (2 - 2) / 1.5 = 0, indicator (1 - 0.25) / 0.5 =
     * 1.5; plan pro: basic (0 - 0.5) / 0.5 = -1, pro 1. */
    const double raw1[] = {NAN, 1}, raw2[] = {5, 0};
    double out[4];
    churn__pipeline_transform(p, raw1, out);
    assert_true(out[0] == 0 && out[1] == 1.5 && out[2] == -1 && out[3] == 1);
    /* age 5: (5 - 2) / 1.5 = 2, indicator (0 - 0.25) / 0.5 = -0.5. */
    churn__pipeline_transform(p, raw2, out);
    assert_true(out[0] == 2 && out[1] == -0.5 && out[2] == 1 &&
                out[3] == -1);
    churn__pipeline_free(p);
}

/* good with the first occurrence of from replaced by to. */
static char *edited(const char *from, const char *to)
{
    const char *at = strstr(good, from);
    assert_non_null(at);
    size_t head = (size_t)(at - good), nf = strlen(from), nt = strlen(to);
    char *s = malloc(sizeof good + nt);
    assert_non_null(s);
    memcpy(s, good, head);
    memcpy(s + head, to, nt);
    memcpy(s + head + nt, at + nf, sizeof good - head - nf);
    return s;
}

static void test_read_errors_name_line_and_column(void **state)
{
    (void)state;
    static const struct {
        const char *from, *to;
        size_t line, column;
        const char *message;
    } cases[] = {
        {"pipeline 2 4", "pipeline 2 5", 1, 12,
         "m.model:1:12: 5 outputs declared, the inputs make 4"},
        {"pipeline 2 4", "pipeline 0 4", 1, 10,
         "m.model:1:10: a pipeline needs at least one input"},
        {"pipeline 2 4", "pipeline 99999999999 4", 1, 10,
         "m.model:1:10: count 99999999999 larger than the file"},
        {"pipeline 2 4", "pipeline 2 -4", 1, 12,
         "m.model:1:12: '-4' is not a count"},
        {"numeric age", "numerical age", 2, 1,
         "m.model:2:1: expected 'numeric' or 'categorical', found "
         "'numerical'"},
        {"age 2 some", "age 2 sometimes", 2, 15,
         "m.model:2:15: expected 'none', 'some', 'all' or 'kept', found "
         "'sometimes'"},
        {"age 2 some", "age 2", 2, 14, "m.model:2:14: expected a name"},
        {"age 2 some", "age 2 some x", 2, 20,
         "m.model:2:20: unexpected 'x' at end of line"},
        {"plan 2", "plan 3", 6, 1,
         "m.model:6:1: expected 'level', found 'output'"},
        {"level pro", "level basic", 5, 7,
         "m.model:5:7: duplicate level 'basic'"},
        {"age 2 1.5", "age 2 1.5x", 6, 14,
         "m.model:6:14: '1.5x' is not a number"},
        {"age 2 1.5", "age nan 1.5", 6, 12,
         "m.model:6:12: expected a finite number"},
        {"0.25 0.5", "0.25 0", 7, 25,
         "m.model:7:25: expected a finite number > 0"},
        {"plan=pro", "plan=max", 9, 8,
         "m.model:9:8: expected output 'plan=pro', found 'plan=max'"},
        {"end pipeline", "end pipeline x", 10, 14,
         "m.model:10:14: unexpected 'x' at end of line"},
        {"end pipeline\n", "", 10, 1,
         "m.model:10:1: expected 'end', found 'next'"},
        {"output plan=pro 0.5 0.5\nend pipeline\nnext section\n", "", 9, 0,
         "m.model:9: unexpected end of file (expected an output)"},
    };
    for (size_t t = 0; t < sizeof cases / sizeof cases[0]; t++) {
        char *text = edited(cases[t].from, cases[t].to);
        /* Not NULL before, so that assert_null checks the reader. */
        static char sentinel;
        churn__pipeline *p = (churn__pipeline *)(void *)&sentinel;
        churn_error err;
        assert_int_equal(read_text(text, &p, &err), CHURN_EFORMAT);
        assert_null(p);
        assert_string_equal(err.message, cases[t].message);
        assert_int_equal(err.line, cases[t].line);
        assert_int_equal(err.column, cases[t].column);
        free(text);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_write_read_is_bit_identical),
        cmocka_unit_test(test_raw_values_for_a_family),
        cmocka_unit_test(test_read_hand_written_section),
        cmocka_unit_test(test_read_errors_name_line_and_column),
    };
    return cmocka_run_group_tests_name("pipeline_io", tests, NULL, NULL);
}

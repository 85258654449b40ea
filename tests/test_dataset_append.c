/* test_dataset_append.c - churn_dataset_append: rows, ids, labels and
 * as-of times copied; categories matched by text; every kind of column
 * mismatch refused; shards read and joined equal the concatenated file. */
#include "testutil.h"
#include "tu_dataset.h"

#include "churn.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A hand-made dataset: columns fee (numeric), plan (categorical), label
 * "churned". */
static churn_dataset *make(void)
{
    static const char *const cols[] = {"fee", "@plan"};
    churn_dataset *ds = tu_dataset(2, cols);
    assert_int_equal(churn_dataset_set_label_name(ds, "churned", NULL),
                     CHURN_OK);
    return ds;
}

/* Adds a row (fee, plan text or NULL for missing, label). */
static void add(churn_dataset *ds, const char *id, double fee,
                const char *plan, double label)
{
    double v[2] = {fee, NAN};
    if (plan)
        assert_int_equal(churn_dataset_level_code(ds, 1, plan, &v[1], NULL),
                         CHURN_OK);
    assert_int_equal(churn_dataset_add_row(ds, id, v, label, NULL),
                     CHURN_OK);
}

static const char *plan_of(const churn_dataset *ds, size_t i)
{
    double code = churn_dataset_value(ds, i, 1);
    return isnan(code) ? NULL : churn_dataset_level(ds, 1, (size_t)code);
}

static void test_known_answer(void **state)
{
    (void)state;
    churn_dataset *a = make(), *b = make();
    add(a, "a1", 10, "basic", 0);
    add(a, "a2", 20, "pro", 1);
    /* b's codes: gold = 0, basic = 1, pro = 2; in a: basic 0, pro 1. */
    add(b, "b1", 30, "gold", 1);
    add(b, "b2", NAN, "basic", NAN);
    add(b, "b3", 50, NULL, 0);
    add(b, "b4", 60, "pro", 0);
    assert_int_equal(churn_dataset_set_as_of(b, 0, 86400, NULL), CHURN_OK);

    churn_error err;
    assert_int_equal(churn_dataset_append(a, b, &err), CHURN_OK);
    assert_int_equal(churn_dataset_n_rows(a), 6);
    /* a's levels keep their codes; gold, new, comes after them. */
    assert_int_equal(churn_dataset_n_levels(a, 1), 3);
    assert_string_equal(churn_dataset_level(a, 1, 0), "basic");
    assert_string_equal(churn_dataset_level(a, 1, 1), "pro");
    assert_string_equal(churn_dataset_level(a, 1, 2), "gold");
    static const double codes[] = {0, 1, 2, 0, NAN, 1};
    static const double fees[] = {10, 20, 30, NAN, 50, 60};
    static const double labels[] = {0, 1, 1, NAN, 0, 0};
    static const char *const ids[] = {"a1", "a2", "b1", "b2", "b3", "b4"};
    for (size_t i = 0; i < 6; i++) {
        assert_string_equal(churn_dataset_id(a, i), ids[i]);
        double v = churn_dataset_value(a, i, 1);
        assert_true(isnan(codes[i]) ? isnan(v) : v == codes[i]);
        v = churn_dataset_value(a, i, 0);
        assert_true(isnan(fees[i]) ? isnan(v) : v == fees[i]);
        v = churn_dataset_label(a, i);
        assert_true(isnan(labels[i]) ? isnan(v) : v == labels[i]);
    }
    assert_string_equal(plan_of(a, 2), "gold");
    assert_null(plan_of(a, 4));
    /* as_of: only b1 had one; a's own rows and the rest stay NaN. */
    assert_true(isnan(churn_dataset_as_of(a, 0)));
    assert_true(churn_dataset_as_of(a, 2) == 86400);
    assert_true(isnan(churn_dataset_as_of(a, 3)));
    /* from is unchanged. */
    assert_int_equal(churn_dataset_n_rows(b), 4);
    assert_string_equal(churn_dataset_level(b, 1, 0), "gold");
    churn_dataset_free(a);
    churn_dataset_free(b);
}

static void test_empty_sides(void **state)
{
    (void)state;
    churn_dataset *a = make(), *b = make();
    churn_error err;
    /* Nothing into nothing, then rows into an empty dataset. */
    assert_int_equal(churn_dataset_append(a, b, &err), CHURN_OK);
    assert_int_equal(churn_dataset_n_rows(a), 0);
    add(b, "b1", 1, "x", 1);
    assert_int_equal(churn_dataset_append(a, b, &err), CHURN_OK);
    assert_int_equal(churn_dataset_n_rows(a), 1);
    assert_string_equal(plan_of(a, 0), "x");
    /* An empty shard appended changes nothing. */
    churn_dataset *c = make();
    assert_int_equal(churn_dataset_append(a, c, &err), CHURN_OK);
    assert_int_equal(churn_dataset_n_rows(a), 1);
    assert_int_equal(churn_dataset_append(a, a, &err), CHURN_EINVAL);
    churn_dataset_free(a);
    churn_dataset_free(b);
    churn_dataset_free(c);
}

/* Appending b to a fails with CHURN_EFORMAT and a message holding want;
 * a keeps its rows. */
static void append_fails(churn_dataset *a, churn_dataset *b,
                         const char *want)
{
    size_t rows = churn_dataset_n_rows(a);
    churn_error err;
    assert_int_equal(churn_dataset_append(a, b, &err), CHURN_EFORMAT);
    assert_int_equal(err.code, CHURN_EFORMAT);
    if (!strstr(err.message, want))
        fail_msg("'%s' does not say '%s'", err.message, want);
    assert_int_equal(churn_dataset_n_rows(a), rows);
    churn_dataset_free(b);
}

static void test_mismatches(void **state)
{
    (void)state;
    churn_dataset *a = make();
    add(a, "a1", 1, "basic", 0);

    static const char *const renamed[] = {"fee", "@tier"};
    churn_dataset *b = tu_dataset(2, renamed);
    churn_dataset_set_label_name(b, "churned", NULL);
    append_fails(a, b, "column 2 is 'plan' here but 'tier'");

    static const char *const kinds[] = {"fee", "plan"};
    b = tu_dataset(2, kinds);
    churn_dataset_set_label_name(b, "churned", NULL);
    append_fails(a, b, "'plan' is categorical here but numeric");

    static const char *const swapped[] = {"@plan", "fee"};
    b = tu_dataset(2, swapped);
    churn_dataset_set_label_name(b, "churned", NULL);
    append_fails(a, b, "column 1 is 'fee' here but 'plan'");

    static const char *const wider[] = {"fee", "@plan", "age"};
    b = tu_dataset(3, wider);
    churn_dataset_set_label_name(b, "churned", NULL);
    append_fails(a, b, "2 columns here but 3 in the rows appended "
                       "(first extra: 'age')");

    static const char *const same[] = {"fee", "@plan"};
    b = tu_dataset(2, same); /* no label column */
    append_fails(a, b, "label column 'churned' here but not in the rows");

    b = tu_dataset(2, same);
    churn_dataset_set_label_name(b, "left", NULL);
    append_fails(a, b, "label column 'churned' here but 'left'");
    churn_dataset_free(a);
}

/* Reads path as a labelled CSV (label "churned"); fails the test on
 * error. */
static churn_dataset *read_labelled(const char *path)
{
    churn_csv_opts *o = churn_csv_opts_new();
    assert_non_null(o);
    assert_int_equal(churn_csv_opts_set_label_column(o, "churned"),
                     CHURN_OK);
    churn_dataset *ds = NULL;
    churn_error err;
    if (churn_dataset_read_csv(path, o, &ds, &err) != CHURN_OK)
        fail_msg("%s", err.message);
    churn_csv_opts_free(o);
    return ds;
}

/* Every name, kind, level, id, value, label and as-of equal (NaN = NaN). */
static void assert_same_dataset(const churn_dataset *x,
                                const churn_dataset *y)
{
    size_t d = churn_dataset_n_cols(x), n = churn_dataset_n_rows(x);
    assert_int_equal(churn_dataset_n_cols(y), d);
    assert_int_equal(churn_dataset_n_rows(y), n);
    for (size_t j = 0; j < d; j++) {
        assert_string_equal(churn_dataset_column_name(x, j),
                            churn_dataset_column_name(y, j));
        assert_int_equal(churn_dataset_column_kind(x, j),
                         churn_dataset_column_kind(y, j));
        assert_int_equal(churn_dataset_n_levels(x, j),
                         churn_dataset_n_levels(y, j));
        for (size_t k = 0; k < churn_dataset_n_levels(x, j); k++)
            assert_string_equal(churn_dataset_level(x, j, k),
                                churn_dataset_level(y, j, k));
    }
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(churn_dataset_id(x, i), churn_dataset_id(y, i));
        double a[3] = {churn_dataset_label(x, i), churn_dataset_as_of(x, i),
                       0};
        double b[3] = {churn_dataset_label(y, i), churn_dataset_as_of(y, i),
                       0};
        for (size_t k = 0; k < 2; k++)
            assert_true(isnan(a[k]) ? isnan(b[k]) : a[k] == b[k]);
        for (size_t j = 0; j < d; j++) {
            double u = churn_dataset_value(x, i, j);
            double v = churn_dataset_value(y, i, j);
            assert_true(isnan(u) ? isnan(v) : u == v);
        }
    }
}

/* Three shard files read one by one and joined are the file that
 * concatenates them: the same levels in the same order, so the same
 * codes too. */
static void test_round_trip_with_concatenation(void **state)
{
    (void)state;
    static const char header[] = "customer_id,as_of,fee,plan,region,churned\n";
    static const char *const bodies[] = {
        "c1,2024-01-01,10.5,basic,north,1\n"
        "c2,2024-01-01,,pro,south,0\n",
        "c3,2024-02-01,7,gold,,no\n"
        "c4,2024-02-01,3.25,basic,east,yes\n"
        "c5,2024-02-01,1e3,,north,\n",
        "c6,2024-03-01,0,pro,west,0\n"};
    char all[1024], one[512];
    size_t at = (size_t)snprintf(all, sizeof all, "%s", header);
    churn_dataset *joined = NULL;
    for (size_t s = 0; s < 3; s++) {
        at += (size_t)snprintf(all + at, sizeof all - at, "%s", bodies[s]);
        snprintf(one, sizeof one, "%s%s", header, bodies[s]);
        churn_dataset *part =
            read_labelled(tu_write_text(1, "shard.csv", one));
        if (!joined) {
            joined = part;
            continue;
        }
        churn_error err;
        if (churn_dataset_append(joined, part, &err) != CHURN_OK)
            fail_msg("%s", err.message);
        churn_dataset_free(part);
    }
    churn_dataset *whole = read_labelled(tu_write_text(2, "all.csv", all));
    assert_int_equal(churn_dataset_n_rows(whole), 6);
    assert_same_dataset(joined, whole);
    /* And the writer gives the same bytes for both. */
    char path_a[512], path_b[512];
    snprintf(path_a, sizeof path_a, "%s/joined_out.csv", tu_tmpdir());
    snprintf(path_b, sizeof path_b, "%s/whole_out.csv", tu_tmpdir());
    assert_int_equal(churn_dataset_write_csv(joined, path_a, "customer_id",
                                             NULL), CHURN_OK);
    assert_int_equal(churn_dataset_write_csv(whole, path_b, "customer_id",
                                             NULL), CHURN_OK);
    size_t la, lb;
    char *ta = tu_read_file(path_a, &la), *tb = tu_read_file(path_b, &lb);
    assert_non_null(ta);
    assert_non_null(tb);
    assert_int_equal(la, lb);
    assert_memory_equal(ta, tb, la);
    free(ta);
    free(tb);
    churn_dataset_free(joined);
    churn_dataset_free(whole);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_answer),
        cmocka_unit_test(test_empty_sides),
        cmocka_unit_test(test_mismatches),
        cmocka_unit_test(test_round_trip_with_concatenation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

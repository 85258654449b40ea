/* test_shards.c - one table from shards (features/shards.c):
 * churn_dataset_append_shard widens open shards by per-event-name counts
 * (zero where absent) and refuses other differences;
 * churn_datasets_reconcile gives every rank (threads as ranks) the same
 * columns, a rank without rows included. */
#include "testutil.h"
#include "thread_comm.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A labelled dataset with the columns names (numeric; "plan" is text)
 * and n rows: row i has value 10 * (j + 1) + i in column j. */
static churn_dataset *shard(const char *const *names, size_t d, size_t n,
                            const char *id_prefix)
{
    churn_dataset *ds = churn_dataset_new(d);
    assert_non_null(ds);
    assert_int_equal(churn_dataset_set_label_name(ds, "churned", NULL), 0);
    for (size_t j = 0; j < d; j++)
        assert_int_equal(churn_dataset_set_column(
                             ds, j, names[j],
                             strcmp(names[j], "plan") == 0 ? CHURN_CATEGORICAL
                                                           : CHURN_NUMERIC,
                             NULL), 0);
    for (size_t i = 0; i < n; i++) {
        double row[8];
        for (size_t j = 0; j < d; j++) {
            row[j] = 10.0 * (double)(j + 1) + (double)i;
            if (strcmp(names[j], "plan") == 0)
                assert_int_equal(churn_dataset_level_code(
                                     ds, j, i % 2 ? "pro" : "basic", &row[j],
                                     NULL), 0);
        }
        char id[32];
        snprintf(id, sizeof id, "%s%zu", id_prefix, i);
        assert_int_equal(churn_dataset_add_row(ds, id, row, (double)(i % 2),
                                               NULL), 0);
    }
    return ds;
}

static double value(const churn_dataset *ds, size_t i, const char *name)
{
    size_t j = churn_dataset_column_index(ds, name);
    assert_true(j != (size_t)-1);
    return churn_dataset_value(ds, i, j);
}

static void test_append_open_shard_widens_with_zeros(void **state)
{
    (void)state;
    static const char *const a[] = {"x", "events_login", "plan"};
    static const char *const b[] = {"plan", "events_call", "x"};
    churn_dataset *dst = shard(a, 3, 2, "a"), *src = shard(b, 3, 3, "b");
    churn_error err;
    assert_int_equal(churn_dataset_append_shard(&dst, src, 1, &err), 0);
    /* dst's columns, then the new count; src's rows by name. */
    assert_int_equal(churn_dataset_n_cols(dst), 4);
    assert_string_equal(churn_dataset_column_name(dst, 3), "events_call");
    assert_int_equal(churn_dataset_n_rows(dst), 5);
    assert_true(value(dst, 0, "events_call") == 0);  /* absent in a */
    assert_true(value(dst, 2, "events_login") == 0); /* absent in b */
    assert_true(value(dst, 2, "x") == 30);           /* b's column 3 */
    assert_true(value(dst, 3, "events_call") == 21); /* b's column 2 */
    size_t plan = churn_dataset_column_index(dst, "plan");
    assert_string_equal(churn_dataset_level(dst, plan,
                                            (size_t)value(dst, 3, "plan")),
                        "pro");
    assert_string_equal(churn_dataset_id(dst, 4), "b2");
    /* Closed: the same columns or nothing. */
    churn_dataset *c = shard(a, 3, 1, "c");
    assert_int_equal(churn_dataset_append_shard(&c, src, 0, &err),
                     CHURN_EFORMAT);
    /* Open, but a column other than a count is missing from one side. */
    static const char *const other[] = {"x", "tenure"};
    churn_dataset *o = shard(other, 2, 1, "o");
    assert_int_equal(churn_dataset_append_shard(&c, o, 1, &err),
                     CHURN_EFORMAT);
    assert_non_null(strstr(err.message, "a shard has no column"));
    churn_dataset_free(o);
    churn_dataset_free(c);
    churn_dataset_free(src);
    churn_dataset_free(dst);
}

typedef struct job {
    churn_dataset *ds;
    int open, rc;
    char message[sizeof ((churn_error *)0)->message];
} job;

static void reconcile_body(const churn_comm *comm, void *arg)
{
    job *j = arg;
    churn_error err;
    j->rc = churn_datasets_reconcile(comm, &j->ds, j->open, &err);
    if (j->rc)
        snprintf(j->message, sizeof j->message, "%s", err.message);
}

static void test_reconcile_across_ranks(void **state)
{
    (void)state;
    static const char *const a[] = {"x", "events_login"};
    static const char *const b[] = {"events_call", "x"};
    job jobs[3] = {{shard(a, 2, 2, "a"), 1, -1, ""},
                   {shard(b, 2, 1, "b"), 1, -1, ""},
                   {churn_dataset_new(0), 1, -1, ""}}; /* no rows */
    void *args[3] = {&jobs[0], &jobs[1], &jobs[2]};
    tc_run(3, reconcile_body, args);
    for (int r = 0; r < 3; r++) {
        assert_int_equal(jobs[r].rc, 0);
        /* Rank 0's columns, then rank 1's new one, on every rank. */
        assert_int_equal(churn_dataset_n_cols(jobs[r].ds), 3);
        assert_string_equal(churn_dataset_column_name(jobs[r].ds, 0), "x");
        assert_string_equal(churn_dataset_column_name(jobs[r].ds, 1),
                            "events_login");
        assert_string_equal(churn_dataset_column_name(jobs[r].ds, 2),
                            "events_call");
        assert_string_equal(churn_dataset_label_name(jobs[r].ds), "churned");
    }
    assert_int_equal(churn_dataset_n_rows(jobs[2].ds), 0);
    assert_true(value(jobs[1].ds, 0, "x") == 20);
    assert_true(value(jobs[1].ds, 0, "events_login") == 0);
    assert_true(value(jobs[0].ds, 1, "events_call") == 0);
    for (int r = 0; r < 3; r++)
        churn_dataset_free(jobs[r].ds);

    /* Closed: ranks 0 and 1 differ, and every rank says so. */
    job closed[2] = {{shard(a, 2, 1, "a"), 0, -1, ""},
                     {shard(b, 2, 1, "b"), 0, -1, ""}};
    void *cargs[2] = {&closed[0], &closed[1]};
    tc_run(2, reconcile_body, cargs);
    for (int r = 0; r < 2; r++) {
        assert_int_equal(closed[r].rc, CHURN_EFORMAT);
        assert_non_null(strstr(closed[r].message,
                               "the shards of ranks 0 and 1 differ"));
        churn_dataset_free(closed[r].ds);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_append_open_shard_widens_with_zeros),
        cmocka_unit_test(test_reconcile_across_ranks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

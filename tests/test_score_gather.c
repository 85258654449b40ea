/* test_score_gather.c - churn_scores_gather over ranks run as threads:
 * the merged ranking of the shards' scores equals churn_score_dataset on
 * the concatenated dataset (ids, bit-equal probabilities, tiers, reasons
 * and the bytes of the written file), at 1 to 4 ranks, with top_n, ties
 * across ranks and a rank without rows. */
#include "testutil.h"
#include "thread_comm.h"
#include "tu_dataset.h"
#include "logistic_rows.h"

#include "churn.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_ROWS 40
#define N_TWINS 10 /* rows 30..39 repeat rows 0..9: ties across shards */

static const char *const plans[] = {"basic", "pro", "gold", "family"};

/* The rows: two numbers, a plan, a label. */
typedef struct rows {
    double x1[N_ROWS], x2[N_ROWS], y[N_ROWS];
    const char *plan[N_ROWS];
} rows;

static void make_rows(rows *r)
{
    uint64_t state = 7;
    for (size_t i = 0; i < N_ROWS; i++) {
        size_t src = i >= N_ROWS - N_TWINS ? i - (N_ROWS - N_TWINS) : i;
        if (src != i) {
            r->x1[i] = r->x1[src];
            r->x2[i] = r->x2[src];
            r->plan[i] = r->plan[src];
        } else {
            r->x1[i] = 4 * lr_uniform(&state) - 2;
            r->x2[i] = i % 7 == 3 ? NAN : lr_uniform(&state);
            r->plan[i] = plans[(size_t)(4 * lr_uniform(&state))];
        }
        /* x1 drives churn, so probabilities span the tiers. */
        r->y[i] = lr_uniform(&state) < 1 / (1 + exp(-2 * r->x1[i]));
    }
}

/* Rows [lo, hi) as a dataset of their own: its plan codes are its own,
 * in order of first appearance, as a shard file read alone would have. */
static churn_dataset *shard(const rows *r, size_t lo, size_t hi)
{
    static const char *const cols[] = {"x1", "x2", "@plan"};
    churn_dataset *ds = tu_dataset(3, cols);
    assert_int_equal(churn_dataset_set_label_name(ds, "churned", NULL),
                     CHURN_OK);
    for (size_t i = lo; i < hi; i++) {
        double v[3] = {r->x1[i], r->x2[i], 0};
        char id[16];
        snprintf(id, sizeof id, "c%02zu", i);
        assert_int_equal(churn_dataset_level_code(ds, 2, r->plan[i], &v[2],
                                                  NULL), CHURN_OK);
        assert_int_equal(churn_dataset_add_row(ds, id, v, r->y[i], NULL),
                         CHURN_OK);
    }
    return ds;
}

static churn_model *train(const churn_dataset *ds)
{
    churn_train_opts *o = churn_train_opts_new();
    assert_non_null(o);
    assert_int_equal(churn_train_opts_set_validation(o, 0), CHURN_OK);
    churn_model *m = NULL;
    churn_error err;
    if (churn_train(ds, o, &m, &err) != CHURN_OK)
        fail_msg("%s", err.message);
    churn_train_opts_free(o);
    return m;
}

static churn_scores *score(const churn_model *m, const churn_dataset *ds)
{
    churn_score_opts *o = churn_score_opts_new();
    assert_non_null(o);
    churn_scores *s = NULL;
    churn_error err;
    if (churn_score_dataset(m, ds, o, &s, &err) != CHURN_OK)
        fail_msg("%s", err.message);
    churn_score_opts_free(o);
    return s;
}

/* What one rank does: score its shard (none when empty), gather. */
typedef struct rank_job {
    const churn_model *m;
    churn_dataset *ds;
    size_t top_n;
    int rc;
    churn_scores *merged;
} rank_job;

static void rank_body(const churn_comm *comm, void *arg)
{
    rank_job *j = arg;
    churn_scores *local = NULL;
    if (churn_dataset_n_rows(j->ds) > 0)
        local = score(j->m, j->ds);
    churn_error err;
    j->rc = churn_scores_gather(local, comm, j->top_n, &j->merged, &err);
    churn_scores_free(local);
}

/* The file churn_scores_write_csv writes for s, as bytes. */
static char *written(const churn_scores *s, size_t top_n, const char *name,
                     size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tu_tmpdir(), name);
    assert_int_equal(churn_scores_write_csv(s, path, top_n, NULL), CHURN_OK);
    char *text = tu_read_file(path, len);
    assert_non_null(text);
    return text;
}

/* want = the whole ranking's first top_n rows; got = a merged one. */
static void assert_same_ranking(const churn_scores *want,
                                const churn_scores *got, size_t top_n)
{
    size_t n = churn_scores_n(want);
    if (top_n && top_n < n)
        n = top_n;
    assert_int_equal(churn_scores_n(got), n);
    for (size_t r = 0; r < n; r++) {
        assert_string_equal(churn_scores_id(got, r), churn_scores_id(want, r));
        double a = churn_scores_probability(want, r);
        double b = churn_scores_probability(got, r);
        assert_memory_equal(&a, &b, sizeof a);
        assert_string_equal(churn_scores_tier(got, r),
                            churn_scores_tier(want, r));
        assert_string_equal(churn_scores_reasons(got, r),
                            churn_scores_reasons(want, r));
        assert_true(churn_scores_row(got, r) == (size_t)-1);
    }
    size_t la, lb;
    char *a = written(want, top_n, "want.csv", &la);
    char *b = written(got, 0, "got.csv", &lb);
    assert_int_equal(la, lb);
    assert_memory_equal(a, b, la);
    free(a);
    free(b);
}

/* Splits the rows at cuts (n_ranks + 1 increasing offsets, 0 first,
 * N_ROWS last), gathers on n_ranks threads and compares with scoring
 * all rows at once. */
static void check_split(const size_t *cuts, int n_ranks, size_t top_n)
{
    rows r;
    make_rows(&r);
    churn_dataset *all = shard(&r, 0, N_ROWS);
    churn_model *m = train(all);
    churn_scores *want = score(m, all);
    rank_job jobs[8];
    void *args[8];
    for (int k = 0; k < n_ranks; k++) {
        jobs[k] = (rank_job){m, shard(&r, cuts[k], cuts[k + 1]), top_n, -1,
                             NULL};
        args[k] = &jobs[k];
    }
    tc_run(n_ranks, rank_body, args);
    for (int k = 0; k < n_ranks; k++) {
        assert_int_equal(jobs[k].rc, CHURN_OK);
        if (k > 0)
            assert_null(jobs[k].merged);
    }
    assert_non_null(jobs[0].merged);
    assert_same_ranking(want, jobs[0].merged, top_n);
    for (int k = 0; k < n_ranks; k++) {
        churn_scores_free(jobs[k].merged);
        churn_dataset_free(jobs[k].ds);
    }
    churn_scores_free(want);
    churn_model_free(m);
    churn_dataset_free(all);
}

/* The fixture itself: twins tie in probability and the ranking has
 * every tier, or the tests below would prove less. */
static void test_fixture_has_ties_and_tiers(void **state)
{
    (void)state;
    rows r;
    make_rows(&r);
    churn_dataset *all = shard(&r, 0, N_ROWS);
    churn_model *m = train(all);
    churn_scores *s = score(m, all);
    size_t ties = 0, tiers[3] = {0, 0, 0};
    for (size_t k = 0; k + 1 < churn_scores_n(s); k++)
        ties += churn_scores_probability(s, k) ==
                churn_scores_probability(s, k + 1);
    for (size_t k = 0; k < churn_scores_n(s); k++) {
        const char *t = churn_scores_tier(s, k);
        tiers[strcmp(t, "high") == 0 ? 0 : strcmp(t, "medium") == 0 ? 1 : 2]++;
    }
    assert_true(ties >= N_TWINS);
    assert_true(tiers[0] > 0 && tiers[1] > 0 && tiers[2] > 0);
    /* A twin of rank 0's shard comes before its copy from rank 3's. */
    for (size_t k = 0; k + 1 < churn_scores_n(s); k++)
        if (churn_scores_probability(s, k) ==
            churn_scores_probability(s, k + 1))
            assert_true(strcmp(churn_scores_id(s, k),
                               churn_scores_id(s, k + 1)) < 0);
    churn_scores_free(s);
    churn_model_free(m);
    churn_dataset_free(all);
}

static void test_one_rank(void **state)
{
    (void)state;
    static const size_t cuts[] = {0, N_ROWS};
    check_split(cuts, 1, 0);
    check_split(cuts, 1, 5);
}

static void test_two_ranks(void **state)
{
    (void)state;
    static const size_t cuts[] = {0, 25, N_ROWS};
    check_split(cuts, 2, 0);
    check_split(cuts, 2, 12);
}

static void test_three_ranks(void **state)
{
    (void)state;
    static const size_t cuts[] = {0, 13, 26, N_ROWS};
    check_split(cuts, 3, 0);
    check_split(cuts, 3, 1);
}

static void test_four_ranks_ties_across(void **state)
{
    (void)state;
    /* Rank 0 holds rows 0..9, rank 3 their twins 30..39. */
    static const size_t cuts[] = {0, 10, 20, 30, N_ROWS};
    check_split(cuts, 4, 0);
    check_split(cuts, 4, 17);
    /* top_n above the rows: all of them. */
    check_split(cuts, 4, 1000);
}

static void test_empty_shard(void **state)
{
    (void)state;
    static const size_t middle[] = {0, 20, 20, N_ROWS};
    check_split(middle, 3, 0);
    static const size_t first[] = {0, 0, 15, 30, N_ROWS};
    check_split(first, 4, 9);
    static const size_t last[] = {0, 40, 40};
    check_split(last, 2, 0);
}

/* No comm: the ranking of this process, copied. */
static void test_no_comm(void **state)
{
    (void)state;
    rows r;
    make_rows(&r);
    churn_dataset *all = shard(&r, 0, N_ROWS);
    churn_model *m = train(all);
    churn_scores *s = score(m, all), *merged = NULL;
    churn_error err;
    assert_int_equal(churn_scores_gather(s, NULL, 6, &merged, &err),
                     CHURN_OK);
    assert_same_ranking(s, merged, 6);
    churn_scores_free(merged);
    /* No rows at all: an empty ranking, written as a header. */
    assert_int_equal(churn_scores_gather(NULL, NULL, 0, &merged, &err),
                     CHURN_OK);
    assert_int_equal(churn_scores_n(merged), 0);
    churn_scores_free(merged);
    assert_int_equal(churn_scores_gather(s, NULL, 0, NULL, &err),
                     CHURN_EINVAL);
    churn_scores_free(s);
    churn_model_free(m);
    churn_dataset_free(all);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixture_has_ties_and_tiers),
        cmocka_unit_test(test_one_rank),
        cmocka_unit_test(test_two_ranks),
        cmocka_unit_test(test_three_ranks),
        cmocka_unit_test(test_four_ranks_ties_across),
        cmocka_unit_test(test_empty_shard),
        cmocka_unit_test(test_no_comm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

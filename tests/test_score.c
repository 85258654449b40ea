/* test_score.c - ranking only the top rows: the same ranks, probabilities,
 * tiers and reasons as the full ranking, ties included, whatever the
 * number of threads; and the counts over all rows scored. */
#include "churn.h"
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* n rows where many tie: tickets takes 4 values, plan 2, and tenure is
 * missing in every 5th row (missing rows with the same tickets and plan
 * score alike). Deterministic (an LCG). */
static churn_dataset *make_data(size_t n)
{
    churn_dataset *ds = churn_dataset_new(3);
    assert_non_null(ds);
    assert_int_equal(churn_dataset_set_column(ds, 0, "tickets", CHURN_NUMERIC,
                                              NULL), CHURN_OK);
    assert_int_equal(churn_dataset_set_column(ds, 1, "tenure_days",
                                              CHURN_NUMERIC, NULL), CHURN_OK);
    assert_int_equal(churn_dataset_set_column(ds, 2, "plan",
                                              CHURN_CATEGORICAL, NULL),
                     CHURN_OK);
    assert_int_equal(churn_dataset_set_label_name(ds, "churned", NULL),
                     CHURN_OK);
    static const char *plans[] = {"basic", "pro"};
    uint64_t state = 777;
    for (size_t i = 0; i < n; i++) {
        double u[3];
        for (int k = 0; k < 3; k++) {
            state = state * 6364136223846793005ull + 1442695040888963407ull;
            u[k] = (double)(state >> 11) / 9007199254740992.0;
        }
        double row[3];
        row[0] = floor(u[0] * 4);
        row[1] = i % 5 == 2 ? NAN : 30 + u[1] * 700;
        assert_int_equal(churn_dataset_level_code(ds, 2, plans[i % 2],
                                                  &row[2], NULL), CHURN_OK);
        double tenure = isnan(row[1]) ? 365 : row[1];
        double logit = -0.5 + 0.9 * row[0] - 0.004 * tenure;
        double y = u[2] < 1.0 / (1.0 + exp(-logit)) ? 1 : 0;
        char id[32];
        snprintf(id, sizeof id, "c%zu", i);
        assert_int_equal(churn_dataset_add_row(ds, id, row, y, NULL),
                         CHURN_OK);
    }
    return ds;
}

static churn_scores *score(const churn_model *m, const churn_dataset *ds,
                           size_t top, size_t threads, size_t reasons)
{
    churn_score_opts *o = churn_score_opts_new();
    assert_non_null(o);
    assert_int_equal(churn_score_opts_set_top(o, top), CHURN_OK);
    assert_int_equal(churn_score_opts_set_threads(o, threads), CHURN_OK);
    assert_int_equal(churn_score_opts_set_reasons(o, reasons), CHURN_OK);
    churn_scores *s = NULL;
    churn_error err;
    if (churn_score_dataset(m, ds, o, &s, &err) != CHURN_OK)
        fail_msg("score: %s", err.message);
    churn_score_opts_free(o);
    return s;
}

/* The first ranks of part are those of full, byte for byte. */
static void assert_prefix(const churn_scores *full, const churn_scores *part,
                          size_t top)
{
    size_t n = churn_scores_n(full);
    assert_int_equal(churn_scores_n(part), top && top < n ? top : n);
    assert_int_equal(churn_scores_n_scored(part), n);
    assert_int_equal(churn_scores_n_high(part), churn_scores_n_high(full));
    for (size_t r = 0; r < churn_scores_n(part); r++) {
        double a = churn_scores_probability(full, r);
        double b = churn_scores_probability(part, r);
        assert_memory_equal(&a, &b, sizeof a);
        assert_int_equal(churn_scores_row(full, r), churn_scores_row(part, r));
        assert_string_equal(churn_scores_id(full, r), churn_scores_id(part, r));
        assert_string_equal(churn_scores_tier(full, r),
                            churn_scores_tier(part, r));
        assert_string_equal(churn_scores_reasons(full, r),
                            churn_scores_reasons(part, r));
    }
}

static void test_top_is_the_prefix_of_the_full_ranking(void **state)
{
    (void)state;
    const size_t n = 9000; /* above the size that is split in threads */
    churn_dataset *ds = make_data(n);
    churn_train_opts *to = churn_train_opts_new();
    assert_int_equal(churn_train_opts_set_validation(to, 0), CHURN_OK);
    churn_model *m = NULL;
    assert_int_equal(churn_train(ds, to, &m, NULL), CHURN_OK);
    churn_scores *full = score(m, ds, 0, 2, 3);
    /* The data must hold ties for the tie rule to be tested; equal
     * probabilities keep input order. */
    size_t ties = 0;
    for (size_t r = 1; r < n; r++) {
        double a = churn_scores_probability(full, r - 1);
        double b = churn_scores_probability(full, r);
        if (a == b) {
            ties++;
            assert_true(churn_scores_row(full, r - 1) <
                        churn_scores_row(full, r));
        }
    }
    assert_true(ties > 100);
    size_t high = 0;
    for (size_t r = 0; r < n; r++)
        high += strcmp(churn_scores_tier(full, r), "high") == 0;
    assert_int_equal(churn_scores_n_high(full), high);
    assert_int_equal(churn_scores_n_scored(full), n);
    static const size_t tops[] = {1, 2, 7, 100, 4999, 8999, 9000, 20000};
    for (size_t k = 0; k < sizeof tops / sizeof *tops; k++)
        for (size_t threads = 1; threads <= 2; threads++) {
            churn_scores *part = score(m, ds, tops[k], threads, 3);
            assert_prefix(full, part, tops[k]);
            churn_scores_free(part);
        }
    /* Without reasons, every rank has an empty text. */
    churn_scores *bare = score(m, ds, 50, 2, 0);
    for (size_t r = 0; r < churn_scores_n(bare); r++)
        assert_string_equal(churn_scores_reasons(bare, r), "");
    churn_scores_free(bare);
    churn_scores_free(full);
    churn_model_free(m);
    churn_train_opts_free(to);
    churn_dataset_free(ds);
}

/* A file streams (here with a categorical column: read block by block,
 * each block scored from the calling thread): the top rows alone, or every row's ranking
 * without the values, and a dataset of its columns without rows; a file
 * with quoted fields comes back whole for churn_score_dataset. All rank
 * alike. */
static void test_score_csv_streams_or_hands_back_the_file(void **state)
{
    (void)state;
    const size_t n = 9000; /* a block of 9000 rows: explained in threads */
    churn_dataset *ds = make_data(n);
    churn_train_opts *to = churn_train_opts_new();
    assert_int_equal(churn_train_opts_set_validation(to, 0), CHURN_OK);
    churn_model *m = NULL;
    assert_int_equal(churn_train(ds, to, &m, NULL), CHURN_OK);
    /* Numbers only: plan as 0/1 would change the model, so drop it by
     * writing the two numeric columns and plan as a declared category. */
    char *text = malloc(n * 64 + 64), *quoted = malloc(n * 64 + 64);
    size_t at = 0, qat = 0;
    at += (size_t)snprintf(text, 64, "id,tickets,tenure_days,plan\n");
    qat += (size_t)snprintf(quoted, 64, "id,tickets,tenure_days,plan\n");
    for (size_t i = 0; i < n; i++) {
        double t = churn_dataset_value(ds, i, 1);
        const char *plan = churn_dataset_level(
            ds, 2, (size_t)churn_dataset_value(ds, i, 2));
        char tenure[40] = "";
        if (t == t)
            snprintf(tenure, sizeof tenure, "%.17g", t);
        at += (size_t)snprintf(text + at, 64, "c%zu,%g,%s,%s\n", i,
                               churn_dataset_value(ds, i, 0), tenure, plan);
        qat += (size_t)snprintf(quoted + qat, 64, "\"c%zu\",%g,%s,%s\n", i,
                                churn_dataset_value(ds, i, 0), tenure, plan);
    }
    const char *plain = tu_write_text(0, "plain.csv", text);
    const char *q = tu_write_text(1, "quoted.csv", quoted);
    churn_csv_opts *co = churn_csv_opts_new();
    assert_int_equal(churn_csv_opts_add_categorical(co, "plan"), CHURN_OK);
    churn_score_opts *o = churn_score_opts_new();
    assert_int_equal(churn_score_opts_set_top(o, 25), CHURN_OK);
    churn_dataset *cols = NULL, *whole = NULL;
    churn_scores *streamed = NULL, *none = NULL, *ref = NULL;
    assert_int_equal(churn_score_csv(m, plain, co, o, &cols, &streamed, NULL),
                     CHURN_OK);
    assert_non_null(streamed);
    assert_int_equal(churn_dataset_n_rows(cols), 0);
    assert_int_equal(churn_dataset_n_cols(cols), 3);
    assert_int_equal(churn_score_csv(m, q, co, o, &whole, &none, NULL),
                     CHURN_OK);
    assert_null(none);
    assert_int_equal(churn_dataset_n_rows(whole), n);
    assert_int_equal(churn_score_opts_set_top(o, 0), CHURN_OK);
    assert_int_equal(churn_score_dataset(m, whole, o, &ref, NULL), CHURN_OK);
    assert_prefix(ref, streamed, 25);
    churn_dataset_free(whole);
    /* Without a top, every row, streamed as well (the block's reasons
     * in 3 threads). */
    churn_scores *all = NULL;
    churn_dataset_free(cols);
    assert_int_equal(churn_score_opts_set_threads(o, 3), CHURN_OK);
    assert_int_equal(churn_score_csv(m, plain, co, o, &cols, &all, NULL),
                     CHURN_OK);
    assert_non_null(all);
    assert_int_equal(churn_dataset_n_rows(cols), 0);
    assert_prefix(ref, all, 0);
    churn_scores_free(all);
    churn_dataset_free(cols);
    churn_scores_free(streamed);
    churn_scores_free(ref);
    churn_score_opts_free(o);
    churn_csv_opts_free(co);
    free(text);
    free(quoted);
    churn_model_free(m);
    churn_train_opts_free(to);
    churn_dataset_free(ds);
}

/* A file of numbers cut into parts that their threads read, parse and
 * score piece by piece: the same top rows, and the same full ranking, in
 * the same order, as the whole file ranked at once, for any number of
 * threads; ties broken by file row across pieces and parts; blank lines
 * and CRLF not counted as rows (no id column: the ids are the row
 * numbers, counted across the parts). */
static void test_streamed_chunks_rank_as_the_whole_file(void **state)
{
    (void)state;
    churn_dataset *mixed = make_data(2000);
    churn_dataset *ds = churn_dataset_new(2);
    assert_int_equal(churn_dataset_set_column(ds, 0, "tickets", CHURN_NUMERIC,
                                              NULL), CHURN_OK);
    assert_int_equal(churn_dataset_set_column(ds, 1, "tenure_days",
                                              CHURN_NUMERIC, NULL), CHURN_OK);
    assert_int_equal(churn_dataset_set_label_name(ds, "churned", NULL),
                     CHURN_OK);
    for (size_t i = 0; i < 2000; i++) {
        double row[2] = {churn_dataset_value(mixed, i, 0),
                         churn_dataset_value(mixed, i, 1)};
        assert_int_equal(churn_dataset_add_row(ds, NULL, row,
                                               churn_dataset_label(mixed, i),
                                               NULL), CHURN_OK);
    }
    churn_train_opts *to = churn_train_opts_new();
    assert_int_equal(churn_train_opts_set_validation(to, 0), CHURN_OK);
    churn_model *m = NULL;
    assert_int_equal(churn_train(ds, to, &m, NULL), CHURN_OK);
    /* 400,000 rows, about 7 MB: up to 3 parts of many pieces each. The
     * tenures repeat every 2000 rows, so nearly every row has ties. */
    const size_t n = 400000;
    char *text = malloc(n * 40 + 64);
    assert_non_null(text);
    size_t at = (size_t)sprintf(text, "tickets,tenure_days\n");
    for (size_t i = 0; i < n; i++) {
        double t = churn_dataset_value(ds, i % 2000, 1);
        char tenure[40] = "NA";
        if (t == t)
            snprintf(tenure, sizeof tenure, "%.6f", t);
        at += (size_t)sprintf(text + at, "%g,%s%s\n",
                              churn_dataset_value(ds, i % 2000, 0), tenure,
                              i % 7 == 0 ? "\r" : "");
        if (i % 1009 == 0)
            at += (size_t)sprintf(text + at, "\n");
    }
    const char *path = tu_write_text(0, "chunks.csv", text);
    churn_csv_opts *co = churn_csv_opts_new();
    churn_dataset *whole = NULL;
    assert_int_equal(churn_dataset_read_csv(path, co, &whole, NULL),
                     CHURN_OK);
    assert_int_equal(churn_dataset_n_rows(whole), n);
    churn_scores *full = score(m, whole, 0, 2, 3);
    for (size_t threads = 1; threads <= 3; threads++) {
        assert_int_equal(churn_csv_opts_set_threads(co, threads), CHURN_OK);
        churn_score_opts *o = churn_score_opts_new();
        assert_int_equal(churn_score_opts_set_top(o, 3000), CHURN_OK);
        assert_int_equal(churn_score_opts_set_threads(o, threads), CHURN_OK);
        churn_dataset *cols = NULL;
        churn_scores *part = NULL;
        assert_int_equal(churn_score_csv(m, path, co, o, &cols, &part, NULL),
                         CHURN_OK);
        assert_non_null(part); /* streamed, not handed back whole */
        assert_int_equal(churn_dataset_n_rows(cols), 0);
        assert_prefix(full, part, 3000);
        churn_scores_free(part);
        churn_dataset_free(cols);
        assert_int_equal(churn_score_opts_set_top(o, 0), CHURN_OK);
        assert_int_equal(churn_score_csv(m, path, co, o, &cols, &part, NULL),
                         CHURN_OK);
        assert_non_null(part);
        assert_prefix(full, part, 0);
        churn_scores_free(part);
        churn_dataset_free(cols);
        churn_score_opts_free(o);
    }
    churn_scores_free(full);
    churn_dataset_free(whole);
    churn_csv_opts_free(co);
    free(text);
    churn_model_free(m);
    churn_train_opts_free(to);
    churn_dataset_free(ds);
    churn_dataset_free(mixed);
}

static void test_top_option_errors(void **state)
{
    (void)state;
    assert_int_equal(churn_score_opts_set_top(NULL, 3), CHURN_EINVAL);
    churn_dataset *ds = NULL;
    churn_scores *s = NULL;
    assert_int_equal(churn_score_csv(NULL, "x.csv", NULL, NULL, &ds, &s,
                                     NULL), CHURN_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_top_is_the_prefix_of_the_full_ranking),
        cmocka_unit_test(test_score_csv_streams_or_hands_back_the_file),
        cmocka_unit_test(test_streamed_chunks_rank_as_the_whole_file),
        cmocka_unit_test(test_top_option_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

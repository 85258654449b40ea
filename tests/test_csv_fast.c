/* test_csv_fast.c - the tabular reader's one-pass parallel path must give
 * the two-pass reader's dataset bit for bit, whatever the number of
 * threads and wherever chunk and block edges fall, and leave every error
 * to the two passes. The reference is the same text with one id quoted,
 * which only the two passes read. */
#include "testutil.h"

#include "ml/internal.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A growing text. */
typedef struct text {
    char *s;
    size_t len, cap;
} text;

static void add(text *t, const char *s)
{
    size_t n = strlen(s);
    if (t->len + n + 1 > t->cap) {
        t->cap = (t->len + n + 1) * 2;
        t->s = realloc(t->s, t->cap);
        assert_non_null(t->s);
    }
    memcpy(t->s + t->len, s, n + 1);
    t->len += n;
}

static uint64_t next_random(uint64_t *seed)
{
    *seed = *seed * 6364136223846793005ull + 1442695040888963407ull;
    return *seed >> 17;
}

/* n_rows rows: id, as_of, numbers in many spellings (long decimals,
 * exponents, integers, signs, spaces around, missing markers), a
 * category, a column that turns categorical at row text_row, a yes/no
 * label; CRLF and blank lines here and there. first_id_quoted makes the
 * reference. */
static char *make_file(size_t n_rows, size_t text_row, int first_id_quoted,
                       size_t *len)
{
    text t = {0};
    add(&t, "customer_id,as_of,a,b,c,plan,late,churned\r\n");
    uint64_t seed = 42;
    const char *plans[] = {"basic", "gold", "NA", "pro plus", ""};
    const char *miss[] = {"", "NA", "null", " nan ", "N/A"};
    for (size_t i = 0; i < n_rows; i++) {
        char line[512], a[64], b[64], c[64], late[32];
        uint64_t r = next_random(&seed);
        double x = (double)(r % 1000000007) / 7919.0 - 50;
        switch (r % 7) {
        case 0: snprintf(a, sizeof a, "%.17g", x); break;
        case 1: snprintf(a, sizeof a, "%.3e", x); break;
        case 2: snprintf(a, sizeof a, "%s", miss[r % 5]); break;
        case 3: snprintf(a, sizeof a, " %.2f ", x); break;
        case 4: snprintf(a, sizeof a, "%+.0f", x); break;
        case 5: snprintf(a, sizeof a, "0.%019llu", (unsigned long long)r); break;
        default: snprintf(a, sizeof a, "%.15g", x * 1e-7); break;
        }
        snprintf(b, sizeof b, "%llu", (unsigned long long)(r % 100));
        snprintf(c, sizeof c, "%.17g", 1.0 / (double)(i + 1));
        /* Texts from text_row on; before it a number every 50th row,
         * so that the column is mostly texts (categorical), not a
         * numeric column with bad cells (an error). */
        if (i >= text_row)
            snprintf(late, sizeof late, "x%zu", i);
        else if (i % 50 == 0)
            snprintf(late, sizeof late, "%zu", i % 13);
        else
            late[0] = '\0';
        snprintf(line, sizeof line, "%sC%06zu%s,2024-%02zu-01,%s,%s,%s,%s,%s,%s%s",
                 first_id_quoted && i == 0 ? "\"" : "", i,
                 first_id_quoted && i == 0 ? "\"" : "", i % 12 + 1, a, b, c,
                 plans[(r >> 8) % 5], late, (r >> 12) % 3 ? "no" : "Yes",
                 i % 5 ? "\n" : "\r\n");
        add(&t, line);
        if (i % 1000 == 999)
            add(&t, i % 2000 == 999 ? "\n" : "\r\n"); /* blank lines */
    }
    *len = t.len;
    return t.s;
}

static churn_dataset *read_with(const char *path, size_t threads)
{
    churn_csv_opts *o = churn_csv_opts_new();
    assert_non_null(o);
    assert_int_equal(churn_csv_opts_set_label_column(o, "churned"), CHURN_OK);
    assert_int_equal(churn_csv_opts_set_threads(o, threads), CHURN_OK);
    churn_dataset *ds = NULL;
    churn_error err;
    int rc = churn_dataset_read_csv(path, o, &ds, &err);
    if (rc != CHURN_OK)
        fail_msg("%s", err.message);
    churn_csv_opts_free(o);
    return ds;
}

static int same_double(double a, double b)
{
    return (isnan(a) && isnan(b)) || memcmp(&a, &b, sizeof a) == 0;
}

static void assert_same(const churn_dataset *a, const churn_dataset *b)
{
    size_t n = churn_dataset_n_rows(a), d = churn_dataset_n_cols(a);
    assert_int_equal(n, churn_dataset_n_rows(b));
    assert_int_equal(d, churn_dataset_n_cols(b));
    for (size_t j = 0; j < d; j++) {
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
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(churn_dataset_id(a, i), churn_dataset_id(b, i));
        if (!same_double(churn_dataset_label(a, i), churn_dataset_label(b, i)) ||
            !same_double(churn_dataset_as_of(a, i), churn_dataset_as_of(b, i)))
            fail_msg("row %zu: label or as_of differs", i);
        for (size_t j = 0; j < d; j++)
            if (!same_double(churn_dataset_value(a, i, j),
                             churn_dataset_value(b, i, j)))
                fail_msg("row %zu column %zu: %.17g vs %.17g", i, j,
                         churn_dataset_value(a, i, j),
                         churn_dataset_value(b, i, j));
    }
}

/* Reads n_rows rows with 1, 2, 3 and 7 threads and by the two passes. */
static void check_rows(size_t n_rows, size_t text_row)
{
    size_t len;
    char *plain = make_file(n_rows, text_row, 0, &len);
    const char *path = tu_write_file(0, "plain.csv", plain, len);
    free(plain);
    char *quoted = make_file(n_rows, text_row, 1, &len);
    const char *ref_path = tu_write_file(1, "quoted.csv", quoted, len);
    free(quoted);
    churn_dataset *ref = read_with(ref_path, 1);
    const size_t threads[] = {1, 2, 3, 7};
    for (size_t t = 0; t < 4; t++) {
        churn_dataset *ds = read_with(path, threads[t]);
        assert_same(ds, ref);
        churn_dataset_free(ds);
    }
    assert_int_equal(churn_dataset_column_kind(ref, 4),
                     text_row < n_rows ? CHURN_CATEGORICAL : CHURN_NUMERIC);
    assert_int_equal(churn_dataset_column_kind(ref, 1), CHURN_NUMERIC);
    churn_dataset_free(ref);
}

static void test_small_file(void **state)
{
    (void)state;
    check_rows(50, 7);
    check_rows(1, 5); /* "late" stays numeric */
}

/* About 25 MB: several 8 MB blocks, each cut into chunks of at least
 * 1 MB; the late text appears in the last block, so the read starts over
 * after most of the file. */
static void test_chunk_and_block_edges(void **state)
{
    (void)state;
    check_rows(260000, 250000);
}

/* Errors are the two passes' own, with file, line and column. */
static void test_errors_come_from_the_two_passes(void **state)
{
    (void)state;
    text t = {0};
    add(&t, "customer_id,a,churned\n");
    char line[64];
    for (int i = 0; i < 30000; i++) {
        snprintf(line, sizeof line, "C%d,%d.5,%s\n", i, i,
                 i == 25000 ? "1,9" : "0");
        add(&t, line);
    }
    const char *path = tu_write_file(0, "bad.csv", t.s, t.len);
    churn_csv_opts *o = churn_csv_opts_new();
    churn_csv_opts_set_label_column(o, "churned");
    churn_csv_opts_set_threads(o, 2);
    churn_dataset *ds = NULL;
    churn_error err;
    assert_int_equal(churn_dataset_read_csv(path, o, &ds, &err),
                     CHURN_EFORMAT);
    assert_null(ds);
    assert_int_equal(err.line, 25002);
    assert_int_equal(err.column, 18);
    assert_non_null(strstr(err.message, "expected 3 fields, found 4"));
    /* A bad label, far in. */
    t.len = 0;
    add(&t, "customer_id,a,churned\n");
    for (int i = 0; i < 30000; i++) {
        snprintf(line, sizeof line, "C%d,%d,%s\n", i, i,
                 i == 29000 ? "maybe" : "1");
        add(&t, line);
    }
    path = tu_write_file(0, "bad.csv", t.s, t.len);
    assert_int_equal(churn_dataset_read_csv(path, o, &ds, &err),
                     CHURN_EPARSE);
    assert_int_equal(err.line, 29002);
    assert_non_null(strstr(err.message, "label 'maybe'"));
    assert_int_equal(churn_csv_opts_set_threads(o, 257), CHURN_EINVAL);
    churn_csv_opts_free(o);
    free(t.s);
}

/* The whole-file read sizes its dataset once from the first block
 * (churn_dataset_reserve): rows kept bit for bit across the move to the
 * new room, rows added after it land in it, and a size beyond any
 * memory (or below the rows already there) changes nothing. */
static void test_presize_keeps_rows(void **state)
{
    (void)state;
    const size_t d = 3, first = 1000, more = 300000;
    churn_dataset *ds = churn_dataset_new(d);
    assert_non_null(ds);
    double row[3];
    for (size_t i = 0; i < first; i++) {
        row[0] = (double)i, row[1] = -0.5 * (double)i, row[2] = NAN;
        assert_int_equal(churn_dataset_add_row(ds, NULL, row, (double)(i % 2),
                                               NULL),
                         CHURN_OK);
    }
    /* refused: nothing moves */
    assert_int_equal(churn_dataset_reserve(ds, SIZE_MAX / 2, NULL),
                     CHURN_ENOMEM);
    /* fewer than there are */
    assert_int_equal(churn_dataset_reserve(ds, 10, NULL), CHURN_OK);
    assert_int_equal(churn_dataset_n_rows(ds), first);
    assert_int_equal(churn_dataset_reserve(ds, first + more, NULL), CHURN_OK);
    const double *before = churn_dataset_values(ds);
    for (size_t i = first; i < first + more; i++) {
        row[0] = (double)i, row[1] = -0.5 * (double)i, row[2] = 1.0 / 3;
        assert_int_equal(churn_dataset_add_row(ds, NULL, row, (double)(i % 2),
                                               NULL),
                         CHURN_OK);
    }
    /* All of them fitted in the room made once: the values never moved. */
    assert_ptr_equal(churn_dataset_values(ds), before);
    assert_int_equal(churn_dataset_n_rows(ds), first + more);
    for (size_t i = 0; i < first + more; i += 997) {
        assert_true(churn_dataset_value(ds, i, 0) == (double)i);
        assert_true(churn_dataset_value(ds, i, 1) == -0.5 * (double)i);
        assert_true(i < first ? isnan(churn_dataset_value(ds, i, 2))
                              : churn_dataset_value(ds, i, 2) == 1.0 / 3);
        assert_true(churn_dataset_label(ds, i) == (double)(i % 2));
    }
    churn_dataset_free(ds);
}

/* A dataset grown one block at a time, each time by exactly the block
 * (as a reader does when its foretelling fell short, or appends): the
 * rows move a few times in all, not once a block (each move copies them
 * all), and stay bit for bit. */
static void test_reserve_block_by_block(void **state)
{
    (void)state;
    const size_t d = 3, block = 1000, blocks = 300;
    churn_dataset *ds = churn_dataset_new(d);
    assert_non_null(ds);
    double row[3];
    size_t moves = 0;
    const double *at = NULL;
    for (size_t b = 0; b < blocks; b++) {
        assert_int_equal(churn_dataset_reserve(
                             ds, churn_dataset_n_rows(ds) + block, NULL),
                         CHURN_OK);
        moves += churn_dataset_values(ds) != at;
        at = churn_dataset_values(ds);
        for (size_t k = 0; k < block; k++) {
            size_t i = b * block + k;
            row[0] = (double)i, row[1] = -(double)i, row[2] = 0.25;
            assert_int_equal(churn_dataset_add_row(ds, NULL, row, 1, NULL),
                             CHURN_OK);
        }
        /* the block fitted in the room reserved for it */
        assert_ptr_equal(churn_dataset_values(ds), at);
    }
    /* Half again each time: about 17 growths from 1,000 rows to 300,000
     * (one a block would be 300). */
    assert_true(moves <= 24);
    for (size_t i = 0; i < block * blocks; i += 991) {
        assert_true(churn_dataset_value(ds, i, 0) == (double)i);
        assert_true(churn_dataset_value(ds, i, 1) == -(double)i);
        assert_true(churn_dataset_value(ds, i, 2) == 0.25);
    }
    churn_dataset_free(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small_file),
        cmocka_unit_test(test_chunk_and_block_edges),
        cmocka_unit_test(test_errors_come_from_the_two_passes),
        cmocka_unit_test(test_presize_keeps_rows),
        cmocka_unit_test(test_reserve_block_by_block),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

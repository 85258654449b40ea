/* test_csv_split.c - the streamed read of a file without categorical
 * columns, one part per thread (datasets/csv_split.c): every row handed
 * over exactly once, and, put in order by part then row, the rows of the
 * whole-file reader with their ids and values, for 1 to 4 threads; over
 * part boundaries that fall on a line start, a line longer than a part's
 * buffer, and a line longer than a whole part (a part without rows). */
#include "testutil.h"

#include "churn.h"
#include "datasets/csv_reader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What the sink saw of one part: its rows' ids and first values. */
typedef struct seen_part {
    char **ids;
    double *value;
    size_t n, cap;
    int out_of_order; /* a piece's first row was not the part's next */
    size_t first_hint, last_hint; /* the part's rows as foretold by its
                                   * first and by its latest piece */
} seen_part;

static int record(void *ctx, size_t part, churn_dataset *ds, size_t first,
                  size_t n_threads, size_t part_rows)
{
    (void)n_threads;
    seen_part *p = (seen_part *)ctx + part;
    size_t n = churn_dataset_n_rows(ds);
    p->out_of_order |= first != p->n;
    if (first == 0)
        p->first_hint = part_rows;
    p->last_hint = part_rows;
    if (p->n + n > p->cap) {
        p->cap = (p->n + n) * 2;
        p->ids = realloc(p->ids, p->cap * sizeof *p->ids);
        p->value = realloc(p->value, p->cap * sizeof *p->value);
        if (!p->ids || !p->value)
            return 1;
    }
    for (size_t i = 0; i < n; i++) {
        const char *id = churn_dataset_id(ds, i);
        p->ids[p->n] = malloc(strlen(id) + 1);
        if (!p->ids[p->n])
            return 1;
        strcpy(p->ids[p->n], id);
        p->value[p->n++] = churn_dataset_value(ds, i, 0);
    }
    return 0;
}

/* Streams path in `threads` threads and checks the rows against the
 * whole-file read, and that each part's last piece foretold its rows
 * exactly (and its first within a row when the lines are `even`, all
 * one length);
 * returns how many parts had rows. */
static size_t check_stream(const char *path, size_t threads, int even)
{
    churn_csv_opts *o = churn_csv_opts_new();
    assert_non_null(o);
    assert_int_equal(churn_csv_opts_set_threads(o, threads), CHURN_OK);
    churn_dataset *whole = NULL, *columns = NULL;
    assert_int_equal(churn_dataset_read_csv(path, o, &whole, NULL), CHURN_OK);
    seen_part *parts = calloc(CHURN__CSV_MAX_THREADS, sizeof *parts);
    assert_non_null(parts);
    churn__csv_sink sink = {record, parts};
    assert_int_equal(churn__csv_read_stream(path, o, &sink, NULL, 0,
                                            &columns),
                     CHURN_OK);
    assert_int_equal(churn_dataset_n_rows(columns), 0);
    size_t row = 0, with_rows = 0;
    for (size_t t = 0; t < CHURN__CSV_MAX_THREADS; t++) {
        seen_part *p = &parts[t];
        assert_false(p->out_of_order);
        /* The last piece has read all the part's bytes: it knows. */
        assert_int_equal(p->last_hint, p->n);
        /* Lines all one length: the first piece is off by less than a
         * line (the part's last one, cut at its range's end). */
        if (even)
            assert_true(p->first_hint + 1 >= p->n &&
                        p->first_hint <= p->n + 1);
        with_rows += p->n > 0;
        for (size_t i = 0; i < p->n; i++, row++) {
            assert_true(row < churn_dataset_n_rows(whole));
            assert_string_equal(p->ids[i], churn_dataset_id(whole, row));
            double a = p->value[i], b = churn_dataset_value(whole, row, 0);
            assert_memory_equal(&a, &b, sizeof a);
            free(p->ids[i]);
        }
        free(p->ids);
        free(p->value);
    }
    assert_int_equal(row, churn_dataset_n_rows(whole));
    free(parts);
    churn_dataset_free(columns);
    churn_dataset_free(whole);
    churn_csv_opts_free(o);
    return with_rows;
}

/* Lines of exactly 32 bytes after a 32-byte header: the records' bytes
 * split evenly at every line count tried, so the parts of 2 and 4
 * threads start exactly on a line. */
static void test_part_boundaries_on_line_starts(void **state)
{
    (void)state;
    const size_t n = 1 << 17; /* 4 MiB of records */
    char *text = malloc((n + 1) * 32 + 1);
    assert_non_null(text);
    size_t at = (size_t)sprintf(text, "customer_id,tenure_days,tickets\n");
    assert_int_equal(at, 32);
    for (size_t i = 0; i < n; i++)
        at += (size_t)sprintf(text + at, "c%09zu,%011.4f,%08zu\n", i,
                              (double)(i % 977) / 7, i % 13);
    assert_int_equal(at, (n + 1) * 32);
    const char *path = tu_write_text(0, "even.csv", text);
    for (size_t threads = 1; threads <= 4; threads++)
        assert_int_equal(check_stream(path, threads, 1), threads);
    free(text);
}

/* A 600 KB line (a long id) in the first part: longer than a part's
 * buffer, which grows for it; and a 3 MB line that covers the whole of
 * the middle part of three, which then has no line of its own. */
static void test_lines_longer_than_a_buffer_or_a_part(void **state)
{
    (void)state;
    const size_t small = 600 << 10, big = 3 << 20;
    char *text = malloc(big + small + (2 << 20) + 1024);
    assert_non_null(text);
    size_t at = (size_t)sprintf(text, "customer_id,spend\n");
    size_t row = 0;
    /* About 1 MB of short lines, the long ones, about 1 MB more. */
    while (at < (300 << 10))
        at += (size_t)sprintf(text + at, "a%zu,%zu.5\n", row, row), row++;
    text[at++] = 'L';
    memset(text + at, 'x', small);
    at += small;
    at += (size_t)sprintf(text + at, ",1.25\n");
    while (at < (1 << 20) + small)
        at += (size_t)sprintf(text + at, "b%zu,-%zu\n", row, row), row++;
    text[at++] = 'M';
    memset(text + at, 'y', big);
    at += big;
    at += (size_t)sprintf(text + at, ",2e3\r\n\n");
    while (at < (2 << 20) + small + big)
        at += (size_t)sprintf(text + at, "c%zu,%zu\n", row, row), row++;
    text[at] = '\0';
    const char *path = tu_write_text(0, "long.csv", text);
    assert_int_equal(check_stream(path, 1, 0), 1);
    assert_int_equal(check_stream(path, 2, 0), 2);
    /* Three parts of about 1.5 MB: the middle one lies inside the 3 MB
     * line, which the first part reads to its end. */
    assert_int_equal(check_stream(path, 3, 0), 2);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_part_boundaries_on_line_starts),
        cmocka_unit_test(test_lines_longer_than_a_buffer_or_a_part),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

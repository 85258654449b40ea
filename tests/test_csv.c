/* test_csv.c - the CSV record reader: quoting, line ends, errors, growth. */
#include "testutil.h"

#include "ml/internal.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Reads every record of text and joins them as "a|b;c|d;" for comparison. */
static int read_all(const char *text, size_t len, char *out, size_t size,
                    churn_error *err)
{
    const char *path = tu_write_file(0, "in.csv", text, len);
    churn__csv *c;
    int rc = churn__csv_open(path, &c, err);
    if (rc != CHURN_OK)
        return rc;
    out[0] = '\0';
    size_t n = 0;
    while ((rc = churn__csv_next(c, err)) == CHURN_OK) {
        for (size_t i = 0; i < churn__csv_n_fields(c); i++) {
            size_t flen;
            const char *f = churn__csv_field(c, i, &flen);
            assert_int_equal(strlen(f), flen);
            n += (size_t)snprintf(out + n, size - n, "%s%s", i ? "|" : "", f);
        }
        n += (size_t)snprintf(out + n, size - n, ";");
    }
    churn__csv_close(c);
    return rc == CHURN__CSV_END ? CHURN_OK : rc;
}

static void test_plain_and_quoted(void **state)
{
    (void)state;
    char out[256];
    const char *t = "a,b,c\n1,\"x,y\",\"say \"\"hi\"\"\"\n,,\n";
    assert_int_equal(read_all(t, strlen(t), out, sizeof out, NULL), CHURN_OK);
    assert_string_equal(out, "a|b|c;1|x,y|say \"hi\";||;");
}

static void test_crlf_bom_blank_lines_no_final_newline(void **state)
{
    (void)state;
    char out[256];
    const char *t = "\xEF\xBB\xBF" "id,v\r\n\r\n1,\"q\"\r\n\n2,3";
    assert_int_equal(read_all(t, strlen(t), out, sizeof out, NULL), CHURN_OK);
    assert_string_equal(out, "id|v;1|q;2|3;");
}

static void test_newline_inside_quotes_counts_lines(void **state)
{
    (void)state;
    const char *t = "a,b\n\"line1\nline2\",x\nbad,\"open\n";
    const char *path = tu_write_text(0, "ml.csv", t);
    churn__csv *c;
    churn_error err;
    assert_int_equal(churn__csv_open(path, &c, &err), CHURN_OK);
    assert_int_equal(churn__csv_next(c, &err), CHURN_OK);
    assert_int_equal(churn__csv_next(c, &err), CHURN_OK);
    assert_string_equal(churn__csv_field(c, 0, NULL), "line1\nline2");
    assert_int_equal(churn__csv_line(c), 2);
    assert_int_equal(churn__csv_field_line(c, 1), 3);
    assert_int_equal(churn__csv_field_column(c, 1), 8);
    /* The record after spans lines 4 and on and never closes its quote. */
    assert_int_equal(churn__csv_next(c, &err), CHURN_EPARSE);
    assert_int_equal(err.line, 4);
    assert_int_equal(err.column, 5);
    assert_non_null(strstr(err.message, "unterminated quoted field"));
    churn__csv_close(c);
}

static void test_errors_name_file_line_column(void **state)
{
    (void)state;
    char out[256];
    churn_error err;
    const char nul[] = "a,b\n1,x\0y\n";
    assert_int_equal(read_all(nul, sizeof nul - 1, out, sizeof out, &err),
                     CHURN_EPARSE);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 4);
    assert_non_null(strstr(err.message, "in.csv:2:4: NUL byte"));

    const char *after = "a,b\n\"x\"y,2\n";
    assert_int_equal(read_all(after, strlen(after), out, sizeof out, &err),
                     CHURN_EPARSE);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 4);

    churn__csv *c;
    assert_int_equal(churn__csv_open("/nonexistent/x.csv", &c, &err),
                     CHURN_EIO);
    assert_non_null(strstr(err.message, "/nonexistent/x.csv: cannot open"));
}

/* A record longer than the 1 MiB buffer makes it grow; records across the
 * buffer's edge are read whole. */
static void test_long_records_and_buffer_edges(void **state)
{
    (void)state;
    size_t big = 3u << 20;
    size_t n_small = 200000;
    char *t = malloc(big + n_small * 16 + 64);
    size_t n = 0;
    memcpy(t + n, "x,\"", 3);
    n += 3;
    memset(t + n, 'a', big);
    n += big;
    memcpy(t + n, "\"\n", 2);
    n += 2;
    for (size_t i = 0; i < n_small; i++)
        n += (size_t)snprintf(t + n, 32, "%zu,\"q%zu\"\n", i, i % 10);
    const char *path = tu_write_file(1, "big.csv", t, n);
    free(t);
    churn__csv *c;
    assert_int_equal(churn__csv_open(path, &c, NULL), CHURN_OK);
    assert_int_equal(churn__csv_next(c, NULL), CHURN_OK);
    size_t len;
    churn__csv_field(c, 1, &len);
    assert_int_equal(len, big);
    size_t count = 0;
    int rc;
    while ((rc = churn__csv_next(c, NULL)) == CHURN_OK) {
        char want[32];
        snprintf(want, sizeof want, "q%zu", count % 10);
        assert_string_equal(churn__csv_field(c, 1, NULL), want);
        count++;
    }
    assert_int_equal(rc, CHURN__CSV_END);
    assert_int_equal(count, n_small);
    churn__csv_close(c);
}

static void test_empty_file(void **state)
{
    (void)state;
    char out[16];
    assert_int_equal(read_all("", 0, out, sizeof out, NULL), CHURN_OK);
    assert_string_equal(out, "");
}

/* Atomic output: nothing at the path until commit, the old file intact
 * after an abort, no temporary left, permissions from the umask (not the
 * 0600 of mkstemp). */
static void test_atomic_file(void **state)
{
    (void)state;
    char path[600];
    snprintf(path, sizeof path, "%s/out.txt", tu_tmpdir());
    const char *old = tu_write_text(2, "out.txt", "old\n");
    assert_string_equal(old, path);
    churn__afile *f;
    assert_int_equal(churn__afile_open(path, &f, NULL), CHURN_OK);
    fputs("new\n", churn__afile_stream(f));
    churn__afile_abort(f);
    char *text = tu_read_file(path, NULL);
    assert_string_equal(text, "old\n");
    free(text);
    assert_int_equal(churn__afile_open(path, &f, NULL), CHURN_OK);
    fputs("new\n", churn__afile_stream(f));
    assert_int_equal(churn__afile_commit(f, NULL), CHURN_OK);
    text = tu_read_file(path, NULL);
    assert_string_equal(text, "new\n");
    free(text);
    mode_t mask = umask(022);
    umask(mask);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0666 & ~mask);
    char cmd[700];
    snprintf(cmd, sizeof cmd, "ls '%s' | grep -q tmp", tu_tmpdir());
    assert_int_not_equal(system(cmd), 0);
    churn_error err;
    assert_int_equal(churn__afile_open("/nonexistent/dir/x", &f, &err),
                     CHURN_EIO);
    assert_non_null(strstr(err.message, "/nonexistent/dir/x: cannot create"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_and_quoted),
        cmocka_unit_test(test_crlf_bom_blank_lines_no_final_newline),
        cmocka_unit_test(test_newline_inside_quotes_counts_lines),
        cmocka_unit_test(test_errors_name_file_line_column),
        cmocka_unit_test(test_long_records_and_buffer_edges),
        cmocka_unit_test(test_empty_file),
        cmocka_unit_test(test_atomic_file),
    };
    return cmocka_run_group_tests_name("csv", tests, NULL, NULL);
}

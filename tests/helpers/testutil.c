/* testutil.c - temporary files and metric shortcuts for the unit tests. */
#include "testutil.h"
#include "ml/metrics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmpdir[256];
static char paths[8][512];

static void remove_tmpdir(void)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
}

const char *tu_tmpdir(void)
{
    if (!tmpdir[0]) {
        const char *base = getenv("TMPDIR");
        snprintf(tmpdir, sizeof tmpdir, "%s/churn-test-XXXXXX",
                 base ? base : "/tmp");
        if (!mkdtemp(tmpdir)) {
            perror("mkdtemp");
            abort();
        }
        atexit(remove_tmpdir);
    }
    return tmpdir;
}

const char *tu_write_file(int slot, const char *name, const char *text,
                          size_t len)
{
    char *path = paths[slot & 7];
    snprintf(path, sizeof paths[0], "%s/%s", tu_tmpdir(), name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(text, 1, len, f) != len || fclose(f) != 0) {
        perror(path);
        abort();
    }
    return path;
}

const char *tu_write_text(int slot, const char *name, const char *text)
{
    return tu_write_file(slot, name, text, strlen(text));
}

char *tu_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (n + 1024 > cap) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        if (got == 0)
            break;
        n += got;
    }
    fclose(f);
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

double tu_auc(const double *score, const double *label, size_t n)
{
    double out;
    assert_int_equal(churn__auc(score, label, n, &out), CHURN_OK);
    return out;
}

double tu_pr_auc(const double *score, const double *label, size_t n)
{
    double out;
    assert_int_equal(churn__pr_auc(score, label, n, &out), CHURN_OK);
    return out;
}

void tu_unsign_printf_zero(char *text, int plus)
{
    if (text[0] != '-' || text[1] < '0' || text[1] > '9')
        return; /* positive, or "-inf" */
    for (const char *p = text + 1; *p && *p != 'e'; p++)
        if (*p >= '1' && *p <= '9')
            return;
    if (plus)
        text[0] = '+';
    else
        memmove(text, text + 1, strlen(text));
}

/* csv_delimiter.c - which delimiter a table uses when the options leave
 * it to the file: read off the header line, before the reader splits it
 * (csv_read.c opens the file with the answer). */
#include "datasets/csv_reader.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* The delimiters other than the comma, in the order that breaks ties. */
static const char others[] = {';', '\t', '|'};
#define N_OTHERS (sizeof others / sizeof others[0])

/* Counts the commas and the other delimiters outside quotes on the first
 * line of f that is not blank (csv.c skips blank lines too). A quote
 * opens a quoted field only where csv.c reads one: at the start of a
 * field (after any of the delimiters, since which one is not known yet)
 * or right after a closing quote. Returns 0 on a read error. */
static int count_header(FILE *f, size_t *commas, size_t count[N_OTHERS])
{
    int in_quotes = 0, field_start = 1, closed = 0, seen = 0, ch;
    while ((ch = getc(f)) != EOF) {
        if (in_quotes) {
            if (ch == '"') {
                in_quotes = 0;
                closed = 1;
            }
            continue;
        }
        if (ch == '"' && (field_start || closed)) {
            in_quotes = 1;
            field_start = closed = 0;
            seen = 1;
            continue;
        }
        if (ch == '\n' && seen)
            break;
        seen |= ch != '\n' && ch != '\r';
        field_start = ch == ',' || ch == '\n';
        *commas += ch == ',';
        for (size_t k = 0; k < N_OTHERS; k++)
            if (ch == others[k]) {
                count[k]++;
                field_start = 1;
            }
        closed = 0;
    }
    return !ferror(f);
}

int churn__csv_detect_sep(const char *path, char *sep, char *also,
                          churn_error *err)
{
    *sep = ',';
    if (also)
        *also = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        int e = errno;
        if (e == ENOMEM) /* fopen's own buffer: out of memory, not I/O */
            return churn__fail_nomem(err);
        return churn__fail_at(err, CHURN_EIO, path, 0, 0, "cannot open: %s",
                              strerror(e));
    }
    size_t commas = 0, count[N_OTHERS] = {0};
    int ok = count_header(f, &commas, count);
    int e = errno;
    fclose(f);
    if (!ok)
        return churn__fail_at(err, CHURN_EIO, path, 1, 0, "read error: %s",
                              strerror(e));
    if (commas > 0)
        return CHURN_OK;
    size_t best = N_OTHERS, second = N_OTHERS;
    for (size_t k = 0; k < N_OTHERS; k++) {
        if (count[k] == 0)
            continue;
        if (best == N_OTHERS || count[k] > count[best]) {
            second = best;
            best = k;
        } else if (second == N_OTHERS || count[k] > count[second]) {
            second = k;
        }
    }
    if (best < N_OTHERS)
        *sep = others[best];
    if (also && second < N_OTHERS)
        *also = others[second];
    return CHURN_OK;
}

int churn_csv_detect_delimiter(const char *path, const churn_csv_opts *o,
                               char *sep, char *also, churn_error *err)
{
    if (!sep)
        return churn__fail(err, CHURN_EINVAL, "no place for the delimiter");
    if (also)
        *also = 0;
    *sep = churn_csv_opts_delimiter(o);
    if (*sep)
        return CHURN_OK;
    if (!path)
        return churn__fail(err, CHURN_EINVAL, "no path");
    return churn__csv_detect_sep(path, sep, also, err);
}

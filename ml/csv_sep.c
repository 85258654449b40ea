/* csv_sep.c - which delimiter a CSV file uses when its reader is not
 * told: read off its first line that is not blank (the header), before
 * the record reader splits it. One set of rules for the tables
 * (datasets/) and the event logs (features/): churn__csv_detect_sep
 * reads the line from a path, churn__csv_detect (csv.c) from the buffer
 * of an open reader, which keeps a pipe readable; both count through
 * churn__sep_scan_feed. Also the hint for a header that was split at
 * another delimiter than the one it holds. */
#include "ml/internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* The delimiters other than the comma, in the order that breaks ties
 * (churn__sep_scan.count follows it). */
static const char others[CHURN__SEP_OTHERS] = {';', '\t', '|'};

void churn__sep_scan_init(churn__sep_scan *s)
{
    memset(s, 0, sizeof *s);
    s->field_start = 1;
}

/* A quote opens a quoted field only where csv.c reads one: at the start
 * of a field (after any of the delimiters, since which one is not known
 * yet) or right after a closing quote. */
int churn__sep_scan_feed(churn__sep_scan *s, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char ch = p[i];
        if (s->in_quotes) {
            if (ch == '"') {
                s->in_quotes = 0;
                s->closed = 1;
            }
            continue;
        }
        if (ch == '"' && (s->field_start || s->closed)) {
            s->in_quotes = 1;
            s->field_start = s->closed = 0;
            s->seen = 1;
            continue;
        }
        if (ch == '\n' && s->seen)
            return 1;
        s->seen |= ch != '\n' && ch != '\r';
        s->field_start = ch == ',' || ch == '\n';
        s->commas += ch == ',';
        for (size_t k = 0; k < CHURN__SEP_OTHERS; k++)
            if (ch == others[k]) {
                s->count[k]++;
                s->field_start = 1;
            }
        s->closed = 0;
    }
    return 0;
}

void churn__sep_scan_result(const churn__sep_scan *s, char *sep, char *also)
{
    *sep = ',';
    if (also)
        *also = 0;
    if (s->commas > 0)
        return;
    size_t best = CHURN__SEP_OTHERS, second = CHURN__SEP_OTHERS;
    for (size_t k = 0; k < CHURN__SEP_OTHERS; k++) {
        if (s->count[k] == 0)
            continue;
        if (best == CHURN__SEP_OTHERS || s->count[k] > s->count[best]) {
            second = best;
            best = k;
        } else if (second == CHURN__SEP_OTHERS ||
                   s->count[k] > s->count[second]) {
            second = k;
        }
    }
    if (best < CHURN__SEP_OTHERS)
        *sep = others[best];
    if (also && second < CHURN__SEP_OTHERS)
        *also = others[second];
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
    churn__sep_scan s;
    churn__sep_scan_init(&s);
    int ch;
    while ((ch = getc(f)) != EOF) {
        char byte = (char)ch;
        if (churn__sep_scan_feed(&s, &byte, 1))
            break;
    }
    int bad = ferror(f), e = errno;
    fclose(f);
    if (bad)
        return churn__fail_at(err, CHURN_EIO, path, 1, 0, "read error: %s",
                              strerror(e));
    churn__sep_scan_result(&s, sep, also);
    return CHURN_OK;
}

int churn__csv_delimiter_hint(const char *name, char sep, char *buf,
                              size_t size)
{
    static const struct {
        char c;
        const char *one, *plural, *shown, *option;
    } kinds[] = {{',', "comma", "commas", ",", "','"},
                 {';', "semicolon", "semicolons", ";", "';'"},
                 {'\t', "tab", "tabs", "\\t", "tab"},
                 {'|', "vertical bar", "vertical bars", "|", "'|'"}};
    size_t n_kinds = sizeof kinds / sizeof kinds[0];
    size_t best = 0, best_count = 0, used = 0;
    for (size_t k = 0; k < n_kinds; k++) {
        size_t count = 0;
        if (kinds[k].c == sep) {
            used = k;
            continue;
        }
        for (const char *p = name; *p; p++)
            count += *p == kinds[k].c;
        if (count > best_count) {
            best = k;
            best_count = count;
        }
    }
    if (best_count == 0)
        return 0;
    snprintf(buf, size,
             "the header has no %s but %zu %s: is the delimiter '%s'? "
             "(--delimiter %s or auto reads it)",
             kinds[used].one, best_count,
             best_count == 1 ? kinds[best].one : kinds[best].plural,
             kinds[best].shown, kinds[best].option);
    return 1;
}

/* textio.c - lossless token I/O for model files: escaped strings, %.17g
 * doubles, and a line/token reader whose errors name line and column. */
#include "ml/internal.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void churn__put_string(FILE *f, const char *s)
{
    if (!*s) {
        fputc('%', f);
        return;
    }
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p > ' ' && *p <= '~' && *p != '%')
            fputc(*p, f);
        else
            fprintf(f, "%%%02X", *p);
    }
}

void churn__put_double(FILE *f, double x)
{
    if (isnan(x))
        fputs("nan", f);
    else if (isinf(x))
        fputs(x > 0 ? "inf" : "-inf", f);
    else
        fprintf(f, "%.17g", x);
}

int churn__lines_next(churn__lines *r, const char *what, churn_error *err)
{
    if (r->pos >= r->len)
        return churn__fail_at(err, CHURN_EFORMAT, r->path, r->line + 1, 0,
                              "unexpected end of file (expected %s)", what);
    char *s = r->buf + r->pos;
    char *nl = memchr(s, '\n', r->len - r->pos);
    size_t n = nl ? (size_t)(nl - s) : r->len - r->pos;
    s[n] = '\0';
    if (n > 0 && s[n - 1] == '\r')
        s[n - 1] = '\0';
    r->pos += n + 1;
    r->line++;
    r->cur = s;
    r->tok = s;
    return CHURN_OK;
}

int churn__lines_at_end(const churn__lines *r) { return *r->tok == '\0'; }

static size_t column(const churn__lines *r)
{
    return (size_t)(r->tok - r->cur) + 1;
}

/* Cuts the next token out of the current line; NULL when none is left. */
static char *next_token(churn__lines *r, size_t *col)
{
    char *t = r->tok;
    if (*t == '\0')
        return NULL;
    *col = column(r);
    char *sp = strchr(t, ' ');
    if (sp) {
        *sp = '\0';
        r->tok = sp + 1;
    } else {
        r->tok = t + strlen(t);
    }
    return t;
}

static int missing_token(churn__lines *r, const char *what, churn_error *err)
{
    return churn__fail_at(err, CHURN_EFORMAT, r->path, r->line, column(r),
                          "expected %s", what);
}

int churn__lines_expect(churn__lines *r, const char *word, churn_error *err)
{
    size_t col;
    char *t = next_token(r, &col);
    if (!t)
        return missing_token(r, word, err);
    if (strcmp(t, word) != 0)
        return churn__fail_at(err, CHURN_EFORMAT, r->path, r->line, col,
                              "expected '%s', found '%s'", word, t);
    return CHURN_OK;
}

static int hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}

int churn__lines_string(churn__lines *r, const char **out, churn_error *err)
{
    size_t col;
    char *t = next_token(r, &col);
    if (!t)
        return missing_token(r, "a name", err);
    if (strcmp(t, "%") == 0) {
        *t = '\0';
        *out = t;
        return CHURN_OK;
    }
    char *w = t;
    for (char *p = t; *p; p++) {
        if (*p != '%') {
            *w++ = *p;
            continue;
        }
        int hi = hex_value((unsigned char)p[1]);
        int lo = hi < 0 ? -1 : hex_value((unsigned char)p[2]);
        if (lo < 0)
            return churn__fail_at(err, CHURN_EFORMAT, r->path, r->line,
                                  col + (size_t)(p - t),
                                  "bad escape in name");
        *w++ = (char)(hi * 16 + lo);
        p += 2;
    }
    *w = '\0';
    *out = t;
    return CHURN_OK;
}

int churn__lines_double(churn__lines *r, double *out, churn_error *err)
{
    size_t col;
    char *t = next_token(r, &col);
    if (!t)
        return missing_token(r, "a number", err);
    if (strcmp(t, "nan") == 0) {
        *out = NAN;
        return CHURN_OK;
    }
    char *end;
    errno = 0;
    double v = strtod(t, &end);
    if (end == t || *end != '\0' || (errno == ERANGE && fabs(v) > 1))
        return churn__fail_at(err, CHURN_EFORMAT, r->path, r->line, col,
                              "'%s' is not a number", t);
    *out = v;
    return CHURN_OK;
}

int churn__lines_finite(churn__lines *r, double *out, churn_error *err)
{
    size_t col = column(r);
    int rc = churn__lines_double(r, out, err);
    if (rc == CHURN_OK && !isfinite(*out))
        return churn__fail_at(err, CHURN_EFORMAT, r->path, r->line, col,
                              "expected a finite number");
    return rc;
}

int churn__lines_size(churn__lines *r, size_t *out, churn_error *err)
{
    size_t col;
    char *t = next_token(r, &col);
    if (!t)
        return missing_token(r, "a count", err);
    char *end;
    errno = 0;
    unsigned long long v = strtoull(t, &end, 10);
    if (end == t || *end != '\0' || errno == ERANGE || *t == '-' ||
        v > (unsigned long long)SIZE_MAX)
        return churn__fail_at(err, CHURN_EFORMAT, r->path, r->line, col,
                              "'%s' is not a count", t);
    *out = (size_t)v;
    return CHURN_OK;
}

int churn__lines_done(churn__lines *r, churn_error *err)
{
    if (*r->tok == '\0')
        return CHURN_OK;
    return churn__fail_at(err, CHURN_EFORMAT, r->path, r->line, column(r),
                          "unexpected '%s' at end of line", r->tok);
}

/* xgb_text.c - the text form of an XGBoost booster inside our model
 * file: a header line, then its UBJSON bytes in strict base64 lines. */
#include "models/xgb.h"

#include <stdlib.h>
#include <string.h>

#define LINE_CHARS 76 /* base64 characters per full line (as MIME) */
#define MAX_BYTES ((size_t)1 << 30) /* a booster larger is a damaged count */

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Characters that encode len bytes, padding included. */
static size_t encoded_chars(size_t len) { return (len + 2) / 3 * 4; }

void churn__xgb_write_text(FILE *f, const churn__xgb *b)
{
    size_t len;
    const unsigned char *p = churn__xgb_bytes(b, &len);
    size_t chars = encoded_chars(len);
    fprintf(f, "xgboost-ubj %zu %zu\n", len,
            (chars + LINE_CHARS - 1) / LINE_CHARS);
    size_t col = 0;
    for (size_t i = 0; i < len; i += 3) {
        unsigned v = (unsigned)p[i] << 16;
        if (i + 1 < len)
            v |= (unsigned)p[i + 1] << 8;
        if (i + 2 < len)
            v |= p[i + 2];
        char q[4] = {alphabet[v >> 18], alphabet[(v >> 12) & 63],
                     i + 1 < len ? alphabet[(v >> 6) & 63] : '=',
                     i + 2 < len ? alphabet[v & 63] : '='};
        fwrite(q, 1, 4, f);
        col += 4;
        if (col == LINE_CHARS || i + 3 >= len) {
            fputc('\n', f);
            col = 0;
        }
    }
}

static int sextet(char c)
{
    const char *at = c ? strchr(alphabet, c) : NULL;
    return at ? (int)(at - alphabet) : -1;
}

/* Decodes the current line of r (chars characters expected; the last
 * line of the text when last) into out, which receives whole bytes only;
 * *got counts them. */
static int decode_line(churn__lines *r, size_t chars, int last,
                       size_t total, unsigned char *out, size_t *got,
                       churn_error *err)
{
    const char *s = r->cur;
    size_t n = strlen(s);
    r->tok = r->cur + n; /* the line is consumed here, not by tokens */
    if (n != chars)
        return churn__fail_at(err, CHURN_EFORMAT, r->path, r->line, 1,
                              "xgboost-ubj: line has %zu characters, "
                              "expected %zu", n, chars);
    for (size_t i = 0; i < n; i += 4) {
        unsigned v = 0;
        size_t pad = 0;
        for (size_t k = 0; k < 4; k++) {
            char c = s[i + k];
            int x = sextet(c);
            /* '=' only in the last two places of the last group */
            int may_pad = last && i + 4 == n && k >= 2 &&
                          (k == 3 || s[i + 3] == '=');
            if (c == '=' && may_pad) {
                pad++;
                x = 0;
            } else if (x < 0 || pad) {
                return churn__fail_at(err, CHURN_EFORMAT, r->path, r->line,
                                      i + k + 1, "xgboost-ubj: bad base64 "
                                      "character '%c'", c);
            }
            v = v << 6 | (unsigned)x;
        }
        size_t nbytes = 3 - pad;
        if ((pad == 1 && (v & 0xff)) || (pad == 2 && (v & 0xffff)))
            return churn__fail_at(err, CHURN_EFORMAT, r->path, r->line,
                                  i + 1, "xgboost-ubj: nonzero bits in "
                                  "base64 padding");
        if (*got + nbytes > total)
            return churn__fail_at(err, CHURN_EFORMAT, r->path, r->line,
                                  i + 1, "xgboost-ubj: more bytes than the "
                                  "%zu announced", total);
        unsigned char q[3] = {(unsigned char)(v >> 16),
                              (unsigned char)(v >> 8), (unsigned char)v};
        memcpy(out + *got, q, nbytes);
        *got += nbytes;
    }
    return CHURN_OK;
}

int churn__xgb_read_text(churn__lines *r, size_t d, churn__xgb **out,
                         churn_error *err)
{
    *out = NULL;
    size_t len, lines;
    int rc = churn__lines_next(r, "xgboost-ubj", err);
    if (!rc)
        rc = churn__lines_expect(r, "xgboost-ubj", err);
    if (!rc)
        rc = churn__lines_size(r, &len, err);
    if (!rc)
        rc = churn__lines_size(r, &lines, err);
    if (!rc)
        rc = churn__lines_done(r, err);
    if (rc)
        return rc;
    size_t header = r->line;
    size_t chars = encoded_chars(len);
    if (len == 0 || len > MAX_BYTES ||
        lines != (chars + LINE_CHARS - 1) / LINE_CHARS)
        return churn__fail_at(err, CHURN_EFORMAT, r->path, r->line, 0,
                              "xgboost-ubj: %zu bytes cannot take %zu "
                              "lines", len, lines);
    /* The announced size must fit in what is left of the text: a damaged
     * count never makes us allocate more than the file could hold. */
    if (chars > r->len - r->pos)
        return churn__fail_at(err, CHURN_EFORMAT, r->path, r->line, 0,
                              "xgboost-ubj: %zu bytes announced, the file "
                              "is shorter", len);
    unsigned char *bytes = malloc(len);
    if (!bytes)
        return churn__fail_nomem(err);
    size_t got = 0;
    for (size_t i = 0; i < lines && !rc; i++) {
        int last = i + 1 == lines;
        rc = churn__lines_next(r, "a base64 line", err);
        if (!rc)
            rc = decode_line(r, last ? chars - i * LINE_CHARS : LINE_CHARS,
                             last, len, bytes, &got, err);
    }
    if (!rc && got != len)
        rc = churn__fail_at(err, CHURN_EFORMAT, r->path, r->line, 0,
                            "xgboost-ubj: %zu bytes announced, %zu found",
                            len, got);
    int loaded = 0;
    if (!rc) {
        rc = churn__xgb_load(bytes, len, d, out, err);
        loaded = 1;
    }
    free(bytes);
    /* Bytes XGBoost cannot take are a damaged section of this file: the
     * message names the line that announced them. */
    if (loaded && rc == CHURN_EFORMAT && err) {
        char why[sizeof err->message];
        snprintf(why, sizeof why, "%s", err->message);
        rc = churn__fail_at(err, rc, r->path, header, 0, "%s", why);
    }
    return rc;
}

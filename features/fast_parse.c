/* fast_parse.c - one thread's share of the fast event-log reader: plain
 * lines (no quotes) split at the log's delimiter, the common timestamp
 * forms read without the general parser, event names through a small
 * cache. Each line becomes a row; anything unusual is CHURN__FALLBACK. */
#include "features/fast.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define YEAR_FIRST 1900 /* the years churn_parse_time accepts */
#define YEAR_LAST 2200
#define N_MONTHS ((YEAR_LAST - YEAR_FIRST + 1) * 12)

int32_t *churn__month_table(void)
{
    int32_t *t = malloc((N_MONTHS + 1) * sizeof *t);
    for (int i = 0; t && i <= N_MONTHS; i++)
        t[i] = (int32_t)churn__days_from_civil(YEAR_FIRST + i / 12,
                                               i % 12 + 1, 1);
    return t;
}

/* Digit p[i] as a number, or a number above 9 when it is not a digit. */
#define DIGIT(p, i) ((unsigned)(unsigned char)(p)[i] - '0')

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* Eight bytes as one word, first byte lowest. */
static uint64_t load8(const char *p)
{
    uint64_t w;
    memcpy(&w, p, sizeof w);
    return w;
}

/* The text t of 8 bytes as load8 gives it, at compile time. */
#define WORD8(a, b, c, d, e, f, g, h)                                       \
    ((uint64_t)(a) | (uint64_t)(b) << 8 | (uint64_t)(c) << 16 |              \
     (uint64_t)(d) << 24 | (uint64_t)(e) << 32 | (uint64_t)(f) << 40 |       \
     (uint64_t)(g) << 48 | (uint64_t)(h) << 56)

/* w minus the template t byte by byte: digits of w where t has '0' give
 * their value, and the other bytes of t must be matched exactly (0).
 * Returns the differences, or UINT64_MAX when a byte is off: a digit
 * place without a digit, or a separator that differs. A byte below its
 * template byte borrows and shows as 0xF6 or more, which fails too. */
static uint64_t match8(uint64_t w, uint64_t t, uint64_t separators)
{
    uint64_t v = w - t;
    if ((((v + 0x7676767676767676ull) | v) & 0x8080808080808080ull) ||
        (v & separators))
        return UINT64_MAX;
    return v;
}

/* Byte k of v, a digit's value after match8. */
#define BYTE(v, k) ((unsigned)((v) >> (8 * (k))) & 0xFF)
#endif

/* The common timestamp forms YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS and the same
 * with Z (or a space for the T), with a table lookup for the date.
 * Returns 0 for anything else, which churn_parse_time then decides. The
 * value is the one churn_parse_time gives: each term is an integer below
 * 2^53, so no rounding happens in either. p has 16 readable bytes (the
 * round's buffer is padded). On little-endian machines the digits and
 * separators are checked 8 bytes at a time. */
static int fast_time(const int32_t *month_start, const char *p, size_t n,
                     double *out)
{
    if (n != 10 && n != 19 && n != 20)
        return 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t v = match8(load8(p), WORD8('0', '0', '0', '0', '-', '0', '0',
                                        '-'),
                        0xFF0000FF00000000ull); /* the dashes: bytes 4, 7 */
    unsigned d0 = DIGIT(p, 8), d1 = DIGIT(p, 9);
    if (v == UINT64_MAX || (d0 > 9) | (d1 > 9))
        return 0;
    unsigned y = BYTE(v, 0) * 1000 + BYTE(v, 1) * 100 + BYTE(v, 2) * 10 +
                 BYTE(v, 3),
             m = BYTE(v, 5) * 10 + BYTE(v, 6), d = d0 * 10 + d1;
#else
    if (p[4] != '-' || p[7] != '-')
        return 0;
    unsigned y0 = DIGIT(p, 0), y1 = DIGIT(p, 1), y2 = DIGIT(p, 2),
             y3 = DIGIT(p, 3), m0 = DIGIT(p, 5), m1 = DIGIT(p, 6),
             d0 = DIGIT(p, 8), d1 = DIGIT(p, 9);
    if ((y0 > 9) | (y1 > 9) | (y2 > 9) | (y3 > 9) | (m0 > 9) | (m1 > 9) |
        (d0 > 9) | (d1 > 9))
        return 0;
    unsigned y = y0 * 1000 + y1 * 100 + y2 * 10 + y3, m = m0 * 10 + m1,
             d = d0 * 10 + d1;
#endif
    if (y < YEAR_FIRST || y > YEAR_LAST || m < 1 || m > 12 || d < 1)
        return 0;
    size_t month = (y - YEAR_FIRST) * 12 + m - 1;
    int32_t first = month_start[month];
    if (d > (unsigned)(month_start[month + 1] - first))
        return 0;
    int64_t secs = 0;
    if (n > 10) {
        if ((p[10] != 'T' && p[10] != ' ') ||
            (n == 20 && p[19] != 'Z' && p[19] != 'z'))
            return 0;
        unsigned hh, mm, ss;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        /* bytes 8-15: DDTHH:MM, the date's digits checked above */
        uint64_t t = match8(load8(p + 8),
                            WORD8(p[8], p[9], p[10], '0', '0', ':', '0', '0'),
                            0xFF0000FFFFFFull); /* bytes 0-2, 5 */
        unsigned s0 = DIGIT(p, 17), s1 = DIGIT(p, 18);
        if (t == UINT64_MAX || p[16] != ':' || (s0 > 9) | (s1 > 9))
            return 0;
        hh = BYTE(t, 3) * 10 + BYTE(t, 4);
        mm = BYTE(t, 6) * 10 + BYTE(t, 7);
        ss = s0 * 10 + s1;
#else
        if (p[13] != ':' || p[16] != ':')
            return 0;
        unsigned h0 = DIGIT(p, 11), h1 = DIGIT(p, 12), i0 = DIGIT(p, 14),
                 i1 = DIGIT(p, 15), s0 = DIGIT(p, 17), s1 = DIGIT(p, 18);
        if ((h0 > 9) | (h1 > 9) | (i0 > 9) | (i1 > 9) | (s0 > 9) | (s1 > 9))
            return 0;
        hh = h0 * 10 + h1;
        mm = i0 * 10 + i1;
        ss = s0 * 10 + s1;
#endif
        if (hh > 23 || mm > 59 || ss > 60)
            return 0;
        secs = hh * 3600 + mm * 60 + ss;
    }
    *out = (double)(((int64_t)first + d - 1) * 86400 + secs);
    return 1;
}

void churn__key16(const char *s, size_t len, uint64_t *k0, uint64_t *k1)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    /* Two loads; the bytes past len are the high ones of each word. */
    uint64_t a, b;
    memcpy(&a, s, 8);
    memcpy(&b, s + 8, 8);
    if (len < 8) {
        *k0 = a & (((uint64_t)1 << (8 * len)) - 1);
        *k1 = 0;
    } else {
        *k0 = a;
        *k1 = len == 16 ? b : b & (((uint64_t)1 << (8 * (len - 8))) - 1);
    }
#else
    char t[16] = {0};
    memcpy(t, s, len);
    memcpy(k0, t, 8);
    memcpy(k1, t + 8, 8);
#endif
}

static uint64_t mix(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return h;
}

uint64_t churn__id_hash(const char *s, size_t len)
{
    uint64_t k0, k1;
    if (len <= 16) {
        churn__key16(s, len, &k0, &k1);
        return mix(k0 * 0x9e3779b97f4a7c15ull ^ k1 * 0xc2b2ae3d27d4eb4full ^
                   len);
    }
    uint64_t h = 1469598103934665603ull; /* FNV-1a for long ids */
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return mix(h);
}

/* Adds raw name s[0..len) to the part's table (or finds it there). */
static int name_add(churn__part *p, const char *s, size_t len, uint32_t *out)
{
    size_t idx;
    if (churn__strmap_intern(p->names, s, len, &idx, NULL) != CHURN_OK)
        return CHURN_ENOMEM;
    if (idx >= CHURN__NAMES_MAX)
        return CHURN__FALLBACK;
    if (idx >= p->kinds_cap) {
        size_t cap = p->kinds_cap ? p->kinds_cap * 2 : 64;
        churn__event_kind *k = realloc(p->kinds, cap * sizeof *k);
        if (k)
            p->kinds = k;
        uint8_t *c = realloc(p->classified, cap);
        if (c)
            p->classified = c;
        uint32_t *rows = realloc(p->name_rows, cap * sizeof *rows);
        if (rows)
            p->name_rows = rows;
        uint8_t *early = realloc(p->name_early, cap);
        if (early)
            p->name_early = early;
        if (!k || !c || !rows || !early)
            return CHURN_ENOMEM;
        size_t more = cap - p->kinds_cap;
        memset(p->classified + p->kinds_cap, 0, more);
        memset(p->name_rows + p->kinds_cap, 0, more * sizeof *rows);
        memset(p->name_early + p->kinds_cap, 0, more);
        p->kinds_cap = cap;
    }
    *out = (uint32_t)idx;
    return CHURN_OK;
}

/* The part's index of raw event name s[0..len) (len > 0), added when new:
 * names up to 16 bytes through the direct-mapped cache. Returns CHURN_OK,
 * CHURN__FALLBACK (too many names) or CHURN_ENOMEM. */
static int name_index(churn__part *p, const char *s, size_t len,
                      uint32_t *out)
{
    if (len > 16)
        return name_add(p, s, len, out);
    uint64_t k0, k1;
    churn__key16(s, len, &k0, &k1);
    uint64_t h = mix(k0 ^ k1 * 0x9e3779b97f4a7c15ull ^ len);
    churn__name_slot *sl = &p->slots[h & (CHURN__NAME_SLOTS - 1)];
    if (sl->index1 && sl->k0 == k0 && sl->k1 == k1 && sl->len == len) {
        *out = sl->index1 - 1;
        return CHURN_OK;
    }
    int rc = name_add(p, s, len, out);
    if (rc == CHURN_OK)
        *sl = (churn__name_slot){.k0 = k0, .k1 = k1, .len = (uint32_t)len,
                                 .index1 = *out + 1};
    return rc;
}

/* Bit i of the result is set when s[i] is the delimiter sep, a newline,
 * a quote or a NUL, for i < 64: the only bytes the splitter has to look
 * at. With SSE2 (every x86-64) 16 bytes are compared at once; elsewhere
 * byte by byte, with the same result. s must have 64 readable bytes.
 * (The compiler makes sep's register once per part; saving it around the
 * calls of each 64 bytes' rows costs 2 instructions per 64 bytes that a
 * constant comma did not: +0.3% on the 5 M-event log of the README.) */
static uint64_t special_bytes(const char *s, char sep)
{
    uint64_t m = 0;
#if defined(__SSE2__)
    const __m128i delim = _mm_set1_epi8(sep), nl = _mm_set1_epi8('\n'),
                  quote = _mm_set1_epi8('"'), nul = _mm_setzero_si128();
    for (int k = 0; k < 4; k++) {
        __m128i v =
            _mm_loadu_si128((const __m128i *)(const void *)(s + 16 * k));
        __m128i hit = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(v, delim), _mm_cmpeq_epi8(v, nl)),
            _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, nul)));
        m |= (uint64_t)(unsigned)_mm_movemask_epi8(hit) << (16 * k);
    }
#else
    for (int i = 0; i < 64; i++) {
        char ch = s[i];
        if (ch == sep || ch == '\n' || ch == '"' || ch == '\0')
            m |= (uint64_t)1 << i;
    }
#endif
    return m;
}

static int lowest_bit(uint64_t m)
{
#if defined(__GNUC__)
    return __builtin_ctzll(m);
#else
    int i = 0;
    while (!(m & 1)) {
        m >>= 1;
        i++;
    }
    return i;
#endif
}

/* Parses one line's fields into a row. */
static int parse_row(const churn__parse_ctx *ctx, churn__part *p,
                     churn__row *r)
{
    const size_t *fi = ctx->hd->field;
    const char *buf = ctx->buf;
    size_t a = p->starts[fi[CHURN__COL_ID]], b = p->ends[fi[CHURN__COL_ID]];
    if (a == b || b > UINT32_MAX)
        return CHURN__FALLBACK;
    r->id_off = (uint32_t)a;
    r->id_len = (uint32_t)(b - a);
    r->hash = churn__id_hash(buf + a, b - a);
    a = p->starts[fi[CHURN__COL_TIME]];
    b = p->ends[fi[CHURN__COL_TIME]];
    const char *why; /* the general reader reports it */
    if (!fast_time(ctx->month_start, buf + a, b - a, &r->ts) &&
        churn__event_time(buf + a, b - a, &r->ts, &why) != CHURN_OK)
        return CHURN__FALLBACK;
    a = p->starts[fi[CHURN__COL_EVENT]];
    b = p->ends[fi[CHURN__COL_EVENT]];
    if (a == b)
        return CHURN__FALLBACK;
    int rc = name_index(p, buf + a, b - a, &r->name);
    if (rc != CHURN_OK)
        return rc;
    /* counted here, noted by name in the serial step */
    p->name_rows[r->name]++;
    p->name_early[r->name] |= r->ts < ctx->t_first;
    /* The value as the decimal the sums take (churn__decimal_of), found
     * here in the parallel step; churn__decimal_of(NaN) for none. */
    r->value = (churn__decimal){NAN, 0, -1};
    size_t vf = ctx->hd->field[CHURN__COL_VALUE];
    if (vf != (size_t)-1) {
        a = p->starts[vf];
        b = p->ends[vf];
        double v;
        if (b - a == 1 && DIGIT(buf, a) <= 9) { /* a count: most values */
            unsigned d = DIGIT(buf, a);
            r->value = (churn__decimal){d, d, 0};
        } else if (a != b && churn__parse_double(buf + a, b - a, &v)) {
            r->value = churn__decimal_of(v);
        } else if (a != b && /* empty: missing */
                   !churn__is_missing(buf + a, b - a)) {
            return CHURN__FALLBACK;
        }
    }
    return CHURN_OK;
}

/* Ends a line of n fields: a row unless the line is blank. */
static int end_line(const churn__parse_ctx *ctx, churn__part *p, size_t n,
                    int blank)
{
    if (blank)
        return CHURN_OK;
    if (n != ctx->hd->n_fields)
        return CHURN__FALLBACK;
    if (p->n_rows == p->cap_rows) {
        size_t cap = p->cap_rows ? p->cap_rows * 2 : 4096;
        churn__row *rows = realloc(p->rows, cap * sizeof *rows);
        if (!rows)
            return CHURN_ENOMEM;
        p->rows = rows;
        p->cap_rows = cap;
    }
    int rc = parse_row(ctx, p, &p->rows[p->n_rows]);
    if (rc == CHURN_OK)
        p->n_rows++;
    return rc;
}

/* The lines are split as churn__csv splits a record without quotes: at
 * the delimiter (ctx->hd->sep), one CR before the newline dropped, a line
 * that is empty or a lone CR blank. A quote or NUL anywhere sends the
 * file to the general reader. */
void churn__parse_part(const churn__parse_ctx *ctx, churn__part *p)
{
    const char *buf = ctx->buf;
    size_t begin = (size_t)(p->begin - buf), end = (size_t)(p->end - buf);
    size_t field = begin, line = begin, i = 0, n = ctx->hd->n_fields;
    const char sep = ctx->hd->sep;
    int rc = CHURN_OK;
    p->n_rows = 0;
    size_t n_names = churn__strmap_count(p->names);
    if (n_names > 0) {
        memset(p->name_rows, 0, n_names * sizeof *p->name_rows);
        memset(p->name_early, 0, n_names);
    }
    for (size_t at = begin; at < end && rc == CHURN_OK; at += 64) {
        uint64_t m = special_bytes(buf + at, sep);
        if (end - at < 64)
            m &= ((uint64_t)1 << (end - at)) - 1;
        while (m && rc == CHURN_OK) {
            size_t pos = at + (size_t)lowest_bit(m);
            m &= m - 1;
            char ch = buf[pos];
            if (ch != sep && ch != '\n') {
                rc = CHURN__FALLBACK; /* a quote or a NUL */
                break;
            }
            size_t stop = pos;
            if (ch == '\n' && stop > field && buf[stop - 1] == '\r')
                stop--;
            if (i == n) {
                rc = CHURN__FALLBACK; /* more fields than the header */
                break;
            }
            p->starts[i] = field;
            p->ends[i] = stop;
            i++;
            field = pos + 1;
            if (ch == '\n') {
                rc = end_line(ctx, p, i, i == 1 && stop == line);
                i = 0;
                line = field;
            }
        }
    }
    p->status = rc;
}

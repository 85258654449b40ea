/* events_fast.c - the fast reader of plain event logs (no quotes): the file
 * in large blocks, each block cut at line ends into one part per thread,
 * the parts parsed at once, then the rows applied in file order, so the
 * result has the same bits for any number of threads. Anything unusual (a
 * quote, a bad field, a stray CR) makes it give up: the general reader of
 * events.c then reads the file and says exactly what is wrong. */
#include "history.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Bytes per thread and round: big enough that the barriers between the
 * steps of a round cost nothing, small enough that a part's rows stay in
 * the cache between parsing and applying them. */
#define BLOCK_BYTES ((size_t)1 << 20)
/* A line longer than this is left to the general reader (which refuses
 * records past 256 MiB). */
#define LINE_MAX_BYTES ((size_t)64 << 20)
/* Distinct raw event names per part; a log with more (free text) is left
 * to the general reader, whose memory for names is bounded. */
#define NAMES_MAX 4096
/* Direct-mapped cache of short raw names in front of each part's table. */
#define NAME_SLOTS 256
#define NAME_INLINE 27
#define THREADS_MAX 64
#define YEAR_FIRST 1900
#define YEAR_LAST 2200
#define N_MONTHS ((YEAR_LAST - YEAR_FIRST + 1) * 12)
/* Bytes after the buffer that the splitter may read (never uses). */
#define PAD 64

/* One parsed event, waiting to be applied. */
typedef struct row {
    double ts, value;
    uint32_t id_off, id_len;  /* the customer id in the round's buffer */
    uint32_t name;            /* in the parsing part's name table */
    uint32_t c;               /* customer index, set in file order */
} row;

typedef struct name_slot {
    uint32_t index1;          /* name index + 1; 0 = empty */
    uint8_t len;
    char text[NAME_INLINE];
} name_slot;

/* What one thread parses in a round, and its names across rounds. */
typedef struct part {
    const char *begin, *end;  /* whole lines, each ending in '\n' */
    row *rows;
    size_t n_rows, cap_rows;
    size_t *starts, *ends;    /* per header field, of the current line */
    churn__strmap *names;     /* raw event names this part has seen */
    churn__event_kind *kinds; /* per name, once classified */
    uint8_t *classified;
    size_t kinds_cap;
    name_slot slots[NAME_SLOTS];
    int status;               /* CHURN_OK, CHURN__FALLBACK, CHURN_ENOMEM */
} part;

typedef struct fast {
    const churn_feature_opts *o;
    const churn__roles *roles;
    churn__history *h;
    const char *path;
    churn__events_header hd;
    int32_t *month_start;     /* see month_table() */
    int fd;
    uint64_t size;            /* of the file */
    char *buf;                /* cap + 1 + PAD bytes: room for a final
                                 '\n', and for reading 64 at a time */
    size_t cap, len;          /* valid bytes in buf */
    size_t data_end;          /* whole lines of this round: buf[0..data_end) */
    uint64_t offset;          /* file offset of buf[0] */
    int eof, added_newline;
    size_t n_threads;
    part *parts;
    pthread_barrier_t barrier;
    pthread_mutex_t gate;     /* workers wait here until the barrier */
    pthread_cond_t gate_cond; /* is set up, guarded by gate */
    int gate_open;
    int done;                 /* set by thread 0: no more rounds */
    char last_id[64];         /* the previous row's customer, since logs */
    size_t last_id_len, last_c; /* often run by customer */
} fast;

/* ----------------------------------------------------------- parsing */

/* Days since 1970 of the first of each month of the years the time
 * parser accepts (1900-2200), and of the month after: a table lookup
 * instead of the calendar arithmetic, and each month's length. */
static int32_t *month_table(void)
{
    int32_t *t = malloc((N_MONTHS + 1) * sizeof *t);
    for (int i = 0; t && i <= N_MONTHS; i++)
        t[i] = (int32_t)churn__days_from_civil(YEAR_FIRST + i / 12,
                                               i % 12 + 1, 1);
    return t;
}

/* Digit p[i] as a number, or a number above 9 when it is not a digit. */
#define DIGIT(p, i) ((unsigned)(unsigned char)(p)[i] - '0')

/* The common timestamp forms YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS and the same
 * with Z (or a space for the T), without the general parser. Returns 0
 * for anything else, which churn_parse_time then decides. The value is
 * the one churn_parse_time gives: each term is an integer below 2^53. */
static int fast_time(const int32_t *month_start, const char *p, size_t n,
                     double *out)
{
    if ((n != 10 && n != 19 && n != 20) || p[4] != '-' || p[7] != '-')
        return 0;
    unsigned y0 = DIGIT(p, 0), y1 = DIGIT(p, 1), y2 = DIGIT(p, 2),
             y3 = DIGIT(p, 3), m0 = DIGIT(p, 5), m1 = DIGIT(p, 6),
             d0 = DIGIT(p, 8), d1 = DIGIT(p, 9);
    if ((y0 > 9) | (y1 > 9) | (y2 > 9) | (y3 > 9) | (m0 > 9) | (m1 > 9) |
        (d0 > 9) | (d1 > 9))
        return 0;
    unsigned y = y0 * 1000 + y1 * 100 + y2 * 10 + y3, m = m0 * 10 + m1,
             d = d0 * 10 + d1;
    if (y < YEAR_FIRST || y > YEAR_LAST || m < 1 || m > 12 || d < 1)
        return 0;
    size_t month = (y - YEAR_FIRST) * 12 + m - 1;
    int32_t first = month_start[month];
    if (d > (unsigned)(month_start[month + 1] - first))
        return 0;
    int64_t secs = 0;
    if (n > 10) {
        if ((p[10] != 'T' && p[10] != ' ') || p[13] != ':' || p[16] != ':' ||
            (n == 20 && p[19] != 'Z' && p[19] != 'z'))
            return 0;
        unsigned h0 = DIGIT(p, 11), h1 = DIGIT(p, 12), i0 = DIGIT(p, 14),
                 i1 = DIGIT(p, 15), s0 = DIGIT(p, 17), s1 = DIGIT(p, 18);
        if ((h0 > 9) | (h1 > 9) | (i0 > 9) | (i1 > 9) | (s0 > 9) | (s1 > 9))
            return 0;
        unsigned hh = h0 * 10 + h1, mm = i0 * 10 + i1, ss = s0 * 10 + s1;
        if (hh > 23 || mm > 59 || ss > 60)
            return 0;
        secs = hh * 3600 + mm * 60 + ss;
    }
    *out = (double)(((int64_t)first + d - 1) * 86400 + secs);
    return 1;
}

static size_t slot_of(const char *s, size_t len)
{
    unsigned h = (unsigned)len * 131u + (unsigned char)s[0] * 31u +
                 (unsigned char)s[len - 1] * 7u + (unsigned char)s[len / 2];
    return h & (NAME_SLOTS - 1);
}

/* The part's index of raw event name s[0..len) (len > 0), added when new.
 * Returns CHURN_OK, CHURN__FALLBACK (too many names) or CHURN_ENOMEM. */
static int name_index(part *p, const char *s, size_t len, uint32_t *out)
{
    name_slot *sl = len <= NAME_INLINE ? &p->slots[slot_of(s, len)] : NULL;
    if (sl && sl->index1 && sl->len == len && !memcmp(sl->text, s, len)) {
        *out = sl->index1 - 1;
        return CHURN_OK;
    }
    size_t idx;
    int added;
    if (churn__strmap_intern(p->names, s, len, &idx, &added) != CHURN_OK)
        return CHURN_ENOMEM;
    if (idx >= NAMES_MAX)
        return CHURN__FALLBACK;
    if (idx >= p->kinds_cap) {
        size_t cap = p->kinds_cap ? p->kinds_cap * 2 : 64;
        churn__event_kind *k = realloc(p->kinds, cap * sizeof *k);
        if (k)
            p->kinds = k;
        uint8_t *c = realloc(p->classified, cap);
        if (c)
            p->classified = c;
        if (!k || !c)
            return CHURN_ENOMEM;
        memset(p->classified + p->kinds_cap, 0, cap - p->kinds_cap);
        p->kinds_cap = cap;
    }
    if (sl) {
        sl->index1 = (uint32_t)idx + 1;
        sl->len = (uint8_t)len;
        memcpy(sl->text, s, len);
    }
    *out = (uint32_t)idx;
    return CHURN_OK;
}

/* Bit i of the result is set when s[i] is a comma, a newline, a quote or
 * a NUL, for i < 64: the only bytes the splitter has to look at. With
 * SSE2 (every x86-64) 16 bytes are compared at once; elsewhere byte by
 * byte, with the same result. s must have 64 readable bytes. */
static uint64_t special_bytes(const char *s)
{
    uint64_t m = 0;
#if defined(__SSE2__)
    const __m128i comma = _mm_set1_epi8(','), nl = _mm_set1_epi8('\n'),
                  quote = _mm_set1_epi8('"'), nul = _mm_setzero_si128();
    for (int k = 0; k < 4; k++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + 16 * k));
        __m128i hit = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(v, comma), _mm_cmpeq_epi8(v, nl)),
            _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, nul)));
        m |= (uint64_t)(unsigned)_mm_movemask_epi8(hit) << (16 * k);
    }
#else
    for (int i = 0; i < 64; i++) {
        char ch = s[i];
        if (ch == ',' || ch == '\n' || ch == '"' || ch == '\0')
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
static int parse_row(const fast *f, part *p, row *r)
{
    const size_t *fi = f->hd.field;
    const char *buf = f->buf;
    size_t a = p->starts[fi[CHURN__COL_ID]], b = p->ends[fi[CHURN__COL_ID]];
    if (a == b || b - a > UINT32_MAX || b > UINT32_MAX)
        return CHURN__FALLBACK;
    r->id_off = (uint32_t)a;
    r->id_len = (uint32_t)(b - a);
    a = p->starts[fi[CHURN__COL_TIME]];
    b = p->ends[fi[CHURN__COL_TIME]];
    if (!fast_time(f->month_start, buf + a, b - a, &r->ts) &&
        churn_parse_time(buf + a, b - a, &r->ts) != CHURN_OK)
        return CHURN__FALLBACK;
    a = p->starts[fi[CHURN__COL_EVENT]];
    b = p->ends[fi[CHURN__COL_EVENT]];
    if (a == b)
        return CHURN__FALLBACK;
    int rc = name_index(p, buf + a, b - a, &r->name);
    if (rc != CHURN_OK)
        return rc;
    r->value = NAN;
    size_t vf = fi[CHURN__COL_VALUE];
    if (vf != (size_t)-1) {
        a = p->starts[vf];
        b = p->ends[vf];
        if (a != b && /* empty: missing, the most common value */
            !churn__parse_double(buf + a, b - a, &r->value) &&
            !churn__is_missing(buf + a, b - a))
            return CHURN__FALLBACK;
    }
    return CHURN_OK;
}

/* Ends the line whose last field ends at end (a '\n', or the '\r'
 * before it) with n fields: a row unless the line is blank. */
static int end_line(const fast *f, part *p, size_t n, int blank)
{
    if (blank)
        return CHURN_OK;
    if (n != f->hd.n_fields)
        return CHURN__FALLBACK;
    if (p->n_rows == p->cap_rows) {
        size_t cap = p->cap_rows ? p->cap_rows * 2 : 4096;
        row *rows = realloc(p->rows, cap * sizeof *rows);
        if (!rows)
            return CHURN_ENOMEM;
        p->rows = rows;
        p->cap_rows = cap;
    }
    int rc = parse_row(f, p, &p->rows[p->n_rows]);
    if (rc == CHURN_OK)
        p->n_rows++;
    return rc;
}

/* Parses the part's lines into its rows; sets p->status. The lines are
 * split as churn__csv splits a record without quotes: at commas, one CR
 * before the newline dropped, a line that is empty or a lone CR blank.
 * A quote or NUL anywhere sends the file to the general reader. */
static void parse_part(const fast *f, part *p)
{
    const char *buf = f->buf;
    size_t begin = (size_t)(p->begin - buf), end = (size_t)(p->end - buf);
    size_t field = begin, line = begin, i = 0, n = f->hd.n_fields;
    int rc = CHURN_OK;
    p->n_rows = 0;
    for (size_t at = begin; at < end && rc == CHURN_OK; at += 64) {
        uint64_t m = special_bytes(buf + at);
        if (end - at < 64)
            m &= ((uint64_t)1 << (end - at)) - 1;
        while (m && rc == CHURN_OK) {
            size_t pos = at + (size_t)lowest_bit(m);
            m &= m - 1;
            char ch = buf[pos];
            if (ch != ',' && ch != '\n') {
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
                rc = end_line(f, p, i, i == 1 && stop == line);
                i = 0;
                line = field;
            }
        }
    }
    p->status = rc;
}

/* ------------------------------------------------------------- rounds */

/* Reads the next block and cuts it into parts at line ends. Returns 1
 * when there are lines, 0 at the end, or an error / CHURN__FALLBACK. */
static int next_round(fast *f, churn_error *err)
{
    if (f->data_end > 0) { /* keep the unfinished last line */
        memmove(f->buf, f->buf + f->data_end, f->len - f->data_end);
        f->offset += f->data_end;
        f->len -= f->data_end;
        f->data_end = 0;
    }
    for (;;) {
        while (!f->eof && f->len < f->cap) {
            ssize_t got = read(f->fd, f->buf + f->len, f->cap - f->len);
            if (got < 0 && errno == EINTR)
                continue;
            if (got < 0)
                return churn__fail_at(err, CHURN_EIO, f->path, 0, 0,
                                      "read error: %s", strerror(errno));
            if (got == 0)
                f->eof = 1;
            f->len += (size_t)got;
        }
        if (f->eof) {
            if (f->len == 0)
                return 0;
            if (f->buf[f->len - 1] != '\n') {
                f->buf[f->len++] = '\n'; /* buf has room for it */
                f->added_newline = 1;
            }
            f->data_end = f->len;
            break;
        }
        size_t i = f->len;
        while (i > 0 && f->buf[i - 1] != '\n')
            i--;
        if (i > 0) {
            f->data_end = i;
            break;
        }
        /* One line fills the buffer. */
        if (f->cap >= LINE_MAX_BYTES)
            return CHURN__FALLBACK;
        char *b = realloc(f->buf, 2 * f->cap + 1 + PAD);
        if (!b)
            return churn__fail_nomem(err);
        memset(b + f->cap + 1 + PAD, 0, f->cap);
        f->buf = b;
        f->cap *= 2;
    }
    /* Part t starts at the first line that starts at or after t/T. */
    const char *data = f->buf, *end = data + f->data_end;
    const char *start = data;
    for (size_t t = 0; t < f->n_threads; t++) {
        part *p = &f->parts[t];
        p->begin = start;
        const char *cut = data + f->data_end / f->n_threads * (t + 1);
        if (t + 1 == f->n_threads || cut <= start) {
            cut = t + 1 == f->n_threads ? end : start;
        } else {
            const char *nl = memchr(cut - 1, '\n', (size_t)(end - cut + 1));
            cut = nl + 1; /* the data ends in '\n' */
        }
        p->end = cut;
        start = cut;
    }
    return 1;
}

/* The customer index of id[0..len), added when new. */
static int customer_of(fast *f, const char *id, size_t len, size_t *c,
                       churn_error *err)
{
    if (len == f->last_id_len && memcmp(id, f->last_id, len) == 0) {
        *c = f->last_c;
        return CHURN_OK;
    }
    int added;
    if (churn__strmap_intern(f->h->ids, id, len, c, &added) != CHURN_OK)
        return churn__fail_nomem(err);
    if (added && churn__history_add_customer(f->h, err) != CHURN_OK)
        return CHURN_ENOMEM;
    if (*c >= UINT32_MAX)
        return CHURN__FALLBACK;
    f->last_c = *c;
    f->last_id_len = len < sizeof f->last_id ? len : 0;
    memcpy(f->last_id, id, f->last_id_len);
    return CHURN_OK;
}

/* The serial step, in file order: classifies new names, finds or adds
 * customers, notes the log-wide facts; with one thread also applies. */
static int resolve(fast *f, churn_error *err)
{
    for (size_t t = 0; t < f->n_threads; t++)
        if (f->parts[t].status != CHURN_OK)
            return f->parts[t].status == CHURN_ENOMEM
                       ? churn__fail_nomem(err)
                       : f->parts[t].status;
    for (size_t t = 0; t < f->n_threads; t++) {
        part *p = &f->parts[t];
        for (size_t i = 0; i < p->n_rows; i++) {
            row *r = &p->rows[i];
            if (!p->classified[r->name]) {
                const char *raw = churn__strmap_key(p->names, r->name);
                int rc = churn__event_classify(f->roles, f->h, raw,
                                               strlen(raw),
                                               &p->kinds[r->name], err);
                if (rc != CHURN_OK)
                    return rc == CHURN_EPARSE ? CHURN__FALLBACK : rc;
                p->classified[r->name] = 1;
            }
            churn__event_kind kind = p->kinds[r->name];
            size_t c;
            int rc = customer_of(f, f->buf + r->id_off, r->id_len, &c, err);
            if (rc != CHURN_OK)
                return rc;
            r->c = (uint32_t)c;
            churn__history_note(f->h, kind, r->ts);
            if (f->n_threads == 1)
                churn__history_apply(f->h, c, kind, r->ts, r->value);
        }
    }
    return CHURN_OK;
}

/* Thread w's share: every row of a customer it owns, in file order.
 * Owners go by groups of 8 customers, so that two threads seldom write
 * to one cache line. */
static void apply_share(fast *f, size_t w)
{
    for (size_t t = 0; t < f->n_threads; t++) {
        const part *p = &f->parts[t];
        for (size_t i = 0; i < p->n_rows; i++) {
            const row *r = &p->rows[i];
            if ((r->c >> 3) % f->n_threads == w)
                churn__history_apply(f->h, r->c, p->kinds[r->name], r->ts,
                                     r->value);
        }
    }
}

static void sync_threads(fast *f)
{
    if (f->n_threads > 1)
        pthread_barrier_wait(&f->barrier);
}

typedef struct worker_arg {
    fast *f;
    size_t w;
} worker_arg;

/* Threads 1..T-1 follow thread 0 through the rounds; see run(). */
static void *worker(void *arg)
{
    worker_arg *a = arg;
    fast *f = a->f;
    pthread_mutex_lock(&f->gate);
    while (!f->gate_open)
        pthread_cond_wait(&f->gate_cond, &f->gate);
    pthread_mutex_unlock(&f->gate);
    for (;;) {
        sync_threads(f); /* a round is cut, or done */
        if (f->done)
            return NULL;
        parse_part(f, &f->parts[a->w]);
        sync_threads(f); /* parsed */
        sync_threads(f); /* resolved, or done */
        if (f->done)
            return NULL;
        apply_share(f, a->w);
        sync_threads(f); /* applied */
    }
}

static void report(const fast *f)
{
    if (!f->o->progress)
        return;
    uint64_t done = f->offset + f->data_end - (uint64_t)f->added_newline;
    f->o->progress(f->o->progress_user, "reading events", done, f->size);
}

/* Thread 0: reads, parses its part, resolves, applies its share. */
static int run(fast *f, churn_error *err)
{
    int rc;
    for (;;) {
        rc = next_round(f, err);
        if (rc != 1) {
            f->done = 1;
            sync_threads(f);
            break;
        }
        sync_threads(f);
        parse_part(f, &f->parts[0]);
        sync_threads(f);
        rc = resolve(f, err);
        if (rc != CHURN_OK)
            f->done = 1;
        sync_threads(f);
        if (rc != CHURN_OK)
            break;
        if (f->n_threads > 1)
            apply_share(f, 0);
        sync_threads(f);
        report(f);
    }
    if (rc == 0)
        report(f);
    return rc == 0 ? CHURN_OK : rc;
}

/* ------------------------------------------------------------- setup */

static int setup(fast *f, size_t block, churn_error *err)
{
    f->cap = block * f->n_threads;
    /* calloc: the splitter reads up to 63 bytes past the data. */
    f->buf = calloc(f->cap + 1 + PAD, 1);
    f->parts = calloc(f->n_threads, sizeof *f->parts);
    f->month_start = month_table();
    if (!f->buf || !f->parts || !f->month_start)
        return churn__fail_nomem(err);
    for (size_t t = 0; t < f->n_threads; t++) {
        part *p = &f->parts[t];
        p->names = churn__strmap_new();
        p->starts = malloc(f->hd.n_fields * sizeof *p->starts);
        p->ends = malloc(f->hd.n_fields * sizeof *p->ends);
        if (!p->names || !p->starts || !p->ends)
            return churn__fail_nomem(err);
    }
    return CHURN_OK;
}

static void cleanup(fast *f)
{
    for (size_t t = 0; f->parts && t < f->n_threads; t++) {
        part *p = &f->parts[t];
        free(p->rows);
        free(p->starts);
        free(p->ends);
        churn__strmap_free(p->names);
        free(p->kinds);
        free(p->classified);
    }
    free(f->parts);
    free(f->buf);
    free(f->month_start);
    if (f->fd >= 0)
        close(f->fd);
}

/* Starts up to T-1 workers and runs thread 0. If the system starts fewer,
 * the rounds go with the ones it started (the result is the same). The
 * workers wait at a gate until the barrier knows how many they are. */
static int run_threads(fast *f, churn_error *err)
{
    pthread_t tid[THREADS_MAX];
    worker_arg args[THREADS_MAX];
    size_t started = 1;
    pthread_mutex_lock(&f->gate);
    for (; started < f->n_threads; started++) {
        args[started] = (worker_arg){.f = f, .w = started};
        if (pthread_create(&tid[started], NULL, worker, &args[started]))
            break;
    }
    f->n_threads = started;
    if (started > 1 &&
        pthread_barrier_init(&f->barrier, NULL, (unsigned)started) != 0) {
        f->done = 1; /* the workers leave at the gate */
        f->n_threads = 1;
    }
    f->gate_open = 1;
    pthread_cond_broadcast(&f->gate_cond);
    pthread_mutex_unlock(&f->gate);
    int barrier = f->n_threads > 1;
    int rc = CHURN_OK;
    if (!f->done)
        rc = run(f, err);
    for (size_t t = 1; t < started; t++)
        pthread_join(tid[t], NULL);
    if (barrier)
        pthread_barrier_destroy(&f->barrier);
    else if (started > 1) { /* no barrier: every worker left; go alone */
        f->done = 0;
        rc = run(f, err);
    }
    return rc;
}

int churn__events_read_fast(const char *path, const churn_feature_opts *o,
                            const churn__roles *roles, churn__history *h,
                            size_t threads, size_t block_bytes,
                            churn_error *err)
{
    fast f = {.o = o, .roles = roles, .h = h, .fd = -1, .path = path,
              .gate = PTHREAD_MUTEX_INITIALIZER,
              .gate_cond = PTHREAD_COND_INITIALIZER};
    struct stat st;
    /* Only a regular file can be read again by the general reader. */
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return CHURN__FALLBACK;
    int rc = churn__events_read_header(path, o, &f.hd, err);
    if (rc != CHURN_OK)
        return rc;
    f.size = (uint64_t)st.st_size;
    size_t block = block_bytes ? block_bytes : BLOCK_BYTES;
    if (threads == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        threads = n > 0 ? (size_t)n : 1;
    }
    /* No more threads than blocks: a small file is read by one. */
    uint64_t blocks = f.size / block + 1;
    f.n_threads = threads < blocks ? threads : (size_t)blocks;
    if (f.n_threads > THREADS_MAX)
        f.n_threads = THREADS_MAX;
    rc = setup(&f, block, err);
    if (rc == CHURN_OK) {
        f.fd = open(path, O_RDONLY);
        if (f.fd < 0 || lseek(f.fd, (off_t)f.hd.data_offset, SEEK_SET) < 0)
            rc = CHURN__FALLBACK; /* the general reader says why */
    }
    f.offset = f.hd.data_offset;
    if (rc == CHURN_OK)
        rc = run_threads(&f, err);
    cleanup(&f);
    return rc;
}

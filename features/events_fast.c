/* events_fast.c - the fast reader of plain event logs (no quotes): the file
 * in large blocks, each block cut at line ends into one part per thread,
 * the parts parsed at once, then the rows applied in file order, so the
 * result has the same bits for any number of threads. Anything unusual (a
 * quote, a bad field, a stray CR) makes it give up: the general reader of
 * events.c then reads the file and says exactly what is wrong. */
#include "features/fast.h"

#include <errno.h>
#include <fcntl.h>
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
#define THREADS_MAX 64
/* Rows ahead whose memory is asked for before it is needed: far enough
 * that a miss is served meanwhile, near enough that it is still cached. */
#define AHEAD 8

typedef struct fast {
    const churn_feature_opts *o;
    const churn__roles *roles;
    churn__history *h;
    const char *path;
    churn__events_header hd;
    int32_t *month_start;     /* churn__month_table */
    churn__ids *ids;
    int fd;
    uint64_t size;            /* of the file */
    char *buf;                /* cap + 1 + CHURN__PAD bytes: room for a
                                 final '\n', and for reading ahead */
    size_t cap, len;          /* valid bytes in buf */
    size_t data_end;          /* whole lines of this round: buf[0..data_end) */
    uint64_t offset;          /* file offset of buf[0] */
    int eof, added_newline;
    size_t n_threads;         /* that take part in the rounds */
    churn__part *parts;
    size_t n_parts;           /* allocated, >= n_threads */
    pthread_barrier_t barrier;
    pthread_mutex_t gate;     /* workers wait here until the barrier */
    pthread_cond_t gate_cond; /* is set up, guarded by gate */
    int gate_open;
    int done;                 /* set by thread 0: no more rounds */
} fast;

/* The customer of an ignored row: none. */
#define NO_CUSTOMER UINT32_MAX
/* The customer of a row whose id was not known when it was parsed:
 * resolve() finds or adds it. */
#define UNRESOLVED (UINT32_MAX - 1)
/* The customer of the row before, not known when parsed either (rows of
 * one customer often come together). */
#define SAME_AS_PREV (UINT32_MAX - 2)

static int same_id_as(const char *buf, const churn__row *r,
                      const churn__row *q)
{
    return r->hash == q->hash && r->id_len == q->id_len &&
           memcmp(buf + r->id_off, buf + q->id_off, r->id_len) == 0;
}

/* Parses a part, then looks up the customers already known (the id of
 * the row before, or the index), so that the serial step only adds the
 * new ones. */
static void parse_part(const fast *f, churn__part *p)
{
    churn__parse_ctx ctx = {.buf = f->buf, .hd = &f->hd,
                            .month_start = f->month_start,
                            .t_first = f->h->snap_times[0]};
    churn__parse_part(&ctx, p);
    if (p->status != CHURN_OK)
        return;
    for (size_t i = 0; i < p->n_rows; i++) {
        churn__row *r = &p->rows[i];
        if (i > 0 && same_id_as(f->buf, r, r - 1)) {
            r->c = r[-1].c < SAME_AS_PREV ? r[-1].c : SAME_AS_PREV;
            continue;
        }
        if (i + AHEAD < p->n_rows)
            churn__ids_prefetch(f->ids, p->rows[i + AHEAD].hash);
        size_t c;
        r->c = churn__ids_lookup(f->ids, f->h, f->buf + r->id_off,
                                 r->id_len, r->hash, &c)
                   ? (uint32_t)c
                   : UNRESOLVED;
    }
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
        char *b = realloc(f->buf, 2 * f->cap + 1 + CHURN__PAD);
        if (!b)
            return churn__fail_nomem(err);
        memset(b + f->cap + 1 + CHURN__PAD, 0, f->cap);
        f->buf = b;
        f->cap *= 2;
    }
    /* Part t starts at the first line that starts at or after t/T. */
    const char *data = f->buf, *end = data + f->data_end;
    const char *start = data;
    for (size_t t = 0; t < f->n_threads; t++) {
        churn__part *p = &f->parts[t];
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

/* Classifies the part's event name i the first time a row has it. */
static int classify(fast *f, churn__part *p, uint32_t i, churn_error *err)
{
    const char *raw = churn__strmap_key(p->names, i);
    int rc = churn__event_classify(f->roles, f->h, raw, strlen(raw),
                                   &p->kinds[i], err);
    if (rc != CHURN_OK)
        return rc == CHURN_EPARSE ? CHURN__FALLBACK : rc;
    p->classified[i] = 1;
    return CHURN_OK;
}

/* The serial step, in file order: classifies new names, adds the new
 * customers (in the order of their first rows, as the general reader
 * does), notes the log-wide facts. */
static int resolve(fast *f, churn_error *err)
{
    for (size_t t = 0; t < f->n_threads; t++)
        if (f->parts[t].status != CHURN_OK)
            return f->parts[t].status == CHURN_ENOMEM
                       ? churn__fail_nomem(err)
                       : f->parts[t].status;
    for (size_t t = 0; t < f->n_threads; t++) {
        churn__part *p = &f->parts[t];
        for (size_t i = 0; i < p->n_rows; i++) {
            churn__row *r = &p->rows[i];
            int rc = p->classified[r->name] ? CHURN_OK
                                            : classify(f, p, r->name, err);
            if (rc != CHURN_OK)
                return rc;
            /* An ignored row adds no customer and is not applied, as in
             * the general reader. */
            if (p->kinds[r->name].role == CHURN__ROLE_IGNORE) {
                r->c = NO_CUSTOMER;
                continue;
            }
            if (r->c == SAME_AS_PREV && r[-1].c != NO_CUSTOMER) {
                r->c = r[-1].c;
                continue;
            }
            if (r->c < SAME_AS_PREV) /* known before this round */
                continue;
            size_t c;
            rc = churn__ids_find(f->ids, f->h, f->buf + r->id_off, r->id_len,
                                 r->hash, &c, err);
            if (rc != CHURN_OK)
                return rc;
            r->c = (uint32_t)c;
        }
        /* The log-wide facts, by name (each is classified by now). */
        size_t n_names = churn__strmap_count(p->names);
        for (size_t j = 0; j < n_names; j++)
            if (p->name_rows[j])
                churn__history_note_rows(f->h, p->kinds[j], p->name_rows[j],
                                         p->name_early[j]);
    }
    return CHURN_OK;
}

static void prefetch_customer(const churn__history *h, size_t c)
{
#if defined(__GNUC__)
    const char *block = (const char *)churn__customer_at(h, c);
    for (size_t at = 0; at < h->stride; at += 64)
        __builtin_prefetch(block + at, 1);
#else
    (void)h;
    (void)c;
#endif
}

/* The thread that applies customer c's rows: customers go by groups of
 * 8, so that two threads seldom write to one cache line. */
static size_t owner(size_t c, size_t n_threads)
{
    return n_threads == 1 ? 0 : (c >> 3) % n_threads;
}

/* Thread w's share: every row of a customer it owns, in file order. */
static void apply_share(fast *f, size_t w)
{
    size_t n = f->n_threads;
    for (size_t t = 0; t < n; t++) {
        const churn__part *p = &f->parts[t];
        for (size_t i = 0; i < p->n_rows; i++) {
            const churn__row *r = &p->rows[i];
            /* (once per run of rows of one customer) */
            if (i + AHEAD < p->n_rows && r[AHEAD].c != NO_CUSTOMER &&
                r[AHEAD].c != r[AHEAD - 1].c && owner(r[AHEAD].c, n) == w)
                prefetch_customer(f->h, r[AHEAD].c);
            if (r->c != NO_CUSTOMER && owner(r->c, n) == w)
                churn__history_apply(f->h, r->c, p->kinds[r->name], r->ts,
                                     &r->value);
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
    f->buf = calloc(f->cap + 1 + CHURN__PAD, 1);
    f->parts = calloc(f->n_threads, sizeof *f->parts);
    f->n_parts = f->parts ? f->n_threads : 0;
    f->month_start = churn__month_table();
    f->ids = churn__ids_new();
    if (!f->buf || !f->parts || !f->month_start || !f->ids)
        return churn__fail_nomem(err);
    for (size_t t = 0; t < f->n_threads; t++) {
        churn__part *p = &f->parts[t];
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
    for (size_t t = 0; f->parts && t < f->n_parts; t++) {
        churn__part *p = &f->parts[t];
        free(p->rows);
        free(p->starts);
        free(p->ends);
        churn__strmap_free(p->names);
        free(p->kinds);
        free(p->classified);
        free(p->name_rows);
        free(p->name_early);
    }
    free(f->parts);
    free(f->buf);
    free(f->month_start);
    churn__ids_free(f->ids);
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
    if (f->n_threads == 1)
        return run(f, err);
    if (pthread_mutex_init(&f->gate, NULL) != 0)
        return churn__fail_nomem(err);
    if (pthread_cond_init(&f->gate_cond, NULL) != 0) {
        pthread_mutex_destroy(&f->gate);
        return churn__fail_nomem(err);
    }
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
    pthread_cond_destroy(&f->gate_cond);
    pthread_mutex_destroy(&f->gate);
    return rc;
}

int churn__events_read_fast(const char *path, const churn_feature_opts *o,
                            const churn__roles *roles, churn__history *h,
                            size_t threads, size_t block_bytes,
                            churn_error *err)
{
    fast f = {.o = o, .roles = roles, .h = h, .fd = -1, .path = path};
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

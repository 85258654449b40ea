/* shards.c - which shard files a rank reads, and joining them into the
 * rank's share with the same columns on every rank (see shards.h). */
#include "shards.h"
#include "cli.h"

#include <glob.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char rank_tag[] = "{rank}";

/* A comm for one process when there is none. */
static const churn_comm *or_single(const churn_comm *comm,
                                   churn_comm *single)
{
    if (comm)
        return comm;
    memset(single, 0, sizeof *single);
    single->size = 1;
    return single;
}

char *cli_rank_name(const churn_comm *comm, const char *pattern)
{
    churn_comm one;
    comm = or_single(comm, &one);
    const char *tag = strstr(pattern, rank_tag);
    size_t n = strlen(pattern) + 32;
    char *name = malloc(n);
    if (!name || !tag) {
        if (name)
            snprintf(name, n, "%s", pattern);
        return name;
    }
    int width = snprintf(NULL, 0, "%d", comm->size - 1);
    snprintf(name, n, "%.*s%0*d%s", (int)(tag - pattern), pattern, width,
             comm->rank, tag + strlen(rank_tag));
    return name;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void cli_shards_free(cli_shards *s)
{
    for (size_t i = 0; s->paths && i < s->n; i++)
        free(s->paths[i]);
    free(s->paths);
    memset(s, 0, sizeof *s);
}

/* Every match of pattern, sorted, into out (all of them, any rank). */
static int glob_sorted(const char *pattern, cli_shards *out,
                       churn_error *err)
{
    glob_t g;
    int grc = glob(pattern, GLOB_NOSORT, NULL, &g);
    if (grc == GLOB_NOMATCH)
        return cli_error_set(err, CHURN_EIO, "no file matches '%s'",
                             pattern);
    if (grc != 0)
        return cli_error_set(err, grc == GLOB_NOSPACE ? CHURN_ENOMEM
                                                      : CHURN_EIO,
                             "cannot list the files of '%s'", pattern);
    int rc = CHURN_OK;
    out->paths = calloc(g.gl_pathc ? g.gl_pathc : 1, sizeof *out->paths);
    for (size_t i = 0; out->paths && i < g.gl_pathc; i++) {
        size_t len = strlen(g.gl_pathv[i]) + 1;
        if (!(out->paths[i] = malloc(len)))
            break;
        memcpy(out->paths[i], g.gl_pathv[i], len);
        out->n = i + 1;
    }
    if (out->n != g.gl_pathc)
        rc = cli_error_set(err, CHURN_ENOMEM, "out of memory");
    else
        qsort(out->paths, out->n, sizeof *out->paths, by_name);
    out->total = out->n;
    globfree(&g);
    return rc;
}

/* Keeps matches rank, rank + size, ... of all. */
static void take_share(cli_shards *s, int rank, int size)
{
    size_t kept = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (i % (size_t)size == (size_t)rank)
            s->paths[kept++] = s->paths[i];
        else
            free(s->paths[i]);
    }
    s->n = kept;
}

/* FNV-1a over the names, to 52 bits: a double holds it exactly. */
static double names_hash(const cli_shards *s)
{
    uint64_t h = 14695981039346656037u;
    for (size_t i = 0; i < s->n; i++)
        for (const char *c = s->paths[i]; ; c++) {
            h = (h ^ (unsigned char)*c) * 1099511628211u;
            if (!*c)
                break;
        }
    return (double)(h >> 12);
}

int cli_shards_find(const churn_comm *comm, const char *pattern,
                    cli_shards *out, churn_error *err)
{
    churn_comm one;
    comm = or_single(comm, &one);
    memset(out, 0, sizeof *out);
    int per_rank = strstr(pattern, rank_tag) != NULL, rc;
    char *mine = per_rank ? cli_rank_name(comm, pattern) : NULL;
    if (per_rank && !mine)
        rc = cli_error_set(err, CHURN_ENOMEM, "out of memory");
    else
        rc = glob_sorted(per_rank ? mine : pattern, out, err);
    free(mine);
    rc = churn_comm_agree(comm, rc, err);
    if (rc != CHURN_OK) {
        cli_shards_free(out);
        return rc;
    }
    /* Which files each rank sees (their count and a hash of their names):
     * the same, when they share storage. */
    double hash = names_hash(out);
    double seen[4] = {(double)out->total, -(double)out->total, hash, -hash};
    if (comm->size > 1 &&
        comm->allreduce(comm->user, seen, 4, CHURN_REDUCE_MAX) != 0)
        rc = cli_error_set(err, CHURN_EIO, "the ranks could not compare "
                                           "their files");
    else if (per_rank)
        out->total = (size_t)seen[0]; /* the most any rank has */
    else if (seen[0] != -seen[1] || seen[2] != -seen[3])
        rc = cli_error_set(err, CHURN_EIO,
                           "the ranks see different files for '%s' "
                           "(%.0f to %.0f matches): put the shards where "
                           "every rank sees them, or name each rank's files "
                           "with {rank}", pattern, -seen[1], seen[0]);
    else
        take_share(out, comm->rank, comm->size);
    if (rc != CHURN_OK)
        cli_shards_free(out);
    return rc;
}

/* ---------------------------------------------------------- joining shards */

/* Appends kind and the NUL-terminated text at *at. */
static void put_item(char **at, char kind, const char *text)
{
    size_t n = strlen(text) + 1;
    **at = kind;
    memcpy(*at + 1, text, n);
    *at += 1 + n;
}

/* The columns of ds as bytes: 'L' and the label name (or '-' and ""),
 * then per column 'n' or 'c' and its name. NULL when out of memory. */
static char *columns_of(const churn_dataset *ds, size_t *len)
{
    const char *label = churn_dataset_label_name(ds);
    size_t d = churn_dataset_n_cols(ds), n = 2 + (label ? strlen(label) : 0);
    for (size_t j = 0; j < d; j++)
        n += 2 + strlen(churn_dataset_column_name(ds, j));
    char *buf = malloc(n), *at = buf;
    if (!buf)
        return NULL;
    put_item(&at, label ? 'L' : '-', label ? label : "");
    for (size_t j = 0; j < d; j++)
        put_item(&at,
                 churn_dataset_column_kind(ds, j) == CHURN_CATEGORICAL ? 'c'
                                                                        : 'n',
                 churn_dataset_column_name(ds, j));
    *len = n;
    return buf;
}

/* An empty dataset with the columns in bytes (len of them, as
 * columns_of wrote them), or NULL when out of memory or malformed. */
static churn_dataset *from_columns(const char *bytes, size_t len)
{
    size_t d = 0;
    for (size_t i = 0; i < len; i++)
        d += bytes[i] == '\0';
    if (d == 0 || bytes[len - 1] != '\0')
        return NULL;
    churn_dataset *ds = churn_dataset_new(d - 1);
    const char *at = bytes;
    int ok = ds != NULL;
    if (ok && at[0] == 'L')
        ok = churn_dataset_set_label_name(ds, at + 1, NULL) == CHURN_OK;
    at += strlen(at) + 1;
    for (size_t j = 0; ok && j + 1 < d; j++) {
        ok = churn_dataset_set_column(ds, j, at + 1,
                                      at[0] == 'c' ? CHURN_CATEGORICAL
                                                   : CHURN_NUMERIC,
                                      NULL) == CHURN_OK;
        at += strlen(at) + 1;
    }
    if (!ok) {
        churn_dataset_free(ds);
        return NULL;
    }
    return ds;
}

/* An empty dataset with the columns and label of ds, or NULL when out of
 * memory. */
static churn_dataset *shape_of(const churn_dataset *ds)
{
    size_t len;
    char *bytes = columns_of(ds, &len);
    churn_dataset *shape = bytes ? from_columns(bytes, len) : NULL;
    free(bytes);
    return shape;
}

/* Prefixes err's message with what (a file, a rank). */
static int blame(churn_error *err, int rc, const char *what)
{
    if (err) {
        char msg[sizeof err->message];
        snprintf(msg, sizeof msg, "%s", err->message);
        cli_error_set(err, rc, "%s: %s", what, msg);
    }
    return rc;
}

/* Widens *shape (an empty dataset) by the columns of other. closed: they
 * must be the same (names, kinds, order, label). Open: other's columns
 * that *shape lacks are added after its own; a name of both must have
 * one kind, and the label must be the same. */
static int widen(churn_dataset **shape, const churn_dataset *other,
                 int open, churn_error *err)
{
    churn_dataset *o = shape_of(other);
    if (!o)
        return cli_error_set(err, CHURN_ENOMEM, "out of memory");
    int rc = CHURN_OK;
    size_t d = churn_dataset_n_cols(*shape), extra = 0;
    for (size_t j = 0; open && j < churn_dataset_n_cols(o); j++) {
        const char *name = churn_dataset_column_name(o, j);
        size_t k = churn_dataset_column_index(*shape, name);
        if (k == (size_t)-1)
            extra++;
        else if (churn_dataset_column_kind(*shape, k) !=
                 churn_dataset_column_kind(o, j))
            rc = cli_error_set(err, CHURN_EFORMAT, "column '%s' is numeric "
                               "in one shard but text in another", name);
    }
    const char *la = churn_dataset_label_name(*shape);
    const char *lb = churn_dataset_label_name(o);
    if (rc == CHURN_OK && !open) {
        rc = churn_dataset_append(*shape, o, err); /* it names the first
                                                      difference */
    } else if (rc == CHURN_OK &&
               !(la == lb || (la && lb && strcmp(la, lb) == 0))) {
        rc = cli_error_set(err, CHURN_EFORMAT, "the label column is '%s' in "
                           "one shard but '%s' in another", la ? la : "",
                           lb ? lb : "");
    } else if (rc == CHURN_OK && extra > 0) {
        churn_dataset *w = churn_dataset_new(d + extra);
        const char *label = churn_dataset_label_name(*shape);
        if (!w || (label && churn_dataset_set_label_name(w, label, err)) ||
            churn_dataset_set_id_name(w, churn_dataset_id_name(*shape), err))
            rc = cli_error_set(err, CHURN_ENOMEM, "out of memory");
        for (size_t j = 0; rc == CHURN_OK && j < d; j++)
            rc = churn_dataset_set_column(
                w, j, churn_dataset_column_name(*shape, j),
                churn_dataset_column_kind(*shape, j), err);
        for (size_t j = 0, at = d;
             rc == CHURN_OK && j < churn_dataset_n_cols(o); j++) {
            const char *name = churn_dataset_column_name(o, j);
            if (churn_dataset_column_index(*shape, name) == (size_t)-1)
                rc = churn_dataset_set_column(
                    w, at++, name, churn_dataset_column_kind(o, j), err);
        }
        if (rc == CHURN_OK) {
            churn_dataset_free(*shape);
            *shape = w;
        } else {
            churn_dataset_free(w);
        }
    }
    churn_dataset_free(o);
    return rc;
}

/* Value of column j of shape for row i of ds (its column k, or none:
 * (size_t)-1), into *v; categories by text into out's levels. */
static int conform_value(const churn_dataset *ds, size_t i, size_t k,
                         churn_dataset *out, size_t j, double *v,
                         churn_error *err)
{
    /* Only a per-event-name count can be absent from a shard (no customer
     * there had that event): zero of them, as the whole log would say. */
    if (k == (size_t)-1) {
        const char *name = churn_dataset_column_name(out, j);
        *v = 0;
        if (strncmp(name, "events_", 7) != 0)
            return cli_error_set(err, CHURN_EFORMAT, "a shard has no column "
                                 "'%s'", name);
        return CHURN_OK;
    }
    *v = churn_dataset_value(ds, i, k);
    if (churn_dataset_column_kind(ds, k) != CHURN_CATEGORICAL || *v != *v)
        return CHURN_OK;
    return churn_dataset_level_code(out, j,
                                    churn_dataset_level(ds, k, (size_t)*v),
                                    v, err);
}

/* Rebuilds *ds with the columns of shape (a superset of its own), when
 * they differ. */
static int conform(churn_dataset **ds, const churn_dataset *shape,
                   churn_error *err)
{
    size_t d = churn_dataset_n_cols(shape), n = churn_dataset_n_rows(*ds);
    int same = churn_dataset_n_cols(*ds) == d;
    for (size_t j = 0; same && j < d; j++)
        same = strcmp(churn_dataset_column_name(*ds, j),
                      churn_dataset_column_name(shape, j)) == 0;
    if (same)
        return CHURN_OK;
    churn_dataset *out = shape_of(shape);
    size_t *from = malloc((d ? d : 1) * sizeof *from);
    double *row = malloc((d ? d : 1) * sizeof *row);
    int rc = out && from && row ? churn_dataset_reserve(out, n, err)
                                : cli_error_set(err, CHURN_ENOMEM,
                                                "out of memory");
    for (size_t j = 0; rc == CHURN_OK && j < d; j++)
        from[j] = churn_dataset_column_index(
            *ds, churn_dataset_column_name(shape, j));
    for (size_t i = 0; rc == CHURN_OK && i < n; i++) {
        for (size_t j = 0; rc == CHURN_OK && j < d; j++)
            rc = conform_value(*ds, i, from[j], out, j, &row[j], err);
        if (rc == CHURN_OK)
            rc = churn_dataset_add_row(out, churn_dataset_id(*ds, i), row,
                                       churn_dataset_label(*ds, i), err);
        double t = churn_dataset_as_of(*ds, i);
        if (rc == CHURN_OK && t == t)
            rc = churn_dataset_set_as_of(out, i, t, err);
        if (rc == CHURN_OK && churn_dataset_has_days_to_churn(*ds))
            rc = churn_dataset_set_days_to_churn(
                out, i, churn_dataset_days_to_churn(*ds, i), err);
    }
    free(from);
    free(row);
    if (rc != CHURN_OK) {
        churn_dataset_free(out);
        return rc;
    }
    churn_dataset_free(*ds);
    *ds = out;
    return CHURN_OK;
}

/* Reads and joins this rank's shards into *out (NULL when it has none). */
static int join_local(size_t n, cli_shard_reader read, void *ctx,
                      char *const *names, int open, churn_dataset **out,
                      churn_error *err)
{
    churn_dataset *joined = NULL;
    int rc = CHURN_OK;
    for (size_t i = 0; rc == CHURN_OK && i < n; i++) {
        churn_dataset *ds = NULL, *shape = NULL;
        rc = read(ctx, i, &ds, err);
        if (rc != CHURN_OK)
            break;
        if (!joined || churn_dataset_n_rows(joined) == 0) {
            churn_dataset_free(joined); /* a file without rows adds nothing */
            joined = ds;
            continue;
        }
        if (churn_dataset_n_rows(ds) > 0) {
            if (!(shape = shape_of(joined)))
                rc = cli_error_set(err, CHURN_ENOMEM, "out of memory");
            if (rc == CHURN_OK && (rc = widen(&shape, ds, open, err)))
                blame(err, rc, names[i]);
            if (rc == CHURN_OK)
                rc = conform(&joined, shape, err);
            if (rc == CHURN_OK && (rc = conform(&ds, shape, err)))
                blame(err, rc, names[i]);
            if (rc == CHURN_OK && (rc = churn_dataset_append(joined, ds, err)))
                blame(err, rc, names[i]);
        }
        churn_dataset_free(shape);
        churn_dataset_free(ds);
    }
    if (rc != CHURN_OK) {
        churn_dataset_free(joined);
        joined = NULL;
    }
    *out = joined;
    return rc;
}

/* The columns of every rank (all: the gathered bytes, lens[r] from rank
 * r; 0 = no rows), widened in rank order as widen does; *mine is made to
 * have them (an empty dataset of them when it has no rows). */
static int same_columns(const churn_comm *comm, const char *all,
                        const size_t *lens, int open, churn_dataset **mine,
                        churn_error *err)
{
    churn_dataset *shape = NULL;
    int first_rank = -1, rc = CHURN_OK;
    const char *at = all;
    for (int r = 0; rc == CHURN_OK && r < comm->size; at += lens[r], r++) {
        if (lens[r] == 0)
            continue;
        churn_dataset *cols = from_columns(at, lens[r]);
        if (!cols) {
            rc = cli_error_set(err, CHURN_ENOMEM, "out of memory");
        } else if (!shape) {
            shape = cols;
            first_rank = r;
            continue;
        } else if ((rc = widen(&shape, cols, open, err)) != CHURN_OK) {
            char what[64];
            snprintf(what, sizeof what, "the shards of ranks %d and %d differ",
                     first_rank, r);
            blame(err, rc, what);
        }
        churn_dataset_free(cols);
    }
    if (rc == CHURN_OK && shape && churn_dataset_n_rows(*mine) == 0) {
        churn_dataset_free(*mine);
        *mine = shape;
        shape = NULL;
    } else if (rc == CHURN_OK && shape) {
        rc = conform(mine, shape, err);
    }
    churn_dataset_free(shape);
    return rc;
}

int cli_shards_load(const churn_comm *comm, size_t n, cli_shard_reader read,
                    void *ctx, char *const *names, int open,
                    churn_dataset **out, churn_error *err)
{
    churn_comm one;
    comm = or_single(comm, &one);
    *out = NULL;
    churn_dataset *mine = NULL;
    int rc = join_local(n, read, ctx, names, open, &mine, err);
    if (rc == CHURN_OK && !mine && !(mine = churn_dataset_new(0)))
        rc = cli_error_set(err, CHURN_ENOMEM, "out of memory");
    rc = churn_comm_agree(comm, rc, err);
    if (rc != CHURN_OK) {
        churn_dataset_free(mine);
        return rc;
    }
    /* Every rank sends its columns (nothing when it has no rows). */
    size_t len = 0;
    char *cols = churn_dataset_n_rows(mine) > 0 ? columns_of(mine, &len)
                                                : NULL;
    if (churn_dataset_n_rows(mine) > 0 && !cols)
        rc = cli_error_set(err, CHURN_ENOMEM, "out of memory");
    size_t *lens = calloc((size_t)comm->size, sizeof *lens);
    void *all = NULL;
    if (!lens) /* without it this rank cannot take part: end the job */
        cli_fail("out of memory");
    if (comm->size == 1) {
        lens[0] = len;
        all = cols;
        cols = NULL;
    } else if (comm->gather(comm->user, cols ? cols : "", cols ? len : 0, 1,
                            &all, lens) != 0 && rc == CHURN_OK) {
        rc = cli_error_set(err, CHURN_EIO, "the ranks could not exchange "
                                           "their columns");
    }
    if (rc == CHURN_OK)
        rc = same_columns(comm, all, lens, open, &mine, err);
    free(cols);
    free(all);
    free(lens);
    rc = churn_comm_agree(comm, rc, err);
    if (rc != CHURN_OK)
        churn_dataset_free(mine);
    else
        *out = mine;
    return rc;
}

/* ------------------------------------------------------ the tools' shares */

typedef struct csv_ctx {
    const cli_shards *files;
    const churn_csv_opts *opts;
} csv_ctx;

static int read_csv_shard(void *ctx, size_t i, churn_dataset **out,
                          churn_error *err)
{
    const csv_ctx *c = ctx;
    return churn_dataset_read_csv(c->files->paths[i], c->opts, out, err);
}

int cli_shards_csv(const churn_comm *comm, const char *pattern,
                   const churn_csv_opts *o, churn_dataset **out,
                   churn_error *err)
{
    cli_shards files;
    *out = NULL;
    int rc = cli_shards_find(comm, pattern, &files, err);
    if (rc != CHURN_OK)
        return rc;
    csv_ctx ctx = {&files, o};
    rc = cli_shards_load(comm, files.n, read_csv_shard, &ctx, files.paths, 0,
                         out, err);
    cli_shards_free(&files);
    return rc;
}

typedef struct history_ctx {
    const cli_history *h;
    const cli_shards *events, *customers;
} history_ctx;

static int read_history_shard(void *ctx, size_t i, churn_dataset **out,
                              churn_error *err)
{
    history_ctx *c = ctx;
    return cli_history_extract_files(
        c->h, c->events->paths[i],
        c->customers ? c->customers->paths[i] : NULL, out, err);
}

int cli_shards_history(const churn_comm *comm, const cli_history *h,
                       churn_dataset **out, churn_error *err)
{
    cli_shards events, customers;
    memset(&customers, 0, sizeof customers);
    *out = NULL;
    int rc = cli_shards_find(comm, h->events, &events, err);
    if (rc != CHURN_OK)
        return rc;
    if (h->customers &&
        (rc = cli_shards_find(comm, h->customers, &customers, err)) !=
            CHURN_OK) {
        cli_shards_free(&events);
        return rc;
    }
    /* Events shard i goes with customers shard i: as many of each. */
    if (rc == CHURN_OK && h->customers &&
        (customers.total != events.total || customers.n != events.n))
        rc = cli_error_set(err, CHURN_EINVAL,
                           "%zu event files but %zu customer files: each "
                           "events shard needs its customers shard",
                           customers.n != events.n ? events.n : events.total,
                           customers.n != events.n ? customers.n
                                                   : customers.total);
    rc = churn_comm_agree(comm, rc, err);
    if (rc == CHURN_OK) {
        history_ctx ctx = {h, &events, h->customers ? &customers : NULL};
        rc = cli_shards_load(comm, events.n, read_history_shard, &ctx,
                             events.paths, 1, out, err);
    }
    cli_shards_free(&events);
    cli_shards_free(&customers);
    return rc;
}

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

/* Reads and joins this rank's shards into *out (NULL when it has none). */
static int join_local(size_t n, cli_shard_reader read, void *ctx,
                      char *const *names, int open, churn_dataset **out,
                      churn_error *err)
{
    churn_dataset *joined = NULL;
    int rc = CHURN_OK;
    for (size_t i = 0; rc == CHURN_OK && i < n; i++) {
        churn_dataset *ds = NULL;
        rc = read(ctx, i, &ds, err);
        if (rc != CHURN_OK)
            break;
        if (!joined || churn_dataset_n_rows(joined) == 0) {
            churn_dataset_free(joined); /* a file without rows adds nothing */
            joined = ds;
            continue;
        }
        if ((rc = churn_dataset_append_shard(&joined, ds, open, err)))
            blame(err, rc, names[i]);
        churn_dataset_free(ds);
    }
    if (rc != CHURN_OK) {
        churn_dataset_free(joined);
        joined = NULL;
    }
    *out = joined;
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
    if (rc == CHURN_OK)
        rc = churn_datasets_reconcile(comm, &mine, open, err);
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
    cli_table_say_delimiter(c->files->paths[i], c->opts);
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

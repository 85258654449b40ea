/* shards.h - the shard files of one rank of an --mpi run (which files,
 * read and joined), for churn-train, churn-score and churn-features. Uses
 * only the public API and a churn_comm; knows nothing of MPI itself. */
#ifndef CHURN_TOOLS_SHARDS_H
#define CHURN_TOOLS_SHARDS_H

#include "churn.h"
#include "cli.h"

typedef struct cli_shards {
    char **paths; /* this rank's files, in the order they are read */
    size_t n;
    size_t total; /* matches of the pattern over all ranks */
} cli_shards;

/* Collective: this rank's files for pattern. With "{rank}" in pattern,
 * the files matching pattern with the rank (zero-padded to the width of
 * size - 1) in its place, all for this rank: for storage local to each
 * node. Otherwise every match of the glob pattern, sorted by byte value
 * (strcmp), rank r taking matches r, r + size, r + 2 size, ...; every
 * rank must see the same number of matches (shared storage; checked). A
 * rank may get none. No match at all is CHURN_EIO. The status is the
 * same on every rank. */
int cli_shards_find(const churn_comm *comm, const char *pattern,
                    cli_shards *out, churn_error *err);
void cli_shards_free(cli_shards *s);

/* pattern with "{rank}" replaced by this rank, zero-padded to the width of
 * size - 1 (a malloc'd string), or NULL when out of memory. */
char *cli_rank_name(const churn_comm *comm, const char *pattern);

/* Reads shard i into *out (a new dataset) or returns a status. */
typedef int (*cli_shard_reader)(void *ctx, size_t i, churn_dataset **out,
                                churn_error *err);

/* Collective: reads this rank's n shards with read, one by one, and joins
 * them in order (churn_dataset_append; a file without rows adds nothing)
 * into *out, this rank's share. names[i] names shard i in messages. Every
 * rank ends with the same columns (names, kinds, order, label): with open
 * 0, every shard must have them; with open 1 (shards of features
 * extracted from event logs), a column that only some shards have is
 * added after the others (first seen first, in rank order), and the rows
 * without it get 0: only per-event-name counts ("events_*") may be
 * absent, since no customer of that shard had such an event. A rank whose
 * share has no rows gets an empty dataset with the others' columns, so
 * that it can still take part. The status is the same on every rank.
 * The joining is the library's (churn_dataset_append_shard,
 * churn_datasets_reconcile); this adds the files and their names. */
int cli_shards_load(const churn_comm *comm, size_t n, cli_shard_reader read,
                    void *ctx, char *const *names, int open,
                    churn_dataset **out, churn_error *err);

/* Collective: this rank's share of the CSV files of pattern (as
 * cli_shards_find assigns them), each read with o, joined. */
int cli_shards_csv(const churn_comm *comm, const char *pattern,
                   const churn_csv_opts *o, churn_dataset **out,
                   churn_error *err);

/* Collective: this rank's share of features from the history patterns
 * h->events and h->customers (optional): events shard i is extracted with
 * customers shard i, so there must be as many of each, and all events of
 * a customer in one shard. */
int cli_shards_history(const churn_comm *comm, const cli_history *h,
                       churn_dataset **out, churn_error *err);

#endif

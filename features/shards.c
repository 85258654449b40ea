/* shards.c - one dataset from shards of one table: the rows of a shard
 * appended to the rows read so far, and the same columns on every rank of
 * a distributed run (churn_dataset_append_shard, churn_datasets_reconcile).
 * Shards of features extracted from parts of one event log may lack a
 * per-event-name count ("events_*": no customer of that part had such an
 * event); those alone are added, zero where absent. */
#include "ml/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
        churn__fail(err, rc, "%s: %s", what, msg);
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
        return churn__fail_nomem(err);
    int rc = CHURN_OK;
    size_t d = churn_dataset_n_cols(*shape), extra = 0;
    for (size_t j = 0; open && j < churn_dataset_n_cols(o); j++) {
        const char *name = churn_dataset_column_name(o, j);
        size_t k = churn_dataset_column_index(*shape, name);
        if (k == (size_t)-1)
            extra++;
        else if (churn_dataset_column_kind(*shape, k) !=
                 churn_dataset_column_kind(o, j))
            rc = churn__fail(err, CHURN_EFORMAT, "column '%s' is numeric "
                               "in one shard but text in another", name);
    }
    const char *la = churn_dataset_label_name(*shape);
    const char *lb = churn_dataset_label_name(o);
    if (rc == CHURN_OK && !open) {
        rc = churn_dataset_append(*shape, o, err); /* it names the first
                                                      difference */
    } else if (rc == CHURN_OK &&
               !(la == lb || (la && lb && strcmp(la, lb) == 0))) {
        rc = churn__fail(err, CHURN_EFORMAT, "the label column is '%s' in "
                           "one shard but '%s' in another", la ? la : "",
                           lb ? lb : "");
    } else if (rc == CHURN_OK && extra > 0) {
        churn_dataset *w = churn_dataset_new(d + extra);
        const char *label = churn_dataset_label_name(*shape);
        if (!w || (label && churn_dataset_set_label_name(w, label, err)) ||
            churn_dataset_set_id_name(w, churn_dataset_id_name(*shape), err))
            rc = churn__fail_nomem(err);
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
            return churn__fail(err, CHURN_EFORMAT, "a shard has no column "
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
                                : churn__fail(err, CHURN_ENOMEM,
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
            rc = churn__fail_nomem(err);
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

int churn_dataset_append_shard(churn_dataset **dst,
                               const churn_dataset *src, int open,
                               churn_error *err)
{
    if (!dst || !*dst || !src)
        return churn__fail(err, CHURN_EINVAL, "append shard: null argument");
    if (churn_dataset_n_rows(src) == 0)
        return CHURN_OK; /* a file without rows adds nothing */
    if (churn_dataset_n_rows(*dst) == 0) {
        churn_dataset *copy = shape_of(src);
        int rc = copy ? churn_dataset_append(copy, src, err)
                      : churn__fail_nomem(err);
        if (rc != CHURN_OK) {
            churn_dataset_free(copy);
            return rc;
        }
        churn_dataset_free(*dst);
        *dst = copy;
        return CHURN_OK;
    }
    churn_dataset *shape = shape_of(*dst), *ds = NULL;
    int rc = shape ? CHURN_OK : churn__fail_nomem(err);
    if (rc == CHURN_OK)
        rc = widen(&shape, src, open, err);
    if (rc == CHURN_OK)
        rc = conform(dst, shape, err);
    /* src is the caller's: its conformed copy, when its columns differ. */
    if (rc == CHURN_OK && !(ds = shape_of(src)))
        rc = churn__fail_nomem(err);
    if (rc == CHURN_OK)
        rc = churn_dataset_append(ds, src, err);
    if (rc == CHURN_OK)
        rc = conform(&ds, shape, err);
    if (rc == CHURN_OK)
        rc = churn_dataset_append(*dst, ds, err);
    churn_dataset_free(ds);
    churn_dataset_free(shape);
    return rc;
}

int churn_datasets_reconcile(const churn_comm *comm, churn_dataset **ds,
                             int open, churn_error *err)
{
    if (!ds || !*ds)
        return churn__fail(err, CHURN_EINVAL, "reconcile: null argument");
    churn_comm one = {.rank = 0, .size = 1};
    if (!comm)
        comm = &one;
    churn_dataset *mine = *ds;
    int rc = CHURN_OK;
    /* Every rank sends its columns (nothing when it has no rows). */
    size_t len = 0;
    char *cols = churn_dataset_n_rows(mine) > 0 ? columns_of(mine, &len)
                                                : NULL;
    if (churn_dataset_n_rows(mine) > 0 && !cols)
        rc = churn__fail_nomem(err);
    size_t *lens = calloc((size_t)comm->size, sizeof *lens);
    void *all = NULL;
    if (!lens)
        rc = churn__fail_nomem(err);
    /* Before the gather, which every rank must enter: all go on or none. */
    if (comm->size > 1)
        rc = churn_comm_agree(comm, rc, err);
    if (rc == CHURN_OK && comm->size == 1) {
        lens[0] = len;
        all = cols;
        cols = NULL;
    } else if (rc == CHURN_OK &&
               comm->gather(comm->user, cols ? cols : "", cols ? len : 0, 1,
                            &all, lens) != 0) {
        rc = churn__fail(err, CHURN_EIO, "the ranks could not exchange "
                                         "their columns");
    }
    if (rc == CHURN_OK)
        rc = same_columns(comm, all, lens, open, &mine, err);
    free(cols);
    free(all);
    free(lens);
    *ds = mine; /* same_columns may have rebuilt it */
    return churn_comm_agree(comm, rc, err);
}

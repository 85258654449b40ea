/* comm.c - collective calls over a caller's churn_comm, and the status
 * agreement that makes one rank's failure the whole job's. */
#include "ml/comm.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int churn__comm_spans(const churn_comm *comm)
{
    return comm && comm->size > 1;
}

int churn__comm_reduce(const churn_comm *comm, double *v, size_t n,
                       churn_reduce_op op, churn_error *err)
{
    if (!churn__comm_spans(comm) || n == 0)
        return CHURN_OK;
    if (comm->allreduce(comm->user, v, n, op) != 0)
        return churn__fail(err, CHURN_EIO,
                           "rank %d: combining %zu values across %d ranks "
                           "failed", comm->rank, n, comm->size);
    return CHURN_OK;
}

int churn__comm_gather(const churn_comm *comm, const void *mine, size_t len,
                       int to_all, void **out, size_t *lens,
                       churn_error *err)
{
    *out = NULL;
    if (!churn__comm_spans(comm)) {
        *out = malloc(len ? len : 1);
        if (!*out)
            return churn__fail_nomem(err);
        if (len)
            memcpy(*out, mine, len);
        lens[0] = len;
        return CHURN_OK;
    }
    if (comm->gather(comm->user, mine, len, to_all, out, lens) != 0)
        return churn__fail(err, CHURN_EIO,
                           "rank %d: gathering data from %d ranks failed",
                           comm->rank, comm->size);
    return CHURN_OK;
}

int churn__comm_from_root(const churn_comm *comm, double *v, size_t n,
                          churn_error *err)
{
    if (!churn__comm_spans(comm))
        return CHURN_OK;
    if (comm->rank != 0)
        memset(v, 0, n * sizeof *v);
    return churn__comm_reduce(comm, v, n, CHURN_REDUCE_SUM, err);
}

int churn__comm_offset(const churn_comm *comm, size_t n, size_t *offset,
                       size_t *total, churn_error *err)
{
    *offset = 0;
    *total = n;
    if (!churn__comm_spans(comm))
        return CHURN_OK;
    double *count = calloc((size_t)comm->size, sizeof *count);
    int rc = churn_comm_agree(comm, count ? CHURN_OK
                                          : churn__fail_nomem(err), err);
    if (rc == CHURN_OK) {
        count[comm->rank] = (double)n;
        rc = churn__comm_reduce(comm, count, (size_t)comm->size,
                                CHURN_REDUCE_SUM, err);
    }
    for (int r = 0; rc == CHURN_OK && r < comm->size; r++) {
        *offset += r < comm->rank ? (size_t)count[r] : 0;
        *total += r != comm->rank ? (size_t)count[r] : 0;
    }
    free(count);
    return rc;
}

/* What a rank tells the others when some rank failed: its status and its
 * error, as plain bytes (every rank runs the same build). */
typedef struct verdict {
    int32_t status;
    churn_error err;
} verdict;

/* err (may be NULL) := v's error, its message prefixed "rank R: " when
 * rank >= 0. */
static void blame(churn_error *err, int rank, const verdict *v)
{
    if (!err)
        return;
    churn_error e = v->err;
    e.message[sizeof e.message - 1] = '\0';
    e.file[sizeof e.file - 1] = '\0';
    *err = e;
    err->code = v->status;
    if (rank < 0)
        return;
    char prefix[32];
    int n = snprintf(prefix, sizeof prefix, "rank %d: ", rank);
    size_t np = n > 0 ? (size_t)n : 0, room = sizeof err->message - 1;
    size_t nm = strlen(e.message);
    if (np + nm > room)
        nm = room - np;
    memcpy(err->message, prefix, np);
    memcpy(err->message + np, e.message, nm);
    err->message[np + nm] = '\0';
}

int churn_comm_agree(const churn_comm *comm, int status, churn_error *err)
{
    if (!churn__comm_spans(comm))
        return status;
    double failed = status != CHURN_OK;
    if (comm->allreduce(comm->user, &failed, 1, CHURN_REDUCE_SUM) != 0)
        return churn__fail(err, CHURN_EIO,
                           "rank %d: the status exchange failed",
                           comm->rank);
    if (failed == 0)
        return CHURN_OK;
    /* Some rank failed: every rank learns who, and why. */
    verdict mine;
    memset(&mine, 0, sizeof mine);
    mine.status = status;
    if (status != CHURN_OK && err)
        mine.err = *err;
    size_t *lens = calloc((size_t)comm->size, sizeof *lens);
    void *all = NULL;
    if (!lens)
        return churn__fail_nomem(err);
    int rc = churn__comm_gather(comm, &mine, sizeof mine, 1, &all, lens,
                                err);
    if (rc != CHURN_OK) {
        free(lens);
        return rc;
    }
    /* The lowest failing rank's verdict. When every rank failed, the
     * failure is the job's (a verdict they had agreed on before, or a
     * check of combined values): it needs no rank named. */
    const unsigned char *at = all;
    for (int r = 0; r < comm->size; at += lens[r], r++) {
        verdict v;
        if (lens[r] != sizeof v)
            continue;
        memcpy(&v, at, sizeof v);
        if (v.status != CHURN_OK) {
            blame(err, failed == comm->size ? -1 : r, &v);
            rc = v.status;
            break;
        }
    }
    free(all);
    free(lens);
    return rc != CHURN_OK ? rc
                          : churn__fail(err, CHURN_EIO, "a rank failed and "
                                        "sent no verdict");
}

/* thread_comm.c - see thread_comm.h. Every collective is three barriers:
 * post, combine (rank 0), collect. */
#include "thread_comm.h"

#include <assert.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define TC_MAX_RANKS 16

typedef struct shared {
    int size;
    pthread_barrier_t barrier;
    const void *posted[TC_MAX_RANKS];
    size_t posted_len[TC_MAX_RANKS];
    double *combined;
    int failed; /* rank 0 could not allocate: every rank reports it */
} shared;

typedef struct rank_ctx {
    shared *sh;
    churn_comm comm;
    tc_body body;
    void *arg;
} rank_ctx;

static void wait_all(shared *sh) { pthread_barrier_wait(&sh->barrier); }

static int tc_allreduce(void *user, double *v, size_t n, churn_reduce_op op)
{
    rank_ctx *rc = user;
    shared *sh = rc->sh;
    sh->posted[rc->comm.rank] = v;
    sh->posted_len[rc->comm.rank] = n;
    wait_all(sh);
    if (rc->comm.rank == 0) {
        /* Out of memory (the fault sweep makes it so) fails the exchange
         * on every rank, as a message layer would. */
        double *c = malloc((n ? n : 1) * sizeof *c);
        sh->failed = !c;
        for (int r = 0; c && r < sh->size; r++)
            assert(sh->posted_len[r] == n);
        if (c)
            memcpy(c, sh->posted[0], n * sizeof *c);
        for (int r = 1; c && r < sh->size; r++) {
            const double *x = sh->posted[r];
            for (size_t i = 0; i < n; i++)
                c[i] = op == CHURN_REDUCE_SUM   ? c[i] + x[i]
                       : op == CHURN_REDUCE_MAX ? (x[i] > c[i] ? x[i] : c[i])
                                                : (x[i] < c[i] ? x[i] : c[i]);
        }
        sh->combined = c;
    }
    wait_all(sh);
    double *c = sh->combined;
    int failed = sh->failed;
    wait_all(sh); /* rank 0 must not free before everyone has the pointer */
    if (!failed)
        memcpy(v, c, n * sizeof *v);
    wait_all(sh);
    if (rc->comm.rank == 0)
        free(c);
    return failed;
}

static int tc_gather(void *user, const void *mine, size_t len, int to_all,
                     void **out, size_t *lens)
{
    rank_ctx *rc = user;
    shared *sh = rc->sh;
    sh->posted[rc->comm.rank] = mine;
    sh->posted_len[rc->comm.rank] = len;
    wait_all(sh);
    *out = NULL;
    char *buf = NULL;
    int wants = to_all || rc->comm.rank == 0, failed = 0;
    if (wants) {
        size_t total = 0;
        for (int r = 0; r < sh->size; r++)
            total += lens[r] = sh->posted_len[r];
        buf = malloc(total ? total : 1);
        size_t at = 0;
        for (int r = 0; buf && r < sh->size; r++) {
            if (lens[r])
                memcpy(buf + at, sh->posted[r], lens[r]);
            at += lens[r];
        }
        if (!buf)
            sh->failed = 1; /* any rank: told to all below */
    }
    wait_all(sh); /* the posted buffers may be freed after this */
    failed = sh->failed;
    wait_all(sh);
    if (rc->comm.rank == 0)
        sh->failed = 0;
    wait_all(sh);
    if (failed) {
        free(buf);
        return 1;
    }
    *out = buf;
    return 0;
}

static void *run_rank(void *p)
{
    rank_ctx *rc = p;
    rc->body(&rc->comm, rc->arg);
    return NULL;
}

void tc_run(int n_ranks, tc_body body, void **args)
{
    assert(n_ranks >= 1 && n_ranks <= TC_MAX_RANKS);
    shared sh;
    memset(&sh, 0, sizeof sh);
    sh.size = n_ranks;
    pthread_barrier_init(&sh.barrier, NULL, (unsigned)n_ranks);
    rank_ctx ctx[TC_MAX_RANKS];
    pthread_t th[TC_MAX_RANKS];
    for (int r = 0; r < n_ranks; r++) {
        ctx[r] = (rank_ctx){&sh,
                            {r, n_ranks, tc_allreduce, tc_gather, &ctx[r]},
                            body,
                            args ? args[r] : NULL};
        int rc = pthread_create(&th[r], NULL, run_rank, &ctx[r]);
        assert(rc == 0);
        (void)rc;
    }
    for (int r = 0; r < n_ranks; r++)
        pthread_join(th[r], NULL);
    pthread_barrier_destroy(&sh.barrier);
}

/* mpi.c - churn_comm over MPI_COMM_WORLD (see mpi.h). Compiled with mpicc
 * and CHURN_MPI=1 when MPI is on; without it, only the error remains. */
#include "mpi.h"
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "--mpi" among the arguments. */
static int wants_mpi(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--mpi") == 0)
            return 1;
    return 0;
}

#if CHURN_MPI

#include <limits.h>
#include <mpi.h>
#include <stdint.h>

/* Elements per MPI call: counts are ints. */
#define CHUNK (1 << 30)

int cli_mpi_built(void) { return 1; }

static MPI_Op mpi_op(churn_reduce_op op)
{
    return op == CHURN_REDUCE_SUM ? MPI_SUM
           : op == CHURN_REDUCE_MAX ? MPI_MAX : MPI_MIN;
}

/* Reduce to rank 0, then broadcast: every rank gets rank 0's bits (an
 * MPI_Allreduce may combine in a different order on each rank). */
static int mpi_allreduce(void *user, double *v, size_t n, churn_reduce_op op)
{
    (void)user;
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    for (size_t at = 0; at < n; at += CHUNK) {
        int count = (int)(n - at < CHUNK ? n - at : CHUNK);
        int rc = rank == 0
                     ? MPI_Reduce(MPI_IN_PLACE, v + at, count, MPI_DOUBLE,
                                  mpi_op(op), 0, MPI_COMM_WORLD)
                     : MPI_Reduce(v + at, NULL, count, MPI_DOUBLE,
                                  mpi_op(op), 0, MPI_COMM_WORLD);
        if (rc == MPI_SUCCESS)
            rc = MPI_Bcast(v + at, count, MPI_DOUBLE, 0, MPI_COMM_WORLD);
        if (rc != MPI_SUCCESS)
            return 1;
    }
    return 0;
}

/* Large gathers (more than INT_MAX bytes in all): rank by rank, in
 * pieces of CHUNK bytes, to rank 0; then broadcast when to_all. */
static int gather_large(const void *mine, int to_all, char *buf,
                        const size_t *lens, int rank, int size)
{
    int rc = MPI_SUCCESS;
    size_t at = 0;
    for (int r = 0; r < size && rc == MPI_SUCCESS; at += lens[r], r++) {
        for (size_t k = 0; k < lens[r] && rc == MPI_SUCCESS; k += CHUNK) {
            int count = (int)(lens[r] - k < CHUNK ? lens[r] - k : CHUNK);
            if (r == 0 && rank == 0)
                memcpy(buf + k, (const char *)mine + k, (size_t)count);
            else if (rank == 0)
                rc = MPI_Recv(buf + at + k, count, MPI_BYTE, r, 0,
                              MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            else if (rank == r)
                rc = MPI_Send((const char *)mine + k, count, MPI_BYTE, 0, 0,
                              MPI_COMM_WORLD);
        }
    }
    if (to_all)
        for (size_t k = 0; k < at && rc == MPI_SUCCESS; k += CHUNK)
            rc = MPI_Bcast(buf + k, (int)(at - k < CHUNK ? at - k : CHUNK),
                           MPI_BYTE, 0, MPI_COMM_WORLD);
    return rc == MPI_SUCCESS ? 0 : 1;
}

/* A few bytes per rank that a collective cannot go on without: out of
 * memory there ends the job (exit status 11, as for CHURN_ENOMEM). */
static void *must_alloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "%s: out of memory\n", cli_tool);
        MPI_Abort(MPI_COMM_WORLD, 11);
    }
    return p;
}

static int mpi_gather(void *user, const void *mine, size_t len, int to_all,
                      void **out, size_t *lens)
{
    (void)user;
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    *out = NULL;
    /* Every rank learns every length: they decide the path taken. */
    unsigned long long my_len = len;
    unsigned long long *all_len = must_alloc((size_t)size * sizeof *all_len);
    size_t *sizes = must_alloc((size_t)size * sizeof *sizes);
    int *counts = must_alloc((size_t)size * sizeof *counts);
    int *displs = must_alloc((size_t)size * sizeof *displs);
    int rc = MPI_Allgather(&my_len, 1, MPI_UNSIGNED_LONG_LONG, all_len, 1,
                           MPI_UNSIGNED_LONG_LONG, MPI_COMM_WORLD) !=
             MPI_SUCCESS;
    size_t total = 0;
    int fits = 1;
    for (int r = 0; !rc && r < size; r++) {
        sizes[r] = (size_t)all_len[r];
        fits = fits && total + sizes[r] <= INT_MAX;
        counts[r] = fits ? (int)sizes[r] : 0;
        displs[r] = fits ? (int)total : 0;
        total += sizes[r];
    }
    /* The receive buffer may be large: a rank without room says so, and
     * every rank returns the failure instead of waiting. */
    char *buf = NULL;
    if (!rc) {
        int failed = (to_all || rank == 0) && !(buf = malloc(total ? total
                                                                   : 1));
        rc = MPI_Allreduce(MPI_IN_PLACE, &failed, 1, MPI_INT, MPI_MAX,
                           MPI_COMM_WORLD) != MPI_SUCCESS || failed;
    }
    if (!rc && fits && to_all)
        rc = MPI_Allgatherv(mine, (int)len, MPI_BYTE, buf, counts, displs,
                            MPI_BYTE, MPI_COMM_WORLD) != MPI_SUCCESS;
    else if (!rc && fits)
        rc = MPI_Gatherv(mine, (int)len, MPI_BYTE, buf, counts, displs,
                         MPI_BYTE, 0, MPI_COMM_WORLD) != MPI_SUCCESS;
    else if (!rc)
        rc = gather_large(mine, to_all, buf, sizes, rank, size);
    if (!rc && (to_all || rank == 0)) {
        memcpy(lens, sizes, (size_t)size * sizeof *lens);
        *out = buf;
        buf = NULL;
    }
    free(buf);
    free(all_len);
    free(sizes);
    free(counts);
    free(displs);
    return rc;
}

static churn_comm world;

static void finish(void)
{
    int done = 0;
    MPI_Finalized(&done);
    if (!done)
        MPI_Finalize();
}

const churn_comm *cli_mpi_start(int *argc, char ***argv)
{
    if (!wants_mpi(*argc, *argv))
        return NULL;
    if (MPI_Init(argc, argv) != MPI_SUCCESS) {
        fprintf(stderr, "%s: MPI could not start\n", cli_tool);
        exit(1);
    }
    atexit(finish);
    MPI_Comm_rank(MPI_COMM_WORLD, &world.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &world.size);
    world.allreduce = mpi_allreduce;
    world.gather = mpi_gather;
    world.user = NULL;
    cli_silent = world.rank != 0;
    return &world;
}

#else /* built without MPI */

int cli_mpi_built(void) { return 0; }

const churn_comm *cli_mpi_start(int *argc, char ***argv)
{
    if (!wants_mpi(*argc, *argv))
        return NULL;
    fprintf(stderr, "%s: --mpi: built without MPI; install it with "
                    "tools/install-deps --mpi and rebuild\n", cli_tool);
    exit(2);
}

#endif

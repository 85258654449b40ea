/* thread_comm.h - a churn_comm whose ranks are threads of one process:
 * distributed runs tested without MPI. */
#ifndef CHURN_TESTS_THREAD_COMM_H
#define CHURN_TESTS_THREAD_COMM_H

#include "churn.h"

/* The work of one rank: comm is its own (rank, size, collectives); arg is
 * args[rank] of tc_run. */
typedef void (*tc_body)(const churn_comm *comm, void *arg);

/* Runs body on n_ranks threads at once, thread r as rank r, and waits for
 * them all. Each rank must make the same sequence of collective calls.
 * Combining is done by rank 0 in rank order, so every rank gets the same
 * bits. */
void tc_run(int n_ranks, tc_body body, void **args);

#endif

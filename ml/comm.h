/* comm.h - the library's side of churn_comm (churn.h): the collective
 * calls every distributed computation goes through. A NULL comm, or one of
 * size 1, is a single process: every call then leaves its data as it is.
 * Internal: not installed, names are churn__*. */
#ifndef CHURN_ML_COMM_H
#define CHURN_ML_COMM_H

#include "ml/internal.h"

/* 1 when comm spans more than one process. */
int churn__comm_spans(const churn_comm *comm);

/* comm->allreduce on v[0..n), or nothing for a single process. A failed
 * exchange is CHURN_EIO. */
int churn__comm_reduce(const churn_comm *comm, double *v, size_t n,
                       churn_reduce_op op, churn_error *err);

/* comm->gather, or for a single process a malloc'd copy of mine with
 * lens[0] = len. A failed exchange is CHURN_EIO, no memory
 * CHURN_ENOMEM. */
int churn__comm_gather(const churn_comm *comm, const void *mine, size_t len,
                       int to_all, void **out, size_t *lens,
                       churn_error *err);

/* Rank 0's v[0..n) on every rank (its values summed with zeros, which
 * leaves them exact), or nothing for a single process. For a step every
 * rank must take alike even where BLAS on different processors would
 * round a factorization differently. */
int churn__comm_from_root(const churn_comm *comm, double *v, size_t n,
                          churn_error *err);

/* This rank's n rows in the job: *offset, the rows of the ranks before
 * it, and *total, the rows of every rank. A single process: 0 and n. */
int churn__comm_offset(const churn_comm *comm, size_t n, size_t *offset,
                       size_t *total, churn_error *err);

#endif

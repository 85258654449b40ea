/* mpi.h - the tools' --mpi mode: a churn_comm over MPI_COMM_WORLD when
 * the tools are built with MPI (make MPI=1, or mpicc on PATH), else a
 * clear error. Only the tools link MPI; libchurn stays free of it. */
#ifndef CHURN_TOOLS_MPI_H
#define CHURN_TOOLS_MPI_H

#include "churn.h"

/* 1 when these tools were built with MPI. */
int cli_mpi_built(void);

/* Call first in main. When argv holds "--mpi": starts MPI (finalized at
 * exit), silences the messages of every rank but 0 (cli_silent) and
 * returns this process's comm; built without MPI, says how to get it
 * and exits 2. Without "--mpi": returns NULL (a single process). */
const churn_comm *cli_mpi_start(int *argc, char ***argv);

#endif

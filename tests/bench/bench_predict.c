/* bench_predict.c - in-memory scoring throughput of churn_model_predict;
 * built by `make bench` (not by `make check`), run by tests/bench/run.
 *
 *   build/bench/bench_predict MODEL.churn [ROWS [REPS]]   (1000000, 3)
 *
 * Fills a ROWS x inputs row-major array with standard normal values (the
 * tabular benchmark data are standard normal too), then times REPS calls
 * of churn_model_predict over all rows. Prints one line per repetition:
 *   predict rows=R inputs=D seconds=S rows_per_s=X checksum=C
 * (the checksum, a sum of the probabilities, keeps the work observable).
 * Pin it (taskset -c 0, OPENBLAS_NUM_THREADS=1) for a per-core figure. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */

#include "churn.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* xorshift64*: a uniform in (0, 1); quality is beside the point here. */
static double uniform(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return ((double)((*s * 2685821657736338717ull) >> 11) + 0.5) * 0x1p-53;
}

/* Standard normal values by Box-Muller. */
static void fill_normal(double *x, size_t n)
{
    uint64_t s = 88172645463325252ull;
    const double two_pi = 6.283185307179586;
    for (size_t i = 0; i < n; i += 2) {
        double r = sqrt(-2 * log(uniform(&s))), a = two_pi * uniform(&s);
        x[i] = r * cos(a);
        if (i + 1 < n)
            x[i + 1] = r * sin(a);
    }
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 4) {
        fprintf(stderr, "usage: bench_predict MODEL.churn [ROWS [REPS]]\n");
        return 2;
    }
    size_t rows = argc > 2 ? strtoul(argv[2], NULL, 10) : 1000000;
    int reps = argc > 3 ? (int)strtol(argv[3], NULL, 10) : 3;
    churn_error err;
    churn_model *m = NULL;
    if (churn_model_load(argv[1], &m, &err) != CHURN_OK) {
        fprintf(stderr, "bench_predict: %s\n", err.message);
        return 1;
    }
    size_t d = churn_model_n_inputs(m);
    double *x = malloc(rows * (d ? d : 1) * sizeof *x);
    double *p = malloc((rows ? rows : 1) * sizeof *p);
    if (!x || !p || rows == 0) {
        fprintf(stderr, "bench_predict: out of memory or no rows\n");
        return 1;
    }
    fill_normal(x, rows * d);
    for (int r = 0; r < reps; r++) {
        double t0 = seconds();
        int rc = churn_model_predict(m, x, rows, p, &err);
        double t = seconds() - t0;
        if (rc != CHURN_OK) {
            fprintf(stderr, "bench_predict: %s\n", err.message);
            return 1;
        }
        double sum = 0;
        for (size_t i = 0; i < rows; i++)
            sum += p[i];
        printf("predict rows=%zu inputs=%zu seconds=%.6f rows_per_s=%.0f "
               "checksum=%.6f\n", rows, d, t, (double)rows / t, sum);
    }
    free(x);
    free(p);
    churn_model_free(m);
    return 0;
}

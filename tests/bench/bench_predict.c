/* bench_predict.c - rows per second of churn_model_predict in memory, on
 * random raw rows (some missing) for a model's inputs; not part of
 * `make check`.
 *
 *   make
 *   cc -std=c11 -O2 -Iml -o build/bench_predict tests/bench/bench_predict.c \
 *      build/libchurn.a -lgsl -ljansson -lopenblas -lsvm -lz -lm -lpthread
 *   build/bench_predict MODEL.churn [rows [repetitions]]  (1000000 5)
 *
 * Prints the median rows per CPU second of one thread and a checksum of
 * the probabilities (equal checksums: equal results). */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */

#include "churn.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* CPU seconds of this thread: on a shared machine the wall clock also
 * counts the time other processes hold the core. */
static double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_predict MODEL.churn [rows [reps]]\n");
        return 2;
    }
    size_t n = argc > 2 ? strtoul(argv[2], NULL, 10) : 1000000;
    int reps = argc > 3 ? atoi(argv[3]) : 5;
    churn_error err;
    churn_model *m;
    if (churn_model_load(argv[1], &m, &err) != CHURN_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    size_t d = churn_model_n_inputs(m);
    double *x = malloc(n * d * sizeof *x), *p = malloc(n * sizeof *p);
    double *t = malloc((size_t)(reps > 0 ? reps : 1) * sizeof *t);
    if (!x || !p || !t || reps < 1)
        return 1;
    uint64_t seed = 1;
    for (size_t i = 0; i < n * d; i++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        double u = (double)(seed >> 11) / 9007199254740992.0;
        x[i] = u < 0.01 ? NAN : 100 * u - 20;
    }
    for (int r = 0; r < reps; r++) {
        double t0 = seconds();
        if (churn_model_predict(m, x, n, p, &err) != CHURN_OK) {
            fprintf(stderr, "%s\n", err.message);
            return 1;
        }
        t[r] = seconds() - t0;
    }
    qsort(t, (size_t)reps, sizeof *t, by_value);
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += p[i] * (double)(i % 1000 + 1);
    printf("%s: %zu rows x %zu inputs, %s: median %.3f s, %.2fM rows/s "
           "(1 thread, CPU time), checksum %.17g\n", argv[1], n, d,
           churn_model_family(m), t[reps / 2], (double)n / t[reps / 2] / 1e6,
           sum);
    free(x);
    free(p);
    free(t);
    churn_model_free(m);
    return 0;
}

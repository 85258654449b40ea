/* bench_logistic.c - times the logistic regression solver on generated
 * n x d data; not part of `make check`.
 *
 *   make bench            (builds it as build/bench/bench_logistic)
 *   build/bench/bench_logistic [n d [C [libsvm-file]]]  (200000 40 1)
 *
 * With a file name it also writes the rows in libsvm format, for
 *   time liblinear-train -s 0 -c C -B 1 file /dev/null
 * (liblinear's bias is regularized, so its answer differs slightly). */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */

#include "models/logistic.h"
#include "../helpers/logistic_rows.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int write_libsvm(const char *path, const double *x, const double *y,
                        size_t n, size_t d)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    for (size_t i = 0; i < n; i++) {
        fprintf(f, "%s", y[i] != 0 ? "+1" : "-1");
        for (size_t j = 0; j < d; j++)
            fprintf(f, " %zu:%.17g", j + 1, x[i * d + j]);
        fputc('\n', f);
    }
    return fclose(f);
}

static double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 200000;
    size_t d = argc > 2 ? strtoul(argv[2], NULL, 10) : 40;
    double c = argc > 3 ? strtod(argv[3], NULL) : 1.0;
    double *x = malloc(n * d * sizeof *x), *y = malloc(n * sizeof *y);
    double *w = malloc((d ? d : 1) * sizeof *w), b = 0;
    churn__logistic_params p;
    churn__logistic_info info;
    churn_error err;
    if (!x || !y || !w)
        return 1;
    lr_make_rows(n, d, x, y);
    if (argc > 4 && write_libsvm(argv[4], x, y, n, d) != 0) {
        perror(argv[4]);
        return 1;
    }
    churn__logistic_params_default(&p);
    p.c = c;
    for (int path = 0; path < 2; path++) {
        p.wide_threshold = path ? 0 : 1000;
        double t0 = seconds();
        int rc = churn__logistic_fit(x, n, d, y, NULL, &p, w, &b, &info,
                                     &err);
        double t1 = seconds();
        printf("%s: %zu x %zu, C=%g: %s, %zu iterations, %.3f s, "
               "objective %.10g, |gradient| %.2g, w[0] %.8g, b %.8g\n",
               path ? "newton-cg" : "cholesky", n, d, c,
               rc == CHURN_OK ? "ok" : err.message, info.iterations, t1 - t0,
               info.objective, info.grad_norm, w[0], b);
    }
    free(x);
    free(y);
    free(w);
    return 0;
}

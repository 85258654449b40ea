/* bench_parse.c - decimal parsing speed: churn__parse_double (what every
 * reader calls) against strtod on the same texts; built by `make bench`
 * (not by `make check`), run by tests/bench/run.
 *
 *   build/bench/bench_parse [N [REPS]]   (1000000 texts, 3 repetitions)
 *
 * Four kinds of texts, N of each, as the readers meet them: counts
 * ("0" to "999", event values), amounts ("%.2f", prices), Unix seconds
 * ("1709251200") and round-trip doubles ("%.17g", feature files and
 * tables). strtod gets each text NUL-terminated, as it needs (the readers'
 * fields are not, so calling it there costs a copy too, not counted
 * here). Prints one line per kind, the best of REPS passes:
 *   parse kind=K n=N churn_ns=X strtod_ns=Y speedup=Y/X same=1
 * where same=1 says every result had strtod's bits. Pin it (taskset -c 0)
 * for a per-core figure. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */

#include "ml/internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TEXT_MAX 32 /* every text below is shorter */

static double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static uint64_t next(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ull;
}

/* Text i of a kind into buf (TEXT_MAX bytes). */
static void make_text(int kind, uint64_t *seed, char *buf)
{
    uint64_t r = next(seed);
    switch (kind) {
    case 0:
        snprintf(buf, TEXT_MAX, "%u", (unsigned)(r % 1000));
        break;
    case 1:
        snprintf(buf, TEXT_MAX, "%.2f", (double)(r % 100000) / 100 + 0.001);
        break;
    case 2:
        snprintf(buf, TEXT_MAX, "%llu",
                 (unsigned long long)(1600000000 + r % 200000000));
        break;
    default: {
        double x = (double)(r >> 11) * 0x1p-53 * 1000.0;
        char t[TEXT_MAX];
        for (int p = 15; p <= 17; p++) { /* shortest round trip */
            snprintf(t, sizeof t, "%.*g", p, x);
            if (strtod(t, NULL) == x)
                break;
        }
        memcpy(buf, t, TEXT_MAX);
    }
    }
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
    int reps = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 3;
    static const char *kinds[] = {"counts", "amounts", "unix_seconds",
                                  "doubles"};
    char *texts = malloc(n * TEXT_MAX);
    size_t *lens = malloc(n * sizeof *lens);
    double *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    if (!texts || !lens || !a || !b || n == 0 || reps < 1) {
        fprintf(stderr, "bench_parse: out of memory or bad arguments\n");
        return 1;
    }
    uint64_t seed = 88172645463325252ull;
    for (int kind = 0; kind < 4; kind++) {
        for (size_t i = 0; i < n; i++) {
            make_text(kind, &seed, texts + i * TEXT_MAX);
            lens[i] = strlen(texts + i * TEXT_MAX);
        }
        double best_churn = 1e300, best_strtod = 1e300;
        size_t bad = 0;
        for (int rep = 0; rep < reps; rep++) {
            double t0 = seconds();
            for (size_t i = 0; i < n; i++)
                bad += !churn__parse_double(texts + i * TEXT_MAX, lens[i],
                                            &a[i]);
            double t1 = seconds();
            for (size_t i = 0; i < n; i++) {
                char *end;
                b[i] = strtod(texts + i * TEXT_MAX, &end);
                bad += end != texts + i * TEXT_MAX + lens[i];
            }
            double t2 = seconds();
            if (t1 - t0 < best_churn)
                best_churn = t1 - t0;
            if (t2 - t1 < best_strtod)
                best_strtod = t2 - t1;
        }
        int same = bad == 0 && memcmp(a, b, n * sizeof *a) == 0;
        printf("parse kind=%s n=%zu churn_ns=%.2f strtod_ns=%.2f "
               "speedup=%.2f same=%d\n",
               kinds[kind], n, 1e9 * best_churn / (double)n,
               1e9 * best_strtod / (double)n, best_strtod / best_churn, same);
    }
    free(texts);
    free(lens);
    free(a);
    free(b);
    return 0;
}

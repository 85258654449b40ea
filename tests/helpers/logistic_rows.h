/* logistic_rows.h - deterministic generated rows for the logistic
 * regression test and benchmark (the same rows in both). */
#ifndef CHURN_LOGISTIC_ROWS_H
#define CHURN_LOGISTIC_ROWS_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

/* A uniform double in [0, 1) from a 64-bit LCG (Knuth's MMIX constants). */
static inline double lr_uniform(uint64_t *state)
{
    *state = *state * 6364136223846793005u + 1442695040888963407u;
    return (double)(*state >> 11) * 0x1.0p-53;
}

/* n x d features in [-1, 1] (each odd column leaning on the one before)
 * into x, and 0/1 labels drawn from a logistic model with mixed-sign
 * weights into y. */
static inline void lr_make_rows(size_t n, size_t d, double *x, double *y)
{
    uint64_t state = 12345;
    for (size_t i = 0; i < n; i++) {
        double margin = -0.5;
        for (size_t j = 0; j < d; j++) {
            double v = 2 * lr_uniform(&state) - 1;
            if (j % 2 == 1)
                v += 0.5 * x[i * d + j - 1];
            x[i * d + j] = v;
            margin += 0.3 * ((double)(j % 5) - 2) * v;
        }
        y[i] = lr_uniform(&state) < 1 / (1 + exp(-margin));
    }
}

#endif

/* ring_rows.h - deterministic rows with a ring-shaped churn region, for
 * the rbf-approx tests (test_rff.c, test_nystroem.c). */
#ifndef CHURN_RING_ROWS_H
#define CHURN_RING_ROWS_H

#include "logistic_rows.h"

/* n rows of dim uniform [-1, 1) inputs; churn is likely inside a ring
 * of the first two (radius 0.45 to 0.85), with 10 % label noise, which
 * no linear model sees. */
static inline void ring_rows(size_t n, size_t dim, uint64_t seed, double *z,
                             double *y)
{
    uint64_t state = seed;
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < dim; k++)
            z[i * dim + k] = lr_uniform(&state) * 2 - 1;
        double r2 = z[i * dim] * z[i * dim] + z[i * dim + 1] * z[i * dim + 1];
        int inside = r2 > 0.45 * 0.45 && r2 < 0.85 * 0.85;
        y[i] = inside != (lr_uniform(&state) < 0.1);
    }
}

#endif

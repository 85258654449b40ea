/* pipeline_linear.c - the pipeline followed by a linear function, fused:
 * b + sum_k w[k] z[k] of many raw rows, rows side by side in vector
 * lanes, no z written (churn_model_predict's path for linear models). */
#include "ml/pipeline_impl.h"

#include <stdint.h>

#if !defined(__GNUC__)
#error "pipeline_linear.c needs GCC's vector extension (GCC or clang)"
#endif

/* Rows ahead whose cache lines are asked for while a group is summed.
 * The kernel reads a group's rows element by element across rows, a
 * pattern the hardware prefetcher does not follow: without this each
 * group waited on memory, and a million rows of 40 inputs scored at half
 * the speed (measured on AVX-512, 16 to 256 rows ahead alike). */
#define PREFETCH_ROWS 16
/* Bytes per cache line on the x86-64 and ARM processors we target. */
#define CACHE_LINE 64

/* Asks for the cache lines of the lanes rows PREFETCH_ROWS after row r0
 * of the n_rows at x (when they exist); inlined into every kernel. */
static inline __attribute__((always_inline)) void
prefetch_ahead(const double *x, size_t d, size_t n_rows, size_t r0,
               size_t lanes)
{
    if (n_rows - r0 <= PREFETCH_ROWS + lanes)
        return;
    const char *ahead = (const char *)(x + (r0 + PREFETCH_ROWS) * d);
    for (size_t i = 0; i < lanes * d * sizeof(double); i += CACHE_LINE)
        __builtin_prefetch(ahead + i);
}

/* GCC's vector extension: the arithmetic operators act lane by lane, a
 * scalar operand standing for LANES copies of itself; a comparison gives
 * -1 (true) or 0 per lane. PICK is m ? a : b per lane (C has no ?: on
 * vectors). */
#define PICK(m, a, b)                                                         \
    ((LANES_T)(((m) & (MASK_T)(a)) | (~(m) & (MASK_T)(b))))
#define SPLAT(s) ((LANES_T){0} + (s))

/* One kernel per vector width, each with its own vector type: a width
 * the target lacks is lowered element by element (a kernel of 8 lanes
 * compiled for SSE2 scored ten times slower than one of 2). */
typedef double lanes2 __attribute__((vector_size(2 * sizeof(double))));
typedef int64_t mask2 __attribute__((vector_size(2 * sizeof(int64_t))));
#define LANES 2
#define LANES_T lanes2
#define MASK_T mask2
#define COLUMN(row, j) ((lanes2){row[0][j], row[1][j]})
#define KERNEL linear_lanes2
#define KERNEL_TARGET
#include "ml/pipeline_lanes.h"

#if defined(__x86_64__)
/* AVX2: 4 lanes. */
typedef double lanes4 __attribute__((vector_size(4 * sizeof(double))));
typedef int64_t mask4 __attribute__((vector_size(4 * sizeof(int64_t))));
#define LANES 4
#define LANES_T lanes4
#define MASK_T mask4
#define COLUMN(row, j) ((lanes4){row[0][j], row[1][j], row[2][j], row[3][j]})
#define KERNEL linear_lanes4
#define KERNEL_TARGET __attribute__((target("avx2")))
#include "ml/pipeline_lanes.h"

/* AVX-512: 8 lanes. */
typedef double lanes8 __attribute__((vector_size(8 * sizeof(double))));
typedef int64_t mask8 __attribute__((vector_size(8 * sizeof(int64_t))));
#define LANES 8
#define LANES_T lanes8
#define MASK_T mask8
#define COLUMN(row, j)                                                        \
    ((lanes8){row[0][j], row[1][j], row[2][j], row[3][j], row[4][j],          \
              row[5][j], row[6][j], row[7][j]})
#define KERNEL linear_lanes8
#define KERNEL_TARGET __attribute__((target("avx512f")))
#include "ml/pipeline_lanes.h"
#endif

int churn__pipeline_linear_lanes(const churn__pipeline *p, const double *x,
                                 size_t d, size_t n_rows, const double *w,
                                 double b, double *out, size_t lanes)
{
    switch (lanes) {
    case 2:
        linear_lanes2(p, x, d, n_rows, w, b, out);
        return 1;
#if defined(__x86_64__)
    case 4:
        if (!__builtin_cpu_supports("avx2"))
            return 0;
        linear_lanes4(p, x, d, n_rows, w, b, out);
        return 1;
    case 8:
        if (!__builtin_cpu_supports("avx512f"))
            return 0;
        linear_lanes8(p, x, d, n_rows, w, b, out);
        return 1;
#endif
    default:
        return 0;
    }
}

void churn__pipeline_linear(const churn__pipeline *p, const double *x,
                            size_t d, size_t n_rows, const double *w,
                            double b, double *out)
{
    /* Every kernel gives the same bits: the widest the processor has. */
    if (!churn__pipeline_linear_lanes(p, x, d, n_rows, w, b, out, 8) &&
        !churn__pipeline_linear_lanes(p, x, d, n_rows, w, b, out, 4))
        churn__pipeline_linear_lanes(p, x, d, n_rows, w, b, out, 2);
}

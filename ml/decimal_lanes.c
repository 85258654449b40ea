/* decimal_lanes.c - eight short decimals at once, for the CSV reader's
 * numeric fields: the SWAR steps of churn__short_decimal (decimal.h) on
 * the eight 64-bit lanes of an AVX-512 register, then one vector
 * conversion and division. One field costs about 1.8 ns here against
 * 5.6 ns one at a time (a 200,000 x 40 file's 8 M fields, the same bits).
 *
 * Only the plain form is taken: [-]digits[.digits] with at most 7 bytes
 * after the sign, ending exactly at the field's end. Then the value is m
 * / 10^k with m < 10^7 and k < 8, two exact doubles, so the division
 * rounds it as churn__decimal_quick does: the same bits. Anything else
 * (a '+', an exponent, 8 digits, a text, an empty field) is declined,
 * lane by lane, and the caller's one-at-a-time path has it.
 *
 * The code is compiled for AVX-512 (F, BW, DQ, CD, VL) alone and called
 * only where the processor and the system say they have it
 * (churn__decimal_lanes_usable); elsewhere, and on compilers without
 * the target attribute, the lanes are never used. Valgrind's virtual
 * processor has no AVX-512, so it checks the other path. */
#include "ml/internal.h"

#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#define LANES 1
#define TARGET                                                                \
    __attribute__((target("avx512f,avx512bw,avx512dq,avx512cd,avx512vl")))
#endif

#ifdef LANES
int churn__decimal_lanes_usable(void)
{
    /* libgcc's feature check also asks the system (XGETBV) whether it
     * saves the AVX-512 registers. */
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") &&
           __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("avx512cd") &&
           __builtin_cpu_supports("avx512vl");
}

/* Trailing zero bits of each lane (64 for 0): 63 minus the leading
 * zeros of its lowest set bit (AVX-512 counts leading zeros only). */
TARGET static inline __m512i trailing_zeros(__m512i v)
{
    __m512i lowest =
        _mm512_and_si512(v, _mm512_sub_epi64(_mm512_setzero_si512(), v));
    return _mm512_sub_epi64(_mm512_set1_epi64(63),
                            _mm512_lzcnt_epi64(lowest));
}

/* Eight fields from window[0..8), length[0..8) (see decimal.h), the
 * constants passed in registers by an inlined caller. */
TARGET static inline unsigned eight(const uint64_t *window,
                                    const uint64_t *length, double *out)
{
    const __m512i byte = _mm512_set1_epi64(0xFF), one = _mm512_set1_epi64(1);
    const __m512i high = _mm512_set1_epi64((long long)0xF0F0F0F0F0F0F0F0ull);
    const __m512i threes = _mm512_set1_epi64(0x3030303030303030ll);
    const __m512i low7 = _mm512_set1_epi64(0x7F7F7F7F7F7F7F7Fll);
    __m512i x = _mm512_loadu_si512(window);
    __m512i len = _mm512_loadu_si512(length);
    /* A minus sign: dropped from the text, set on the value at the end. */
    __mmask8 negative = _mm512_cmpeq_epi64_mask(_mm512_and_si512(x, byte),
                                                _mm512_set1_epi64('-'));
    x = _mm512_mask_srli_epi64(x, negative, x, 8);
    len = _mm512_mask_sub_epi64(len, negative, len, one);
    /* Per byte, bit 7 set for a byte that is no digit (as in
     * churn__leading_digits, then folded into one bit: no carry crosses
     * a byte, 0x7F + 0x7F < 0x100). */
    __m512i bad = _mm512_or_si512(
        _mm512_xor_si512(_mm512_and_si512(x, high), threes),
        _mm512_xor_si512(
            _mm512_and_si512(
                _mm512_add_epi64(x, _mm512_set1_epi64(0x0606060606060606ll)),
                high),
            threes));
    __m512i flags = _mm512_and_si512(
        _mm512_or_si512(_mm512_add_epi64(_mm512_and_si512(bad, low7), low7),
                        bad),
        _mm512_set1_epi64((long long)0x8080808080808080ull));
    /* The first non-digit; a point there, then the next one ends it. */
    __m512i point = _mm512_srli_epi64(trailing_zeros(flags), 3);
    __m512i at_point = _mm512_and_si512(
        _mm512_srlv_epi64(x, _mm512_slli_epi64(point, 3)), byte);
    __mmask8 dot = _mm512_cmpeq_epi64_mask(at_point, _mm512_set1_epi64('.'));
    __m512i rest = _mm512_and_si512(flags, _mm512_sub_epi64(flags, one));
    __m512i end = _mm512_mask_mov_epi64(
        point, dot, _mm512_srai_epi64(trailing_zeros(rest), 3));
    __m512i count = _mm512_mask_sub_epi64(end, dot, end, one); /* digits */
    __mmask8 ok = _mm512_cmpeq_epi64_mask(end, len) &
                  _mm512_cmpge_epi64_mask(count, one) &
                  _mm512_cmple_epi64_mask(len, _mm512_set1_epi64(7));
    /* The digits with the point squeezed out (bytes below it kept, those
     * above moved down one), then shifted to the top with '0's below:
     * read as 8 digits, their value (churn__first_digits). A shift by
     * 64 or more gives 0 here, so no lane needs a branch. */
    __m512i below = _mm512_srlv_epi64(
        _mm512_set1_epi64(-1),
        _mm512_sub_epi64(_mm512_set1_epi64(64), _mm512_slli_epi64(point, 3)));
    __m512i squeezed = _mm512_or_si512(
        _mm512_and_si512(x, below),
        _mm512_andnot_si512(below, _mm512_srli_epi64(x, 8)));
    __m512i digits = _mm512_mask_mov_epi64(x, dot, squeezed);
    __m512i gone = _mm512_slli_epi64(
        _mm512_sub_epi64(_mm512_set1_epi64(8), count), 3);
    __m512i v = _mm512_or_si512(
        _mm512_sllv_epi64(digits, gone),
        _mm512_srlv_epi64(threes,
                          _mm512_sub_epi64(_mm512_set1_epi64(64), gone)));
    /* churn__eight_value: pairs, then the four pairs weighted. */
    v = _mm512_sub_epi64(v, threes);
    v = _mm512_add_epi64(
        _mm512_add_epi64(_mm512_slli_epi64(v, 3), _mm512_slli_epi64(v, 1)),
        _mm512_srli_epi64(v, 8));
    const __m512i pairs = _mm512_set1_epi64(0x000000FF000000FFll);
    __m512i m = _mm512_srli_epi64(
        _mm512_add_epi64(
            _mm512_mullo_epi64(_mm512_and_si512(v, pairs),
                               _mm512_set1_epi64(100 + (1000000ll << 32))),
            _mm512_mullo_epi64(
                _mm512_and_si512(_mm512_srli_epi64(v, 16), pairs),
                _mm512_set1_epi64(1 + (10000ll << 32)))),
        32);
    /* m / 10^decimals, both exact: one correctly rounded division. */
    __m512i decimals = _mm512_maskz_sub_epi64(
        dot, _mm512_sub_epi64(end, point), one);
    const __m512d pow10 = _mm512_setr_pd(1e0, 1e1, 1e2, 1e3, 1e4, 1e5,
                                         1e6, 1e7);
    __m512d value = _mm512_div_pd(_mm512_cvtepu64_pd(m),
                                  _mm512_permutexvar_pd(decimals, pow10));
    __m512i bits = _mm512_mask_or_epi64(
        _mm512_castpd_si512(value), negative, _mm512_castpd_si512(value),
        _mm512_set1_epi64((long long)0x8000000000000000ull));
    _mm512_storeu_si512(out, bits);
    return ok;
}

TARGET void churn__decimal_lanes(size_t n, const uint64_t *window,
                                 const uint64_t *length, double *out,
                                 unsigned char *ok)
{
    for (size_t k = 0; k < n; k += 8)
        ok[k / 8] = (unsigned char)eight(window + k, length + k, out + k);
}
#else
int churn__decimal_lanes_usable(void) { return 0; }

void churn__decimal_lanes(size_t n, const uint64_t *window,
                          const uint64_t *length, double *out,
                          unsigned char *ok)
{
    (void)window;
    (void)length;
    (void)out;
    for (size_t k = 0; k < n; k += 8)
        ok[k / 8] = 0;
}
#endif

/*
 * The row statistics of pack_rows (kernels-impl.h row_lanes: Σ|w| in 8 float64 lanes, lane k
 * mod 8 in increasing k; the nonzero count) for 8 rows at once with AVX-512, asking
 * for the rows `ahead` bytes further one cache line per 16 weights read. The portable loop
 * does one row at a time: each lane is a chain of dependent adds (4 cycles each) and the
 * rows' chains never overlap; here 4 rows' chains do. The same adds in the same order per
 * lane, so the same bits. Included by kernels-avx512.c before kernels-impl.h.
 */
#include <immintrin.h>
#include <math.h>
#include "kernels.h"

/** Adds the lanes (row-lanes, kernels-impl.h) of 4 rows' `len` weights at w (row stride m floats) to lanes (row stride ROW_LANES). */
static inline void row_lanes4_avx512(const float *w, int m, int len, double *lanes, size_t ahead) {
  __m512d acc[4];
  int nz[4] = {0, 0, 0, 0};
  const __m512 sign = _mm512_set1_ps(-0.0f), zero = _mm512_setzero_ps();
  for (int r = 0; r < 4; r++) acc[r] = _mm512_loadu_pd(lanes + (size_t)r * ROW_LANES);
  int k = 0;
  for (; k + 16 <= len; k += 16) {
    for (int r = 0; r < 4; r++) {
      const float *x = w + (size_t)r * m + k;
      __builtin_prefetch((const char *)x + ahead, 0, 3);
      const __m512 v = _mm512_loadu_ps(x);
      const __m512 a = _mm512_andnot_ps(sign, v);
      /* lane l: w[k + l], then w[k + 8 + l] */
      acc[r] = _mm512_add_pd(acc[r], _mm512_cvtps_pd(_mm512_castps512_ps256(a)));
      acc[r] = _mm512_add_pd(acc[r], _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(a), 1))));
      nz[r] += __builtin_popcount(_mm512_cmp_ps_mask(v, zero, _CMP_NEQ_UQ));
    }
  }
  for (int r = 0; r < 4; r++) {
    const float *x = w + (size_t)r * m;
    double *lane = lanes + (size_t)r * ROW_LANES;
    _mm512_storeu_pd(lane, acc[r]);
    for (int j = k; j < len; j++) {
      lane[j & 7] += fabs((double)x[j]);
      nz[r] += x[j] != 0;
    }
    lane[RL_NONZERO] += nz[r];
  }
}

/** The 8 rows at w, asking for the rows `ahead` bytes further. */
static inline void row_lanes8_avx512(const float *w, int m, int len, double *lanes, size_t ahead) {
  row_lanes4_avx512(w, m, len, lanes, ahead);
  row_lanes4_avx512(w + (size_t)4 * m, m, len, lanes + 4 * ROW_LANES, ahead);
}
#define ROW_LANES8 row_lanes8_avx512

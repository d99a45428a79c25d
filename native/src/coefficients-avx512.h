/*
 * The coefficient lists (kernels.h `coefficients`) 16 columns at a time with AVX-512: compare,
 * zero the non-positive, compress the kept records, as the portable loop in dispatch.c does one
 * column at a time (it mispredicts nothing but still costs ~7 % of a paper-configuration step).
 * The same records and the same bits: the off-diagonal Σ ReLU(G_ij)² keeps its 4 float64 lanes
 * (lane j mod 4, each in increasing j, then the same tree), the diagonal adds +0 to them, which
 * changes no sum of squares. Included by kernels-avx512.c before kernels-impl.h.
 */
#include <immintrin.h>
#include "kernels.h"

static void coefficients_avx512(const float *G, int n, int nP, int interference, int32_t *idx, float *val, int32_t *cnt, float *diag, double *stats, int r0,
                                int r1) {
  if (!interference) {
    coefficients(G, n, nP, interference, idx, val, cnt, diag, stats, r0, r1);
    return;
  }
  const __m512i iota = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  const __m512 zero = _mm512_setzero_ps(), four = _mm512_set1_ps(4.0f);
  for (int i = r0; i < r1; i++) {
    const float *row = G + (size_t)i * nP;
    const float gd = row[i];
    const float md = diag_coefficient(gd);
    int32_t *qi = idx + (size_t)i * n;
    float *qv = val + (size_t)i * n;
    int c = 0;
    __m256d off = _mm256_setzero_pd();
    for (int j0 = 0; j0 < n; j0 += 16) {
      const __mmask16 in = n - j0 >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (n - j0)) - 1);
      const __mmask16 dg = i >= j0 && i < j0 + 16 ? (__mmask16)(1u << (i - j0)) : 0;
      const __m512 g = _mm512_maskz_loadu_ps(in, row + j0);
      /* ReLU off the diagonal: g where g > 0 (ordered: NaN gives 0), +0 elsewhere */
      const __mmask16 kp = _mm512_mask_cmp_ps_mask(in & (__mmask16)~dg, g, zero, _CMP_GT_OQ);
      const __m512 p = _mm512_maskz_mov_ps(kp, g);
      const __m512d lo = _mm512_cvtps_pd(_mm512_castps512_ps256(p));
      const __m512d hi = _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(p), 1)));
      const __m512d lo2 = _mm512_mul_pd(lo, lo), hi2 = _mm512_mul_pd(hi, hi);
      off = _mm256_add_pd(off, _mm512_castpd512_pd256(lo2));
      off = _mm256_add_pd(off, _mm512_extractf64x4_pd(lo2, 1));
      off = _mm256_add_pd(off, _mm512_castpd512_pd256(hi2));
      off = _mm256_add_pd(off, _mm512_extractf64x4_pd(hi2, 1));
      /* records: 4 ReLU(g) where kept, the diagonal's own coefficient where it is nonzero */
      const __m512 v = _mm512_mask_mov_ps(_mm512_mul_ps(p, four), dg, _mm512_set1_ps(md));
      const __mmask16 keep = kp | (md != 0 ? dg : 0);
      const int kept = __builtin_popcount(keep);
      const __mmask16 first = (__mmask16)((1u << kept) - 1);
      _mm512_mask_storeu_ps(qv + c, first, _mm512_maskz_compress_ps(keep, v));
      _mm512_mask_storeu_epi32(qi + c, first, _mm512_maskz_compress_epi32(keep, _mm512_add_epi32(iota, _mm512_set1_epi32(j0))));
      c += kept;
    }
    double o[4];
    _mm256_storeu_pd(o, off);
    finish_coefficient_row(i, c, gd, md, (o[0] + o[1]) + (o[2] + o[3]), cnt, diag, stats);
  }
}
#define COEFFICIENTS coefficients_avx512

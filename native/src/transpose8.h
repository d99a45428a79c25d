/* An 8×8 float transpose with 256-bit AVX (both x86 kernel builds): 8 rows at src (stride ld floats) → 8 rows at dst (stride 32). */
#include <immintrin.h>
static inline void transpose8(const float *src, size_t ld, float *dst) {
  const __m256 r0 = _mm256_loadu_ps(src), r1 = _mm256_loadu_ps(src + ld), r2 = _mm256_loadu_ps(src + 2 * ld), r3 = _mm256_loadu_ps(src + 3 * ld);
  const __m256 r4 = _mm256_loadu_ps(src + 4 * ld), r5 = _mm256_loadu_ps(src + 5 * ld), r6 = _mm256_loadu_ps(src + 6 * ld), r7 = _mm256_loadu_ps(src + 7 * ld);
  const __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1), t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
  const __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5), t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
  const __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE), u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
  const __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE), u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
  _mm256_storeu_ps(dst, _mm256_permute2f128_ps(u0, u4, 0x20));
  _mm256_storeu_ps(dst + 32, _mm256_permute2f128_ps(u1, u5, 0x20));
  _mm256_storeu_ps(dst + 64, _mm256_permute2f128_ps(u2, u6, 0x20));
  _mm256_storeu_ps(dst + 96, _mm256_permute2f128_ps(u3, u7, 0x20));
  _mm256_storeu_ps(dst + 128, _mm256_permute2f128_ps(u0, u4, 0x31));
  _mm256_storeu_ps(dst + 160, _mm256_permute2f128_ps(u1, u5, 0x31));
  _mm256_storeu_ps(dst + 192, _mm256_permute2f128_ps(u2, u6, 0x31));
  _mm256_storeu_ps(dst + 224, _mm256_permute2f128_ps(u3, u7, 0x31));
}
#define TRANSPOSE8(src, ld, dst) transpose8((src), (ld), (dst))

/*
 * The batched path's one hot loop (batch.h), for one instruction set: rows of records summed
 * over 16-column panels, included by kernels-impl.h under its vector macros (16 columns are
 * one zmm with AVX-512, two ymm with AVX2, sixteen fmaf calls in portable C).
 *
 * Every entry is one chain of fused multiply-adds over its row's records in list order,
 * starting from zero, so all three builds give the same bits. For speed each pass walks a
 * row's list once for LIST_NP panels (64 columns: independent chains, one list read) and two
 * rows at once while both have records left (twice the chains in flight: a fused add waits
 * for the previous one of its chain).
 */
#include "batch.h"

#define LIST_V (16 / VW)
#define LIST_NP 4

/**
 * Rows a (and b when `two`) over NP panels: oa[p·outPanel ..+16) = Σ records of a, each reading
 * base + at + p·panelStride.
 */
static inline __attribute__((always_inline)) void list_pass(const rec_t *qa, int ca, const rec_t *qb, int cb, int two, const float *base, size_t panelStride,
                                                            float *oa, float *ob, size_t outPanel, const int NP) {
  VEC a[LIST_NP][LIST_V], b[LIST_NP][LIST_V];
  UNROLL for (int p = 0; p < NP; p++) {
    UNROLL for (int v = 0; v < LIST_V; v++) a[p][v] = b[p][v] = VZERO();
  }
  const int both = two ? (ca < cb ? ca : cb) : 0;
  for (int q = 0; q < both; q++) {
    const float *pa = base + qa[q].at, *pb = base + qb[q].at;
    const VEC sa = VSET1(qa[q].v), sb = VSET1(qb[q].v);
    UNROLL for (int p = 0; p < NP; p++) {
      UNROLL for (int v = 0; v < LIST_V; v++) {
        a[p][v] = VFMA(sa, VLOAD(pa + p * panelStride + v * VW), a[p][v]);
        b[p][v] = VFMA(sb, VLOAD(pb + p * panelStride + v * VW), b[p][v]);
      }
    }
  }
  for (int q = both; q < ca; q++) {
    const float *pa = base + qa[q].at;
    const VEC sa = VSET1(qa[q].v);
    UNROLL for (int p = 0; p < NP; p++) {
      UNROLL for (int v = 0; v < LIST_V; v++) a[p][v] = VFMA(sa, VLOAD(pa + p * panelStride + v * VW), a[p][v]);
    }
  }
  UNROLL for (int p = 0; p < NP; p++) {
    UNROLL for (int v = 0; v < LIST_V; v++) VSTORE(oa + p * outPanel + v * VW, a[p][v]);
  }
  if (!two) return;
  for (int q = both; q < cb; q++) {
    const float *pb = base + qb[q].at;
    const VEC sb = VSET1(qb[q].v);
    UNROLL for (int p = 0; p < NP; p++) {
      UNROLL for (int v = 0; v < LIST_V; v++) b[p][v] = VFMA(sb, VLOAD(pb + p * panelStride + v * VW), b[p][v]);
    }
  }
  UNROLL for (int p = 0; p < NP; p++) {
    UNROLL for (int v = 0; v < LIST_V; v++) VSTORE(ob + p * outPanel + v * VW, b[p][v]);
  }
}

/** Rows [r0, r1) over NP panels, two rows at a time. */
static inline __attribute__((always_inline)) void list_group(const rec_t *lists, size_t listStride, const int32_t *counts, int r0, int r1, const float *base, size_t panelStride,
                                                             float *out, size_t outStride, size_t outPanel, const int NP) {
  int r = r0;
  for (; r + 2 <= r1; r += 2) {
    const rec_t *qa = lists + r * listStride, *qb = qa + listStride;
    list_pass(qa, counts[r], qb, counts[r + 1], 1, base, panelStride, out + r * outStride, out + (r + 1) * outStride, outPanel, NP);
  }
  if (r < r1) list_pass(lists + r * listStride, counts[r], lists + r * listStride, 0, 0, base, panelStride, out + r * outStride, out + r * outStride, outPanel, NP);
}

/**
 * Panels outer, rows inner: LIST_NP panels of the input (a block of columns of every row it
 * holds) stay in cache while all rows walk them, then the next LIST_NP.
 */
static void list_panels(const rec_t *lists, size_t listStride, const int32_t *counts, int r0, int r1, const float *base, size_t panelStride, int panels, float *out,
                        size_t outStride, size_t outPanel) {
  int p = 0;
  for (; p + LIST_NP <= panels; p += LIST_NP) list_group(lists, listStride, counts, r0, r1, base + p * panelStride, panelStride, out + p * outPanel, outStride, outPanel, LIST_NP);
  for (; p < panels; p++) list_group(lists, listStride, counts, r0, r1, base + p * panelStride, panelStride, out + p * outPanel, outStride, outPanel, 1);
}

#if defined(__AVX512F__) && VW == 16
/**
 * compact_row (batch.h) with AVX-512: 16 values at a time, their records built in two registers
 * (offset and value interleaved) and the nonzero ones packed by a compress; the same records as
 * the portable version (C's v != 0 is the unordered not-equal compare). Each full store may
 * write records past the new end, never past `count` records from where the row's list began.
 */
static rec_t *compact(const float *src, int count, uint32_t at, uint32_t stride, rec_t *q) {
  const __m512i lane = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  const __m512i lo = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
  const __m512i hi = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
  __m512i offsets = _mm512_add_epi32(_mm512_set1_epi32((int)at), _mm512_mullo_epi32(lane, _mm512_set1_epi32((int)stride)));
  const __m512i step = _mm512_set1_epi32((int)(16 * stride));
  int j = 0;
  for (; j + 16 <= count; j += 16, offsets = _mm512_add_epi32(offsets, step)) {
    const __m512 v = _mm512_loadu_ps(src + j);
    const __mmask16 nz = _mm512_cmp_ps_mask(v, _mm512_setzero_ps(), _CMP_NEQ_UQ);
    if (!nz) continue;
    const __m512i bits = _mm512_castps_si512(v);
    const __mmask8 low = (__mmask8)(nz & 0xff), high = (__mmask8)(nz >> 8);
    _mm512_storeu_si512((void *)q, _mm512_maskz_compress_epi64(low, _mm512_permutex2var_epi32(offsets, lo, bits)));
    q += __builtin_popcount(low);
    _mm512_storeu_si512((void *)q, _mm512_maskz_compress_epi64(high, _mm512_permutex2var_epi32(offsets, hi, bits)));
    q += __builtin_popcount(high);
  }
  return compact_row(src + j, count - j, at + (uint32_t)j * stride, stride, q);
}
#else
static rec_t *compact(const float *src, int count, uint32_t at, uint32_t stride, rec_t *q) {
  return compact_row(src, count, at, stride, q);
}
#endif

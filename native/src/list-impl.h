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

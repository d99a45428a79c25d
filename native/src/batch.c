/*
 * The batched path's row kernels (batch.h): the elementwise parts of a step, in plain C
 * compiled once for every instruction set (-ffp-contract=off), with the float32 operations of
 * assembly/batch.ts, so every kernel build shares their bits. They are written without
 * data-dependent branches (selects through bit masks): the signs of H, O and Q fall at random;
 * with branches backward_row alone took 20 % of a ReLU step, without them 5 % (perf, n=256,
 * m=1024, B=1024, one thread).
 */
#include "batch.h"
#include <math.h>
#include <string.h>

/** v if cond, else +0 (bit for bit, branch-free). */
static inline float keep_if(float v, int cond) {
  uint32_t b;
  memcpy(&b, &v, sizeof b);
  b &= -(uint32_t)(cond != 0);
  memcpy(&v, &b, sizeof v);
  return v;
}

/** Nonzero when any of the 8 floats at p is nonzero (−0 counts as nonzero here; callers test again). */
static inline uint32_t any8(const float *p) {
  uint32_t bits[8], any = 0;
  memcpy(bits, p, sizeof bits);
  for (int l = 0; l < 8; l++) any |= bits[l];
  return any;
}

rec_t *compact_row(const float *src, int count, uint32_t at, uint32_t stride, rec_t *q) {
  /* blocks of 8 zeros (most of a sparse column) are skipped whole; inside a block, branch-free:
   * always write the record, advance past it if nonzero */
  int j = 0;
  for (; j + 8 <= count; j += 8) {
    if (!any8(src + j)) continue;
    for (int l = j; l < j + 8; l++) {
      const float v = src[l];
      q->at = at + (uint32_t)l * stride;
      q->v = v;
      q += v != 0;
    }
  }
  for (; j < count; j++) {
    const float v = src[j];
    q->at = at + (uint32_t)j * stride;
    q->v = v;
    q += v != 0;
  }
  return q;
}

double hidden_row(float *z, int m, int m16, int hidden, double *inv) {
  if (hidden == HIDDEN_RELU) {
    for (int k = 0; k < m; k++) z[k] = keep_if(z[k], z[k] > 0);
  } else if (hidden == HIDDEN_LAYERNORM) {
    double mu = 0;
    for (int k = 0; k < m; k++) mu += (double)z[k];
    mu /= m;
    double var = 0;
    for (int k = 0; k < m; k++) {
      const double d = (double)z[k] - mu;
      var += d * d;
    }
    const double s = 1 / sqrt(var / m + BATCH_LAYERNORM_EPS);
    *inv = s;
    for (int k = 0; k < m; k++) z[k] = (float)(((double)z[k] - mu) * s);
  }
  for (int k = m; k < m16; k++) z[k] = 0;
  /* four float64 sums (k ≡ l mod 4), then a fixed tree: one chain would wait on each add */
  double l1[4] = {0, 0, 0, 0};
  for (int k = 0; k < m; k++) l1[k & 3] += fabs((double)z[k]);
  return (l1[0] + l1[1]) + (l1[2] + l1[3]);
}

void add_noise_row(const float *h, const float *xi, int m, int m16, float *dst) {
  for (int k = 0; k < m; k++) dst[k] = h[k] + xi[k];
  for (int k = m; k < m16; k++) dst[k] = 0;
}

double output_row(const float *o, const float *x, int n, int benefit, int interference, float *gt, size_t gtStride, uint32_t at, rec_t *q, int32_t *count) {
  double loss = 0;
  const rec_t *start = q;
  for (int i = 0; i < n; i++) {
    const float ov = o[i], xv = x[i];
    const int kept = xv != 0 ? benefit : interference, pos = ov > 0;
    const float e = keep_if(ov, pos) - xv;
    loss += kept ? (double)e * (double)e : 0.0;
    const float g = keep_if(2 * e, kept & pos);
    gt[(size_t)i * gtStride] = g;
    q->at = at + 16 * (uint32_t)i;
    q->v = g;
    q += g != 0;
  }
  *count = (int32_t)(q - start);
  return loss;
}

void backward_row(float *q, const float *h, int m, int m16, int hidden, float lambda, double inv) {
  if (lambda != 0) {
    for (int k = 0; k < m; k++) q[k] = q[k] + (keep_if(lambda, h[k] > 0) + keep_if(-lambda, h[k] < 0));
  }
  if (hidden == HIDDEN_RELU) {
    for (int k = 0; k < m; k++) q[k] = keep_if(q[k], h[k] > 0);
  } else if (hidden == HIDDEN_LAYERNORM) {
    double mq = 0, mqh = 0;
    for (int k = 0; k < m; k++) {
      mq += (double)q[k];
      mqh += (double)q[k] * (double)h[k];
    }
    mq /= m;
    mqh /= m;
    for (int k = 0; k < m; k++) q[k] = (float)(((double)q[k] - mq - (double)h[k] * mqh) * inv);
  }
  for (int k = m; k < m16; k++) q[k] = 0;
}

void transpose_panels(const float *W, int n, int m, int n16, float *Wt, int k0, int k1) {
  const size_t panel = (size_t)m * 16;
  for (int k = k0; k < k1; k++) {
    float *dst = Wt + (size_t)k * 16;
    for (int i = 0; i < n16; i++) dst[(size_t)(i >> 4) * panel + (i & 15)] = i < n ? W[(size_t)i * m + k] : 0.0f;
  }
}

void pack_panels(const float *W, int n, int m, int m16, float *P, int i0, int i1) {
  const size_t panel = (size_t)n * 16;
  for (int i = i0; i < i1; i++) {
    const float *src = W + (size_t)i * m;
    float *dst = P + (size_t)i * 16;
    int c = 0;
    for (; c + 16 <= m; c += 16, dst += panel) memcpy(dst, src + c, 16 * sizeof(float));
    if (c < m16) {
      for (int q = 0; q < 16; q++) dst[q] = c + q < m ? src[c + q] : 0.0f;
    }
  }
}

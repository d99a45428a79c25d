/*
 * One batched command split over the session's threads (batch-schedule.h), a port of
 * assembly/batch-schedule.ts: the same phases, barriers and lists, with list_panels (fused
 * multiply-adds, one build per instruction set) for every product.
 */
#include <math.h>
#include "batch-layout.h"
#include "session.h"

static int even_lo(int count, int part, int parts) {
  return (int)((long long)count * part / parts);
}

static void sync_all(batch_t *b) {
  if (b->p.threads > 1) pthread_barrier_wait(b->barrier);
}

/** Where phase C sends the gradient. */
enum { TO_UPDATE, TO_FORCES };

static float *encoder(batch_t *b, int inst) {
  return b->W + (size_t)inst * b->p.n * b->p.m;
}

static float *decoder(batch_t *b, int inst) {
  return b->Wd ? b->Wd + (size_t)inst * b->p.n * b->p.m : encoder(b, inst);
}

static const float *batch_rows(batch_t *b, int inst) {
  return b->X + (size_t)inst * b->p.B * b->p.n;
}

/** Rows [r0, r1) of C = [W Wdecᵀ; ξ Wdecᵀ] [(n+1), n16] by panels [n16/16][n+1][16] (row n: ξ Wdecᵀ, zero without noise). */
static void gram_rows(batch_t *b, const float *W, const float *xi, int noise, int r0, int r1) {
  const int n = b->p.n, m = b->p.m;
  for (int r = r0; r < r1; r++) {
    rec_t *q = b->WL + (size_t)r * m;
    const rec_t *end = r < n || noise ? b->k->compact(r < n ? W + (size_t)r * m : xi, m, b->Wt, 16, q) : q;
    b->WLC[r] = (int32_t)(end - q);
  }
  if (r0 >= r1) return;
  b->k->list_panels(b->WL + (size_t)r0 * m, (size_t)m, b->WLC + r0, 0, r1 - r0, b->arena, (size_t)m * 16, b->n16 / 16, b->arena + b->C + (size_t)r0 * 16, 16,
                    (size_t)(n + 1) * 16);
}

/** Phase A: rows [b0, b1) of X's lists, Xᵀ, H = φ(X W), Σ|H|, H̃ and its lists; this thread's columns of Wdecᵀ and rows of the packed weights. */
static void forward(batch_t *b, int inst, int t, int T, int noise) {
  const int n = b->p.n, m = b->p.m, m16 = b->m16, B = b->p.B;
  const int b0 = even_lo(B, t, T), b1 = even_lo(B, t + 1, T), i0 = even_lo(n, t, T), i1 = even_lo(n, t + 1, T);
  float *W = encoder(b, inst), *Wdec = decoder(b, inst), *A = b->arena;
  const float *X = batch_rows(b, inst);
  const float *xi = b->xi ? b->xi + (size_t)inst * m16 : NULL;
  double *bstats = b->bstats + (size_t)inst * B * 2;
  transpose_panels(Wdec, n, m, b->n16, A + b->Wt, even_lo(m, t, T), even_lo(m, t + 1, T));
  pack_panels(W, n, m, m16, A + b->PE, i0, i1);
  if (b->PD != b->PE) pack_panels(Wdec, n, m, m16, A + b->PD, i0, i1);
  for (int r = b0; r < b1; r++) {
    const float *x = X + (size_t)r * n;
    rec_t *q = b->XL + (size_t)r * n;
    b->XC[r] = (int32_t)(b->k->compact(x, n, b->PE, 16, q) - q);
    for (int i = 0; i < n; i++) b->XT[(size_t)i * b->cRow + r] = x[i];
  }
  sync_all(b); /* every row of the packed weights is written before any panel reads it */
  float *H = A + b->HA, *HN = A + (noise ? b->HN : b->HA);
  if (b0 < b1) b->k->list_panels(b->XL + (size_t)b0 * n, (size_t)n, b->XC + b0, 0, b1 - b0, A, (size_t)n * 16, m16 / 16, H + (size_t)b0 * b->hRow, b->hRow, 16);
  for (int r = b0; r < b1; r++) {
    float *h = H + (size_t)r * b->hRow;
    bstats[2 * r + 1] = hidden_row(h, m, m16, b->p.hidden, &b->inv[r]);
    if (noise) add_noise_row(h, xi, m, m16, HN + (size_t)r * b->hRow);
  }
  if (b->gram) {
    gram_rows(b, W, xi, noise, i0, t == T - 1 ? n + 1 : i1);
    for (int r = b0; r < b1; r++) {
      rec_t *q = b->XO + (size_t)r * (n + 1);
      rec_t *end = b->k->compact(X + (size_t)r * n, n, b->C, 16, q);
      if (noise) end->at = b->C + 16 * (uint32_t)n, end->v = 1, end++;
      b->XOC[r] = (int32_t)(end - q);
    }
    return; /* O comes from C: no lists of H̃ */
  }
  /* the lists point into Wdecᵀ only: they are read after the barrier that ends this phase */
  for (int r = b0; r < b1; r++) {
    rec_t *q = b->HL + (size_t)r * m;
    b->HC[r] = (int32_t)(b->k->compact(HN + (size_t)r * b->hRow, m, b->Wt, 16, q) - q);
  }
}

/** Phase B, first half: O = H̃ Wdecᵀ for rows [b0, b1) (through C with the GRAM shortcut). */
static void outputs(batch_t *b, int b0, int b1) {
  const int n = b->p.n, m = b->p.m, n16 = b->n16;
  if (b0 >= b1) return;
  if (b->gram) {
    b->k->list_panels(b->XO + (size_t)b0 * (n + 1), (size_t)n + 1, b->XOC + b0, 0, b1 - b0, b->arena, (size_t)(n + 1) * 16, n16 / 16, b->O + (size_t)b0 * n16, n16, 16);
    return;
  }
  b->k->list_panels(b->HL + (size_t)b0 * m, (size_t)m, b->HC + b0, 0, b1 - b0, b->arena, (size_t)m * 16, n16 / 16, b->O + (size_t)b0 * n16, n16, 16);
}

/**
 * Phase B, second half, rows [b0, b1): G for the terms kept (the reconstruction loss into the
 * row statistics when `withLoss`), Gᵀ and G's lists; with `backward`, Q = G Wdec and dZ.
 */
static void errors(batch_t *b, int inst, int b0, int b1, int benefit, int interference, float lambda, int withLoss, int backward) {
  const int n = b->p.n, m = b->p.m, m16 = b->m16, n16 = b->n16, B = b->p.B;
  const float *X = batch_rows(b, inst);
  double *bstats = b->bstats + (size_t)inst * B * 2;
  for (int r = b0; r < b1; r++) {
    const double loss = output_row(b->O + (size_t)r * n16, X + (size_t)r * n, n, benefit, interference, b->GT + r, b->cRow, b->PD, b->GL + (size_t)r * n, &b->GC[r]);
    if (withLoss) bstats[2 * r] = loss;
  }
  if (!backward || b0 >= b1) return;
  float *Q = b->arena + b->Q;
  b->k->list_panels(b->GL + (size_t)b0 * n, (size_t)n, b->GC + b0, 0, b1 - b0, b->arena, (size_t)n * 16, m16 / 16, Q + (size_t)b0 * b->hRow, b->hRow, 16);
  const float *H = b->arena + b->HA;
  for (int r = b0; r < b1; r++) backward_row(Q + (size_t)r * b->hRow, H + (size_t)r * b->hRow, m, m16, b->p.hidden, lambda, b->inv[r]);
}

/**
 * Phase C, this thread's rows of the gradient: column lists (tied row i: Gᵀ_i over H̃, then Xᵀ_i
 * over dZ; untied: encoder rows Xᵀ only, decoder rows Gᵀ only), then 64 columns at a time for
 * all its rows (that block of H̃ and dZ stays in cache), each block either fused into the
 * optimizer update or summed into ‖∇‖² for force `part`.
 */
static void gradient(batch_t *b, int inst, int t, int T, int to, int part) {
  const int n = b->p.n, m = b->p.m, m16 = b->m16, B = b->p.B, R = b->R, untied = b->p.untied;
  const int r0 = even_lo(R, t, T), r1 = even_lo(R, t + 1, T);
  const uint32_t HN = b->hasNoise && to != TO_FORCES ? b->HN : b->HA;
  const size_t listStride = 2 * (size_t)B;
  for (int r = r0; r < r1; r++) {
    rec_t *start = b->CL + (size_t)r * listStride, *q = start;
    const int i = r < n ? r : r - n;
    if (!untied || r >= n) q = b->k->compact(b->GT + (size_t)i * b->cRow, B, HN, (uint32_t)b->hRow, q);
    if (!untied || r < n) q = b->k->compact(b->XT + (size_t)i * b->cRow, B, b->Q, (uint32_t)b->hRow, q);
    b->CC[r] = (int32_t)(q - start);
  }
  if (r0 >= r1) return;
  double *fsq = b->fsq + ((size_t)inst * 3 + part) * R;
  const size_t stateShift = (size_t)inst * n * m16, size = (size_t)n * m;
  float *W = encoder(b, inst), *Wd = b->Wd ? b->Wd + (size_t)inst * size : NULL;
  float *S1 = b->S1 ? b->S1 + stateShift : NULL, *S2 = b->S2 ? b->S2 + stateShift : NULL;
  float *S1d = b->S1d ? b->S1d + stateShift : NULL, *S2d = b->S2d ? b->S2d + stateShift : NULL;
  for (int c0 = 0; c0 < m16; c0 += BATCH_BLOCK) {
    const int width = m16 - c0 < BATCH_BLOCK ? m16 - c0 : BATCH_BLOCK;
    b->k->list_panels(b->CL + (size_t)r0 * listStride, listStride, b->CC + r0, 0, r1 - r0, b->arena + c0, 16, width / 16, b->DP + (size_t)r0 * BATCH_BLOCK, BATCH_BLOCK, 16);
    for (int r = r0; r < r1; r++) {
      const float *d = b->DP + (size_t)r * BATCH_BLOCK;
      if (to == TO_FORCES) {
        double s = c0 == 0 ? 0 : fsq[r];
        for (int k = 0; k < width && c0 + k < m; k++) s += (double)d[k] * d[k];
        fsq[r] = s;
        continue;
      }
      const int i = r < n ? r : r - n, enc = r < n;
      float *w = (enc ? W : Wd) + (size_t)i * m;
      for (int c = c0; c < c0 + width && c < m; c += 16) {
        const size_t so = (size_t)c * n + (size_t)i * 16;
        float *s1 = enc ? S1 : S1d, *s2 = enc ? S2 : S2d;
        b->k->update(b->p.optimizer, &b->h, w + c, d + (c - c0), s1 ? s1 + so : NULL, s2 ? s2 + so : NULL, m - c < 16 ? m - c : 16);
      }
    }
  }
}

static void batch_instance(batch_t *b, int inst, int t, int T) {
  const int B = b->p.B, b0 = even_lo(B, t, T), b1 = even_lo(B, t + 1, T);
  const float lambda = (float)b->lambda;
  sync_all(b); /* the previous instance is finished with the shared scratch */
  if (b->withForces) {
    forward(b, inst, t, T, 0);
    sync_all(b);
    outputs(b, b0, b1);
    for (int part = 0; part < 3; part++) {
      errors(b, inst, b0, b1, part == 0, part == 1, part == 2 ? lambda : 0, 0, 1);
      sync_all(b);
      gradient(b, inst, t, T, TO_FORCES, part);
      sync_all(b);
    }
    if (b->hasNoise) {
      forward(b, inst, t, T, 1);
      sync_all(b);
      outputs(b, b0, b1);
    }
  } else {
    forward(b, inst, t, T, b->hasNoise);
    sync_all(b);
    outputs(b, b0, b1);
  }
  const int backward = b->cmd == CMD_STEP;
  errors(b, inst, b0, b1, b->p.benefit, b->p.interference, lambda, 1, backward);
  if (!backward) return;
  sync_all(b);
  gradient(b, inst, t, T, TO_UPDATE, 0);
}

void batch_share(batch_t *b, int t) {
  for (int inst = 0; inst < b->p.instances; inst++) batch_instance(b, inst, t, b->p.threads);
}

void batch_finalize(batch_t *b) {
  const int B = b->p.B, R = b->R;
  for (int inst = 0; inst < b->p.instances; inst++) {
    double recon = 0, l1 = 0;
    const double *st = b->bstats + (size_t)inst * B * 2;
    for (int r = 0; r < B; r++) recon += st[2 * r], l1 += st[2 * r + 1];
    b->loss[inst] = recon + b->lambda * l1;
    if (!b->withForces) continue;
    for (int part = 0; part < 3; part++) {
      const double *fsq = b->fsq + ((size_t)inst * 3 + part) * R;
      double s = 0;
      for (int r = 0; r < R; r++) s += fsq[r];
      b->forces[inst * 3 + part] = sqrt(s);
    }
  }
}

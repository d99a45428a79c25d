/*
 * The batched mode's layout (batch-layout.h): sizes as assembly/batch-schedule.ts
 * configureBatch, allocated once per session, zeroed. src/kernels/native.ts nativeBatchMemory
 * counts the same arrays (keep the two in step).
 */
#include "batch-layout.h"
#include <stdlib.h>
#include <string.h>

static void *zalloc(batch_t *b, size_t bytes) {
  bytes = (bytes + 63) & ~(size_t)63;
  if (!bytes) bytes = 64;
  void *p = aligned_alloc(64, bytes);
  if (p) memset(p, 0, bytes), b->bytes += bytes;
  return p;
}

/** Reserves `floats` in the arena (64-byte aligned, with 16 floats to spare); returns the offset. */
static size_t reserve(size_t *end, size_t floats) {
  const size_t at = *end;
  *end = (at + floats + 31) & ~(size_t)15;
  return at;
}

batch_t *batch_create(const kernels_t *k, batch_problem_t p, pthread_barrier_t *barrier, float *W, float *Wd, double *loss, double *forces) {
  batch_t *b = calloc(1, sizeof *b);
  if (!b) return NULL;
  b->k = k, b->p = p, b->barrier = barrier;
  b->W = W, b->Wd = p.untied ? Wd : NULL, b->loss = loss, b->forces = forces;
  const size_t n = (size_t)p.n, m = (size_t)p.m, B = (size_t)p.B, I = (size_t)p.instances;
  b->n16 = (p.n + 15) & ~15, b->m16 = (p.m + 15) & ~15;
  b->R = p.untied ? 2 * p.n : p.n;
  const size_t n16 = (size_t)b->n16, m16 = (size_t)b->m16, R = (size_t)b->R;
  b->hRow = m16 + 16, b->cRow = B + 16;
  /* O through C = W Wdecᵀ costs n·m·n16 + B·nnz(X_b)·n16 instead of B·nnz(H_b)·n16: for a linear
   * hidden layer (H dense) whenever n (m + B) < B m, whatever the data (as the wasm kernels) */
  b->gram = p.hidden == HIDDEN_LINEAR && (double)n * (double)(m + B) < (double)B * (double)m;
  size_t end = 0;
  b->Wt = (uint32_t)reserve(&end, m * n16);
  const size_t PE = reserve(&end, n * m16), PD = p.untied ? reserve(&end, n * m16) : PE;
  const size_t HA = reserve(&end, B * b->hRow), HN = reserve(&end, B * b->hRow), Q = reserve(&end, B * b->hRow);
  const size_t C = b->gram ? reserve(&end, (n + 1) * n16) : 0;
  if (end >= ((size_t)1 << 32)) return batch_destroy(b), NULL;
  b->PE = (uint32_t)PE, b->PD = (uint32_t)PD, b->HA = (uint32_t)HA, b->HN = (uint32_t)HN, b->Q = (uint32_t)Q, b->C = (uint32_t)C;
  b->arenaFloats = end;
  b->stateFloats = I * n * m16;
  const size_t state = b->stateFloats * sizeof(float);
  const int s1 = p.stateSlots >= 1, s2 = p.stateSlots >= 2;
  if ((s1 && !(b->S1 = zalloc(b, state))) || (s2 && !(b->S2 = zalloc(b, state)))) return batch_destroy(b), NULL;
  if (p.untied && ((s1 && !(b->S1d = zalloc(b, state))) || (s2 && !(b->S2d = zalloc(b, state))))) return batch_destroy(b), NULL;
  b->arena = zalloc(b, end * sizeof(float));
  b->O = zalloc(b, B * n16 * sizeof(float));
  b->GT = zalloc(b, n * b->cRow * sizeof(float));
  b->XT = zalloc(b, n * b->cRow * sizeof(float));
  b->DP = zalloc(b, R * BATCH_BLOCK * sizeof(float));
  b->XL = zalloc(b, B * n * sizeof(rec_t));
  b->HL = b->gram ? NULL : zalloc(b, B * m * sizeof(rec_t));
  b->GL = zalloc(b, B * n * sizeof(rec_t));
  b->CL = zalloc(b, R * 2 * B * sizeof(rec_t));
  b->XC = zalloc(b, B * sizeof(int32_t));
  b->HC = zalloc(b, B * sizeof(int32_t));
  b->GC = zalloc(b, B * sizeof(int32_t));
  b->CC = zalloc(b, R * sizeof(int32_t));
  b->inv = zalloc(b, B * sizeof(double));
  b->bstats = zalloc(b, I * B * 2 * sizeof(double));
  b->fsq = zalloc(b, I * 3 * R * sizeof(double));
  if (!b->arena || !b->O || !b->GT || !b->XT || !b->DP || !b->XL || (!b->gram && !b->HL) || !b->GL || !b->CL || !b->XC || !b->HC || !b->GC || !b->CC || !b->inv ||
      !b->bstats || !b->fsq) {
    return batch_destroy(b), NULL;
  }
  if (b->gram) {
    b->WL = zalloc(b, (n + 1) * m * sizeof(rec_t));
    b->WLC = zalloc(b, (n + 1) * sizeof(int32_t));
    b->XO = zalloc(b, B * (n + 1) * sizeof(rec_t));
    b->XOC = zalloc(b, B * sizeof(int32_t));
    if (!b->WL || !b->WLC || !b->XO || !b->XOC) return batch_destroy(b), NULL;
  }
  return b;
}

size_t batch_bytes(const batch_t *b) {
  return b->bytes;
}

void batch_reset_state(batch_t *b) {
  float *slots[4] = {b->S1, b->S2, b->S1d, b->S2d};
  for (int s = 0; s < 4; s++) {
    if (slots[s]) memset(slots[s], 0, b->stateFloats * sizeof(float));
  }
}

void batch_command(batch_t *b, int cmd, int withForces, const float *X, const float *xi, const hyper_t *h, double lambda) {
  b->cmd = cmd, b->withForces = withForces, b->X = X, b->xi = xi, b->hasNoise = xi != NULL, b->h = *h, b->lambda = lambda;
}

void batch_destroy(batch_t *b) {
  if (!b) return;
  void *all[] = {b->S1, b->S2, b->S1d, b->S2d, b->arena, b->O, b->GT, b->XT, b->DP, b->XL, b->HL, b->GL, b->CL, b->XC, b->HC, b->GC, b->CC,
                 b->inv, b->bstats, b->fsq, b->WL, b->WLC, b->XO, b->XOC};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) free(all[i]);
  free(b);
}

/*
 * The batched mode's arrays (private to batch-layout.c and batch-schedule.c). Everything a
 * list points into lives in one arena, at offsets counted in floats, so a record's offset fits
 * 32 bits; the rest are separate allocations. Rows of H, H̃ and Q are m16 + 16 floats apart and
 * rows of Gᵀ and Xᵀ B + 16 apart, never a multiple of 4 KiB (a panel walks one 64-byte piece of
 * every row; rows 4 KiB apart would share a few cache sets).
 */
#ifndef INCIDENTAL_BATCH_LAYOUT_H
#define INCIDENTAL_BATCH_LAYOUT_H
#include "batch-schedule.h"

/** Columns of the gradient computed for all of a thread's rows before they are updated (DP [R][BATCH_BLOCK]). */
#define BATCH_BLOCK 64

struct batch {
  const kernels_t *k;
  batch_problem_t p;
  pthread_barrier_t *barrier;
  int n16, m16, R, gram;
  size_t hRow, cRow;
  float *W, *Wd;
  double *loss, *forces;
  /** optimizer state [instances][m16/16][n][16] (encoder; decoder when untied) */
  float *S1, *S2, *S1d, *S2d;
  size_t stateFloats;
  /** the arena and its arrays' offsets (floats): Wdecᵀ, W and Wdec by panels, H, H̃, Q, C */
  float *arena;
  size_t arenaFloats;
  uint32_t Wt, PE, PD, HA, HN, Q, C;
  float *O, *GT, *XT, *DP;
  rec_t *XL, *HL, *GL, *CL, *WL, *XO;
  int32_t *XC, *HC, *GC, *CC, *WLC, *XOC;
  double *inv, *bstats, *fsq;
  size_t bytes;
  /* the command */
  int cmd, withForces, hasNoise;
  const float *X, *xi;
  hyper_t h;
  double lambda;
};

#endif

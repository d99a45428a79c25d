/*
 * The native session's batched mode (SCIENCE.md §8): its layout and one command split over the
 * session's threads, as the wasm kernels' assembly/batch-schedule.ts. Instances go one after
 * another and the threads share each one, with a barrier between phases:
 *   A  rows i: W (and Wdec) packed by panels; columns k: Wdecᵀ by panels; rows b: X's lists
 *      and Xᵀ │ rows b: Z = X W, H = φ(Z), Σ|H|, H̃ = H + ξ and its lists
 *   B  rows b: O = H̃ Wdecᵀ; G, the loss and Gᵀ; Q = G Wdec + λ sign(H); dZ = φ′ ⊙ Q
 *   C  rows r of the gradient (n tied; 2n untied: encoder rows, then decoder rows): column
 *      lists of Gᵀ and Xᵀ, the gradient rows, each fused into the optimizer update
 * With forces, B and C first run three times on the noiseless forward pass, once per part of
 * the loss (benefit terms, interference terms, L1), accumulating ‖∇_part‖² per row. For a
 * linear hidden layer with n (m + B) < B m, O comes through C = [W Wdecᵀ; ξ Wdecᵀ] instead
 * (the GRAM shortcut). Which thread handles a row never changes how its entries are summed.
 */
#ifndef INCIDENTAL_BATCH_SCHEDULE_H
#define INCIDENTAL_BATCH_SCHEDULE_H
#include <pthread.h>
#include "kernels.h"

typedef struct batch batch_t;

typedef struct {
  int instances, n, m, B, hidden, untied, benefit, interference, optimizer, threads, stateSlots;
} batch_problem_t;

/**
 * NULL on allocation failure or a layout past 32-bit list offsets. W, Wd (NULL when tied) [instances, n, m],
 * loss [instances] and forces [instances, 3] stay owned by the caller; the optimizer state and
 * scratch are the batch's. `barrier` synchronizes `p.threads` threads.
 */
batch_t *batch_create(const kernels_t *k, batch_problem_t p, pthread_barrier_t *barrier, float *W, float *Wd, double *loss, double *forces);
/** Bytes the batch allocated (its state and scratch). */
size_t batch_bytes(const batch_t *b);
void batch_reset_state(batch_t *b);
/**
 * The next command: CMD_STEP or CMD_EVALUATE, X [instances, B, n], ξ [instances, m16] or NULL,
 * the float32 hyperparameters and λ (float64, for the loss).
 */
void batch_command(batch_t *b, int cmd, int withForces, const float *X, const float *xi, const hyper_t *h, double lambda);
/** Thread t's share of the command (every thread of the pool calls it). */
void batch_share(batch_t *b, int t);
/** After all threads: loss and force norms per instance. */
void batch_finalize(batch_t *b);
void batch_destroy(batch_t *b);

#endif

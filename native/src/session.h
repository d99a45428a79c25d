/*
 * A training session of the native backend: the problem, pointers to the weights, loss and
 * forces (arrays owned by JavaScript, src/kernels/native.ts), the optimizer state, per-thread
 * scratch, and a pool of threads that a step wakes and waits for. Scheduling much as the wasm
 * kernels (assembly/schedule.ts): whole instances go to whichever thread is free (a queue, so
 * a thread the OS delays holds up no other), the instances left over (fewer than the threads)
 * are done by all threads together with rows split between them; every entry is computed the
 * same way whichever thread computes it, so any thread count gives the same bytes.
 */
#ifndef INCIDENTAL_SESSION_H
#define INCIDENTAL_SESSION_H
#include "batch-schedule.h"
#include "kernels.h"

enum { CMD_STEP = 1, CMD_EVALUATE = 2 };

typedef struct session session_t;

typedef struct {
  int instances, n, m, interference, optimizer, threads;
} problem_t;

/**
 * NULL on allocation failure. The session allocates `stateSlots` (0–2) optimizer-state arrays
 * itself, zeroed, laid out panel by panel (never seen by JavaScript).
 */
session_t *session_create(const kernels_t *k, problem_t p, int stateSlots, float *W, double *loss, double *forces);
/**
 * A session of the general model's batched mode (batch-schedule.h): W and Wd (NULL when tied)
 * [instances, n, m], loss and forces owned by JavaScript; NULL on allocation failure.
 */
session_t *session_create_batch(const kernels_t *k, batch_problem_t p, float *W, float *Wd, double *loss, double *forces);
/** Bytes a batched session allocated for its state and scratch (0 for one-hot sessions). */
size_t session_batch_bytes(const session_t *s);
/** Zeroes the optimizer state (with new weights). */
void session_reset_state(session_t *s);
void session_set_hyper(session_t *s, double lr, double lambda, double weightDecay, double beta1, double beta2, double eps);
/** Runs one command (a step or an evaluation) on all the session's threads; returns 0, or -1 if scratch could not be allocated. */
int session_run(session_t *s, int cmd, int withForces, double stepSize, double bc2Sqrt);
/** The same for a batched session: X [instances, B, n] and ξ [instances, m16] or NULL, read during the call only. */
int session_run_batch(session_t *s, int cmd, int withForces, double stepSize, double bc2Sqrt, const float *X, const float *xi);
/** Stops the threads and frees the scratch (the JavaScript arrays are left alone). */
void session_destroy(session_t *s);

#endif

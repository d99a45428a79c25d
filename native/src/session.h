/*
 * A training session of the native backend: the problem, pointers to the weights, optimizer
 * state, loss and forces (arrays owned by JavaScript, src/kernels/native.ts), per-thread
 * scratch, and a pool of threads that a step wakes and waits for. Scheduling as the wasm
 * kernels (assembly/schedule.ts): whole instances round-robin over threads, the instances
 * left over by all threads together with rows split between them; every entry is computed
 * the same way whichever thread computes it, so any thread count gives the same bytes.
 */
#ifndef INCIDENTAL_SESSION_H
#define INCIDENTAL_SESSION_H
#include "kernels.h"

enum { CMD_STEP = 1, CMD_EVALUATE = 2 };

typedef struct session session_t;

typedef struct {
  int instances, n, m, interference, optimizer, threads;
} problem_t;

/** NULL on allocation failure. state1/state2 may be NULL for optimizers without state. */
session_t *session_create(const kernels_t *k, problem_t p, float *W, float *state1, float *state2, double *loss, double *forces);
void session_set_hyper(session_t *s, double lr, double lambda, double weightDecay, double beta1, double beta2, double eps);
/** Runs one command (a step or an evaluation) on all the session's threads; returns 0, or -1 if scratch could not be allocated. */
int session_run(session_t *s, int cmd, int withForces, double stepSize, double bc2Sqrt);
/** Stops the threads and frees the scratch (the JavaScript arrays are left alone). */
void session_destroy(session_t *s);

#endif

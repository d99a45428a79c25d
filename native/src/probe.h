/* Benchmark probes (probe.c). */
#ifndef INCIDENTAL_PROBE_H
#define INCIDENTAL_PROBE_H
#include "kernels.h"

/** Phases timed by probe_phases: pack, Gram, coefficients (mirror + lists), product (with panel packing), AdamW update. */
enum { PROBE_PHASES = 5 };

/** Runs the FMA loop; returns the flops done and their time in *seconds. */
double probe_fma_peak(const kernels_t *k, long iters, double *seconds);
/** Best-of-`reps` seconds per phase of one instance's step from weights W0 [n][m], one thread; 0, or -1 out of memory. */
int probe_phases(const kernels_t *k, const float *W0, int n, int m, int reps, double *best, double *density);

/** G = W Wᵀ [n][n] (mirrored) and D = M W [n][m] of one instance with these kernels (tests); 0, or -1 out of memory. */
int probe_products(const kernels_t *k, const float *W, int n, int m, int interference, float *G, float *D);

#endif

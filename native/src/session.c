/* The native session: layout, thread pool and the schedule of a command (session.h). */
#define _GNU_SOURCE
#include "session.h"
#include "batch-schedule.h"
#include "huge-pages.h"
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
  float *Wb, *G, *val, *diag, *Dpanel, *P, *Dfull;
  int32_t *idx, *cnt;
  double *lanes;
} slot_t;

/**
 * Columns of W an instance trained alone packs at a time for the Gram: while the Gram computes
 * on one block (from L2), it asks for the next block's lines, so W streams from memory under
 * the computation instead of before it, and the packed block (128 KiB) leaves L2 to W.
 */
#define COLUMN_BLOCK 128

struct session {
  const kernels_t *k;
  problem_t p;
  int nP, mNC;
  float *W, *S1, *S2;
  size_t stateBytes;
  double *loss, *forces, *stats;
  double lr, lambda, weightDecay, beta1, beta2, eps;
  hyper_t h;
  int cmd, withForces;
  slot_t *slots;
  /* the pool: threads − 1 workers; the calling thread is thread 0 */
  pthread_t *workers;
  int started;
  pthread_mutex_t mu;
  pthread_cond_t go, done;
  int generation, finished, exiting;
  /** the next instance a thread takes alone (atomic): whoever is free takes it, same bytes either way */
  int next;
  pthread_barrier_t barrier;
  /** the general model's batched mode (batch-schedule.c), or NULL for the one-hot path */
  batch_t *batch;
};

static void *alloc(size_t bytes) {
  bytes = (bytes + 63) & ~(size_t)63;
  void *p = aligned_alloc(64, bytes ? bytes : 64);
  if (p) memset(p, 0, bytes);
  return p;
}

static int even_lo(int count, int part, int parts) {
  return (int)((long long)count * part / parts);
}

/** First Gram row tile of part `part`, splitting the tiles' total cost evenly. */
static int triangle_lo(const session_t *s, int part, int parts) {
  const int tiles = gram_row_tiles(s->p.n, s->k->mr);
  if (part <= 0) return 0;
  if (part >= parts) return tiles;
  long long total = 0;
  for (int t = 0; t < tiles; t++) total += gram_tile_cost(s->p.n, s->k->mr, s->k->nr, t);
  const long long target = total * part / parts;
  long long cum = 0;
  int t = 0;
  while (t < tiles && cum < target) cum += gram_tile_cost(s->p.n, s->k->mr, s->k->nr, t++);
  return t;
}

/**
 * How long a thread spins on a flag before it sleeps on the condition variable: a worker for
 * the next command (a training loop sends it within microseconds), the calling thread for the
 * workers' end. A futex wake-up costs 50–150 µs on this virtual machine, at the start of every
 * command; spinning 200 µs at most costs a core that would otherwise idle (same-run single-
 * session timings of the paper configuration: 0.978× the wall time per step).
 */
#define SPIN_NS 200000

static void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

static long long monotonic_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/** Spins up to SPIN_NS until (*flag == value) is `equal`; returns whether it came (else the caller sleeps). */
static int spin_for(const int *flag, int value, int equal) {
  const long long until = monotonic_ns() + SPIN_NS;
  for (;;) {
    for (int i = 0; i < 32; i++) {
      if ((__atomic_load_n(flag, __ATOMIC_ACQUIRE) == value) == equal) return 1;
      cpu_relax();
    }
    if (monotonic_ns() > until) return 0;
  }
}

static void sync_threads(session_t *s, int parts) {
  if (parts > 1) pthread_barrier_wait(&s->barrier);
}

/** Instance `inst` in scratch slot `slotIndex`, as part t of `parts` threads (1: alone, fused update). */
static void run_instance(session_t *s, int inst, int slotIndex, int t, int parts) {
  const kernels_t *k = s->k;
  const int n = s->p.n, m = s->p.m, nP = s->nP, nc = k->nc;
  slot_t *sl = &s->slots[slotIndex];
  float *P = s->slots[parts == 1 ? slotIndex : t].P;
  const size_t size = (size_t)n * m;
  float *W = s->W + inst * size;
  /* optimizer state panel by panel, [instances][m/nc][n][nc]: an update reads its panel contiguously */
  const size_t stateSize = (size_t)n * s->mNC;
  float *S1 = s->S1 ? s->S1 + inst * stateSize : NULL, *S2 = s->S2 ? s->S2 + inst * stateSize : NULL;
  double *stats = s->stats + (size_t)inst * n * ROW_STATS;
  const int update = s->cmd == CMD_STEP, forces = s->withForces;

  const int r0 = even_lo(n, t, parts), r1 = even_lo(n, t + 1, parts);
  sync_threads(s, parts); /* the previous shared instance is done with slot 0 */
  memset(sl->lanes + (size_t)r0 * ROW_LANES, 0, (size_t)(r1 - r0) * ROW_LANES * sizeof(double));
  if (parts == 1) {
    const int tiles = gram_row_tiles(n, k->mr), kb = m < COLUMN_BLOCK ? m : COLUMN_BLOCK;
    for (int k0 = 0; k0 < m; k0 += kb) {
      const int k1 = k0 + kb < m ? k0 + kb : m, next = k1 + kb < m ? k1 + kb : m;
      k->pack_rows(W, m, sl->Wb, kb, 0, n, k0, k1, sl->lanes);
      ahead_t ahead = {(const char *)(W + k1), (size_t)m * sizeof(float), n, (int)(((size_t)(next - k1) * sizeof(float) + 63) / 64), 0};
      k->gram(sl->Wb, kb, n, nP, sl->G, 0, tiles, k1 - k0, k0 == 0, next > k1 ? &ahead : NULL);
    }
  } else {
    k->pack_rows(W, m, sl->Wb, m, r0, r1, 0, m, sl->lanes);
    sync_threads(s, parts);
    k->gram(sl->Wb, m, n, nP, sl->G, triangle_lo(s, t, parts), triangle_lo(s, t + 1, parts), m, 1, NULL);
  }
  finish_row_stats(sl->lanes, stats, r0, r1);
  sync_threads(s, parts); /* rows read entries other threads wrote */
  mirror_gram(sl->G, n, nP, r0, r1);
  k->coefficients(sl->G, n, nP, s->p.interference, sl->idx, sl->val, sl->cnt, sl->diag, stats, r0, r1);

  if (parts == 1 && update && !forces) {
    /* alone: each panel of D updates its columns of W at once (columns right of it are still unread) */
    for (int c = 0; c < m; c += nc) {
      const int len = m - c < nc ? m - c : nc;
      k->pack_panel(W, n, m, c, nc, P);
      k->product(sl->idx, sl->val, sl->cnt, n, P, sl->Dpanel, nc, 0, n);
      const size_t panel = (size_t)c * n;
      for (int i = 0; i < n; i++) {
        const size_t so = panel + (size_t)i * nc;
        if (S1) prefetch_bytes((const char *)(S1 + so) + PREFETCH_AHEAD, (size_t)nc * sizeof(float));
        if (S2) prefetch_bytes((const char *)(S2 + so) + PREFETCH_AHEAD, (size_t)nc * sizeof(float));
        k->update(s->p.optimizer, &s->h, W + (size_t)i * m + c, sl->Dpanel + (size_t)i * nc, S1 ? S1 + so : NULL, S2 ? S2 + so : NULL, len);
      }
    }
    return;
  }
  float *D = sl->Dfull;
  const int ldd = s->mNC;
  for (int c = 0; c < m; c += nc) {
    k->pack_panel(W, n, m, c, nc, P);
    k->product(sl->idx, sl->val, sl->cnt, n, P, D + c, ldd, r0, r1);
  }
  sync_threads(s, parts); /* every product row has read all of W before any row changes */
  for (int i = r0; i < r1; i++) {
    if (forces) stats[(size_t)i * ROW_STATS + RS_INTER] = interference_sq(W + (size_t)i * m, D + (size_t)i * ldd, sl->diag[i], m);
    if (!update) continue;
    for (int c = 0; c < m; c += nc) {
      const size_t so = (size_t)c * n + (size_t)i * nc;
      k->update(s->p.optimizer, &s->h, W + (size_t)i * m + c, D + (size_t)i * ldd + c, S1 ? S1 + so : NULL, S2 ? S2 + so : NULL, m - c < nc ? m - c : nc);
    }
  }
}

/** Thread t's share of the current command. */
static void share(session_t *s, int t) {
  if (s->batch) {
    batch_share(s->batch, t);
    return;
  }
  const int T = s->p.threads, I = s->p.instances;
  const int alone = (I / T) * T;
  /* taken dynamically, so a thread the OS delays on a shared machine holds up no other; a
   * scratch slot carries nothing from one instance to the next, so results do not depend on it */
  for (int inst; (inst = __atomic_fetch_add(&s->next, 1, __ATOMIC_RELAXED)) < alone;) run_instance(s, inst, t, 0, 1);
  for (int inst = alone; inst < I; inst++) run_instance(s, inst, 0, t, T);
}

typedef struct {
  session_t *s;
  int t;
} worker_arg_t;

static void *worker_main(void *arg) {
  worker_arg_t a = *(worker_arg_t *)arg;
  free(arg);
  session_t *s = a.s;
  int seen = 0;
  for (;;) {
    /* generation, finished and exiting are written under the mutex and read with atomics, so a
     * spinning thread sees them without it; acquire on generation publishes the command */
    if (!spin_for(&s->generation, seen, 0)) {
      pthread_mutex_lock(&s->mu);
      while (__atomic_load_n(&s->generation, __ATOMIC_ACQUIRE) == seen && !s->exiting) pthread_cond_wait(&s->go, &s->mu);
      pthread_mutex_unlock(&s->mu);
    }
    seen = __atomic_load_n(&s->generation, __ATOMIC_ACQUIRE);
    if (__atomic_load_n(&s->exiting, __ATOMIC_ACQUIRE)) return NULL;
    share(s, a.t);
    pthread_mutex_lock(&s->mu);
    if (__atomic_add_fetch(&s->finished, 1, __ATOMIC_RELEASE) == s->p.threads - 1) pthread_cond_signal(&s->done);
    pthread_mutex_unlock(&s->mu);
  }
}

/** Starts the threads − 1 workers (the calling thread is thread 0); NULL (session freed) on failure. */
static session_t *start_pool(session_t *s) {
  const problem_t p = s->p;
  pthread_mutex_init(&s->mu, NULL);
  pthread_cond_init(&s->go, NULL);
  pthread_cond_init(&s->done, NULL);
  pthread_barrier_init(&s->barrier, NULL, (unsigned)p.threads);
  s->workers = calloc((size_t)p.threads, sizeof(pthread_t));
  if (!s->workers) return session_destroy(s), NULL;
  for (int t = 1; t < p.threads; t++) {
    worker_arg_t *a = malloc(sizeof *a);
    if (!a) break;
    a->s = s, a->t = t;
    if (pthread_create(&s->workers[t], NULL, worker_main, a) != 0) {
      free(a);
      break;
    }
    s->started++;
  }
  if (s->started != p.threads - 1) return session_destroy(s), NULL;
  return s;
}

session_t *session_create(const kernels_t *k, problem_t p, int stateSlots, float *W, double *loss, double *forces) {
  session_t *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  s->k = k;
  s->p = p;
  s->nP = (p.n + 31) & ~31;
  s->mNC = (p.m + k->nc - 1) / k->nc * k->nc;
  s->W = W, s->loss = loss, s->forces = forces;
  advise_huge(W, (size_t)p.instances * p.n * p.m * sizeof(float));
  s->stateBytes = (size_t)p.instances * p.n * s->mNC * sizeof(float);
  if (stateSlots >= 1 && !(s->S1 = alloc_big(s->stateBytes))) return session_destroy(s), NULL;
  if (stateSlots >= 2 && !(s->S2 = alloc_big(s->stateBytes))) return session_destroy(s), NULL;
  s->stats = alloc((size_t)p.instances * p.n * ROW_STATS * sizeof(double));
  s->slots = calloc((size_t)p.threads, sizeof(slot_t));
  if (!s->stats || !s->slots) return session_destroy(s), NULL;
  for (int t = 0; t < p.threads; t++) {
    slot_t *sl = &s->slots[t];
    sl->Wb = alloc((size_t)s->nP * p.m * sizeof(float));
    sl->G = alloc((size_t)s->nP * s->nP * sizeof(float));
    sl->idx = alloc((size_t)p.n * p.n * sizeof(int32_t));
    sl->val = alloc((size_t)p.n * p.n * sizeof(float));
    sl->cnt = alloc((size_t)p.n * sizeof(int32_t));
    sl->lanes = alloc((size_t)p.n * ROW_LANES * sizeof(double));
    sl->diag = alloc((size_t)p.n * sizeof(float));
    sl->P = alloc((size_t)p.n * k->nc * sizeof(float));
    sl->Dpanel = alloc((size_t)p.n * k->nc * sizeof(float));
    if (!sl->Wb || !sl->G || !sl->lanes || !sl->idx || !sl->val || !sl->cnt || !sl->diag || !sl->P || !sl->Dpanel) return session_destroy(s), NULL;
  }
  return start_pool(s);
}

session_t *session_create_batch(const kernels_t *k, batch_problem_t bp, float *W, float *Wd, double *loss, double *forces) {
  session_t *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  s->k = k;
  s->p = (problem_t){bp.instances, bp.n, bp.m, bp.interference, bp.optimizer, bp.threads};
  s->W = W, s->loss = loss, s->forces = forces;
  s->batch = batch_create(k, bp, &s->barrier, W, Wd, loss, forces);
  if (!s->batch) return free(s), NULL;
  return start_pool(s);
}

size_t session_batch_bytes(const session_t *s) {
  return s->batch ? batch_bytes(s->batch) : 0;
}

void session_reset_state(session_t *s) {
  if (s->batch) batch_reset_state(s->batch);
  if (s->S1) memset(s->S1, 0, s->stateBytes);
  if (s->S2) memset(s->S2, 0, s->stateBytes);
}

void session_set_hyper(session_t *s, double lr, double lambda, double weightDecay, double beta1, double beta2, double eps) {
  s->lr = lr, s->lambda = lambda, s->weightDecay = weightDecay, s->beta1 = beta1, s->beta2 = beta2, s->eps = eps;
}

/** Per instance: loss = smooth + λ‖W‖₁ and the three force norms, rows summed in order. */
static void finalize(session_t *s) {
  const int n = s->p.n;
  for (int inst = 0; inst < s->p.instances; inst++) {
    double smooth = 0, benefit = 0, l1 = 0, nonzero = 0, inter = 0;
    const double *st = s->stats + (size_t)inst * n * ROW_STATS;
    for (int i = 0; i < n; i++, st += ROW_STATS) {
      smooth += st[RS_SMOOTH];
      benefit += st[RS_BENEFIT];
      l1 += st[RS_ABS];
      nonzero += st[RS_NONZERO];
      inter += st[RS_INTER];
    }
    s->loss[inst] = smooth + s->lambda * l1;
    s->forces[inst * 3] = sqrt(benefit);
    s->forces[inst * 3 + 1] = sqrt(inter);
    s->forces[inst * 3 + 2] = s->lambda * sqrt(nonzero);
  }
}

int session_run(session_t *s, int cmd, int withForces, double stepSize, double bc2Sqrt) {
  return session_run_batch(s, cmd, withForces, stepSize, bc2Sqrt, NULL, NULL);
}

int session_run_batch(session_t *s, int cmd, int withForces, double stepSize, double bc2Sqrt, const float *X, const float *xi) {
  const int T = s->p.threads;
  /* stored D (one-hot): steps with forces, evaluations, and instances shared by all threads */
  const int stored = !s->batch && (withForces || cmd != CMD_STEP || s->p.instances % T != 0);
  for (int t = 0; stored && t < T; t++) {
    if (!s->slots[t].Dfull && (s->slots[t].Dfull = alloc((size_t)s->p.n * s->mNC * sizeof(float))) == NULL) return -1;
  }
  s->cmd = cmd, s->withForces = withForces;
  /* float32 hyperparameters from the float64 ones, exactly as assembly/index.ts setCommand */
  const double decay = s->p.optimizer == OPT_ADAMW ? s->weightDecay : 0;
  hyper_t *h = &s->h;
  h->lr = (float)s->lr;
  /* the update's own λ sign(W) (or prox-sgd's soft threshold): the one-hot path's L1 term on W;
   * the batched path has its L1 term on H, inside the gradient, so only prox-sgd keeps it here
   * (as src/core/model.ts, the reference and the wasm kernels do) */
  h->lambda = s->batch && s->p.optimizer != OPT_PROX_SGD ? 0.0f : (float)s->lambda;
  h->shrink = (float)(1 - s->lr * decay);
  h->beta1 = (float)s->beta1;
  h->beta2 = (float)s->beta2;
  h->one_minus_beta1 = (float)(1 - s->beta1);
  h->one_minus_beta2 = (float)(1 - s->beta2);
  h->step_bc2 = (float)stepSize * (float)bc2Sqrt;
  h->eps_bc2 = (float)s->eps * (float)bc2Sqrt;
  s->next = 0;
  if (s->batch) batch_command(s->batch, cmd, withForces, X, xi, h, s->lambda);
  if (T > 1) {
    pthread_mutex_lock(&s->mu);
    __atomic_store_n(&s->finished, 0, __ATOMIC_RELAXED);
    __atomic_add_fetch(&s->generation, 1, __ATOMIC_RELEASE);
    pthread_cond_broadcast(&s->go);
    pthread_mutex_unlock(&s->mu);
  }
  share(s, 0);
  if (T > 1 && !spin_for(&s->finished, T - 1, 1)) {
    pthread_mutex_lock(&s->mu);
    while (__atomic_load_n(&s->finished, __ATOMIC_ACQUIRE) < T - 1) pthread_cond_wait(&s->done, &s->mu);
    pthread_mutex_unlock(&s->mu);
  }
  if (s->batch) batch_finalize(s->batch);
  else finalize(s);
  return 0;
}

void session_destroy(session_t *s) {
  if (!s) return;
  if (s->workers) {
    pthread_mutex_lock(&s->mu);
    __atomic_store_n(&s->exiting, 1, __ATOMIC_RELEASE);
    pthread_cond_broadcast(&s->go);
    pthread_mutex_unlock(&s->mu);
    for (int t = 1; t <= s->started; t++) pthread_join(s->workers[t], NULL);
    pthread_barrier_destroy(&s->barrier);
    pthread_cond_destroy(&s->go);
    pthread_cond_destroy(&s->done);
    pthread_mutex_destroy(&s->mu);
    free(s->workers);
  }
  for (int t = 0; s->slots && t < s->p.threads; t++) {
    slot_t *sl = &s->slots[t];
    free(sl->Wb), free(sl->G), free(sl->lanes), free(sl->idx), free(sl->val), free(sl->cnt), free(sl->diag), free(sl->P), free(sl->Dpanel), free(sl->Dfull);
  }
  batch_destroy(s->batch);
  free(s->slots);
  free(s->stats);
  free(s->S1);
  free(s->S2);
  free(s);
}

/*
 * Node-API glue of the native backend (src/kernels/native.ts drives it):
 *   optimizers()      → the names of the optimizers the kernels implement, in id order (kernels.h)
 *   sourceStamp       the SHA-256 of native/src and binding.gyp this build was compiled from
 *                     (scripts/native-stamp.mjs; "none" when built without scripts/build-native.mjs)
 *   kernels(wanted?)  → the name of the kernels this CPU runs ("avx512", "avx2", "generic"), or
 *                       null when `wanted` names kernels it cannot run
 *   create(W, loss, forces, [instances, n, m, interference, optimizer, threads, stateSlots], kernels?)
 *                     → a session handle; the typed arrays stay owned (and kept alive) by JS,
 *                       the optimizer state is the addon's (zeroed)
 *   createBatch(W, Wd, loss, forces, [instances, n, m, B, hidden, untied, benefit, interference, optimizer, threads, stateSlots], kernels?)
 *                     → a session of the general model's batched path (Wd null when tied)
 *   runBatch(h, cmd, withForces, stepSize, bc2Sqrt, X, xi)  one batched step or evaluation:
 *                       X Float32Array [instances, B, n], xi Float32Array [instances, m16] or null,
 *                       read in place during the call (nothing copied)
 *   batchBytes(h)     → bytes a batched session allocated (state and scratch; tests of the estimate)
 *   resetState(h)     zeroes the optimizer state
 *   setHyper(h, lr, lambda, weightDecay, beta1, beta2, eps)
 *   run(h, cmd, withForces, stepSize, bc2Sqrt)   one step (cmd 1) or evaluation (cmd 2), synchronous
 *   dispose(h)
 *   fmaPeak(iters, kernels?)            → [flops, seconds] of the FMA peak loop (benchmarks)
 *   phases(W, n, m, reps, kernels?)     → [pack, gram, coefficients, product, update seconds, density]
 *                                         of one instance on one thread, best of reps (benchmarks)
 *   products(W, n, m, interference, G, D, kernels?)  G = W Wᵀ and D = M W of one instance (tests)
 */
#include <node_api.h>
#include <stdlib.h>
#include <string.h>
#include "probe.h"
#include "session.h"

#define CHECK(call)                                                          \
  do {                                                                       \
    if ((call) != napi_ok) {                                                 \
      napi_throw_error(env, NULL, "incidental native: Node-API call failed"); \
      return NULL;                                                           \
    }                                                                        \
  } while (0)

typedef struct {
  session_t *s;
  /** batched sessions: the floats a step's X and ξ hold (0 for one-hot sessions) */
  size_t xCount, xiCount;
} handle_t;

static napi_value fail(napi_env env, const char *message) {
  napi_throw_error(env, NULL, message);
  return NULL;
}

/** Reads an optional string argument into buf ("" when absent). */
static int read_string(napi_env env, napi_value v, char *buf, size_t size) {
  napi_valuetype type;
  buf[0] = 0;
  if (napi_typeof(env, v, &type) != napi_ok) return -1;
  if (type != napi_string) return 0;
  size_t len;
  return napi_get_value_string_utf8(env, v, buf, size, &len) == napi_ok ? 0 : -1;
}

static napi_value js_optimizers(napi_env env, napi_callback_info info) {
  (void)info;
#define OPTIMIZER_NAME(id, name) name,
  static const char *const names[OPT_COUNT] = {OPTIMIZER_LIST(OPTIMIZER_NAME)};
#undef OPTIMIZER_NAME
  napi_value out, e;
  CHECK(napi_create_array_with_length(env, OPT_COUNT, &out));
  for (uint32_t i = 0; i < OPT_COUNT; i++) {
    CHECK(napi_create_string_utf8(env, names[i], NAPI_AUTO_LENGTH, &e));
    CHECK(napi_set_element(env, out, i, e));
  }
  return out;
}

static napi_value js_kernels(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], out;
  char wanted[32] = "";
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc > 0 && read_string(env, argv[0], wanted, sizeof wanted) != 0) return fail(env, "kernels: bad argument");
  const kernels_t *k = kernels_select(wanted);
  if (!k) {
    CHECK(napi_get_null(env, &out));
    return out;
  }
  CHECK(napi_create_string_utf8(env, k->name, NAPI_AUTO_LENGTH, &out));
  return out;
}

/** The data pointer of a typed array of the given type and at least `count` elements; NULL (no throw) for null/undefined when optional. */
static int typed(napi_env env, napi_value v, napi_typedarray_type want, size_t count, int optional, void **data) {
  napi_valuetype vt;
  *data = NULL;
  if (napi_typeof(env, v, &vt) != napi_ok) return -1;
  if (optional && (vt == napi_null || vt == napi_undefined)) return 0;
  bool is;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is) return -1;
  napi_typedarray_type type;
  size_t length, offset;
  napi_value buffer;
  if (napi_get_typedarray_info(env, v, &type, &length, data, &buffer, &offset) != napi_ok) return -1;
  return type == want && length >= count ? 0 : -1;
}

static void finalize_handle(napi_env env, void *data, void *hint) {
  (void)env, (void)hint;
  handle_t *h = data;
  session_destroy(h->s);
  free(h);
}

static napi_value js_create(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5], out;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 4) return fail(env, "create: expected (W, loss, forces, dims[, kernels])");
  int dims[7];
  for (uint32_t i = 0; i < 7; i++) {
    napi_value e;
    if (napi_get_element(env, argv[3], i, &e) != napi_ok || napi_get_value_int32(env, e, &dims[i]) != napi_ok) return fail(env, "create: dims must be 7 integers");
  }
  problem_t p = {dims[0], dims[1], dims[2], dims[3], dims[4], dims[5]};
  const int slots = dims[6];
  if (p.instances < 1 || p.n < 1 || p.m < 1 || p.threads < 1 || p.optimizer < 0 || p.optimizer >= OPT_COUNT || slots < 0 || slots > 2) return fail(env, "create: bad dims");
  const size_t size = (size_t)p.instances * p.n * p.m;
  void *W, *loss, *forces;
  if (typed(env, argv[0], napi_float32_array, size, 0, &W) || typed(env, argv[1], napi_float64_array, p.instances, 0, &loss) ||
      typed(env, argv[2], napi_float64_array, (size_t)p.instances * 3, 0, &forces)) {
    return fail(env, "create: W must be a Float32Array of instances·n·m values, loss and forces Float64Arrays");
  }
  char wanted[32] = "";
  if (argc > 4 && read_string(env, argv[4], wanted, sizeof wanted) != 0) return fail(env, "create: bad kernels name");
  const kernels_t *k = kernels_select(wanted);
  if (!k) return fail(env, "create: these kernels do not run on this CPU");
  handle_t *h = calloc(1, sizeof *h);
  if (!h) return fail(env, "create: out of memory");
  h->s = session_create(k, p, slots, W, loss, forces);
  if (!h->s) {
    free(h);
    return fail(env, "create: out of memory (state, scratch or threads)");
  }
  if (napi_create_external(env, h, finalize_handle, NULL, &out) != napi_ok) {
    session_destroy(h->s);
    free(h);
    return fail(env, "create: Node-API call failed");
  }
  return out;
}

static napi_value js_create_batch(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6], out;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 5) return fail(env, "createBatch: expected (W, Wd, loss, forces, dims[, kernels])");
  int d[11];
  for (uint32_t i = 0; i < 11; i++) {
    napi_value e;
    if (napi_get_element(env, argv[4], i, &e) != napi_ok || napi_get_value_int32(env, e, &d[i]) != napi_ok) return fail(env, "createBatch: dims must be 11 integers");
  }
  batch_problem_t p = {d[0], d[1], d[2], d[3], d[4], d[5] != 0, d[6] != 0, d[7] != 0, d[8], d[9], d[10]};
  if (p.instances < 1 || p.n < 1 || p.m < 1 || p.B < 1 || p.hidden < HIDDEN_LINEAR || p.hidden > HIDDEN_LAYERNORM || p.threads < 1 || p.optimizer < 0 ||
      p.optimizer >= OPT_COUNT || p.stateSlots < 0 || p.stateSlots > 2) {
    return fail(env, "createBatch: bad dims");
  }
  const size_t size = (size_t)p.instances * p.n * p.m;
  void *W, *Wd, *loss, *forces;
  if (typed(env, argv[0], napi_float32_array, size, 0, &W) || typed(env, argv[1], napi_float32_array, size, !p.untied, &Wd) ||
      typed(env, argv[2], napi_float64_array, p.instances, 0, &loss) || typed(env, argv[3], napi_float64_array, (size_t)p.instances * 3, 0, &forces)) {
    return fail(env, "createBatch: W (and Wd when untied) must be Float32Arrays of instances·n·m values, loss and forces Float64Arrays");
  }
  char wanted[32] = "";
  if (argc > 5 && read_string(env, argv[5], wanted, sizeof wanted) != 0) return fail(env, "createBatch: bad kernels name");
  const kernels_t *k = kernels_select(wanted);
  if (!k) return fail(env, "createBatch: these kernels do not run on this CPU");
  handle_t *h = calloc(1, sizeof *h);
  if (!h) return fail(env, "createBatch: out of memory");
  h->xCount = (size_t)p.instances * p.B * p.n;
  h->xiCount = (size_t)p.instances * ((p.m + 15) & ~15);
  h->s = session_create_batch(k, p, W, p.untied ? Wd : NULL, loss, forces);
  if (!h->s) {
    free(h);
    return fail(env, "createBatch: out of memory (state, scratch or threads)");
  }
  if (napi_create_external(env, h, finalize_handle, NULL, &out) != napi_ok) {
    session_destroy(h->s);
    free(h);
    return fail(env, "createBatch: Node-API call failed");
  }
  return out;
}

static handle_t *get_handle(napi_env env, napi_value v) {
  handle_t *h = NULL;
  if (napi_get_value_external(env, v, (void **)&h) != napi_ok || !h || !h->s) return NULL;
  return h;
}

static napi_value js_set_hyper(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  double x[6];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  handle_t *h = argc == 7 ? get_handle(env, argv[0]) : NULL;
  if (!h) return fail(env, "setHyper: expected a live session and 6 numbers");
  for (int i = 0; i < 6; i++) CHECK(napi_get_value_double(env, argv[i + 1], &x[i]));
  session_set_hyper(h->s, x[0], x[1], x[2], x[3], x[4], x[5]);
  return NULL;
}

static napi_value js_run(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  int32_t cmd, forces;
  double stepSize, bc2Sqrt;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  handle_t *h = argc == 5 ? get_handle(env, argv[0]) : NULL;
  if (!h || h->xCount != 0) return fail(env, "run: expected a live one-hot session (batched sessions step with runBatch)");
  CHECK(napi_get_value_int32(env, argv[1], &cmd));
  CHECK(napi_get_value_int32(env, argv[2], &forces));
  CHECK(napi_get_value_double(env, argv[3], &stepSize));
  CHECK(napi_get_value_double(env, argv[4], &bc2Sqrt));
  if (cmd != CMD_STEP && cmd != CMD_EVALUATE) return fail(env, "run: bad command");
  if (session_run(h->s, cmd, forces != 0, stepSize, bc2Sqrt) != 0) return fail(env, "run: out of memory");
  return NULL;
}

static napi_value js_run_batch(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  int32_t cmd, forces;
  double stepSize, bc2Sqrt;
  void *X, *xi;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  handle_t *h = argc == 7 ? get_handle(env, argv[0]) : NULL;
  if (!h || h->xCount == 0) return fail(env, "runBatch: expected a live batched session");
  CHECK(napi_get_value_int32(env, argv[1], &cmd));
  CHECK(napi_get_value_int32(env, argv[2], &forces));
  CHECK(napi_get_value_double(env, argv[3], &stepSize));
  CHECK(napi_get_value_double(env, argv[4], &bc2Sqrt));
  if (cmd != CMD_STEP && cmd != CMD_EVALUATE) return fail(env, "runBatch: bad command");
  if (typed(env, argv[5], napi_float32_array, h->xCount, 0, &X) || typed(env, argv[6], napi_float32_array, h->xiCount, 1, &xi)) {
    return fail(env, "runBatch: X must be a Float32Array [instances, B, n], xi a Float32Array [instances, m16] or null");
  }
  if (session_run_batch(h->s, cmd, forces != 0, stepSize, bc2Sqrt, X, xi) != 0) return fail(env, "runBatch: out of memory");
  return NULL;
}

static napi_value js_batch_bytes(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], out;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  handle_t *h = argc == 1 ? get_handle(env, argv[0]) : NULL;
  if (!h) return fail(env, "batchBytes: expected a live session");
  CHECK(napi_create_double(env, (double)session_batch_bytes(h->s), &out));
  return out;
}

static napi_value js_reset_state(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  handle_t *h = argc == 1 ? get_handle(env, argv[0]) : NULL;
  if (!h) return fail(env, "resetState: expected a live session");
  session_reset_state(h->s);
  return NULL;
}

static napi_value js_dispose(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  handle_t *h = argc == 1 ? get_handle(env, argv[0]) : NULL;
  if (h) {
    session_destroy(h->s);
    h->s = NULL;
  }
  return NULL;
}

static const kernels_t *kernels_arg(napi_env env, napi_value *argv, size_t argc, size_t at) {
  char wanted[32] = "";
  if (argc > at && read_string(env, argv[at], wanted, sizeof wanted) != 0) return NULL;
  return kernels_select(wanted);
}

static napi_value numbers(napi_env env, const double *x, uint32_t count) {
  napi_value out, e;
  if (napi_create_array_with_length(env, count, &out) != napi_ok) return NULL;
  for (uint32_t i = 0; i < count; i++) {
    if (napi_create_double(env, x[i], &e) != napi_ok || napi_set_element(env, out, i, e) != napi_ok) return NULL;
  }
  return out;
}

static napi_value js_fma_peak(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  double iters;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1 || napi_get_value_double(env, argv[0], &iters) != napi_ok) return fail(env, "fmaPeak: expected an iteration count");
  const kernels_t *k = kernels_arg(env, argv, argc, 1);
  if (!k) return fail(env, "fmaPeak: these kernels do not run on this CPU");
  double r[2];
  r[0] = probe_fma_peak(k, (long)iters, &r[1]);
  return numbers(env, r, 2);
}

static napi_value js_phases(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  int32_t n, m, reps;
  void *W;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 4 || napi_get_value_int32(env, argv[1], &n) != napi_ok || napi_get_value_int32(env, argv[2], &m) != napi_ok ||
      napi_get_value_int32(env, argv[3], &reps) != napi_ok || n < 1 || m < 1 || reps < 1 || typed(env, argv[0], napi_float32_array, (size_t)n * m, 0, &W)) {
    return fail(env, "phases: expected (W Float32Array [n·m], n, m, reps[, kernels])");
  }
  const kernels_t *k = kernels_arg(env, argv, argc, 4);
  if (!k) return fail(env, "phases: these kernels do not run on this CPU");
  double r[PROBE_PHASES + 1];
  if (probe_phases(k, W, n, m, reps, r, &r[PROBE_PHASES]) != 0) return fail(env, "phases: out of memory");
  return numbers(env, r, PROBE_PHASES + 1);
}

static napi_value js_products(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  int32_t n, m, interference;
  void *W, *G, *D;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 6 || napi_get_value_int32(env, argv[1], &n) != napi_ok || napi_get_value_int32(env, argv[2], &m) != napi_ok ||
      napi_get_value_int32(env, argv[3], &interference) != napi_ok || n < 1 || m < 1 || typed(env, argv[0], napi_float32_array, (size_t)n * m, 0, &W) ||
      typed(env, argv[4], napi_float32_array, (size_t)n * n, 0, &G) || typed(env, argv[5], napi_float32_array, (size_t)n * m, 0, &D)) {
    return fail(env, "products: expected (W [n·m], n, m, interference, G [n·n], D [n·m][, kernels]) with Float32Arrays");
  }
  const kernels_t *k = kernels_arg(env, argv, argc, 6);
  if (!k) return fail(env, "products: these kernels do not run on this CPU");
  if (probe_products(k, W, n, m, interference != 0, G, D) != 0) return fail(env, "products: out of memory");
  return NULL;
}

/* the build passes the stamp as a bare token (-DINCIDENTAL_SOURCE_STAMP=<hex>), made a string here */
#ifndef INCIDENTAL_SOURCE_STAMP
#define INCIDENTAL_SOURCE_STAMP none
#endif
#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)

NAPI_MODULE_INIT() {
  napi_value stamp;
  if (napi_create_string_utf8(env, STRINGIFY(INCIDENTAL_SOURCE_STAMP), NAPI_AUTO_LENGTH, &stamp) != napi_ok) return NULL;
  const napi_property_descriptor props[] = {
    {"sourceStamp", NULL, NULL, NULL, NULL, stamp, napi_enumerable, NULL},
    {"optimizers", NULL, js_optimizers, NULL, NULL, NULL, napi_default, NULL},
    {"kernels", NULL, js_kernels, NULL, NULL, NULL, napi_default, NULL},
    {"create", NULL, js_create, NULL, NULL, NULL, napi_default, NULL},
    {"setHyper", NULL, js_set_hyper, NULL, NULL, NULL, napi_default, NULL},
    {"run", NULL, js_run, NULL, NULL, NULL, napi_default, NULL},
    {"createBatch", NULL, js_create_batch, NULL, NULL, NULL, napi_default, NULL},
    {"runBatch", NULL, js_run_batch, NULL, NULL, NULL, napi_default, NULL},
    {"batchBytes", NULL, js_batch_bytes, NULL, NULL, NULL, napi_default, NULL},
    {"resetState", NULL, js_reset_state, NULL, NULL, NULL, napi_default, NULL},
    {"dispose", NULL, js_dispose, NULL, NULL, NULL, napi_default, NULL},
    {"fmaPeak", NULL, js_fma_peak, NULL, NULL, NULL, napi_default, NULL},
    {"phases", NULL, js_phases, NULL, NULL, NULL, napi_default, NULL},
    {"products", NULL, js_products, NULL, NULL, NULL, napi_default, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  return exports;
}

"""The two products of a one-hot step done by a BLAS, one thread, for bench/kernels.mjs.

G = W Wᵀ (sgemm through numpy's matmul: numpy has no syrk, so the whole square is computed)
and D = M W with M dense [n, n] (a BLAS cannot skip the zero coefficients that our product
skips). Float32, best of --trials runs of --calls calls each. Prints one JSON line:
{"gram_s", "product_s", "blas"} — seconds per call and the BLAS library numpy loaded.
Run with OPENBLAS_NUM_THREADS=1 (bench/kernels.mjs sets it) for one thread.
"""
import argparse
import json
import os
import time

import numpy as np


def blas_library():
    """The BLAS numpy's libblas.so.3 resolves to (Debian's alternatives), or numpy's own name."""
    for path in ('/etc/alternatives/libblas.so.3-x86_64-linux-gnu', '/etc/alternatives/libblas.so.3-aarch64-linux-gnu'):
        if os.path.exists(path):
            return os.path.realpath(path)
    return 'numpy ' + np.__version__


def best(fn, trials, calls):
    times = []
    for _ in range(trials):
        t0 = time.perf_counter()
        for _ in range(calls):
            fn()
        times.append((time.perf_counter() - t0) / calls)
    return min(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--n', type=int, default=256)
    ap.add_argument('--m', type=int, default=1024)
    ap.add_argument('--trials', type=int, default=5)
    ap.add_argument('--calls', type=int, default=200)
    a = ap.parse_args()
    rng = np.random.default_rng(0)
    W = (rng.standard_normal((a.n, a.m)) / np.sqrt(a.m)).astype(np.float32)
    M = np.maximum(W @ W.T, 0).astype(np.float32)
    G = np.empty((a.n, a.n), np.float32)
    D = np.empty((a.n, a.m), np.float32)
    gram = best(lambda: np.matmul(W, W.T, out=G), a.trials, a.calls)
    product = best(lambda: np.matmul(M, W, out=D), a.trials, a.calls)
    print(json.dumps({'gram_s': gram, 'product_s': product, 'blas': blas_library()}))


if __name__ == '__main__':
    main()

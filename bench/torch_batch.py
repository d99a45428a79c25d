"""The general model's batched training (SCIENCE.md §8) as a PyTorch user would write it:
dense float32 tensors, autograd, torch.optim.AdamW (default weight decay 0.01), on the CPU.
Used by bench/batch.mjs for the speed comparison in the README.

  /usr/bin/python3 bench/torch_batch.py --n 256 --m 1024 --batch 1024 --p 0.015625 \
      --hidden relu --steps 20 --threads 2

Loss per step: sum over rows of ||ReLU((H + xi) W_dec^T) - X||^2 + lam * sum |H|, H = phi(X W),
phi in linear | relu | layernorm (no affine, eps 1e-5); tied unless --untied. Batches are
Bernoulli(p) rows with value 1, --batches of them drawn up front and cycled, so that drawing
them is not timed (bench/batch.mjs does the same). With --serve, bench/batch.mjs asks for
trials one at a time, interleaved with its own, so both see the same load. Otherwise prints one JSON line: seconds per step
(best of --trials, each the mean of --steps steps after --warmup untimed ones), the torch
version, threads and the BLAS library loaded (Debian's torch uses the system BLAS: OpenBLAS
when libopenblas0 is installed, else the reference BLAS, about 20× slower here).
"""
import argparse
import json
import os
import sys
import time

import torch


def parse():
    p = argparse.ArgumentParser()
    p.add_argument('--n', type=int, default=256)
    p.add_argument('--m', type=int, default=1024)
    p.add_argument('--batch', type=int, default=1024)
    p.add_argument('--p', type=float, default=1 / 64)
    p.add_argument('--hidden', choices=['linear', 'relu', 'layernorm'], default='relu')
    p.add_argument('--untied', action='store_true')
    p.add_argument('--steps', type=int, default=20)
    p.add_argument('--warmup', type=int, default=3)
    p.add_argument('--trials', type=int, default=3)
    p.add_argument('--batches', type=int, default=8)
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--lr', type=float, default=1e-3)
    p.add_argument('--lam', type=float, default=1e-3)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--serve', action='store_true', help='after the warm-up, read "run K" lines on stdin and answer each with one JSON line (seconds per step of K steps), until "quit"')
    return p.parse_args()


def main():
    a = parse()
    torch.set_num_threads(a.threads)
    g = torch.Generator().manual_seed(a.seed)
    W = (torch.randn(a.n, a.m, generator=g) / a.m ** 0.5).requires_grad_()
    params = [W]
    Wd = W
    if a.untied:
        Wd = (torch.randn(a.n, a.m, generator=g) / a.m ** 0.5).requires_grad_()
        params.append(Wd)
    opt = torch.optim.AdamW(params, lr=a.lr)
    batches = [(torch.rand(a.batch, a.n, generator=g) < a.p).float() for _ in range(a.batches)]

    def step(t):
        X = batches[t % len(batches)]
        Z = X @ W
        if a.hidden == 'relu':
            H = torch.relu(Z)
        elif a.hidden == 'layernorm':
            H = torch.nn.functional.layer_norm(Z, (a.m,), eps=1e-5)
        else:
            H = Z
        Y = torch.relu(H @ Wd.T)
        loss = ((Y - X) ** 2).sum() + a.lam * H.abs().sum()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return loss

    t = 0
    for _ in range(a.warmup):
        step(t)
        t += 1
    if a.serve:
        print(json.dumps({'ready': True, 'torch': torch.__version__, 'threads': torch.get_num_threads(), 'blas': blas()}), flush=True)
        for line in sys.stdin:
            words = line.split()
            if not words or words[0] != 'run':
                break
            t0 = time.perf_counter()
            for _ in range(int(words[1])):
                step(t)
                t += 1
            print(json.dumps({'seconds_per_step': (time.perf_counter() - t0) / int(words[1])}), flush=True)
        return
    best = float('inf')
    for _ in range(a.trials):
        t0 = time.perf_counter()
        for _ in range(a.steps):
            step(t)
            t += 1
        best = min(best, (time.perf_counter() - t0) / a.steps)
    print(json.dumps({'seconds_per_step': best, 'torch': torch.__version__, 'threads': torch.get_num_threads(), 'blas': blas()}))


def blas():
    """The BLAS library this process loaded (Debian switches it with update-alternatives)."""
    try:
        with open('/proc/self/maps') as f:
            paths = {line.split()[-1] for line in f if 'blas' in line.lower() and '/' in line}
        return ', '.join(sorted(os.path.realpath(p) for p in paths)) or 'unknown'
    except OSError:
        return 'unknown'


if __name__ == '__main__':
    main()

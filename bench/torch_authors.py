"""The paper's training loop, written the way the authors wrote it: a forward pass over the
identity batch with einsum, autograd, and torch.optim.AdamW with its default weight decay
(0.01), float32 on the CPU. Used by bench/kernels.mjs (timing) and bench/compare-stats.mjs
(a run to completion, then the polysemantic-neuron counts).

  /usr/bin/python3 bench/torch_authors.py --n 256 --m 1024 --instances 16 --steps 100 --threads 2

Prints one JSON line: seconds per step (after --warmup untimed steps), the loss at the final
weights (mean over instances) and,
per instance, the number of polysemantic neurons (>= 2 features with |W_ik| in [0.8, 1.2]).
"""
import argparse
import json
import math
import time

import numpy as np
import torch


def parse():
    p = argparse.ArgumentParser()
    p.add_argument('--n', type=int, default=256)
    p.add_argument('--m', type=int, default=1024)
    p.add_argument('--instances', type=int, default=16)
    p.add_argument('--steps', type=int, default=100)
    p.add_argument('--warmup', type=int, default=3)
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--lr', type=float, default=1e-3)
    p.add_argument('--lam', type=float, default=1e-3)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--init', help='W0 as .npy [instances, n, m] (float32); default: N(0, 1/m)')
    p.add_argument('--out', help='write the final W as .npy')
    return p.parse_args()


def polysemantic(W):
    """Per instance: neurons with at least two features |W_ik| in [0.8, 1.2]."""
    a = W.abs()
    return ((a >= 0.8) & (a <= 1.2)).sum(dim=1).ge(2).sum(dim=1).tolist()


def main():
    args = parse()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    I, n, m = args.instances, args.n, args.m
    if args.init:
        W0 = torch.from_numpy(np.load(args.init).astype(np.float32))
    else:
        W0 = torch.randn(I, n, m) / math.sqrt(m)
    W = torch.nn.Parameter(W0.clone())
    opt = torch.optim.AdamW([W], lr=args.lr)  # default weight_decay=0.01, as in the paper's runs
    x = torch.eye(n).expand(I, n, n)  # the data set: every one-hot input, per instance

    def loss_of(W):
        h = torch.einsum('ibn,inm->ibm', x, W)  # hidden = Wᵀ x for each input
        y = torch.relu(torch.einsum('ibm,inm->ibn', h, W))  # output = ReLU(W h)
        return ((y - x) ** 2).sum() + args.lam * h.abs().sum()

    def step():
        opt.zero_grad()
        loss = loss_of(W)
        loss.backward()
        opt.step()

    for _ in range(args.warmup):
        step()
    start, cpu_start = time.perf_counter(), time.process_time()
    for _ in range(args.steps):
        step()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    with torch.no_grad():
        loss = loss_of(W)
    if args.out:
        np.save(args.out, W.detach().numpy())
    print(json.dumps({
        'script': 'torch_authors', 'torch': torch.__version__, 'threads': args.threads,
        'shape': [I, n, m], 'steps': args.steps + args.warmup, 'timed_steps': args.steps,
        'seconds_per_step': seconds / max(1, args.steps), 'cpu_seconds_per_step': cpu / max(1, args.steps), 'loss': float(loss.item()) / I,
        'polysemantic': polysemantic(W.detach()),
    }))


if __name__ == '__main__':
    main()

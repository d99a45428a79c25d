"""The same training as bench/torch_authors.py with the closed-form gradient instead of
autograd (SCIENCE.md §2): batched matmuls G = W Wᵀ, C = 4 (ReLU(G) − I) (ReLU' = 0 on the
diagonal where G_ii = 0), ∇ = C W + λ sign(W), then torch.optim.AdamW (default weight decay).
float32 on the CPU; the loss is computed too, as every other loop does.

  /usr/bin/python3 bench/torch_closed_form.py --n 256 --m 1024 --instances 16 --steps 100 --threads 2
"""
import json
import time

import numpy as np
import torch

from torch_authors import parse, polysemantic


def main():
    args = parse()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    I, n, m = args.instances, args.n, args.m
    if args.init:
        W0 = torch.from_numpy(np.load(args.init).astype(np.float32))
    else:
        W0 = torch.randn(I, n, m) / m ** 0.5
    W = W0.clone().requires_grad_(True)
    opt = torch.optim.AdamW([W], lr=args.lr)
    eye = torch.eye(n, dtype=torch.bool).expand(I, n, n)

    def loss_and_gram():
        G = torch.bmm(W, W.transpose(1, 2))
        R = torch.relu(G)
        diag = torch.diagonal(G, dim1=1, dim2=2)
        loss = (R.square().sum() - torch.diagonal(R, dim1=1, dim2=2).square().sum()
                + (diag - 1).square().sum() + args.lam * W.abs().sum())
        return loss, G, R

    def step():
        with torch.no_grad():
            _, G, R = loss_and_gram()
            C = torch.where(eye, torch.where(G > 0, G - 1, torch.zeros_like(G)), R).mul_(4)
            W.grad = torch.baddbmm(torch.sign(W).mul_(args.lam), C, W)
        opt.step()

    for _ in range(args.warmup):
        step()
    start, cpu_start = time.perf_counter(), time.process_time()
    for _ in range(args.steps):
        step()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    with torch.no_grad():
        loss = loss_and_gram()[0]
    if args.out:
        np.save(args.out, W.detach().numpy())
    print(json.dumps({
        'script': 'torch_closed_form', 'torch': torch.__version__, 'threads': args.threads,
        'shape': [I, n, m], 'steps': args.steps + args.warmup, 'timed_steps': args.steps,
        'seconds_per_step': seconds / max(1, args.steps), 'cpu_seconds_per_step': cpu / max(1, args.steps), 'loss': float(loss.item()) / I,
        'polysemantic': polysemantic(W.detach()),
    }))


if __name__ == '__main__':
    main()

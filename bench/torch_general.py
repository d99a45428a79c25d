"""The general toy model (docs/SCIENCE.md §8) in PyTorch with autograd, as the independent
check of src/core/model.ts's closed-form gradient: from W0 (and W0_dec when untied) and a
data file X (N, n), each step takes the next B rows in order (wrapping), computes

    Z = X W,  H = φ(Z) (identity | ReLU | LayerNorm over m, no affine, eps 1e-5),
    L = Σ_rows ‖ReLU((H + ξ) W_decᵀ) − X‖² + λ Σ_rows ‖H‖₁   (W_dec = W when tied, ξ = 0)

and lets autograd and torch.optim.AdamW (or SGD/Adam) take the step. float64 throughout; X
is rounded to float32 first, as incidental does. Writes the final weights as .npy.

  /usr/bin/python3 bench/torch_general.py --W0 run/W0.npy --data X.npy --batch 16 \
      --hidden relu --lr 0.01 --lambda 0.01 --steps 100 --out W_torch.npy
"""
import argparse

import numpy as np
import torch
import torch.nn.functional as F


def parse():
    p = argparse.ArgumentParser()
    p.add_argument('--W0', required=True, help='(n, m) or (1, n, m) float32 .npy')
    p.add_argument('--W0-dec', help='the untied decoder, same shape')
    p.add_argument('--data', required=True, help='(N, n) .npy')
    p.add_argument('--batch', type=int, required=True)
    p.add_argument('--hidden', choices=['linear', 'relu', 'layernorm'], default='linear')
    p.add_argument('--optimizer', choices=['sgd', 'adam', 'adamw'], default='adamw')
    p.add_argument('--lr', type=float, default=1e-3)
    p.add_argument('--lambda', dest='lam', type=float, default=1e-3)
    p.add_argument('--weight-decay', type=float, default=0.01)
    p.add_argument('--steps', type=int, default=100)
    p.add_argument('--out', required=True, help='final W (.npy); the decoder goes to OUT with _dec before .npy')
    return p.parse_args()


def load(path):
    a = np.load(path).astype(np.float32).astype(np.float64)
    return torch.from_numpy(a.reshape(a.shape[-2:]))


def main():
    args = parse()
    torch.set_num_threads(1)
    X = load(args.data)
    W = load(args.W0).requires_grad_(True)
    D = load(args.W0_dec).requires_grad_(True) if args.W0_dec else None
    params = [W] + ([D] if D is not None else [])
    if args.optimizer == 'adamw':
        opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=args.weight_decay)
    elif args.optimizer == 'adam':
        opt = torch.optim.Adam(params, lr=args.lr)
    else:
        opt = torch.optim.SGD(params, lr=args.lr)
    N, m = X.shape[0], W.shape[1]
    cursor = 0
    for _ in range(args.steps):
        rows = [(cursor + b) % N for b in range(args.batch)]
        cursor = (cursor + args.batch) % N
        xb = X[rows]
        z = xb @ W
        if args.hidden == 'linear':
            h = z
        elif args.hidden == 'relu':
            h = F.relu(z)
        else:
            h = F.layer_norm(z, (m,), eps=1e-5)
        out = h @ (D if D is not None else W).T
        loss = ((F.relu(out) - xb) ** 2).sum() + args.lam * h.abs().sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
    np.save(args.out, W.detach().numpy())
    if D is not None:
        np.save(args.out.replace('.npy', '_dec.npy'), D.detach().numpy())


if __name__ == '__main__':
    main()

"""Golden numbers for src/core/optimizers.test.ts, computed independently of our code.

The paper's formulation, in float64: forward pass over the identity batch with einsum,
loss = Σ (ReLU(W Wᵀ x) − x)² + λ Σ|hidden|, gradient by autograd, and PyTorch's own
optimizers (torch.optim.SGD / Adam / AdamW with their defaults, AdamW's weight decay 0.01).
prox-sgd has no torch optimizer: a gradient step on the smooth loss, then soft-thresholding
at lr·λ, written out by hand. Three steps each, so Adam's bias correction is exercised.

Run: /usr/bin/python3 bench/golden_steps.py   (Debian's python3-torch)
"""
import torch

torch.set_default_dtype(torch.float64)

N, M = 3, 4
W0 = torch.tensor([
    [0.5, -0.3, 0.0, 0.2],
    [0.4, 0.1, -0.6, 0.0],
    [-0.2, 0.7, 0.3, 0.45],
])
LR, LAMBDA, STEPS = 0.1, 0.05, 3


def loss_of(W, lam):
    x = torch.eye(N)
    h = torch.einsum('bi,im->bm', x, W)  # hidden activations, one row per input
    y = torch.relu(torch.einsum('bm,im->bi', h, W))
    return ((y - x) ** 2).sum() + lam * h.abs().sum()


def run(name):
    W = torch.nn.Parameter(W0.clone())
    opt = {
        'sgd': lambda: torch.optim.SGD([W], lr=LR),
        'adam': lambda: torch.optim.Adam([W], lr=LR),
        'adamw': lambda: torch.optim.AdamW([W], lr=LR),
        'prox-sgd': lambda: None,
    }[name]()
    losses = []
    for _ in range(STEPS):
        if opt is None:
            W.grad = None
            smooth = loss_of(W, 0.0)
            losses.append((smooth + LAMBDA * W.abs().sum()).item())
            smooth.backward()
            with torch.no_grad():
                v = W - LR * W.grad
                W.copy_(torch.sign(v) * torch.clamp(v.abs() - LR * LAMBDA, min=0))
        else:
            opt.zero_grad()
            loss = loss_of(W, LAMBDA)
            losses.append(loss.item())
            loss.backward()
            opt.step()
    return losses, W.detach()


print(f'torch {torch.__version__}; n={N} m={M} lr={LR} lambda={LAMBDA} steps={STEPS}')
for name in ['sgd', 'prox-sgd', 'adam', 'adamw']:
    losses, W = run(name)
    print(f"  '{name}': {{")
    print(f"    losses: [{', '.join(repr(x) for x in losses)}],")
    print(f"    W: [{', '.join(repr(x) for x in W.flatten().tolist())}],")
    print('  },')

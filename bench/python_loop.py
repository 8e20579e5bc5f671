#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The `freetickets bench` training loop (core/train/bench.cpp, run_bench) written in plain Python/PyTorch.

It exists for one comparison: the project's goal is a C++ core at least 1.2x faster per sample than the same
masked sparse-training loop in Python. Everything the C++ bench does is repeated here with the same libtorch
(Debian's): same models, ERK densities with Bernoulli masks, torch.optim.SGD (the C++ MomentumSgd does the same
arithmetic), w *= mask after every step, a prune-and-grow update (rate 0.5, magnitude prune, gradient growth)
every K steps, a fixed pool of 8 random batches, 20 warm-up steps, then N timed steps.
Run it with /usr/bin/python3 (Debian's torch); bench/compare_python.sh runs both side by side.
"""
import argparse
import json
import math
import os
import resource
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class LeNet300100(nn.Module):
    def __init__(self, classes=10):
        super().__init__()
        self.fc1, self.fc2, self.fc3 = nn.Linear(784, 300), nn.Linear(300, 100), nn.Linear(100, classes)

    def forward(self, x):
        x = x.reshape(x.size(0), -1)
        x = F.relu(self.fc2(F.relu(self.fc1(x))))
        return F.log_softmax(self.fc3(x), dim=1)


class LeNet5(nn.Module):
    def __init__(self, classes=10):
        super().__init__()
        self.conv1, self.conv2 = nn.Conv2d(1, 20, 5), nn.Conv2d(20, 50, 5)
        self.fc3, self.fc4 = nn.Linear(50 * 4 * 4, 500), nn.Linear(500, classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = F.relu(self.fc3(x.reshape(x.size(0), -1)))
        return F.log_softmax(self.fc4(x), dim=1)


MODELS = {"lenet300-100": LeNet300100, "lenet5": LeNet5}


def erk_densities(shapes, density):
    """Per-layer ERK densities, the loop of core/sparse/density_allocation.cpp (erk_power_scale 1)."""
    count = [math.prod(s) for s in shapes]
    raw = [sum(s) / n for s, n in zip(shapes, count)]
    dense = [density >= 1.0] * len(shapes)
    eps = 0.0
    while not all(dense):
        rhs = sum(-(1 - density) * n if d else density * n for n, d in zip(count, dense))
        divisor = sum(r * n for r, n, d in zip(raw, count, dense) if not d)
        max_raw = max(r for r, d in zip(raw, dense) if not d)
        eps = rhs / divisor
        if eps * max_raw <= 1.0:
            break
        dense = [d or r == max_raw for r, d in zip(raw, dense)]
    return [1.0 if d else eps * r for r, d in zip(raw, dense)]


@torch.no_grad()
def prune_and_grow(weights, masks, dense, rate=0.5):
    """Masking::update with the default config: prune every layer, zero the weights, grow back, zero again."""
    pruned = []
    for i, (w, m) in enumerate(zip(weights, masks)):
        active = int(m.count_nonzero())
        r = math.ceil(rate * active)
        if r == 0:
            masks[i] = (w != 0).float()
        else:
            k = min(m.numel() - active + r, m.numel())
            thr = w.abs().flatten().kthvalue(k).values
            masks[i] = (w.abs() > thr).float()
        pruned.append(int(((m != 0) & (masks[i] == 0)).sum()))
    for w, m in zip(weights, masks):
        w.mul_(m)
    for i, (w, m) in enumerate(zip(weights, masks)):
        if dense[i]:
            masks[i] = torch.ones_like(m)  # ERK-dense layers are re-activated fully
            continue
        flat = m.flatten()
        k = min(pruned[i], flat.numel() - int(flat.count_nonzero()))
        if k > 0:
            score = torch.where(flat == 0, w.grad.abs().flatten(), torch.tensor(-1.0))
            masks[i] = flat.clone().index_fill_(0, score.topk(k, sorted=False).indices, 1).view_as(m)
    for w, m in zip(weights, masks):
        w.mul_(m)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", choices=MODELS, default="lenet5")
    ap.add_argument("--density", type=float, default=0.2)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--update-every", type=int, default=100)
    ap.add_argument("--threads", type=int, default=0, help="0 = all cores")
    a = ap.parse_args()

    torch.set_num_threads(a.threads if a.threads > 0 else os.cpu_count())
    torch.manual_seed(1)
    model = MODELS[a.model]().train()
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
    weights = [m.weight for m in model.modules() if isinstance(m, (nn.Linear, nn.Conv2d))]
    masks, dense = [], []
    if a.density < 1.0:
        for w, d in zip(weights, erk_densities([tuple(w.shape) for w in weights], a.density)):
            masks.append(torch.ones_like(w) if d >= 1.0 else (torch.rand(w.shape) < d).float())
            dense.append(d >= 1.0)
        with torch.no_grad():
            for w, m in zip(weights, masks):
                w.mul_(m)

    xs = [torch.randn(a.batch, 1, 28, 28) for _ in range(8)]
    ys = [torch.randint(0, 10, (a.batch,)) for _ in range(8)]

    def step(i):
        opt.zero_grad()
        loss = F.nll_loss(model(xs[i % 8]), ys[i % 8])
        loss.backward()
        opt.step()
        if masks:
            with torch.no_grad():
                for w, m in zip(weights, masks):
                    w.mul_(m)
            if a.update_every > 0 and (i + 1) % a.update_every == 0:
                prune_and_grow(weights, masks, dense, 0.5)
        return loss

    for i in range(20):
        step(i)
    step(0).item()
    t0 = time.perf_counter()
    for i in range(a.steps):
        last = step(i)
    last.item()
    seconds = time.perf_counter() - t0

    print(json.dumps({
        "impl": "python", "torch": torch.__version__, "model": a.model, "density": a.density, "batch": a.batch,
        "threads": torch.get_num_threads(), "device": "cpu", "steps": a.steps, "update_every": a.update_every,
        "seconds": seconds, "samples_per_s": a.steps * a.batch / seconds,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
    }, indent=2))


if __name__ == "__main__":
    main()

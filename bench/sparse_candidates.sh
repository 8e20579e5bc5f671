#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# How the libraries Debian packages for sparse products do on the forward product of the zoo's Linear layers
# (batch 128, float32), next to this project's kernel (freetickets bench --exec sparse) and the dense product:
#   1. LibTorch's own CSR product (torch.sparse_csr, Debian's python3-torch = the same LibTorch 1.13) and its dense
#      mm (OpenBLAS), with /usr/bin/python3;
#   2. Eigen 3.4's SparseMatrix x dense (libeigen3-dev), compiled here for the machine it runs on.
# Why the project uses its own kernels: HACKING.md, "Sparse execution".   bench/sparse_candidates.sh [THREADS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
threads=${1:-$(nproc)}
export OMP_NUM_THREADS=$threads OMP_WAIT_POLICY=PASSIVE
echo "CPU flags: $(grep -o -w -E 'avx512f|avx2' /proc/cpuinfo | sort -u | tr '\n' ' '); threads $threads"
echo "== LibTorch (OpenBLAS dense mm, CSR sparse mm), y = W x, x feature-major [in, 128]"
/usr/bin/python3 - "$threads" <<'PY'
import sys, time, torch
torch.set_num_threads(int(sys.argv[1]))
def best(f):
    out = 1e9
    for _ in range(5):
        t = time.perf_counter()
        for _ in range(20): f()
        out = min(out, (time.perf_counter() - t) / 20 * 1e3)
    return out
print("%-10s %7s %12s %12s %8s" % ("shape", "density", "dense mm", "CSR mm", "CSR/dense"))
for out_f, in_f in ((300, 784), (1200, 1200), (1200, 784)):
    for d in (0.2, 0.1, 0.05):
        torch.manual_seed(1)
        w = torch.randn(out_f, in_f) * (torch.rand(out_f, in_f) < d)
        x = torch.randn(in_f, 128)
        csr = w.to_sparse_csr()
        dm = best(lambda: torch.mm(w, x))
        sm = best(lambda: torch.mm(csr, x))
        print("%4dx%-5d %7.2f %9.3f ms %9.3f ms %7.2fx" % (out_f, in_f, d, dm, sm, sm / dm))
PY
if [[ -d /usr/include/eigen3 ]]; then
    echo "== Eigen 3.4 (one thread: its sparse x dense product is not parallel)"
    g++ -O3 -march=native -DNDEBUG -I/usr/include/eigen3 "$here/sparse_candidates.cpp" -o /tmp/ft_sparse_candidates
    /tmp/ft_sparse_candidates
else
    echo "== Eigen: not installed (apt-get install libeigen3-dev)"
fi

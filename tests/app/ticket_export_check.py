# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks a `freetickets export RUN --tickets DIR` folder from Python, as a user of the tickets would: every ticket
loads into the model that freetickets_models.py builds (strict names and shapes), its masked-out weights are zero,
and it reproduces the test accuracy the run stored for it, on the same test images.

    /usr/bin/python3 ticket_export_check.py TICKET_DIR SUMMARY.json DATASET_DIR TEST_LIMIT
"""
import gzip
import json
import os
import sys

import numpy as np
import torch


def read_idx(path):
    with gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def find(folder, base):
    for name in (base + ".gz", base):
        if os.path.exists(os.path.join(folder, name)):
            return os.path.join(folder, name)
    raise FileNotFoundError(os.path.join(folder, base))


def main(folder, summary_path, dataset, limit):
    sys.path.insert(0, folder)
    import freetickets_models as ftm

    manifest = ftm.load_manifest(folder)
    with open(summary_path) as f:
        summary = json.load(f)
    images = read_idx(find(dataset, "t10k-images-idx3-ubyte"))[:limit]
    labels = torch.from_numpy(read_idx(find(dataset, "t10k-labels-idx1-ubyte"))[:limit].astype(np.int64))
    x = ftm.normalise(torch.from_numpy(images.copy()), manifest)

    failures = []
    tickets = manifest["tickets"]
    if len(tickets) != len(summary["members"]):
        failures.append("%d tickets exported, the summary has %d members" % (len(tickets), len(summary["members"])))
    for entry in tickets:
        k = entry["index"]
        model, masks = ftm.load_ticket(folder, k)
        params = dict(model.named_parameters())
        if not masks:
            failures.append("ticket %d: no masks (the run is sparse)" % k)
        active = total = 0
        for name, mask in masks.items():
            if mask.dtype != torch.bool or mask.shape != params[name].shape:
                failures.append("ticket %d: mask %s is %s %s, weight %s" % (k, name, mask.dtype, tuple(mask.shape),
                                                                           tuple(params[name].shape)))
                continue
            outside = params[name].detach()[~mask]
            if outside.numel() and outside.abs().max().item() != 0:
                failures.append("ticket %d: %s has %d nonzero weights outside its mask" % (
                    k, name, int((outside != 0).sum())))
            active += int(mask.sum())
            total += mask.numel()
        density = active / total if total else 1.0
        if abs(density - entry["density"]) > 1e-9 or not density < 1:
            failures.append("ticket %d: mask density %.6f, manifest %.6f" % (k, density, entry["density"]))
        with torch.no_grad():
            predicted = torch.cat([model(x[i:i + 500]).argmax(1) for i in range(0, len(x), 500)])
        accuracy = (predicted == labels).double().mean().item()
        stored = next(m for m in summary["members"] if m["index"] == k)["test"]["accuracy"]
        print("ticket %d: density %.4f, test accuracy %.4f in Python, %.4f stored" % (k, density, accuracy, stored))
        if abs(accuracy - stored) > 1e-4:
            failures.append("ticket %d: test accuracy %.6f in Python, %.6f stored" % (k, accuracy, stored))
    for f in failures:
        print("FAIL: " + f, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) != 5:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])))

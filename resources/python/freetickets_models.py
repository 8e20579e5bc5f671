# SPDX-License-Identifier: GPL-3.0-or-later
"""Load the tickets that `freetickets export RUN --tickets DIR` wrote, as ordinary torch.nn models.

The folder holds, for each ticket k of the run:
  ticket-<k>.pt        a state dict (parameter and buffer name -> tensor); masked-out weights are exact zeros
  ticket-<k>.masks.pt  the masks: "<layer>.weight" -> bool tensor of the weight's shape (sparse tickets only)
and tickets.json, the manifest: which architecture, its widths, the input shape, the classes, the normalisation
the inputs need, and each ticket's density and validation accuracy.

The architectures here are the workbench's model zoo, with the same module names, so load_state_dict(strict=True)
takes a ticket as it is. Every model returns log-probabilities (log_softmax over the classes).

    import freetickets_models as ftm
    model, masks = ftm.load_ticket("tickets/", 0)      # in eval() mode
    x = ftm.normalise(uint8_images, ftm.load_manifest("tickets/"))   # [N, C, H, W] uint8 -> float
    predictions = model(x).argmax(1)

Run it as a script to list a folder's tickets:  python3 freetickets_models.py tickets/
"""

import json
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

FORMAT = "freetickets-tickets"
VERSION = 1


class Mlp(nn.Module):
    """ReLU layers fc1..fc(k+1) over the flattened input."""

    def __init__(self, in_features, hidden, classes):
        super().__init__()
        widths = list(hidden) + [classes]
        self.layers = []
        previous = in_features
        for i, width in enumerate(widths):
            layer = nn.Linear(previous, width)
            setattr(self, "fc%d" % (i + 1), layer)
            self.layers.append(layer)
            previous = width

    def forward(self, x):
        x = x.reshape(x.size(0), -1)
        for layer in self.layers[:-1]:
            x = F.relu(layer(x))
        return F.log_softmax(self.layers[-1](x), dim=1)


class LeNet5(nn.Module):
    """LeNet-5 as in Caffe, for 1x28x28 inputs: no padding, 24x24 -> 12x12 -> 8x8 -> 4x4."""

    def __init__(self, classes):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 20, 5)
        self.conv2 = nn.Conv2d(20, 50, 5)
        self.fc3 = nn.Linear(50 * 4 * 4, 500)
        self.fc4 = nn.Linear(500, classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = F.relu(self.fc3(x.reshape(x.size(0), 50 * 4 * 4)))
        return F.log_softmax(self.fc4(x), dim=1)


class Vgg(nn.Module):
    """VGG with BatchNorm for 3x32x32 inputs; `widths` lists the conv widths, 0 for a 2x2 max-pool."""

    def __init__(self, widths, classes):
        super().__init__()
        stages = []
        previous = 3
        for width in widths:
            if width == 0:
                stages.append(nn.MaxPool2d(2))
            else:
                stages += [nn.Conv2d(previous, width, 3, padding=1), nn.BatchNorm2d(width), nn.ReLU()]
                previous = width
        self.features = nn.Sequential(*stages)
        self.classifier = nn.Sequential(nn.Linear(previous, 512), nn.ReLU(), nn.BatchNorm1d(512),
                                        nn.Linear(512, classes))

    def forward(self, x):
        x = self.features(x)
        return F.log_softmax(self.classifier(x.reshape(x.size(0), -1)), dim=1)


def _conv3x3(inputs, outputs, stride):
    return nn.Conv2d(inputs, outputs, 3, stride=stride, padding=1, bias=False)


class BasicBlock(nn.Module):
    """Pre-activation block: bn1-relu-conv1(stride)-bn2-relu-conv2, plus the identity or a 1x1 convShortcut of
    relu(bn1(x)) where the width changes."""

    def __init__(self, inputs, outputs, stride):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(inputs)
        self.conv1 = _conv3x3(inputs, outputs, stride)
        self.bn2 = nn.BatchNorm2d(outputs)
        self.conv2 = _conv3x3(outputs, outputs, 1)
        self.convShortcut = nn.Conv2d(inputs, outputs, 1, stride=stride, bias=False) if inputs != outputs else None

    def forward(self, x):
        pre = F.relu(self.bn1(x))
        out = self.conv2(F.relu(self.bn2(self.conv1(pre))))
        return (x if self.convShortcut is None else self.convShortcut(pre)) + out


class NetworkBlock(nn.Module):
    def __init__(self, n, inputs, outputs, stride):
        super().__init__()
        self.layer = nn.Sequential(*[BasicBlock(inputs if i == 0 else outputs, outputs, stride if i == 0 else 1)
                                     for i in range(n)])

    def forward(self, x):
        return self.layer(x)


class WideResNet(nn.Module):
    """WRN-depth-k for 3x32x32 inputs."""

    def __init__(self, depth, k, classes):
        super().__init__()
        n = (depth - 4) // 6
        self.channels = 64 * k
        self.conv1 = _conv3x3(3, 16, 1)
        self.block1 = NetworkBlock(n, 16, 16 * k, 1)
        self.block2 = NetworkBlock(n, 16 * k, 32 * k, 2)
        self.block3 = NetworkBlock(n, 32 * k, 64 * k, 2)
        self.bn1 = nn.BatchNorm2d(64 * k)
        self.fc = nn.Linear(64 * k, classes)

    def forward(self, x):
        x = self.block3(self.block2(self.block1(self.conv1(x))))
        x = F.avg_pool2d(F.relu(self.bn1(x)), 8)
        return F.log_softmax(self.fc(x.reshape(x.size(0), self.channels)), dim=1)


def build_model(spec):
    """The untrained network that the manifest's "model" object describes."""
    family, classes = spec["family"], spec["classes"]
    if family == "mlp":
        return Mlp(spec["in_features"], spec["hidden"], classes)
    if family == "lenet5":
        return LeNet5(classes)
    if family == "vgg":
        return Vgg(spec["widths"], classes)
    if family == "wide-resnet":
        return WideResNet(spec["depth"], spec["widen"], classes)
    raise ValueError("tickets.json: model.family %r is not one of mlp, lenet5, vgg, wide-resnet" % family)


def load_manifest(folder):
    with open(os.path.join(folder, "tickets.json")) as f:
        manifest = json.load(f)
    if manifest.get("format") != FORMAT or manifest.get("version", 0) > VERSION:
        raise ValueError("%s: not a ticket export this module reads (format %r, version %r; expected %s <= %d)" % (
            os.path.join(folder, "tickets.json"), manifest.get("format"), manifest.get("version"), FORMAT, VERSION))
    return manifest


def load_ticket(folder, index, device="cpu"):
    """Ticket `index` as (model in eval mode, masks: {"<layer>.weight": bool tensor}, empty for a dense one)."""
    manifest = load_manifest(folder)
    entry = next((t for t in manifest["tickets"] if t["index"] == index), None)
    if entry is None:
        raise IndexError("%s has no ticket %d (it has %d)" % (folder, index, len(manifest["tickets"])))
    model = build_model(manifest["model"])
    model.load_state_dict(torch.load(os.path.join(folder, entry["weights"]), map_location=device))
    masks = torch.load(os.path.join(folder, entry["masks"]), map_location=device) if entry.get("masks") else {}
    return model.to(device).eval(), masks


def normalise(pixels, manifest):
    """uint8 images [N, C, H, W] (or [N, H, W] for one channel) -> the float inputs the tickets were trained on:
    pixels / 255, then (x - mean) / std per channel. Feature data (no "mean" in the manifest) is returned as float."""
    data = manifest["data"]
    x = torch.as_tensor(pixels)
    if not data.get("mean"):
        return x.float()
    if x.dim() == 3:
        x = x.unsqueeze(1)
    mean = torch.tensor(data["mean"], dtype=torch.float32).reshape(1, -1, 1, 1)
    std = torch.tensor(data["std"], dtype=torch.float32).reshape(1, -1, 1, 1)
    return (x.float() / 255.0 - mean) / std


def _main(argv):
    if len(argv) != 2:
        print("usage: python3 freetickets_models.py TICKET_FOLDER", file=sys.stderr)
        return 2
    manifest = load_manifest(argv[1])
    model = manifest["model"]
    print("%s (%s), %d classes, input %s" % (model["name"], model["family"], model["classes"], model["input"]))
    for t in manifest["tickets"]:
        net, masks = load_ticket(argv[1], t["index"])
        weights = sum(p.numel() for p in net.parameters())
        print("ticket %d: density %.4f, validation accuracy %.4f, %d parameters, %d masked layers" % (
            t["index"], t["density"], t["val_accuracy"], weights, len(masks)))
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv))

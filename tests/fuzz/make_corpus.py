# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the seed corpora of tests/fuzz/corpus/<target>/: the files the unit tests build (tests/core/data,
tests/core/store), a few of each kind, valid ones and the damaged ones the tests expect refused. The store and
checkpoint seeds come from a tiny run trained by the freetickets binary given.

    /usr/bin/python3 tests/fuzz/make_corpus.py build/app/cli/freetickets [TARGET...]

With targets named (e.g. fuzz_checkpoint), only their seeds are written. Files are replaced, never deleted: the
inputs of fixed findings kept there as seeds (e.g. fuzz_store_import/unreadable-evaluation-split.sqlite) stay.
"""
import gzip
import json
import os
import sqlite3
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")
ROOT = os.path.dirname(os.path.dirname(HERE))


WANTED = set()


def put(target, name, data):
    if WANTED and target not in WANTED:
        return
    folder = os.path.join(CORPUS, target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def idx(magic, dims, body):
    # As tests/core/data/tst_idx_reader.cpp writes them: big-endian magic and dimensions, then the bytes.
    return struct.pack(">I", magic) + b"".join(struct.pack(">I", d) for d in dims) + bytes(body)


def idx_seeds():
    images = idx(0x803, [3, 4, 4], range(48))
    labels = idx(0x801, [3], [0, 9, 4])
    seeds = {"images": images, "labels": labels, "truncated-images": images[:-5],
             "wrong-magic": idx(0x802, [3], [0, 1, 2]), "empty-images": idx(0x803, [0, 28, 28], [])}
    for name, data in seeds.items():
        put("fuzz_idx_reader", name, data)
        put("fuzz_idx_gz_reader", name + ".gz", b"\x00" + gzip.compress(data, mtime=0))  # a .gz file as it is
        put("fuzz_idx_gz_reader", name + ".raw", b"\x01" + data)  # compressed by the target
    put("fuzz_idx_gz_reader", "truncated.gz", b"\x00" + gzip.compress(images, mtime=0)[:-6])


def cifar_seeds():
    # tests/core/data/tst_cifar_reader.cpp: records of <label bytes><3072 pixels>.
    pixels = bytes(i % 251 for i in range(3072))
    put("fuzz_cifar_reader", "cifar10-2", b"\x03" + pixels + b"\x09" + pixels)
    put("fuzz_cifar_reader", "cifar100-1", b"\x01\x63" + pixels)
    put("fuzz_cifar_reader", "partial-record", b"\x03" + pixels[:100])
    put("fuzz_cifar_reader", "label-out-of-range", b"\x0a" + pixels)


def npy(descr, shape, data, version=(1, 0), fortran="False"):
    # tests/core/data/tst_npy_reader.cpp: the header dict padded with spaces to a multiple of 64, then '\n'.
    literal = "()" if not shape else f"({shape[0]},)" if len(shape) == 1 else "(" + ", ".join(map(str, shape)) + ")"
    header = f"{{'descr': '{descr}', 'fortran_order': {fortran}, 'shape': {literal}, }}"
    length_bytes = 2 if version[0] == 1 else 4
    pad = (-(10 + length_bytes - 2 + len(header) + 1)) % 64
    header += " " * pad + "\n"
    length = struct.pack("<H" if length_bytes == 2 else "<I", len(header))
    return b"\x93NUMPY" + bytes(version) + length + header.encode() + data


def npy_seeds():
    put("fuzz_npy_reader", "images-u1", npy("|u1", [2, 4, 4, 3], bytes(range(96))))
    put("fuzz_npy_reader", "labels-i8", npy("<i8", [3], struct.pack("<3q", 1, 0, 7)))
    put("fuzz_npy_reader", "labels-i4-v2", npy("<i4", [3], struct.pack("<3i", 2, 5, 9), version=(2, 0)))
    put("fuzz_npy_reader", "v3", npy("|u1", [4], b"\x01\x02\x03\x04", version=(3, 0)))
    put("fuzz_npy_reader", "fortran", npy("|u1", [2, 2], b"\x00\x01\x02\x03", fortran="True"))
    put("fuzz_npy_reader", "scalar", npy("<i8", [], struct.pack("<q", 5)))
    put("fuzz_npy_reader", "truncated", npy("<i8", [3], struct.pack("<2q", 1, 0)))


def config_seeds():
    folder = os.path.join(ROOT, "resources", "presets")
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name), "rb") as f:
            put("fuzz_config", name, f.read())
    put("fuzz_config", "sets", b'{"method": "dst"}\0sparse.density=0.1\ntrain.milestones=[0.5,0.75]\n'
        b"sparse.growth=random\nmodel.hidden=[8,8]\n")
    put("fuzz_config", "bad-value", b'{"sparse": {"density": 1.5}}\0train.epochs=-1\n')
    put("fuzz_config", "unknown-key", b'{"sparse": {"densty": 0.5}}')


def tiny_run(binary, work):
    store = os.path.join(work, "tiny.sqlite")
    subprocess.run([binary, "train", "spirals-teach", "--set", "train.epochs=6", "--set", "edst.explore_epochs=2",
                    "--set", "ensemble.members=2", "--set", "threads=1", "--set", "data.synthetic_samples=200",
                    "--set", "eval.boundary_resolution=8", "--set", "model.hidden=[16,16]", "--set", "eval.ood_sets=none", "-q", "--db", store,
                    "--checkpoint-dir", os.path.join(work, "ckpt")],
                   check=True, stdout=subprocess.DEVNULL, env=dict(os.environ, XDG_DATA_HOME=work))
    return store


def store_seeds(store, work):
    small = os.path.join(work, "small.sqlite")
    db = sqlite3.connect(store)
    db.execute("VACUUM INTO ?", (small,))
    blobs = [row[0] for row in db.execute("SELECT mask FROM mask_layers WHERE mask IS NOT NULL ORDER BY id LIMIT 6")]
    db.close()
    with open(small, "rb") as f:
        put("fuzz_store_import", "tiny-run.sqlite", f.read())
    foreign = os.path.join(work, "foreign.sqlite")
    db = sqlite3.connect(foreign)
    db.execute("CREATE TABLE runs(id INTEGER PRIMARY KEY, name TEXT)")
    db.execute("INSERT INTO runs(name) VALUES ('not ours')")
    db.commit()
    db.close()
    with open(foreign, "rb") as f:
        put("fuzz_store_import", "foreign.sqlite", f.read())
    put("fuzz_store_import", "not-sqlite", b"SQLite format 2\0" + bytes(84))
    for i, blob in enumerate(blobs):
        put("fuzz_mask_codec", f"stored-{i}", b"\x00" + blob)
    # Round trips: n = 100 and n = 1000 bits, sparse and dense words.
    put("fuzz_mask_codec", "round-trip-100", b"\x01" + struct.pack("<H", 100) + bytes([0x11] * 16 + [0xF0] * 16))
    put("fuzz_mask_codec", "round-trip-1000", b"\x01" + struct.pack("<H", 1000) + bytes(range(256)))


def checkpoint_seeds(work):
    folder = os.path.join(work, "ckpt")
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".json"):
            continue
        with open(os.path.join(folder, name)) as f:
            meta = json.load(f)
        if "tensor_file" not in meta:
            continue  # a JSON of the run's own (training.json), not a checkpoint
        with open(os.path.join(folder, meta["tensor_file"]), "rb") as f:
            tensors = f.read()
        meta["tensor_file"] = "ckpt-0.pt"  # the name the target writes the archive under
        put("fuzz_checkpoint", name[:-5], json.dumps(meta).encode() + b"\0" + tensors)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    WANTED.update(sys.argv[2:])
    idx_seeds()
    cifar_seeds()
    npy_seeds()
    config_seeds()
    with tempfile.TemporaryDirectory() as work:
        store = tiny_run(os.path.abspath(sys.argv[1]), work)
        store_seeds(store, work)
        checkpoint_seeds(work)


if __name__ == "__main__":
    main()

// SPDX-License-Identifier: GPL-3.0-or-later
// Process-wide malloc settings for training (glibc).
//
// LibTorch's CPU allocator takes every tensor buffer from malloc. With glibc's defaults, buffers above the
// dynamic mmap threshold are mmap'ed and unmapped again on every step, and the heap top is trimmed back to the
// kernel, so each training step faults its activations and gradients in afresh: measured on LeNet-5, batch 128,
// 1 thread, ~4,700 page faults per step and a third of the CPU time in the kernel. Keeping those buffers in the
// heap lets the next step reuse them (the same shapes recur every step), which halved the CPU time per sample.
// The cost is memory that stays mapped after a peak, bounded by the largest working set of the run.
#pragma once

namespace ft {

// Raises glibc's mmap and trim thresholds (idempotent). Call before training. Returns whether the settings took
// effect: false on other C libraries, where it does nothing.
bool tune_allocator_for_training();

}  // namespace ft

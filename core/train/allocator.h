// SPDX-License-Identifier: GPL-3.0-or-later
// Process-wide malloc settings for training (glibc).
//
// LibTorch's CPU allocator takes every tensor buffer from malloc. With glibc's defaults, buffers above the
// dynamic mmap threshold are mmap'ed and unmapped again on every step, and the heap top is trimmed back to the
// kernel, so each training step faults its activations and gradients in afresh: measured on LeNet-5, batch 128,
// 1 thread, ~4,700 page faults per step and a third of the CPU time in the kernel. Keeping those buffers in the
// heap lets the next step reuse them (the same shapes recur every step), which halved the CPU time per sample.
// The cost is memory that stays mapped after a peak, bounded by the largest working set of the run.
// Buffers above glibc's largest threshold (32 MiB) come from LibTorch's CPU allocator replaced by one that keeps
// them mapped for reuse (block_cache.h).
#pragma once

#include "train/block_cache.h"

namespace ft {

// Raises glibc's mmap and trim thresholds and installs the large-buffer cache as LibTorch's CPU allocator
// (idempotent; not under ASan). Call before training. Returns whether glibc's settings took effect: false on other
// C libraries, where they do nothing.
bool tune_allocator_for_training();

// Whether LibTorch's CPU allocator is the caching one, and what its cache holds and did.
bool large_tensor_buffers_cached();
LargeBlockCache::Stats large_tensor_buffer_stats();

}  // namespace ft

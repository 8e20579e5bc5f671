// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/allocator.h"

// <malloc.h> is included unconditionally where it exists: testing __GLIBC__ before any C library header is seen
// finds it undefined and silently compiles the settings out.
#if __has_include(<malloc.h>)
#include <malloc.h>
#endif

namespace ft {

bool tune_allocator_for_training() {
#if defined(__GLIBC__) && defined(M_MMAP_THRESHOLD)
    // 32 MiB is the largest mmap threshold glibc accepts on 64-bit targets; bigger buffers (rare: a WRN-28-10
    // activation at batch 128) still use mmap. Setting any of these also turns off glibc's dynamic threshold.
    return mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024) == 1 && mallopt(M_TRIM_THRESHOLD, 256 * 1024 * 1024) == 1 &&
           mallopt(M_TOP_PAD, 64 * 1024 * 1024) == 1;
#else
    return false;
#endif
}

}  // namespace ft

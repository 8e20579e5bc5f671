#include "train/allocator.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace ft {

void tune_allocator_for_training() {
#if defined(__GLIBC__)
    // 32 MiB is the largest mmap threshold glibc accepts on 64-bit targets; bigger buffers (rare: a WRN-28-10
    // activation at batch 128) still use mmap. Setting any of these also turns off glibc's dynamic threshold.
    mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
    mallopt(M_TRIM_THRESHOLD, 256 * 1024 * 1024);
    mallopt(M_TOP_PAD, 64 * 1024 * 1024);
#endif
}

}  // namespace ft

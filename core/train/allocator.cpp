// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/allocator.h"

// <malloc.h> is included unconditionally where it exists: testing __GLIBC__ before any C library header is seen
// finds it undefined and silently compiles the settings out.
#if __has_include(<malloc.h>)
#include <malloc.h>
#endif

#include <unistd.h>

#include <algorithm>
#include <type_traits>

#include <c10/core/CPUAllocator.h>
#include <c10/core/impl/alloc_cpu.h>

namespace ft {
namespace {

// Buffers this big would be glibc's own mmaps even after the settings below, and the cache is worth its lookup.
constexpr size_t kLargeBuffer = size_t{32} << 20;

LargeBlockCache& large_buffers() {
    // A sixteenth of the memory, at most 1 GiB: on 24 GB, room for the transient buffers of a step and a mask
    // update of a 36M-weight layer (144 MB each) several times over. Idle ones go after 10 s, such as the training
    // buffers once the final evaluation starts. Never destroyed: a tensor may be freed at any point of exit.
    static auto* cache = [] {
        const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
        const size_t memory = pages > 0 && page > 0 ? size_t(pages) * size_t(page) : size_t{8} << 30;
        return new LargeBlockCache(kLargeBuffer, std::min(memory / 16, size_t{1} << 30), std::chrono::seconds(10));
    }();
    return *cache;
}

// LibTorch's CPU allocator with the large buffers taken from the cache; the rest as LibTorch allocates them. The
// context is the data pointer itself, as in LibTorch's own, so its raw_allocate/raw_deallocate keep working.
void* allocate_buffer(size_t bytes) {
    void* ptr = large_buffers().allocate(bytes);
    return ptr ? ptr : c10::alloc_cpu(bytes);  // small, or the kernel refused a mapping: LibTorch reports it
}

void release_buffer(void* ptr) {
    if (!LargeBlockCache::may_own(ptr) || !large_buffers().release(ptr)) c10::free_cpu(ptr);
}

// LibTorch 1.13 declares `allocate` const; 2.x does not, and adds `copy_data`. One of these two is instantiated,
// chosen by the signature the installed headers declare (toolchain.md §8: the GPU machines build against 2.x).
template <class Base>
struct ConstAllocate final : Base {
    c10::DataPtr allocate(size_t bytes) const override {
        void* ptr = allocate_buffer(bytes);
        return {ptr, ptr, &release_buffer, c10::Device(c10::DeviceType::CPU)};
    }
    c10::DeleterFnPtr raw_deleter() const override { return &release_buffer; }
};

template <class Base>
struct MutableAllocate final : Base {
    c10::DataPtr allocate(size_t bytes) override {
        void* ptr = allocate_buffer(bytes);
        return {ptr, ptr, &release_buffer, c10::Device(c10::DeviceType::CPU)};
    }
    c10::DeleterFnPtr raw_deleter() const override { return &release_buffer; }
    void copy_data(void* dest, const void* src, size_t count) const override {
        this->default_copy_data(dest, src, count);
    }
};

using CachingCpuAllocator = std::conditional_t<
    std::is_same_v<decltype(&c10::Allocator::allocate), c10::DataPtr (c10::Allocator::*)(size_t) const>,
    ConstAllocate<c10::Allocator>, MutableAllocate<c10::Allocator>>;

bool install_large_buffer_cache() {
    static CachingCpuAllocator allocator;
    static const bool installed = [] {
#if defined(__SANITIZE_ADDRESS__)
        // ASan's allocator is what finds overflows and uses after free; a reused mapping would hide the latter.
        return false;
#else
        c10::SetCPUAllocator(&allocator);
        return c10::GetCPUAllocator() == &allocator;
#endif
    }();
    return installed;
}

}  // namespace

bool tune_allocator_for_training() {
    install_large_buffer_cache();
#if defined(__GLIBC__) && defined(M_MMAP_THRESHOLD)
    // 32 MiB is the largest mmap threshold glibc accepts on 64-bit targets; bigger buffers (a 36M-weight layer's
    // gradient, a WRN-28-10 activation at batch 128) go to the cache above instead. Setting any of these also turns
    // off glibc's dynamic threshold.
    return mallopt(M_MMAP_THRESHOLD, int(kLargeBuffer)) == 1 && mallopt(M_TRIM_THRESHOLD, 256 * 1024 * 1024) == 1 &&
           mallopt(M_TOP_PAD, 64 * 1024 * 1024) == 1;
#else
    return false;
#endif
}

bool large_tensor_buffers_cached() { return c10::GetCPUAllocator()->raw_deleter() == &release_buffer; }

LargeBlockCache::Stats large_tensor_buffer_stats() { return large_buffers().stats(); }

}  // namespace ft

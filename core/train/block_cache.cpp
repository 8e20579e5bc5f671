// SPDX-License-Identifier: GPL-3.0-or-later
// Large-buffer cache (see block_cache.h).
#include "train/block_cache.h"

#include <sys/mman.h>

namespace ft {
namespace {

size_t round_up(size_t bytes, size_t to) { return (bytes + to - 1) / to * to; }

// A fresh mapping of `bytes` (a multiple of kAlign) at a kAlign boundary: map kAlign more and give back the ends.
void* map_aligned(size_t bytes) {
    constexpr size_t align = LargeBlockCache::kAlign;
    void* raw = mmap(nullptr, bytes + align, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) return nullptr;
    const auto start = reinterpret_cast<uintptr_t>(raw);
    const uintptr_t aligned = round_up(start, align);
    if (aligned > start) munmap(raw, aligned - start);
    const uintptr_t end = aligned + bytes, raw_end = start + bytes + align;
    if (raw_end > end) munmap(reinterpret_cast<void*>(end), raw_end - end);
#ifdef MADV_HUGEPAGE
    // Huge pages where the kernel offers them on request (Debian's default: "madvise"): a 144 MB buffer faults in
    // 72 times instead of 35,000. A refusal changes nothing but speed.
    madvise(reinterpret_cast<void*>(aligned), bytes, MADV_HUGEPAGE);
#endif
    return reinterpret_cast<void*>(aligned);
}

}  // namespace

LargeBlockCache::LargeBlockCache(size_t threshold, size_t capacity, Clock::duration idle)
    : threshold_(threshold), capacity_(capacity), idle_(idle) {}

LargeBlockCache::~LargeBlockCache() {
    std::lock_guard lock(mutex_);
    for (const Cached& c : cached_) munmap(c.ptr, c.bytes);
}

void LargeBlockCache::unmap(void* ptr, size_t bytes) {
    munmap(ptr, bytes);
    ++stats_.unmaps;
}

void LargeBlockCache::drop_idle(Clock::time_point now) {
    while (!cached_.empty() && now - cached_.front().freed >= idle_) {
        unmap(cached_.front().ptr, cached_.front().bytes);
        stats_.cached_bytes -= cached_.front().bytes;
        cached_.pop_front();
    }
}

void LargeBlockCache::drop_oldest(size_t bytes) {
    size_t dropped = 0;
    while (!cached_.empty() && dropped < bytes) {
        dropped += cached_.front().bytes;
        unmap(cached_.front().ptr, cached_.front().bytes);
        stats_.cached_bytes -= cached_.front().bytes;
        cached_.pop_front();
    }
}

void* LargeBlockCache::allocate(size_t bytes) {
    if (bytes < threshold_ || bytes == 0) return nullptr;
    const size_t need = round_up(bytes, kAlign);
    std::lock_guard lock(mutex_);
    drop_idle(Clock::now());
    // The smallest cached buffer that fits without wasting more than 1/8 of itself.
    auto best = cached_.end();
    for (auto it = cached_.begin(); it != cached_.end(); ++it)
        if (it->bytes >= need && it->bytes - need <= it->bytes / 8 &&
            (best == cached_.end() || it->bytes < best->bytes))
            best = it;
    if (best != cached_.end()) {
        void* ptr = best->ptr;
        const size_t got = best->bytes;
        stats_.cached_bytes -= got;
        cached_.erase(best);
        in_use_.emplace(ptr, got);
        stats_.in_use_bytes += got;
        ++stats_.hits;
        return ptr;
    }
    void* ptr = map_aligned(need);
    if (!ptr) return nullptr;
    in_use_.emplace(ptr, need);
    stats_.in_use_bytes += need;
    ++stats_.maps;
    return ptr;
}

bool LargeBlockCache::release(void* ptr) {
    if (!ptr || !may_own(ptr)) return false;
    std::lock_guard lock(mutex_);
    const auto it = in_use_.find(ptr);
    if (it == in_use_.end()) return false;
    const size_t bytes = it->second;
    in_use_.erase(it);
    stats_.in_use_bytes -= bytes;
    const auto now = Clock::now();
    drop_idle(now);
    if (bytes > capacity_) {
        unmap(ptr, bytes);
        return true;
    }
    if (stats_.cached_bytes + bytes > capacity_) drop_oldest(stats_.cached_bytes + bytes - capacity_);
    cached_.push_back({ptr, bytes, now});
    stats_.cached_bytes += bytes;
    return true;
}

LargeBlockCache::Stats LargeBlockCache::stats() const {
    std::lock_guard lock(mutex_);
    return stats_;
}

}  // namespace ft

// SPDX-License-Identifier: GPL-3.0-or-later
// Keeps freed large buffers mapped for the next request of the same size.
//
// glibc serves every buffer above 32 MiB (the largest mmap threshold it accepts on 64-bit, see allocator.h) with
// its own mmap and unmaps it on free, so the kernel zeroes every page again when the next one faults in. A layer
// of 36M weights (784-6000-6000-10 MLP) allocates and frees its 144 MB gradient, its magnitudes and scores at every
// step and mask update: a profile of that run spent a quarter of its samples in page faults and munmap. Here such
// buffers come from mappings aligned to 2 MiB and marked for transparent huge pages, and a freed one waits in a
// short list until a request it fits (same size class) takes it back.
//
// What it costs: at most `capacity` bytes stay mapped beyond what plain mmap would hold at any moment (freed buffers
// that wait, oldest unmapped first when a newer one needs the room), and none of them for longer than `idle` after
// its last use (checked at every call). A cached buffer fits a request between its size and 1/8 less, so a buffer
// whose size moves a little from one mask update to the next still finds its predecessor.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <unordered_map>

namespace ft {

class LargeBlockCache {
public:
    using Clock = std::chrono::steady_clock;

    struct Stats {
        size_t in_use_bytes = 0, cached_bytes = 0;  // mapped bytes handed out / waiting in the cache
        uint64_t hits = 0, maps = 0, unmaps = 0;    // requests served from the cache / new mappings / unmappings
    };

    // Requests of at least `threshold` bytes are served here; `capacity` bounds the cached bytes.
    LargeBlockCache(size_t threshold, size_t capacity, Clock::duration idle);
    ~LargeBlockCache();  // unmaps the cached buffers; buffers still handed out stay mapped
    LargeBlockCache(const LargeBlockCache&) = delete;
    LargeBlockCache& operator=(const LargeBlockCache&) = delete;

    size_t threshold() const { return threshold_; }
    // A buffer of at least `bytes` bytes, aligned to 2 MiB, or nullptr when bytes < threshold or the kernel refuses
    // the mapping. Its contents are unspecified (a reused buffer keeps what it held).
    void* allocate(size_t bytes);
    // Takes back a buffer from allocate(); false (and nothing done) for any other pointer.
    bool release(void* ptr);
    // Whether `ptr` may be one of ours: every buffer is 2 MiB-aligned, so callers can skip the lookup otherwise.
    static bool may_own(const void* ptr) { return (reinterpret_cast<uintptr_t>(ptr) & (kAlign - 1)) == 0; }
    Stats stats() const;

    static constexpr size_t kAlign = size_t{2} << 20;

private:
    struct Cached {
        void* ptr;
        size_t bytes;
        Clock::time_point freed;
    };
    void unmap(void* ptr, size_t bytes);    // with mutex_ held
    void drop_idle(Clock::time_point now);  // with mutex_ held
    void drop_oldest(size_t bytes);         // with mutex_ held: unmaps cached buffers until `bytes` are gone

    const size_t threshold_, capacity_;
    const Clock::duration idle_;
    mutable std::mutex mutex_;
    std::unordered_map<void*, size_t> in_use_;
    std::list<Cached> cached_;  // oldest first
    Stats stats_;
};

}  // namespace ft

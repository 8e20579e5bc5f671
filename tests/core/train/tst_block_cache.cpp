// SPDX-License-Identifier: GPL-3.0-or-later
// LargeBlockCache: a freed large buffer comes back for the next request it fits, and the cache gives memory back
// when a request does not fit, when it is full and when buffers sit idle.
#include <gtest/gtest.h>

#include <cstring>
#include <thread>
#include <vector>

#include "train/block_cache.h"

using ft::LargeBlockCache;
using namespace std::chrono_literals;

namespace {
constexpr size_t MiB = size_t{1} << 20;
}

TEST(LargeBlockCache, ServesOnlyLargeRequestsAlignedAndWritable) {
    LargeBlockCache cache(4 * MiB, 64 * MiB, 1h);
    EXPECT_EQ(cache.allocate(4 * MiB - 1), nullptr);
    EXPECT_EQ(cache.allocate(0), nullptr);
    void* p = cache.allocate(5 * MiB + 3);
    ASSERT_NE(p, nullptr);
    EXPECT_TRUE(LargeBlockCache::may_own(p));
    std::memset(p, 0x5a, 5 * MiB + 3);  // the whole request is mapped
    EXPECT_EQ(cache.stats().in_use_bytes, 6 * MiB) << "rounded up to 2 MiB";
    EXPECT_TRUE(cache.release(p));
    EXPECT_FALSE(cache.release(p)) << "released twice";
    int local = 0;
    EXPECT_FALSE(cache.release(&local));
}

TEST(LargeBlockCache, AFreedBufferServesTheNextRequestItFits) {
    LargeBlockCache cache(4 * MiB, 64 * MiB, 1h);
    void* a = cache.allocate(16 * MiB);
    ASSERT_NE(a, nullptr);
    static_cast<char*>(a)[0] = 7;
    ASSERT_TRUE(cache.release(a));
    EXPECT_EQ(cache.stats().cached_bytes, 16 * MiB);
    void* b = cache.allocate(15 * MiB);  // within 1/8 of the cached size
    EXPECT_EQ(b, a);
    EXPECT_EQ(static_cast<char*>(b)[0], 7) << "reused, not mapped again";
    const auto s = cache.stats();
    EXPECT_EQ(s.hits, 1u);
    EXPECT_EQ(s.maps, 1u);
    EXPECT_EQ(s.cached_bytes, 0u);
    EXPECT_EQ(s.in_use_bytes, 16 * MiB);
    ASSERT_TRUE(cache.release(b));
}

TEST(LargeBlockCache, ARequestNoBufferFitsMapsAnewAndLeavesTheCacheAlone) {
    LargeBlockCache cache(4 * MiB, 256 * MiB, 1h);
    void* big = cache.allocate(64 * MiB);
    void* small = cache.allocate(8 * MiB);
    ASSERT_TRUE(cache.release(big));
    ASSERT_TRUE(cache.release(small));
    // 32 MiB fits neither (64 would waste half of itself, 8 is too small).
    void* mid = cache.allocate(32 * MiB);
    ASSERT_NE(mid, nullptr);
    EXPECT_NE(mid, big);
    auto s = cache.stats();
    EXPECT_EQ(s.hits, 0u);
    EXPECT_EQ(s.maps, 3u);
    EXPECT_EQ(s.unmaps, 0u);
    EXPECT_EQ(s.cached_bytes, 72 * MiB);
    EXPECT_EQ(cache.allocate(60 * MiB), big) << "the 64 MiB buffer is still there for a request it fits";
}

TEST(LargeBlockCache, NeverCachesMoreThanItsCapacity) {
    LargeBlockCache cache(4 * MiB, 20 * MiB, 1h);
    std::vector<void*> buffers;
    for (int i = 0; i < 4; ++i) buffers.push_back(cache.allocate(8 * MiB));
    for (void* p : buffers) ASSERT_TRUE(cache.release(p));
    auto s = cache.stats();
    EXPECT_EQ(s.cached_bytes, 16 * MiB);
    EXPECT_EQ(s.unmaps, 2u);
    void* huge = cache.allocate(32 * MiB);  // larger than the capacity: never cached
    ASSERT_TRUE(cache.release(huge));
    s = cache.stats();
    EXPECT_LE(s.cached_bytes, 20 * MiB);
    EXPECT_EQ(s.in_use_bytes, 0u);
}

TEST(LargeBlockCache, IdleBuffersAreUnmappedAtTheNextCall) {
    LargeBlockCache cache(4 * MiB, 64 * MiB, 0s);
    void* a = cache.allocate(8 * MiB);
    ASSERT_TRUE(cache.release(a));
    void* b = cache.allocate(16 * MiB);  // the idle 8 MiB buffer goes before this request is looked at
    auto s = cache.stats();
    EXPECT_EQ(s.unmaps, 1u);
    EXPECT_EQ(s.cached_bytes, 0u);
    ASSERT_TRUE(cache.release(b));
}

TEST(LargeBlockCache, ThreadsSharingItKeepTheBooksStraight) {
    LargeBlockCache cache(4 * MiB, 48 * MiB, 1h);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&cache, t] {
            for (int i = 0; i < 200; ++i) {
                const size_t bytes = size_t(4 + (t + i) % 3 * 4) * MiB;
                auto* p = static_cast<unsigned char*>(cache.allocate(bytes));
                ASSERT_NE(p, nullptr);
                p[0] = p[bytes - 1] = static_cast<unsigned char>(t);  // nobody else holds this buffer
                EXPECT_EQ(p[0], t);
                ASSERT_TRUE(cache.release(p));
            }
        });
    for (auto& t : threads) t.join();
    const auto s = cache.stats();
    EXPECT_EQ(s.in_use_bytes, 0u);
    EXPECT_LE(s.cached_bytes, 48 * MiB);
    EXPECT_EQ(s.hits + s.maps, 800u);
    EXPECT_GT(s.hits, 0u);
}

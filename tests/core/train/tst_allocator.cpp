// SPDX-License-Identifier: GPL-3.0-or-later
// tune_allocator_for_training must change what glibc does, not just compile: a training-sized buffer comes from
// the heap instead of its own mmap, and freeing it does not hand the memory back to the kernel.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>

#include <unistd.h>

#if __has_include(<malloc.h>)
#include <malloc.h>
#endif

#include <torch/torch.h>

#include "train/allocator.h"

using ft::tune_allocator_for_training;

#if defined(__GLIBC__)
TEST(Allocator, TrainingSizedBuffersStayInTheHeap) {
#if defined(__SANITIZE_ADDRESS__)
    GTEST_SKIP() << "ASan's allocator replaces glibc's malloc, which mallopt tunes";
#endif
    ASSERT_TRUE(tune_allocator_for_training());
    constexpr size_t bytes = 8u << 20;  // 8 MiB: above glibc's default 128 KiB mmap threshold
    const auto before = mallinfo2();
    auto* volatile p = static_cast<char*>(std::malloc(bytes));
    ASSERT_NE(p, nullptr);
    std::memset(p, 1, bytes);
    const auto during = mallinfo2();
    EXPECT_EQ(during.hblks, before.hblks) << "the buffer was mmap'ed on its own";
    // In-use heap bytes, not the heap's size: a test run before this one in the process may have left the heap
    // big enough already.
    EXPECT_GE(during.uordblks, before.uordblks + bytes);
    std::free(p);
    const auto after = mallinfo2();
    EXPECT_GE(after.arena, during.arena) << "the heap was trimmed back after the free";
}
#else
TEST(Allocator, ReportsThatItDidNothingOffGlibc) { EXPECT_FALSE(tune_allocator_for_training()); }
#endif

// LibTorch's CPU allocator hands large buffers to the cache after tune_allocator_for_training: a tensor as big as
// a 6000x6000 layer's gradient, freed and asked for again, gets the same buffer, and small ones still work.
TEST(Allocator, LargeTensorBuffersAreReused) {
#if defined(__SANITIZE_ADDRESS__)
    GTEST_SKIP() << "under ASan, LibTorch keeps its own allocator (allocator.cpp)";
#endif
    if (double(sysconf(_SC_PHYS_PAGES)) * double(sysconf(_SC_PAGESIZE)) / 16 < 150e6)
        GTEST_SKIP() << "the cache holds a sixteenth of the memory, less than this test's 144 MB buffer";
    const auto before_install = torch::ones({40 << 20}, torch::kUInt8);  // from LibTorch's allocator
    tune_allocator_for_training();
    ASSERT_TRUE(ft::large_tensor_buffers_cached());
    const auto before = ft::large_tensor_buffer_stats();
    void* first = nullptr;
    {
        auto t = torch::full({6000, 6000}, 1.5f);
        first = t.data_ptr();
        EXPECT_EQ(t.sum().item<double>(), 1.5 * 36e6);
    }
    auto again = torch::empty({6000, 6000});
    EXPECT_EQ(again.data_ptr(), first);
    const auto after = ft::large_tensor_buffer_stats();
    EXPECT_EQ(after.hits, before.hits + 1);
    EXPECT_EQ(after.in_use_bytes, before.in_use_bytes + 144'000'000 / (2 << 20) * (2 << 20) + (2 << 20));
    auto small = torch::arange(10, torch::kFloat);
    EXPECT_EQ(small.sum().item<float>(), 45.f);
    EXPECT_EQ(before_install.sum().item<int64_t>(), int64_t{40} << 20);  // still readable, freed by its own deleter
}

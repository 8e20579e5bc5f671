// SPDX-License-Identifier: GPL-3.0-or-later
// tune_allocator_for_training must change what glibc does, not just compile: a training-sized buffer comes from
// the heap instead of its own mmap, and freeing it does not hand the memory back to the kernel.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>

#if __has_include(<malloc.h>)
#include <malloc.h>
#endif

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

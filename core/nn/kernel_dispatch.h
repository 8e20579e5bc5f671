// SPDX-License-Identifier: GPL-3.0-or-later
// What the sparse kernels share (sparse_linear.cpp, sparse_conv2d.cpp; private to core/nn): eight-float vectors,
// and the macro that compiles a kernel for AVX-512, AVX2 with FMA and plain x86-64 and picks one by what the CPU
// reports (GCC's target_clones would test "arch=haswell" by CPU model, which AMD's never match).
#pragma once

#include <cstdint>

#include <torch/types.h>

namespace ft::kernels {

#define FT_INLINE __attribute__((always_inline)) inline

// Eight floats: one AVX2 register (two SSE ones in the x86-64 variant).
typedef float v8 __attribute__((vector_size(32)));
typedef float v8u __attribute__((vector_size(32), aligned(4)));  // the same, at any float address

enum class Isa { Generic, Avx2, Avx512 };

inline Isa cpu_isa() {
#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("fma"))
        return Isa::Avx512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return Isa::Avx2;
#endif
    return Isa::Generic;
}

// void name params, calling name##_body args compiled three times.
#if defined(__x86_64__) && defined(__GNUC__)
#define FT_VARIANTS(name, params, args)                                                             \
    __attribute__((target("avx512f,avx512vl,fma"))) void name##_avx512 params { name##_body args; } \
    __attribute__((target("avx2,fma"))) void name##_avx2 params { name##_body args; }               \
    void name##_generic params { name##_body args; }                                                \
    void name params {                                                                              \
        static const ::ft::kernels::Isa isa = ::ft::kernels::cpu_isa();                             \
        if (isa == ::ft::kernels::Isa::Avx512)                                                      \
            name##_avx512 args;                                                                     \
        else if (isa == ::ft::kernels::Isa::Avx2)                                                   \
            name##_avx2 args;                                                                       \
        else                                                                                        \
            name##_generic args;                                                                    \
    }
#else
#define FT_VARIANTS(name, params, args) \
    void name params { name##_body args; }
#endif

// src [rows, cols] (float32 CPU) -> [cols, rows], contiguous: 8 x 8 blocks transposed in registers (torch's own
// transposing copy goes element by element through memcpy here). In sparse_linear.cpp.
torch::Tensor transposed(const torch::Tensor& src);

// dst[c * ld_dst + r] = src[r * ld_src + c] for r < rows, c < cols: the same transposes between strided blocks,
// on LibTorch's threads (transpose_into) or on the calling one (transpose_block).
void transpose_into(const float* src, int64_t ld_src, float* dst, int64_t ld_dst, int64_t rows, int64_t cols);
void transpose_block(const float* src, int64_t ld_src, float* dst, int64_t ld_dst, int64_t rows, int64_t cols);

}  // namespace ft::kernels

// SPDX-License-Identifier: GPL-3.0-or-later
// 2x2 max-pooling, ReLU fused in (see max_pool.h).
#include "nn/max_pool.h"

#include <ATen/Parallel.h>
#include <torch/autograd.h>

#include <cmath>
#include <limits>

namespace ft {
namespace {

// ReLU as torch computes it (clamp_min(x, 0), a max with 0 first): NaN stays NaN, and so does -0.
inline float relu_of(float v) { return 0.0f > v ? 0.0f : v; }

// One 2x2 window, row-major, after the ReLU when it is fused.
template <bool Relu>
inline void load_window(const float* row0, const float* row1, float v[4]) {
    const float raw[4] = {row0[0], row0[1], row1[0], row1[1]};
    for (int k = 0; k < 4; ++k) v[k] = Relu ? relu_of(raw[k]) : raw[k];
}

// One window of channels-last memory: the next column is `step` floats on.
template <bool Relu>
inline void load_channel(const float* row0, const float* row1, int64_t step, float v[4]) {
    const float raw[4] = {row0[0], row0[step], row1[0], row1[step]};
    for (int k = 0; k < 4; ++k) v[k] = Relu ? relu_of(raw[k]) : raw[k];
}

// The window's maximum as torch's CPU kernel finds it: from -inf, a value replaces the maximum when it is greater
// or NaN. Written as selects, which the compiler keeps free of branches.
inline float window_max(const float v[4]) {
    float m = -std::numeric_limits<float>::infinity();
    for (int k = 0; k < 4; ++k) m = v[k] > m || std::isnan(v[k]) ? v[k] : m;
    return m;
}

// Where that maximum is (0 to 3): the last NaN if there is one, else the first element equal to it (later equal
// ones are not greater; and an all -inf window keeps the first). Selects again: with branches, the backward pass
// mispredicted on most windows of random data and ran 15 times slower than the forward one.
inline int window_argmax(const float v[4], float m) {
    int at = 0;
    if (std::isnan(m)) {
        for (int k = 1; k < 4; ++k) at = std::isnan(v[k]) ? k : at;
        return at;
    }
    at = 3;
    for (int k = 2; k >= 0; --k) at = v[k] == m ? k : at;
    return at;
}

// Four windows side by side, in GCC's vector extensions at SSE's width, which every x86-64 has and which they map
// onto directly (wider ones are split element by element without AVX): the scalar code above with selects for
// branches, which the compiler left as branches there, mispredicted on most windows of random data.
typedef float f4 __attribute__((vector_size(16)));
typedef float f4u __attribute__((vector_size(16), aligned(4)));
typedef int32_t i4 __attribute__((vector_size(16)));

inline i4 splat(int32_t k) { return i4{} + k; }

// v[0..3]: the windows' elements in row-major order, for the 4 windows starting at row0, row1 (8 floats each).
template <bool Relu>
inline void load_windows4(const float* row0, const float* row1, f4 v[4]) {
    const i4 even = {0, 2, 4, 6}, odd = {1, 3, 5, 7};
    const f4 a0 = *reinterpret_cast<const f4u*>(row0), a1 = *reinterpret_cast<const f4u*>(row0 + 4);
    const f4 b0 = *reinterpret_cast<const f4u*>(row1), b1 = *reinterpret_cast<const f4u*>(row1 + 4);
    v[0] = __builtin_shuffle(a0, a1, even);
    v[1] = __builtin_shuffle(a0, a1, odd);
    v[2] = __builtin_shuffle(b0, b1, even);
    v[3] = __builtin_shuffle(b0, b1, odd);
    if (Relu) {
        const f4 zero = {};
        for (int k = 0; k < 4; ++k) v[k] = zero > v[k] ? zero : v[k];
    }
}

// The same for four channels of one window in channels-last memory: at row0 and row1, the next column `step` on.
template <bool Relu>
inline void load_channels4(const float* row0, const float* row1, int64_t step, f4 v[4]) {
    v[0] = *reinterpret_cast<const f4u*>(row0);
    v[1] = *reinterpret_cast<const f4u*>(row0 + step);
    v[2] = *reinterpret_cast<const f4u*>(row1);
    v[3] = *reinterpret_cast<const f4u*>(row1 + step);
    if (Relu) {
        const f4 zero = {};
        for (int k = 0; k < 4; ++k) v[k] = zero > v[k] ? zero : v[k];
    }
}

inline f4 windows4_max(const f4 v[4]) {
    f4 m = f4{} - std::numeric_limits<float>::infinity();
    for (int k = 0; k < 4; ++k) m = (v[k] > m) | (v[k] != v[k]) ? v[k] : m;
    return m;
}

inline i4 windows4_argmax(const f4 v[4], f4 m) {
    i4 first_equal = splat(3), last_nan = splat(0);
    for (int k = 2; k >= 0; --k) first_equal = v[k] == m ? splat(k) : first_equal;
    for (int k = 1; k < 4; ++k) last_nan = v[k] != v[k] ? splat(k) : last_nan;
    return m != m ? last_nan : first_equal;
}

// The 8 floats of a row from the gradients of its windows' even and odd columns.
inline void store_interleaved(float* row, f4 even, f4 odd) {
    const i4 lo = {0, 4, 1, 5}, hi = {2, 6, 3, 7};
    *reinterpret_cast<f4u*>(row) = __builtin_shuffle(even, odd, lo);
    *reinterpret_cast<f4u*>(row + 4) = __builtin_shuffle(even, odd, hi);
}

struct Geometry {
    int64_t n, c, h, w, oh, ow;
    int64_t planes() const { return n * c; }  // NCHW's tasks
    int64_t rows() const { return n * oh; }   // channels-last's tasks: a row of windows, all channels
};

Geometry geometry_of(const torch::Tensor& x) {
    return {x.size(0), x.size(1), x.size(2), x.size(3), x.size(2) / 2, x.size(3) / 2};
}

// Tasks of about 16k input elements each: planes of h x w (NCHW), or pairs of rows of w x c (channels-last).
int64_t grain(int64_t elements_per_task) {
    return std::max<int64_t>(1, 16384 / std::max<int64_t>(1, elements_per_task));
}

template <bool Relu>
void forward_planes(const float* in, float* out, const Geometry& g, int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; ++p) {
        const float* plane = in + p * g.h * g.w;
        float* o = out + p * g.oh * g.ow;
        for (int64_t i = 0; i < g.oh; ++i) {
            const float* r0 = plane + 2 * i * g.w;
            int64_t j = 0;
            for (; j + 4 <= g.ow; j += 4) {
                f4 v[4];
                load_windows4<Relu>(r0 + 2 * j, r0 + g.w + 2 * j, v);
                *reinterpret_cast<f4u*>(o + i * g.ow + j) = windows4_max(v);
            }
            for (; j < g.ow; ++j) {
                float v[4];
                load_window<Relu>(r0 + 2 * j, r0 + g.w + 2 * j, v);
                o[i * g.ow + j] = window_max(v);
            }
        }
    }
}

// gx gets gy at each window's maximum (where ReLU passed it, when fused) and 0 at the window's other elements.
// The rows and columns that floor mode leaves out are zero already (gx comes zeroed when there are any).
template <bool Relu>
void backward_planes(const float* in, const float* gy, float* gx, const Geometry& g, int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; ++p) {
        const float* plane = in + p * g.h * g.w;
        float* grad = gx + p * g.h * g.w;
        const float* gout = gy + p * g.oh * g.ow;
        for (int64_t i = 0; i < g.oh; ++i) {
            const float* r0 = plane + 2 * i * g.w;
            float* g0 = grad + 2 * i * g.w;
            const float* go = gout + i * g.ow;
            int64_t j = 0;
            for (; j + 4 <= g.ow; j += 4) {
                f4 v[4];
                load_windows4<Relu>(r0 + 2 * j, r0 + g.w + 2 * j, v);
                const f4 m = windows4_max(v);
                const i4 at = windows4_argmax(v, m);
                const f4 zero = {}, gy4 = *reinterpret_cast<const f4u*>(go + j);
                const f4 pass = Relu ? (m <= zero ? zero : gy4) : gy4;
                f4 out[4];
                for (int k = 0; k < 4; ++k) out[k] = at == splat(k) ? pass : zero;
                store_interleaved(g0 + 2 * j, out[0], out[1]);
                store_interleaved(g0 + g.w + 2 * j, out[2], out[3]);
            }
            for (; j < g.ow; ++j) {
                float v[4];
                load_window<Relu>(r0 + 2 * j, r0 + g.w + 2 * j, v);
                const float m = window_max(v);
                const int at = window_argmax(v, m);
                // ReLU's backward passes the gradient unless its output is <= 0 (so a NaN passes it, as in torch).
                const float pass = !Relu || !(m <= 0.0f) ? gout[i * g.ow + j] : 0.0f;
                g0[2 * j] = at == 0 ? pass : 0.0f;
                g0[2 * j + 1] = at == 1 ? pass : 0.0f;
                g0[g.w + 2 * j] = at == 2 ? pass : 0.0f;
                g0[g.w + 2 * j + 1] = at == 3 ? pass : 0.0f;
            }
        }
    }
}

// Channels-last ([N, H, W, C] in memory, as the convolutions leave it): a window is the same channel in four runs of
// c floats, so four channels go side by side with plain loads. Output rows [r0, r1) of the n * oh.
template <bool Relu>
void forward_rows_nhwc(const float* in, float* out, const Geometry& g, int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
        const int64_t n = r / g.oh, i = r % g.oh;
        for (int64_t j = 0; j < g.ow; ++j) {
            const float* a = in + ((n * g.h + 2 * i) * g.w + 2 * j) * g.c;
            const float* below = a + g.w * g.c;
            float* o = out + ((n * g.oh + i) * g.ow + j) * g.c;
            int64_t ch = 0;
            for (; ch + 4 <= g.c; ch += 4) {
                f4 v[4];
                load_channels4<Relu>(a + ch, below + ch, g.c, v);
                *reinterpret_cast<f4u*>(o + ch) = windows4_max(v);
            }
            for (; ch < g.c; ++ch) {
                float v[4];
                load_channel<Relu>(a + ch, below + ch, g.c, v);
                o[ch] = window_max(v);
            }
        }
    }
}

template <bool Relu>
void backward_rows_nhwc(const float* in, const float* gy, float* gx, const Geometry& g, int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
        const int64_t n = r / g.oh, i = r % g.oh;
        for (int64_t j = 0; j < g.ow; ++j) {
            const int64_t offset = ((n * g.h + 2 * i) * g.w + 2 * j) * g.c, below = g.w * g.c;
            const float* a = in + offset;
            float* ga = gx + offset;
            const float* go = gy + ((n * g.oh + i) * g.ow + j) * g.c;
            float* dst[4] = {ga, ga + g.c, ga + below, ga + below + g.c};
            int64_t ch = 0;
            for (; ch + 4 <= g.c; ch += 4) {
                f4 v[4];
                load_channels4<Relu>(a + ch, a + below + ch, g.c, v);
                const f4 m = windows4_max(v);
                const i4 at = windows4_argmax(v, m);
                const f4 zero = {}, gy4 = *reinterpret_cast<const f4u*>(go + ch);
                const f4 pass = Relu ? (m <= zero ? zero : gy4) : gy4;
                for (int k = 0; k < 4; ++k) *reinterpret_cast<f4u*>(dst[k] + ch) = at == splat(k) ? pass : zero;
            }
            for (; ch < g.c; ++ch) {
                float v[4];
                load_channel<Relu>(a + ch, a + below + ch, g.c, v);
                const float m = window_max(v);
                const int at = window_argmax(v, m);
                const float pass = !Relu || !(m <= 0.0f) ? go[ch] : 0.0f;
                for (int k = 0; k < 4; ++k) dst[k][ch] = at == k ? pass : 0.0f;
            }
        }
    }
}

// Laid out channels-last and not also NCHW-contiguous (as a single channel is).
bool channels_last(const torch::Tensor& x) {
    return !x.is_contiguous() && x.is_contiguous(torch::MemoryFormat::ChannelsLast);
}

bool fast_path(const torch::Tensor& x) {
    return x.dim() == 4 && x.device().is_cpu() && x.scalar_type() == torch::kFloat32 &&
           (x.is_contiguous() || channels_last(x)) && x.size(2) >= 2 && x.size(3) >= 2;
}

class MaxPool2x2Function : public torch::autograd::Function<MaxPool2x2Function> {
public:
    static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x, bool relu) {
        const Geometry g = geometry_of(x);
        const bool nhwc = channels_last(x);
        torch::Tensor y = torch::empty(
            {g.n, g.c, g.oh, g.ow},
            x.options().memory_format(nhwc ? torch::MemoryFormat::ChannelsLast : torch::MemoryFormat::Contiguous));
        const float* in = x.data_ptr<float>();
        float* out = y.data_ptr<float>();
        if (nhwc)
            at::parallel_for(0, g.rows(), grain(2 * g.w * g.c), [&](int64_t r0, int64_t r1) {
                relu ? forward_rows_nhwc<true>(in, out, g, r0, r1) : forward_rows_nhwc<false>(in, out, g, r0, r1);
            });
        else
            at::parallel_for(0, g.planes(), grain(g.h * g.w), [&](int64_t p0, int64_t p1) {
                relu ? forward_planes<true>(in, out, g, p0, p1) : forward_planes<false>(in, out, g, p0, p1);
            });
        // x itself, not indices: the backward finds each maximum again, which costs less than storing int64 indices.
        ctx->save_for_backward({x});
        ctx->saved_data["relu"] = relu;
        return y;
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                   torch::autograd::variable_list grads) {
        const torch::Tensor x = ctx->get_saved_variables()[0];
        const bool relu = ctx->saved_data["relu"].toBool();
        const Geometry g = geometry_of(x);
        const bool nhwc = channels_last(x);
        const torch::Tensor gy =
            grads[0].contiguous(nhwc ? torch::MemoryFormat::ChannelsLast : torch::MemoryFormat::Contiguous);
        // In x's layout (empty_like keeps it); zeroed first only where floor mode leaves rows or columns out.
        const bool whole = g.h % 2 == 0 && g.w % 2 == 0;
        torch::Tensor gx = whole ? torch::empty_like(x) : torch::zeros_like(x);
        const float* in = x.data_ptr<float>();
        const float* gout = gy.data_ptr<float>();
        float* grad = gx.data_ptr<float>();
        if (nhwc)
            at::parallel_for(0, g.rows(), grain(2 * g.w * g.c), [&](int64_t r0, int64_t r1) {
                relu ? backward_rows_nhwc<true>(in, gout, grad, g, r0, r1)
                     : backward_rows_nhwc<false>(in, gout, grad, g, r0, r1);
            });
        else
            at::parallel_for(0, g.planes(), grain(g.h * g.w), [&](int64_t p0, int64_t p1) {
                relu ? backward_planes<true>(in, gout, grad, g, p0, p1)
                     : backward_planes<false>(in, gout, grad, g, p0, p1);
            });
        return {gx, torch::Tensor()};
    }
};

}  // namespace

torch::Tensor max_pool2x2(const torch::Tensor& x, bool relu) {
    if (!fast_path(x)) return torch::max_pool2d(relu ? torch::relu(x) : x, {2, 2});
    return MaxPool2x2Function::apply(x, relu);
}

}  // namespace ft

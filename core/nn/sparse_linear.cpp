// SPDX-License-Identifier: GPL-3.0-or-later
// Sparse Linear kernels and their autograd function (see sparse_linear.h).
//
// Debian's LibTorch has no MKL and its own CSR product is slower than dense at these densities, so the kernels are
// here. Each inner loop runs over the batch, contiguous in the feature-major layout, and is compiled for AVX-512,
// AVX2 with FMA and plain x86-64, chosen at run time by what the CPU has (as OpenBLAS does).
// Sums run in CSR / CSC order; against the dense product only the float reassociation differs.
#include "nn/sparse_linear.h"

#include <ATen/Parallel.h>
#include <torch/autograd.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace ft {
namespace {

#define FT_INLINE __attribute__((always_inline)) inline

// Eight floats: one AVX2 register (two SSE ones in the x86-64 variant); the accumulators of a 64-wide batch chunk
// stay in registers across all the active weights of a row.
typedef float v8 __attribute__((vector_size(32)));
typedef float v8u __attribute__((vector_size(32), aligned(4)));  // the same, at any float address
constexpr int64_t kChunk = 64, kVectors = kChunk / 8;

// out[r, :] = sum over t in [begin, end) of vals[pos(t)] * in[src(t), :] for one output row r: the shared shape
// of the forward product (r = output o, t over its CSR entries) and of grad-input (r = input j, t over its CSC
// entries); vals are the active weights in CSR order. Chunks of 64 batch columns are accumulated in registers; the
// tail of the batch goes element-wise.
template <typename Src, typename Pos>
FT_INLINE void accumulate_row(float* out, const float* in, const float* vals, int64_t batch, int64_t begin, int64_t end,
                              Src src, Pos pos) {
    int64_t b0 = 0;
    for (; b0 + kChunk <= batch; b0 += kChunk) {
        v8 acc[kVectors] = {};
        for (int64_t t = begin; t < end; ++t) {
            const float v = vals[pos(t)];
            const v8 vv = {v, v, v, v, v, v, v, v};
            const float* x = in + src(t) * batch + b0;
            for (int64_t i = 0; i < kVectors; ++i) acc[i] += vv * *reinterpret_cast<const v8u*>(x + 8 * i);
        }
        for (int64_t i = 0; i < kVectors; ++i) *reinterpret_cast<v8u*>(out + b0 + 8 * i) = acc[i];
    }
    if (b0 == batch) return;
    for (int64_t b = b0; b < batch; ++b) out[b] = 0.0f;
    for (int64_t t = begin; t < end; ++t) {
        const float v = vals[pos(t)];
        const float* x = in + src(t) * batch;
        for (int64_t b = b0; b < batch; ++b) out[b] += v * x[b];
    }
}

// yt[o, :] = sum over the active (o, j) of w[o, j] * xt[j, :], for o in [o0, o1).
FT_INLINE void forward_rows_body(const SparseLinearPattern& p, const float* vals, const float* xt, float* yt,
                                 int64_t batch, int64_t o0, int64_t o1) {
    const int32_t* col = p.col.data();
    for (int64_t o = o0; o < o1; ++o)
        accumulate_row(
            yt + o * batch, xt, vals, batch, p.row_ptr[size_t(o)], p.row_ptr[size_t(o) + 1],
            [col](int64_t k) { return int64_t(col[k]); }, [](int64_t k) { return k; });
}

// gxt[j, :] = sum over the active (o, j) of w[o, j] * gyt[o, :], for j in [j0, j1).
FT_INLINE void grad_input_cols_body(const SparseLinearPattern& p, const float* vals, const float* gyt, float* gxt,
                                    int64_t batch, int64_t j0, int64_t j1) {
    const int32_t* row = p.t_row.data();
    const int64_t* at = p.t_pos.data();
    for (int64_t j = j0; j < j1; ++j)
        accumulate_row(
            gxt + j * batch, gyt, vals, batch, p.t_ptr[size_t(j)], p.t_ptr[size_t(j) + 1],
            [row](int64_t t) { return int64_t(row[t]); }, [at](int64_t t) { return at[t]; });
}

// g[k] (or g[k] +) = gyt[o, :] . xt[col[k], :] for the CSR entries k of rows [o0, o1): the weight gradient at the
// active positions, in CSR order. Sixteen partial sums: the loop over them vectorises without reassociating a
// single sum.
FT_INLINE void grad_weight_rows_body(const SparseLinearPattern& p, const float* gyt, const float* xt, float* g,
                                     bool accumulate, int64_t batch, int64_t o0, int64_t o1) {
    constexpr int64_t kLanes = 16;
    const int64_t whole = batch - batch % kLanes;
    for (int64_t o = o0; o < o1; ++o) {
        const float* gy = gyt + o * batch;
        for (int64_t k = p.row_ptr[size_t(o)]; k < p.row_ptr[size_t(o) + 1]; ++k) {
            const float* x = xt + int64_t(p.col[size_t(k)]) * batch;
            float acc[kLanes] = {};
            for (int64_t b = 0; b < whole; b += kLanes)
                for (int64_t i = 0; i < kLanes; ++i) acc[i] += gy[b + i] * x[b + i];
            float s = 0.0f;
            for (int64_t i = 0; i < kLanes; ++i) s += acc[i];
            for (int64_t b = whole; b < batch; ++b) s += gy[b] * x[b];
            g[k] = accumulate ? g[k] + s : s;
        }
    }
}

// dst[c, r] = src[r, c] (+ bias[r] when given) for rows r in [r0, r1) of a [rows, cols] src, in square tiles that
// stay in L1. torch's own transposing copy goes element by element through memcpy here (a third of a LeNet-300-100
// step).
FT_INLINE void transpose_rows_body(const float* src, float* dst, const float* bias, int64_t rows, int64_t cols,
                                   int64_t r0, int64_t r1) {
    constexpr int64_t kTile = 16;
    for (int64_t rt = r0; rt < r1; rt += kTile) {
        const int64_t re = std::min(rt + kTile, r1);
        for (int64_t ct = 0; ct < cols; ct += kTile) {
            const int64_t ce = std::min(ct + kTile, cols);
            for (int64_t c = ct; c < ce; ++c) {
                float* d = dst + c * rows;
                if (bias)
                    for (int64_t r = rt; r < re; ++r) d[r] = src[r * cols + c] + bias[r];
                else
                    for (int64_t r = rt; r < re; ++r) d[r] = src[r * cols + c];
            }
        }
    }
}

// Each kernel compiled three times, for AVX-512 (with FMA), AVX2 with FMA and plain x86-64, and chosen once by
// what the CPU reports (GCC's target_clones would test "arch=haswell" by CPU model, which AMD's never match).
enum class Isa { Generic, Avx2, Avx512 };
Isa cpu_isa() {
#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("fma"))
        return Isa::Avx512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return Isa::Avx2;
#endif
    return Isa::Generic;
}

#if defined(__x86_64__) && defined(__GNUC__)
#define FT_VARIANTS(name, params, args)                                                             \
    __attribute__((target("avx512f,avx512vl,fma"))) void name##_avx512 params { name##_body args; } \
    __attribute__((target("avx2,fma"))) void name##_avx2 params { name##_body args; }               \
    void name##_generic params { name##_body args; }                                                \
    void name params {                                                                              \
        static const Isa isa = cpu_isa();                                                           \
        if (isa == Isa::Avx512)                                                                     \
            name##_avx512 args;                                                                     \
        else if (isa == Isa::Avx2)                                                                  \
            name##_avx2 args;                                                                       \
        else                                                                                        \
            name##_generic args;                                                                    \
    }
#else
#define FT_VARIANTS(name, params, args) \
    void name params { name##_body args; }
#endif

FT_VARIANTS(forward_rows,
            (const SparseLinearPattern& p, const float* vals, const float* xt, float* yt, int64_t batch, int64_t o0,
             int64_t o1),
            (p, vals, xt, yt, batch, o0, o1))
FT_VARIANTS(grad_input_cols,
            (const SparseLinearPattern& p, const float* vals, const float* gyt, float* gxt, int64_t batch, int64_t j0,
             int64_t j1),
            (p, vals, gyt, gxt, batch, j0, j1))
FT_VARIANTS(transpose_rows,
            (const float* src, float* dst, const float* bias, int64_t rows, int64_t cols, int64_t r0, int64_t r1),
            (src, dst, bias, rows, cols, r0, r1))
FT_VARIANTS(grad_weight_rows,
            (const SparseLinearPattern& p, const float* gyt, const float* xt, float* g, bool accumulate, int64_t batch,
             int64_t o0, int64_t o1),
            (p, gyt, xt, g, accumulate, batch, o0, o1))

// Rows per task: enough work per task that scheduling is noise (about 64k multiply-adds).
int64_t grain(const SparseLinearPattern& p, int64_t rows, int64_t batch) {
    const double per_row = rows > 0 ? double(p.nnz()) / double(rows) * double(batch) : 1.0;
    return std::max<int64_t>(1, int64_t(65536.0 / std::max(1.0, per_row)));
}

// src [rows, cols] (contiguous float32 CPU) -> [cols, rows], plus bias[r] on every element of source row r.
torch::Tensor transposed(const torch::Tensor& src, const torch::Tensor& bias = {}) {
    if (src.dim() != 2 || src.scalar_type() != torch::kFloat32 || src.device().type() != torch::kCPU)
        throw std::invalid_argument("sparse_linear: activations must be float32 CPU [batch, features] tensors");
    const torch::Tensor s = src.contiguous();
    const int64_t rows = s.size(0), cols = s.size(1);
    torch::Tensor dst = torch::empty({cols, rows}, s.options());
    const float* in = s.data_ptr<float>();
    float* out = dst.data_ptr<float>();
    const torch::Tensor b = bias.defined() ? bias.contiguous() : bias;
    const float* add = b.defined() ? b.data_ptr<float>() : nullptr;
    // Tiles of 16 source rows; a task moves at least about 32k elements.
    at::parallel_for(0, rows, std::max<int64_t>(16, 32768 / std::max<int64_t>(1, cols)),
                     [&](int64_t r0, int64_t r1) { transpose_rows(in, out, add, rows, cols, r0, r1); });
    return dst;
}

void check_activation(const char* what, const torch::Tensor& t, int64_t rows) {
    if (t.dim() != 2 || t.size(0) != rows || t.scalar_type() != torch::kFloat32 || !t.is_contiguous() ||
        t.device().type() != torch::kCPU)
        throw std::invalid_argument(std::string("sparse_linear: ") + what + " must be a contiguous float32 CPU [" +
                                    std::to_string(rows) + ", batch] tensor");
}

void check_weight(const torch::Tensor& weight, const SparseLinearPattern& p) {
    if (weight.dim() != 2 || weight.size(0) != p.out || weight.size(1) != p.in || !weight.is_contiguous() ||
        weight.scalar_type() != torch::kFloat32 || weight.device().type() != torch::kCPU)
        throw std::invalid_argument("sparse_linear: the weight is not the contiguous float32 CPU [" +
                                    std::to_string(p.out) + ", " + std::to_string(p.in) + "] of the pattern");
}

class SparseLinearFunction : public torch::autograd::Function<SparseLinearFunction> {
public:
    static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x,
                                 const torch::Tensor& weight, const torch::Tensor& bias, int64_t pattern_address,
                                 bool dense_weight_grad) {
        // Autograd's saved data holds IValues only, so the pattern's address travels as an integer; sparse_linear
        // says why the pattern outlives the graph.
        // NOLINTNEXTLINE(performance-no-int-to-ptr)
        const auto& p = *reinterpret_cast<const SparseLinearPattern*>(pattern_address);
        const torch::Tensor xt = transposed(x);
        const torch::Tensor y = transposed(sparse_linear_forward_t(xt, weight, p), bias);
        // x itself too, on the steps that need the dense weight gradient: gy^T x from the batch-major operands, one
        // sgemm, as the dense layer's backward computes it.
        ctx->save_for_backward({xt, weight, bias, dense_weight_grad ? x : torch::Tensor()});
        ctx->saved_data["pattern"] = pattern_address;
        ctx->saved_data["dense"] = dense_weight_grad;
        return y;
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                   torch::autograd::variable_list grads) {
        const auto saved = ctx->get_saved_variables();
        const torch::Tensor& xt = saved[0];
        const torch::Tensor& weight = saved[1];
        const torch::Tensor& bias = saved[2];
        const torch::Tensor& x = saved[3];
        const int64_t address = ctx->saved_data["pattern"].toInt();
        // NOLINTNEXTLINE(performance-no-int-to-ptr)
        const auto& p = *reinterpret_cast<const SparseLinearPattern*>(address);
        const bool dense = ctx->saved_data["dense"].toBool();
        const torch::Tensor gy = grads[0].contiguous();  // [B, out]
        const torch::Tensor gyt = transposed(gy);
        torch::Tensor gx, gw, gb;
        if (ctx->needs_input_grad(0)) gx = transposed(sparse_linear_grad_input_t(gyt, weight, p));
        if (ctx->needs_input_grad(1)) {
            if (dense) {
                gw = torch::mm(gy.t(), x);
            } else {
                // Into the layer's own gradient slot: weight.grad stays undefined (see SparseLinearState).
                SparseLinearState& st = *p.state;
                st.grad.resize(size_t(p.nnz()));
                sparse_linear_grad_weight_values(gyt, xt, p, st.grad.data(), st.grad_written);
                st.grad_written = true;
            }
        }
        if (bias.defined() && ctx->needs_input_grad(2)) gb = gy.sum(0);
        return {gx, gw, gb, torch::Tensor(), torch::Tensor()};
    }
};

}  // namespace

std::shared_ptr<const SparseLinearPattern> build_sparse_linear_pattern(const torch::Tensor& mask) {
    if (mask.dim() != 2) throw std::invalid_argument("build_sparse_linear_pattern: the mask must be [out, in]");
    const torch::Tensor m = (mask.to(torch::kCPU) != 0).contiguous();
    auto p = std::make_shared<SparseLinearPattern>();
    p->out = m.size(0);
    p->in = m.size(1);
    if (p->in > INT32_MAX || p->out > INT32_MAX) throw std::invalid_argument("build_sparse_linear_pattern: too big");
    const bool* a = m.data_ptr<bool>();
    p->row_ptr.assign(size_t(p->out) + 1, 0);
    std::vector<int64_t> per_col(size_t(p->in), 0);
    for (int64_t o = 0; o < p->out; ++o) {
        for (int64_t j = 0; j < p->in; ++j)
            if (a[o * p->in + j]) {
                p->col.push_back(int32_t(j));
                p->flat.push_back(o * p->in + j);
                ++per_col[size_t(j)];
            }
        p->row_ptr[size_t(o) + 1] = int64_t(p->col.size());
    }
    p->t_ptr.assign(size_t(p->in) + 1, 0);
    for (int64_t j = 0; j < p->in; ++j) p->t_ptr[size_t(j) + 1] = p->t_ptr[size_t(j)] + per_col[size_t(j)];
    p->t_row.resize(p->col.size());
    p->t_pos.resize(p->col.size());
    std::vector<int64_t> next(p->t_ptr.begin(), p->t_ptr.end() - 1);
    for (int64_t o = 0; o < p->out; ++o)  // rows ascending, so each column's list is in row order
        for (int64_t k = p->row_ptr[size_t(o)]; k < p->row_ptr[size_t(o) + 1]; ++k) {
            const auto at = size_t(next[size_t(p->col[size_t(k)])]++);
            p->t_row[at] = int32_t(o);
            p->t_pos[at] = k;
        }
    return p;
}

const float* sparse_linear_values(const torch::Tensor& weight, const SparseLinearPattern& p) {
    check_weight(weight, p);
    SparseLinearState& st = *p.state;
    const std::lock_guard<std::mutex> lock(st.values_mutex);
    if (!st.values_of.defined() || st.values_of.data_ptr() != weight.data_ptr() ||
        st.values_version != int64_t(weight._version()) || st.values.size() != size_t(p.nnz())) {
        const float* w = weight.data_ptr<float>();
        st.values.resize(size_t(p.nnz()));
        for (size_t k = 0; k < st.values.size(); ++k) st.values[k] = w[p.flat[k]];
        st.values_of = weight;
        st.values_version = int64_t(weight._version());
    }
    return st.values.data();
}

torch::Tensor sparse_linear_forward_t(const torch::Tensor& xt, const torch::Tensor& weight,
                                      const SparseLinearPattern& p) {
    check_activation("the input", xt, p.in);
    const float* w = sparse_linear_values(weight, p);
    const int64_t batch = xt.size(1);
    torch::Tensor yt = torch::empty({p.out, batch}, xt.options());
    const float* x = xt.data_ptr<float>();
    float* y = yt.data_ptr<float>();
    at::parallel_for(0, p.out, grain(p, p.out, batch),
                     [&](int64_t o0, int64_t o1) { forward_rows(p, w, x, y, batch, o0, o1); });
    return yt;
}

torch::Tensor sparse_linear_grad_input_t(const torch::Tensor& gyt, const torch::Tensor& weight,
                                         const SparseLinearPattern& p) {
    check_activation("the output gradient", gyt, p.out);
    const float* w = sparse_linear_values(weight, p);
    const int64_t batch = gyt.size(1);
    torch::Tensor gxt = torch::empty({p.in, batch}, gyt.options());
    const float* gy = gyt.data_ptr<float>();
    float* gx = gxt.data_ptr<float>();
    at::parallel_for(0, p.in, grain(p, p.in, batch),
                     [&](int64_t j0, int64_t j1) { grad_input_cols(p, w, gy, gx, batch, j0, j1); });
    return gxt;
}

void sparse_linear_grad_weight_values(const torch::Tensor& gyt, const torch::Tensor& xt, const SparseLinearPattern& p,
                                      float* out, bool accumulate) {
    check_activation("the output gradient", gyt, p.out);
    check_activation("the input", xt, p.in);
    if (gyt.size(1) != xt.size(1)) throw std::invalid_argument("sparse_linear_grad_weight: batch sizes differ");
    const int64_t batch = gyt.size(1);
    const float* gy = gyt.data_ptr<float>();
    const float* x = xt.data_ptr<float>();
    at::parallel_for(0, p.out, grain(p, p.out, batch),
                     [&](int64_t o0, int64_t o1) { grad_weight_rows(p, gy, x, out, accumulate, batch, o0, o1); });
}

namespace {

torch::Tensor scatter_to_dense(const SparseLinearPattern& p, const float* values) {
    torch::Tensor dense = torch::zeros({p.out, p.in}, torch::kFloat32);
    float* d = dense.data_ptr<float>();
    for (size_t k = 0; k < p.flat.size(); ++k) d[p.flat[k]] = values[k];
    return dense;
}

}  // namespace

torch::Tensor sparse_linear_grad_weight(const torch::Tensor& gyt, const torch::Tensor& xt,
                                        const SparseLinearPattern& p) {
    std::vector<float> values(size_t(p.nnz()));
    sparse_linear_grad_weight_values(gyt, xt, p, values.data(), false);
    return scatter_to_dense(p, values.data());
}

torch::Tensor sparse_linear_grad_as_dense(const SparseLinearPattern& p) {
    const SparseLinearState& st = *p.state;
    if (!st.grad_written) return torch::zeros({p.out, p.in}, torch::kFloat32);
    return scatter_to_dense(p, st.grad.data());
}

torch::Tensor sparse_linear(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias,
                            const std::shared_ptr<const SparseLinearPattern>& pattern, bool dense_weight_grad) {
    if (!pattern) throw std::invalid_argument("sparse_linear: no pattern");
    // The pattern outlives the autograd graph: a layer replaces its pattern only at a mask update, after the
    // step's backward has run.
    return SparseLinearFunction::apply(x.contiguous(), weight, bias, reinterpret_cast<int64_t>(pattern.get()),
                                       dense_weight_grad);
}

}  // namespace ft

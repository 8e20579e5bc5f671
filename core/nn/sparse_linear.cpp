// SPDX-License-Identifier: GPL-3.0-or-later
// Sparse Linear kernels and their autograd function (see sparse_linear.h).
//
// Debian's LibTorch has no MKL and its own CSR product is slower than dense at these densities, so the kernels are
// here. Each inner loop runs over the batch, contiguous in the feature-major layout, and is compiled for AVX-512,
// AVX2 with FMA and plain x86-64, chosen at run time by what the CPU has (as OpenBLAS does).
// Sums run in CSR / CSC order; against the dense product only the float reassociation differs.
#include "nn/sparse_linear.h"

#include "nn/kernel_dispatch.h"

#include <ATen/Parallel.h>
#include <torch/autograd.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace ft {
namespace {
using kernels::transposed;

using kernels::v8;
using kernels::v8u;

// The accumulators of a 64-wide batch chunk stay in registers across all the active weights of a row.
constexpr int64_t kChunk = 64, kVectors = kChunk / 8;
// The input rows of the active weights ahead are fetched while the current one is summed: the rows a row's weights
// name are scattered over the input, which hardware prefetchers cannot follow. Inference of a 784-6000-6000-10 MLP at
// batch 500 (12 MB of input per layer) took 9-12% less time with it; 8 weights ahead did as well as 4 or 16.
constexpr int64_t kAhead = 8;

// The sum of one chunk of kN * 8 batch columns, in registers across all the row's active weights (t in
// [begin, end)), written to out with init added last, as the dense product adds the bias to the finished sum.
template <int kN, typename Src, typename Pos>
FT_INLINE void accumulate_chunk(float* out, const float* in, const float* vals, const v8& init, int64_t stride,
                                int64_t b0, int64_t begin, int64_t end, Src src, Pos pos) {
    v8 acc[kN] = {};
    for (int64_t t = begin; t < end; ++t) {
        if (t + kAhead < end) {
            const float* next = in + src(t + kAhead) * stride + b0;
            for (int64_t l = 0; l < kN * 8; l += 16) __builtin_prefetch(next + l);
        }
        const float v = vals[pos(t)];
        const v8 vv = {v, v, v, v, v, v, v, v};
        const float* x = in + src(t) * stride + b0;
        for (int i = 0; i < kN; ++i) acc[i] += vv * *reinterpret_cast<const v8u*>(x + 8 * i);
    }
    for (int i = 0; i < kN; ++i) *reinterpret_cast<v8u*>(out + b0 + 8 * i) = acc[i] + init;
}

// out[r, b] = init + sum over t in [begin, end) of vals[pos(t)] * in[src(t), b] for the batch columns b in
// [b_begin, b_end) of one output row r (rows `stride` floats apart): the shared shape of the forward product (r =
// output o, t over its CSR entries) and of grad-input (r = input j, t over its CSC entries); vals are the active
// weights in CSR order. Chunks of 64 columns, then of 32, 16 and 8, are summed in registers; the last few columns
// (fewer than 8) element-wise.
template <typename Src, typename Pos>
FT_INLINE void accumulate_row(float* out, const float* in, const float* vals, float init, int64_t stride,
                              int64_t b_begin, int64_t b_end, int64_t begin, int64_t end, Src src, Pos pos) {
    const v8 start = {init, init, init, init, init, init, init, init};  // the bias (0 for grad-input)
    int64_t b0 = b_begin;
    for (; b0 + kChunk <= b_end; b0 += kChunk)
        accumulate_chunk<kVectors>(out, in, vals, start, stride, b0, begin, end, src, pos);
    if (b0 + 32 <= b_end) accumulate_chunk<4>(out, in, vals, start, stride, b0, begin, end, src, pos), b0 += 32;
    if (b0 + 16 <= b_end) accumulate_chunk<2>(out, in, vals, start, stride, b0, begin, end, src, pos), b0 += 16;
    if (b0 + 8 <= b_end) accumulate_chunk<1>(out, in, vals, start, stride, b0, begin, end, src, pos), b0 += 8;
    if (b0 == b_end) return;
    for (int64_t b = b0; b < b_end; ++b) out[b] = 0.0f;
    for (int64_t t = begin; t < end; ++t) {
        const float v = vals[pos(t)];
        const float* x = in + src(t) * stride;
        for (int64_t b = b0; b < b_end; ++b) out[b] += v * x[b];
    }
    for (int64_t b = b0; b < b_end; ++b) out[b] += init;
}

// The batch columns a pass over rows takes at a time: as many as keep that stretch of every input row (`in_rows`
// of them) within 512 KiB, about half a core's L2 cache on the AMD EPYC these figures come from; at least 64.
// Rows pick their input rows at random, so without it an inference batch of 500 read 1200-wide inputs (2.4 MB) from
// L3 for every output row.
int64_t batch_tile(int64_t in_rows, int64_t batch) {
    const int64_t fits = (int64_t(512) << 10) / (4 * std::max<int64_t>(1, in_rows)) / kChunk * kChunk;
    const int64_t tile = std::max(kChunk, fits);
    // Whole 64-column chunks in every tile but the last, which takes what remains.
    return tile >= batch ? batch : tile;
}

// yt[o, :] = bias[o] + sum over the active (o, j) of w[o, j] * xt[j, :], for o in [o0, o1) (bias may be null).
FT_INLINE void forward_rows_body(const SparseLinearPattern& p, const float* vals, const float* bias, const float* xt,
                                 float* yt, int64_t batch, int64_t o0, int64_t o1) {
    const int32_t* col = p.col.data();
    const int64_t tile = batch_tile(p.in, batch);
    for (int64_t b0 = 0; b0 < batch; b0 += tile)
        for (int64_t o = o0; o < o1; ++o)
            accumulate_row(
                yt + o * batch, xt, vals, bias ? bias[o] : 0.0f, batch, b0, std::min(batch, b0 + tile),
                p.row_ptr[size_t(o)], p.row_ptr[size_t(o) + 1], [col](int64_t k) { return int64_t(col[k]); },
                [](int64_t k) { return k; });
}

// gxt[j, :] = sum over the active (o, j) of w[o, j] * gyt[o, :], for j in [j0, j1).
FT_INLINE void grad_input_cols_body(const SparseLinearPattern& p, const float* vals, const float* gyt, float* gxt,
                                    int64_t batch, int64_t j0, int64_t j1) {
    const int32_t* row = p.t_row.data();
    const int64_t* at = p.t_pos.data();
    const int64_t tile = batch_tile(p.out, batch);
    for (int64_t b0 = 0; b0 < batch; b0 += tile)
        for (int64_t j = j0; j < j1; ++j)
            accumulate_row(
                gxt + j * batch, gyt, vals, 0.0f, batch, b0, std::min(batch, b0 + tile), p.t_ptr[size_t(j)],
                p.t_ptr[size_t(j) + 1], [row](int64_t t) { return int64_t(row[t]); },
                [at](int64_t t) { return at[t]; });
}

// g[k] (or g[k] +) = gyt[o, :] . xt[col[k], :] for the CSR entries k of rows [o0, o1): the weight gradient at the
// active positions, in CSR order. A 64-wide chunk of gy's row stays in registers while every active weight of the
// row takes its dot product with it, so each multiply-add loads one vector, not two.
FT_INLINE void grad_weight_rows_body(const SparseLinearPattern& p, const float* gyt, const float* xt, float* g,
                                     bool accumulate, int64_t batch, int64_t o0, int64_t o1) {
    const int64_t whole = batch / kChunk * kChunk;
    const int32_t* col = p.col.data();
    for (int64_t o = o0; o < o1; ++o) {
        const int64_t k0 = p.row_ptr[size_t(o)], k1 = p.row_ptr[size_t(o) + 1];
        if (!accumulate)
            for (int64_t k = k0; k < k1; ++k) g[k] = 0.0f;
        const float* gy = gyt + o * batch;
        for (int64_t b0 = 0; b0 < whole; b0 += kChunk) {
            v8 row[kVectors];
            for (int64_t i = 0; i < kVectors; ++i) row[i] = *reinterpret_cast<const v8u*>(gy + b0 + 8 * i);
            for (int64_t k = k0; k < k1; ++k) {
                const float* x = xt + int64_t(col[k]) * batch + b0;
                v8 even = {}, odd = {};
                for (int64_t i = 0; i < kVectors; i += 2) {
                    even += row[i] * *reinterpret_cast<const v8u*>(x + 8 * i);
                    odd += row[i + 1] * *reinterpret_cast<const v8u*>(x + 8 * i + 8);
                }
                const v8 sum = even + odd;
                g[k] += ((sum[0] + sum[1]) + (sum[2] + sum[3])) + ((sum[4] + sum[5]) + (sum[6] + sum[7]));
            }
        }
        if (whole == batch) continue;
        for (int64_t k = k0; k < k1; ++k) {
            const float* x = xt + int64_t(col[k]) * batch;
            float sum = 0.0f;
            for (int64_t b = whole; b < batch; ++b) sum += gy[b] * x[b];
            g[k] += sum;
        }
    }
}

typedef int32_t v8i __attribute__((vector_size(32)));

// The columns of the 8 x 8 block rows r[0..7] as c[0..7]: three rounds of two-register shuffles, which the compiler
// turns into AVX's unpack, shuffle and lane-permute instructions (and SSE's in the plain x86-64 variant).
FT_INLINE void transpose8(const v8 r[8], v8 c[8]) {
    const v8i lo1 = {0, 8, 1, 9, 4, 12, 5, 13}, hi1 = {2, 10, 3, 11, 6, 14, 7, 15};
    const v8i lo2 = {0, 1, 8, 9, 4, 5, 12, 13}, hi2 = {2, 3, 10, 11, 6, 7, 14, 15};
    const v8i lo3 = {0, 1, 2, 3, 8, 9, 10, 11}, hi3 = {4, 5, 6, 7, 12, 13, 14, 15};
    v8 a[8], b[8];
    for (int i = 0; i < 8; i += 2) {
        a[i] = __builtin_shuffle(r[i], r[i + 1], lo1);
        a[i + 1] = __builtin_shuffle(r[i], r[i + 1], hi1);
    }
    for (int i = 0; i < 8; i += 4) {
        b[i] = __builtin_shuffle(a[i], a[i + 2], lo2);
        b[i + 1] = __builtin_shuffle(a[i], a[i + 2], hi2);
        b[i + 2] = __builtin_shuffle(a[i + 1], a[i + 3], lo2);
        b[i + 3] = __builtin_shuffle(a[i + 1], a[i + 3], hi2);
    }
    for (int i = 0; i < 4; ++i) {
        c[i] = __builtin_shuffle(b[i], b[i + 4], lo3);
        c[i + 4] = __builtin_shuffle(b[i], b[i + 4], hi3);
    }
}

// dst[c * ld_dst + r] = src[r * ld_src + c] for rows r in [r0, r1) and columns c < cols, r0 a multiple of 8:
// 8 x 8 blocks transposed in registers, the edges element by element. torch's own transposing copy goes element
// by element through memcpy here (it took a third of a LeNet-300-100 step).
FT_INLINE void transpose_rows_body(const float* src, int64_t ld_src, float* dst, int64_t ld_dst, int64_t cols,
                                   int64_t r0, int64_t r1) {
    const int64_t r_whole = r0 + (r1 - r0) / 8 * 8, c_whole = cols / 8 * 8;
    for (int64_t r = r0; r < r_whole; r += 8) {
        for (int64_t c = 0; c < c_whole; c += 8) {
            v8 in[8], out[8];
            for (int64_t i = 0; i < 8; ++i) in[i] = *reinterpret_cast<const v8u*>(src + (r + i) * ld_src + c);
            transpose8(in, out);
            for (int64_t j = 0; j < 8; ++j) *reinterpret_cast<v8u*>(dst + (c + j) * ld_dst + r) = out[j];
        }
        for (int64_t c = c_whole; c < cols; ++c)
            for (int64_t i = r; i < r + 8; ++i) dst[c * ld_dst + i] = src[i * ld_src + c];
    }
    for (int64_t c = 0; c < cols; ++c)
        for (int64_t i = r_whole; i < r1; ++i) dst[c * ld_dst + i] = src[i * ld_src + c];
}

FT_VARIANTS(forward_rows,
            (const SparseLinearPattern& p, const float* vals, const float* bias, const float* xt, float* yt,
             int64_t batch, int64_t o0, int64_t o1),
            (p, vals, bias, xt, yt, batch, o0, o1))
FT_VARIANTS(grad_input_cols,
            (const SparseLinearPattern& p, const float* vals, const float* gyt, float* gxt, int64_t batch, int64_t j0,
             int64_t j1),
            (p, vals, gyt, gxt, batch, j0, j1))
FT_VARIANTS(transpose_rows,
            (const float* src, int64_t ld_src, float* dst, int64_t ld_dst, int64_t cols, int64_t r0, int64_t r1),
            (src, ld_src, dst, ld_dst, cols, r0, r1))
FT_VARIANTS(grad_weight_rows,
            (const SparseLinearPattern& p, const float* gyt, const float* xt, float* g, bool accumulate, int64_t batch,
             int64_t o0, int64_t o1),
            (p, gyt, xt, g, accumulate, batch, o0, o1))

// Rows per task: enough work per task that scheduling is noise (about 64k multiply-adds).
int64_t grain(const SparseLinearPattern& p, int64_t rows, int64_t batch) {
    const double per_row = rows > 0 ? double(p.nnz()) / double(rows) * double(batch) : 1.0;
    return std::max<int64_t>(1, int64_t(65536.0 / std::max(1.0, per_row)));
}

// The feature-major [features, batch] form of a [batch, features] activation: free when it is the transposed view
// of a feature-major tensor (the output of a sparse layer before it, through elementwise ops such as ReLU, which
// keep the layout), a tiled transpose otherwise.
torch::Tensor feature_major(const torch::Tensor& x) {
    const torch::Tensor t = x.t();
    return t.is_contiguous() && t.scalar_type() == torch::kFloat32 ? t : transposed(x);
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

// yt [out, B] = W xt (+ bias, added in the kernel).
torch::Tensor forward_t(const torch::Tensor& xt, const torch::Tensor& weight, const torch::Tensor& bias,
                        const SparseLinearPattern& p) {
    check_activation("the input", xt, p.in);
    const float* w = sparse_linear_values(weight, p);
    const torch::Tensor b = bias.defined() ? bias.contiguous() : bias;
    if (b.defined() && (b.numel() != p.out || b.scalar_type() != torch::kFloat32 || !b.device().is_cpu()))
        throw std::invalid_argument("sparse_linear: the bias must be a float32 CPU tensor of " + std::to_string(p.out) +
                                    " values");
    const float* add = b.defined() ? b.data_ptr<float>() : nullptr;
    const int64_t batch = xt.size(1);
    torch::Tensor yt = torch::empty({p.out, batch}, xt.options());
    const float* x = xt.data_ptr<float>();
    float* y = yt.data_ptr<float>();
    at::parallel_for(0, p.out, grain(p, p.out, batch),
                     [&](int64_t o0, int64_t o1) { forward_rows(p, w, add, x, y, batch, o0, o1); });
    return yt;
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
        // y goes back batch-major: handing on the transposed view (which ReLU keeps, so the next sparse layer
        // would transpose nothing) measured slower, since torch's elementwise kernels and its backward then make
        // strided copies of their own.
        const torch::Tensor xt = feature_major(x);
        const torch::Tensor y = transposed(forward_t(xt, weight, bias, p));
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
        const torch::Tensor gyt = feature_major(gy);
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

namespace kernels {

torch::Tensor transposed(const torch::Tensor& src) {
    if (src.dim() != 2 || src.scalar_type() != torch::kFloat32 || src.device().type() != torch::kCPU)
        throw std::invalid_argument("sparse_linear: activations must be float32 CPU [batch, features] tensors");
    const torch::Tensor s = src.contiguous();
    const int64_t rows = s.size(0), cols = s.size(1);
    torch::Tensor dst = torch::empty({cols, rows}, s.options());
    transpose_into(s.data_ptr<float>(), cols, dst.data_ptr<float>(), rows, rows, cols);
    return dst;
}

void transpose_into(const float* src, int64_t ld_src, float* dst, int64_t ld_dst, int64_t rows, int64_t cols) {
    // In blocks of 8 source rows; a task moves at least about 32k elements.
    const int64_t blocks = (rows + 7) / 8;
    at::parallel_for(0, blocks, std::max<int64_t>(1, 4096 / std::max<int64_t>(1, cols)), [&](int64_t b0, int64_t b1) {
        transpose_rows(src, ld_src, dst, ld_dst, cols, b0 * 8, std::min(b1 * 8, rows));
    });
}

void transpose_block(const float* src, int64_t ld_src, float* dst, int64_t ld_dst, int64_t rows, int64_t cols) {
    transpose_rows(src, ld_src, dst, ld_dst, cols, 0, rows);
}

}  // namespace kernels

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
    return forward_t(xt, weight, torch::Tensor(), p);
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
    // Inference (evaluation runs under no-grad): no graph, and the output goes on feature-major, as the transposed
    // view of the product. ReLU keeps that layout, so the next sparse layer transposes nothing; a dense layer or
    // log-softmax reads the view as it is. (In training the backward's strided copies made this slower.)
    const bool graph = torch::GradMode::is_enabled() &&
                       (x.requires_grad() || weight.requires_grad() || (bias.defined() && bias.requires_grad()));
    if (!graph) return forward_t(feature_major(x), weight, bias, *pattern).t();
    // The pattern outlives the autograd graph: a layer replaces its pattern only at a mask update, after the
    // step's backward has run.
    return SparseLinearFunction::apply(x, weight, bias, reinterpret_cast<int64_t>(pattern.get()), dense_weight_grad);
}

}  // namespace ft

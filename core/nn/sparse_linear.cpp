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

// out[r, :] = sum over t in [begin, end) of w[flat[pos(t)]] * in[src(t), :] for one output row r: the shared shape
// of the forward product (r = output o, t over its CSR entries) and of grad-input (r = input j, t over its CSC
// entries). Chunks of 64 batch columns are accumulated in registers; the tail of the batch goes element-wise.
template <typename Src, typename Pos>
FT_INLINE void accumulate_row(float* out, const float* in, const float* w, const int64_t* flat, int64_t batch,
                              int64_t begin, int64_t end, Src src, Pos pos) {
    int64_t b0 = 0;
    for (; b0 + kChunk <= batch; b0 += kChunk) {
        v8 acc[kVectors] = {};
        for (int64_t t = begin; t < end; ++t) {
            const float v = w[flat[pos(t)]];
            const v8 vv = {v, v, v, v, v, v, v, v};
            const float* x = in + src(t) * batch + b0;
            for (int64_t i = 0; i < kVectors; ++i) acc[i] += vv * *reinterpret_cast<const v8u*>(x + 8 * i);
        }
        for (int64_t i = 0; i < kVectors; ++i) *reinterpret_cast<v8u*>(out + b0 + 8 * i) = acc[i];
    }
    if (b0 == batch) return;
    for (int64_t b = b0; b < batch; ++b) out[b] = 0.0f;
    for (int64_t t = begin; t < end; ++t) {
        const float v = w[flat[pos(t)]];
        const float* x = in + src(t) * batch;
        for (int64_t b = b0; b < batch; ++b) out[b] += v * x[b];
    }
}

// yt[o, :] = sum over the active (o, j) of w[o, j] * xt[j, :], for o in [o0, o1).
FT_INLINE void forward_rows_body(const SparseLinearPattern& p, const float* w, const float* xt, float* yt,
                                 int64_t batch, int64_t o0, int64_t o1) {
    const int32_t* col = p.col.data();
    for (int64_t o = o0; o < o1; ++o)
        accumulate_row(
            yt + o * batch, xt, w, p.flat.data(), batch, p.row_ptr[size_t(o)], p.row_ptr[size_t(o) + 1],
            [col](int64_t k) { return int64_t(col[k]); }, [](int64_t k) { return k; });
}

// gxt[j, :] = sum over the active (o, j) of w[o, j] * gyt[o, :], for j in [j0, j1).
FT_INLINE void grad_input_cols_body(const SparseLinearPattern& p, const float* w, const float* gyt, float* gxt,
                                    int64_t batch, int64_t j0, int64_t j1) {
    const int32_t* row = p.t_row.data();
    const int64_t* at = p.t_pos.data();
    for (int64_t j = j0; j < j1; ++j)
        accumulate_row(
            gxt + j * batch, gyt, w, p.flat.data(), batch, p.t_ptr[size_t(j)], p.t_ptr[size_t(j) + 1],
            [row](int64_t t) { return int64_t(row[t]); }, [at](int64_t t) { return at[t]; });
}

// gw[o, j] = gyt[o, :] . xt[j, :] at the active (o, j), for o in [o0, o1). Sixteen partial sums: the loop over
// them vectorises without reassociating a single sum.
FT_INLINE void grad_weight_rows_body(const SparseLinearPattern& p, const float* gyt, const float* xt, float* gw,
                                     int64_t batch, int64_t o0, int64_t o1) {
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
            gw[p.flat[size_t(k)]] = s;
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
            (const SparseLinearPattern& p, const float* w, const float* xt, float* yt, int64_t batch, int64_t o0,
             int64_t o1),
            (p, w, xt, yt, batch, o0, o1))
FT_VARIANTS(grad_input_cols,
            (const SparseLinearPattern& p, const float* w, const float* gyt, float* gxt, int64_t batch, int64_t j0,
             int64_t j1),
            (p, w, gyt, gxt, batch, j0, j1))
FT_VARIANTS(grad_weight_rows,
            (const SparseLinearPattern& p, const float* gyt, const float* xt, float* gw, int64_t batch, int64_t o0,
             int64_t o1),
            (p, gyt, xt, gw, batch, o0, o1))

// Rows per task: enough work per task that scheduling is noise (about 64k multiply-adds).
int64_t grain(const SparseLinearPattern& p, int64_t rows, int64_t batch) {
    const double per_row = rows > 0 ? double(p.nnz()) / double(rows) * double(batch) : 1.0;
    return std::max<int64_t>(1, int64_t(65536.0 / std::max(1.0, per_row)));
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
        const torch::Tensor xt = x.t().contiguous();
        torch::Tensor y = sparse_linear_forward_t(xt, weight, p).t();
        if (bias.defined())
            y = y + bias;  // also makes y contiguous in [B, out]
        else
            y = y.contiguous();
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
        const torch::Tensor gyt = gy.t().contiguous();
        torch::Tensor gx, gw, gb;
        if (ctx->needs_input_grad(0)) gx = sparse_linear_grad_input_t(gyt, weight, p).t().contiguous();
        if (ctx->needs_input_grad(1)) gw = dense ? torch::mm(gy.t(), x) : sparse_linear_grad_weight(gyt, xt, p);
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

torch::Tensor sparse_linear_forward_t(const torch::Tensor& xt, const torch::Tensor& weight,
                                      const SparseLinearPattern& p) {
    check_activation("the input", xt, p.in);
    check_weight(weight, p);
    const int64_t batch = xt.size(1);
    torch::Tensor yt = torch::empty({p.out, batch}, xt.options());
    const float* w = weight.data_ptr<float>();
    const float* x = xt.data_ptr<float>();
    float* y = yt.data_ptr<float>();
    at::parallel_for(0, p.out, grain(p, p.out, batch),
                     [&](int64_t o0, int64_t o1) { forward_rows(p, w, x, y, batch, o0, o1); });
    return yt;
}

torch::Tensor sparse_linear_grad_input_t(const torch::Tensor& gyt, const torch::Tensor& weight,
                                         const SparseLinearPattern& p) {
    check_activation("the output gradient", gyt, p.out);
    check_weight(weight, p);
    const int64_t batch = gyt.size(1);
    torch::Tensor gxt = torch::empty({p.in, batch}, gyt.options());
    const float* w = weight.data_ptr<float>();
    const float* gy = gyt.data_ptr<float>();
    float* gx = gxt.data_ptr<float>();
    at::parallel_for(0, p.in, grain(p, p.in, batch),
                     [&](int64_t j0, int64_t j1) { grad_input_cols(p, w, gy, gx, batch, j0, j1); });
    return gxt;
}

torch::Tensor sparse_linear_grad_weight(const torch::Tensor& gyt, const torch::Tensor& xt,
                                        const SparseLinearPattern& p) {
    check_activation("the output gradient", gyt, p.out);
    check_activation("the input", xt, p.in);
    if (gyt.size(1) != xt.size(1)) throw std::invalid_argument("sparse_linear_grad_weight: batch sizes differ");
    const int64_t batch = gyt.size(1);
    torch::Tensor gw = torch::zeros({p.out, p.in}, gyt.options());
    const float* gy = gyt.data_ptr<float>();
    const float* x = xt.data_ptr<float>();
    float* g = gw.data_ptr<float>();
    at::parallel_for(0, p.out, grain(p, p.out, batch),
                     [&](int64_t o0, int64_t o1) { grad_weight_rows(p, gy, x, g, batch, o0, o1); });
    return gw;
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

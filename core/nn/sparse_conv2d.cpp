// SPDX-License-Identifier: GPL-3.0-or-later
// Sparse Conv2d kernels and their autograd function (see sparse_conv2d.h).
//
// Direct, not through an unfolded input: an im2col copy of LeNet-5's second convolution is 500 x (64 x batch)
// floats, 16 MB a batch of 128, written and read again for a product of a tenth of its size. Here each active
// weight reads the input where it lands. Every loop runs over whole output rows, [Wo, B] contiguous when the stride
// is 1, so the work is long multiply-adds over contiguous floats (the same three instruction-set variants as the
// Linear kernels). Sums run in CSR / CSC order, so against torch's convolution only float reassociation differs.
#include "nn/sparse_conv2d.h"

#include <ATen/Parallel.h>
#include <torch/autograd.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "nn/kernel_dispatch.h"

namespace ft {
namespace {

using kernels::transposed;
using kernels::v8;
using kernels::v8u;

// Everything the kernels read, for one call.
struct ConvShape {
    int64_t batch, in_c, h, w, out_c, kh, kw, ho, wo;
    ConvGeometry g;
    int64_t in_plane() const { return h * w * batch; }     // floats of one input channel, [H, W, B]
    int64_t out_plane() const { return ho * wo * batch; }  // floats of one output channel, [Ho, Wo, B]
};

// Output positions o in [lo, hi) whose input position o * stride + offset lies in [0, size).
struct Span {
    int64_t lo, hi;
};
Span valid_span(int64_t offset, int64_t stride, int64_t size, int64_t out_size) {
    const int64_t lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
    const int64_t hi = size - 1 - offset < 0 ? 0 : std::min(out_size, (size - 1 - offset) / stride + 1);
    return {std::min(lo, hi), hi};
}

// The kernel tap of column j of the [O, C * kh * kw] matrix: input channel, row and column offsets (padding
// subtracted), and the output rows and columns where it lands inside the input.
struct Tap {
    int64_t c, oy, ox;  // input row = yo * stride_h + oy, column = xo * stride_w + ox
    Span rows, cols;
};
Tap tap_of(int64_t j, const ConvShape& s) {
    const int64_t kk = s.kh * s.kw, r = j % kk;
    Tap t{j / kk, r / s.kw - s.g.pad_h, r % s.kw - s.g.pad_w, {}, {}};
    t.rows = valid_span(t.oy, s.g.stride_h, s.h, s.ho);
    t.cols = valid_span(t.ox, s.g.stride_w, s.w, s.wo);
    return t;
}

// y[0, n) += a * x[0, n)
FT_INLINE void axpy(float* y, const float* x, int64_t n, float a) {
    const v8 av = {a, a, a, a, a, a, a, a};
    int64_t i = 0;
    for (; i + 32 <= n; i += 32)
        for (int64_t u = 0; u < 32; u += 8)
            *reinterpret_cast<v8u*>(y + i + u) += av * *reinterpret_cast<const v8u*>(x + i + u);
    for (; i + 8 <= n; i += 8) *reinterpret_cast<v8u*>(y + i) += av * *reinterpret_cast<const v8u*>(x + i);
    for (; i < n; ++i) y[i] += a * x[i];
}

// sum of x[i] * y[i] over [0, n)
FT_INLINE float dot(const float* x, const float* y, int64_t n) {
    v8 a0 = {}, a1 = {}, a2 = {}, a3 = {};
    int64_t i = 0;
    for (; i + 32 <= n; i += 32) {
        a0 += *reinterpret_cast<const v8u*>(x + i) * *reinterpret_cast<const v8u*>(y + i);
        a1 += *reinterpret_cast<const v8u*>(x + i + 8) * *reinterpret_cast<const v8u*>(y + i + 8);
        a2 += *reinterpret_cast<const v8u*>(x + i + 16) * *reinterpret_cast<const v8u*>(y + i + 16);
        a3 += *reinterpret_cast<const v8u*>(x + i + 24) * *reinterpret_cast<const v8u*>(y + i + 24);
    }
    for (; i + 8 <= n; i += 8) a0 += *reinterpret_cast<const v8u*>(x + i) * *reinterpret_cast<const v8u*>(y + i);
    const v8 v = (a0 + a1) + (a2 + a3);
    float sum = ((v[0] + v[1]) + (v[2] + v[3])) + ((v[4] + v[5]) + (v[6] + v[7]));
    for (; i < n; ++i) sum += x[i] * y[i];
    return sum;
}

// For one output row yo of a tap: out[yo, xo, :] (op) in[iy, xo * sw + ox, :] over the tap's columns, as one
// stretch when the stride is 1 (both sides contiguous), else one batch vector per output column.
template <typename Op>
FT_INLINE void each_stretch(const ConvShape& s, const Tap& t, int64_t yo, Op op) {
    const int64_t iy = yo * s.g.stride_h + t.oy, b = s.batch;
    const int64_t out_at = (yo * s.wo + t.cols.lo) * b, in_row = iy * s.w * b;
    if (s.g.stride_w == 1) {
        op(out_at, in_row + (t.cols.lo + t.ox) * b, (t.cols.hi - t.cols.lo) * b);
        return;
    }
    for (int64_t xo = t.cols.lo; xo < t.cols.hi; ++xo)
        op(out_at + (xo - t.cols.lo) * b, in_row + (xo * s.g.stride_w + t.ox) * b, b);
}

// One active weight as it applies to one output row: where its input row starts, and the output columns it
// reaches, as floats of the row ([lo, hi) = columns [cols.lo, cols.hi) times the batch).
struct RowTap {
    const float* in_row;
    float w;
    int64_t ox, lo, hi;
};

constexpr int64_t kChunk = 64, kVectors = kChunk / 8;

// out[0, len) = acc (+ edge) + add, len <= kChunk.
FT_INLINE void store_chunk(float* out, int64_t len, const v8 (&acc)[kVectors], const float* edge, float add) {
    const v8 addv = {add, add, add, add, add, add, add, add};
    if (len == kChunk) {
        for (int64_t i = 0; i < kVectors; ++i) {
            v8 v = acc[i];
            if (edge) v += *reinterpret_cast<const v8u*>(edge + 8 * i);
            *reinterpret_cast<v8u*>(out + 8 * i) = v + addv;
        }
        return;
    }
    float tmp[kChunk];
    for (int64_t i = 0; i < kVectors; ++i) *reinterpret_cast<v8u*>(tmp + 8 * i) = acc[i];
    for (int64_t f = 0; f < len; ++f) out[f] = (edge ? tmp[f] + edge[f] : tmp[f]) + add;
}

// y[o] = bias[o] + sum over the active (o, j) of w * (tap j of x), for output channels [o0, o1). Each 64-float
// chunk of an output row is summed in registers over every active weight of the channel that reaches it (one
// load and one multiply-add per vector, no store until the chunk is done); the weights that reach only part of
// a chunk (at the image's edges, with padding) add into a separate buffer. With stride 1 a row's floats map to
// the input's by a shift, so the chunks run along the whole row; with a larger stride, within each pixel's batch.
FT_INLINE void conv_forward_rows_body(const SparseLinearPattern& p, const std::vector<Tap>& taps, const float* vals,
                                      const float* bias, const float* x, float* y, const ConvShape& s, int64_t o0,
                                      int64_t o1) {
    const int64_t b = s.batch, row_len = s.wo * b;
    const bool unit_stride = s.g.stride_w == 1;
    std::vector<RowTap> row_taps;
    row_taps.reserve(size_t(p.row_ptr[size_t(o1)] - p.row_ptr[size_t(o0)]));
    float edge[kChunk];
    for (int64_t o = o0; o < o1; ++o) {
        const float add = bias ? bias[o] : 0.0f;
        for (int64_t yo = 0; yo < s.ho; ++yo) {
            row_taps.clear();
            for (int64_t k = p.row_ptr[size_t(o)]; k < p.row_ptr[size_t(o) + 1]; ++k) {
                const Tap& t = taps[size_t(k)];
                if (yo < t.rows.lo || yo >= t.rows.hi || t.cols.lo >= t.cols.hi) continue;
                const float* in_row = x + t.c * s.in_plane() + (yo * s.g.stride_h + t.oy) * s.w * b;
                row_taps.push_back({in_row, vals[k], t.ox, t.cols.lo, t.cols.hi});
            }
            float* row = y + o * s.out_plane() + yo * row_len;
            // Chunks of one segment: floats [seg, seg + seg_len) of the row, whose float f reads
            // in_row[f + shift(tap)] for the taps valid over [lo(tap), hi(tap)).
            const auto segment = [&](int64_t seg, int64_t seg_len, auto shift, auto lo, auto hi) {
                for (int64_t f0 = seg; f0 < seg + seg_len; f0 += kChunk) {
                    const int64_t len = std::min(kChunk, seg + seg_len - f0);
                    v8 acc[kVectors] = {};
                    bool edged = false;
                    for (const RowTap& t : row_taps) {
                        const int64_t from = std::max(f0, lo(t)), to = std::min(f0 + len, hi(t));
                        if (from >= to) continue;
                        const float* src = t.in_row + (f0 + shift(t));
                        const v8 wv = {t.w, t.w, t.w, t.w, t.w, t.w, t.w, t.w};
                        if (from == f0 && to == f0 + kChunk) {
                            for (int64_t i = 0; i < kVectors; ++i)
                                acc[i] += wv * *reinterpret_cast<const v8u*>(src + 8 * i);
                            continue;
                        }
                        // Part of the chunk: its whole vectors into the registers, the floats around them (none
                        // when the batch is a multiple of 8) into the edge buffer.
                        const int64_t v0 = (from - f0 + 7) / 8, v1 = (to - f0) / 8;
                        // (Every i tested, not a loop from v0: a runtime index would move acc out of registers.)
                        for (int64_t i = 0; i < kVectors; ++i)
                            if (i >= v0 && i < v1) acc[i] += wv * *reinterpret_cast<const v8u*>(src + 8 * i);
                        const int64_t inner_from = v0 < v1 ? f0 + 8 * v0 : to, inner_to = v0 < v1 ? f0 + 8 * v1 : to;
                        if (from == inner_from && to == inner_to) continue;
                        if (!edged) std::fill(edge, edge + kChunk, 0.0f);
                        edged = true;
                        for (int64_t f = from; f < inner_from; ++f) edge[f - f0] += t.w * src[f - f0];
                        for (int64_t f = inner_to; f < to; ++f) edge[f - f0] += t.w * src[f - f0];
                    }
                    store_chunk(row + f0, len, acc, edged ? edge : nullptr, add);
                }
            };
            if (unit_stride) {
                segment(
                    0, row_len, [b](const RowTap& t) { return t.ox * b; }, [b](const RowTap& t) { return t.lo * b; },
                    [b](const RowTap& t) { return t.hi * b; });
                continue;
            }
            for (int64_t xo = 0; xo < s.wo; ++xo) {
                const int64_t seg = xo * b, in_pixel = xo * s.g.stride_w;
                // Inside the pixel every float maps by the same shift; a tap reaches all of it or none.
                segment(
                    seg, b, [&](const RowTap& t) { return (in_pixel + t.ox) * b - seg; },
                    [&](const RowTap& t) { return xo >= t.lo && xo < t.hi ? seg : seg + b; },
                    [&](const RowTap& t) { return xo >= t.lo && xo < t.hi ? seg + b : seg; });
            }
        }
    }
}

// gx[c] = sum over the active (o, j) with j in channel c of w * (gy[o] placed back through tap j), for input
// channels [c0, c1): each thread owns whole input planes, so no two write the same float.
FT_INLINE void conv_grad_input_planes_body(const SparseLinearPattern& p, const float* vals, const float* gy, float* gx,
                                           const ConvShape& s, int64_t c0, int64_t c1) {
    const int64_t kk = s.kh * s.kw;
    for (int64_t c = c0; c < c1; ++c) {
        float* plane = gx + c * s.in_plane();
        std::fill(plane, plane + s.in_plane(), 0.0f);
        for (int64_t j = c * kk; j < (c + 1) * kk; ++j) {
            const Tap t = tap_of(j, s);
            for (int64_t e = p.t_ptr[size_t(j)]; e < p.t_ptr[size_t(j) + 1]; ++e) {
                const float* from = gy + int64_t(p.t_row[size_t(e)]) * s.out_plane();
                const float w = vals[p.t_pos[size_t(e)]];
                for (int64_t yo = t.rows.lo; yo < t.rows.hi; ++yo)
                    each_stretch(s, t, yo, [&](int64_t out_at, int64_t in_at, int64_t n) {
                        axpy(plane + in_at, from + out_at, n, w);
                    });
            }
        }
    }
}

// g[k] (or g[k] +) = sum over output pixels and the batch of gy[o] * (tap k of x), for the CSR entries of output
// channels [o0, o1).
FT_INLINE void conv_grad_weight_rows_body(const SparseLinearPattern& p, const std::vector<Tap>& taps, const float* gy,
                                          const float* x, float* g, bool accumulate, const ConvShape& s, int64_t o0,
                                          int64_t o1) {
    for (int64_t o = o0; o < o1; ++o) {
        const float* from = gy + o * s.out_plane();
        for (int64_t k = p.row_ptr[size_t(o)]; k < p.row_ptr[size_t(o) + 1]; ++k) {
            const Tap& t = taps[size_t(k)];
            const float* in = x + t.c * s.in_plane();
            float sum = 0.0f;
            for (int64_t yo = t.rows.lo; yo < t.rows.hi; ++yo)
                each_stretch(s, t, yo, [&](int64_t out_at, int64_t in_at, int64_t n) {
                    sum += dot(from + out_at, in + in_at, n);
                });
            g[k] = accumulate ? g[k] + sum : sum;
        }
    }
}

FT_VARIANTS(conv_forward_rows,
            (const SparseLinearPattern& p, const std::vector<Tap>& taps, const float* vals, const float* bias,
             const float* x, float* y, const ConvShape& s, int64_t o0, int64_t o1),
            (p, taps, vals, bias, x, y, s, o0, o1))
FT_VARIANTS(conv_grad_input_planes,
            (const SparseLinearPattern& p, const float* vals, const float* gy, float* gx, const ConvShape& s,
             int64_t c0, int64_t c1),
            (p, vals, gy, gx, s, c0, c1))
FT_VARIANTS(conv_grad_weight_rows,
            (const SparseLinearPattern& p, const std::vector<Tap>& taps, const float* gy, const float* x, float* g,
             bool accumulate, const ConvShape& s, int64_t o0, int64_t o1),
            (p, taps, gy, x, g, accumulate, s, o0, o1))

std::vector<Tap> taps_of(const SparseLinearPattern& p, const ConvShape& s) {
    std::vector<Tap> taps(p.col.size());
    for (size_t k = 0; k < taps.size(); ++k) taps[k] = tap_of(p.col[k], s);
    return taps;
}

// Channels per task: about 64k multiply-adds each, so that scheduling is noise.
int64_t grain(const SparseLinearPattern& p, int64_t channels, int64_t per_weight) {
    const double per_channel = channels > 0 ? double(p.nnz()) / double(channels) * double(per_weight) : 1.0;
    return std::max<int64_t>(1, int64_t(65536.0 / std::max(1.0, per_channel)));
}

ConvShape shape_of(const std::vector<int64_t>& input, const torch::Tensor& weight, const ConvGeometry& g,
                   const SparseLinearPattern& p) {
    if (input.size() != 4 || weight.dim() != 4 || weight.size(1) != input[1])
        throw std::invalid_argument("sparse_conv2d: expected an input [B, C, H, W] and a weight [O, C, kh, kw]");
    if (g.stride_h < 1 || g.stride_w < 1 || g.pad_h < 0 || g.pad_w < 0)
        throw std::invalid_argument("sparse_conv2d: strides must be >= 1 and paddings >= 0");
    ConvShape s{input[0], input[1], input[2], input[3], weight.size(0), weight.size(2), weight.size(3), 0, 0, g};
    s.ho = (s.h + 2 * g.pad_h - s.kh) / g.stride_h + 1;
    s.wo = (s.w + 2 * g.pad_w - s.kw) / g.stride_w + 1;
    if (s.ho < 1 || s.wo < 1) throw std::invalid_argument("sparse_conv2d: the kernel is larger than the input");
    if (p.out != s.out_c || p.in != s.in_c * s.kh * s.kw)
        throw std::invalid_argument("sparse_conv2d: the pattern is not the [O, C * kh * kw] of the weight");
    return s;
}

void check_cpu_float(const torch::Tensor& t, const char* what) {
    if (t.scalar_type() != torch::kFloat32 || !t.device().is_cpu())
        throw std::invalid_argument(std::string("sparse_conv2d: ") + what + " must be a float32 CPU tensor");
}

// x as it is when its layout is NCHW-contiguous or channels-last (what Model::conv hands a CPU convolution, and
// ReLU and pooling keep), a contiguous copy otherwise.
torch::Tensor dense_layout(const torch::Tensor& x) {
    return x.is_contiguous() || x.is_contiguous(at::MemoryFormat::ChannelsLast) ? x : x.contiguous();
}

// The [C * H * W, n] batch-innermost form of the examples [b0, b0 + n) of x [B, C, H, W] (dense_layout): one pass
// either way. From channels-last ([B, H, W, C] in memory), each pixel's [n, C] block is transposed to its place.
torch::Tensor batch_innermost(const torch::Tensor& x, int64_t b0, int64_t n) {
    if (x.is_contiguous()) return transposed(x.narrow(0, b0, n).reshape({n, -1}));
    const int64_t c = x.size(1), pixels = x.size(2) * x.size(3);
    torch::Tensor out = torch::empty({c * pixels, n}, x.options());
    const float* src = x.data_ptr<float>() + b0 * pixels * c;
    float* dst = out.data_ptr<float>();
    at::parallel_for(0, pixels, std::max<int64_t>(1, 16384 / std::max<int64_t>(1, n * c)), [&](int64_t q0, int64_t q1) {
        for (int64_t q = q0; q < q1; ++q)
            kernels::transpose_block(src + q * c, pixels * c, dst + q * n, pixels * n, n, c);
    });
    return out;
}

// Writes the [F, n] batch-innermost rows of examples [b0, b0 + n) into their place in the contiguous [B, F...] out.
void put_batch_major(const torch::Tensor& rows_t, torch::Tensor& out, int64_t b0) {
    const int64_t f = rows_t.size(0), n = rows_t.size(1);
    kernels::transpose_into(rows_t.data_ptr<float>(), n, out.data_ptr<float>() + b0 * f, f, f, n);
}

// yt [O * Ho * Wo, B] (without bias when bias is undefined).
torch::Tensor forward_t(const torch::Tensor& xt, const torch::Tensor& weight, const torch::Tensor& bias,
                        const ConvShape& s, const SparseLinearPattern& p) {
    const float* w = sparse_linear_values(weight.view({s.out_c, -1}), p);
    const torch::Tensor b = bias.defined() ? bias.contiguous() : bias;
    if (b.defined()) {
        check_cpu_float(b, "the bias");
        if (b.numel() != s.out_c) throw std::invalid_argument("sparse_conv2d: one bias per output channel");
    }
    const float* add = b.defined() ? b.data_ptr<float>() : nullptr;
    const auto taps = taps_of(p, s);
    torch::Tensor yt = torch::empty({s.out_c * s.ho * s.wo, s.batch}, xt.options());
    const float* x = xt.data_ptr<float>();
    float* y = yt.data_ptr<float>();
    at::parallel_for(0, s.out_c, grain(p, s.out_c, s.out_plane()),
                     [&](int64_t o0, int64_t o1) { conv_forward_rows(p, taps, w, add, x, y, s, o0, o1); });
    return yt;
}

torch::Tensor grad_input_t(const torch::Tensor& gyt, const torch::Tensor& weight, const ConvShape& s,
                           const SparseLinearPattern& p) {
    const float* w = sparse_linear_values(weight.view({s.out_c, -1}), p);
    torch::Tensor gxt = torch::empty({s.in_c * s.h * s.w, s.batch}, gyt.options());
    const float* gy = gyt.data_ptr<float>();
    float* gx = gxt.data_ptr<float>();
    at::parallel_for(0, s.in_c, grain(p, s.in_c, s.out_plane()),
                     [&](int64_t c0, int64_t c1) { conv_grad_input_planes(p, w, gy, gx, s, c0, c1); });
    return gxt;
}

void grad_weight_values(const torch::Tensor& gyt, const torch::Tensor& xt, const ConvShape& s,
                        const SparseLinearPattern& p, float* out, bool accumulate) {
    const auto taps = taps_of(p, s);
    const float* gy = gyt.data_ptr<float>();
    const float* x = xt.data_ptr<float>();
    at::parallel_for(0, s.out_c, grain(p, s.out_c, s.out_plane()), [&](int64_t o0, int64_t o1) {
        conv_grad_weight_rows(p, taps, gy, x, out, accumulate, s, o0, o1);
    });
}

// The batch is cut into slices the kernels run one after another. For one output row the kernels read a row of
// input for every active weight of the channel; at a large batch those rows outgrow the L2 cache (WRN-16-8's
// 128-channel convolution at density 0.2: 290 weights x 32 pixels x 100 examples, 3.7 MB) and every chunk waits
// on memory. A slice keeps them near 256 KB; LeNet-5 keeps its whole batch of 128.
int64_t slice_of(const ConvShape& s, const SparseLinearPattern& p) {
    const double weights_per_channel = double(p.nnz()) / double(std::max<int64_t>(1, s.out_c));
    const double bytes_per_example = std::max(1.0, weights_per_channel * double(s.w) * sizeof(float));
    int64_t slice = std::max<int64_t>(8, int64_t(262144.0 / bytes_per_example) / 8 * 8);
    // With a stride above 1 the registers' chunks run within one pixel's batch: fewer than 64 examples leave them
    // part empty, and every weight takes the slow path for the rest.
    if (s.g.stride_w > 1) slice = std::max<int64_t>(slice, kChunk);
    return std::min(slice, s.batch);
}

// f(shape of the slice, first example, examples) for each slice of the batch.
template <typename F>
void each_slice(const ConvShape& s, const SparseLinearPattern& p, F f) {
    const int64_t slice = slice_of(s, p);
    for (int64_t b0 = 0; b0 < s.batch; b0 += slice) {
        ConvShape part = s;
        part.batch = std::min(slice, s.batch - b0);
        f(part, b0, part.batch);
    }
}

// y [B, O, Ho, Wo] from x [B, C, H, W] (contiguous), slice by slice.
torch::Tensor forward_sliced(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias,
                             const ConvShape& s, const SparseLinearPattern& p) {
    torch::Tensor y = torch::empty({s.batch, s.out_c, s.ho, s.wo}, x.options());
    each_slice(s, p, [&](const ConvShape& part, int64_t b0, int64_t n) {
        put_batch_major(forward_t(batch_innermost(x, b0, n), weight, bias, part, p), y, b0);
    });
    return y;
}

// gx [B, C, H, W] from gy [B, O, Ho, Wo] (contiguous), slice by slice.
torch::Tensor grad_input_sliced(const torch::Tensor& gy, const torch::Tensor& weight, const ConvShape& s,
                                const SparseLinearPattern& p) {
    torch::Tensor gx = torch::empty({s.batch, s.in_c, s.h, s.w}, gy.options());
    each_slice(s, p, [&](const ConvShape& part, int64_t b0, int64_t n) {
        put_batch_major(grad_input_t(batch_innermost(gy, b0, n), weight, part, p), gx, b0);
    });
    return gx;
}

// The weight gradient at the active positions into out (or added to it), slice by slice.
void grad_weight_sliced(const torch::Tensor& gy, const torch::Tensor& x, const ConvShape& s,
                        const SparseLinearPattern& p, float* out, bool accumulate) {
    each_slice(s, p, [&](const ConvShape& part, int64_t b0, int64_t n) {
        grad_weight_values(batch_innermost(gy, b0, n), batch_innermost(x, b0, n), part, p, out, accumulate || b0 > 0);
    });
}

class SparseConv2dFunction : public torch::autograd::Function<SparseConv2dFunction> {
public:
    static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x,
                                 const torch::Tensor& weight, const torch::Tensor& bias_or_empty,
                                 int64_t pattern_address, std::vector<int64_t> geometry, bool dense_weight_grad) {
        const torch::Tensor bias = bias_or_empty.numel() > 0 ? bias_or_empty : torch::Tensor();
        // The pattern's address travels as an integer (autograd saves IValues only); sparse_conv2d says why it
        // outlives the graph.
        // NOLINTNEXTLINE(performance-no-int-to-ptr)
        const auto& p = *reinterpret_cast<const SparseLinearPattern*>(pattern_address);
        const ConvGeometry g{geometry[0], geometry[1], geometry[2], geometry[3]};
        check_cpu_float(x, "the input");
        const ConvShape s = shape_of(x.sizes().vec(), weight, g, p);
        const torch::Tensor xc = dense_layout(x);
        const torch::Tensor y = forward_sliced(xc, weight, bias, s, p);
        ctx->save_for_backward({xc, weight, bias});
        ctx->saved_data["pattern"] = pattern_address;
        ctx->saved_data["geometry"] = geometry;
        ctx->saved_data["input_size"] = x.sizes().vec();
        ctx->saved_data["dense"] = dense_weight_grad;
        return y;
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                   torch::autograd::variable_list grads) {
        const auto saved = ctx->get_saved_variables();
        const torch::Tensor &x = saved[0], &weight = saved[1], &bias = saved[2];
        // NOLINTNEXTLINE(performance-no-int-to-ptr)
        const auto& p = *reinterpret_cast<const SparseLinearPattern*>(ctx->saved_data["pattern"].toInt());
        const auto geometry = ctx->saved_data["geometry"].toIntVector();
        const ConvGeometry g{geometry[0], geometry[1], geometry[2], geometry[3]};
        const ConvShape s = shape_of(ctx->saved_data["input_size"].toIntVector(), weight, g, p);
        const torch::Tensor gy = dense_layout(grads[0]);  // [B, O, Ho, Wo]
        torch::Tensor gx, gw, gb;
        if (ctx->needs_input_grad(0)) gx = grad_input_sliced(gy, weight, s, p);
        if (ctx->needs_input_grad(1)) {
            if (ctx->saved_data["dense"].toBool()) {
                // Gradient growth scores every weight: the dense gradient, as torch's convolution computes it.
                gw = std::get<1>(at::convolution_backward(gy, x, weight, c10::nullopt, {g.stride_h, g.stride_w},
                                                          {g.pad_h, g.pad_w}, {1, 1}, false, {0, 0}, 1,
                                                          {false, true, false}));
            } else {
                SparseLinearState& st = *p.state;  // the layer's gradient slot (sparse_linear.h)
                st.grad.resize(size_t(p.nnz()));
                grad_weight_sliced(gy, x, s, p, st.grad.data(), st.grad_written);
                st.grad_written = true;
            }
        }
        if (bias.defined() && ctx->needs_input_grad(2)) gb = gy.sum({0, 2, 3});
        return {gx, gw, gb, torch::Tensor(), torch::Tensor(), torch::Tensor()};
    }
};

}  // namespace

torch::Tensor sparse_conv2d(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias,
                            const ConvGeometry& geometry, const std::shared_ptr<const SparseLinearPattern>& pattern,
                            bool dense_weight_grad) {
    if (!pattern) throw std::invalid_argument("sparse_conv2d: no pattern");
    // LibTorch 1.13's autograd functions take no undefined tensor: a convolution without bias (WideResNet's)
    // passes an empty one, which the function reads as none.
    const torch::Tensor bias_or_empty = bias.defined() ? bias : torch::empty({0}, x.options());
    // The pattern outlives the autograd graph: a layer replaces its pattern only at a mask update, after the
    // step's backward has run.
    return SparseConv2dFunction::apply(
        x, weight, bias_or_empty, reinterpret_cast<int64_t>(pattern.get()),
        std::vector<int64_t>{geometry.stride_h, geometry.stride_w, geometry.pad_h, geometry.pad_w}, dense_weight_grad);
}

torch::Tensor sparse_conv2d_forward(const torch::Tensor& x, const torch::Tensor& weight, const ConvGeometry& g,
                                    const SparseLinearPattern& p) {
    check_cpu_float(x, "the input");
    const ConvShape s = shape_of(x.sizes().vec(), weight, g, p);
    return forward_sliced(dense_layout(x), weight, torch::Tensor(), s, p);
}

torch::Tensor sparse_conv2d_grad_input(const torch::Tensor& gy, const torch::Tensor& weight,
                                       const std::vector<int64_t>& input_size, const ConvGeometry& g,
                                       const SparseLinearPattern& p) {
    check_cpu_float(gy, "the output gradient");
    const ConvShape s = shape_of(input_size, weight, g, p);
    if (gy.sizes().vec() != std::vector<int64_t>{s.batch, s.out_c, s.ho, s.wo})
        throw std::invalid_argument("sparse_conv2d: the output gradient's shape is not the output's");
    return grad_input_sliced(dense_layout(gy), weight, s, p);
}

torch::Tensor sparse_conv2d_grad_weight(const torch::Tensor& gy, const torch::Tensor& x, const torch::Tensor& weight,
                                        const ConvGeometry& g, const SparseLinearPattern& p) {
    check_cpu_float(gy, "the output gradient");
    check_cpu_float(x, "the input");
    const ConvShape s = shape_of(x.sizes().vec(), weight, g, p);
    if (gy.sizes().vec() != std::vector<int64_t>{s.batch, s.out_c, s.ho, s.wo})
        throw std::invalid_argument("sparse_conv2d: the output gradient's shape is not the output's");
    std::vector<float> values(size_t(p.nnz()));
    grad_weight_sliced(dense_layout(gy), dense_layout(x), s, p, values.data(), false);
    torch::Tensor dense = torch::zeros_like(weight, torch::MemoryFormat::Contiguous);
    float* d = dense.data_ptr<float>();
    for (size_t k = 0; k < p.flat.size(); ++k) d[p.flat[k]] = values[k];
    return dense;
}

}  // namespace ft

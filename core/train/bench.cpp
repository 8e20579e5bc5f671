// SPDX-License-Identifier: GPL-3.0-or-later
// `freetickets bench`: training throughput of the masked loop and the cost of one prune-and-grow update.
#include "ft/train/bench.h"

#include <ATen/Parallel.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include <torch/nn/functional/conv.h>
#include <torch/utils.h>

#include "ft/config/run_config.h"
#include "ft/config/validation.h"
#include "nn/model.h"
#include "nn/sparse_conv2d.h"
#include "nn/sparse_linear.h"
#include "sparse/masking.h"
#include "train/allocator.h"
#include "train/device.h"
#include "train/sgd.h"
#include "train/sparse_execution.h"

namespace ft {
namespace {

using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

std::vector<int64_t> input_shape_of(const std::string& model) {
    const ModelSpec* spec = find_model_spec(model);
    if (!spec) throw std::invalid_argument("bench: unknown model \"" + model + "\"");
    return spec->input.empty() ? std::vector<int64_t>{2} : spec->input;  // "any": a 2-D point
}

// The reference's truncate_weights with gradient growth (spec §2.2), one full sort per layer for the prune
// threshold and one for the growth ranking: the baseline our selection-based update is measured against.
void reference_sort_update(std::vector<MaskedLayer>& layers, double rate) {
    torch::NoGradGuard no_grad;
    std::vector<int64_t> removed(layers.size());
    for (size_t i = 0; i < layers.size(); ++i) {
        auto& l = layers[i];
        const int64_t active = (l.mask != 0).sum().item<int64_t>();
        const int64_t zeros = l.mask.numel() - active;
        const int64_t r = static_cast<int64_t>(std::ceil(rate * double(active)));
        auto sorted = std::get<0>(l.weight.abs().flatten().sort());
        const auto thr = sorted[zeros + r - 1];
        l.mask = (l.weight.abs() > thr).to(l.mask.scalar_type());
        removed[i] = active - (l.mask != 0).sum().item<int64_t>();
    }
    for (auto& l : layers) l.weight.mul_(l.mask);
    for (size_t i = 0; i < layers.size(); ++i) {
        auto& l = layers[i];
        if (l.allocated_dense) {
            l.mask = torch::ones_like(l.mask);
            continue;
        }
        auto score = (l.weight.grad().abs() * (l.mask == 0)).flatten();
        auto idx = std::get<1>(score.sort(0, /*descending=*/true));
        l.mask.view(-1).index_fill_(0, idx.narrow(0, 0, removed[i]), 1);
    }
    for (auto& l : layers) l.weight.mul_(l.mask);
}

nlohmann::json bench_update(const BenchOptions& o, const torch::Device& device) {
    torch::manual_seed(0);
    ModelConfig mc;
    mc.name = o.update_model;
    auto model = make_model(mc, input_shape_of(o.update_model), 10);
    model->to(device);
    SparseConfig sc;
    sc.density = 0.2;
    Masking masking(model->maskable_layers(), sc);
    masking.init_random();
    for (auto& l : model->maskable_layers()) l.weight.mutable_grad() = torch::randn_like(l.weight);
    int64_t weights = 0;
    for (const auto& l : masking.layers()) weights += l.mask.numel();

    // Both variants start from the same masks each repeat so they do identical work.
    const auto initial = masking.masks();
    std::vector<torch::Tensor> initial_weights;
    for (const auto& l : masking.layers()) initial_weights.push_back(l.weight.detach().clone());
    auto restore_weights = [&] {
        torch::NoGradGuard no_grad;
        for (size_t i = 0; i < initial_weights.size(); ++i) masking.layers()[i].weight.copy_(initial_weights[i]);
    };
    double ours = 1e300, reference = 1e300;
    for (int64_t rep = 0; rep < o.update_repeats; ++rep) {
        masking.set_masks(initial);
        restore_weights();
        auto t0 = Clock::now();
        masking.update(0.5, {});
        ours = std::min(ours, ms_since(t0));
        std::vector<MaskedLayer> copy = masking.layers();
        for (size_t i = 0; i < copy.size(); ++i) copy[i].mask = initial[i].clone();
        restore_weights();
        t0 = Clock::now();
        reference_sort_update(copy, 0.5);
        reference = std::min(reference, ms_since(t0));
    }
    return {{"model", o.update_model},
            {"layers", masking.layers().size()},
            {"weights", weights},
            {"ours_ms", ours},
            {"reference_sort_ms", reference},
            {"speedup", reference / ours},
            {"repeats", o.update_repeats},
            {"note", "best of repeats; prune rate 0.5, gradient growth, ERK d=0.2"}};
}

// Milliseconds for `models` to predict `examples` random inputs, in batches of up to 500, in eval mode without
// gradients.
double inference_ms(const std::vector<std::shared_ptr<Model>>& models, const std::vector<int64_t>& shape,
                    int64_t examples, const torch::Device& device) {
    torch::NoGradGuard no_grad;
    const int64_t batch = std::min<int64_t>(500, examples);
    std::vector<int64_t> xshape = {batch};
    xshape.insert(xshape.end(), shape.begin(), shape.end());
    const torch::Tensor x = torch::randn(xshape).to(device);
    for (const auto& m : models) m->eval();
    for (const auto& m : models) m->forward(x);  // warm-up
    double best = 1e300;
    for (int repeat = 0; repeat < 3; ++repeat) {
        const auto t0 = Clock::now();
        for (int64_t done = 0; done < examples; done += batch)
            for (const auto& m : models) m->forward(x).sum().item<double>();
        best = std::min(best, ms_since(t0));
    }
    return best;
}

// The forward product of each layer that can run sparse (not those the allocation made dense), alone at `batch`: the
// sparse kernel against the dense product of the same masked weight (OpenBLAS sgemm for a Linear layer, on the
// feature-major input; torch's convolution for a Conv2d).
nlohmann::json kernel_timings(Model& model, const Masking& masking, int64_t batch) {
    nlohmann::json out = nlohmann::json::array();
    const auto& layers = model.maskable_layers();
    for (size_t i = 0; i < layers.size(); ++i) {
        const MaskableLayer& l = layers[i];
        if (!can_run_sparse(model, masking, i)) continue;
        const torch::Tensor w = l.weight.detach().contiguous();
        const torch::Tensor& mask = masking.layers()[i].mask;
        const auto pattern = build_sparse_linear_pattern(mask.reshape({mask.size(0), -1}));
        // Best of 5 rounds of up to 20 calls, fewer for a layer whose one call takes long (a WRN-16-8 convolution
        // at batch 128 is tens of gigaflops): about a second of timing per layer and path at most.
        auto best_ms = [](auto&& f) {
            auto t0 = Clock::now();
            f();
            const double once = ms_since(t0);
            const int calls = int(std::clamp(200.0 / std::max(once, 1e-3), 1.0, 20.0));
            double best = once;
            for (int r = 0; r < 5; ++r) {
                t0 = Clock::now();
                for (int k = 0; k < calls; ++k) f();
                best = std::min(best, ms_since(t0) / calls);
            }
            return best;
        };
        double sparse = 0, dense = 0;
        if (l.kind == LayerKind::Conv) {
            std::vector<int64_t> xshape{batch};
            xshape.insert(xshape.end(), l.input_shape.begin(), l.input_shape.end());
            const torch::Tensor x = torch::randn(xshape);
            const auto options = torch::nn::functional::Conv2dFuncOptions()
                                     .stride({l.conv.stride_h, l.conv.stride_w})
                                     .padding(std::vector<int64_t>{l.conv.pad_h, l.conv.pad_w});
            sparse = best_ms([&] { sparse_conv2d_forward(x, w, l.conv, *pattern); });
            dense = best_ms([&] { torch::nn::functional::conv2d(x, w, options); });
        } else {
            const torch::Tensor xt = torch::randn({w.size(1), batch});
            sparse = best_ms([&] { sparse_linear_forward_t(xt, w, *pattern); });
            dense = best_ms([&] { torch::mm(w, xt); });
        }
        out.push_back({{"layer", l.name},
                       {"shape", w.sizes().vec()},
                       {"density", pattern->density()},
                       {"sparse_forward_ms", sparse},
                       {"dense_ms", dense},
                       {"speedup", dense / sparse}});
    }
    return out;
}

}  // namespace

nlohmann::json run_bench(const BenchOptions& o) {
    if (o.exec != "masked" && o.exec != "sparse" && o.exec != "auto")
        throw std::invalid_argument("bench --exec " + o.exec + ": expected masked, sparse or auto");
    const bool sparse_exec = o.exec != "masked" && o.density < 1.0;
    const bool auto_exec = o.exec == "auto";
    tune_allocator_for_training();  // as run_experiment does, so the figure is the training loop's
    const int64_t threads = resolve_threads(o.threads);
    at::set_num_threads(int(threads));
    const torch::Device device = resolve_device(o.device);
    if (sparse_exec && device.type() != torch::kCPU)
        throw std::invalid_argument("bench --exec " + o.exec + " runs on the CPU, not on " + device.str());
    torch::manual_seed(1);
    ModelConfig mc;
    mc.name = o.model;
    auto shape = input_shape_of(o.model);
    if (!o.hidden.empty()) {
        if (o.model != "mlp") throw std::invalid_argument("bench --hidden: only for --model mlp, not " + o.model);
        mc.hidden = o.hidden;
        shape = {1, 28, 28};
    }
    auto model = make_model(mc, shape, 10);
    model->to(device);
    model->train();
    std::vector<torch::Tensor> params;
    for (const auto& p : model->parameters()) params.push_back(p);
    MomentumSgd sgd(params, 0.01, 0.9, 5e-4);
    std::unique_ptr<Masking> masking;
    if (o.density < 1.0) {
        SparseConfig sc;
        sc.density = o.density;
        masking = std::make_unique<Masking>(model->maskable_layers(), sc);
        masking->init_random();
    }
    // A fixed pool of random batches keeps data loading out of the figure.
    std::vector<int64_t> xshape = {o.batch};
    xshape.insert(xshape.end(), shape.begin(), shape.end());
    std::vector<torch::Tensor> xs, ys;
    for (int i = 0; i < 8; ++i) {
        xs.push_back(torch::randn(xshape).to(device));
        ys.push_back(torch::randint(0, 10, {o.batch}, torch::kLong).to(device));
    }
    int64_t generation = -1;
    ExecutionChooser chooser;  // --exec auto, as MemberTrainer decides (timed at the first use of each density)
    auto step = [&](int64_t i) {
        if (sparse_exec && masking->generation() != generation) {
            if (auto_exec) chooser.decide(*model, *masking, o.batch);
            use_sparse_execution(*model, *masking, &sgd, auto_exec ? chooser.sparse_layers() : std::vector<bool>{});
            generation = masking->generation();
        }
        const bool updates = masking && o.update_every > 0 && (i + 1) % o.update_every == 0;
        model->set_dense_weight_grads(updates);  // gradient growth reads the dense gradient (sparse layers only)
        sgd.zero_grad();
        auto loss = torch::nll_loss(model->forward(xs[size_t(i % 8)]), ys[size_t(i % 8)]);
        loss.backward();
        // As MemberTrainer: the optimizer step applies the masks in the same pass (spec §2.1 Masking.step).
        sgd.step(masking ? masking->masks_of(params) : std::vector<torch::Tensor>{}, /*mask_momentum=*/true);
        if (updates) masking->update(0.5, {});
        return loss;
    };
    // --steps 0: no training (a model too big to train here, timed for inference alone).
    double seconds = 0;
    LargeBlockCache::Stats buffers_before, buffers_after;
    if (o.steps > 0) {
        for (int64_t i = 0; i < 20; ++i) step(i);
        step(0).item<double>();  // finish queued work before timing (GPU)
        buffers_before = large_tensor_buffer_stats();
        const auto t0 = Clock::now();
        torch::Tensor last;
        for (int64_t i = 0; i < o.steps; ++i) last = step(i);
        last.item<double>();
        seconds = ms_since(t0) / 1000.0;
        buffers_after = large_tensor_buffer_stats();
    } else if (sparse_exec) {
        if (auto_exec) chooser.decide(*model, *masking, o.batch);
        use_sparse_execution(*model, *masking, &sgd, auto_exec ? chooser.sparse_layers() : std::vector<bool>{});
    }

    nlohmann::json out = {{"model", o.model},
                          {"density", o.density},
                          {"exec", o.exec},
                          {"sparse_layers", model->sparse_layer_count()},
                          {"batch", o.batch},
                          {"threads", threads},
                          {"device", device.str()},
                          {"steps", o.steps},
                          {"update_every", o.update_every},
                          {"seconds", seconds},
                          {"samples_per_s", seconds > 0 ? double(o.steps * o.batch) / seconds : 0.0}};
    // (Not with --steps 0: a model too big to train here is too big to time layer by layer at the training batch.)
    // Tensor buffers of 32 MiB and more during the timed steps (allocator.h): taken back from the cache, or mapped
    // (and faulted in) afresh.
    if (o.steps > 0 && large_tensor_buffers_cached())
        out["large_buffers"] = {{"reused", buffers_after.hits - buffers_before.hits},
                                {"mapped", buffers_after.maps - buffers_before.maps},
                                {"unmapped", buffers_after.unmaps - buffers_before.unmaps}};
    if (sparse_exec && o.steps > 0) out["kernels"] = kernel_timings(*model, *masking, o.batch);
    if (auto_exec) out["auto_layers"] = chooser.to_json();
    if (o.inference_examples > 0) {
        // Three tickets at the benchmark's density (their own masks), against one dense network.
        std::vector<std::shared_ptr<Model>> tickets, dense;
        for (int k = 0; k < 3; ++k) {
            torch::manual_seed(uint64_t(100) + uint64_t(k));
            auto t = make_model(mc, shape, 10);
            t->to(device);
            if (o.density < 1.0) {
                SparseConfig sc;
                sc.density = o.density;
                Masking m(t->maskable_layers(), sc);
                m.init_random();
                if (sparse_exec) {
                    ExecutionChooser ticket_chooser;
                    if (auto_exec) ticket_chooser.decide(*t, m, o.batch);
                    use_sparse_execution(*t, m, nullptr,
                                         auto_exec ? ticket_chooser.sparse_layers() : std::vector<bool>{});
                }
            }
            tickets.push_back(t);
        }
        dense.push_back(make_model(mc, shape, 10));
        dense.back()->to(device);
        const double ensemble = inference_ms(tickets, shape, o.inference_examples, device);
        const double one = inference_ms(dense, shape, o.inference_examples, device);
        out["inference"] = {{"examples", o.inference_examples},
                            {"ensemble3_ms", ensemble},
                            {"dense1_ms", one},
                            {"ensemble3_vs_dense1", ensemble / one}};
    }
    if (o.update_repeats > 0) out["update"] = bench_update(o, device);
    struct rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    out["peak_rss_mb"] = double(usage.ru_maxrss) / 1024.0;
    return out;
}

}  // namespace ft

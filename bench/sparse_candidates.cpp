// SPDX-License-Identifier: GPL-3.0-or-later
// The candidates for the sparse Linear product, timed on the layer shapes of the zoo (bench/sparse_candidates.sh):
// Eigen's sparse x dense product (row-major CSR weight times the batch, feature-major), against a plain dense
// product of the same shape with Eigen (a reference point only; the workbench's dense path is OpenBLAS sgemm).
#include <Eigen/Dense>
#include <Eigen/Sparse>
#include <chrono>
#include <cstdio>
#include <random>
#include <vector>

int main() {
    struct Shape {
        int out, in;
    };
    const Shape shapes[] = {{300, 784}, {1200, 1200}, {1200, 784}};
    const int batch = 128;
    std::mt19937 rng(1);
    std::uniform_real_distribution<float> u(0, 1);
    std::printf("%-10s %7s %14s %14s\n", "shape", "density", "eigen sparse", "eigen dense");
    for (const auto& s : shapes)
        for (double d : {0.2, 0.1, 0.05}) {
            std::vector<Eigen::Triplet<float>> t;
            for (int o = 0; o < s.out; ++o)
                for (int j = 0; j < s.in; ++j)
                    if (u(rng) < d) t.emplace_back(o, j, u(rng) - 0.5f);
            Eigen::SparseMatrix<float, Eigen::RowMajor> w(s.out, s.in);
            w.setFromTriplets(t.begin(), t.end());
            Eigen::MatrixXf wd = Eigen::MatrixXf(w);
            Eigen::MatrixXf x = Eigen::MatrixXf::Random(s.in, batch), y(s.out, batch);
            auto time = [&](auto&& f) {
                double best = 1e30;
                for (int r = 0; r < 5; ++r) {
                    const auto t0 = std::chrono::steady_clock::now();
                    for (int i = 0; i < 20; ++i) f();
                    best = std::min(
                        best,
                        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() / 20);
                }
                return best;
            };
            const double sp = time([&] { y.noalias() = w * x; });
            const double de = time([&] { y.noalias() = wd * x; });
            std::printf("%4dx%-5d %7.2f %11.3f ms %11.3f ms\n", s.out, s.in, d, sp, de);
        }
}

// SPDX-License-Identifier: GPL-3.0-or-later
// What the RunStore tests share (tst_run_store.cpp, tst_store_readers.cpp, tst_store_transfer.cpp, tst_schema.cpp,
// tst_sqlite_db.cpp): a named new run, the names of listed runs, a simulated run written through the StoreWriter.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "ft/config/run_config.h"
#include "ft/store/run_store.h"
#include "ft/store/store_writer.h"
#include "sim_run.h"
#include "store/schema.h"
#include "store_test_util.h"

// The store tests read better with the store's own names unqualified.
using ft::EventKind;
using ft::Method;
using ft::RunFilter;
using ft::RunStatus;
using ft::RunStore;
using ft::StoreError;
using ft::StoreMode;
using store_test::RawDb;
using store_test::TempDir;

namespace store_test {

inline ft::NewRun named(const std::string& name, ft::Method method = ft::Method::Dst) {
    ft::NewRun r;
    r.name = name;
    r.method = method;
    r.config = {{"method", method}, {"sparse", {{"density", 0.2}}}};
    r.seeds = {18, 19};
    return r;
}

inline std::vector<std::string> names_of(const std::vector<ft::RunRecord>& runs) {
    std::vector<std::string> out;
    for (const auto& r : runs) out.push_back(r.name);
    return out;
}

inline double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// A store with one simulated run written through the StoreWriter; returns its id.
inline int64_t write_sim(const std::string& path, const SimSpec& spec, SimTruth* truth = nullptr,
                         const std::string& name = "sim") {
    ft::NewRun run = named(name, ft::Method::DstEnsemble);
    run.checkpoint_dir = "/tmp/ckpt";
    ft::StoreWriter writer(path, run);
    auto t = publish_sim_run(writer, spec);
    writer.close();
    EXPECT_FALSE(writer.failed()) << writer.error();
    if (truth) *truth = std::move(t);
    return writer.run_id();
}

}  // namespace store_test

using store_test::named;
using store_test::names_of;
using store_test::seconds_since;
using store_test::write_sim;

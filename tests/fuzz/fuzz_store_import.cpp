// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: `runs import` of a foreign file (RunStore::import_from, core/store/store_transfer.cpp, with
// the checks of schema.cpp that open it read-only). The input is the other file; it must be refused with a
// StoreError naming it, or imported, and the store that imports it must stay sound either way.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "ft/store/run_store.h"
#include "fuzz_files.h"

namespace {

// The importing store is made once and replaced now and then, so it does not grow without bound.
ft::RunStore& target_store() {
    static int uses = 0;
    static std::unique_ptr<ft::RunStore> store;
    if (!store || ++uses % 500 == 0) {
        store.reset();
        const std::string path = fuzz::scratch().path("target.sqlite");
        for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path + suffix).c_str());
        store = std::make_unique<ft::RunStore>(ft::RunStore::open(path));
    }
    return *store;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string path = fuzz::scratch().write("other.sqlite", data, size);
    for (const char* suffix : {"-wal", "-shm", "-journal"}) std::remove((path + suffix).c_str());
    ft::RunStore& store = target_store();
    const size_t before = store.list_runs({.include_trashed = true}).size();
    try {
        const auto added = store.import_from(path, true);
        for (int64_t id : added) {
            store.get_run(id);
            store.layers(id);
            for (const auto& key : store.metric_keys(id)) store.metric_series(id, key.member, key.key, 16);
            store.tickets(id);
            store.evaluations(id);
        }
        if (store.list_runs({.include_trashed = true}).size() != before + added.size()) std::abort();
    } catch (const ft::StoreError& e) {
        // Refused: nothing of it may have arrived.
        if (store.list_runs({.include_trashed = true}).size() != before) std::abort();
    }
    return 0;
}

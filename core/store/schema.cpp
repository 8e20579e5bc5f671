// SPDX-License-Identifier: GPL-3.0-or-later
// Opening a store file without ever damaging a file that is not ours, and the schema migrations.
#include "store/schema.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <thread>
#include <vector>

namespace ft::store_detail {
namespace {

// Schema version 1: the tables of ARCHITECTURE.md "The run store". Every table a run owns cascades from runs, so
// purging a run is one DELETE. Times are unix seconds (REAL).
const std::string kSchemaV1 = R"sql(
CREATE TABLE store_info(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE runs(
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    method TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'running'
        CHECK(status IN ('running', 'finished', 'cancelled', 'failed', 'interrupted')),
    message TEXT NOT NULL DEFAULT '',
    created REAL NOT NULL,
    finished REAL,
    seconds REAL NOT NULL DEFAULT 0,
    config_json TEXT NOT NULL DEFAULT '{}',
    config_hash TEXT NOT NULL DEFAULT '',
    versions TEXT NOT NULL DEFAULT '{}',
    checkpoint_dir TEXT NOT NULL DEFAULT '',
    host TEXT NOT NULL DEFAULT '',
    pid INTEGER NOT NULL DEFAULT 0,
    heartbeat REAL,
    trashed REAL,
    device TEXT NOT NULL DEFAULT '',
    threads INTEGER NOT NULL DEFAULT 0,
    members INTEGER NOT NULL DEFAULT 0,
    total_steps INTEGER NOT NULL DEFAULT 0,
    steps_per_epoch INTEGER NOT NULL DEFAULT 0,
    last_step INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE members(
    run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    member INTEGER NOT NULL,
    seed INTEGER,
    PRIMARY KEY(run, member)
) WITHOUT ROWID;
CREATE TABLE layers(
    run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    layer INTEGER NOT NULL,
    name TEXT NOT NULL,
    shape TEXT NOT NULL DEFAULT '[]',
    target_density REAL NOT NULL DEFAULT 1,
    macs_per_weight INTEGER NOT NULL DEFAULT 1,
    total INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY(run, layer)
) WITHOUT ROWID;
CREATE TABLE metrics(
    run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    member INTEGER NOT NULL,
    key TEXT NOT NULL,
    step INTEGER NOT NULL,
    value REAL,
    PRIMARY KEY(run, member, key, step)
) WITHOUT ROWID;
CREATE TABLE events(
    id INTEGER PRIMARY KEY,
    run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    step INTEGER NOT NULL,
    member INTEGER NOT NULL DEFAULT -1,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL DEFAULT '{}',
    time REAL NOT NULL
);
CREATE INDEX events_run_step ON events(run, step);
CREATE TABLE mask_updates(
    run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    member INTEGER NOT NULL,
    update_index INTEGER NOT NULL,
    step INTEGER NOT NULL,
    epoch INTEGER NOT NULL DEFAULT 0,
    rate REAL NOT NULL DEFAULT 0,
    exploration INTEGER NOT NULL DEFAULT 0,
    initial INTEGER NOT NULL DEFAULT 0,
    ever_active REAL NOT NULL DEFAULT 0,
    PRIMARY KEY(run, member, update_index)
) WITHOUT ROWID;
CREATE TABLE mask_layers(
    id INTEGER PRIMARY KEY,
    run INTEGER NOT NULL,
    member INTEGER NOT NULL,
    update_index INTEGER NOT NULL,
    layer INTEGER NOT NULL,
    pruned INTEGER NOT NULL DEFAULT 0,
    regrown INTEGER NOT NULL DEFAULT 0,
    active INTEGER NOT NULL DEFAULT 0,
    total INTEGER NOT NULL DEFAULT 0,
    keyframe INTEGER NOT NULL DEFAULT 1,
    mask BLOB,
    UNIQUE(run, member, layer, update_index),
    FOREIGN KEY(run, member, update_index) REFERENCES mask_updates(run, member, update_index) ON DELETE CASCADE
);
CREATE INDEX mask_layers_update ON mask_layers(run, member, update_index);
CREATE TABLE tickets(
    run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    ticket INTEGER NOT NULL,
    member INTEGER NOT NULL DEFAULT 0,
    step INTEGER NOT NULL DEFAULT 0,
    epoch INTEGER NOT NULL DEFAULT 0,
    val_accuracy REAL,
    reason TEXT NOT NULL DEFAULT '',
    checkpoint TEXT NOT NULL DEFAULT '',
    PRIMARY KEY(run, ticket)
) WITHOUT ROWID;
CREATE TABLE evaluations(
    id INTEGER PRIMARY KEY,
    run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    member INTEGER NOT NULL DEFAULT -1,
    split TEXT NOT NULL DEFAULT '',
    step INTEGER NOT NULL DEFAULT 0,
    metrics TEXT NOT NULL DEFAULT '{}',
    disagreement TEXT,
    kl TEXT,
    time REAL NOT NULL
);
CREATE INDEX evaluations_run ON evaluations(run);
CREATE TABLE tags(
    run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    PRIMARY KEY(run, tag)
) WITHOUT ROWID;
CREATE INDEX tags_tag ON tags(tag);
CREATE TABLE notes(
    run INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    updated REAL NOT NULL
);
)sql";

// Schema version 2: run colour and star (run hygiene in the browser).
const std::string kSchemaV2 = R"sql(
ALTER TABLE runs ADD COLUMN color TEXT NOT NULL DEFAULT '';
ALTER TABLE runs ADD COLUMN starred INTEGER NOT NULL DEFAULT 0;
)sql";

// Schema version 3: evaluation results that do not fit the evaluations table. The summary JSON of a finished run
// (what `freetickets train --out` writes, replaced by `freetickets eval`); the training points of a 2-D run, once;
// decision-boundary grids of 2-D runs. Float arrays are stored as little-endian float32 blobs (a 64 x 64 x 2 grid
// is 32 KB, a tenth of its JSON text).
const std::string kSchemaV3 = R"sql(
CREATE TABLE summaries(
    run INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
    summary TEXT NOT NULL,
    updated REAL NOT NULL
);
CREATE TABLE data_points(
    run INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
    classes INTEGER NOT NULL,
    count INTEGER NOT NULL,
    x BLOB,
    y BLOB,
    label BLOB
);
CREATE TABLE decision_boundaries(
    id INTEGER PRIMARY KEY,
    run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    member INTEGER NOT NULL,
    step INTEGER NOT NULL,
    source TEXT NOT NULL,
    x_min REAL NOT NULL,
    x_max REAL NOT NULL,
    y_min REAL NOT NULL,
    y_max REAL NOT NULL,
    resolution INTEGER NOT NULL,
    classes INTEGER NOT NULL,
    probs BLOB
);
CREATE INDEX decision_boundaries_run ON decision_boundaries(run, id);
)sql";

// Schema version 4: studies (grids over settings and seeds). A study keeps its file as written, its points and,
// per point and seed, the run that trains it; the runs are ordinary runs, so purging one only unlinks it.
const std::string kSchemaV4 = R"sql(
CREATE TABLE studies(
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    spec TEXT NOT NULL,
    created REAL NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending'
        CHECK(state IN ('pending', 'running', 'finished', 'failed', 'cancelled')),
    message TEXT NOT NULL DEFAULT '',
    executor TEXT NOT NULL DEFAULT '',
    host TEXT NOT NULL DEFAULT '',
    pid INTEGER NOT NULL DEFAULT 0,
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    updated REAL
);
CREATE TABLE study_points(
    study INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
    point INTEGER NOT NULL,
    label TEXT NOT NULL,
    method TEXT NOT NULL DEFAULT '',
    settings TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY(study, point)
) WITHOUT ROWID;
CREATE TABLE study_runs(
    study INTEGER NOT NULL,
    point INTEGER NOT NULL,
    seed INTEGER NOT NULL,
    run INTEGER REFERENCES runs(id) ON DELETE SET NULL,
    state TEXT NOT NULL DEFAULT 'pending'
        CHECK(state IN ('pending', 'running', 'finished', 'failed', 'cancelled')),
    attempts INTEGER NOT NULL DEFAULT 0,
    message TEXT NOT NULL DEFAULT '',
    job TEXT NOT NULL DEFAULT '',
    updated REAL,
    PRIMARY KEY(study, point, seed),
    FOREIGN KEY(study, point) REFERENCES study_points(study, point) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX study_runs_run ON study_runs(run);
)sql";

constexpr int kBusyTimeoutMs = 5000;

// What the file's own first 100 bytes say, before any SQLite connection touches it.
struct FileHeader {
    bool empty = false;  // zero bytes: a new file
    uint32_t application_id = 0, user_version = 0;
};

uint32_t big_endian32(const unsigned char* p) {
    return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | uint32_t(p[3]);
}

FileHeader read_file_header(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw StoreError(path, "cannot read the file");
    unsigned char header[100] = {};
    in.read(reinterpret_cast<char*>(header), sizeof header);
    const auto got = in.gcount();
    FileHeader h;
    if (got == 0) {
        h.empty = true;
        return h;
    }
    if (got < 100 || std::memcmp(header, "SQLite format 3", 16) != 0)
        throw StoreError(path, "is not a FreeTickets run store (not an SQLite database)");
    h.user_version = big_endian32(header + 60);
    h.application_id = big_endian32(header + 68);
    return h;
}

bool file_exists(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}

struct Identity {
    int64_t application_id = 0, version = 0, objects = 0;
};

Identity identify(Db& db) {
    // One read snapshot for the three values: another process may commit a new store's schema between two of the
    // queries, and an id read before that commit with objects counted after it looked like a foreign database.
    Transaction snapshot(db, false);
    Identity id;
    id.application_id = db.query_int("PRAGMA application_id");
    id.version = db.query_int("PRAGMA user_version");
    id.objects = db.query_int("SELECT count(*) FROM sqlite_master");
    snapshot.commit();
    return id;
}

// Throws unless the database is ours with a schema we can read, or new and empty (returns true then).
bool check_identity(const Db& db, const Identity& id) {
    if (id.application_id != kStoreApplicationId) {
        if (id.application_id == 0 && id.version == 0 && id.objects == 0) return true;
        char app[16];
        std::snprintf(app, sizeof app, "0x%08x", unsigned(id.application_id));
        db.fail("is an SQLite database of another application (application_id " + std::string(app) + ", " +
                std::to_string(id.objects) + " schema objects), not a FreeTickets run store; it was not modified");
    }
    if (id.version > kStoreSchemaVersion)
        db.fail("was written by a newer FreeTickets Workbench (store schema " + std::to_string(id.version) +
                "; this program reads up to " + std::to_string(kStoreSchemaVersion) +
                "); update the program to open it. The file was not modified");
    return id.version == 0;
}

// "file:" URI of a path with immutable=1 (every byte that is not unreserved or '/' percent-encoded).
std::string immutable_uri(const std::string& path) {
    std::string uri = "file:";
    for (unsigned char c : path) {
        if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
            uri += char(c);
        } else {
            char hex[4];
            std::snprintf(hex, sizeof hex, "%%%02X", c);
            uri += hex;
        }
    }
    return uri + "?immutable=1";
}

// `name` is what errors call the file (the path, also when `target` is a URI).
std::unique_ptr<Db> open_handle(const std::string& target, int flags, bool read_only, const std::string& name = "") {
    const std::string& path = name.empty() ? target : name;
    sqlite3* handle = nullptr;
    const int rc = sqlite3_open_v2(target.c_str(), &handle, flags, nullptr);
    auto db = std::make_unique<Db>(handle, path, read_only);  // owns the handle even when the open failed
    if (rc != SQLITE_OK) {
        if (!handle) throw StoreError(path, "out of memory while opening the file");
        db->fail(rc, "opening the file");
    }
    sqlite3_extended_result_codes(handle, 1);
    sqlite3_busy_timeout(handle, kBusyTimeoutMs);
    return db;
}

// A new file starts in rollback-journal mode, where two connections that both read it and then both want the
// exclusive lock for the switch would deadlock; SQLite answers one of them SQLITE_BUSY at once instead of calling
// the busy handler. So the switch itself waits and tries again, for as long as the busy timeout allows.
void switch_to_wal(Db& db) {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::milliseconds(kBusyTimeoutMs);
    for (int attempt = 0;; ++attempt) {
        try {
            if (db.query_text("PRAGMA journal_mode") == "wal" || db.query_text("PRAGMA journal_mode = WAL") == "wal")
                return;
            db.fail("cannot switch the store to write-ahead logging");
        } catch (const StoreError&) {
            const int code = db.last_failure() & 0xff;
            if ((code != SQLITE_BUSY && code != SQLITE_LOCKED) || std::chrono::steady_clock::now() >= give_up) throw;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(std::min(1 + attempt, 20)));
    }
}

void migrate(Db& db, int target) {
    Transaction t(db);
    const Identity id = identify(db);  // again, under the write lock: another process may have been first
    const bool fresh = check_identity(db, id);
    if (fresh) db.prepare("PRAGMA application_id = " + std::to_string(kStoreApplicationId)).run();
    for (int v = int(id.version) + 1; v <= target; ++v) db.exec_script(migration_sql(v));
    if (id.version < target) {
        db.prepare("PRAGMA user_version = " + std::to_string(target)).run();
        db.prepare("INSERT OR REPLACE INTO store_info(key, value) VALUES (?, ?)")
            .bind(1, fresh ? "created_by" : "upgraded_by")
            .bind(2, std::string("FreeTickets Workbench ") + FT_VERSION)
            .run();
    }
    t.commit();
}

}  // namespace

const std::string& migration_sql(int version) {
    static const std::vector<const std::string*> all = {&kSchemaV1, &kSchemaV2, &kSchemaV3, &kSchemaV4};
    if (version < 1 || version > int(all.size()))
        throw std::out_of_range("no migration to schema " + std::to_string(version));
    return *all[size_t(version - 1)];
}

std::unique_ptr<Db> open_store_db(const std::string& path, StoreMode mode) {
    if (path.empty()) throw StoreError("(no file)", "no run store file given");
    const bool read_only = mode == StoreMode::ReadOnly;
    struct stat st {};
    const bool exists = ::stat(path.c_str(), &st) == 0;
    if (exists && S_ISDIR(st.st_mode)) throw StoreError(path, "is a folder, not a run store file");
    if (!exists && read_only) throw StoreError(path, "no such file");
    if (exists) {
        // The header alone settles most foreign files, with no SQLite connection (which could roll back another
        // program's hot journal or checkpoint its WAL, changing its bytes).
        const FileHeader h = read_file_header(path);
        if (h.empty && read_only) throw StoreError(path, "is an empty file, not a FreeTickets run store");
        if (h.application_id != 0 && h.application_id != uint32_t(kStoreApplicationId)) {
            char app[16];
            std::snprintf(app, sizeof app, "0x%08x", unsigned(h.application_id));
            throw StoreError(path, "is an SQLite database of another application (application_id " + std::string(app) +
                                       "), not a FreeTickets run store; it was not modified");
        }
        if (h.application_id == uint32_t(kStoreApplicationId) && h.user_version > uint32_t(kStoreSchemaVersion))
            throw StoreError(path, "was written by a newer FreeTickets Workbench (store schema " +
                                       std::to_string(h.user_version) + "; this program reads up to " +
                                       std::to_string(kStoreSchemaVersion) +
                                       "); update the program to open it. The file was not modified");
        const bool pending = file_exists(path + "-wal") || file_exists(path + "-journal");
        if (!h.empty && h.application_id == 0 && !pending && read_only)
            // Without a pending log the header is the whole truth: no application id, so not ours (ours gets it
            // in the transaction that creates the schema).
            throw StoreError(path,
                             "is an SQLite database of another application (or an empty one), not a "
                             "FreeTickets run store");
        if (!h.empty && h.application_id == 0 && pending && !read_only) {
            // No id in the file yet, but a log beside it: ours still in its first WAL, or someone else's. Look with
            // a read-only connection, which never recovers, checkpoints or writes.
            auto peek = open_handle(path, SQLITE_OPEN_READONLY, true);
            check_identity(*peek, identify(*peek));
        }
    }

    int flags = read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | (exists ? 0 : SQLITE_OPEN_CREATE);
    auto db = open_handle(path, flags, read_only);
    if (!read_only && sqlite3_db_readonly(db->handle(), "main") == 1)
        db->fail("the file or its folder is write-protected; open the store read-only to browse it");

    // Nothing below writes until the file is known to be ours (or new and empty).
    Identity id;
    try {
        id = identify(*db);
    } catch (const StoreError&) {
        // A WAL store in a folder we cannot write to (a read-only mount, a shared folder): SQLite cannot create the
        // -shm index. With no -wal file nobody can be writing it, so it is safe to read it as immutable.
        const int code = db->last_failure() & 0xff;
        const bool no_index = code == SQLITE_CANTOPEN || code == SQLITE_READONLY;
        if (!read_only && code == SQLITE_READONLY)
            db->fail("the file or its folder is write-protected; open the store read-only to browse it");
        struct stat wal {};
        if (!read_only || !no_index || ::stat((path + "-wal").c_str(), &wal) == 0) throw;
        db = open_handle(immutable_uri(path), SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, true, path);
        id = identify(*db);
    }
    const bool fresh = check_identity(*db, id);
    if (read_only) {
        if (fresh) db->fail("is an empty SQLite database, not a FreeTickets run store");
        if (id.version < kStoreSchemaVersion)
            db->fail("uses the older store schema " + std::to_string(id.version) +
                     "; open it read-write once to upgrade it");
        db->prepare("PRAGMA query_only = 1").run();
        return db;
    }
    switch_to_wal(*db);
    db->prepare("PRAGMA foreign_keys = ON").run();
    // WAL + NORMAL: a crash (of the process or the machine) never leaves the file inconsistent; a power cut may
    // lose the last batches.
    db->prepare("PRAGMA synchronous = NORMAL").run();
    if (fresh || id.version < kStoreSchemaVersion) migrate(*db, kStoreSchemaVersion);
    return db;
}

void create_store_at_version(const std::string& path, int version) {
    auto db = open_handle(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, false);
    if (db->query_text("PRAGMA journal_mode = WAL") != "wal") db->fail("cannot switch to WAL");
    db->prepare("PRAGMA foreign_keys = ON").run();
    migrate(*db, version);
}

}  // namespace ft::store_detail

// SPDX-License-Identifier: GPL-3.0-or-later
// `freetickets eval` and `freetickets compare` as a user runs them, on a tiny trained spirals run: re-evaluating
// by run id records the evaluations, the decision boundary and the summary in the store; by checkpoint folder it
// writes the summary; compare prints the table as text, CSV and Markdown; bad input exits non-zero naming what
// was wrong.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "ft/config/config_json.h"
#include "ft/store/run_store.h"

namespace fs = std::filesystem;

namespace {

struct Result {
    int rc = -1;
    std::string out, err;
};

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

class CliEval : public ::testing::Test {
protected:
    static fs::path dir;
    static nlohmann::json trained;
    static int64_t run;

    static std::string file(const std::string& name) { return (dir / name).string(); }

    // Runs freetickets with the data directory inside the test folder (a default store lands there).
    static Result cli(const std::string& args) {
        const std::string cmd = "XDG_DATA_HOME='" + file("xdg") + "' '" FREETICKETS_BIN "' " + args + " >'" +
                                file("stdout") + "' 2>'" + file("stderr") + "'";
        const int status = std::system(cmd.c_str());
        return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(file("stdout")), slurp(file("stderr"))};
    }

    static void SetUpTestSuite() {
        dir = fs::temp_directory_path() / ("ft-cli-eval-" + std::to_string(::getpid()));
        fs::remove_all(dir);
        fs::create_directories(dir / "xdg");
        const auto r =
            cli("train spirals-teach --set train.epochs=12 --set edst.explore_epochs=6 --set "
                "ensemble.members=2 --set eval.every_epochs=0 --checkpoint-dir '" +
                file("ckpt") + "' --out '" + file("train.json") + "' -q");
        ASSERT_EQ(r.rc, 0) << r.err;
        trained = nlohmann::json::parse(slurp(file("train.json")));
        auto store = ft::RunStore::open(file("runs.sqlite"));
        auto config = ft::config_from_json(trained["config"], "summary");
        run = store.create_run(ft::new_run_for(config, "spirals", file("ckpt")));
        store.set_status(run, ft::RunStatus::Finished);
    }
    static void TearDownTestSuite() { fs::remove_all(dir); }
};

fs::path CliEval::dir;
nlohmann::json CliEval::trained;
int64_t CliEval::run = 0;

}  // namespace

TEST_F(CliEval, EvalByRunIdRecordsInTheStore) {
    const auto r =
        cli("eval " + std::to_string(run) + " --db '" + file("runs.sqlite") + "' --out '" + file("eval.json") + "' -q");
    ASSERT_EQ(r.rc, 0) << r.err;
    EXPECT_NE(r.out.find("ensemble"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("OoD AUROC"), std::string::npos) << r.out;
    const auto evaluated = nlohmann::json::parse(slurp(file("eval.json")));
    EXPECT_EQ(evaluated["ensemble"]["test"], trained["ensemble"]["test"]);
    EXPECT_EQ(evaluated["ood"]["sets"].size(), 2u);

    auto store = ft::RunStore::open(file("runs.sqlite"), ft::StoreMode::ReadOnly);
    std::map<std::string, int> splits;
    for (const auto& e : store.evaluations(run)) ++splits[to_string(e.split)];
    EXPECT_EQ(splits["test"], 3);
    EXPECT_EQ(splits["ood/gaussian"], 3);
    EXPECT_EQ(splits["ood/uniform"], 3);
    EXPECT_EQ(store.summary(run)["ensemble"]["test"], evaluated["ensemble"]["test"]);
    EXPECT_EQ(store.decision_boundaries(run, "ensemble").size(), 1u);
    EXPECT_EQ(store.get_run(run).status, ft::RunStatus::Finished);
}

TEST_F(CliEval, EvalByFolderWithEvalOverrides) {
    const auto r = cli("eval '" + file("ckpt") + "' --db '" + file("none.sqlite") +
                       "' --set eval.ood_sets=uniform --out '" + file("eval2.json") + "'");
    ASSERT_EQ(r.rc, 0) << r.err;
    EXPECT_NE(r.err.find("nothing recorded"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(file("none.sqlite")));
    const auto evaluated = nlohmann::json::parse(slurp(file("eval2.json")));
    ASSERT_EQ(evaluated["ood"]["sets"].size(), 1u);
    EXPECT_EQ(evaluated["ood"]["sets"][0]["name"], "uniform");
    EXPECT_EQ(evaluated["members"], trained["members"]);
}

TEST_F(CliEval, CompareFormats) {
    ASSERT_EQ(cli("eval " + std::to_string(run) + " --db '" + file("runs.sqlite") + "' -q").rc, 0);
    const std::string runs = std::to_string(run) + " '" + file("train.json") + "' --db '" + file("runs.sqlite") + "'";
    auto r = cli("compare " + runs + " --format csv");
    ASSERT_EQ(r.rc, 0) << r.err;
    std::vector<std::string> lines;
    std::stringstream ss(r.out);
    for (std::string l; std::getline(ss, l);) lines.push_back(l);
    ASSERT_EQ(lines.size(), 3u) << r.out;
    EXPECT_EQ(
        lines[0],
        "run,method,M,density,accuracy,NLL,ECE,c-accuracy,c-NLL,c-ECE,OoD AUROC,train FLOPs ideal,train FLOPs computed,"
        "FLOPs ref epochs,params active,"
        "params total");
    EXPECT_EQ(lines[1].rfind(std::to_string(run) + " spirals,edst,2,0.3,", 0), 0u) << lines[1];
    EXPECT_EQ(lines[2].rfind("train,edst,2,0.3,", 0), 0u) << lines[2];
    // Spirals are not images: the corrupted columns are empty; the accuracy is the summary's, in full.
    EXPECT_NE(lines[2].find(",,,"), std::string::npos) << lines[2];
    std::ostringstream acc;
    acc << "," << trained["ensemble"]["test"]["accuracy"].get<double>();
    EXPECT_NE(lines[2].find(acc.str().substr(0, 7)), std::string::npos) << lines[2];

    r = cli("compare " + runs + " --format markdown");
    ASSERT_EQ(r.rc, 0) << r.err;
    EXPECT_EQ(r.out.rfind("| run | method | M |", 0), 0u) << r.out;
    EXPECT_NE(r.out.find("\n|---|---|---:|"), std::string::npos) << r.out;
    r = cli("compare " + runs);
    ASSERT_EQ(r.rc, 0) << r.err;
    EXPECT_NE(r.out.find("OoD AUROC"), std::string::npos);
    EXPECT_NE(r.out.find("edst"), std::string::npos);
}

TEST_F(CliEval, BadInputExitsNonZeroNamingTheProblem) {
    const std::string db = " --db '" + file("runs.sqlite") + "'";
    auto r = cli("eval 999" + db);
    EXPECT_EQ(r.rc, 1);
    EXPECT_NE(r.err.find("no run 999"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(file("runs.sqlite")), std::string::npos) << r.err;
    r = cli("eval " + std::to_string(run) + db + " --set sparse.density=0.1");
    EXPECT_EQ(r.rc, 2);
    EXPECT_NE(r.err.find("an eval.* setting"), std::string::npos) << r.err;
    r = cli("eval " + std::to_string(run) + db + " --set eval.severities=[9]");
    EXPECT_EQ(r.rc, 2);
    EXPECT_NE(r.err.find("eval.severities = [9]"), std::string::npos) << r.err;
    r = cli("eval no-such-thing" + db);
    EXPECT_EQ(r.rc, 1);
    EXPECT_NE(r.err.find("no-such-thing"), std::string::npos) << r.err;
    {
        auto store = ft::RunStore::open(file("runs.sqlite"));
        const int64_t empty = store.create_run(ft::NewRun{});
        r = cli("compare " + std::to_string(empty) + db);
        EXPECT_EQ(r.rc, 1);
        EXPECT_NE(r.err.find("has no summary"), std::string::npos) << r.err;
    }
    r = cli("compare " + std::to_string(run) + db + " --format xml");
    EXPECT_NE(r.rc, 0);
}

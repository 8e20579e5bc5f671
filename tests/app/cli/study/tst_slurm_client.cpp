// SPDX-License-Identifier: GPL-3.0-or-later
// SlurmClient against a real one-node cluster (scripts/test-cluster.sh, started by the CTest fixture
// cluster_start; SLURM_CONF points at it). Each test submits its own small jobs and waits for them.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <sstream>
#include <string>
#include <thread>

#include "study/slurm_client.h"

namespace fs = std::filesystem;
using ft::cli::SlurmClient;
using ft::cli::SlurmJobState;
using ft::cli::SlurmOptions;

namespace {

// A fresh folder per test, removed at its end.
class SlurmClientTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_NE(std::getenv("SLURM_CONF"), nullptr) << "SLURM_CONF is not set; run through ctest -L slurm";
        std::string pattern = (fs::temp_directory_path() / "ft-slurm-test-XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        dir_ = pattern;
    }
    void TearDown() override {
        std::error_code ignored;
        fs::remove_all(dir_, ignored);
    }

    // Polls until the job reaches a state it never leaves; fails the test after `limit`.
    static SlurmJobState wait_finished(SlurmClient& client, const std::string& id,
                                       std::chrono::seconds limit = std::chrono::seconds(60)) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        SlurmJobState s;
        while (std::chrono::steady_clock::now() < deadline) {
            s = client.states({id}).at(0);
            if (SlurmClient::finished(s.state)) return s;
            std::this_thread::sleep_for(std::chrono::milliseconds(250));
        }
        ADD_FAILURE() << "job " << id << " still " << s.state << " after " << limit.count() << " s";
        return s;
    }

    static bool wait_for_file(const fs::path& file, std::chrono::seconds limit = std::chrono::seconds(60)) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < deadline) {
            if (fs::exists(file) && fs::file_size(file) > 0) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        return false;
    }

    static std::string read(const fs::path& file) {
        std::ifstream in(file);
        std::stringstream text;
        text << in.rdbuf();
        return text.str();
    }

    // `scontrol show job -o <id>` as the user would read it (the id is digits, checked by the client).
    static std::string scontrol_show(const std::string& id) {
        std::unique_ptr<FILE, int (*)(FILE*)> p(::popen(("scontrol -o show job " + id).c_str(), "r"), ::pclose);
        std::string out;
        char buffer[4096];
        while (p && std::fgets(buffer, sizeof buffer, p.get()) != nullptr) out += buffer;
        return out;
    }

    fs::path dir_;
};

// Restores SLURM_CONF at the end of a test that points it elsewhere.
class ScopedSlurmConf {
public:
    explicit ScopedSlurmConf(const std::string& value) : old_(std::getenv("SLURM_CONF")) {
        ::setenv("SLURM_CONF", value.c_str(), 1);
    }
    ScopedSlurmConf(const ScopedSlurmConf&) = delete;
    ScopedSlurmConf& operator=(const ScopedSlurmConf&) = delete;
    ~ScopedSlurmConf() { ::setenv("SLURM_CONF", old_.c_str(), 1); }

private:
    std::string old_;
};

// A TCP port on which nothing listens: one the kernel just handed out and we closed again.
int unused_port() {
    const int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    const bool bound = s >= 0 && ::bind(s, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
                       ::getsockname(s, reinterpret_cast<sockaddr*>(&address), &length) == 0;
    if (s >= 0) ::close(s);
    // Port 1 (tcpmux) is the fallback: no service listens there on a test machine.
    return bound ? ntohs(address.sin_port) : 1;
}

}  // namespace

TEST_F(SlurmClientTest, LiveClusterIsAvailable) {
    const auto reason = SlurmClient::unavailable_reason();
    EXPECT_FALSE(reason.has_value()) << *reason;
}

TEST_F(SlurmClientTest, CompletedJobWritesItsArgvUnchangedToTheLog) {
    SlurmClient client({});
    // A folder that does not exist yet; a name with a space and a % (sbatch reads %j in it as the job id).
    const fs::path log = dir_ / "logs" / "run 1 %j.log";
    // Each word is printed in brackets: spaces, quotes, a $ and an empty word must arrive as they were given.
    const std::string id = client.submit("argv test",
                                         {"/bin/sh", "-c", "printf 'cwd=%s\\n' \"$PWD\"; printf '[%s]\\n' \"$@\"", "sh",
                                          "two words", "it's \"quoted\"", "$HOME `x`", ""},
                                         dir_.string(), log.string());
    EXPECT_TRUE(std::regex_match(id, std::regex("[0-9]+"))) << id;

    const SlurmJobState s = wait_finished(client, id);
    EXPECT_EQ(s.id, id);
    EXPECT_EQ(s.state, "COMPLETED");
    EXPECT_EQ(s.exit_code, 0);
    EXPECT_TRUE(SlurmClient::succeeded(s));
    EXPECT_EQ(read(log), "cwd=" + dir_.string() + "\n[two words]\n[it's \"quoted\"]\n[$HOME `x`]\n[]\n");
}

TEST_F(SlurmClientTest, ExitThreeIsFailedWithExitCodeThree) {
    SlurmClient client({});
    const std::string id =
        client.submit("exit3", {"/bin/sh", "-c", "exit 3"}, dir_.string(), (dir_ / "x.log").string());
    const SlurmJobState s = wait_finished(client, id);
    EXPECT_EQ(s.state, "FAILED");
    EXPECT_EQ(s.exit_code, 3);
    EXPECT_TRUE(SlurmClient::finished(s.state));
    EXPECT_FALSE(SlurmClient::succeeded(s));
}

TEST_F(SlurmClientTest, AJobArrayRunsEachTasksCommandIntoItsOwnLog) {
    SlurmClient client({});
    const fs::path ready = dir_ / "ready";
    const std::vector<std::vector<std::string>> commands{
        {"/bin/sh", "-c", "printf '[%s]\\n' \"$@\"", "sh", "task zero", "it's"},
        {"/bin/sh", "-c", "echo failing; exit 3"},
        {"/bin/sh", "-c", "echo up > \"$1\"; while :; do sleep 0.1; done", "sh", ready.string()},
    };
    const std::vector<std::string> logs{(dir_ / "logs" / "0.log").string(), (dir_ / "logs" / "1.log").string(),
                                        (dir_ / "logs" / "2.log").string()};
    const auto ids = client.submit_array("array test", commands, dir_.string(), logs, (dir_ / "a.sbatch").string());
    ASSERT_EQ(ids.size(), 3u);
    const std::string array = ids[0].substr(0, ids[0].find('_'));
    EXPECT_TRUE(std::regex_match(array, std::regex("[0-9]+"))) << ids[0];
    for (size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(ids[i], array + "_" + std::to_string(i));

    const SlurmJobState zero = wait_finished(client, ids[0]);
    EXPECT_EQ(zero.id, ids[0]);
    EXPECT_TRUE(SlurmClient::succeeded(zero)) << zero.state << " exit " << zero.exit_code;
    EXPECT_EQ(read(logs[0]), "[task zero]\n[it's]\n");
    const SlurmJobState one = wait_finished(client, ids[1]);
    EXPECT_EQ(one.state, "FAILED");
    EXPECT_EQ(one.exit_code, 3);
    EXPECT_EQ(read(logs[1]), "failing\n");

    // One task of the array is cancelled on its own; the others are left as they are.
    ASSERT_TRUE(wait_for_file(ready)) << "task " << ids[2] << " did not start: " << client.states({ids[2]}).at(0).state;
    EXPECT_EQ(client.states({ids[2]}).at(0).state, "RUNNING");
    client.cancel({ids[2]});
    EXPECT_EQ(wait_finished(client, ids[2]).state, "CANCELLED");
    const auto all = client.states(ids);
    ASSERT_EQ(all.size(), 3u);
    EXPECT_EQ(all[0].state, "COMPLETED");
    EXPECT_EQ(all[1].state, "FAILED");
    EXPECT_EQ(all[2].state, "CANCELLED");
}

TEST_F(SlurmClientTest, AJobArrayNeedsOneLogPerCommand) {
    SlurmClient client({});
    EXPECT_THROW(client.submit_array("x", {{"/bin/true"}, {"/bin/true"}}, dir_.string(), {(dir_ / "a").string()},
                                     (dir_ / "a.sbatch").string()),
                 std::invalid_argument);
    EXPECT_THROW(client.submit_array("x", {}, dir_.string(), {}, (dir_ / "a.sbatch").string()), std::invalid_argument);
    EXPECT_THROW(client.submit_array("x", {{"/bin/true"}, {}}, dir_.string(),
                                     {(dir_ / "a").string(), (dir_ / "b").string()}, (dir_ / "a.sbatch").string()),
                 std::invalid_argument);
}

TEST_F(SlurmClientTest, CancelSendsSigtermFirstAndEndsCancelled) {
    SlurmClient client({});
    const fs::path ready = dir_ / "ready";
    const fs::path got_term = dir_ / "got-term";
    // The job traps SIGTERM and writes a file: it exists only if SIGTERM came (a SIGKILL cannot be trapped).
    const std::string id = client.submit(
        "cancel",
        {"/bin/bash", "-c", "trap 'echo term > \"$2\"; exit 0' TERM; echo up > \"$1\"; while :; do sleep 0.1; done",
         "bash", ready.string(), got_term.string()},
        dir_.string(), (dir_ / "cancel.log").string());
    ASSERT_TRUE(wait_for_file(ready)) << "job " << id << " did not start: " << client.states({id}).at(0).state;
    EXPECT_EQ(client.states({id}).at(0).state, "RUNNING");

    client.cancel({id});
    const SlurmJobState s = wait_finished(client, id);
    EXPECT_EQ(s.state, "CANCELLED");
    EXPECT_FALSE(SlurmClient::succeeded(s));
    EXPECT_EQ(read(got_term), "term\n");
    // Cancelling a job that has ended is not an error.
    EXPECT_NO_THROW(client.cancel({id}));
}

TEST_F(SlurmClientTest, JobAboveItsMemoryIsKilledBySlurmAndNotSucceeded) {
    SlurmOptions options;
    options.extra_args = {"--mem=20M"};
    SlurmClient client(options);
    const fs::path log = dir_ / "oom.log";
    // tail buffers the newline-free stream until its end, 60 s later: 300 MB held, far above the 20 MB asked for.
    const std::string id = client.submit(
        "oom", {"/bin/sh", "-c", "(head -c 300M /dev/zero; sleep 60) | tail > /dev/null"}, dir_.string(), log.string());
    const SlurmJobState s = wait_finished(client, id, std::chrono::seconds(40));
    EXPECT_TRUE(SlurmClient::finished(s.state)) << s.state;
    EXPECT_NE(s.state, "COMPLETED");
    EXPECT_EQ(s.exit_code, 128 + 9) << "expected SIGKILL, state " << s.state;
    EXPECT_FALSE(SlurmClient::succeeded(s));
    EXPECT_NE(read(log).find("exceeded memory limit"), std::string::npos) << read(log);
}

TEST_F(SlurmClientTest, OptionsBecomeSbatchFlags) {
    SlurmOptions options;
    options.partition = "debug";
    options.time_limit = "7";
    options.cpus_per_task = 2;
    options.extra_args = {"--comment=ft options test", "--hold"};
    SlurmClient client(options);
    // Held, so it stays pending while we read its settings.
    const std::string id = client.submit("options", {"/bin/true"}, dir_.string(), (dir_ / "o.log").string());
    const std::string shown = scontrol_show(id);
    client.cancel({id});
    EXPECT_NE(shown.find("Partition=debug "), std::string::npos) << shown;
    EXPECT_NE(shown.find("TimeLimit=00:07:00 "), std::string::npos) << shown;
    EXPECT_NE(shown.find("CPUs/Task=2 "), std::string::npos) << shown;
    EXPECT_NE(shown.find("Comment=ft options test "), std::string::npos) << shown;
    EXPECT_NE(shown.find("JobName=options "), std::string::npos) << shown;
    const SlurmJobState s = client.states({id}).at(0);
    EXPECT_TRUE(s.state == "CANCELLED" || s.state == "PENDING") << s.state;  // scancel may not have landed yet
}

TEST_F(SlurmClientTest, UnknownPartitionErrorQuotesSbatch) {
    SlurmOptions options;
    options.partition = "no-such-partition";
    SlurmClient client(options);
    try {
        client.submit("bad", {"/bin/true"}, dir_.string(), (dir_ / "bad.log").string());
        FAIL() << "submit to a missing partition returned a job id";
    } catch (const std::runtime_error& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("Invalid partition name specified"), std::string::npos) << what;
        EXPECT_NE(what.find("no-such-partition"), std::string::npos) << what;
    }
}

TEST_F(SlurmClientTest, GresTheNodeLacksIsRefusedBySbatch) {
    SlurmOptions options;
    options.gres = "gpu:1";
    SlurmClient client(options);
    try {
        client.submit("gpu", {"/bin/true"}, dir_.string(), (dir_ / "gpu.log").string());
        FAIL() << "submit asking for a GPU on a cluster without one returned a job id";
    } catch (const std::runtime_error& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("--gres=gpu:1"), std::string::npos) << what;
        EXPECT_NE(what.find("sbatch: error:"), std::string::npos) << what;
    }
}

TEST_F(SlurmClientTest, ForgottenJobIsUnknownAndFinished) {
    SlurmClient client({});
    const auto states = client.states({"987654321"});
    ASSERT_EQ(states.size(), 1u);
    EXPECT_EQ(states[0].id, "987654321");
    EXPECT_EQ(states[0].state, "UNKNOWN");
    EXPECT_TRUE(SlurmClient::finished(states[0].state));
    EXPECT_FALSE(SlurmClient::succeeded(states[0]));
}

TEST_F(SlurmClientTest, IdThatIsNotAJobIdIsRefused) {
    SlurmClient client({});
    EXPECT_THROW(client.states({"12,13"}), std::invalid_argument);
    EXPECT_THROW(client.cancel({"--me"}), std::invalid_argument);
    EXPECT_THROW(client.states({"12_"}), std::invalid_argument);
    EXPECT_THROW(client.states({"12_3_4"}), std::invalid_argument);
    EXPECT_THROW(client.states({"_3"}), std::invalid_argument);
}

TEST_F(SlurmClientTest, DeadControllerMakesUnavailableASentence) {
    const std::string live = std::getenv("SLURM_CONF");
    const std::string dead_conf = (dir_ / "slurm.conf").string();
    {
        std::ifstream in(live);
        std::ofstream out(dead_conf);
        const int port = unused_port();
        for (std::string line; std::getline(in, line);) {
            if (line.rfind("SlurmctldPort=", 0) == 0) line = "SlurmctldPort=" + std::to_string(port);
            out << line << "\n";
        }
    }
    ScopedSlurmConf conf(dead_conf);
    const auto reason = SlurmClient::unavailable_reason();
    ASSERT_TRUE(reason.has_value());
    EXPECT_NE(reason->find("does not answer"), std::string::npos) << *reason;
    EXPECT_NE(reason->find(dead_conf), std::string::npos) << *reason;
    EXPECT_EQ(reason->back(), '.') << *reason;
}

TEST_F(SlurmClientTest, MissingSlurmConfMakesUnavailableASentenceAtOnce) {
    const std::string missing = (dir_ / "no-such-slurm.conf").string();
    ScopedSlurmConf conf(missing);
    const auto start = std::chrono::steady_clock::now();
    const auto reason = SlurmClient::unavailable_reason();
    ASSERT_TRUE(reason.has_value());
    EXPECT_NE(reason->find(missing), std::string::npos) << *reason;
    // Slurm's own programs retry a missing slurm.conf for 60 s.
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST_F(SlurmClientTest, FinishedIsTrueExactlyForTerminalStates) {
    for (const char* state : {"COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "PREEMPTED", "NODE_FAIL", "OUT_OF_MEMORY",
                              "BOOT_FAIL", "DEADLINE", "UNKNOWN"}) {
        EXPECT_TRUE(SlurmClient::finished(state)) << state;
    }
    for (const char* state : {"PENDING", "RUNNING", "COMPLETING", "CONFIGURING", "SUSPENDED", "REQUEUED", "RESIZING"}) {
        EXPECT_FALSE(SlurmClient::finished(state)) << state;
    }
    EXPECT_FALSE(SlurmClient::succeeded({"1", "COMPLETED", 1, ""}));
    EXPECT_FALSE(SlurmClient::succeeded({"1", "FAILED", 0, ""}));
    EXPECT_TRUE(SlurmClient::succeeded({"1", "COMPLETED", 0, ""}));
}

TEST(SlurmShellQuote, QuotesEveryWordForSh) {
    using ft::cli::slurm_detail::shell_quote;
    EXPECT_EQ(shell_quote("plain"), "'plain'");
    EXPECT_EQ(shell_quote(""), "''");
    EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
    EXPECT_THROW(shell_quote(std::string("a\0b", 3)), std::invalid_argument);
}

TEST(SlurmScontrolParse, ReadsStateReasonAndExitCodeOfTheJobAsked) {
    using ft::cli::slurm_detail::parse_scontrol_job;
    const std::string out =
        "JobId=7 JobName=a UserId=root(0) JobState=COMPLETED Reason=None Dependency=(null) ExitCode=0:0 Comment=x\n"
        "JobId=8 JobName=b UserId=root(0) JobState=FAILED Reason=JobLaunchFailure Dependency=(null) ExitCode=0:9\n";
    const auto eight = parse_scontrol_job(out, "8");
    ASSERT_TRUE(eight.has_value());
    EXPECT_EQ(eight->state, "FAILED");
    EXPECT_EQ(eight->reason, "JobLaunchFailure");
    EXPECT_EQ(eight->exit_code, 137);
    const auto seven = parse_scontrol_job(out, "7");
    ASSERT_TRUE(seven.has_value());
    EXPECT_EQ(seven->reason, "");
    EXPECT_FALSE(parse_scontrol_job(out, "9").has_value());
}

TEST(SlurmScontrolParse, AnArrayTaskIsFoundByItsArrayIdAndTask) {
    using ft::cli::slurm_detail::parse_scontrol_job;
    const std::string out =
        "JobId=27 ArrayJobId=25 ArrayTaskId=1 JobName=s UserId=root(0) JobState=FAILED Reason=NonZeroExitCode "
        "Dependency=(null) ExitCode=3:0\n";
    const auto task = parse_scontrol_job(out, "25_1");
    ASSERT_TRUE(task.has_value());
    EXPECT_EQ(task->id, "25_1");
    EXPECT_EQ(task->state, "FAILED");
    EXPECT_EQ(task->exit_code, 3);
    EXPECT_TRUE(parse_scontrol_job(out, "27").has_value());  // by its own id too
    EXPECT_FALSE(parse_scontrol_job(out, "25_2").has_value());
    EXPECT_FALSE(parse_scontrol_job(out, "25").has_value());
}

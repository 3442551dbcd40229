#include "sim_run.hpp"
#include "tests/support/paths.hpp"

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>

#include <gtest/gtest.h>

namespace simint {

using ocppkit::test::ChildProcess;

namespace {

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string last_line_with(const std::string& text, const std::string& prefix) {
    std::istringstream lines(text);
    std::string found;
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind(prefix, 0) == 0) {
            found = line;
        }
    }
    return found;
}

// A temporary file name for the simulator's report, removed with this object.
struct TempFile {
    std::string path;
    TempFile() {
        std::string templ = "/tmp/ocppkit-simint-report-XXXXXX";
        const int fd = ::mkstemp(templ.data());
        if (fd >= 0) {
            ::close(fd);
            path = templ;
        }
    }
    ~TempFile() {
        if (!path.empty()) {
            ::unlink(path.c_str());
        }
    }
};

} // namespace

std::string RunResult::context() const {
    return "\n--- ocpp-simulator stdout ---\n" + sim_stdout + "--- ocpp-simulator stderr ---\n" + sim_stderr +
           "--- sim_cs.js stdout ---\n" + cs_stdout + "--- sim_cs.js stderr ---\n" + cs_stderr;
}

void run_simulator(const ocpp::interop::NodeSetup& setup, const std::vector<std::string>& cs_args,
                   const std::vector<std::string>& sim_args, std::chrono::seconds sim_timeout, RunResult& out) {
    std::vector<std::string> cs_argv = {setup.node, setup.script_dir + "/sim_cs.js", "--deadline", "60"};
    cs_argv.insert(cs_argv.end(), cs_args.begin(), cs_args.end());
    std::string error;
    auto cs = ChildProcess::spawn(cs_argv, error);
    ASSERT_TRUE(cs) << error;
    const auto listening = cs->wait_for_line("{\"listening\":", std::chrono::seconds(10));
    ASSERT_TRUE(listening) << "sim_cs.js did not start listening\n" << cs->stdout_text() << cs->stderr_text();
    rapidjson::Document port_doc;
    port_doc.Parse(listening->c_str());
    ASSERT_TRUE(port_doc.IsObject() && port_doc["listening"].IsInt()) << *listening;
    const std::string url = "ws://127.0.0.1:" + std::to_string(port_doc["listening"].GetInt()) + "/ocpp";

    TempFile report;
    ASSERT_FALSE(report.path.empty()) << "mkstemp failed";
    std::vector<std::string> sim_argv = {
        ocppkit::test::program("ocpp-simulator"), "run", "--url", url, "--report", report.path};
    sim_argv.insert(sim_argv.end(), sim_args.begin(), sim_args.end());
    auto sim = ChildProcess::spawn(sim_argv, error);
    ASSERT_TRUE(sim) << error;
    out.sim_exit = sim->wait(sim_timeout);
    sim->kill(); // by PID; nothing when it has exited
    if (!cs->wait(std::chrono::milliseconds(0))) {
        ::kill(cs->pid(), SIGTERM); // sim_cs.js prints its summary and exits
    }
    out.cs_exit = cs->wait(std::chrono::seconds(10));
    cs->kill();

    out.sim_stdout = sim->stdout_text();
    out.sim_stderr = sim->stderr_text();
    out.cs_stdout = cs->stdout_text();
    out.cs_stderr = cs->stderr_text();
    out.cs_line = last_line_with(out.cs_stdout, "{\"simcs\":");
    out.cs.Parse(out.cs_line.c_str());
    const std::string report_text = read_file(report.path);
    out.report.Parse(report_text.c_str());
    std::printf("[ sim_cs.js ] %s\n", out.cs_line.c_str());
    std::fflush(stdout);
}

const rapidjson::Value* at(const rapidjson::Value& v, std::initializer_list<const char*> path) {
    const rapidjson::Value* cur = &v;
    for (const char* name : path) {
        if (!cur->IsObject()) {
            return nullptr;
        }
        auto it = cur->FindMember(name);
        if (it == cur->MemberEnd()) {
            return nullptr;
        }
        cur = &it->value;
    }
    return cur;
}

long long number(const rapidjson::Value& v, std::initializer_list<const char*> path) {
    const auto* p = at(v, path);
    return p && p->IsInt64() ? p->GetInt64() : -1;
}

std::string text(const rapidjson::Value& v, std::initializer_list<const char*> path) {
    const auto* p = at(v, path);
    return p && p->IsString() ? std::string(p->GetString()) : std::string("(missing)");
}

bool flag(const rapidjson::Value& v, std::initializer_list<const char*> path) {
    const auto* p = at(v, path);
    return p && p->IsBool() && p->GetBool();
}

std::set<std::string> strings(const rapidjson::Value& v, std::initializer_list<const char*> path) {
    std::set<std::string> out;
    if (const auto* p = at(v, path); p && p->IsArray()) {
        for (const auto& s : p->GetArray()) {
            if (s.IsString()) {
                out.insert(s.GetString());
            }
        }
    }
    return out;
}

std::set<std::string> keys(const rapidjson::Value& v, std::initializer_list<const char*> path) {
    std::set<std::string> out;
    if (const auto* p = at(v, path); p && p->IsObject()) {
        for (const auto& m : p->GetObject()) {
            out.insert(m.name.GetString());
        }
    }
    return out;
}

std::set<std::string> charger_ids(const std::string& prefix, int n) {
    std::set<std::string> out;
    for (int i = 1; i <= n; ++i) {
        char digits[16];
        std::snprintf(digits, sizeof digits, "%06d", i);
        out.insert(prefix + digits);
    }
    return out;
}

void expect_clean_run(const RunResult& r) {
    ASSERT_TRUE(r.sim_exit.has_value()) << "ocpp-simulator did not exit in time" << r.context();
    ASSERT_TRUE(r.cs.IsObject()) << "sim_cs.js printed no summary line" << r.context();
    ASSERT_TRUE(r.report.IsObject()) << "ocpp-simulator wrote no --report" << r.context();
    EXPECT_EQ(*r.sim_exit, 0) << r.context();
    EXPECT_EQ(r.cs_exit, std::optional<int>(0)) << r.context();
    EXPECT_EQ(number(r.cs, {"validationFailures"}), 0) << "ocpp-rpc strict validation failed\n" << r.cs_line;
    EXPECT_EQ(number(r.cs, {"callErrors"}), 0) << r.cs_line;
    EXPECT_EQ(number(r.cs, {"badMessages"}), 0) << r.cs_line;
    EXPECT_EQ(number(r.cs, {"sequenceErrors"}), 0) << "transaction messages out of order\n" << r.cs_line;
    EXPECT_TRUE(flag(r.cs, {"ok"})) << r.cs_line;
    EXPECT_TRUE(flag(r.report, {"stopped_in_time"})) << "not every charger stopped in time" << r.context();
    for (const auto& action : keys(r.report, {"actions"})) {
        EXPECT_EQ(number(r.report, {"actions", action.c_str(), "call_errors"}), 0) << action << r.context();
        EXPECT_EQ(number(r.report, {"actions", action.c_str(), "timeouts"}), 0) << action << r.context();
    }
}

} // namespace simint

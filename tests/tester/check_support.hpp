#pragma once
// Support for the `ocpp-tester check` integration tests: the real binary started on 127.0.0.1:0 (its URL read from
// its header line) and stopped by its PID, its output parsed, and our Client + a ScriptedCharger on a loop thread.
#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <regex>

#include "ocpp/net/client.hpp"
#include "scripted_charger.hpp"
#include "store/claims.hpp"
#include "store/sqlite.hpp"
#include "tests/interop/interop_support.hpp"
#include "tests/support/loop_thread.hpp"
#include "tests/support/paths.hpp"

namespace tester::test {

using namespace std::chrono_literals;
using ocppkit::test::ChildProcess;

inline constexpr const char* kPassword = "Xk29fLq8Zr4mTw7pBq";

inline std::string bin(const char* name) {
    return std::string(ocppkit::test::bin_dir()) + "/" + name;
}

inline std::string temp_db(const std::string& name) {
    const std::string path = ::testing::TempDir() + "tester-" + name + "-" + std::to_string(::getpid()) + ".db";
    std::remove(path.c_str());
    return path;
}

// ocpp-tester check on 127.0.0.1:0; the URL comes from its header line.
struct Tester {
    std::unique_ptr<ChildProcess> child;
    std::string url; // ws://127.0.0.1:PORT/ocpp/ID
    std::string base() const { return url.substr(0, url.rfind('/')); }
};

inline Tester start_tester(const std::string& id, const std::string& db, std::vector<std::string> extra) {
    std::vector<std::string> argv{bin("ocpp-tester"),     "check", "--listen",       "127.0.0.1:0",
                                  "--chargebox-id",       id,      "--db",           "sqlite:" + db,
                                  "--heartbeat-interval", "2",     "--call-timeout", "2"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    std::string error;
    Tester t;
    t.child = ChildProcess::spawn(argv, error);
    if (!t.child) {
        ADD_FAILURE() << error;
        return t;
    }
    auto line = t.child->wait_for_line("  Central system URL", 10s);
    if (!line) {
        ADD_FAILURE() << "no URL line from ocpp-tester:\n" << t.child->stdout_text() << t.child->stderr_text();
        return t;
    }
    std::smatch m;
    if (std::regex_search(*line, m, std::regex(R"(whole URL: (\S+)\))"))) {
        t.url = m[1];
    }
    return t;
}

struct CheckResult {
    int exit_code = -1;
    std::string out;
    std::vector<std::string> failed; // from the FAILED summary line
};

inline CheckResult finish(Tester& t, std::chrono::seconds limit) {
    CheckResult r;
    auto code = t.child->wait(limit);
    r.out = t.child->stdout_text() + t.child->stderr_text();
    if (!code) {
        ADD_FAILURE() << "ocpp-tester did not finish within " << limit.count() << " s:\n" << r.out;
        return r;
    }
    r.exit_code = *code;
    std::smatch m;
    if (std::regex_search(r.out, m, std::regex(R"(FAILED: \d+ checks? failed: (.*)\. No claiming code)"))) {
        std::string list = m[1];
        for (std::size_t at = 0; at < list.size();) {
            const auto comma = list.find(", ", at);
            r.failed.push_back(list.substr(at, comma == std::string::npos ? std::string::npos : comma - at));
            at = comma == std::string::npos ? list.size() : comma + 2;
        }
    }
    return r;
}

// Exactly `id` failed (plus `also`, consequences of the same fault), with the hint, and no code was issued.
inline void expect_failure(const CheckResult& r, const std::string& id, const std::string& hint_part,
                           const std::vector<std::string>& also = {}) {
    EXPECT_EQ(r.exit_code, 1) << r.out;
    std::vector<std::string> expected{id};
    expected.insert(expected.end(), also.begin(), also.end());
    EXPECT_EQ(r.failed, expected) << r.out;
    EXPECT_NE(r.out.find("  ✗ " + id), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(hint_part), std::string::npos) << "hint should mention \"" << hint_part << "\"\n" << r.out;
    EXPECT_EQ(r.out.find("Claiming code"), std::string::npos) << r.out;
}

inline std::string claim_code_in(const std::string& out) {
    std::smatch m;
    return std::regex_search(out, m, std::regex(R"(Claiming code:  ([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2}))"))
               ? std::string(m[1])
               : std::string();
}

// Our Client + a ScriptedCharger on an event-loop thread; a refused attempt is retried every 500 ms, as chargers do.
class ChargerThread {
public:
    ChargerThread()
        : schemas_(ocpp::validation::Registry::v16().value()) {}
    ~ChargerThread() {
        loop_.stop([this] {
            retry_.reset();
            charger_.reset();
            client_.reset();
        });
    }

    void run(std::string url, ocpp::net::ConnectOptions options, ChargerScript script,
             ocpp::net::ClientConfig client = {}) {
        options.url = std::move(url);
        options.open_handshake_timeout = 3s;
        loop_.loop().post([this, options, script, client] {
            client_ = ocpp::net::Client::create(loop_.loop(), client, log_);
            retry_ = loop_.loop().make_timer();
            attempt(options, script);
        });
        loop_.start();
    }
    std::chrono::steady_clock::time_point connected_at() const { return connected_at_.load(); }

private:
    void attempt(const ocpp::net::ConnectOptions& options, const ChargerScript& script) {
        client_->connect(
            options, [this, options, script](ocpp::net::SessionPtr s, std::optional<ocpp::net::ConnectError> error) {
                if (error) {
                    retry_->start(500ms, [this, options, script] { attempt(options, script); });
                    return;
                }
                connected_at_ = std::chrono::steady_clock::now();
                charger_ = ScriptedCharger::create(std::move(s), loop_.loop(), schemas_, log_, script);
                if (script.reconnect) {
                    // A restart: when it closed the connection itself, it connects again.
                    charger_->peer().set_close_handler([this, options, script](const ocpp::net::CloseInfo& info) {
                        if (!info.by_peer) {
                            retry_->start(300ms, [this, options, script] { attempt(options, script); });
                        }
                    });
                    if (script.flap_after_restart && ++connections_ > 1) {
                        charger_->peer().close(1001, "flapping");
                        return;
                    }
                }
                charger_->start();
            });
    }

    ocppkit::test::LoopThread loop_{ocppkit::test::LoopThread::Start::Later};
    ocpp::Logger log_{ocpp::LogLevel::Off};
    ocpp::validation::Registry schemas_;
    std::unique_ptr<ocpp::net::Client> client_;
    std::unique_ptr<ocpp::Timer> retry_;
    std::shared_ptr<ScriptedCharger> charger_;
    int connections_ = 0; // loop thread only
    std::atomic<std::chrono::steady_clock::time_point> connected_at_{};
};

inline ocpp::net::ConnectOptions basic(std::string user = "CB-1", std::string password = kPassword) {
    ocpp::net::ConnectOptions o;
    o.basic_user = std::move(user);
    o.basic_password = std::move(password);
    return o;
}

inline std::optional<store::Claim> stored_claim(const std::string& db, const std::string& code) {
    auto conn = store::Sqlite::open(db);
    if (!conn) {
        ADD_FAILURE() << conn.error().message;
        return std::nullopt;
    }
    auto found = store::Claims::find(**conn, code);
    return found ? *found : std::nullopt;
}

} // namespace tester::test

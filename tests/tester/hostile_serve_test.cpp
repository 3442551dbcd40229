// The hostile-input suite of `ocpp-tester serve`: the real binary on 127.0.0.1, faced with a charger that floods it
// and a stranger who reaches its port. Each test failed on the tester as it was before the budgets existed: a flood
// of 60 KB frames grew the process by hundreds of MB, a flood of frames was never stopped, a non-loopback address
// needed no token, one address could start any number of tests, and test ids (the key to a test's claiming code)
// were logged.
#include <atomic>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "serve_binary.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/loop_thread.hpp"
#include "tests/support/wait.hpp"
#include "tiny_charger.hpp"

using namespace tester::test;
using namespace ocppkit::test;

namespace {

// VmRSS of a process in KiB (0 when unreadable).
long rss_kib(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("VmRSS:", 0) == 0) {
            return std::stol(line.substr(6));
        }
    }
    return 0;
}

// A charger that boots and then sends `count` DataTransfer CALLs of `data_bytes` each as fast as the connection
// takes them, without waiting for answers; then closes. Runs on the loop of a LoopThread.
class FloodCharger : public std::enable_shared_from_this<FloodCharger> {
public:
    FloodCharger(ocpp::net::EventLoop& loop, int count, std::size_t data_bytes)
        : loop_(loop)
        , client_(ocpp::net::Client::create(loop, {}, log_))
        , timer_(loop.make_timer())
        , count_(count)
        , data_(data_bytes, 'x') {}

    void connect(const std::string& url, const std::string& user, const std::string& password) {
        ocpp::net::ConnectOptions o;
        o.url = url;
        o.basic_user = user;
        o.basic_password = password;
        o.open_handshake_timeout = std::chrono::seconds(10);
        std::weak_ptr<FloodCharger> weak = weak_from_this();
        client_->connect(o, [weak](ocpp::net::SessionPtr s, std::optional<ocpp::net::ConnectError> error) {
            auto self = weak.lock();
            if (!self || error) {
                if (self) {
                    self->close_code = -1;
                }
                return;
            }
            self->session_ = std::move(s);
            self->session_->set_message_handler([](std::string_view) {});
            self->session_->set_close_handler([weak](const ocpp::net::CloseInfo& info) {
                if (auto me = weak.lock()) {
                    me->close_code = info.code;
                }
            });
            self->session_->send(
                R"([2,"b","BootNotification",{"chargePointVendor":"hostile","chargePointModel":"flood"}])");
            for (int c = 0; c <= 1; ++c) {
                self->session_->send(R"([2,"s)" + std::to_string(c) + R"(","StatusNotification",{"connectorId":)" +
                                     std::to_string(c) + R"(,"errorCode":"NoError","status":"Available"}])");
            }
            self->pump();
        });
    }
    // On the loop.
    void stop() {
        timer_.reset();
        if (session_ && session_->is_open()) {
            session_->close(1000, "done");
        }
        session_.reset();
        client_.reset();
    }

    std::atomic<int> sent{0};
    std::atomic<int> close_code{0}; // 0 while open
    std::atomic<bool> done{false};  // every frame handed to the connection (or it closed)

private:
    void pump() {
        while (session_ && session_->is_open() && sent < count_) {
            const std::string frame = R"([2,"f)" + std::to_string(sent.load()) +
                                      R"(","DataTransfer",{"vendorId":"hostile","data":")" + data_ + "\"}]";
            if (session_->send(frame) != ocpp::net::SendStatus::Queued) {
                break; // the outbound queue is full: go on when it drained a little
            }
            ++sent;
        }
        if (!session_ || !session_->is_open() || sent >= count_) {
            done = true;
            return;
        }
        std::weak_ptr<FloodCharger> weak = weak_from_this();
        timer_->start(std::chrono::milliseconds(2), [weak] {
            if (auto self = weak.lock()) {
                self->pump();
            }
        });
    }

    ocpp::Logger log_{ocpp::LogLevel::Off};
    ocpp::net::EventLoop& loop_;
    std::unique_ptr<ocpp::net::Client> client_;
    std::unique_ptr<ocpp::Timer> timer_;
    ocpp::net::SessionPtr session_;
    int count_;
    std::string data_;
};

class HostileServe : public ServeBinary {
protected:
    struct Started {
        std::string id, url, password;
    };
    Started start_test(const std::string& chargebox_id) {
        const auto created = post_test("{\"chargeBoxId\":\"" + chargebox_id + "\"}");
        EXPECT_EQ(created.status, 201) << created.body << created.error;
        const auto c = json(created.body);
        return {str(c, "id"), str(c, "url"), str(c, "password")};
    }
    // Polls the test until it finished; its live state.
    rapidjson::Document finished(const std::string& id, std::chrono::seconds limit) {
        std::string body;
        const bool ended = wait_until(
            [&] {
                body = http(port_, "GET", "/api/v1/tests/" + id).body;
                const auto s = json(body);
                const auto state = str(s, "state");
                return state == "passed" || state == "failed" || state == "aborted";
            },
            limit, 200ms);
        EXPECT_TRUE(ended) << body << logs();
        return json(body);
    }
    static const rapidjson::Value* check(const rapidjson::Document& state, const std::string& id) {
        if (!state.IsObject() || !state.HasMember("checks")) {
            return nullptr;
        }
        for (const auto& c : state["checks"].GetArray()) {
            if (str(c, "id") == id) {
                return &c;
            }
        }
        return nullptr;
    }
    static std::vector<std::string> failed(const rapidjson::Document& state) {
        std::vector<std::string> out;
        if (state.IsObject() && state.HasMember("checks")) {
            for (const auto& c : state["checks"].GetArray()) {
                if (str(c, "verdict") == "fail") {
                    out.push_back(str(c, "id"));
                }
            }
        }
        return out;
    }
};

// 2,000 DataTransfer frames of 60 KB (120 MB) from one charger. Before: every frame was kept (and copied again for
// the finished report and for each download), so the process grew by hundreds of MB. Now the capture stops at its
// budget, the report says so, memory stays within the budget plus a margin, and the download of what was kept is
// complete: its length is the advertised Content-Length, and every line is a JSON object.
TEST_F(HostileServe, AFloodOfLargeFramesKeepsTheTesterWithinItsMemoryBudget) {
    ASSERT_NO_FATAL_FAILURE(
        start({"--max-kept-tests-mb", "8", "--max-capture-kb", "2048", "--max-frame-rate", "100000"}));
    std::this_thread::sleep_for(300ms);
    const long before = rss_kib(process_->pid());
    ASSERT_GT(before, 0);
    const auto t = start_test("CB-FLOOD-1");
    LoopThread lt;
    std::shared_ptr<FloodCharger> charger;
    lt.call([&] {
        charger = std::make_shared<FloodCharger>(lt.loop(), 2000, 60000);
        charger->connect(t.url, "CB-FLOOD-1", t.password);
    });
    long peak = before;
    const bool sent = wait_until(
        [&] {
            peak = std::max(peak, rss_kib(process_->pid()));
            return charger->done.load();
        },
        180s, 50ms);
    ASSERT_TRUE(sent) << charger->sent << " frames sent\n" << logs();
    EXPECT_EQ(charger->close_code.load(), 0) << "the flood is within the frame rate here: no disconnection";
    // Let the tester take what is still on the way, then hang up: the test ends on the dropped connection.
    for (int i = 0; i < 30; ++i) {
        peak = std::max(peak, rss_kib(process_->pid()));
        std::this_thread::sleep_for(100ms);
    }
    lt.call([&] { charger->stop(); });
    const auto state = finished(t.id, 60s);
    peak = std::max(peak, rss_kib(process_->pid()));

    std::cout << "[          ] VmRSS " << before / 1024 << " MiB before, " << peak / 1024 << " MiB at most after "
              << charger->sent.load() << " frames of 60 KB" << std::endl;
    const long budget_kib = 8 * 1024, margin_kib = 56 * 1024;
    EXPECT_LE(peak - before, budget_kib + margin_kib)
        << "RSS grew from " << before << " KiB to " << peak << " KiB during a flood of " << charger->sent.load()
        << " frames of 60 KB";
    ASSERT_TRUE(state.IsObject());
    ASSERT_TRUE(state.HasMember("framesNotCaptured")) << "the report says the capture is not complete";
    EXPECT_GT(state["framesNotCaptured"].GetUint64(), 0u);
    const auto* schema = check(state, "messages.schema");
    ASSERT_NE(schema, nullptr);
    bool noted = false;
    for (const auto& d : (*schema)["details"].GetArray()) {
        noted = noted ||
                std::string(d.GetString()).find("capture budget of one test (2048 KiB) was full") != std::string::npos;
    }
    EXPECT_TRUE(noted) << "messages.schema names the capture budget";

    for (int download = 0; download < 3; ++download) {
        const auto capture = http(port_, "GET", "/api/v1/tests/" + t.id + "/capture.jsonl", "", {}, 30000ms);
        ASSERT_EQ(capture.status, 200) << capture.error;
        ASSERT_FALSE(capture.header("content-length").empty());
        EXPECT_EQ(std::stoul(capture.header("content-length")), capture.body.size());
        EXPECT_LE(capture.body.size(), 2048u * 1024);
        EXPECT_GT(capture.body.size(), 1024u * 1024);
        ASSERT_FALSE(capture.body.empty());
        EXPECT_EQ(capture.body.back(), '\n');
        std::istringstream lines(capture.body);
        std::string line;
        std::size_t n = 0;
        while (std::getline(lines, line)) {
            const auto doc = json(line);
            ASSERT_TRUE(doc.IsObject() && doc.HasMember("at") && doc.HasMember("dir")) << "line " << n + 1;
            ++n;
        }
        EXPECT_EQ(n, state["frameCount"].GetUint64());
        peak = std::max(peak, rss_kib(process_->pid()));
    }
    EXPECT_LE(peak - before, budget_kib + margin_kib) << "downloads stream from the kept capture";
    lt.call([&] { charger.reset(); });
}

// A charger that sends frames far faster than any charger needs: connection.frame_rate fails by name with a hint,
// the tester closes the connection (1008), and nothing else is blamed on the charger.
TEST_F(HostileServe, AChargerOverTheFrameRateFailsConnectionFrameRateAndIsDisconnected) {
    ASSERT_NO_FATAL_FAILURE(start());
    const auto t = start_test("CB-FLOOD-2");
    LoopThread lt;
    std::shared_ptr<FloodCharger> charger;
    lt.call([&] {
        charger = std::make_shared<FloodCharger>(lt.loop(), 3000, 100);
        charger->connect(t.url, "CB-FLOOD-2", t.password);
    });
    const auto state = finished(t.id, 60s);
    EXPECT_TRUE(wait_until([&] { return charger->close_code.load() != 0; }, 10s));
    // 1008 (policy violation); 1006 when the flooding charger, busy writing on a loaded machine, lets the closing
    // handshake time out. Either way the tester ended the connection.
    const int code = charger->close_code.load();
    EXPECT_TRUE(code == 1008 || code == 1006) << code;
    const auto* rate = check(state, "connection.frame_rate");
    ASSERT_NE(rate, nullptr) << logs();
    EXPECT_EQ(str(*rate, "verdict"), "fail");
    EXPECT_NE(str(*rate, "seen").find("more than the limit of 500 per 10 s"), std::string::npos) << str(*rate, "seen");
    EXPECT_NE(str(*rate, "hint").find("firmware loop"), std::string::npos) << str(*rate, "hint");
    EXPECT_EQ(failed(state), std::vector<std::string>{"connection.frame_rate"});
    EXPECT_EQ(str(state, "state"), "failed");
    lt.call([&] { charger->stop(); });
}

// Without --api-token, anyone who reaches the port may start tests and read claiming codes: on a non-loopback
// address serve refuses to start unless --no-api-token says that this is meant.
TEST_F(HostileServe, ANonLoopbackAddressNeedsATokenOrExplicitConsent) {
    const std::string log = ::testing::TempDir() + "hostile-serve-consent-" + std::to_string(::getpid()) + ".log";
    const std::string db =
        "sqlite:" + ::testing::TempDir() + "hostile-serve-consent-" + std::to_string(::getpid()) + ".db";
    const std::string listen = "0.0.0.0:" + std::to_string(free_port());
    {
        ChildProcess refused(kBinary, {"serve", "--listen", listen, "--db", db}, log);
        EXPECT_EQ(refused.wait_exit(10000ms), 2);
    }
    std::ifstream in(log);
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_NE(text.str().find("--api-token"), std::string::npos) << text.str();
    EXPECT_NE(text.str().find("--no-api-token"), std::string::npos) << text.str();

    ASSERT_NO_FATAL_FAILURE(start({"--no-api-token"})); // on loopback it changes nothing, and is accepted
    std::remove(log.c_str());
}

// One address may keep only so many tests in progress, and start only so many a minute (429 with Retry-After).
TEST_F(HostileServe, OneAddressCannotStartMoreThanItsShareOfTests) {
    ASSERT_NO_FATAL_FAILURE(start({"--max-tests-per-address", "2", "--max-starts-per-minute", "3"}));
    const auto a = start_test("CB-SHARE-1");
    start_test("CB-SHARE-2");
    const auto third = post_test(R"({"chargeBoxId":"CB-SHARE-3"})");
    EXPECT_EQ(third.status, 429) << third.body;
    EXPECT_NE(third.body.find("in progress"), std::string::npos) << third.body;
    EXPECT_FALSE(third.header("retry-after").empty());
    ASSERT_EQ(http(port_, "DELETE", "/api/v1/tests/" + a.id).status, 200);
    start_test("CB-SHARE-3"); // room again among the tests in progress
    const auto fourth = post_test(R"({"chargeBoxId":"CB-SHARE-4"})");
    EXPECT_EQ(fourth.status, 429) << fourth.body;
    EXPECT_NE(fourth.body.find("within a minute"), std::string::npos) << fourth.body;
}

// A test's id is the key to its report and claiming code: the log names tests by number, never by id.
TEST_F(HostileServe, TestIdsNeverReachTheLog) {
    ASSERT_NO_FATAL_FAILURE(start({"--log-level", "debug"}));
    const auto t = start_test("CB-LOG-1");
    const auto aborted = start_test("CB-LOG-2");
    ASSERT_EQ(http(port_, "DELETE", "/api/v1/tests/" + aborted.id).status, 200);
    LoopThread lt;
    auto schemas = ocpp::validation::Registry::v16();
    ASSERT_TRUE(schemas);
    ocpp::Logger quiet(ocpp::LogLevel::Off);
    std::shared_ptr<TinyCharger> charger;
    lt.call([&] {
        charger = TinyCharger::create(lt.loop(), *schemas, quiet);
        charger->connect({t.url, "CB-LOG-1", t.password, 2});
    });
    std::string body;
    ASSERT_TRUE(wait_until(
        [&] {
            body = http(port_, "GET", "/api/v1/tests/" + t.id).body;
            return str(json(body), "claimStatus") == "issued";
        },
        30s, 200ms))
        << body << logs();
    lt.call([&] { charger->stop(); });
    const std::string log = logs();
    EXPECT_EQ(log.find(t.id), std::string::npos) << log;
    EXPECT_EQ(log.find(aborted.id), std::string::npos) << log;
    EXPECT_NE(log.find("test #1 for 'CB-LOG-1'"), std::string::npos) << log;
}

} // namespace

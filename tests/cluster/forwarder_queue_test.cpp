// The forwarder's queue: with every forwarding thread held by a slow owner node, a command that waits in the queue
// past its own timeout is answered 504 and never sent (its caller gave up; sending it later would act unheard), while
// one whose time has not run out is still sent. The owner node is a real TCP server on 127.0.0.1 that holds requests
// until it is told to answer.
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "centralsystem/cluster/forwarder.hpp"
#include "tests/support/loop_thread.hpp"
#include "tests/support/wait.hpp"

namespace {

using namespace std::chrono_literals;

// Accepts HTTP requests and holds each unanswered until release(); from then on answers every request at once.
class HoldingNode {
public:
    HoldingNode() {
        listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a);
        ::listen(listener_, 64);
        socklen_t len = sizeof a;
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &len);
        port_ = ntohs(a.sin_port);
        thread_ = std::thread([this] { serve(); });
    }
    ~HoldingNode() {
        stop_ = true;
        thread_.join();
        for (int fd : held_) {
            ::close(fd);
        }
        ::close(listener_);
    }
    std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
    int requests() const { return requests_; }
    void release() { release_ = true; }

private:
    void answer(int fd) {
        static const std::string kAnswer =
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}";
        (void)!::write(fd, kAnswer.data(), kAnswer.size());
        ::close(fd);
    }
    void serve() {
        while (!stop_) {
            if (release_) {
                for (int fd : held_) {
                    answer(fd);
                }
                held_.clear();
            }
            pollfd p{listener_, POLLIN, 0};
            if (::poll(&p, 1, 20) <= 0) {
                continue;
            }
            const int fd = ::accept(listener_, nullptr, nullptr);
            if (fd < 0) {
                continue;
            }
            // The request line and headers (the body, if any, is not needed to count it).
            std::string in;
            char buf[4096];
            while (in.find("\r\n\r\n") == std::string::npos) {
                pollfd r{fd, POLLIN, 0};
                if (::poll(&r, 1, 2000) <= 0) {
                    break;
                }
                const auto n = ::read(fd, buf, sizeof buf);
                if (n <= 0) {
                    break;
                }
                in.append(buf, static_cast<std::size_t>(n));
            }
            ++requests_;
            held_.push_back(fd);
        }
    }

    int listener_ = -1;
    std::uint16_t port_ = 0;
    std::atomic<bool> stop_{false}, release_{false};
    std::atomic<int> requests_{0};
    std::vector<int> held_;
    std::thread thread_;
};

TEST(ForwarderQueue, ACommandThatWaitedPastItsTimeoutIsAnswered504AndNeverSent) {
    HoldingNode owner;
    ocppkit::test::LoopThread loop_thread;
    auto* loop = &loop_thread.loop();
    std::mutex m;
    std::vector<int> held_answers;
    int late_status = 0, timely_status = 0;
    std::string late_body;
    {
        cs::cluster::Forwarder forwarder("cluster-secret-0123456789", "node-a", *loop);
        ocpp::net::HttpRequest req;
        req.method = "POST";
        req.path = "/api/v1/chargers/CB1/commands/Reset";
        req.query = "timeout=1";
        req.body = R"({"type":"Soft"})";
        const auto now = std::chrono::steady_clock::now();
        for (std::size_t i = 0; i < cs::cluster::Forwarder::kThreads; ++i) {
            forwarder.forward(req, "node-b", owner.address(), now + 60s, [&](ocpp::net::HttpResponse r) {
                std::lock_guard<std::mutex> lock(m);
                held_answers.push_back(r.status);
            });
        }
        ASSERT_TRUE(ocppkit::test::wait_until(
            [&] { return owner.requests() == static_cast<int>(cs::cluster::Forwarder::kThreads); }, 10s))
            << owner.requests() << " requests reached the owner";
        // Every thread waits for the owner: these two queue, one with 1 s left, one with a minute.
        forwarder.forward(req, "node-b", owner.address(), std::chrono::steady_clock::now() + 1s,
                          [&](ocpp::net::HttpResponse r) {
                              std::lock_guard<std::mutex> lock(m);
                              late_status = r.status;
                              late_body = r.body;
                          });
        forwarder.forward(req, "node-b", owner.address(), std::chrono::steady_clock::now() + 60s,
                          [&](ocpp::net::HttpResponse r) {
                              std::lock_guard<std::mutex> lock(m);
                              timely_status = r.status;
                          });
        std::this_thread::sleep_for(1500ms);
        EXPECT_EQ(owner.requests(), static_cast<int>(cs::cluster::Forwarder::kThreads)) << "nothing more was sent";
        owner.release();
        ASSERT_TRUE(ocppkit::test::wait_until(
            [&] {
                std::lock_guard<std::mutex> lock(m);
                return late_status != 0 && timely_status != 0 &&
                       held_answers.size() == cs::cluster::Forwarder::kThreads;
            },
            10s));
        std::lock_guard<std::mutex> lock(m);
        EXPECT_EQ(late_status, 504) << late_body;
        EXPECT_NE(late_body.find("not sent"), std::string::npos) << late_body;
        EXPECT_EQ(timely_status, 200) << "a queued command still in time is sent";
        for (int s : held_answers) {
            EXPECT_EQ(s, 200);
        }
    }
    EXPECT_EQ(owner.requests(), static_cast<int>(cs::cluster::Forwarder::kThreads) + 1)
        << "the expired command never reached the owner";
}

} // namespace

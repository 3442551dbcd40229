#include "ocpp/system/stop_signals.hpp"

#include <poll.h>

#include <csignal>

#include <gtest/gtest.h>

namespace {

using std::chrono::milliseconds;

// raise() runs the handler before it returns, so no test here waits for a signal to arrive.

bool readable(int fd) {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, 0) == 1 && (p.revents & POLLIN) != 0;
}

struct sigaction current(int sig) {
    struct sigaction now {};
    ::sigaction(sig, nullptr, &now);
    return now;
}

extern "C" void marker_handler(int) {}

} // namespace

TEST(StopSignals, CountsEverySignalSinceConstruction) {
    ocpp::StopSignals signals;
    EXPECT_EQ(signals.count(), 0);
    std::raise(SIGINT);
    EXPECT_EQ(signals.count(), 1);
    std::raise(SIGTERM);
    EXPECT_EQ(signals.count(), 2); // a second Ctrl-C is told apart from the first
}

TEST(StopSignals, WaitForReportsEachSignalOnce) {
    ocpp::StopSignals signals;
    EXPECT_FALSE(signals.wait_for(milliseconds(0)));
    std::raise(SIGINT);
    EXPECT_TRUE(signals.wait_for(milliseconds(0)));
    EXPECT_FALSE(signals.wait_for(milliseconds(0)));
    std::raise(SIGINT);
    signals.wait(); // returns at once: the second signal was not reported yet
    EXPECT_EQ(signals.count(), 2);
}

TEST(StopSignals, ItsFdBecomesReadableOnASignalAndWaitDrainsIt) {
    ocpp::StopSignals signals;
    ASSERT_GE(signals.fd(), 0);
    EXPECT_FALSE(readable(signals.fd()));
    std::raise(SIGTERM);
    EXPECT_TRUE(readable(signals.fd()));
    EXPECT_TRUE(signals.wait_for(milliseconds(0)));
    EXPECT_FALSE(readable(signals.fd()));
}

TEST(StopSignals, IgnoresSigpipeAndPutsTheOldHandlersBack) {
    struct sigaction marker {};
    marker.sa_handler = marker_handler;
    sigemptyset(&marker.sa_mask);
    struct sigaction old_int {
    }, old_term{}, old_pipe{};
    ::sigaction(SIGINT, &marker, &old_int);
    ::sigaction(SIGTERM, &marker, &old_term);
    ::sigaction(SIGPIPE, &marker, &old_pipe);
    {
        ocpp::StopSignals signals;
        EXPECT_EQ(current(SIGPIPE).sa_handler, SIG_IGN);
        EXPECT_NE(current(SIGINT).sa_handler, marker_handler);
        EXPECT_NE(current(SIGTERM).sa_handler, marker_handler);
    }
    EXPECT_EQ(current(SIGINT).sa_handler, marker_handler);
    EXPECT_EQ(current(SIGTERM).sa_handler, marker_handler);
    EXPECT_EQ(current(SIGPIPE).sa_handler, marker_handler);
    ::sigaction(SIGINT, &old_int, nullptr);
    ::sigaction(SIGTERM, &old_term, nullptr);
    ::sigaction(SIGPIPE, &old_pipe, nullptr);
}

TEST(StopSignals, AnInnerInstanceHandsThePipeBackWhenItEnds) {
    ocpp::StopSignals outer;
    {
        ocpp::StopSignals inner;
        std::raise(SIGINT);
        EXPECT_EQ(inner.count(), 1);
        EXPECT_TRUE(readable(inner.fd()));
        EXPECT_FALSE(readable(outer.fd()));
    }
    std::raise(SIGINT);
    EXPECT_TRUE(readable(outer.fd()));
    EXPECT_EQ(outer.count(), 2); // the count is the process's since the outer one began
}

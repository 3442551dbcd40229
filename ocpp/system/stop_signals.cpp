#include "ocpp/system/stop_signals.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <climits>

namespace ocpp {

namespace {

// Process-wide only because a signal handler can reach nothing else. Lock-free atomics are async-signal-safe.
std::atomic<int> signal_count{0};
std::atomic<int> signal_pipe_fd{-1};
static_assert(std::atomic<int>::is_always_lock_free, "the handler needs lock-free atomics");

// Async-signal-safe work only: an atomic increment and write(2), with errno kept for the interrupted code.
extern "C" void on_stop_signal(int) {
    const int saved_errno = errno;
    signal_count.fetch_add(1);
    const int fd = signal_pipe_fd.load();
    if (fd >= 0) {
        const char byte = 1;
        [[maybe_unused]] const auto n = ::write(fd, &byte, 1); // a full pipe is fine: the reader is awake anyway
    }
    errno = saved_errno;
}

} // namespace

StopSignals::StopSignals() {
    if (::pipe2(fds_, O_CLOEXEC | O_NONBLOCK) != 0) {
        fds_[0] = fds_[1] = -1;
    }
    base_ = signal_count.load();
    previous_fd_ = signal_pipe_fd.exchange(fds_[1]);
    struct sigaction stop {};
    stop.sa_handler = on_stop_signal;
    sigemptyset(&stop.sa_mask);
    ::sigaction(SIGINT, &stop, &old_int_);
    ::sigaction(SIGTERM, &stop, &old_term_);
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    ::sigaction(SIGPIPE, &ignore, &old_pipe_);
}

StopSignals::~StopSignals() {
    ::sigaction(SIGINT, &old_int_, nullptr);
    ::sigaction(SIGTERM, &old_term_, nullptr);
    ::sigaction(SIGPIPE, &old_pipe_, nullptr);
    signal_pipe_fd = previous_fd_;
    for (int fd : fds_) {
        if (fd >= 0) {
            ::close(fd);
        }
    }
}

int StopSignals::count() const {
    return signal_count.load() - base_;
}

bool StopSignals::wait_for(std::chrono::milliseconds timeout) {
    return wait_ms(static_cast<int>(std::clamp<long long>(timeout.count(), 0, INT_MAX)));
}

void StopSignals::wait() {
    while (!wait_ms(-1)) {
    }
}

bool StopSignals::wait_ms(int timeout_ms) {
    if (count() == seen_) {
        // A signal between the check and poll() still wakes it: its byte is in the pipe. Without a pipe, poll() sleeps
        // until the timeout or until a signal interrupts it.
        pollfd p{fds_[0], POLLIN, 0};
        ::poll(&p, fds_[0] >= 0 ? 1 : 0, timeout_ms);
    }
    char buf[64];
    while (fds_[0] >= 0 && ::read(fds_[0], buf, sizeof buf) > 0) {
    }
    const int now = count();
    const bool arrived = now > seen_;
    seen_ = now;
    return arrived;
}

} // namespace ocpp

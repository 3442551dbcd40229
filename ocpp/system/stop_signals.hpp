#pragma once
// StopSignals: SIGINT and SIGTERM ask the program to stop for as long as one lives. The handler only counts the
// signal and writes a byte to a self-pipe, so the main thread can wait with a timeout and a loop timer can poll the
// count; a second Ctrl-C shows as a count of 2 (e.g. to skip a graceful wait). SIGPIPE is ignored meanwhile: a peer
// closing mid-write is an error value, not a death. One thread waits. Instances may nest (destroyed in reverse
// order); the innermost one's pipe is woken.
#include <chrono>
#include <csignal>

namespace ocpp {

class StopSignals {
public:
    StopSignals();  // installs the handlers, keeping the ones they replace
    ~StopSignals(); // puts the replaced handlers back
    StopSignals(const StopSignals&) = delete;
    StopSignals& operator=(const StopSignals&) = delete;

    // Signals received since construction; one atomic load, cheap enough for a loop timer.
    int count() const;
    // Waits until a signal not yet reported by wait_for/wait arrives or the timeout passes; true when one arrived.
    bool wait_for(std::chrono::milliseconds timeout);
    // Blocks until such a signal arrives.
    void wait();
    // The self-pipe's read end, readable after a signal (for the caller's own poll); -1 if no pipe could be made.
    int fd() const { return fds_[0]; }

private:
    bool wait_ms(int timeout_ms); // poll(2) timeout: -1 waits without end

    int fds_[2] = {-1, -1};
    int previous_fd_ = -1; // the enclosing instance's pipe, restored on destruction
    int base_ = 0;         // the process-wide count at construction
    int seen_ = 0;         // count() as last reported by wait_for
    struct sigaction old_int_ {};
    struct sigaction old_term_ {};
    struct sigaction old_pipe_ {};
};

} // namespace ocpp

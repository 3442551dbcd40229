#pragma once
// A real program started by a test (our binaries, node scripts): its output in files the test can read while it runs,
// stopped by its PID and always reaped. Also what a running process uses of the machine, read from /proc.
#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ocppkit::test {

class ChildProcess {
public:
    // Starts program (an absolute path) with args and stdin on /dev/null. stdout and stderr both go to output_file
    // when one is given (truncated first), else each to a temporary file of its own that goes with the object. env
    // holds NAME=VALUE entries added to (or replacing those of) this process's environment. When the program cannot
    // be started, error() says why and the process counts as exited with 127.
    ChildProcess(const std::string& program, std::vector<std::string> args, const std::string& output_file = "",
                 const std::vector<std::string>& env = {});
    // argv[0] is the program; nullptr with error set when it cannot be started.
    static std::unique_ptr<ChildProcess> spawn(const std::vector<std::string>& argv, std::string& error);
    // stop(): SIGTERM, then SIGKILL; the process is reaped before the object goes.
    ~ChildProcess();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    // The PID it was started with (kept after it exited, so that a late kill never hits -1); -1 when never started.
    pid_t pid() const { return pid_; }
    const std::string& error() const { return error_; }
    // Whether it has not exited yet (reaps it when it has).
    bool running();
    // The exit code (128 + signal when a signal ended it), or nullopt when it still runs after timeout.
    std::optional<int> wait(std::chrono::milliseconds timeout);
    // As wait(), with -1 for "still running".
    int wait_exit(std::chrono::milliseconds timeout);
    // SIGTERM, `grace` to exit, then SIGKILL; returns the exit code.
    int stop(std::chrono::milliseconds grace = std::chrono::seconds(5));
    // SIGKILL and reap; nothing when it has exited already.
    void kill();
    // Waits until stdout holds a complete line starting with prefix; nullopt on timeout or when the process exits.
    std::optional<std::string> wait_for_line(std::string_view prefix, std::chrono::milliseconds timeout);
    // What it wrote so far (with an output file: stdout and stderr together, and stderr_text() is empty).
    std::string stdout_text() const;
    std::string stderr_text() const;

private:
    bool reap(bool block);

    pid_t pid_ = -1;
    std::string out_path_, err_path_;
    bool owns_files_ = false; // temporary files, removed on destruction
    bool exited_ = false;
    int exit_code_ = -1;
    std::string error_;
};

// CPU time (user + system) the process has used, in clock ticks (/proc/PID/stat); -1 when it cannot be read.
long cpu_ticks(pid_t pid);
// The soft limit on open files of a running process ("Max open files" in /proc/PID/limits); -1 when unknown.
long soft_file_limit(pid_t pid);

// A whole file's text; empty when it cannot be read.
std::string file_text(const std::string& path);

} // namespace ocppkit::test

#include "tests/support/child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <thread>

extern char** environ;

namespace ocppkit::test {

namespace {

// A temporary file for a child's output; its path, or "" with error set.
std::string make_temp(std::string& error) {
    std::string templ = "/tmp/ocppkit-child-XXXXXX";
    const int fd = ::mkstemp(templ.data());
    if (fd < 0) {
        error = std::string("mkstemp: ") + std::strerror(errno);
        return {};
    }
    ::close(fd);
    return templ;
}

// This process's environment with `extra` NAME=VALUE entries added or replacing those of the same name.
std::vector<std::string> merged_environment(const std::vector<std::string>& extra) {
    std::vector<std::string> out;
    for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
        const std::string entry(*e);
        const auto name = entry.substr(0, entry.find('=') + 1);
        bool replaced = false;
        for (const auto& x : extra) {
            replaced = replaced || x.compare(0, name.size(), name) == 0;
        }
        if (!replaced) {
            out.push_back(entry);
        }
    }
    out.insert(out.end(), extra.begin(), extra.end());
    return out;
}

} // namespace

ChildProcess::ChildProcess(const std::string& program, std::vector<std::string> args, const std::string& output_file,
                           const std::vector<std::string>& env) {
    if (output_file.empty()) {
        out_path_ = make_temp(error_);
        err_path_ = out_path_.empty() ? std::string() : make_temp(error_);
        owns_files_ = true;
    } else {
        out_path_ = output_file;
    }
    if (out_path_.empty() || (output_file.empty() && err_path_.empty())) {
        exited_ = true;
        exit_code_ = 127;
        return;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (err_path_.empty()) {
        posix_spawn_file_actions_adddup2(&actions, 1, 2);
    } else {
        posix_spawn_file_actions_addopen(&actions, 2, err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    }
    std::vector<char*> argv{const_cast<char*>(program.c_str())};
    for (auto& a : args) {
        argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    std::vector<std::string> environment = env.empty() ? std::vector<std::string>() : merged_environment(env);
    std::vector<char*> envp;
    for (auto& e : environment) {
        envp.push_back(e.data());
    }
    envp.push_back(nullptr);
    const int rc =
        ::posix_spawn(&pid_, program.c_str(), &actions, nullptr, argv.data(), env.empty() ? environ : envp.data());
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
        error_ = "cannot start " + program + ": " + std::strerror(rc);
        pid_ = -1;
        exited_ = true;
        exit_code_ = 127;
    }
}

std::unique_ptr<ChildProcess> ChildProcess::spawn(const std::vector<std::string>& argv, std::string& error) {
    if (argv.empty()) {
        error = "nothing to start";
        return nullptr;
    }
    auto child = std::make_unique<ChildProcess>(argv[0], std::vector<std::string>(argv.begin() + 1, argv.end()));
    if (!child->error().empty()) {
        error = child->error();
        return nullptr;
    }
    return child;
}

ChildProcess::~ChildProcess() {
    stop();
    if (owns_files_) {
        ::unlink(out_path_.c_str());
        ::unlink(err_path_.c_str());
    }
}

bool ChildProcess::reap(bool block) {
    if (exited_) {
        return true;
    }
    int status = 0;
    const pid_t r = ::waitpid(pid_, &status, block ? 0 : WNOHANG);
    if (r == pid_) {
        exited_ = true;
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    } else if (r < 0 && errno != EINTR) {
        exited_ = true; // not our child any more: nothing left to wait for
    }
    return exited_;
}

bool ChildProcess::running() {
    return !reap(false);
}

std::optional<int> ChildProcess::wait(std::chrono::milliseconds timeout) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (!reap(false)) {
        if (std::chrono::steady_clock::now() >= until) {
            return std::nullopt;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return exit_code_;
}

int ChildProcess::wait_exit(std::chrono::milliseconds timeout) {
    return wait(timeout).value_or(-1);
}

int ChildProcess::stop(std::chrono::milliseconds grace) {
    if (!reap(false)) {
        ::kill(pid_, SIGTERM);
        if (!wait(grace)) {
            kill();
        }
    }
    return exit_code_;
}

void ChildProcess::kill() {
    if (!reap(false)) {
        ::kill(pid_, SIGKILL);
        reap(true);
    }
}

std::optional<std::string> ChildProcess::wait_for_line(std::string_view prefix, std::chrono::milliseconds timeout) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        std::istringstream lines(stdout_text());
        for (std::string line; std::getline(lines, line);) {
            if (!lines.eof() && line.compare(0, prefix.size(), prefix) == 0) {
                return line;
            }
        }
        if (reap(false) || std::chrono::steady_clock::now() >= until) {
            return std::nullopt;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

std::string ChildProcess::stdout_text() const {
    return file_text(out_path_);
}

std::string ChildProcess::stderr_text() const {
    return err_path_.empty() ? std::string() : file_text(err_path_);
}

std::string file_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

long cpu_ticks(pid_t pid) {
    const std::string stat = file_text("/proc/" + std::to_string(pid) + "/stat");
    const auto paren = stat.rfind(')');
    if (paren == std::string::npos || paren + 2 > stat.size()) {
        return -1;
    }
    std::istringstream fields(stat.substr(paren + 2));
    std::string field;
    long utime = -1;
    long stime = -1;
    for (int i = 3; i <= 15 && fields >> field; ++i) { // field 3 is the state; 14 is utime, 15 stime
        if (i == 14) {
            utime = std::stol(field);
        } else if (i == 15) {
            stime = std::stol(field);
        }
    }
    return utime < 0 || stime < 0 ? -1 : utime + stime;
}

long soft_file_limit(pid_t pid) {
    std::istringstream in(file_text("/proc/" + std::to_string(pid) + "/limits"));
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("Max open files", 0) == 0) {
            std::istringstream words(line.substr(14));
            long soft = -1;
            words >> soft;
            return soft;
        }
    }
    return -1;
}

} // namespace ocppkit::test

#pragma once
// Runs a program to its end (bounded), for the tests of what a program says and how it exits on bad start-up input;
// and a scratch directory for the files such a test hands it.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "tests/support/child_process.hpp"

namespace ocppkit::test {

struct RunResult {
    int exit_code = -1; // -1: still running after the timeout (then stopped)
    std::string output; // stdout and stderr together
};

inline RunResult run_binary(const std::string& program, const std::vector<std::string>& args,
                            std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    static int counter = 0;
    const std::string out_file =
        "/tmp/ocppkit-run-" + std::to_string(::getpid()) + "-" + std::to_string(++counter) + ".out";
    RunResult r;
    {
        ChildProcess p(program, args, out_file);
        r.exit_code = p.wait_exit(timeout);
    }
    r.output = file_text(out_file);
    std::remove(out_file.c_str());
    return r;
}

// A fresh empty directory under /tmp, removed with the object.
struct ScratchDir {
    std::string path;
    ScratchDir() {
        char name[] = "/tmp/ocppkit-scratch-XXXXXX";
        path = ::mkdtemp(name);
    }
    ~ScratchDir() {
        const std::string cmd = "rm -rf '" + path + "'";
        if (std::system(cmd.c_str()) != 0) {
            std::fprintf(stderr, "could not remove %s\n", path.c_str());
        }
    }
    std::string file(const std::string& name, const std::string& text) const {
        const std::string p = path + "/" + name;
        std::ofstream(p) << text;
        return p;
    }
};

} // namespace ocppkit::test

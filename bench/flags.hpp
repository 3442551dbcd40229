#pragma once
// The command line of the benchmark programs: "--flag value" pairs, every one with a value.
#include <string>

namespace bench {

// Calls on_flag(flag, value) for each pair in order; a flag without a value goes to usage_error, which does not
// return.
template <class UsageError, class OnFlag>
void each_flag(int argc, char** argv, UsageError usage_error, OnFlag on_flag) {
    for (int i = 1; i < argc; ++i) {
        const std::string flag = argv[i];
        if (i + 1 >= argc) {
            usage_error(flag + ": expected a value");
        }
        on_flag(flag, std::string(argv[++i]));
    }
}

} // namespace bench

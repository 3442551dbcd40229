// Replays a fuzz target (built without libFuzzer) on every input it once failed on (fuzz/crashes/<target>/) and on
// its seeds, so a regression is caught by `make test` without clang. Built once per target, with OCPPKIT_FUZZ_TARGET
// naming it, OCPPKIT_FUZZ_SEEDS its seed folders (comma-separated, under the source tree) and OCPPKIT_FUZZ_SUITE the
// test suite's name. A crash or sanitizer report fails the run anyway; these tests also fail when an input is not
// fed whole, when the target rejects one (it returns non-zero), or when a folder moved and nothing is replayed.
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/paths.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

namespace fs = std::filesystem;

// What a folder held and what of it went through the target.
struct Replayed {
    int found = 0; // regular files but README.md
    int fed = 0;   // read whole and answered 0 by the target
};

// The inputs of a folder: every regular file but README.md, in a stable order.
std::vector<fs::path> inputs_of(const fs::path& dir) {
    std::vector<fs::path> out;
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (entry.is_regular_file() && entry.path().filename() != "README.md") {
            out.push_back(entry.path());
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

// Feeds every input of `dir` (relative to the source tree; it must exist) to the target.
Replayed replay_folder(const std::string& dir) {
    Replayed r;
    const fs::path path = fs::path(ocppkit::test::source_dir()) / dir;
    if (!fs::is_directory(path)) {
        return r;
    }
    for (const auto& file : inputs_of(path)) {
        ++r.found;
        std::ifstream in(file, std::ios::binary);
        const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (data.size() != fs::file_size(file)) {
            ADD_FAILURE() << file << ": read " << data.size() << " of " << fs::file_size(file) << " bytes";
            continue;
        }
        const int rc = LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(data.data()), data.size());
        EXPECT_EQ(rc, 0) << file;
        if (rc == 0) {
            ++r.fed;
        }
    }
    return r;
}

} // namespace

TEST(OCPPKIT_FUZZ_SUITE, EverySavedInputRunsCleanly) {
    // The home of the saved inputs must be where fuzz/run.sh writes them; a target's own folder appears with its
    // first crash.
    ASSERT_TRUE(fs::is_directory(fs::path(ocppkit::test::source_dir()) / "fuzz/crashes")) << "fuzz/crashes is missing";
    const std::string dir = std::string("fuzz/crashes/") + OCPPKIT_FUZZ_TARGET;
    const Replayed r = replay_folder(dir);
    EXPECT_EQ(r.fed, r.found) << dir << ": " << r.found << " inputs, " << r.fed << " replayed cleanly";
}

TEST(OCPPKIT_FUZZ_SUITE, EverySeedRunsCleanly) {
    std::stringstream seeds(OCPPKIT_FUZZ_SEEDS);
    int total = 0;
    for (std::string dir; std::getline(seeds, dir, ',');) {
        ASSERT_TRUE(fs::is_directory(fs::path(ocppkit::test::source_dir()) / dir))
            << "seed folder " << dir << " is missing";
        const Replayed r = replay_folder(dir);
        EXPECT_GT(r.found, 0) << "no seeds in " << dir;
        EXPECT_EQ(r.fed, r.found) << dir << ": " << r.found << " seeds, " << r.fed << " replayed cleanly";
        total += r.fed;
    }
    EXPECT_GT(total, 0) << "no seeds found in " << OCPPKIT_FUZZ_SEEDS;
}

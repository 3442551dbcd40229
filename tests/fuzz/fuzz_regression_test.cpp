// Replays a fuzz target (built without libFuzzer) on every input it once failed on (tests/fixtures/fuzz/<target>/)
// and on its seeds, so a regression is caught by `make test` without clang. Built once per target, with
// OCPPKIT_FUZZ_TARGET naming it, OCPPKIT_FUZZ_SEEDS its seed folders (comma-separated, under the source tree) and
// OCPPKIT_FUZZ_SUITE the test suite's name.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

int replay(const std::string& text) {
    return LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
}

// Replays every regular file of `dir` (relative to the source tree) but README.md; returns how many.
int replay_folder(const std::string& dir) {
    const std::filesystem::path path = std::filesystem::path(OCPPKIT_SOURCE_DIR) / dir;
    if (!std::filesystem::is_directory(path)) {
        return 0;
    }
    int n = 0;
    for (const auto& entry : std::filesystem::directory_iterator(path)) {
        if (!entry.is_regular_file() || entry.path().filename() == "README.md") {
            continue;
        }
        std::ifstream in(entry.path(), std::ios::binary);
        std::stringstream s;
        s << in.rdbuf();
        EXPECT_EQ(replay(s.str()), 0) << entry.path();
        ++n;
    }
    return n;
}

} // namespace

TEST(OCPPKIT_FUZZ_SUITE, EverySavedInputRunsCleanly) {
    const int n = replay_folder(std::string("tests/fixtures/fuzz/") + OCPPKIT_FUZZ_TARGET);
    SUCCEED() << n << " saved inputs replayed";
}

TEST(OCPPKIT_FUZZ_SUITE, EverySeedRunsCleanly) {
    std::stringstream seeds(OCPPKIT_FUZZ_SEEDS);
    std::string dir;
    int n = 0;
    while (std::getline(seeds, dir, ',')) {
        n += replay_folder(dir);
    }
    EXPECT_GT(n, 0) << "no seeds found in " << OCPPKIT_FUZZ_SEEDS;
}

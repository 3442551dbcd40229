#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {
int replay(const std::string& text) {
    return LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
}
} // namespace

TEST(FuzzRegression, EverySavedInputRunsCleanly) {
    const std::filesystem::path dir = std::filesystem::path(OCPPKIT_SOURCE_DIR) / "tests/fixtures/fuzz";
    int n = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        if (!entry.is_regular_file() || entry.path().filename() == "README.md") {
            continue;
        }
        std::ifstream in(entry.path(), std::ios::binary);
        std::stringstream s;
        s << in.rdbuf();
        EXPECT_EQ(replay(s.str()), 0) << entry.path();
        ++n;
    }
    SUCCEED() << n << " saved inputs replayed";
}

TEST(FuzzRegression, HostileShapesRunCleanly) {
    std::string deep(100000, '[');
    std::string wide = "[2,\"x\",\"MeterValues\",{\"connectorId\":1,\"meterValue\":[";
    for (int i = 0; i < 5000; ++i) {
        wide += (i ? "," : "") + std::string(R"({"timestamp":"2026-01-01T00:00:00Z","sampledValue":[{"value":"1"}]})");
    }
    wide += "]}]";
    for (const std::string& text : {deep, wide, std::string("[2,\"x\",\"BootNotification\",{\"a\":\"\\ud800\"}]"),
                                    std::string("[3,\"BootNotification\",{\"status\":1e999}]"),
                                    std::string("[2,\"x\",\"Heartbeat\",{}]\0junk", 27)}) {
        EXPECT_EQ(replay(text), 0);
    }
}

// Hostile shapes of frames, replayed through the frames fuzz target without libFuzzer.
#include <cstdint>
#include <string>

#include <gtest/gtest.h>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {
int replay(const std::string& text) {
    return LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
}
} // namespace

TEST(FuzzRegressionFrames, HostileShapesRunCleanly) {
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

// The firmware figures of a fleet: merged over loops, shown in the live line, the summary and the JSON report.
#include <gtest/gtest.h>

#include <rapidjson/document.h>

#include "simulator/fleet/report.hpp"

namespace sim {
namespace {

Stats loop_stats(std::int64_t first_update_ms, std::int64_t last_installed_ms, std::uint64_t installed) {
    Stats s;
    s.firmware.firmware["Downloading"] = installed + 1;
    s.firmware.firmware["Installed"] = installed;
    s.firmware.firmware["DownloadFailed"] = 1;
    s.firmware.diagnostics["Uploaded"] = 2;
    s.firmware.first_update_ms = first_update_ms;
    s.firmware.last_installed_ms = last_installed_ms;
    return s;
}

TEST(FirmwareStats, MergeAddsCountsAndSpansFromTheEarliestUpdateToTheLatestInstall) {
    Stats merged;
    EXPECT_LT(merged.firmware.rollout_s(), 0); // nothing yet
    merged.merge(loop_stats(10'000, 50'000, 400));
    merged.merge(loop_stats(8'000, 42'500, 600));
    merged.merge(Stats{}); // a loop without firmware work changes nothing
    EXPECT_EQ(merged.firmware.firmware["Installed"], 1000u);
    EXPECT_EQ(merged.firmware.firmware["DownloadFailed"], 2u);
    EXPECT_EQ(merged.firmware.diagnostics["Uploaded"], 4u);
    EXPECT_EQ(merged.firmware.first_update_ms, 8'000);
    EXPECT_EQ(merged.firmware.last_installed_ms, 50'000);
    EXPECT_DOUBLE_EQ(merged.firmware.rollout_s(), 42.0);
}

TEST(FirmwareStats, NoInstalledYetMeansNoRolloutTime) {
    Stats s;
    s.firmware.first_update_ms = 1000;
    s.firmware.firmware["Downloading"] = 3;
    EXPECT_LT(s.firmware.rollout_s(), 0);
    const std::string line = status_line(s, 3, 0);
    EXPECT_NE(line.find("firmware Downloading 3"), std::string::npos) << line;
    EXPECT_EQ(line.find("roll-out"), std::string::npos) << line;
}

TEST(FirmwareStats, LiveLineSummaryAndJsonShowEveryStatusAndTheRollout) {
    RunSummary run;
    run.chargers = 1000;
    run.stats.merge(loop_stats(8'000, 50'000, 999));
    const std::string line = status_line(run.stats, 1000, 0);
    EXPECT_NE(line.find("  firmware DownloadFailed 1 Downloading 1,000 Installed 999 (roll-out 42.0 s)"),
              std::string::npos)
        << line;
    EXPECT_NE(line.find("diagnostics Uploaded 2"), std::string::npos) << line;
    const std::string table = summary_table(run);
    EXPECT_NE(table.find("\nfirmware DownloadFailed 1 Downloading 1,000 Installed 999 (roll-out 42.0 s)"),
              std::string::npos)
        << table;

    rapidjson::Document doc;
    const std::string text = report_json(run, Options{}, {});
    ASSERT_FALSE(doc.Parse(text.c_str()).HasParseError()) << text;
    const auto& fw = doc["firmware"];
    EXPECT_EQ(fw["statuses"]["Installed"].GetUint64(), 999u);
    EXPECT_EQ(fw["statuses"]["DownloadFailed"].GetUint64(), 1u);
    EXPECT_EQ(fw["diagnostics"]["Uploaded"].GetUint64(), 2u);
    EXPECT_DOUBLE_EQ(fw["rollout_s"].GetDouble(), 42.0);

    RunSummary quiet;
    const std::string plain = report_json(quiet, Options{}, {});
    ASSERT_FALSE(doc.Parse(plain.c_str()).HasParseError());
    EXPECT_TRUE(doc["firmware"]["rollout_s"].IsNull());
    EXPECT_EQ(status_line(quiet.stats, 0, 0).find("firmware"), std::string::npos);
}

} // namespace
} // namespace sim

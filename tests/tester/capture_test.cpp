#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "tester/capture/capture.hpp"

using namespace tester;
namespace fs = std::filesystem;

namespace {

std::vector<CapturedFrame> frames() {
    const auto t0 = ocpp::DateTime::from_unix_ms(1767225600000);
    return {
        {t0, true, R"([2,"1","BootNotification",{"chargePointVendor":"KEBA","chargePointModel":"P30"}])"},
        {ocpp::DateTime::from_unix_ms(1767225600042), false, R"([3,"1",{"status":"Accepted","interval":30}])"},
        {ocpp::DateTime::from_unix_ms(1767225601000), true, "not json </script> ]]>\n\"x\""},
        {ocpp::DateTime::from_unix_ms(1767225602000), true,
         R"([3,"g1",{"configurationKey":[{"key":"AuthorizationKey","readonly":false,"value":"hunter2"},)"
         R"({"key":"HeartbeatInterval","readonly":false,"value":"30"}]}])"},
        {ocpp::DateTime::from_unix_ms(1767225603000), false,
         R"([2,"c1","ChangeConfiguration",{"key":"AuthorizationKey","value":"hunter2"}])"},
        {ocpp::DateTime::from_unix_ms(1767225604000), true, "[2,\"x\",\"Heartbeat\",{\"bad\":\"\xFF\"}]"},
    };
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        lines.push_back(line);
    }
    return lines;
}

} // namespace

TEST(Capture, OneJsonObjectPerFrame) {
    const std::string text = to_jsonl(frames());
    ASSERT_FALSE(text.empty());
    EXPECT_EQ(text.back(), '\n');
    const auto lines = lines_of(text);
    ASSERT_EQ(lines.size(), 6u);
    EXPECT_EQ(lines[0], R"({"at":"2026-01-01T00:00:00.000Z","dir":"cp->cs","frame":[2,"1","BootNotification",)"
                        R"({"chargePointVendor":"KEBA","chargePointModel":"P30"}]})");
    EXPECT_EQ(lines[1], R"({"at":"2026-01-01T00:00:00.042Z","dir":"cs->cp","frame":[3,"1",)"
                        R"({"status":"Accepted","interval":30}]})");
    for (const auto& line : lines) {
        rapidjson::Document doc;
        doc.Parse<rapidjson::kParseValidateEncodingFlag>(line.c_str());
        ASSERT_FALSE(doc.HasParseError()) << line;
        EXPECT_TRUE(doc.HasMember("frame") != doc.HasMember("raw")) << line;
    }
    rapidjson::Document raw;
    raw.Parse(lines[2].c_str());
    EXPECT_STREQ(raw["raw"].GetString(), "not json </script> ]]>\n\"x\"");
    rapidjson::Document broken;
    broken.Parse(lines[5].c_str());
    EXPECT_TRUE(broken.HasMember("raw")); // invalid UTF-8 inside JSON is kept as sanitised raw text
}

TEST(Capture, SecretsAreBlanked) {
    const std::string text = to_jsonl(frames());
    EXPECT_EQ(text.find("hunter2"), std::string::npos);
    EXPECT_NE(text.find(R"({"key":"AuthorizationKey","readonly":false,"value":"***"})"), std::string::npos);
    EXPECT_NE(text.find(R"({"key":"HeartbeatInterval","readonly":false,"value":"30"})"), std::string::npos);
    EXPECT_NE(text.find(R"("ChangeConfiguration",{"key":"AuthorizationKey","value":"***"})"), std::string::npos);
}

TEST(Capture, ReadsBack) {
    const auto original = frames();
    auto back = from_jsonl(to_jsonl(original));
    ASSERT_TRUE(back) << back.error().message;
    ASSERT_EQ(back->size(), original.size());
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_EQ((*back)[i].at, original[i].at);
        EXPECT_EQ((*back)[i].from_charger, original[i].from_charger);
        EXPECT_EQ((*back)[i].text, original[i].text);
    }
    auto bad = from_jsonl("{\"at\":\"2026-01-01T00:00:00Z\",\"dir\":\"cp->cs\",\"frame\":[]}\n{\"dir\":\"up\"}\n");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("line 2"), std::string::npos);
}

TEST(Capture, WriteFileIsAtomicAndNamesThePath) {
    const fs::path dir = fs::temp_directory_path() / "ocppkit-capture-test";
    fs::remove_all(dir);
    fs::create_directories(dir);
    const std::string path = (dir / "capture.jsonl").string();
    ASSERT_TRUE(write_file(path, "first\n"));
    ASSERT_TRUE(write_file(path, "second\n"));
    std::ifstream in(path);
    std::stringstream content;
    content << in.rdbuf();
    EXPECT_EQ(content.str(), "second\n");
    EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1); // no temp file left

    const std::string missing = (dir / "no-such-dir" / "x.jsonl").string();
    auto failed = write_file(missing, "x");
    ASSERT_FALSE(failed);
    EXPECT_NE(failed.error().message.find(missing), std::string::npos);
    fs::remove_all(dir);
}

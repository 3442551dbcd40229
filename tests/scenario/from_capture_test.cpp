// A tester capture turned into a scenario: the charger's frames replayed, the central system's answers expected by
// shape, transaction ids captured, the central system's calls answered as the charger did.
#include <gtest/gtest.h>

#include "simulator/scenario/from_capture.hpp"
#include "simulator/scenario/parse.hpp"

namespace {

const char* const kCapture =
    R"({"at":"2026-11-25T21:59:56.275Z","dir":"cp->cs","frame":[2,"a-1","BootNotification",{"chargePointVendor":"V","chargePointModel":"M"}]}
{"at":"2026-11-25T21:59:56.280Z","dir":"cs->cp","frame":[3,"a-1",{"currentTime":"2026-11-25T21:59:56.275Z","interval":5,"status":"Accepted"}]}
{"at":"2026-11-25T21:59:56.300Z","dir":"cs->cp","frame":[2,"s-1","GetConfiguration",{"key":["HeartbeatInterval"]}]}
{"at":"2026-11-25T21:59:56.310Z","dir":"cp->cs","frame":[3,"s-1",{"configurationKey":[{"key":"HeartbeatInterval","readonly":false,"value":"5"}]}]}
{"at":"2026-11-25T21:59:58.000Z","dir":"cp->cs","frame":[2,"a-2","StartTransaction",{"connectorId":1,"idTag":"T","meterStart":0,"timestamp":"2026-11-25T21:59:58.000Z"}]}
{"at":"2026-11-25T21:59:58.010Z","dir":"cs->cp","frame":[3,"a-2",{"idTagInfo":{"status":"Accepted"},"transactionId":77}]}
{"at":"2026-11-25T21:59:58.500Z","dir":"cp->cs","frame":[2,"a-3","StopTransaction",{"transactionId":77,"meterStop":10,"timestamp":"2026-11-25T21:59:58.500Z"}]}
{"at":"2026-11-25T21:59:58.510Z","dir":"cs->cp","frame":[4,"a-3","InternalError","db down",{}]}
{"at":"2026-11-25T21:59:58.600Z","dir":"cp->cs","raw":"not json at all"}
)";

TEST(FromCapture, ReplaysTheChargerAndExpectsTheShapeOfTheAnswers) {
    auto yaml = scen::scenario_from_capture(kCapture, "cb.capture.jsonl", {"replay", "CB-{index}"});
    ASSERT_TRUE(yaml) << yaml.error().message;
    const std::string& y = *yaml;
    EXPECT_NE(
        y.find("  - send: BootNotification\n    payload: {\"chargePointVendor\":\"V\",\"chargePointModel\":\"M\"}"),
        std::string::npos)
        << y;
    EXPECT_NE(y.find("\"currentTime\": {exists: true}"), std::string::npos) << y;
    EXPECT_NE(y.find("\"interval\": {equals: 5}"), std::string::npos) << y;
    EXPECT_NE(y.find("\"status\": {equals: \"Accepted\"}"), std::string::npos) << y;
    EXPECT_NE(y.find("  - expect_call: GetConfiguration"), std::string::npos) << y;
    EXPECT_NE(y.find("    reply: {\"configurationKey\":"), std::string::npos) << y;
    EXPECT_NE(y.find("  - wait: 1.7\n  - send: StartTransaction"), std::string::npos) << y;
    EXPECT_NE(y.find("\"transactionId\": {exists: true}"), std::string::npos) << y;
    EXPECT_NE(y.find("capture: {tx1: transactionId}"), std::string::npos) << y;
    EXPECT_NE(y.find("{\"transactionId\":\"${tx1}\",\"meterStop\":10"), std::string::npos) << y;
    EXPECT_NE(y.find("      error: InternalError"), std::string::npos) << y;
    EXPECT_NE(y.find("  - fault: raw\n    text: \"not json at all\""), std::string::npos) << y;
    // What it writes is a scenario the runner reads.
    auto parsed = scen::parse_scenario(y, "generated.yaml");
    ASSERT_TRUE(parsed) << parsed.error().message << "\n" << y;
    EXPECT_EQ(parsed->name, "replay");
    EXPECT_EQ(scen::charger_id(parsed->id_pattern, 1), "CB-1");
}

TEST(FromCapture, BadLinesAreNamed) {
    auto r = scen::scenario_from_capture("{\"dir\":\"cp->cs\",\"raw\":\"x\"}\nnot json\n", "c.jsonl", {"x"});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "c.jsonl:2: not a capture record (expected one JSON object per line)");
    r = scen::scenario_from_capture("{\"dir\":\"up\",\"raw\":\"x\"}\n", "c.jsonl", {"x"});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "c.jsonl:1: dir: expected \"cp->cs\" or \"cs->cp\"");
    r = scen::scenario_from_capture("\n", "c.jsonl", {"x"});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "c.jsonl: no frames in the capture");
}

} // namespace

// Local authorization lists from the real ocpp-centralsystem: a simulated charger gets the whole list when it boots,
// then a Differential update after each id-tag change, and shows in sync at the list's version; a charger answering a
// Differential update with VersionMismatch gets the whole list again; a list longer than the charger's
// SendLocalListMaxLength goes in pieces, one longer than its LocalAuthListMaxLength is not sent and says why; id-tag
// edits sync the chargers once after they gathered, only when the list changed, and not those without lists; a listed
// tag starts a session while the central system is away (LocalAuthorizeOffline) and an unlisted one does not, and the
// session is stored once it is back; every bad input of the resync endpoint is a 4xx naming the field.
#include <algorithm>
#include <fstream>
#include <thread>

#include "ocpp/text/datetime.hpp"

#include "tests/centralsystem/controlled_charger.hpp"
#include "tests/centralsystem/cs_binary.hpp"

namespace {

using namespace cs::test;

class LocalLists : public CentralSystemBinary {
protected:
    void TearDown() override {
        sim_.reset();
        CentralSystemBinary::TearDown();
    }
    void tag(const std::string& id, const std::string& status = "Accepted") {
        ASSERT_EQ(
            api("POST", "/api/v1/idtags", R"({"idTag":")" + id + R"(","status":")" + status + R"("})").status / 100, 2);
    }
    // An operational charger LLS000001 run by the simulator (with `model` as its model file when given).
    void start_charger(const std::string& model = "", std::vector<std::string> extra = {}) {
        create_charger("LLS000001", "lls-password");
        commission_charger("LLS000001");
        std::vector<std::string> args{"run",        "--url",      "ws://127.0.0.1:" + std::to_string(port_) + "/ocpp",
                                      "--chargers", "1",          "--id-prefix",
                                      "LLS",        "--password", "lls-password",
                                      "--duration", "120",        "--heartbeat-interval",
                                      "2"};
        if (!model.empty()) {
            std::ofstream(base_ + ".model.yaml") << model;
            args.push_back("--model");
            args.push_back(base_ + ".model.yaml");
        }
        args.insert(args.end(), extra.begin(), extra.end());
        if (std::find(extra.begin(), extra.end(), "--sessions-per-hour") == extra.end()) {
            args.push_back("--sessions-per-hour");
            args.push_back("0");
        }
        sim_ = std::make_unique<ChildProcess>(kBin + "/ocpp-simulator", args, base_ + ".sim.log");
    }
    // The state of one charger in the default group, and the group's version.
    struct State {
        std::int64_t group_version = 0, version = -1;
        bool in_sync = false;
        std::string result, detail;
    };
    State state(const std::string& id) {
        State s;
        const auto d = parse_json(api("GET", "/api/v1/local-lists").body);
        if (!d.IsObject() || !d.HasMember("groups")) {
            return s;
        }
        const auto& g = d["groups"][0];
        s.group_version = g["version"].GetInt64();
        for (const auto& c : g["chargers"].GetArray()) {
            if (c["chargeBoxId"].GetString() == id) {
                s.version = c["version"].GetInt64();
                s.in_sync = c["inSync"].GetBool();
                s.result = c["result"].GetString();
                s.detail = c["detail"].GetString();
            }
        }
        return s;
    }
    std::string charger_list_version(const std::string& id) {
        const auto r = api("POST", "/api/v1/chargers/" + id + "/commands/GetLocalListVersion", "{}");
        return r.body;
    }
    std::unique_ptr<ChildProcess> sim_;
};

TEST_F(LocalLists, AChargerGetsTheFullListThenDifferentialUpdates) {
    tag("LL-A");
    tag("LL-B");
    start_charger();
    State s;
    ASSERT_TRUE(wait_until(
        [&] {
            s = state("LLS000001");
            return s.in_sync && s.detail.find("Full update") != std::string::npos;
        },
        20s))
        << s.result << " " << s.detail << file_text(base_ + ".sim.log");
    EXPECT_EQ(s.version, s.group_version);
    EXPECT_NE(s.detail.find("3 id tags"), std::string::npos) << s.detail; // SIM-TAG-1, LL-A, LL-B
    const std::int64_t full_version = s.version;

    // A new tag: one Differential update with it, at the next version.
    tag("LL-C");
    ASSERT_TRUE(wait_until(
        [&] {
            s = state("LLS000001");
            return s.in_sync && s.version == full_version + 1;
        },
        15s))
        << s.result << " " << s.detail;
    EXPECT_NE(s.detail.find("Differential update to version " + std::to_string(full_version + 1) + " with 1 id tags"),
              std::string::npos)
        << s.detail;
    // A blocked tag: another Differential update; the charger holds that version.
    tag("LL-A", "Blocked");
    ASSERT_TRUE(wait_until(
        [&] {
            s = state("LLS000001");
            return s.in_sync && s.version == full_version + 2;
        },
        15s))
        << s.result << " " << s.detail;
    EXPECT_NE(s.detail.find("Differential"), std::string::npos) << s.detail;
    EXPECT_NE(charger_list_version("LLS000001").find("\"listVersion\":" + std::to_string(full_version + 2)),
              std::string::npos);
    // The same values again change nothing.
    tag("LL-A", "Blocked");
    EXPECT_EQ(state("LLS000001").group_version, full_version + 2);

    // A full resync on request.
    const auto resync = api("POST", "/api/v1/local-lists/default/sync", R"({"chargeBoxId":"LLS000001","full":true})");
    ASSERT_EQ(resync.status, 202) << resync.body;
    EXPECT_TRUE(wait_until(
        [&] {
            s = state("LLS000001");
            return s.in_sync && s.detail.find("Full update to version " + std::to_string(full_version + 2) +
                                              " with 4") != std::string::npos;
        },
        15s))
        << s.detail;
}

TEST_F(LocalLists, AVersionMismatchGetsTheWholeListAgain) {
    restart({"--call-timeout", "3"});
    create_charger("LLCTRL0001", "ctrl-password");
    commission_charger("LLCTRL0001");
    ControlledCharger c(port_, "LLCTRL0001", "ctrl-password");
    c.answer("GetConfiguration", {ControlledCharger::Answer::Result, R"({"configurationKey":[]})", ""});
    c.answer("GetLocalListVersion", {ControlledCharger::Answer::Result, R"({"listVersion":0})", ""});
    c.answer("SendLocalList", {ControlledCharger::Answer::Result, R"({"status":"Accepted"})", ""});
    ASSERT_TRUE(c.start()) << c.error();
    State s;
    ASSERT_TRUE(wait_until(
        [&] {
            s = state("LLCTRL0001");
            return s.in_sync;
        },
        15s))
        << s.detail;
    EXPECT_NE(c.last_payload("SendLocalList").find("\"updateType\":\"Full\""), std::string::npos);
    // The charger says it holds that version, but refuses the next Differential update.
    c.answer("GetLocalListVersion",
             {ControlledCharger::Answer::Result, R"({"listVersion":)" + std::to_string(s.version) + "}", ""});
    c.answer("SendLocalList", {ControlledCharger::Answer::Result, R"({"status":"VersionMismatch"})", ""});
    const int before = c.calls("SendLocalList");
    tag("LL-NEW");
    ASSERT_TRUE(wait_until([&] { return c.calls("SendLocalList") == before + 2; }, 15s));
    EXPECT_NE(c.last_payload("SendLocalList").find("\"updateType\":\"Full\""), std::string::npos)
        << c.last_payload("SendLocalList");
    EXPECT_TRUE(wait_until(
        [&] {
            s = state("LLCTRL0001");
            return s.result == "VersionMismatch";
        },
        10s));
    EXPECT_NE(s.detail.find("Differential update to version"), std::string::npos) << s.detail;
    EXPECT_NE(s.detail.find("answered VersionMismatch; Full update"), std::string::npos) << s.detail;
    EXPECT_FALSE(s.in_sync);
}

TEST_F(LocalLists, AListLongerThanOneSendLocalListGoesInPieces) {
    tag("LL-A");
    tag("LL-B");
    tag("LL-C");
    start_charger("config:\n  SendLocalListMaxLength: \"2\"\n");
    State s;
    ASSERT_TRUE(wait_until(
        [&] {
            s = state("LLS000001");
            return s.in_sync;
        },
        20s))
        << s.result << " " << s.detail << file_text(base_ + ".sim.log");
    // SIM-TAG-1 and three more: a Full update with two, then a Differential update with two at the list's version.
    EXPECT_EQ(s.version, s.group_version);
    EXPECT_NE(s.detail.find("Differential update to version " + std::to_string(s.group_version) +
                            " with 2 id tags (piece 2 of 2"),
              std::string::npos)
        << s.detail;
    EXPECT_NE(charger_list_version("LLS000001").find("\"listVersion\":" + std::to_string(s.group_version)),
              std::string::npos);
}

TEST_F(LocalLists, AListLongerThanTheChargerKeepsIsNotSentAndSaysWhy) {
    tag("LL-A");
    tag("LL-B");
    start_charger("config:\n  LocalAuthListMaxLength: \"2\"\n");
    State s;
    ASSERT_TRUE(wait_until(
        [&] {
            s = state("LLS000001");
            return s.result == "tooLong";
        },
        20s))
        << s.result << " " << s.detail;
    EXPECT_NE(s.detail.find("LocalAuthListMaxLength"), std::string::npos) << s.detail;
    EXPECT_FALSE(s.in_sync);
}

TEST_F(LocalLists, IdTagEditsSyncOnceWhenTheListChangedAndSkipChargersWithoutLists) {
    create_charger("LLCTRL0002", "ctrl-password");
    commission_charger("LLCTRL0002");
    create_charger("LLCTRL0003", "ctrl-password");
    commission_charger("LLCTRL0003");
    ControlledCharger c(port_, "LLCTRL0002", "ctrl-password");
    c.answer("GetConfiguration", {ControlledCharger::Answer::Result, R"({"configurationKey":[]})", ""});
    c.answer("GetLocalListVersion", {ControlledCharger::Answer::Result, R"({"listVersion":0})", ""});
    c.answer("SendLocalList", {ControlledCharger::Answer::Result, R"({"status":"Accepted"})", ""});
    ControlledCharger off(port_, "LLCTRL0003", "ctrl-password");
    off.answer("GetConfiguration",
               {ControlledCharger::Answer::Result,
                R"({"configurationKey":[{"key":"LocalAuthListEnabled","readonly":false,"value":"false"}]})", ""});
    ASSERT_TRUE(c.start()) << c.error();
    ASSERT_TRUE(off.start()) << off.error();
    ASSERT_TRUE(
        wait_until([&] { return state("LLCTRL0002").in_sync && state("LLCTRL0003").result == "disabled"; }, 15s))
        << state("LLCTRL0002").detail << " / " << state("LLCTRL0003").detail;
    const int sends = c.calls("SendLocalList");
    const int asked = off.calls("GetConfiguration");
    // Three edits in a row: one sync after they gathered, not one per edit.
    tag("LL-1");
    tag("LL-2");
    tag("LL-3");
    ASSERT_TRUE(wait_until([&] { return c.calls("SendLocalList") > sends; }, 10s));
    std::this_thread::sleep_for(5s);
    EXPECT_EQ(c.calls("SendLocalList"), sends + 1);
    // The same values again: the list did not change, nobody is asked.
    const int configs = c.calls("GetConfiguration");
    tag("LL-1");
    std::this_thread::sleep_for(5s);
    EXPECT_EQ(c.calls("GetConfiguration"), configs);
    // The charger whose list is disabled was not asked at any edit; a request asks it again.
    EXPECT_EQ(off.calls("GetConfiguration"), asked);
    ASSERT_EQ(api("POST", "/api/v1/local-lists/default/sync", R"({"chargeBoxId":"LLCTRL0003"})").status, 202);
    EXPECT_TRUE(wait_until([&] { return off.calls("GetConfiguration") == asked + 1; }, 10s));
}

TEST_F(LocalLists, AListedTagChargesWhileTheCentralSystemIsAwayAndAnUnlistedOneDoesNot) {
    tag("LL-A");
    create_charger("LLU000001", "llu-password");
    commission_charger("LLU000001");
    const std::string model = "config:\n  LocalAuthorizeOffline: \"true\"\n";
    const std::vector<std::string> busy{
        "--connectors",     "1", "--sessions-per-hour", "2400", "--session-minutes", "0.04,0.05,0.06",
        "--meter-interval", "5"};
    std::vector<std::string> listed = busy, unlisted = busy;
    listed.insert(listed.end(), {"--id-tags", "LL-A"});
    start_charger(model, listed);
    unlisted.insert(unlisted.end(), {"--id-tags", "LL-Z", "--model", base_ + ".model.yaml"});
    std::vector<std::string> args{"run",        "--url",      "ws://127.0.0.1:" + std::to_string(port_) + "/ocpp",
                                  "--chargers", "1",          "--id-prefix",
                                  "LLU",        "--password", "llu-password",
                                  "--duration", "120"};
    args.insert(args.end(), unlisted.begin(), unlisted.end());
    ChildProcess other(kBin + "/ocpp-simulator", args, base_ + ".sim2.log");
    ASSERT_TRUE(wait_until([&] { return state("LLS000001").in_sync && state("LLU000001").in_sync; }, 20s))
        << state("LLS000001").detail << " / " << state("LLU000001").detail;

    // The central system goes away for a while, then comes back on the same address and database.
    cs_.reset();
    const auto away = std::chrono::system_clock::now();
    std::this_thread::sleep_for(12s);
    const auto back = std::chrono::system_clock::now();
    cs_ = std::make_unique<ChildProcess>(kBin + "/ocpp-centralsystem",
                                         std::vector<std::string>{"--listen", "127.0.0.1:" + std::to_string(port_),
                                                                  "--db", "sqlite:" + db_, "--api-token", kToken,
                                                                  "--heartbeat-interval", "2"},
                                         base_ + ".cs.log");
    ASSERT_TRUE(wait_until([&] { return ocppkit::test::http(port_, "GET", "/healthz").status == 200; }, 10s));
    // A session of the listed tag started while it was away, replayed once the charger reconnected.
    auto started_away = [&] {
        const auto tx = transactions("LLS000001");
        for (const auto& t : tx["transactions"].GetArray()) {
            const auto at = ocpp::parse_datetime(t["startTimestamp"].GetString());
            if (at && at->time >= away && at->time <= back && std::string(t["idTag"].GetString()) == "LL-A") {
                return true;
            }
        }
        return false;
    };
    EXPECT_TRUE(wait_until(started_away, 60s)) << file_text(base_ + ".sim.log");
    // The unlisted tag never charged, online or away.
    EXPECT_EQ(transactions("LLU000001")["transactions"].Size(), 0u);
    std::remove((base_ + ".sim2.log").c_str());
}

TEST_F(LocalLists, EveryBadResyncInputIsA4xxNamingTheField) {
    create_charger("LLOFF00001", "off-password");
    const std::vector<std::tuple<std::string, std::string, int, std::string>> cases{
        {"/api/v1/local-lists/nosuch/sync", "{}", 404, "group"},
        {"/api/v1/local-lists/default/sync", R"({"chargeBoxId":"bad id!"})", 422, "chargeBoxId"},
        {"/api/v1/local-lists/default/sync", R"({"chargeBoxId":5})", 422, "chargeBoxId"},
        {"/api/v1/local-lists/default/sync", R"({"chargeBoxId":"NOSUCH0001"})", 422, "chargeBoxId"},
        {"/api/v1/local-lists/default/sync", R"({"chargeBoxId":"LLOFF00001"})", 409, "chargeBoxId"},
        {"/api/v1/local-lists/default/sync", R"({"full":"yes"})", 422, "full"},
        {"/api/v1/local-lists/default/sync", R"({"other":1})", 422, "other"},
    };
    for (const auto& [path, body, status, field] : cases) {
        const auto r = api("POST", path, body);
        EXPECT_EQ(r.status, status) << path << " " << body << " -> " << r.body;
        EXPECT_NE(r.body.find("\"field\":\"" + field + "\""), std::string::npos) << body << " -> " << r.body;
    }
    EXPECT_EQ(api("POST", "/api/v1/local-lists/default/sync", "{").status, 400);
    EXPECT_EQ(api("POST", "/api/v1/local-lists/default/sync", "").status, 202);
    const auto s = state("LLOFF00001");
    EXPECT_EQ(s.version, -1);
    EXPECT_EQ(s.result, "");
}

} // namespace

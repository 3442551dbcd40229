// Local-list groups from the real ocpp-centralsystem with ocpp-simulator chargers: two groups whose lists differ (a
// tag in one only) let that tag charge offline at the charger of that group and not at the other; assigning and
// taking back a tag syncs that group's chargers only, as Differential updates; a charger moved to another group gets
// that group's whole list; renaming a group keeps its chargers in sync, deleting it sends them back to default.
#include <fstream>
#include <thread>

#include "ocpp/text/datetime.hpp"

#include "tests/centralsystem/cs_binary.hpp"

namespace {

using namespace cs::test;

class ListGroups : public CentralSystemBinary {
protected:
    void TearDown() override {
        sims_.clear();
        CentralSystemBinary::TearDown();
    }
    // An operational charger <prefix>000001 run by the simulator with LocalAuthorizeOffline, using `tag`.
    // (Created with create_charger() first.)
    void run_charger(const std::string& prefix, const std::string& tag, bool sessions) {
        commission_charger(prefix + "000001");
        std::ofstream(base_ + ".model.yaml") << "config:\n  LocalAuthorizeOffline: \"true\"\n";
        std::vector<std::string> args{"run",
                                      "--url",
                                      "ws://127.0.0.1:" + std::to_string(port_) + "/ocpp",
                                      "--chargers",
                                      "1",
                                      "--connectors",
                                      "1",
                                      "--id-prefix",
                                      prefix,
                                      "--password",
                                      "grp-password",
                                      "--duration",
                                      "120",
                                      "--heartbeat-interval",
                                      "2",
                                      "--model",
                                      base_ + ".model.yaml",
                                      "--id-tags",
                                      tag,
                                      "--sessions-per-hour",
                                      sessions ? "2400" : "0",
                                      "--session-minutes",
                                      "0.04,0.05,0.06",
                                      "--meter-interval",
                                      "5"};
        sims_.push_back(
            std::make_unique<ChildProcess>(kBin + "/ocpp-simulator", args, base_ + "." + prefix + ".sim.log"));
    }
    // One charger's row in GET /api/v1/local-lists, with the version of the group it is listed under.
    struct Row {
        std::string group, version_of, result, detail, at;
        std::int64_t version = -1, group_version = 0;
        bool in_sync = false;
    };
    Row row(const std::string& id) {
        Row out;
        const auto d = parse_json(api("GET", "/api/v1/local-lists").body);
        if (!d.IsObject() || !d.HasMember("groups")) {
            return out;
        }
        for (const auto& g : d["groups"].GetArray()) {
            for (const auto& c : g["chargers"].GetArray()) {
                if (c["chargeBoxId"].GetString() == id) {
                    out.group = g["name"].GetString();
                    out.group_version = g["version"].GetInt64();
                    out.version = c["version"].GetInt64();
                    out.version_of = c["versionOf"].GetString();
                    out.in_sync = c["inSync"].GetBool();
                    out.result = c["result"].GetString();
                    out.detail = c["detail"].GetString();
                    out.at = c["at"].IsString() ? c["at"].GetString() : "";
                }
            }
        }
        return out;
    }
    bool synced_with(const std::string& id, const std::string& group, const std::string& words, Row& r) {
        r = row(id);
        return r.group == group && r.in_sync && r.version_of == group && r.detail.find(words) != std::string::npos;
    }
    void make_group(const std::string& body) {
        const auto r = api("POST", "/api/v1/local-lists", body);
        ASSERT_EQ(r.status, 201) << r.body;
    }
    void place(const std::string& group, const std::string& id) {
        const auto r = api("POST", "/api/v1/local-lists/" + group + "/chargers", R"({"chargeBoxIds":[")" + id + "\"]}");
        ASSERT_EQ(r.status, 200) << r.body;
    }
    void assign(const std::string& group, const std::string& members) {
        const auto r = api("POST", "/api/v1/local-lists/" + group + "/idtags", members);
        ASSERT_EQ(r.status, 200) << r.body;
    }
    std::vector<std::unique_ptr<ChildProcess>> sims_;
};

TEST_F(ListGroups, ATagInOneGroupsListChargesOfflineThereAndNotAtTheOtherGroup) {
    ASSERT_EQ(api("POST", "/api/v1/idtags", R"({"idTag":"GR-FLEET","status":"Accepted"})").status, 201);
    make_group(R"({"name":"depot","description":"fleet chargers","idTags":"assigned"})");
    make_group(R"({"name":"public","idTags":"assigned"})");
    assign("depot", R"({"add":["GR-FLEET"]})");
    create_charger("GRD000001", "grp-password");
    create_charger("GRP000001", "grp-password");
    place("depot", "GRD000001");
    place("public", "GRP000001");
    run_charger("GRD", "GR-FLEET", true);
    run_charger("GRP", "GR-FLEET", true);
    Row d, p;
    ASSERT_TRUE(wait_until(
        [&] {
            return synced_with("GRD000001", "depot", "with 1 id tags", d) &&
                   synced_with("GRP000001", "public", "with 0 id tags", p);
        },
        30s))
        << d.group << " " << d.detail << " / " << p.group << " " << p.detail;

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
    const auto started_away = [&](const std::string& id) {
        const auto tx = transactions(id);
        for (const auto& t : tx["transactions"].GetArray()) {
            const auto at = ocpp::parse_datetime(t["startTimestamp"].GetString());
            if (at && at->time >= away && at->time <= back) {
                return true;
            }
        }
        return false;
    };
    // The depot charger (its list holds GR-FLEET) charged while the central system was away; the public one (its
    // list is empty, no cache, no unknown tags offline) did not, though it charged with the same tag online.
    EXPECT_TRUE(wait_until([&] { return started_away("GRD000001"); }, 60s)) << file_text(base_ + ".GRD.sim.log");
    EXPECT_TRUE(wait_until([&] { return transactions("GRP000001")["transactions"].Size() > 0; }, 30s));
    EXPECT_FALSE(started_away("GRP000001"));
    for (const char* prefix : {"GRD", "GRP"}) {
        std::remove((base_ + "." + prefix + ".sim.log").c_str());
    }
}

TEST_F(ListGroups, GroupEditsSyncThatGroupsChargersOnlyAndAMovedChargerGetsTheWholeList) {
    ASSERT_EQ(api("POST", "/api/v1/idtags", R"({"idTag":"GR-A","status":"Accepted"})").status, 201);
    ASSERT_EQ(api("POST", "/api/v1/idtags", R"({"idTag":"GR-B","status":"Accepted"})").status, 201);
    make_group(R"({"name":"east"})");
    make_group(R"({"name":"west"})");
    // Both lists hold GR-B (a charger reports an empty list as version 0, which only a Full update follows).
    assign("east", R"({"add":["GR-B"]})");
    assign("west", R"({"add":["GR-B"]})");
    create_charger("GRE000001", "grp-password");
    create_charger("GRW000001", "grp-password");
    place("east", "GRE000001");
    place("west", "GRW000001");
    run_charger("GRE", "GR-A", false);
    run_charger("GRW", "GR-A", false);
    Row e, w;
    ASSERT_TRUE(wait_until(
        [&] {
            return synced_with("GRE000001", "east", "Full update", e) &&
                   synced_with("GRW000001", "west", "Full update", w);
        },
        30s))
        << e.detail << " / " << w.detail;
    // The syncs the set-up's tag assignments asked for (3 s after them) are over before west's time is taken.
    std::this_thread::sleep_for(4s);
    const std::string west_at = row("GRW000001").at;

    // A tag assigned to east: east's charger gets it as a Differential update; west's is left alone.
    assign("east", R"({"add":["GR-A"]})");
    ASSERT_TRUE(wait_until([&] { return synced_with("GRE000001", "east", "Differential", e); }, 15s)) << e.detail;
    EXPECT_NE(e.detail.find("with 1 id tags"), std::string::npos) << e.detail;
    EXPECT_EQ(row("GRW000001").at, west_at);
    // An id-tag edit of a tag only east holds changes east's version only.
    const auto west_version = row("GRW000001").group_version;
    ASSERT_EQ(api("POST", "/api/v1/idtags", R"({"idTag":"GR-A","status":"Blocked"})").status, 200);
    const auto east_version = e.group_version + 1;
    ASSERT_TRUE(wait_until(
        [&] { return synced_with("GRE000001", "east", "Differential", e) && e.version == east_version; }, 15s))
        << e.detail;
    EXPECT_EQ(row("GRW000001").group_version, west_version);
    EXPECT_EQ(row("GRW000001").at, west_at);
    // Taken back: removed from the charger's list by a Differential entry without idTagInfo.
    assign("east", R"({"remove":["GR-A"]})");
    ASSERT_TRUE(wait_until(
        [&] { return synced_with("GRE000001", "east", "Differential", e) && e.version == east_version + 1; }, 15s))
        << e.detail;
    const auto lv = api("POST", "/api/v1/chargers/GRE000001/commands/GetLocalListVersion", "{}");
    EXPECT_NE(lv.body.find("\"listVersion\":" + std::to_string(east_version + 1)), std::string::npos) << lv.body;

    // West's charger moves to east: east's whole list, in full, whatever version number it held.
    place("east", "GRW000001");
    ASSERT_TRUE(wait_until([&] { return synced_with("GRW000001", "east", "Full update", w); }, 15s)) << w.detail;
    EXPECT_EQ(w.version, e.group_version);
    // A renamed group keeps its chargers in sync; a deleted one sends them back to default's list.
    ASSERT_EQ(api("PATCH", "/api/v1/local-lists/east", R"({"name":"east-2","description":"renamed"})").status, 200);
    EXPECT_TRUE(row("GRE000001").in_sync);
    EXPECT_EQ(row("GRE000001").group, "east-2");
    ASSERT_EQ(api("DELETE", "/api/v1/local-lists/east-2").status, 200);
    EXPECT_EQ(api("GET", "/api/v1/local-lists/east-2").status, 404);
    ASSERT_TRUE(wait_until(
        [&] {
            return synced_with("GRE000001", "default", "Full update", e) &&
                   synced_with("GRW000001", "default", "Full update", w);
        },
        15s))
        << e.detail << " / " << w.detail;
    // default lists every tag of the registry (GR-A, GR-B and SIM-TAG-1).
    EXPECT_NE(e.detail.find("with 3 id tags"), std::string::npos) << e.detail;
    for (const char* prefix : {"GRE", "GRW"}) {
        std::remove((base_ + "." + prefix + ".sim.log").c_str());
    }
}

} // namespace

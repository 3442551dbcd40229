// Correcting data, sessions across chargers and their billing export, against the real binary: a planned charger's
// charge points are edited and it is deleted (its ID and EVSE IDs free again); an operational one with sessions is
// taken out of operation, keeps its history and cannot be deleted or re-wired; every change is in the audit trail;
// the sessions list filters and pages; the export is bounded and gives CSV and OCPI CDRs priced by our price sets.
#include <gtest/gtest.h>

#include "tests/centralsystem/cs_binary.hpp"

namespace {

using namespace cs::test;

const std::string kChargersPath = "/api/v1/chargers";

// The audit entries of a charger, newest first, as "action field old->new by actor".
std::vector<std::string> audit_lines(const rapidjson::Document& d) {
    std::vector<std::string> out;
    for (const auto& e : d["entries"].GetArray()) {
        out.push_back(std::string(e["action"].GetString()) + " " + e["field"].GetString() + " " +
                      e["oldValue"].GetString() + "->" + e["newValue"].GetString() + " by " + e["actor"].GetString());
    }
    return out;
}

bool has_line(const std::vector<std::string>& lines, const std::string& part) {
    return std::any_of(lines.begin(), lines.end(), [&](const std::string& l) { return l.find(part) != l.npos; });
}

class Corrections : public CentralSystemBinary {};

TEST_F(Corrections, PlannedChargerIsEditedThenDeletedAndItsIdsAreFreeAgain) {
    create_charger("CORR000001", "corr-password-1");
    create_charger("CORR000002", "corr-password-2");
    // Charge points of a planned charger: change the first, add a second.
    auto r =
        api("PATCH", kChargersPath + "/CORR000001",
            R"({"vendor":"ABB","chargePoints":[{"connectorId":1,"evseId":"DE*ABC*E9*1","standard":"IEC_62196_T2"},)"
            R"({"connectorId":2,"evseId":"DE*ABC*E9*2","powerType":"DC","maxPowerKw":50}]})");
    ASSERT_EQ(r.status, 200) << r.body;
    auto c = parse_json(r.body);
    ASSERT_EQ(c["chargePoints"].Size(), 2u);
    EXPECT_STREQ(c["chargePoints"][1]["evseId"].GetString(), "DE*ABC*E9*2");
    EXPECT_STREQ(c["vendor"].GetString(), "ABB");
    // Another charger's EVSE ID is refused, naming the field; nothing of that request is kept.
    r = api("PATCH", kChargersPath + "/CORR000001",
            R"({"vendor":"X","chargePoints":[{"connectorId":1,"evseId":"DE*ABC*ECORR000002*1"}]})");
    EXPECT_EQ(r.status, 409) << r.body;
    EXPECT_NE(r.body.find("chargePoints/0/evseId"), std::string::npos) << r.body;
    EXPECT_STREQ(parse_json(api("GET", kChargersPath + "/CORR000001").body)["vendor"].GetString(), "ABB");
    // Removing charge points: back to one.
    r = api("PATCH", kChargersPath + "/CORR000001", R"({"chargePoints":[{"connectorId":2,"evseId":"DE*ABC*E9*2"}]})");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(parse_json(r.body)["chargePoints"].Size(), 1u);

    auto lines = audit_lines(parse_json(api("GET", kChargersPath + "/CORR000001/audit").body));
    EXPECT_TRUE(has_line(lines, "edited vendor KEBA->ABB by admin")) << ::testing::PrintToString(lines);
    EXPECT_TRUE(has_line(lines, "edited chargePoints 1 DE*ABC*ECORR000001*1")) << ::testing::PrintToString(lines);
    EXPECT_TRUE(has_line(lines, "created chargePoints")) << ::testing::PrintToString(lines);
    EXPECT_FALSE(has_line(lines, "vendor ABB->X")) << "a refused change is not in the trail";

    ASSERT_EQ(api("DELETE", kChargersPath + "/CORR000001").status, 204);
    EXPECT_EQ(api("GET", kChargersPath + "/CORR000001").status, 404);
    EXPECT_EQ(api("DELETE", kChargersPath + "/CORR000001").status, 404);
    // The ID and the EVSE ID are free again; the trail says who deleted the old one.
    r = api("POST", kChargersPath,
            R"({"chargeBoxId":"CORR000001","chargePoints":[{"connectorId":1,"evseId":"DE*ABC*E9*2"}]})");
    EXPECT_EQ(r.status, 201) << r.body;
    lines = audit_lines(parse_json(api("GET", kChargersPath + "/CORR000001/audit").body));
    EXPECT_TRUE(has_line(lines, "deleted")) << ::testing::PrintToString(lines);
    EXPECT_EQ(lines.front().substr(0, 7), "created") << ::testing::PrintToString(lines);
}

TEST_F(Corrections, AChargerWithoutChargePointsIsNotPutIntoOperationUntilItHasSome) {
    auto r = api("POST", kChargersPath, R"({"chargeBoxId":"BARE000001","password":"bare-password-1"})");
    ASSERT_EQ(r.status, 201) << r.body;
    ASSERT_EQ(parse_json(r.body)["chargePoints"].Size(), 0u);
    const std::string place = R"({"address":{"street":"A 1","postalCode":"10115","city":"Berlin","country":"DE"},)"
                              R"("location":{"latitude":52.52,"longitude":13.4},"hotline":"+49 30 1"})";
    r = api("POST", kChargersPath + "/BARE000001/commission", place);
    EXPECT_EQ(r.status, 409) << r.body;
    EXPECT_NE(r.body.find("\"field\":\"chargePoints\""), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("no charge points"), std::string::npos) << r.body;
    auto c = parse_json(api("GET", kChargersPath + "/BARE000001").body);
    EXPECT_STREQ(c["status"].GetString(), "planned") << "nothing of the refused request is kept";
    EXPECT_TRUE(c["address"].IsNull()) << "the address is not stored either";

    r = api("PATCH", kChargersPath + "/BARE000001",
            R"({"chargePoints":[{"connectorId":1,"evseId":"DE*ABC*EBARE*1"}]})");
    ASSERT_EQ(r.status, 200) << r.body;
    r = api("POST", kChargersPath + "/BARE000001/commission", place);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_STREQ(parse_json(r.body)["status"].GetString(), "operational");
}

TEST_F(Corrections, ConnectedChargerIsNotDeletedUntilItDisconnects) {
    create_charger("LIVE000001", "live-password-1");
    ChildProcess sim(kBin + "/ocpp-simulator",
                     {"run", "--url", "ws://127.0.0.1:" + std::to_string(port_) + "/ocpp", "--chargers", "1",
                      "--connectors", "1", "--id-prefix", "LIVE", "--password", "live-password-1", "--duration", "60",
                      "--heartbeat-interval", "2", "--sessions-per-hour", "0"},
                     base_ + ".live.log");
    ASSERT_TRUE(wait_until(
        [&] { return api("GET", kChargersPath + "/LIVE000001").body.find("\"connected\":true") != std::string::npos; },
        10s))
        << file_text(base_ + ".live.log");
    // Its connection would stay up under an ID that no longer exists: refused, naming what to do, nothing deleted.
    auto r = api("DELETE", kChargersPath + "/LIVE000001");
    EXPECT_EQ(r.status, 409) << r.body;
    EXPECT_NE(r.body.find("disconnect it first"), std::string::npos) << r.body;
    EXPECT_EQ(api("GET", kChargersPath + "/LIVE000001").status, 200);
    EXPECT_FALSE(has_line(audit_lines(parse_json(api("GET", kChargersPath + "/LIVE000001/audit").body)), "deleted"));
    sim.kill();
    ASSERT_TRUE(wait_until(
        [&] { return api("GET", kChargersPath + "/LIVE000001").body.find("\"connected\":false") != std::string::npos; },
        10s));
    EXPECT_EQ(api("DELETE", kChargersPath + "/LIVE000001").status, 204);
}

TEST_F(Corrections, ChargerWithSessionsIsTakenOutOfOperationAndKeepsItsHistory) {
    create_charger("KEEP000001", "keep-password-1");
    ASSERT_EQ(api("POST", kChargersPath + "/KEEP000001/prices",
                  R"({"currency":"EUR","perKwh":0.5,"perSession":1,"validFrom":"2020-01-01T00:00:00Z"})")
                  .status,
              201);
    EXPECT_EQ(api("POST", kChargersPath + "/KEEP000001/decommission").status, 409)
        << "a planned charger is not in operation";
    commission_charger("KEEP000001");
    EXPECT_EQ(api("DELETE", kChargersPath + "/KEEP000001").status, 409) << "in operation";
    const auto fixed =
        api("PATCH", kChargersPath + "/KEEP000001", R"({"chargePoints":[{"connectorId":1,"evseId":"DE*ABC*E7*1"}]})");
    EXPECT_EQ(fixed.status, 409);
    EXPECT_NE(fixed.body.find("in operation"), std::string::npos) << fixed.body;
    simulate("KEEP", "keep-password-1", 6);
    const auto before = transactions("KEEP000001");
    ASSERT_GT(before["transactions"].Size(), 0u);

    auto r = api("POST", kChargersPath + "/KEEP000001/decommission");
    ASSERT_EQ(r.status, 200) << r.body;
    auto c = parse_json(r.body);
    EXPECT_STREQ(c["status"].GetString(), "planned");
    EXPECT_TRUE(c.HasMember("decommissionedAt"));
    EXPECT_TRUE(parse_json(api("GET", kChargersPath + "/KEEP000001").body).HasMember("decommissionedAt"));
    // History keeps the charger and its charge points.
    r = api("DELETE", kChargersPath + "/KEEP000001");
    EXPECT_EQ(r.status, 409);
    EXPECT_NE(r.body.find("sessions"), std::string::npos) << r.body;
    r = api("PATCH", kChargersPath + "/KEEP000001", R"({"chargePoints":[{"connectorId":1,"evseId":"DE*ABC*E7*1"}]})");
    EXPECT_EQ(r.status, 409);
    EXPECT_EQ(transactions("KEEP000001")["transactions"].Size(), before["transactions"].Size());
    EXPECT_EQ(api("POST", kChargersPath, R"({"chargeBoxId":"KEEP000001"})").status, 409) << "the ID is not free";
    const auto lines = audit_lines(parse_json(api("GET", kChargersPath + "/KEEP000001/audit").body));
    EXPECT_TRUE(has_line(lines, "decommissioned status operational->planned by admin"))
        << ::testing::PrintToString(lines);
    EXPECT_TRUE(has_line(lines, "put into operation status planned->operational")) << ::testing::PrintToString(lines);

    // Put into operation again: the mark goes.
    commission_charger("KEEP000001");
    EXPECT_FALSE(parse_json(api("GET", kChargersPath + "/KEEP000001").body).HasMember("decommissionedAt"));

    // The sessions across chargers: filters and paging.
    auto list = parse_json(api("GET", "/api/v1/sessions?provider=acme&chargeBoxId=KEEP000001").body);
    const auto count = list["sessions"].Size();
    EXPECT_EQ(count, before["transactions"].Size());
    EXPECT_STREQ(list["sessions"][0]["evseId"].GetString(), "DE*ABC*EKEEP000001*1");
    EXPECT_EQ(parse_json(api("GET", "/api/v1/sessions?idTag=NOBODY").body)["sessions"].Size(), 0u);
    EXPECT_EQ(parse_json(api("GET", "/api/v1/sessions?provider=other").body)["sessions"].Size(), 0u);
    EXPECT_EQ(parse_json(api("GET", "/api/v1/sessions?from=2099-01-01T00:00:00Z").body)["sessions"].Size(), 0u);
    if (count > 1) {
        auto page = parse_json(api("GET", "/api/v1/sessions?limit=1").body);
        ASSERT_TRUE(page["next"].IsInt64());
        auto second =
            parse_json(api("GET", "/api/v1/sessions?limit=1&before=" + std::to_string(page["next"].GetInt64())).body);
        ASSERT_EQ(second["sessions"].Size(), 1u);
        EXPECT_LT(second["sessions"][0]["transactionId"].GetInt64(), page["sessions"][0]["transactionId"].GetInt64());
    }

    // The export: finished sessions only, bounded, as CSV and as OCPI CDRs with our prices.
    const std::string range = "from=2020-01-01T00:00:00Z&to=2099-01-01T00:00:00Z";
    EXPECT_EQ(api("GET", "/api/v1/sessions/export?format=csv&" + range).status, 400) << "more than 366 days";
    auto all = parse_json(api("GET", "/api/v1/sessions?state=finished").body);
    std::int64_t finished = all["sessions"].Size();
    ASSERT_GT(finished, 0);
    const std::string first_start = all["sessions"][finished - 1]["startTimestamp"].GetString();
    const std::string year = first_start.substr(0, 4);
    const std::string span = "from=" + year + "-01-01T00:00:00Z&to=" + year + "-12-31T23:59:59Z";
    auto csv = api("GET", "/api/v1/sessions/export?format=csv&" + span);
    ASSERT_EQ(csv.status, 200) << csv.body;
    EXPECT_EQ(csv.header("content-type").substr(0, 8), "text/csv");
    EXPECT_EQ(csv.body.substr(0, 25), "transactionId,chargeBoxId");
    EXPECT_EQ(static_cast<std::int64_t>(std::count(csv.body.begin(), csv.body.end(), '\n')), finished + 1);
    EXPECT_NE(csv.body.find("KEEP000001,1,DE*ABC*EKEEP000001*1,acme,SIM-TAG-1"), std::string::npos) << csv.body;
    EXPECT_NE(csv.body.find(",EUR\r\n"), std::string::npos) << csv.body;

    // Every finished session is a CDR or counted as left out (a session on a connector without a charge point has no
    // EVSE ID, which OCPI requires).
    auto ocpi = api("GET", "/api/v1/sessions/export?format=ocpi&" + span);
    ASSERT_EQ(ocpi.status, 200) << ocpi.body;
    auto cdrs = parse_json(ocpi.body);
    ASSERT_TRUE(cdrs.IsArray());
    const auto left_out = std::stoll(ocpi.header("x-left-out-sessions"));
    EXPECT_EQ(static_cast<std::int64_t>(cdrs.Size()) + left_out, finished);
    ASSERT_GE(cdrs.Size(), 1u);
    for (const auto& each : cdrs.GetArray()) {
        EXPECT_STRNE(each["cdr_location"]["evse_id"].GetString(), "") << "a CDR always names its EVSE";
        EXPECT_STRNE(each["currency"].GetString(), "");
    }
    const auto& cdr = cdrs[0];
    EXPECT_STREQ(cdr["country_code"].GetString(), "DE");
    EXPECT_STREQ(cdr["party_id"].GetString(), "ABC");
    EXPECT_STREQ(cdr["cdr_token"]["uid"].GetString(), "SIM-TAG-1");
    EXPECT_STREQ(cdr["cdr_location"]["country"].GetString(), "DEU");
    EXPECT_STREQ(cdr["cdr_location"]["evse_id"].GetString(), "DE*ABC*EKEEP000001*1");
    EXPECT_STREQ(cdr["currency"].GetString(), "EUR");
    EXPECT_GE(cdr["total_cost"]["excl_vat"].GetDouble(), 1.0) << "the session fee at least";
    EXPECT_DOUBLE_EQ(cdr["total_fixed_cost"]["excl_vat"].GetDouble(), 1.0);
    EXPECT_STREQ(cdr["charging_periods"][0]["dimensions"][0]["type"].GetString(), "ENERGY");
    // Paging: one session per answer, then the rest after it.
    auto first = api("GET", "/api/v1/sessions/export?format=ocpi&limit=1&" + span);
    ASSERT_EQ(first.status, 200) << first.body;
    EXPECT_EQ(parse_json(first.body).Size() + std::stoull(first.header("x-left-out-sessions")), 1u);
    if (finished > 1) {
        const std::string next = first.header("x-next-after-id");
        ASSERT_FALSE(next.empty());
        auto rest = api("GET", "/api/v1/sessions/export?format=ocpi&afterId=" + next + "&" + span);
        EXPECT_EQ(static_cast<std::int64_t>(parse_json(rest.body).Size()) +
                      std::stoll(rest.header("x-left-out-sessions")),
                  finished - 1);
    } else {
        EXPECT_EQ(first.header("x-next-after-id"), "");
    }
}

TEST_F(Corrections, IdTagsAreSearchedAndPaged) {
    for (int i = 0; i < 25; ++i) {
        const std::string tag = (i < 20 ? "CARD-" : "FLEET-") + std::to_string(100 + i);
        const std::string status = i % 5 == 0 ? "Blocked" : "Accepted";
        ASSERT_EQ(api("POST", "/api/v1/idtags",
                      R"({"idTag":")" + tag + R"(","status":")" + status + R"(","parentIdTag":"PARENT-1"})")
                      .status,
                  201);
    }
    auto page = parse_json(api("GET", "/api/v1/idtags?q=card&limit=10&offset=5").body);
    EXPECT_EQ(page["total"].GetInt64(), 20);
    ASSERT_EQ(page["idTags"].Size(), 10u);
    EXPECT_STREQ(page["idTags"][0]["idTag"].GetString(), "CARD-105");
    EXPECT_EQ(parse_json(api("GET", "/api/v1/idtags?status=Blocked").body)["total"].GetInt64(), 5);
    EXPECT_EQ(parse_json(api("GET", "/api/v1/idtags?q=parent").body)["total"].GetInt64(), 25) << "parents match too";
    EXPECT_EQ(parse_json(api("GET", "/api/v1/idtags?q=%25").body)["total"].GetInt64(), 0) << "% is no wildcard";
    EXPECT_EQ(parse_json(api("GET", "/api/v1/idtags").body)["idTags"].Size(), 25u);
}

} // namespace

// POST /api/v1/chargers/import against the real binary: a good file (quoting, CRLF, BOM, hashed passwords), files
// with errors (every problem named, nothing stored changed), clashes with stored chargers, a dry run, and a file of
// 2,000 chargers imported at once (or, with one clash in its last row, not at all).
#include <gtest/gtest.h>

#include "store/password.hpp"
#include "store/sqlite.hpp"
#include "tests/centralsystem/cs_binary.hpp"

namespace {

using namespace cs::test;

class Import : public CentralSystemBinary {
protected:
    std::size_t charger_count() {
        const auto r = api("GET", "/api/v1/chargers");
        EXPECT_EQ(r.status, 200) << r.body;
        const auto d = parse_json(r.body);
        return d.IsObject() ? d["count"].GetUint64() : 0;
    }
    // The error list of a refused import, as "row/column" strings.
    std::vector<std::string> error_cells(const HttpReply& r) {
        std::vector<std::string> out;
        const auto d = parse_json(r.body);
        EXPECT_TRUE(d.IsObject() && d.HasMember("errors")) << r.body;
        if (d.IsObject() && d.HasMember("errors")) {
            EXPECT_EQ(d["errorCount"].GetUint64(), d["errors"].Size());
            for (const auto& e : d["errors"].GetArray()) {
                EXPECT_STRNE(e["error"].GetString(), "");
                out.push_back(std::to_string(e["row"].GetUint64()) + "/" + e["column"].GetString());
            }
        }
        return out;
    }
};

TEST_F(Import, GoodFileCreatesEveryChargerWithHashedPasswords) {
    const std::string file = "\xEF\xBB\xBF"
                             "chargeBoxId,password,provider,vendor,model,connectorId,evseId,standard,format,"
                             "powerType,maxPowerKw\r\n"
                             "CSV-1,\"pass,word\"\"1\",acme,KEBA,\"P30, x-series\",1,DE*ABC*E9001*1,IEC_62196_T2,"
                             "SOCKET,AC_3_PHASE,22\r\n"
                             "CSV-1,,,,,2,DE*ABC*E9001*2,IEC_62196_T2,CABLE,AC_3_PHASE,11\r\n"
                             "CSV-2,second-password,acme,ABB,Terra 54,1,DE*ABC*E9002*1,IEC_62196_T2_COMBO,CABLE,DC,"
                             "50\r\n";
    const auto r = csv(file);
    ASSERT_EQ(r.status, 201) << r.body;
    const auto body = parse_json(r.body);
    EXPECT_EQ(body["chargers"].GetUint64(), 2u);
    EXPECT_EQ(body["chargePoints"].GetUint64(), 3u);
    EXPECT_FALSE(body["dryRun"].GetBool());

    const auto c = parse_json(api("GET", "/api/v1/chargers/CSV-1").body);
    ASSERT_TRUE(c.IsObject());
    EXPECT_STREQ(c["status"].GetString(), "planned");
    EXPECT_STREQ(c["model"].GetString(), "P30, x-series");
    EXPECT_TRUE(c["hasPassword"].GetBool());
    ASSERT_EQ(c["chargePoints"].Size(), 2u);
    EXPECT_STREQ(c["chargePoints"][1]["evseId"].GetString(), "DE*ABC*E9001*2");
    EXPECT_STREQ(c["chargePoints"][1]["format"].GetString(), "CABLE");

    // Stored as for a single creation: a salted hash the handshake can verify, never the password itself.
    auto db = store::Sqlite::open(db_);
    ASSERT_TRUE(db.ok());
    auto q = (*db)->prepare("SELECT password_hash FROM chargers WHERE chargebox_id = 'CSV-1'");
    ASSERT_TRUE(q.ok());
    auto row = q->step();
    ASSERT_TRUE(row.ok() && *row);
    EXPECT_EQ(q->text(0).rfind("pbkdf2-sha256$", 0), 0u);
    EXPECT_TRUE(store::verify_password("pass,word\"1", q->text(0)));
}

TEST_F(Import, FileWithErrorsNamesEveryProblemAndStoresNothing) {
    ASSERT_EQ(csv("chargeBoxId,password,connectorId,evseId\nKEEP-1,keep-password,1,DE*ABC*E7000*1\n").status, 201);
    const std::string file = "chargeBoxId,password,connectorId,evseId,powerType\n"
                             "GOOD-1,good-password,1,DE*ABC*E7001*1,DC\n"
                             "BAD 2,good-password,1,DE*ABC*E7002*1,DC\n"
                             "GOOD-3,tiny,x,DE*ABC*E7003*1,AC\n"
                             "GOOD-4,good-password,1,DE*ABC*E7001*1,DC\n";
    const auto r = csv(file);
    ASSERT_EQ(r.status, 422) << r.body;
    EXPECT_NE(r.body.find("nothing was imported"), std::string::npos);
    EXPECT_EQ(error_cells(r),
              (std::vector<std::string>{"3/chargeBoxId", "4/password", "4/connectorId", "4/powerType", "5/evseId"}));
    EXPECT_EQ(charger_count(), 1u); // GOOD-1 was valid, but a file with errors imports nothing
    EXPECT_EQ(api("GET", "/api/v1/chargers/GOOD-1").status, 404);

    const auto broken = csv("chargeBoxId,password\nA-1,\"never closed\n");
    EXPECT_EQ(broken.status, 400) << broken.body;
    EXPECT_EQ(error_cells(broken), (std::vector<std::string>{"2/"}));
    const auto unknown = csv("chargeBoxId,colour\nA-1,red\n");
    EXPECT_EQ(unknown.status, 400);
    EXPECT_EQ(error_cells(unknown), (std::vector<std::string>{"1/colour"}));
    const auto json = api("POST", "/api/v1/chargers/import", R"({"chargeBoxId":"A"})");
    EXPECT_EQ(json.status, 415) << json.body;
    EXPECT_EQ(csv("chargeBoxId\nA-1\n", "?dryRun=maybe").status, 400);
    EXPECT_EQ(charger_count(), 1u);
}

TEST_F(Import, ClashesWithStoredChargersAreNamedAndNothingIsStored) {
    ASSERT_EQ(csv("chargeBoxId,password,connectorId,evseId\nOLD-1,old-password,1,DE*ABC*E8000*1\n").status, 201);
    const auto r = csv("chargeBoxId,password,connectorId,evseId\n"
                       "NEW-1,new-password,1,DE*ABC*E8001*1\n"
                       "OLD-1,new-password,1,DE*ABC*E8002*1\n"
                       "NEW-3,new-password,1,de*abc*e8000*1\n");
    ASSERT_EQ(r.status, 409) << r.body;
    EXPECT_EQ(error_cells(r), (std::vector<std::string>{"3/chargeBoxId", "4/evseId"}));
    EXPECT_NE(r.body.find("belongs to charger \\\"OLD-1\\\""), std::string::npos) << r.body;
    EXPECT_EQ(charger_count(), 1u);
    EXPECT_EQ(api("GET", "/api/v1/chargers/NEW-1").status, 404);

    // A dry run checks the same and writes nothing.
    const auto dry = csv("chargeBoxId,connectorId,evseId\nNEW-1,1,DE*ABC*E8001*1\n", "?dryRun=true");
    EXPECT_EQ(dry.status, 200) << dry.body;
    EXPECT_EQ(charger_count(), 1u);
    EXPECT_EQ(csv("chargeBoxId\nOLD-1\n", "?dryRun=true").status, 409);
}

TEST_F(Import, TwoThousandChargersAtOnceOrNotAtAll) {
    auto file_of = [](int n, const std::string& prefix, const std::string& last_evse, bool passwords) {
        std::string f = "chargeBoxId;password;provider;connectorId;evseId;powerType;maxPowerKw\r\n";
        for (int i = 1; i <= n; ++i) {
            char id[32];
            std::snprintf(id, sizeof id, "%s%05d", prefix.c_str(), i);
            const std::string evse = i == n && !last_evse.empty() ? last_evse : "DE*BLK*E" + std::string(id) + "*1";
            f += std::string(id) + ";" + (passwords && i % 40 == 0 ? "pw-" + std::string(id) + "-secret" : "") +
                 ";fleet;1;" + evse + ";AC_3_PHASE;22\r\n";
        }
        return f;
    };
    // Every 40th with a password: each hash takes 10-60 ms on these machines, and the test should stay short.
    const auto start = std::chrono::steady_clock::now();
    const auto r = csv(file_of(2000, "BULK", "", true));
    const auto took = std::chrono::steady_clock::now() - start;
    ASSERT_EQ(r.status, 201) << r.body.substr(0, 2000);
    EXPECT_EQ(parse_json(r.body)["chargers"].GetUint64(), 2000u);
    EXPECT_EQ(charger_count(), 1000u); // the list shows at most 1000
    EXPECT_EQ(api("GET", "/api/v1/chargers/BULK02000").status, 200);
    std::fprintf(stderr, "imported 2000 chargers in %lld ms\n",
                 static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(took).count()));
    // The central system stayed responsive and the handshake cache knows them all.
    const auto health = parse_json(ocppkit::test::http(port_, "GET", "/healthz").body);
    EXPECT_EQ(health["chargersKnown"].GetUint64(), 2000u);

    // 2,000 more whose very last row clashes: one transaction, so none of them is stored.
    const auto clash = csv(file_of(2000, "MORE", "DE*BLK*EBULK00001*1", false));
    ASSERT_EQ(clash.status, 409) << clash.body.substr(0, 2000);
    EXPECT_EQ(error_cells(clash), (std::vector<std::string>{"2001/evseId"}));
    EXPECT_EQ(api("GET", "/api/v1/chargers/MORE00001").status, 404);
    EXPECT_EQ(parse_json(ocppkit::test::http(port_, "GET", "/healthz").body)["chargersKnown"].GetUint64(), 2000u);
}

} // namespace

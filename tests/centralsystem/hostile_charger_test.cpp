// The hostile-input suite, against the real ocpp-centralsystem with chargers the test controls: a charger names
// another charger's transaction, an unknown one or the wrong connector; a planned charger tries to charge; a charger
// floods meter values; a charger sends a negative connectorId. Nothing stored may change that the message had no
// right to change, and every message is still answered.
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>

#include "tests/centralsystem/controlled_charger.hpp"
#include "tests/centralsystem/cs_binary.hpp"

namespace {

using namespace cs::test;
using Answered = ControlledCharger::Answered;

const std::string kTs = "2026-03-01T10:00:00Z";

// Now, as a charger writes it (today's statistics count sessions stopped today).
std::string now_ts() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::string meter_values(int connector, std::int64_t tx, const std::string& wh, int samples = 1) {
    std::string values;
    for (int i = 0; i < samples; ++i) {
        values += std::string(i ? "," : "") + R"({"value":")" + wh +
                  R"(","measurand":"Energy.Active.Import.Register","unit":"Wh"})";
    }
    return R"({"connectorId":)" + std::to_string(connector) + R"(,"transactionId":)" + std::to_string(tx) +
           R"(,"meterValue":[{"timestamp":")" + kTs + R"(","sampledValue":[)" + values + "]}]}";
}

std::string stop(std::int64_t tx, const std::string& meter, const std::string& ts = kTs) {
    return R"({"transactionId":)" + std::to_string(tx) + R"(,"meterStop":)" + meter + R"(,"timestamp":")" + ts +
           R"(","reason":"Local"})";
}

class HostileCharger : public CentralSystemBinary {
protected:
    // A charger with one charge point, commissioned (or left planned), connected and booted.
    std::unique_ptr<ControlledCharger> charger(const std::string& id, bool commissioned = true) {
        create_charger(id, "password-of-" + id);
        if (commissioned) {
            commission_charger(id);
        }
        auto c = std::make_unique<ControlledCharger>(port_, id, "password-of-" + id);
        EXPECT_TRUE(c->start()) << c->error();
        return c;
    }
    // StartTransaction on connector 1; the answer's payload.
    rapidjson::Document start_session(ControlledCharger& c, const std::string& ts = kTs) {
        const Answered a =
            c.send("StartTransaction",
                   R"({"connectorId":1,"idTag":"SIM-TAG-1","meterStart":1000,"timestamp":")" + ts + R"("})");
        EXPECT_TRUE(a.result) << a.error_code;
        return parse_json(a.payload);
    }
    void price(const std::string& id) {
        const auto r = api("POST", "/api/v1/chargers/" + id + "/prices",
                           R"({"currency":"EUR","validFrom":"2020-01-01T00:00:00Z","perKwh":0.5})");
        ASSERT_EQ(r.status / 100, 2) << r.body;
    }
    std::string session_of(const std::string& id) {
        return api("GET", "/api/v1/chargers/" + id + "/transactions?meterValues=true").body;
    }
    std::string turnover() {
        const auto d = parse_json(api("GET", "/api/v1/dashboard").body);
        rapidjson::StringBuffer buf;
        rapidjson::Writer<rapidjson::StringBuffer> w(buf);
        d["potentialTurnover"].Accept(w);
        return buf.GetString();
    }
    // The notifications of one kind, as "chargeBoxId: message" lines.
    std::vector<std::string> notifications(const std::string& kind) {
        const auto d = parse_json(api("GET", "/api/v1/notifications?limit=100").body);
        std::vector<std::string> out;
        for (const auto& n : d["notifications"].GetArray()) {
            if (kind == n["kind"].GetString()) {
                out.push_back(std::string(n["chargeBoxId"].GetString()) + ": " + n["message"].GetString());
            }
        }
        return out;
    }
    std::string metrics() { return raw("GET", "/metrics").body; }
};

TEST_F(HostileCharger, AnotherChargersTransactionIdChangesNothingOfItsSession) {
    auto a = charger("HOSTILEA");
    auto b = charger("HOSTILEB");
    price("HOSTILEA");
    const auto started = start_session(*a);
    const std::int64_t tx = started["transactionId"].GetInt64();
    EXPECT_STREQ(started["idTagInfo"]["status"].GetString(), "Accepted");
    ASSERT_TRUE(a->send("MeterValues", meter_values(1, tx, "2000")).result);
    const std::string session_before = session_of("HOSTILEA");
    const std::string turnover_before = turnover();
    EXPECT_NE(turnover_before, "[]") << "A's session in progress has a potential turnover";

    // B names A's transaction: answered as usual (so B's queue drains), nothing of A's session changes.
    const Answered mv = b->send("MeterValues", meter_values(1, tx, "4999999000"));
    EXPECT_TRUE(mv.result) << mv.error_code;
    EXPECT_EQ(mv.payload, "{}");
    const Answered st = b->send("StopTransaction", stop(tx, "999999999"));
    EXPECT_TRUE(st.result) << st.error_code;
    EXPECT_EQ(session_of("HOSTILEA"), session_before);
    EXPECT_EQ(turnover(), turnover_before);
    const auto list = parse_json(session_before);
    ASSERT_EQ(list["transactions"].Size(), 1u);
    EXPECT_EQ(list["transactions"][0]["meterValueCount"].GetInt(), 1);
    EXPECT_TRUE(list["transactions"][0]["stopTimestamp"].IsNull());
    // The running session shows its energy so far (2000 - 1000 Wh), not B's forged reading.
    EXPECT_EQ(list["transactions"][0]["energyWh"].GetInt64(), 1000);
    EXPECT_EQ(parse_json(session_of("HOSTILEB"))["transactions"].Size(), 0u);

    // Said once per sender and reason (a notification naming both chargers) and counted for each message.
    const auto said = notifications("foreignTransaction");
    ASSERT_EQ(said.size(), 1u);
    EXPECT_EQ(said[0].rfind("HOSTILEB: ", 0), 0u) << said[0];
    EXPECT_NE(said[0].find("transaction " + std::to_string(tx)), std::string::npos) << said[0];
    EXPECT_NE(said[0].find("\"HOSTILEA\""), std::string::npos) << said[0];
    const std::string m = metrics();
    for (const char* action : {"MeterValues", "StopTransaction"}) {
        EXPECT_NE(m.find(std::string("ocpp_foreign_transaction_messages_total{action=\"") + action +
                         R"(",reason="otherCharger",sender="HOSTILEB",owner="HOSTILEA"} 1)"),
                  std::string::npos)
            << m;
    }

    // A's own stop still works.
    ASSERT_TRUE(a->send("StopTransaction", stop(tx, "3000")).result);
    const auto after = parse_json(session_of("HOSTILEA"));
    EXPECT_EQ(after["transactions"][0]["meterStop"].GetInt64(), 3000);
    EXPECT_EQ(after["transactions"][0]["energyWh"].GetInt64(), 2000);
}

TEST_F(HostileCharger, AnUnknownTransactionIdOrAnotherConnectorStoresNothing) {
    auto a = charger("HOSTILEC");
    const std::int64_t tx = start_session(*a)["transactionId"].GetInt64();
    // The right transaction on another connector, and an id nobody has.
    EXPECT_TRUE(a->send("MeterValues", meter_values(2, tx, "2000")).result);
    EXPECT_TRUE(a->send("MeterValues", meter_values(1, tx + 1000, "2000")).result);
    EXPECT_TRUE(a->send("StopTransaction", stop(tx + 1000, "2000")).result);
    const auto list = parse_json(session_of("HOSTILEC"));
    ASSERT_EQ(list["transactions"].Size(), 1u);
    EXPECT_EQ(list["transactions"][0]["meterValueCount"].GetInt(), 0);
    EXPECT_TRUE(list["transactions"][0]["stopTimestamp"].IsNull());
    const std::string m = metrics();
    EXPECT_NE(m.find(R"({action="MeterValues",reason="otherConnector",sender="HOSTILEC",owner="HOSTILEC"} 1)"),
              std::string::npos)
        << m;
    EXPECT_NE(m.find(R"({action="MeterValues",reason="unknown",sender="HOSTILEC",owner=""} 1)"), std::string::npos)
        << m;
    EXPECT_NE(m.find(R"({action="StopTransaction",reason="unknown",sender="HOSTILEC",owner=""} 1)"), std::string::npos)
        << m;
    const auto said = notifications("foreignTransaction");
    ASSERT_EQ(said.size(), 2u); // one per reason (the unknown id's stop came within the same minute)
    bool connector = false, unknown = false;
    for (const auto& s : said) {
        connector = connector || s.find("runs on connector 1") != std::string::npos;
        unknown = unknown || s.find("does not exist") != std::string::npos;
    }
    EXPECT_TRUE(connector && unknown) << said[0] << "\n" << said[1];
}

// "NaN" and "inf" parse as numbers but are no meter readings: answered, not stored (a NaN once failed the insert and
// answered the charger with an InternalError), and the session's energy stays what the real readings say.
TEST_F(HostileCharger, NotANumberReadingsAreAnsweredAndNotStored) {
    auto a = charger("HOSTILEN");
    const std::int64_t tx = start_session(*a)["transactionId"].GetInt64();
    for (const char* value : {"NaN", "nan", "inf", "-Infinity"}) {
        const Answered mv = a->send("MeterValues", meter_values(1, tx, value));
        EXPECT_TRUE(mv.result) << value << ": " << mv.error_code;
        EXPECT_EQ(mv.payload, "{}") << value;
    }
    ASSERT_TRUE(a->send("MeterValues", meter_values(1, tx, "1500")).result);
    const auto list = parse_json(session_of("HOSTILEN"));
    ASSERT_EQ(list["transactions"].Size(), 1u);
    EXPECT_EQ(list["transactions"][0]["meterValueCount"].GetInt(), 1);
    EXPECT_EQ(list["transactions"][0]["energyWh"].GetInt64(), 500);
}

TEST_F(HostileCharger, APlannedChargerBootsButCannotChargeAndWhatItSentIsKept) {
    auto p = charger("HOSTILEP", false);
    price("HOSTILEP");
    const Answered auth = p->send("Authorize", R"({"idTag":"SIM-TAG-1"})");
    ASSERT_TRUE(auth.result) << auth.error_code;
    EXPECT_STREQ(parse_json(auth.payload)["idTagInfo"]["status"].GetString(), "Blocked");
    const auto started = start_session(*p, now_ts());
    EXPECT_STREQ(started["idTagInfo"]["status"].GetString(), "Blocked");
    const std::int64_t tx = started["transactionId"].GetInt64();
    EXPECT_GT(tx, 0);
    EXPECT_TRUE(p->send("MeterValues", meter_values(1, tx, "9000")).result);
    EXPECT_EQ(turnover(), "[]");
    EXPECT_TRUE(p->send("StopTransaction", stop(tx, "9000", now_ts())).result);

    // Kept, marked blocked, not counted.
    const auto list = parse_json(session_of("HOSTILEP"));
    ASSERT_EQ(list["transactions"].Size(), 1u);
    const auto& t = list["transactions"][0];
    EXPECT_TRUE(t["blocked"].GetBool());
    EXPECT_EQ(t["meterValueCount"].GetInt(), 1);
    EXPECT_EQ(t["meterStop"].GetInt64(), 9000);
    EXPECT_TRUE(t["revenue"].IsNull());
    const auto d = parse_json(api("GET", "/api/v1/dashboard").body);
    EXPECT_EQ(d["today"]["sessions"].GetInt(), 0);
    EXPECT_EQ(d["today"]["energyWh"].GetInt64(), 0);
    EXPECT_EQ(d["today"]["revenue"].Size(), 0u);

    const auto said = notifications("notInOperation");
    ASSERT_EQ(said.size(), 2u); // Authorize and StartTransaction
    for (const auto& s : said) {
        EXPECT_EQ(s.rfind("HOSTILEP: ", 0), 0u) << s;
        EXPECT_NE(s.find("not in operation"), std::string::npos) << s;
    }
}

TEST_F(HostileCharger, AMeterValuesFloodIsStoredOnlyUpToTheBudget) {
    restart({"--max-samples-per-minute", "50"});
    auto a = charger("HOSTILEF");
    const std::int64_t tx = start_session(*a)["transactionId"].GetInt64();
    const auto begin = std::chrono::steady_clock::now();
    for (int i = 0; i < 10; ++i) {
        const Answered mv = a->send("MeterValues", meter_values(1, tx, std::to_string(2000 + i), 20));
        ASSERT_TRUE(mv.result) << "message " << i << ": " << mv.error_code;
    }
    const bool one_window = std::chrono::steady_clock::now() - begin < std::chrono::seconds(55);
    const auto list = parse_json(session_of("HOSTILEF"));
    const int stored = list["transactions"][0]["meterValueCount"].GetInt();
    if (one_window) {
        EXPECT_EQ(stored, 50);
        EXPECT_NE(metrics().find("ocpp_meter_samples_trimmed_total 150\n"), std::string::npos) << metrics();
    } else {
        EXPECT_LE(stored, 100); // a slow run spanned two windows
    }
    const auto said = notifications("samplesTrimmed");
    ASSERT_EQ(said.size(), one_window ? 1u : said.size());
    ASSERT_FALSE(said.empty());
    EXPECT_EQ(said[0].rfind("HOSTILEF: ", 0), 0u) << said[0];
    EXPECT_NE(said[0].find("transaction " + std::to_string(tx)), std::string::npos) << said[0];
    EXPECT_NE(said[0].find("50 per minute"), std::string::npos) << said[0];
}

TEST_F(HostileCharger, ANegativeConnectorIdIsAPropertyConstraintViolationAndNothingIsStored) {
    auto a = charger("HOSTILEN");
    for (const auto& [action, payload] : std::vector<std::pair<std::string, std::string>>{
             {"StatusNotification", R"({"connectorId":-5,"errorCode":"NoError","status":"Faulted"})"},
             {"StartTransaction",
              R"({"connectorId":-5,"idTag":"SIM-TAG-1","meterStart":0,"timestamp":")" + kTs + R"("})"},
             {"MeterValues", meter_values(-5, 1, "100")}}) {
        const Answered r = a->send(action, payload);
        EXPECT_FALSE(r.result) << action;
        EXPECT_EQ(r.error_code, "PropertyConstraintViolation") << action;
    }
    EXPECT_EQ(parse_json(session_of("HOSTILEN"))["transactions"].Size(), 0u);
    EXPECT_TRUE(notifications("faulted").empty());
}

// A database file truncated to 0 bytes is refused by both programs that share the store: exit 2, the file named,
// the way to consent said, the file left as it is.
TEST_F(CentralSystemBinary, HostileDatabaseAnEmptyDatabaseFileIsRefusedAtStart) {
    const std::string empty = base_ + ".empty.db";
    { std::ofstream(empty).flush(); }
    struct Run {
        std::string program;
        std::vector<std::string> args;
    };
    const std::string port = std::to_string(ocppkit::test::free_port());
    for (const Run& run :
         {Run{kBin + "/ocpp-centralsystem", {"--listen", "127.0.0.1:" + port, "--db", "sqlite:" + empty}},
          Run{kBin + "/ocpp-tester", {"serve", "--listen", "127.0.0.1:" + port, "--db", "sqlite:" + empty}}}) {
        ChildProcess p(run.program, run.args, base_ + ".sim.log");
        EXPECT_EQ(p.wait_exit(std::chrono::seconds(30)), 2) << run.program;
        const std::string said = file_text(base_ + ".sim.log");
        EXPECT_NE(said.find(empty), std::string::npos) << said;
        EXPECT_NE(said.find("is empty (0 bytes)"), std::string::npos) << said;
        EXPECT_NE(said.find("delete the file"), std::string::npos) << said;
        EXPECT_EQ(std::filesystem::file_size(empty), 0u);
        EXPECT_FALSE(std::filesystem::exists(empty + "-wal"));
    }
    std::filesystem::remove(empty);
}

} // namespace

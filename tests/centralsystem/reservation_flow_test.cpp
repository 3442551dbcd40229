// Reservations from the real ocpp-centralsystem to the real ocpp-simulator: a reservation is honoured (another id tag
// is refused by the charger, the reserved one starts and the session ends the reservation as used), one expires by
// itself, one is cancelled; a connector holds one open reservation; connector 0 only where the charger declares
// ReserveConnectorZeroSupported; a charger naming another charger's reservationId in its StartTransaction does not end
// it; and every bad input is a 4xx naming the field with nothing stored.
#include <ctime>
#include <fstream>

#include "tests/centralsystem/controlled_charger.hpp"
#include "tests/centralsystem/cs_binary.hpp"

namespace {

using namespace cs::test;

// An RFC 3339 time `seconds` from now.
std::string in_seconds(long seconds) {
    const std::time_t t = std::time(nullptr) + seconds;
    char buf[32];
    std::tm tm{};
    gmtime_r(&t, &tm);
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

class Reservations : public CentralSystemBinary {
protected:
    // An operational charger RSV000001 with two connectors run by the simulator, and the id tags DRIVER-A, DRIVER-B.
    void start_charger(const std::string& model_yaml = "") {
        create_charger("RSV000001", "rsv-password");
        commission_charger("RSV000001");
        for (const char* tag : {"DRIVER-A", "DRIVER-B"}) {
            ASSERT_EQ(
                api("POST", "/api/v1/idtags", std::string(R"({"idTag":")") + tag + R"(","status":"Accepted"})").status /
                    100,
                2);
        }
        std::vector<std::string> args{"run",
                                      "--url",
                                      "ws://127.0.0.1:" + std::to_string(port_) + "/ocpp",
                                      "--chargers",
                                      "1",
                                      "--connectors",
                                      "2",
                                      "--id-prefix",
                                      "RSV",
                                      "--password",
                                      "rsv-password",
                                      "--duration",
                                      "120",
                                      "--sessions-per-hour",
                                      "0"};
        if (!model_yaml.empty()) {
            std::ofstream(base_ + ".model.yaml") << model_yaml;
            args.push_back("--model");
            args.push_back(base_ + ".model.yaml");
        }
        sim_ = std::make_unique<ChildProcess>(kBin + "/ocpp-simulator", args, base_ + ".sim.log");
        ASSERT_TRUE(wait_until([&] { return connected("RSV000001"); }, 15s)) << file_text(base_ + ".sim.log");
    }
    void TearDown() override {
        sim_.reset();
        CentralSystemBinary::TearDown();
    }
    bool connected(const std::string& id) {
        return api("GET", "/api/v1/chargers/" + id).body.find("\"connected\":true") != std::string::npos;
    }
    HttpReply reserve(int connector, const std::string& tag, const std::string& expiry) {
        return api("POST", "/api/v1/reservations",
                   R"({"chargeBoxId":"RSV000001","connectorId":)" + std::to_string(connector) + R"(,"idTag":")" + tag +
                       R"(","expiryDate":")" + expiry + R"("})");
    }
    rapidjson::Document reservation(std::int64_t id) {
        return parse_json(api("GET", "/api/v1/reservations/" + std::to_string(id)).body);
    }
    std::string status_of(std::int64_t id) {
        auto d = reservation(id);
        return d.HasMember("reservation") ? d["reservation"]["status"].GetString() : "";
    }
    std::string remote_start(int connector, const std::string& tag) {
        const auto r = api("POST", "/api/v1/chargers/RSV000001/commands/RemoteStartTransaction",
                           R"({"connectorId":)" + std::to_string(connector) + R"(,"idTag":")" + tag + R"("})");
        EXPECT_EQ(r.status, 200) << r.body;
        auto d = parse_json(r.body);
        return d.HasMember("response") ? d["response"]["status"].GetString() : "";
    }
    std::string connector_status(int connector) {
        auto d = parse_json(api("GET", "/api/v1/chargers/RSV000001").body);
        for (const auto& cp : d["chargePoints"].GetArray()) {
            if (cp["connectorId"].GetInt() == connector && cp.HasMember("status") && cp["status"].IsString()) {
                return cp["status"].GetString();
            }
        }
        return "";
    }
    std::unique_ptr<ChildProcess> sim_;
};

TEST_F(Reservations, AReservationIsHonouredForItsTagOnlyAndEndsWhenItsSessionStarts) {
    start_charger();
    const auto made = reserve(1, "DRIVER-A", in_seconds(600));
    ASSERT_EQ(made.status, 201) << made.body;
    auto d = parse_json(made.body);
    const std::int64_t id = d["reservation"]["id"].GetInt64();
    EXPECT_STREQ(d["reservation"]["status"].GetString(), "active");
    EXPECT_STREQ(d["reservation"]["answer"].GetString(), "Accepted");
    EXPECT_STREQ(d["reservation"]["idTag"].GetString(), "DRIVER-A");
    EXPECT_TRUE(wait_until([&] { return connector_status(1) == "Reserved"; }, 10s))
        << api("GET", "/api/v1/chargers/RSV000001").body;

    // One open reservation per connector.
    const auto second = reserve(1, "DRIVER-B", in_seconds(600));
    EXPECT_EQ(second.status, 409) << second.body;
    EXPECT_STREQ(parse_json(second.body)["field"].GetString(), "connectorId");

    // Another driver is refused by the charger; the reserved one starts, and the session ends the reservation.
    EXPECT_EQ(remote_start(1, "DRIVER-B"), "Rejected");
    EXPECT_EQ(status_of(id), "active");
    EXPECT_EQ(remote_start(1, "DRIVER-A"), "Accepted");
    EXPECT_TRUE(wait_until([&] { return status_of(id) == "used"; }, 15s)) << file_text(base_ + ".sim.log");
    d = reservation(id);
    ASSERT_TRUE(d["reservation"]["transactionId"].IsInt64());
    const auto tx = transactions("RSV000001");
    ASSERT_GE(tx["transactions"].Size(), 1u);
    EXPECT_EQ(tx["transactions"][0]["transactionId"].GetInt64(), d["reservation"]["transactionId"].GetInt64());
    EXPECT_FALSE(d["reservation"]["open"].GetBool());
}

TEST_F(Reservations, AReservationExpiresByItselfAndTheConnectorIsFreeAgain) {
    start_charger();
    const auto made = reserve(1, "DRIVER-A", in_seconds(4));
    ASSERT_EQ(made.status, 201) << made.body;
    const std::int64_t id = parse_json(made.body)["reservation"]["id"].GetInt64();
    EXPECT_TRUE(wait_until([&] { return status_of(id) == "expired"; }, 15s))
        << api("GET", "/api/v1/reservations/" + std::to_string(id)).body;
    EXPECT_TRUE(wait_until([&] { return connector_status(1) == "Available"; }, 10s));
    EXPECT_EQ(api("GET", "/api/v1/reservations/" + std::to_string(id)).body.find("\"endedAt\":null"),
              std::string::npos);
    // Expired: the connector takes a new reservation, and the old one cannot be cancelled.
    EXPECT_EQ(api("DELETE", "/api/v1/reservations/" + std::to_string(id)).status, 409);
    EXPECT_EQ(reserve(1, "DRIVER-B", in_seconds(600)).status, 201);
}

TEST_F(Reservations, ACancelledReservationEndsAtTheChargerToo) {
    start_charger();
    const auto made = reserve(1, "DRIVER-A", in_seconds(600));
    ASSERT_EQ(made.status, 201) << made.body;
    const std::int64_t id = parse_json(made.body)["reservation"]["id"].GetInt64();
    EXPECT_TRUE(wait_until([&] { return connector_status(1) == "Reserved"; }, 10s));
    const auto cancelled = api("DELETE", "/api/v1/reservations/" + std::to_string(id));
    ASSERT_EQ(cancelled.status, 200) << cancelled.body;
    EXPECT_STREQ(parse_json(cancelled.body)["reservation"]["status"].GetString(), "cancelled");
    EXPECT_TRUE(wait_until([&] { return connector_status(1) == "Available"; }, 10s));
    EXPECT_EQ(remote_start(1, "DRIVER-B"), "Accepted"); // nobody holds it any more
    const auto again = api("DELETE", "/api/v1/reservations/" + std::to_string(id));
    EXPECT_EQ(again.status, 409) << again.body;
    const auto listed = parse_json(api("GET", "/api/v1/reservations?chargeBoxId=RSV000001&status=cancelled").body);
    ASSERT_EQ(listed["reservations"].Size(), 1u);
    EXPECT_EQ(listed["reservations"][0]["id"].GetInt64(), id);
}

TEST_F(Reservations, ConnectorZeroOnlyWhereTheChargerDeclaresIt) {
    start_charger();
    const auto refused = reserve(0, "DRIVER-A", in_seconds(600));
    EXPECT_EQ(refused.status, 422) << refused.body;
    EXPECT_STREQ(parse_json(refused.body)["field"].GetString(), "connectorId");
    EXPECT_EQ(parse_json(api("GET", "/api/v1/reservations").body)["reservations"].Size(), 0u);
}

TEST_F(Reservations, ConnectorZeroReservesTheChargerWhereSupported) {
    start_charger("config:\n  ReserveConnectorZeroSupported: \"true\"\n");
    const auto made = reserve(0, "DRIVER-A", in_seconds(600));
    ASSERT_EQ(made.status, 201) << made.body;
    const std::int64_t id = parse_json(made.body)["reservation"]["id"].GetInt64();
    EXPECT_EQ(remote_start(1, "DRIVER-A"), "Accepted");
    EXPECT_TRUE(wait_until([&] { return status_of(id) == "used"; }, 15s)) << file_text(base_ + ".sim.log");
}

TEST_F(Reservations, AnotherChargerCannotEndAReservationByNamingItsId) {
    start_charger();
    const auto made = reserve(1, "DRIVER-A", in_seconds(600));
    ASSERT_EQ(made.status, 201) << made.body;
    const std::int64_t id = parse_json(made.body)["reservation"]["id"].GetInt64();
    create_charger("RSVOTHER01", "other-password");
    commission_charger("RSVOTHER01");
    ControlledCharger other(port_, "RSVOTHER01", "other-password");
    ASSERT_TRUE(other.start()) << other.error();
    const auto answered =
        other.send("StartTransaction", R"({"connectorId":1,"idTag":"DRIVER-A","meterStart":0,"reservationId":)" +
                                           std::to_string(id) + R"(,"timestamp":")" + in_seconds(0) + R"("})");
    ASSERT_TRUE(answered.result) << answered.error_code;
    EXPECT_EQ(status_of(id), "active");
    EXPECT_NE(api("GET", "/api/v1/notifications").body.find("foreignReservation"), std::string::npos);
}

TEST_F(Reservations, EveryBadInputIsA4xxNamingTheFieldAndStoresNothing) {
    start_charger();
    ASSERT_EQ(api("POST", "/api/v1/idtags", R"({"idTag":"DRIVER-BLK","status":"Blocked"})").status / 100, 2);
    const std::string later = in_seconds(600);
    struct Case {
        std::string body;
        int status;
        std::string field;
    };
    const std::vector<Case> cases{
        {R"({"connectorId":1,"idTag":"DRIVER-A","expiryDate":")" + later + R"("})", 422, "chargeBoxId"},
        {R"({"chargeBoxId":"bad id!","connectorId":1,"idTag":"DRIVER-A","expiryDate":")" + later + R"("})", 422,
         "chargeBoxId"},
        {R"({"chargeBoxId":"NOSUCH0001","connectorId":1,"idTag":"DRIVER-A","expiryDate":")" + later + R"("})", 422,
         "chargeBoxId"},
        {R"({"chargeBoxId":"RSV000001","idTag":"DRIVER-A","expiryDate":")" + later + R"("})", 422, "connectorId"},
        {R"({"chargeBoxId":"RSV000001","connectorId":-1,"idTag":"DRIVER-A","expiryDate":")" + later + R"("})", 422,
         "connectorId"},
        {R"({"chargeBoxId":"RSV000001","connectorId":"1","idTag":"DRIVER-A","expiryDate":")" + later + R"("})", 422,
         "connectorId"},
        {R"({"chargeBoxId":"RSV000001","connectorId":101,"idTag":"DRIVER-A","expiryDate":")" + later + R"("})", 422,
         "connectorId"},
        {R"({"chargeBoxId":"RSV000001","connectorId":1,"expiryDate":")" + later + R"("})", 422, "idTag"},
        {R"({"chargeBoxId":"RSV000001","connectorId":1,"idTag":"","expiryDate":")" + later + R"("})", 422, "idTag"},
        {R"({"chargeBoxId":"RSV000001","connectorId":1,"idTag":"X123456789012345678901","expiryDate":")" + later +
             R"("})",
         422, "idTag"},
        {R"({"chargeBoxId":"RSV000001","connectorId":1,"idTag":"UNKNOWN-TAG","expiryDate":")" + later + R"("})", 422,
         "idTag"},
        {R"({"chargeBoxId":"RSV000001","connectorId":1,"idTag":"DRIVER-BLK","expiryDate":")" + later + R"("})", 422,
         "idTag"},
        {R"({"chargeBoxId":"RSV000001","connectorId":1,"idTag":"DRIVER-A"})", 422, "expiryDate"},
        {R"({"chargeBoxId":"RSV000001","connectorId":1,"idTag":"DRIVER-A","expiryDate":"tomorrow"})", 422,
         "expiryDate"},
        {R"({"chargeBoxId":"RSV000001","connectorId":1,"idTag":"DRIVER-A","expiryDate":")" + in_seconds(-60) + R"("})",
         422, "expiryDate"},
        {R"({"chargeBoxId":"RSV000001","connectorId":1,"idTag":"DRIVER-A","expiryDate":")" + in_seconds(25 * 3600) +
             R"("})",
         422, "expiryDate"},
        {R"({"chargeBoxId":"RSV000001","connectorId":1,"idTag":"DRIVER-A","expiryDate":")" + later + R"(","extra":1})",
         422, "extra"},
    };
    for (const auto& c : cases) {
        const auto r = api("POST", "/api/v1/reservations", c.body);
        EXPECT_EQ(r.status, c.status) << c.body << " -> " << r.body;
        const auto d = parse_json(r.body);
        ASSERT_TRUE(d.IsObject() && d.HasMember("field")) << c.body << " -> " << r.body;
        EXPECT_EQ(std::string(d["field"].GetString()), c.field) << c.body << " -> " << r.body;
    }
    EXPECT_EQ(api("POST", "/api/v1/reservations", "not json").status, 400);
    EXPECT_EQ(api("POST", "/api/v1/reservations", "[1]").status / 100, 4);
    const std::vector<std::pair<std::string, std::string>> gets{
        {"/api/v1/reservations/0", "reservationId"},
        {"/api/v1/reservations/abc", "reservationId"},
        {"/api/v1/reservations?status=maybe", "status"},
        {"/api/v1/reservations?chargeBoxId=a%20b", "chargeBoxId"},
    };
    for (const auto& [path, field] : gets) {
        const auto r = api("GET", path);
        EXPECT_EQ(r.status, 400) << path << " -> " << r.body;
        EXPECT_NE(r.body.find("\"field\":\"" + field + "\""), std::string::npos) << path << " -> " << r.body;
    }
    EXPECT_EQ(api("GET", "/api/v1/reservations/999").status, 404);
    EXPECT_EQ(api("DELETE", "/api/v1/reservations/999").status, 404);
    EXPECT_EQ(api("DELETE", "/api/v1/reservations/x").status, 400);
    EXPECT_EQ(parse_json(api("GET", "/api/v1/reservations").body)["reservations"].Size(), 0u);
    // A charger that is not connected: nothing stored.
    create_charger("RSVOFF0001", "off-password");
    commission_charger("RSVOFF0001");
    const auto offline =
        api("POST", "/api/v1/reservations",
            R"({"chargeBoxId":"RSVOFF0001","connectorId":1,"idTag":"DRIVER-A","expiryDate":")" + later + R"("})");
    EXPECT_EQ(offline.status, 409) << offline.body;
    EXPECT_EQ(parse_json(api("GET", "/api/v1/reservations").body)["reservations"].Size(), 0u);
}

} // namespace

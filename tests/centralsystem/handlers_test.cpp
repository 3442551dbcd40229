// The handshake decisions and the OCPP handlers over the in-memory transport, on a ManualExecutor, with a real
// store worker on a temporary SQLite file.
#include "tests/centralsystem/handlers_fixture.hpp"

namespace {

using namespace cs_test;
using namespace ocpp::v16;
using namespace std::chrono_literals;

TEST_F(HandlersTest, HandshakeRefusesUnknownAndWrongPassword) {
    EXPECT_EQ(decide(handshake("NOPE", std::string("x"))).status, 401);
    EXPECT_EQ(decide(handshake("CB-1", std::string("wrong-password"))).status, 401);
    EXPECT_EQ(decide(handshake("CB-1", std::nullopt)).status, 401);
    EXPECT_EQ(decide(handshake("CB-1", std::string("right-password"))).status, 0);
}

TEST_F(HandlersTest, AcceptAnyPasswordCapturesOnce) {
    central_->put_credentials("CB-1", cs::Credentials{"", cs::ChargerStatus::Planned, true});
    EXPECT_EQ(decide(handshake("CB-1", std::string("captured-pass"))).status, 0);
    EXPECT_FALSE(central_->credentials("CB-1")->accept_any_password);
    EXPECT_EQ(decide(handshake("CB-1", std::string("another-pass"))).status, 401);
    EXPECT_EQ(decide(handshake("CB-1", std::string("captured-pass"))).status, 0);
}

TEST_F(HandlersTest, AutoRegisterTakesThePresentedPassword) {
    cs::CentralConfig cfg;
    cfg.auto_register = true;
    central_ = std::make_unique<cs::CentralSystem>(cfg, loop_, *worker_, *schemas_, log_);
    EXPECT_EQ(decide(handshake("NEW-1", std::string("lab-password"))).status, 0);
    ASSERT_NE(central_->credentials("NEW-1"), nullptr);
    EXPECT_EQ(central_->credentials("NEW-1")->status, cs::ChargerStatus::Planned);
    EXPECT_EQ(decide(handshake("NEW-1", std::string("other-password"))).status, 401);
}

// A password not seen before is checked (PBKDF2) off the loop and answered later; once it passed, a reconnect is
// answered at once (one HMAC); a new password forgets the old one.
TEST_F(HandlersTest, HandshakeChecksNewPasswordsOffTheLoopAndRemembersThem) {
    central_->put_credentials(
        "CB-1", cs::Credentials{store::hash_password("slow-password"), cs::ChargerStatus::Planned, false});
    std::optional<ocpp::net::HandshakeDecision> first;
    central_->on_handshake(handshake("CB-1", std::string("slow-password")),
                           [&](ocpp::net::HandshakeDecision d) { first = std::move(d); });
    EXPECT_FALSE(first.has_value()) << "PBKDF2 must not run on the loop";
    ASSERT_TRUE(run_until([&] { return first.has_value(); }));
    EXPECT_EQ(first->status, 0);
    for (int i = 0; i < 50; ++i) {
        std::optional<ocpp::net::HandshakeDecision> again;
        central_->on_handshake(handshake("CB-1", std::string("slow-password")),
                               [&](ocpp::net::HandshakeDecision d) { again = std::move(d); });
        ASSERT_TRUE(again.has_value()) << "a remembered password is answered at once";
        ASSERT_EQ(again->status, 0);
    }
    EXPECT_EQ(decide(handshake("CB-1", std::string("slow-passwore"))).status, 401);
    std::optional<ocpp::net::HandshakeDecision> wrong;
    central_->on_handshake(handshake("CB-1", std::string("slow-passwore")),
                           [&](ocpp::net::HandshakeDecision d) { wrong = std::move(d); });
    ASSERT_TRUE(wrong.has_value()) << "a repeated wrong password is refused at once";
    EXPECT_EQ(wrong->status, 401);
    // The same hash again (e.g. a status change through the API) keeps the memo; a new hash drops it.
    central_->put_credentials(
        "CB-1", cs::Credentials{central_->credentials("CB-1")->password_hash, cs::ChargerStatus::Operational});
    EXPECT_EQ(decide(handshake("CB-1", std::string("slow-password"))).status, 0);
    central_->put_credentials(
        "CB-1", cs::Credentials{store::hash_password("new-password", 1000), cs::ChargerStatus::Operational});
    EXPECT_EQ(decide(handshake("CB-1", std::string("slow-password"))).status, 401);
    EXPECT_EQ(decide(handshake("CB-1", std::string("new-password"))).status, 0);
}

// A charger that retries while its password is being checked waits for that one check; a password changed during
// the check is decided on the new hash.
TEST_F(HandlersTest, HandshakesWaitingForOneCheckShareItAndSeeChangesMadeMeanwhile) {
    std::vector<int> statuses;
    auto keep = [&](ocpp::net::HandshakeDecision d) { statuses.push_back(d.status); };
    central_->on_handshake(handshake("CB-1", std::string("right-password")), keep);
    central_->on_handshake(handshake("CB-1", std::string("right-password")), keep);
    EXPECT_TRUE(statuses.empty());
    ASSERT_TRUE(run_until([&] { return statuses.size() == 2; }));
    EXPECT_EQ(statuses, (std::vector<int>{0, 0}));

    statuses.clear();
    central_->on_handshake(handshake("CB-1", std::string("old-password")), keep);
    central_->put_credentials(
        "CB-1", cs::Credentials{store::hash_password("old-password", 1000), cs::ChargerStatus::Operational});
    ASSERT_TRUE(run_until([&] { return statuses.size() == 1; }));
    EXPECT_EQ(statuses[0], 0) << "checked again against the hash that is there now";
}

// A captured or auto-registered password is hashed off the loop and then stored; a restart would verify it.
TEST_F(HandlersTest, TakenPasswordsAreHashedOffTheLoopAndStored) {
    auto stored_hash = [&](const std::string& id) {
        std::optional<std::string> hash;
        central_->store<std::string>(
            [id](store::Connection& db) -> ocpp::Result<std::string> {
                auto c = cs::db::find_charger(db, id);
                if (!c) {
                    return c.error();
                }
                return *c && !(*c)->accept_any_password ? (*c)->password_hash : std::string();
            },
            [&](ocpp::Result<std::string> r) { hash = r ? *r : std::string(); });
        EXPECT_TRUE(run_until([&] { return hash.has_value(); }));
        return hash.value_or("");
    };
    central_->put_credentials("CB-1", cs::Credentials{"", cs::ChargerStatus::Planned, true});
    ASSERT_EQ(decide(handshake("CB-1", std::string("captured-pass"))).status, 0);
    EXPECT_TRUE(run_until([&] { return !central_->password_pending("CB-1"); }));
    EXPECT_TRUE(store::verify_password("captured-pass", stored_hash("CB-1")));

    cs::CentralConfig cfg;
    cfg.auto_register = true;
    central_ = std::make_unique<cs::CentralSystem>(cfg, loop_, *worker_, *schemas_, log_);
    ASSERT_EQ(decide(handshake("NEW-2", std::string("lab-password"))).status, 0);
    EXPECT_TRUE(run_until([&] { return !central_->password_pending("NEW-2"); }));
    EXPECT_TRUE(store::verify_password("lab-password", stored_hash("NEW-2")));
    EXPECT_EQ(decide(handshake("NEW-2", std::string("lab-password"))).status, 0);
    EXPECT_EQ(decide(handshake("NEW-2", std::string("other-password"))).status, 401);
}

TEST_F(HandlersTest, BootStatusAndAuthorize) {
    make_operational();
    connect();
    BootNotificationReq boot;
    boot.chargePointVendor = "ACME";
    boot.chargePointModel = "M1";
    auto b = call(boot);
    ASSERT_TRUE(b.ok()) << b.error_description;
    EXPECT_EQ(b.conf->status, RegistrationStatus::Accepted);
    EXPECT_EQ(b.conf->interval, 42);

    StatusNotificationReq st;
    st.connectorId = 1;
    st.status = ChargePointStatus::Charging;
    st.errorCode = ChargePointErrorCode::NoError;
    ASSERT_TRUE(call(st).ok());

    EXPECT_EQ(call(AuthorizeReq{"TAG-OK"}).conf->idTagInfo.status, AuthorizationStatus::Accepted);
    EXPECT_EQ(call(AuthorizeReq{"TAG-OLD"}).conf->idTagInfo.status, AuthorizationStatus::Expired);
    EXPECT_EQ(call(AuthorizeReq{"UNKNOWN"}).conf->idTagInfo.status, AuthorizationStatus::Invalid);

    std::optional<ocpp::Result<std::optional<cs::Charger>>> found;
    central_->store<std::optional<cs::Charger>>([](store::Connection& db) { return cs::db::find_charger(db, "CB-1"); },
                                                [&](auto r) { found = std::move(r); });
    ASSERT_TRUE(run_until([&] { return found.has_value(); }));
    const cs::Charger& c = found->value().value();
    EXPECT_EQ(c.boot.vendor, "ACME");
    ASSERT_EQ(c.charge_points.size(), 1u);
    EXPECT_EQ(c.charge_points[0].status, "Charging");
}

TEST_F(HandlersTest, TransactionIsStoredAndStopIsIdempotent) {
    make_operational();
    connect();
    StartTransactionReq start;
    start.connectorId = 1;
    start.idTag = "TAG-OK";
    start.meterStart = 1000;
    start.timestamp = ocpp::DateTime{clock_.wall_now()};
    auto s = call(start);
    ASSERT_TRUE(s.ok()) << s.error_description;
    EXPECT_GT(s.conf->transactionId, 0);
    EXPECT_EQ(s.conf->idTagInfo.status, AuthorizationStatus::Accepted);
    // A replayed start (offline queue) gets the same id.
    EXPECT_EQ(call(start).conf->transactionId, s.conf->transactionId);

    StopTransactionReq stop;
    stop.transactionId = s.conf->transactionId;
    stop.meterStop = 2500;
    stop.timestamp = ocpp::DateTime{clock_.wall_now() + std::chrono::minutes(5)};
    MeterValue mv;
    mv.timestamp = stop.timestamp;
    SampledValue sv;
    sv.value = "2500";
    mv.sampledValue.push_back(sv);
    stop.transactionData = std::vector<MeterValue>{mv};
    ASSERT_TRUE(call(stop).ok());
    stop.meterStop = 99999;
    ASSERT_TRUE(call(stop).ok()); // duplicate: answered, nothing changes

    std::optional<ocpp::Result<std::vector<cs::Transaction>>> list;
    central_->store<std::vector<cs::Transaction>>(
        [](store::Connection& db) { return cs::db::list_transactions(db, "CB-1", 10); },
        [&](auto r) { list = std::move(r); });
    ASSERT_TRUE(run_until([&] { return list.has_value(); }));
    ASSERT_EQ(list->value().size(), 1u);
    EXPECT_EQ(list->value()[0].meter_stop.value_or(0), 2500);
    EXPECT_EQ(list->value()[0].meter_values, 1);
}

TEST_F(HandlersTest, SecondConnectionReplacesTheFirst) {
    connect();
    auto first = cp_;
    connect();
    run_until([&] { return !first->is_open(); });
    EXPECT_FALSE(first->is_open());
    EXPECT_EQ(central_->connected(), 1u);
    EXPECT_TRUE(call(HeartbeatReq{}).ok());
}

TEST_F(HandlersTest, StrictModeRefusesABadPayload) {
    connect();
    std::optional<ocpp::RawOutcome> out;
    std::string code;
    cp_->call_text(
        "StartTransaction", R"({"connectorId":1,"idTag":"TAG-OK","meterStart":"x","timestamp":"2026-01-01T00:00:00Z"})",
        [&](ocpp::RawOutcome o) {
            code = o.error_code;
            out = std::move(o);
        },
        {}, false);
    ASSERT_TRUE(run_until([&] { return out.has_value(); }));
    EXPECT_EQ(out->status, ocpp::CallStatus::CallError);
    EXPECT_EQ(code, "TypeConstraintViolation");
}

TEST_F(HandlersTest, NotificationsForFaultedCapturedAndOffline) {
    central_->put_credentials("CB-1", cs::Credentials{"", cs::ChargerStatus::Planned, true});
    EXPECT_EQ(decide(handshake("CB-1", std::string("captured-pass"))).status, 0);
    connect();
    StatusNotificationReq st;
    st.connectorId = 2;
    st.status = ChargePointStatus::Faulted;
    st.errorCode = ChargePointErrorCode::GroundFailure;
    ASSERT_TRUE(call(st).ok());
    st.status = ChargePointStatus::Available; // not a notification
    st.errorCode = ChargePointErrorCode::NoError;
    ASSERT_TRUE(call(st).ok());
    cp_->close(1000, "bye");
    ASSERT_TRUE(run_until([&] { return central_->connected() == 0; }));

    // Stored through the worker: read them back the same way.
    std::optional<ocpp::Result<cs::db::NotificationPage>> page;
    central_->store<cs::db::NotificationPage>(
        [](store::Connection& db) { return cs::db::list_notifications(db, cs::db::NotificationQuery{}); },
        [&](ocpp::Result<cs::db::NotificationPage> r) { page = std::move(r); });
    ASSERT_TRUE(run_until([&] { return page.has_value(); }));
    ASSERT_TRUE(page->ok());
    const auto& all = (*page)->items;
    ASSERT_EQ(all.size(), 3u);
    EXPECT_EQ(all[0].kind, "offline");
    EXPECT_EQ(all[1].kind, "faulted");
    EXPECT_NE(all[1].message.find("connector 2"), std::string::npos);
    EXPECT_NE(all[1].message.find("GroundFailure"), std::string::npos);
    EXPECT_EQ(all[2].kind, "passwordCaptured");
    for (const auto& n : all) {
        EXPECT_EQ(n.chargebox_id, "CB-1");
        EXPECT_FALSE(n.at.empty());
    }
}

} // namespace

// Checks 4–8 evaluated on recorded input: boot payloads, statuses, heartbeat timing, clock skew, call answers and
// meter readings.
#include <gtest/gtest.h>

#include "tester/checks/boot.hpp"
#include "tester/checks/calls.hpp"
#include "tester/checks/charging.hpp"
#include "tester/checks/heartbeat.hpp"
#include "tester/checks/status.hpp"

using namespace std::chrono_literals;
using tester::Verdict;

namespace {

TEST(BootChecks, FirstMessageIsClassified) {
    EXPECT_EQ(tester::check_boot_first(tester::classify_first_message(R"([2,"1","BootNotification",{}])"), 12).verdict,
              Verdict::Pass);
    auto status = tester::check_boot_first(
        tester::classify_first_message(R"([2,"1","StatusNotification",{"connectorId":0}])"), 12);
    EXPECT_EQ(status.verdict, Verdict::Fail);
    EXPECT_NE(status.seen.find("StatusNotification"), std::string::npos);
    EXPECT_NE(status.hint.find("BootNotification as the first message"), std::string::npos);
    auto junk = tester::check_boot_first(tester::classify_first_message("hello"), 12);
    EXPECT_NE(junk.seen.find("not a valid OCPP-J frame"), std::string::npos);
}

TEST(BootChecks, FactsAreReadEvenFromAnInvalidPayload) {
    rapidjson::Document d;
    d.Parse(R"({"chargePointVendor":"A vendor name that is far too long","chargePointModel":"M",
                "chargeBoxSerialNumber":"CBS-1","iccid":"8931","imsi":"2040","meterType":"EM340"})");
    tester::ChargerFacts facts;
    tester::read_boot_facts(d, facts);
    EXPECT_EQ(facts.vendor, "A vendor name that is far too long");
    EXPECT_EQ(facts.serial, "CBS-1");
    EXPECT_EQ(facts.iccid, "8931");
    auto o = tester::check_boot_payload(facts, {{"/chargePointVendor", "maxLength", "is 34 characters long"}});
    EXPECT_EQ(o.verdict, Verdict::Fail);
    ASSERT_EQ(o.details.size(), 1u);
    EXPECT_NE(o.details[0].find("/chargePointVendor maxLength"), std::string::npos);
    EXPECT_EQ(tester::check_boot_payload(facts, {}).verdict, Verdict::Pass);
}

tester::StatusSeen st(int c, const char* status = "Available", const char* code = "NoError") {
    return tester::StatusSeen{c, status, code, "", ""};
}

TEST(StatusChecks, EveryConnectorAndConnectorZero) {
    EXPECT_EQ(tester::check_statuses({st(0), st(1), st(2)}, 2).verdict, Verdict::Pass);
    auto missing = tester::check_statuses({st(1)}, 2);
    EXPECT_EQ(missing.verdict, Verdict::Warn);
    EXPECT_NE(missing.seen.find("no status for connector 0, 2"), std::string::npos) << missing.seen;
    EXPECT_EQ(tester::check_statuses({}, 2).verdict, Verdict::Fail);
}

TEST(StatusChecks, ErrorCodesAreWarningsWithHints) {
    auto o = tester::check_statuses({st(0), st(1, "Faulted", "GroundFailure"), st(2)}, std::nullopt);
    EXPECT_EQ(o.verdict, Verdict::Warn);
    EXPECT_NE(o.hint.find("electrician"), std::string::npos);
    EXPECT_FALSE(tester::error_code_hint("PowerMeterFailure").empty());
    EXPECT_TRUE(tester::error_code_hint("NoError").empty());
}

using TP = ocpp::Clock::TimePoint;

TEST(HeartbeatWatch, OnTimeWithinTenPercentPlusTwoSeconds) {
    tester::HeartbeatWatch w(30s);
    w.booted(TP{} + 1s);
    EXPECT_EQ(w.deadline(), TP{} + 1s + 30s + 5s);
    auto o = w.heartbeat(TP{} + 1s + 34s);
    ASSERT_TRUE(o);
    EXPECT_EQ(o->verdict, Verdict::Pass);
    EXPECT_NEAR(w.measured_ms(), 34000, 1);
}

TEST(HeartbeatWatch, TheOldIntervalFails) {
    tester::HeartbeatWatch w(60s);
    w.booted(TP{});
    auto o = w.heartbeat(TP{} + 30s);
    ASSERT_TRUE(o);
    EXPECT_EQ(o->verdict, Verdict::Fail);
    EXPECT_NE(o->seen.find("interval not applied"), std::string::npos);
    EXPECT_NE(o->seen.find("too early"), std::string::npos);
}

TEST(HeartbeatWatch, ASyncHeartbeatRightAfterBootIsIgnoredOnce) {
    tester::HeartbeatWatch w(60s);
    w.booted(TP{});
    EXPECT_FALSE(w.heartbeat(TP{} + 1s));
    auto o = w.heartbeat(TP{} + 60s);
    ASSERT_TRUE(o);
    EXPECT_EQ(o->verdict, Verdict::Pass);
}

TEST(HeartbeatWatch, OtherTrafficMayPostponeTheHeartbeat) {
    tester::HeartbeatWatch w(30s);
    w.booted(TP{});
    w.message(TP{} + 20s);
    EXPECT_EQ(w.deadline(), TP{} + 20s + 35s);
    auto o = w.heartbeat(TP{} + 50s);
    ASSERT_TRUE(o);
    EXPECT_EQ(o->verdict, Verdict::Pass) << o->seen;
}

TEST(HeartbeatWatch, ExpiredNamesTheChargersOwnSetting) {
    tester::HeartbeatWatch w(30s);
    w.booted(TP{});
    auto o = w.expired(TP{} + 35s, 300);
    EXPECT_EQ(o.verdict, Verdict::Fail);
    EXPECT_NE(o.seen.find("still 300 s"), std::string::npos);
    EXPECT_NE(o.hint.find("interval not applied"), std::string::npos);
}

// A charger that ignores the interval but sends one Heartbeat right after boot: with a short interval the old
// tolerance (10 % + 2 s) let 0.0 s count as the interval. A lone Heartbeat right after boot is no evidence.
TEST(HeartbeatWatch, ALoneHeartbeatRightAfterBootIsNoEvidenceEvenAtShortIntervals) {
    for (auto interval : {1s, 2s, 3s, 30s}) {
        tester::HeartbeatWatch w(interval);
        w.booted(TP{});
        EXPECT_FALSE(w.heartbeat(TP{} + 10ms)) << interval.count() << " s: taken as a clock sync, not as a pass";
        const auto deadline = w.deadline();
        EXPECT_LE(deadline, TP{} + 10ms + interval + w.tolerance());
        auto o = w.expired(deadline, 300);
        EXPECT_EQ(o.verdict, Verdict::Fail) << interval.count() << " s";
        EXPECT_NE(o.hint.find("interval not applied"), std::string::npos);
    }
}

TEST(HeartbeatWatch, TwoHeartbeatsSpacedByAShortIntervalPass) {
    tester::HeartbeatWatch w(2s);
    w.booted(TP{});
    EXPECT_FALSE(w.heartbeat(TP{} + 50ms)); // the clock sync
    auto o = w.heartbeat(TP{} + 50ms + 2s);
    ASSERT_TRUE(o);
    EXPECT_EQ(o->verdict, Verdict::Pass) << o->seen;
    EXPECT_NE(o->seen.find("after the previous Heartbeat"), std::string::npos) << o->seen;
}

TEST(HeartbeatWatch, AHeartbeatMustComeAtLeastFourFifthsOfTheIntervalAfterItsReference) {
    EXPECT_EQ(tester::HeartbeatWatch(2s).shortest(), 1600ms);
    EXPECT_EQ(tester::HeartbeatWatch(30s).shortest(), 25s); // interval - (10 % + 2 s) is the longer one here
    tester::HeartbeatWatch w(2s);
    w.booted(TP{});
    EXPECT_FALSE(w.heartbeat(TP{} + 1s));    // early: a sync at most
    auto o = w.heartbeat(TP{} + 1s + 500ms); // and a second one as early: its own, faster interval
    ASSERT_TRUE(o);
    EXPECT_EQ(o->verdict, Verdict::Fail);
    EXPECT_NE(o->seen.find("too early"), std::string::npos) << o->seen;
}

TEST(HeartbeatWatch, AtTheIntervalAfterTheBootAnswerPassesDespiteTrafficInBetween) {
    tester::HeartbeatWatch w(2s);
    w.booted(TP{});
    w.message(TP{} + 500ms); // e.g. the StatusNotification that TriggerMessage asked for
    auto o = w.heartbeat(TP{} + 2s);
    ASSERT_TRUE(o);
    EXPECT_EQ(o->verdict, Verdict::Pass) << o->seen;
}

TEST(ClockSkew, ThresholdsAndTheClosestSample) {
    const ocpp::DateTime now = ocpp::DateTime::from_unix_ms(1767225600000);
    tester::ClockSkew none;
    EXPECT_EQ(none.outcome().verdict, Verdict::Skipped);
    tester::ClockSkew fine;
    fine.sample(now + 3h, now, "StatusNotification"); // a stale status time...
    fine.sample(now + 2s, now, "StatusNotification"); // ...does not hide a good clock
    EXPECT_EQ(fine.outcome().verdict, Verdict::Pass);
    tester::ClockSkew warn;
    warn.sample(now + (-90s), now, "StatusNotification");
    EXPECT_EQ(warn.outcome().verdict, Verdict::Warn);
    EXPECT_NE(warn.outcome().seen.find("behind"), std::string::npos);
    tester::ClockSkew fail;
    fail.sample(now + 11min, now, "StartTransaction");
    EXPECT_EQ(fail.outcome().verdict, Verdict::Fail);
}

TEST(CallChecks, GetConfigurationRecordsTheKeys) {
    ocpp::CallOutcome<ocpp::v16::GetConfigurationConf> out;
    out.conf = ocpp::v16::GetConfigurationConf{};
    out.conf->configurationKey = std::vector<ocpp::v16::KeyValue>{
        {"NumberOfConnectors", true, std::string("2")},
        {"HeartbeatInterval", false, std::string("30")},
        {"SupportedFeatureProfiles", true, std::string("Core")},
        {"MeterValueSampleInterval", false, std::string("60")},
    };
    tester::ChargerFacts facts;
    auto o = tester::check_get_configuration(out, facts);
    EXPECT_EQ(o.verdict, Verdict::Pass);
    EXPECT_EQ(facts.connectors, 2);
    EXPECT_EQ(tester::config_int(facts, "HeartbeatInterval"), 30);
    out.conf->configurationKey->pop_back();
    EXPECT_EQ(tester::check_get_configuration(out, facts).verdict, Verdict::Warn);
}

TEST(CallChecks, FailuresReadWell) {
    ocpp::CallOutcome<ocpp::v16::GetConfigurationConf> timeout;
    timeout.status = ocpp::CallStatus::Timeout;
    timeout.error_description = "no answer within 30 s";
    tester::ChargerFacts facts;
    auto o = tester::check_get_configuration(timeout, facts);
    EXPECT_EQ(o.verdict, Verdict::Fail);
    EXPECT_NE(o.hint.find("did not answer"), std::string::npos);
    ocpp::CallOutcome<ocpp::v16::TriggerMessageConf> not_impl;
    not_impl.status = ocpp::CallStatus::CallError;
    not_impl.error_code = "NotImplemented";
    EXPECT_EQ(tester::check_trigger_answer(not_impl)->verdict, Verdict::Warn);
    ocpp::CallOutcome<ocpp::v16::TriggerMessageConf> accepted;
    accepted.conf = ocpp::v16::TriggerMessageConf{ocpp::v16::TriggerMessageStatus::Accepted};
    EXPECT_FALSE(tester::check_trigger_answer(accepted));
}

TEST(CallChecks, ConnectorAgreement) {
    EXPECT_FALSE(tester::check_connector_agreement(2, {0, 1, 2}));
    EXPECT_FALSE(tester::check_connector_agreement(std::nullopt, {0, 1}));
    auto o = tester::check_connector_agreement(2, {0, 1});
    ASSERT_TRUE(o);
    EXPECT_EQ(o->verdict, Verdict::Warn);
}

ocpp::v16::MeterValue mv(long long ms, const char* value, std::optional<ocpp::v16::UnitOfMeasure> unit = {}) {
    ocpp::v16::MeterValue m;
    m.timestamp = ocpp::DateTime::from_unix_ms(ms);
    ocpp::v16::SampledValue s;
    s.value = value;
    s.unit = unit;
    m.sampledValue.push_back(s);
    ocpp::v16::SampledValue power;
    power.value = "7000";
    power.measurand = ocpp::v16::Measurand::Power_Active_Import;
    m.sampledValue.push_back(power);
    return m;
}

TEST(ChargingChecks, EnergyMustNeverDecrease) {
    std::vector<tester::EnergyReading> r{{ocpp::DateTime::from_unix_ms(1000), 1000, "meterStart"}};
    tester::collect_energy({mv(2000, "1.1", ocpp::v16::UnitOfMeasure::kWh), mv(3000, "1200")}, "MeterValues", r);
    ASSERT_EQ(r.size(), 3u) << "power values are not energy";
    EXPECT_DOUBLE_EQ(r[1].wh, 1100);
    EXPECT_EQ(tester::check_energy(r, 2, 2).verdict, Verdict::Pass);
    r.push_back({ocpp::DateTime::from_unix_ms(4000), 900, "meterStop"});
    auto o = tester::check_energy(r, 2, 2);
    EXPECT_EQ(o.verdict, Verdict::Fail);
    EXPECT_NE(o.seen.find("went down from 1200 Wh"), std::string::npos) << o.seen;
    EXPECT_EQ(tester::check_energy({}, 0, 0).verdict, Verdict::Fail);
    EXPECT_EQ(tester::check_energy({}, 1, 0).verdict, Verdict::Warn);
}

// meterStart and meterStop are whole Wh: 9.4 Wh in MeterValues then meterStop 9 is rounding, not a decrease. A drop
// of a whole Wh or more still fails, and between two MeterValues readings any drop does.
TEST(ChargingChecks, WholeWattHourFieldsRoundWithoutFailing) {
    std::vector<tester::EnergyReading> r{{ocpp::DateTime::from_unix_ms(1000), 0, "meterStart", 1.0}};
    tester::collect_energy({mv(2000, "9.4")}, "MeterValues", r);
    r.push_back({ocpp::DateTime::from_unix_ms(3000), 9, "meterStop", 1.0});
    EXPECT_EQ(tester::check_energy(r, 1, 1).verdict, Verdict::Pass);
    r.back().wh = 8;
    auto o = tester::check_energy(r, 1, 1);
    EXPECT_EQ(o.verdict, Verdict::Fail);
    EXPECT_NE(o.seen.find("from 9.400 Wh (MeterValues) to 8 Wh (meterStop"), std::string::npos) << o.seen;
    std::vector<tester::EnergyReading> m;
    tester::collect_energy({mv(2000, "9.4"), mv(3000, "9.3")}, "MeterValues", m);
    EXPECT_EQ(tester::check_energy(m, 2, 2).verdict, Verdict::Fail);
}

// "0 Wh charged over 0.0 s" passed before: a session must deliver energy and last as long as the tester asked.
TEST(ChargingChecks, NoEnergyDeliveredFails) {
    EXPECT_FALSE(tester::check_delivered(1000, 1025));
    auto o = tester::check_delivered(1000, 1000);
    ASSERT_TRUE(o);
    EXPECT_EQ(o->verdict, Verdict::Fail);
    EXPECT_NE(o->seen.find("no energy delivered"), std::string::npos) << o->seen;
    EXPECT_NE(o->seen.find("0 Wh charged"), std::string::npos) << o->seen;
    EXPECT_TRUE(tester::check_delivered(1000, 990));
}

TEST(ChargingChecks, ASessionShorterThanAskedFails) {
    tester::SessionSpan span;
    span.asked_s = 10;
    span.seen_s = 0.0;
    span.reported_s = 0.0;
    span.stopped_on_request = false;
    span.stop = "meterStop 1000 Wh, 0 Wh charged, reason Local";
    auto o = tester::check_session_span(span);
    EXPECT_EQ(o.verdict, Verdict::Fail);
    EXPECT_NE(o.seen.find("lasted 0.0 s; the tester asked for 10 s"), std::string::npos) << o.seen;

    span.seen_s = 10.2; // long enough on the tester's clock, but the charger's own timestamps say 0 s
    span.stopped_on_request = true;
    o = tester::check_session_span(span);
    EXPECT_EQ(o.verdict, Verdict::Fail);
    EXPECT_NE(o.seen.find("timestamps make the transaction 0.0 s long"), std::string::npos) << o.seen;

    span.reported_s = 10; // as asked
    EXPECT_EQ(tester::check_session_span(span).verdict, Verdict::Pass);
    span.stopped_on_request = false; // long enough, but ended by the charger itself
    EXPECT_EQ(tester::check_session_span(span).verdict, Verdict::Warn);
}

} // namespace

TEST(VerdictNames, EveryVerdictHasAName) {
    EXPECT_STREQ(tester::to_string(Verdict::Pending), "pending");
    EXPECT_STREQ(tester::to_string(Verdict::Running), "running");
    EXPECT_STREQ(tester::to_string(Verdict::Pass), "pass");
    EXPECT_STREQ(tester::to_string(Verdict::Warn), "warn");
    EXPECT_STREQ(tester::to_string(Verdict::Fail), "fail");
    EXPECT_STREQ(tester::to_string(Verdict::Skipped), "skipped");
}

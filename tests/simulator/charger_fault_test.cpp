// Connector faults on a simulated charger: raised by a model's faulted_connectors or a DataTransfer, a Faulted
// StatusNotification with its errorCode, ReserveNow answered Faulted, no session there, and clearing it. Also the
// Scheduled ChangeAvailability of connector 0, which waits for the running transactions to end.
#include <gtest/gtest.h>

#include "fake_central_system.hpp"
#include "simulator/charger_model.hpp"

using namespace std::chrono_literals;
using namespace ocpp::v16;
using sim::Charger;

namespace {

class ChargerFault : public sim::testing::ChargerFixture {
protected:
    ReservationStatus reserve(int connector, int id) {
        ReserveNowReq req;
        req.connectorId = connector;
        req.reservationId = id;
        req.idTag = "HOLDER";
        req.expiryDate = ocpp::DateTime{clock.wall_now()} + 1h;
        auto out = ask(req);
        EXPECT_TRUE(out.ok());
        return out.ok() ? out.conf->status : ReservationStatus::Rejected;
    }
    DataTransferStatus transfer(std::string message_id, std::optional<std::string> data) {
        DataTransferReq req;
        req.vendorId = "ocppkit";
        req.messageId = std::move(message_id);
        req.data = std::move(data);
        auto out = ask(req);
        EXPECT_TRUE(out.ok());
        return out.ok() ? out.conf->status : DataTransferStatus::Rejected;
    }
    const StatusNotificationReq* last_status(int connector) const {
        for (auto it = cs.statuses.rbegin(); it != cs.statuses.rend(); ++it) {
            if (it->connectorId == connector) {
                return &*it;
            }
        }
        return nullptr;
    }
    AvailabilityStatus availability(int connector, AvailabilityType type) {
        auto out = ask(ChangeAvailabilityReq{connector, type});
        EXPECT_TRUE(out.ok());
        return out.ok() ? out.conf->status : AvailabilityStatus::Rejected;
    }
};

TEST_F(ChargerFault, AFaultFromDataTransferMakesReserveNowAnswerFaultedUntilCleared) {
    auto ch = boot();
    ASSERT_EQ(transfer("fault", R"({"connectorId":2,"errorCode":"GroundFailure"})"), DataTransferStatus::Accepted);
    EXPECT_EQ(ch->connector_status(2), Charger::Status::Faulted);
    ASSERT_NE(last_status(2), nullptr);
    EXPECT_EQ(last_status(2)->status, ChargePointStatus::Faulted);
    EXPECT_EQ(last_status(2)->errorCode, ChargePointErrorCode::GroundFailure);
    EXPECT_EQ(reserve(2, 7), ReservationStatus::Faulted);
    EXPECT_EQ(reserve(1, 8), ReservationStatus::Accepted); // the other connector is not touched
    // No session starts on a faulted connector, neither plugged in nor remote.
    EXPECT_FALSE(ch->plug_in(2, "TAG-1"));
    EXPECT_EQ(ask(RemoteStartTransactionReq{2, "TAG-1", std::nullopt}).conf->status, RemoteStartStopStatus::Rejected);
    ex.advance(2s);
    EXPECT_TRUE(cs.starts.empty());

    ASSERT_EQ(transfer("clear-fault", R"({"connectorId":2})"), DataTransferStatus::Accepted);
    EXPECT_EQ(ch->connector_status(2), Charger::Status::Available);
    EXPECT_EQ(last_status(2)->status, ChargePointStatus::Available);
    EXPECT_EQ(last_status(2)->errorCode, ChargePointErrorCode::NoError);
    EXPECT_EQ(reserve(2, 9), ReservationStatus::Accepted);
}

TEST_F(ChargerFault, BadFaultRequestsAreRejectedAndChangeNothing) {
    auto ch = boot();
    for (const char* data : {"", "not json", "[]", R"({"errorCode":"GroundFailure"})", R"({"connectorId":"2"})",
                             R"({"connectorId":3})", R"({"connectorId":0})", R"({"connectorId":1,"errorCode":"Boom"})",
                             R"({"connectorId":1,"errorCode":"NoError"})", R"({"connectorId":1,"errorCode":7})"}) {
        EXPECT_EQ(transfer("fault", std::string(data)), DataTransferStatus::Rejected) << data;
    }
    EXPECT_EQ(transfer("fault", std::nullopt), DataTransferStatus::Rejected);
    EXPECT_EQ(transfer("clear-fault", R"({"connectorId":9})"), DataTransferStatus::Rejected);
    EXPECT_EQ(transfer("fault", std::string(2000, ' ') + R"({"connectorId":1})"), DataTransferStatus::Rejected);
    EXPECT_EQ(ch->connector_status(1), Charger::Status::Available);
    EXPECT_EQ(ch->connector_status(2), Charger::Status::Available);
    // Without an errorCode the fault is OtherError.
    ASSERT_EQ(transfer("fault", R"({"connectorId":1})"), DataTransferStatus::Accepted);
    EXPECT_EQ(last_status(1)->errorCode, ChargePointErrorCode::OtherError);
}

TEST_F(ChargerFault, AFaultDuringASessionStopsItAndTheConnectorEndsFaulted) {
    auto ch = boot();
    ASSERT_TRUE(ch->plug_in(1, "TAG-1"));
    ex.advance(1s);
    ASSERT_EQ(ch->connector_status(1), Charger::Status::Charging);
    ASSERT_TRUE(ch->raise_fault(1, ChargePointErrorCode::HighTemperature));
    ex.advance(5s);
    ASSERT_EQ(cs.stops.size(), 1u);
    EXPECT_EQ(cs.stops[0].reason, Reason::Other);
    EXPECT_EQ(ch->connector_status(1), Charger::Status::Faulted);
    EXPECT_EQ(last_status(1)->errorCode, ChargePointErrorCode::HighTemperature);
    ASSERT_TRUE(ch->clear_fault(1));
    EXPECT_EQ(ch->connector_status(1), Charger::Status::Available);
    EXPECT_TRUE(ch->plug_in(1, "TAG-1"));
}

TEST_F(ChargerFault, AModelsFaultedConnectorsAreFaultedFromTheFirstBoot) {
    auto m = sim::parse_charger_model("connectors: 2\nfaulted_connectors: {2: ConnectorLockFailure}\n", "m.yaml");
    ASSERT_TRUE(m) << m.error().message;
    sim::apply_model(*m, spec);
    auto ch = boot();
    EXPECT_EQ(ch->connector_status(2), Charger::Status::Faulted);
    ASSERT_NE(last_status(2), nullptr);
    EXPECT_EQ(last_status(2)->status, ChargePointStatus::Faulted);
    EXPECT_EQ(last_status(2)->errorCode, ChargePointErrorCode::ConnectorLockFailure);
    EXPECT_EQ(last_status(1)->errorCode, ChargePointErrorCode::NoError);
    EXPECT_EQ(reserve(2, 1), ReservationStatus::Faulted);
    // A fault stays across a reboot: the boot's StatusNotification says Faulted again.
    cs.statuses.clear();
    ASSERT_EQ(ask(ResetReq{ResetType::Soft}).conf->status, ResetStatus::Accepted);
    ex.advance(70s);
    ASSERT_NE(last_status(2), nullptr);
    EXPECT_EQ(last_status(2)->status, ChargePointStatus::Faulted);
}

TEST_F(ChargerFault, TheModelKeyTakesAListOrAMappingAndNamesBadInput) {
    auto list = sim::parse_charger_model("faulted_connectors: [1, 2]\n", "m.yaml");
    ASSERT_TRUE(list) << list.error().message;
    ASSERT_EQ(list->faulted_connectors->size(), 2u);
    EXPECT_EQ(list->faulted_connectors->at(1).second, ChargePointErrorCode::OtherError);
    const std::pair<const char*, const char*> bad[] = {
        {"faulted_connectors: 2\n", "m.yaml:1:21: faulted_connectors: expected a list of connectors or a mapping"},
        {"faulted_connectors: [0]\n", "m.yaml:1:22: faulted_connectors: expected a whole number from 1 to 100"},
        {"faulted_connectors: {1: Broken}\n", "faulted_connectors: expected an OCPP 1.6 ChargePointErrorCode"},
        {"faulted_connectors: {1: NoError}\n", "other than NoError"},
        {"connectors: 2\nfaulted_connectors: [3]\n", "connector 3 is beyond the model's 2 connectors"},
    };
    for (const auto& [text, expected] : bad) {
        auto m = sim::parse_charger_model(text, "m.yaml");
        ASSERT_FALSE(m) << text;
        EXPECT_NE(m.error().message.find(expected), std::string::npos) << m.error().message;
    }
}

// OCPP 1.6 5.2: during a transaction the answer is Scheduled and the change happens after it ends; connector 0 is
// the charge point and all connectors, so the charge point goes Unavailable only when the last session has ended.
TEST_F(ChargerFault, ConnectorZeroInoperativeDuringASessionWaitsForItsEnd) {
    auto ch = boot();
    ASSERT_TRUE(ch->plug_in(1, "TAG-1"));
    ex.advance(1s);
    cs.statuses.clear();
    EXPECT_EQ(availability(0, AvailabilityType::Inoperative), AvailabilityStatus::Scheduled);
    EXPECT_EQ(ch->connector_status(0), Charger::Status::Available) << "the charge point waits for the session";
    EXPECT_EQ(last_status(0), nullptr);
    EXPECT_EQ(ch->connector_status(1), Charger::Status::Charging);
    EXPECT_EQ(ch->connector_status(2), Charger::Status::Unavailable) << "an idle connector changes at once";
    EXPECT_FALSE(ch->plug_in(2, "TAG-2"));
    ch->unplug(1, Reason::Local);
    ex.advance(5s);
    EXPECT_EQ(ch->connector_status(1), Charger::Status::Unavailable);
    EXPECT_EQ(ch->connector_status(0), Charger::Status::Unavailable);
    ASSERT_NE(last_status(0), nullptr);
    EXPECT_EQ(last_status(0)->status, ChargePointStatus::Unavailable);
    // Operative again: everything back to Available, and an Operative while scheduled cancels the change.
    EXPECT_EQ(availability(0, AvailabilityType::Operative), AvailabilityStatus::Accepted);
    EXPECT_EQ(ch->connector_status(0), Charger::Status::Available);
    EXPECT_EQ(ch->connector_status(1), Charger::Status::Available);
    ASSERT_TRUE(ch->plug_in(1, "TAG-1"));
    ex.advance(1s);
    EXPECT_EQ(availability(0, AvailabilityType::Inoperative), AvailabilityStatus::Scheduled);
    EXPECT_EQ(availability(0, AvailabilityType::Operative), AvailabilityStatus::Accepted);
    ch->unplug(1, Reason::Local);
    ex.advance(5s);
    EXPECT_EQ(ch->connector_status(0), Charger::Status::Available);
    EXPECT_EQ(ch->connector_status(1), Charger::Status::Available);
}

} // namespace

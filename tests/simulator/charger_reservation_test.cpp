// Reservations on a simulated charger: ReserveNow answers, the Reserved status, expiry, who may start, cancel.
#include <gtest/gtest.h>

#include "fake_central_system.hpp"

using namespace std::chrono_literals;
using namespace ocpp::v16;
using sim::Charger;

namespace {

class ChargerReservation : public sim::testing::ChargerFixture {
protected:
    ReservationStatus reserve(int connector, int id, std::string tag, ocpp::Clock::Duration valid = 1h,
                              std::optional<std::string> parent = std::nullopt) {
        ReserveNowReq req;
        req.connectorId = connector;
        req.reservationId = id;
        req.idTag = std::move(tag);
        req.parentIdTag = std::move(parent);
        req.expiryDate = ocpp::DateTime{clock.wall_now()} + valid;
        auto out = ask(req);
        EXPECT_TRUE(out.ok());
        return out.ok() ? out.conf->status : ReservationStatus::Rejected;
    }
    ChargePointStatus last_status(int connector) const {
        for (auto it = cs.statuses.rbegin(); it != cs.statuses.rend(); ++it) {
            if (it->connectorId == connector) {
                return it->status;
            }
        }
        return ChargePointStatus::Faulted;
    }
    // Authorize answers name this parent for every tag starting with "G-".
    void group_tags(std::string parent) {
        cs.peer->on<AuthorizeReq>([parent](const AuthorizeReq& req, ocpp::Reply<AuthorizeConf> r) {
            AuthorizeConf conf;
            conf.idTagInfo.status = AuthorizationStatus::Accepted;
            if (req.idTag.rfind("G-", 0) == 0) {
                conf.idTagInfo.parentIdTag = parent;
            }
            r(conf);
        });
    }
};

TEST_F(ChargerReservation, AnAcceptedReservationMakesTheConnectorReservedAndOnlyItsTagMayStart) {
    auto ch = boot();
    ASSERT_EQ(reserve(1, 11, "HOLDER"), ReservationStatus::Accepted);
    EXPECT_EQ(ch->connector_status(1), Charger::Status::Reserved);
    EXPECT_EQ(last_status(1), ChargePointStatus::Reserved);
    EXPECT_FALSE(ch->plug_in(1, "SOMEONE-ELSE"));
    ASSERT_TRUE(ch->plug_in(1, "holder")); // idTags compare case-insensitively
    ex.advance(1s);
    ASSERT_EQ(cs.starts.size(), 1u);
    EXPECT_EQ(cs.starts[0].reservationId, 11);
    EXPECT_FALSE(ch->reservation_id(1)); // used
    EXPECT_EQ(ch->connector_status(1), Charger::Status::Charging);
}

TEST_F(ChargerReservation, RandomArrivalsNeverTakeAReservedConnector) {
    spec.connectors = 1;
    spec.sessions_per_hour = 60;
    spec.id_tags = {"HOLDER"}; // even with the holder's own tag, a random arrival is somebody else
    auto ch = boot();
    ch->unplug(1, Reason::Local); // in case an arrival came during boot
    ex.advance(3s);
    ASSERT_EQ(reserve(1, 1, "HOLDER", 3h), ReservationStatus::Accepted);
    const auto starts = cs.starts.size();
    ex.advance(2h);
    EXPECT_EQ(cs.starts.size(), starts);
    EXPECT_EQ(ch->connector_status(1), Charger::Status::Reserved);
}

TEST_F(ChargerReservation, ATagOfTheSameParentMayStartAndOthersAreTurnedAway) {
    auto ch = boot();
    group_tags("FLEET-7");
    ASSERT_EQ(reserve(1, 5, "HOLDER", 1h, std::string("FLEET-7")), ReservationStatus::Accepted);
    ASSERT_TRUE(ch->plug_in(1, "OTHER")); // may try: its parent is known only after Authorize
    ex.advance(1s);
    EXPECT_TRUE(cs.starts.empty());
    EXPECT_EQ(ch->connector_status(1), Charger::Status::Reserved);
    EXPECT_EQ(stats.sessions_refused, 1u);
    ASSERT_TRUE(ch->plug_in(1, "G-DRIVER"));
    ex.advance(1s);
    ASSERT_EQ(cs.starts.size(), 1u);
    EXPECT_EQ(cs.starts[0].idTag, "G-DRIVER");
    EXPECT_EQ(cs.starts[0].reservationId, 5);
}

TEST_F(ChargerReservation, AReservationExpiresAndTheConnectorIsAvailableAgain) {
    auto ch = boot();
    ASSERT_EQ(reserve(1, 3, "HOLDER", 10min), ReservationStatus::Accepted);
    ex.advance(9min);
    EXPECT_EQ(ch->connector_status(1), Charger::Status::Reserved);
    ex.advance(2min);
    EXPECT_EQ(ch->connector_status(1), Charger::Status::Available);
    EXPECT_EQ(last_status(1), ChargePointStatus::Available);
    EXPECT_FALSE(ch->reservation_id(1));
    ASSERT_TRUE(ch->plug_in(1, "ANYONE"));
    ex.advance(1s);
    ASSERT_EQ(cs.starts.size(), 1u);
    EXPECT_FALSE(cs.starts[0].reservationId);
}

TEST_F(ChargerReservation, TheSameReservationIdReplacesTheOldReservation) {
    auto ch = boot();
    ASSERT_EQ(reserve(1, 9, "HOLDER"), ReservationStatus::Accepted);
    ASSERT_EQ(reserve(2, 9, "HOLDER"), ReservationStatus::Accepted);
    EXPECT_EQ(ch->connector_status(1), Charger::Status::Available);
    EXPECT_EQ(ch->connector_status(2), Charger::Status::Reserved);
    EXPECT_EQ(ch->reservation_id(2), 9);
    // Again on the same connector: replaced, not Occupied by itself.
    EXPECT_EQ(reserve(2, 9, "NEW-HOLDER"), ReservationStatus::Accepted);
    EXPECT_FALSE(ch->plug_in(2, "HOLDER"));
}

// The old reservation ends only when its replacement is accepted: a refused ReserveNow with the same id leaves it.
TEST_F(ChargerReservation, ARefusedReplacementLeavesTheOldReservationInPlace) {
    auto ch = boot();
    ASSERT_EQ(reserve(1, 9, "HOLDER"), ReservationStatus::Accepted);
    ASSERT_TRUE(ch->plug_in(2, "DRIVER"));
    ex.advance(1s);
    EXPECT_EQ(reserve(2, 9, "NEW-HOLDER"), ReservationStatus::Occupied);        // charging there
    EXPECT_EQ(reserve(1, 9, "NEW-HOLDER", -1min), ReservationStatus::Rejected); // already expired
    EXPECT_EQ(ch->connector_status(1), Charger::Status::Reserved);
    EXPECT_EQ(ch->reservation_id(1), 9);
    EXPECT_EQ(last_status(1), ChargePointStatus::Reserved);
    // Replaced on its own connector: no Available in between, and the new holder has it.
    const auto sent = cs.statuses.size();
    EXPECT_EQ(reserve(1, 9, "NEW-HOLDER"), ReservationStatus::Accepted);
    EXPECT_EQ(cs.statuses.size(), sent) << "no status change for a reservation replaced in place";
    EXPECT_FALSE(ch->plug_in(1, "HOLDER"));
    ASSERT_TRUE(ch->plug_in(1, "NEW-HOLDER"));
    ex.advance(1s);
    ASSERT_EQ(cs.starts.size(), 2u);
    EXPECT_EQ(cs.starts[1].reservationId, 9);
}

TEST_F(ChargerReservation, CancelReservationFreesTheConnectorAndRejectsUnknownIds) {
    auto ch = boot();
    ASSERT_EQ(reserve(1, 4, "HOLDER"), ReservationStatus::Accepted);
    EXPECT_EQ(ask(CancelReservationReq{99}).conf->status, CancelReservationStatus::Rejected);
    EXPECT_EQ(ch->connector_status(1), Charger::Status::Reserved);
    EXPECT_EQ(ask(CancelReservationReq{4}).conf->status, CancelReservationStatus::Accepted);
    EXPECT_EQ(ch->connector_status(1), Charger::Status::Available);
    EXPECT_EQ(last_status(1), ChargePointStatus::Available);
    EXPECT_EQ(ask(CancelReservationReq{4}).conf->status, CancelReservationStatus::Rejected);
}

TEST_F(ChargerReservation, ReserveNowAnswersAsTheConnectorsStateSays) {
    auto ch = boot();
    ASSERT_TRUE(ch->plug_in(1, "DRIVER"));
    ex.advance(1s);
    EXPECT_EQ(reserve(1, 1, "HOLDER"), ReservationStatus::Occupied); // charging
    ASSERT_EQ(ask(ChangeAvailabilityReq{2, AvailabilityType::Inoperative}).conf->status, AvailabilityStatus::Accepted);
    EXPECT_EQ(reserve(2, 2, "HOLDER"), ReservationStatus::Unavailable);
    EXPECT_EQ(reserve(3, 3, "HOLDER"), ReservationStatus::Rejected); // no such connector
    EXPECT_EQ(reserve(0, 3, "HOLDER"), ReservationStatus::Rejected); // ReserveConnectorZeroSupported is false
    ASSERT_EQ(ask(ChangeAvailabilityReq{2, AvailabilityType::Operative}).conf->status, AvailabilityStatus::Accepted);
    EXPECT_EQ(reserve(2, 4, "HOLDER", -1min), ReservationStatus::Rejected); // already expired
    ASSERT_EQ(reserve(2, 5, "HOLDER"), ReservationStatus::Accepted);
    EXPECT_EQ(reserve(2, 6, "SECOND"), ReservationStatus::Occupied); // reserved by another reservation
}

TEST_F(ChargerReservation, ConnectorZeroKeepsOneConnectorFreeForItsHolder) {
    spec.config_overrides = {{"ReserveConnectorZeroSupported", "true"}};
    auto ch = boot();
    ASSERT_EQ(reserve(0, 20, "HOLDER"), ReservationStatus::Accepted);
    EXPECT_EQ(ch->connector_status(1), Charger::Status::Available); // no connector is marked Reserved
    ASSERT_TRUE(ch->plug_in(1, "FIRST"));                           // another connector remains free
    ex.advance(1s);
    EXPECT_FALSE(ch->plug_in(2, "SECOND")); // the last free one is kept for the holder
    ASSERT_TRUE(ch->plug_in(2, "HOLDER"));
    ex.advance(1s);
    ASSERT_EQ(cs.starts.size(), 2u);
    EXPECT_FALSE(cs.starts[0].reservationId);
    EXPECT_EQ(cs.starts[1].reservationId, 20);
    EXPECT_FALSE(ch->reservation_id(0));
}

TEST_F(ChargerReservation, RemoteStartOnAReservedConnectorOnlyForItsHolder) {
    auto ch = boot();
    ASSERT_EQ(reserve(1, 8, "HOLDER"), ReservationStatus::Accepted);
    RemoteStartTransactionReq other;
    other.connectorId = 1;
    other.idTag = "OTHER";
    EXPECT_EQ(ask(other).conf->status, RemoteStartStopStatus::Rejected);
    RemoteStartTransactionReq holder = other;
    holder.idTag = "HOLDER";
    EXPECT_EQ(ask(holder).conf->status, RemoteStartStopStatus::Accepted);
    ex.advance(1s);
    ASSERT_EQ(cs.starts.size(), 1u);
    EXPECT_EQ(cs.starts[0].reservationId, 8);
}

TEST_F(ChargerReservation, WithoutTheProfileReserveNowIsAnsweredNotSupported) {
    spec.profiles.reservation = false;
    auto ch = boot();
    ReserveNowReq req;
    req.connectorId = 1;
    req.reservationId = 1;
    req.idTag = "HOLDER";
    req.expiryDate = ocpp::DateTime{clock.wall_now()} + 1h;
    EXPECT_EQ(ask(req).status, ocpp::CallStatus::CallError);
    EXPECT_EQ(ch->connector_status(1), Charger::Status::Available);
}

} // namespace

// StartTransaction naming a reservation, through the central system's handlers: only the reserved tag, Accepted, ends
// it; another or a blocked tag leaves it open and is reported; an offline replay of the start that used it is no
// foreign use.
#include "centralsystem/db/reservations.hpp"
#include "tests/centralsystem/handlers_fixture.hpp"

namespace cs_test {

namespace {

class ReservationHandlers : public HandlersTest {
protected:
    void SetUp() override {
        HandlersTest::SetUp();
        make_operational();
        for (const auto& [id, status] : {std::pair<std::string, std::string>{"TAG-OTHER", "Accepted"},
                                         std::pair<std::string, std::string>{"TAG-BLK", "Blocked"}}) {
            const cs::IdTag t{id, status, std::nullopt, std::nullopt};
            ASSERT_TRUE(query<bool>([t](store::Connection& db) -> ocpp::Result<bool> {
                if (auto r = cs::db::upsert_id_tag(db, t); !r) {
                    return r.error();
                }
                return true;
            }));
        }
        connect();
    }
    // An open reservation of TAG-OK on CB-1 connector 1.
    std::int64_t reserve() {
        auto made = query<cs::db::Reserved>([](store::Connection& db) {
            cs::db::ReservationRow row;
            row.chargebox_id = "CB-1";
            row.connector_id = 1;
            row.id_tag = "TAG-OK";
            row.expiry_date = "2033-05-18T03:33:20Z";
            row.expires_at = 2000000000;
            row.created_at = "1970-01-01T00:00:00Z";
            return cs::db::create_reservation(db, row, 100);
        });
        EXPECT_TRUE(made && made->row);
        return made && made->row ? made->row->id : 0;
    }
    std::string status_of(std::int64_t id) {
        auto r = query<std::optional<cs::db::ReservationRow>>(
            [id](store::Connection& db) { return cs::db::find_reservation(db, id); });
        return r && *r ? (*r)->status : std::string("?");
    }
    int foreign_reservation_notices() {
        auto page = query<cs::db::NotificationPage>(
            [](store::Connection& db) { return cs::db::list_notifications(db, cs::db::NotificationQuery{}); });
        int n = 0;
        for (const auto& item : page ? page->items : std::vector<cs::Notification>{}) {
            n += item.kind == "foreignReservation" ? 1 : 0;
        }
        return n;
    }
    StartTransactionReq start(const std::string& tag, std::int64_t reservation) {
        StartTransactionReq s;
        s.connectorId = 1;
        s.idTag = tag;
        s.meterStart = 100;
        s.timestamp = ocpp::DateTime{clock_.wall_now()};
        s.reservationId = static_cast<int>(reservation);
        return s;
    }
};

TEST_F(ReservationHandlers, AnotherOrABlockedTagDoesNotEndTheReservation) {
    const std::int64_t id = reserve();
    ASSERT_TRUE(call(start("TAG-OTHER", id)).ok());
    EXPECT_EQ(status_of(id), "pending");
    EXPECT_EQ(foreign_reservation_notices(), 1);
    auto blocked = start("TAG-BLK", id);
    blocked.meterStart = 200;
    ASSERT_TRUE(call(blocked).ok());
    EXPECT_EQ(status_of(id), "pending");
    auto own = start("TAG-OK", id);
    own.meterStart = 300;
    ASSERT_TRUE(call(own).ok());
    EXPECT_EQ(status_of(id), "used");
}

TEST_F(ReservationHandlers, AReplayedStartIsNoForeignUseOfItsReservation) {
    const std::int64_t id = reserve();
    const auto s = start("TAG-OK", id);
    const auto first = call(s);
    ASSERT_TRUE(first.ok());
    EXPECT_EQ(status_of(id), "used");
    const auto again = call(s); // the charger's offline queue sends it again
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again.conf->transactionId, first.conf->transactionId);
    EXPECT_EQ(status_of(id), "used");
    EXPECT_EQ(foreign_reservation_notices(), 0);
}

} // namespace

} // namespace cs_test

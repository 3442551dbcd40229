// The reservation group: ReserveNow on connector 1 → StatusNotification Reserved → CancelReservation →
// StatusNotification Available. The reservation expires after five minutes even when the cancel fails.
#include <random>
#include <string>

#include "tester/checks/calls.hpp"
#include "tester/checks/profiles/group.hpp"

namespace tester::profiles {

namespace {

using namespace ocpp::v16;

constexpr const char* kReserve = "reservation.reserve";
constexpr const char* kCancel = "reservation.cancel";
constexpr int kConnector = 1;

std::string reserve_hint(ReservationStatus status) {
    switch (status) {
    case ReservationStatus::Occupied:
        return "Connector 1 is in use (a vehicle plugged in or a session running). Unplug it and run the test again.";
    case ReservationStatus::Faulted:
        return "Connector 1 reports a fault. Clear the fault (see the charger's display or log) and test again.";
    case ReservationStatus::Unavailable:
        return "Connector 1 is Unavailable (switched off by ChangeAvailability or locally). Make it Operative and "
               "test again.";
    default:
        return "The charger declares the Reservation profile but refused to reserve a free connector. Check that "
               "reservations are enabled in its settings, or update the firmware.";
    }
}

class ReservationGroup : public GroupBase {
public:
    explicit ReservationGroup(GroupContext ctx)
        : GroupBase(ctx) {
        std::random_device rd;
        reservation_id_ = 100000 + static_cast<int>(rd() % 800000);
    }

    void start(std::function<void()> done) override {
        done_ = std::move(done);
        ReserveNowReq req;
        req.connectorId = kConnector;
        req.expiryDate = ocpp::DateTime{ctx_.loop.clock().wall_now()} + std::chrono::minutes(5);
        req.idTag = "OCPPKIT-TESTER";
        req.reservationId = reservation_id_;
        ctx_.board.running(kReserve, "sent ReserveNow for connector 1 (reservation " + std::to_string(reservation_id_) +
                                         "); waiting for the answer");
        auto token = wait_.token();
        ctx_.peer->call(req, [this, token](ocpp::CallOutcome<ReserveNowConf> out) {
            if (token.expired()) {
                return;
            }
            if (!out.ok() || out.conf->status != ReservationStatus::Accepted) {
                ctx_.board.set(
                    kReserve,
                    out.ok() ? Outcome::fail(std::string("ReserveNow answered ") + to_string(out.conf->status),
                                             reserve_hint(out.conf->status))
                             : call_failed("ReserveNow", out.status, out.error_code, out.error_description, false));
                ctx_.board.set(kCancel, Outcome::skipped("not tried: nothing was reserved"));
                return finish();
            }
            if (reserved_seen_) {
                return reserved();
            }
            stage_ = Stage::WaitReserved;
            ctx_.board.running(kReserve, "Accepted; waiting for StatusNotification Reserved on connector 1");
            wait_.start(ctx_.config.call_timeout, [this] {
                stage_ = Stage::Idle;
                ctx_.board.set(kReserve,
                               Outcome::fail("Accepted, but no StatusNotification Reserved for connector 1 within " +
                                                 std::to_string(ctx_.config.call_timeout.count()) + " s",
                                             "The charger accepted the reservation but did not report connector 1 as "
                                             "Reserved. It must send a StatusNotification with status Reserved, so "
                                             "the central system and the drivers' apps show the connector as taken; "
                                             "update the firmware."));
                cancel();
            });
        });
    }

    void on_status(const StatusNotificationReq& req) override {
        if (req.connectorId != kConnector) {
            return;
        }
        if (req.status == ChargePointStatus::Reserved) {
            if (stage_ == Stage::WaitReserved) {
                reserved();
            } else {
                reserved_seen_ = true;
            }
        } else if (req.status == ChargePointStatus::Available && stage_ == Stage::WaitAvailable) {
            wait_.cancel();
            stage_ = Stage::Idle;
            ctx_.board.set(kCancel, Outcome::pass("Accepted; connector 1 reported Available"));
            finish();
        }
    }

    void conclude() override {
        wait_.stop();
        done_ = nullptr;
    }

private:
    enum class Stage { Idle, WaitReserved, Cancelling, WaitAvailable };

    void reserved() {
        wait_.cancel();
        stage_ = Stage::Idle;
        ctx_.board.set(kReserve, Outcome::pass("Accepted; connector 1 reported Reserved"));
        post([this] { cancel(); });
    }

    void cancel() {
        stage_ = Stage::Cancelling;
        ctx_.board.running(kCancel, "sent CancelReservation " + std::to_string(reservation_id_));
        auto token = wait_.token();
        ctx_.peer->call(CancelReservationReq{reservation_id_}, [this,
                                                                token](ocpp::CallOutcome<CancelReservationConf> out) {
            if (token.expired()) {
                return;
            }
            if (!out.ok() || out.conf->status != CancelReservationStatus::Accepted) {
                ctx_.board.set(
                    kCancel,
                    out.ok()
                        ? Outcome::fail("CancelReservation answered Rejected",
                                        "The charger did not know the reservation it had accepted. It must "
                                        "cancel a reservation by the reservationId the central system gave; "
                                        "update the firmware. The reservation expires by itself in five minutes.")
                        : call_failed("CancelReservation", out.status, out.error_code, out.error_description, false));
                return finish();
            }
            stage_ = Stage::WaitAvailable;
            ctx_.board.running(kCancel, "Accepted; waiting for StatusNotification Available on connector 1");
            wait_.start(ctx_.config.call_timeout, [this] {
                stage_ = Stage::Idle;
                ctx_.board.set(kCancel,
                               Outcome::fail("Accepted, but connector 1 was not reported Available within " +
                                                 std::to_string(ctx_.config.call_timeout.count()) + " s",
                                             "After a cancelled reservation the connector must become Available "
                                             "again and the charger must say so with a StatusNotification; otherwise "
                                             "the central system keeps showing it as reserved. Update the firmware."));
                finish();
            });
        });
    }

    void post(std::function<void()> f) {
        auto token = wait_.token();
        ctx_.loop.post([token, f = std::move(f)] {
            if (!token.expired()) {
                f();
            }
        });
    }

    Stage stage_ = Stage::Idle;
    bool reserved_seen_ = false;
    int reservation_id_ = 0;
};

} // namespace

std::unique_ptr<Group> make_reservation(GroupContext ctx) {
    return std::make_unique<ReservationGroup>(ctx);
}

} // namespace tester::profiles

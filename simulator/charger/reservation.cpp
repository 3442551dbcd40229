// The Reservation profile of a simulated charger: ReserveNow, CancelReservation, the Reserved status, expiry, and
// who may start on a reserved connector.
#include <algorithm>
#include <cctype>

#include "simulator/charger/charger.hpp"

namespace sim {

using namespace ocpp::v16;
using ocpp::Reply;

namespace {
bool same_tag(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
               return std::toupper(x) == std::toupper(y);
           });
}

// Whether a tag (with its parent, when known) is the reservation's holder or of its group.
bool holds(const std::optional<std::string>& reserved_parent, std::string_view reserved_tag, std::string_view tag,
           const std::optional<std::string>& parent) {
    return same_tag(reserved_tag, tag) || (reserved_parent && parent && same_tag(*reserved_parent, *parent));
}
} // namespace

std::optional<int> Charger::reservation_id(int connector) const {
    const auto& r = reservations_.at(static_cast<std::size_t>(connector));
    return r ? std::optional<int>(r->id) : std::nullopt;
}

bool Charger::reservation_permits(int c, const std::string& id_tag, const std::optional<std::string>& parent,
                                  bool authorized) const {
    // Before authorization the parent is not known yet: a reservation that names a parent lets the tag try.
    auto fits = [&](const Reservation& r) {
        return holds(r.parent_id_tag, r.id_tag, id_tag, parent) || (!authorized && r.parent_id_tag);
    };
    if (const auto& own = reservations_[static_cast<std::size_t>(c)]) {
        return fits(*own);
    }
    const auto& any = reservations_[0];
    if (!any || fits(*any)) {
        return true;
    }
    // A reservation of the charge point keeps one connector free for its holder.
    for (int k = 1; k <= spec_.connectors; ++k) {
        const auto& other = connectors_[static_cast<std::size_t>(k)];
        if (k != c && other.status == Status::Available && other.operative) {
            return true;
        }
    }
    return false;
}

std::optional<int> Charger::reservation_for(int c, const std::string& id_tag,
                                            const std::optional<std::string>& parent) const {
    for (const int r : {c, 0}) {
        const auto& held = reservations_[static_cast<std::size_t>(r)];
        if (held && holds(held->parent_id_tag, held->id_tag, id_tag, parent)) {
            return held->id;
        }
    }
    return std::nullopt;
}

void Charger::end_reservation(int c) {
    reservations_[static_cast<std::size_t>(c)].reset();
    if (auto& timer = reservation_end_[static_cast<std::size_t>(c)]) {
        timer->cancel();
    }
    if (c > 0 && conn(c).status == Status::Reserved) {
        set_status(c, conn(c).operative ? Status::Available : Status::Unavailable);
    }
}

void Charger::register_reservation() {
    auto counted = [this](std::string_view action) { ++env_.stats.calls_answered[std::string(action)]; };
    peer_->on<ReserveNowReq>([this, counted](const ReserveNowReq& req, Reply<ReserveNowConf> reply) {
        counted(req.action);
        const int c = req.connectorId;
        const bool zero_ok = config_.bool_value("ReserveConnectorZeroSupported", false);
        if (c < 0 || c > spec_.connectors || (c == 0 && !zero_ok) || !(wall_now() < req.expiryDate)) {
            reply(ReserveNowConf{ReservationStatus::Rejected});
            return;
        }
        // The same reservationId again replaces the reservation it names, wherever it is, but only once the new one is
        // accepted: it is judged as if the old one were gone, and a refused one leaves the old in place.
        std::optional<int> replaced;
        for (int r = 0; r <= spec_.connectors; ++r) {
            if (reservation_id(r) == req.reservationId) {
                replaced = r;
            }
        }
        const auto status_of = [&](int k) {
            return replaced == k && conn(k).status == Status::Reserved ? Status::Available : conn(k).status;
        };
        const auto reserved = [&](int k) { return reservations_[static_cast<std::size_t>(k)] && replaced != k; };
        auto status = ReservationStatus::Accepted;
        if (c == 0) {
            bool free = false, operative = false;
            for (int k = 1; k <= spec_.connectors; ++k) {
                operative = operative || conn(k).operative;
                free = free || (status_of(k) == Status::Available && conn(k).operative);
            }
            status = free ? ReservationStatus::Accepted
                          : (operative ? ReservationStatus::Occupied : ReservationStatus::Unavailable);
            if (reserved(0)) {
                status = ReservationStatus::Occupied;
            }
        } else {
            const auto& k = conn(c);
            if (k.status == Status::Faulted) {
                status = ReservationStatus::Faulted;
            } else if (!k.operative || k.status == Status::Unavailable) {
                status = ReservationStatus::Unavailable;
            } else if (status_of(c) != Status::Available || k.local_tx != 0 || reserved(c)) {
                status = ReservationStatus::Occupied;
            }
        }
        reply(ReserveNowConf{status});
        if (status != ReservationStatus::Accepted) {
            return;
        }
        if (replaced && *replaced != c) {
            end_reservation(*replaced); // moved to another connector; on the same one it is overwritten below
        }
        reservations_[static_cast<std::size_t>(c)] = Reservation{req.reservationId, req.idTag, req.parentIdTag};
        const auto left = std::chrono::duration_cast<ocpp::Clock::Duration>(req.expiryDate.time - wall_now().time);
        const int id = req.reservationId;
        auto& timer = reservation_end_[static_cast<std::size_t>(c)];
        if (!timer) {
            timer = env_.executor.make_timer();
        }
        timer->start(left, [this, c, id] {
            if (reservation_id(c) == id) {
                end_reservation(c); // expired unused
            }
        });
        if (c > 0 && conn(c).status != Status::Reserved) {
            conn(c).arrival->cancel();
            conn(c).arrival_armed = false;
            set_status(c, Status::Reserved);
            schedule_arrival(c); // random arrivals pass a reserved connector by
        }
    });
    peer_->on<CancelReservationReq>(
        [this, counted](const CancelReservationReq& req, Reply<CancelReservationConf> reply) {
            counted(req.action);
            for (int r = 0; r <= spec_.connectors; ++r) {
                if (reservation_id(r) == req.reservationId) {
                    reply(CancelReservationConf{CancelReservationStatus::Accepted});
                    end_reservation(r);
                    return;
                }
            }
            reply(CancelReservationConf{CancelReservationStatus::Rejected});
        });
}

} // namespace sim

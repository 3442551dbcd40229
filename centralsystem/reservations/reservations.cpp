// Reservations made by the central system (reservations.hpp).
#include "centralsystem/reservations/reservations.hpp"

#include <algorithm>
#include <cctype>

#include "centralsystem/notifier.hpp"
#include "centralsystem/security/jobs.hpp"
#include "ocpp/v16/messages.hpp"

namespace cs {

using namespace ocpp::v16;

namespace {

// What went wrong with a typed call, in the words describe_failure uses for raw ones.
// What recording a charger's answer did: whether the row was still open, and the row as it is now.
struct Answered {
    bool recorded = false;
    std::optional<db::ReservationRow> row;
};

bool is_true(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    return text == "true";
}

} // namespace

std::string Reservations::now_text() const {
    return cs::now_text(loop_.clock());
}

void Reservations::start() {
    if (!timer_) {
        timer_ = loop_.make_timer();
    }
    // Sweep once now: it arms the timer for the earliest open expiry, which a new reservation may have moved closer.
    timer_->start(std::chrono::seconds(0), [this] { sweep(); });
}

void Reservations::sweep() {
    const auto now =
        std::chrono::duration_cast<std::chrono::seconds>(loop_.clock().wall_now().time_since_epoch()).count();
    db_.run<std::optional<std::int64_t>>(
        [now, at = now_text()](store::Connection& db) { return db::expire_reservations(db, now, at); },
        [this, now, alive = alive_](ocpp::Result<std::optional<std::int64_t>> next) {
            if (!*alive) {
                return;
            }
            if (!next) {
                log_.error("reservations", "the expiry sweep failed: " + next.error().message);
            }
            // Wake at the next expiry (at least a second on, at most a minute: a failed store or a clock that moved
            // is looked at again soon); none open: sleep until a reservation is made (start()), or in a cluster look
            // again in a minute.
            if (next && !*next && !keep_sweeping_) {
                return;
            }
            const std::int64_t wait = next && *next ? std::clamp<std::int64_t>(**next - now, 1, 60) : 60;
            timer_->start(std::chrono::seconds(wait), [this] { sweep(); });
        });
}

void Reservations::reserve(const ReserveRequest& req, Done done) {
    const Credentials* c = gate_.credentials(req.chargebox_id);
    if (c == nullptr) {
        return done(ReserveResult{ReserveOutcome::NoSuchCharger, std::nullopt, {}});
    }
    if (c->status != ChargerStatus::Operational) {
        return done(ReserveResult{ReserveOutcome::NotInOperation, std::nullopt, {}});
    }
    auto peer = links_.peer(req.chargebox_id);
    if (!peer) {
        return done(ReserveResult{ReserveOutcome::Offline, std::nullopt, {}});
    }
    db::ReservationRow row;
    row.chargebox_id = req.chargebox_id;
    row.connector_id = req.connector_id;
    row.id_tag = req.id_tag;
    row.expiry_date = ocpp::format_datetime(ocpp::DateTime{req.expiry});
    row.expires_at = std::chrono::duration_cast<std::chrono::seconds>(req.expiry.time_since_epoch()).count();
    row.created_at = now_text();
    auto store_and_send = [this, row, done, alive = alive_]() {
        db_.run<db::Reserved>(
            [row](store::Connection& db) { return db::create_reservation(db, row, kMaxOpenReservations); },
            [this, done, alive](ocpp::Result<db::Reserved> r) {
                if (!*alive) {
                    return;
                }
                if (!r) {
                    return done(ReserveResult{ReserveOutcome::StoreFailed, std::nullopt, r.error().message});
                }
                switch (r->refusal) {
                case db::ReserveRefusal::NoSuchCharger:
                    return done(ReserveResult{ReserveOutcome::NoSuchCharger, std::nullopt, {}});
                case db::ReserveRefusal::NoSuchIdTag:
                    return done(ReserveResult{ReserveOutcome::NoSuchIdTag, std::nullopt, {}});
                case db::ReserveRefusal::TagNotAccepted:
                    return done(ReserveResult{ReserveOutcome::TagNotAccepted, std::nullopt, {}});
                case db::ReserveRefusal::ConnectorTaken:
                    return done(ReserveResult{ReserveOutcome::ConnectorTaken, r->row, {}});
                case db::ReserveRefusal::TooMany:
                    return done(ReserveResult{ReserveOutcome::TooMany, std::nullopt, {}});
                case db::ReserveRefusal::None:
                    break;
                }
                auto link = links_.peer(r->row->chargebox_id);
                if (!link) {
                    return answered(*r->row, "failed", "the charger went offline before ReserveNow was sent",
                                    ReserveOutcome::Failed, done);
                }
                send_reserve(*r->row, link, done);
            });
    };
    if (req.connector_id != 0) {
        return store_and_send();
    }
    // Connector 0 reserves the charger as a whole: only where the charger says it can.
    GetConfigurationReq ask;
    ask.key = std::vector<std::string>{"ReserveConnectorZeroSupported"};
    peer->call(ask, [done, store_and_send, alive = alive_](ocpp::CallOutcome<GetConfigurationConf> out) {
        if (!*alive) {
            return;
        }
        if (!out.ok()) {
            return done(ReserveResult{ReserveOutcome::Failed, std::nullopt, describe_failure("GetConfiguration", out)});
        }
        bool supported = false;
        for (const auto& kv : out.conf->configurationKey.value_or(std::vector<KeyValue>{})) {
            supported = supported || (kv.key == "ReserveConnectorZeroSupported" && is_true(kv.value.value_or("")));
        }
        if (!supported) {
            return done(ReserveResult{ReserveOutcome::NoConnectorZero, std::nullopt,
                                      "the charger does not declare ReserveConnectorZeroSupported true"});
        }
        store_and_send();
    });
}

void Reservations::send_reserve(db::ReservationRow row, std::shared_ptr<ocpp::Peer> peer, Done done) {
    ReserveNowReq req;
    req.connectorId = row.connector_id;
    req.expiryDate = ocpp::DateTime{std::chrono::system_clock::time_point(std::chrono::seconds(row.expires_at))};
    req.idTag = row.id_tag;
    if (!row.parent_id_tag.empty()) {
        req.parentIdTag = row.parent_id_tag;
    }
    req.reservationId = static_cast<int>(row.id);
    peer->call(req, [this, row, done, alive = alive_](ocpp::CallOutcome<ReserveNowConf> out) mutable {
        if (!*alive) {
            return;
        }
        if (!out.ok()) {
            return answered(std::move(row), "failed", describe_failure("ReserveNow", out), ReserveOutcome::Failed,
                            done);
        }
        const std::string status = to_string(out.conf->status);
        const bool accepted = out.conf->status == ReservationStatus::Accepted;
        answered(std::move(row), accepted ? "active" : "rejected", status,
                 accepted ? ReserveOutcome::Done : ReserveOutcome::Refused, done);
    });
}

void Reservations::answered(db::ReservationRow row, std::string status, std::string answer, ReserveOutcome outcome,
                            Done done) {
    db_.run<Answered>(
        [id = row.id, status, answer](store::Connection& db) -> ocpp::Result<Answered> {
            auto changed = db::set_reservation_answer(db, id, status, answer);
            if (!changed) {
                return changed.error();
            }
            auto found = db::find_reservation(db, id);
            if (!found) {
                return found.error();
            }
            return Answered{*changed > 0, std::move(*found)};
        },
        [this, outcome, answer, done, alive = alive_](ocpp::Result<Answered> a) mutable {
            if (!*alive) {
                return;
            }
            if (!a || !a->row) {
                return done(ReserveResult{ReserveOutcome::StoreFailed, std::nullopt,
                                          a ? "the reservation is gone" : a.error().message});
            }
            // It ended meanwhile (a cancel overtook the answer, or it expired): the answer changed nothing.
            if (!a->recorded) {
                return done(ReserveResult{ReserveOutcome::NotOpen, std::move(a->row), {}});
            }
            if (outcome == ReserveOutcome::Done) {
                start(); // the sweep ends it at its time
            }
            done(ReserveResult{outcome, std::move(a->row), outcome == ReserveOutcome::Failed ? answer : ""});
        });
}

void Reservations::cancel(std::int64_t id, Done done) {
    db_.run<std::optional<db::ReservationRow>>(
        [id](store::Connection& db) { return db::find_reservation(db, id); },
        [this, done, alive = alive_](ocpp::Result<std::optional<db::ReservationRow>> r) {
            if (!*alive) {
                return;
            }
            if (!r) {
                return done(ReserveResult{ReserveOutcome::StoreFailed, std::nullopt, r.error().message});
            }
            if (!*r) {
                return done(ReserveResult{ReserveOutcome::NotFound, std::nullopt, {}});
            }
            db::ReservationRow row = std::move(**r);
            if (!db::reservation_open(row.status)) {
                return done(ReserveResult{ReserveOutcome::NotOpen, std::move(row), {}});
            }
            auto peer = links_.peer(row.chargebox_id);
            if (!peer) {
                return done(ReserveResult{ReserveOutcome::Offline, std::move(row), {}});
            }
            CancelReservationReq req;
            req.reservationId = static_cast<int>(row.id);
            peer->call(req, [this, row, done, alive](ocpp::CallOutcome<CancelReservationConf> out) mutable {
                if (!*alive) {
                    return;
                }
                if (!out.ok()) {
                    return done(ReserveResult{ReserveOutcome::Failed, std::move(row),
                                              describe_failure("CancelReservation", out)});
                }
                // Rejected: the charger holds no such reservation (it ended there already); it is over here too.
                const std::string answer = to_string(out.conf->status);
                db_.run<std::optional<db::ReservationRow>>(
                    [id = row.id, answer,
                     at = now_text()](store::Connection& db) -> ocpp::Result<std::optional<db::ReservationRow>> {
                        if (auto e = db::end_reservation(db, id, "cancelled", at, "CancelReservation " + answer); !e) {
                            return e.error();
                        }
                        return db::find_reservation(db, id);
                    },
                    [done, alive](ocpp::Result<std::optional<db::ReservationRow>> ended) {
                        if (!*alive) {
                            return;
                        }
                        if (!ended || !*ended) {
                            return done(ReserveResult{ReserveOutcome::StoreFailed, std::nullopt,
                                                      ended ? "the reservation is gone" : ended.error().message});
                        }
                        done(ReserveResult{ReserveOutcome::Done, std::move(*ended), {}});
                    });
            });
        });
}

} // namespace cs

// StartTransaction (committed before the answer; the transactionId is the database's), MeterValues (stored) and
// StopTransaction (committed before the answer; a duplicate changes nothing and is answered the same way).
//
// Trust: a message that names a transactionId is applied only to a transaction of the sending charger (MeterValues:
// on the same connector). Otherwise nothing is stored, the message is answered as usual (1.6 confirmations carry no
// error for this, and the charger's offline queue must drain), and it is counted and notified naming both chargers.
// A planned charger's StartTransaction is kept but answered Blocked and never counted (records.hpp). Meter samples
// beyond the per-transaction budget are answered but not stored (limits.hpp). A StartTransaction's reservationId ends
// that reservation as used when it is an open one of the same charger and connector (db/reservations.hpp).
#include <cmath>
#include <cstdlib>

#include "centralsystem/db/queries.hpp"
#include "centralsystem/db/reservations.hpp"
#include "centralsystem/protocol/context.hpp"
#include "ocpp/v16/messages.hpp"

namespace cs {

using namespace ocpp::v16;

namespace {

std::vector<MeterSample> samples_of(const std::vector<MeterValue>& values) {
    std::vector<MeterSample> out;
    for (const auto& mv : values) {
        const std::string ts = ocpp::format_datetime(mv.timestamp);
        for (const auto& sv : mv.sampledValue) {
            char* end = nullptr;
            const double value = std::strtod(sv.value.c_str(), &end);
            if (sv.value.empty() || *end != '\0' || !std::isfinite(value)) {
                continue; // SignedData, other non-numeric values and "NaN"/"inf" are not kept in this table
            }
            MeterSample s;
            s.ts = ts;
            s.measurand = sv.measurand ? to_string(*sv.measurand) : "Energy.Active.Import.Register";
            s.unit = sv.unit ? to_string(*sv.unit) : (sv.measurand ? "" : "Wh");
            s.phase = sv.phase ? to_string(*sv.phase) : "";
            s.context = sv.context ? to_string(*sv.context) : "";
            s.location = sv.location ? to_string(*sv.location) : "";
            s.value = value;
            out.push_back(std::move(s));
        }
    }
    return out;
}

// The Power.Active.Import of the last meter value that has it (W; kW converted, phases summed), or nullopt.
std::optional<double> power_of(const std::vector<MeterValue>& values) {
    std::optional<double> out;
    for (const auto& mv : values) {
        std::optional<double> total, per_phase;
        for (const auto& sv : mv.sampledValue) {
            if (!sv.measurand || *sv.measurand != Measurand::Power_Active_Import) {
                continue;
            }
            char* end = nullptr;
            const double v = std::strtod(sv.value.c_str(), &end);
            if (sv.value.empty() || *end != '\0' || !std::isfinite(v)) {
                continue;
            }
            const double w = sv.unit && *sv.unit == UnitOfMeasure::kW ? v * 1000.0 : v;
            if (!sv.phase) {
                total = w;
            } else if (*sv.phase == Phase::L1 || *sv.phase == Phase::L2 || *sv.phase == Phase::L3 ||
                       *sv.phase == Phase::L1_N || *sv.phase == Phase::L2_N || *sv.phase == Phase::L3_N) {
                per_phase = per_phase.value_or(0) + w; // one value per phase adds up
            }
        }
        if (total || per_phase) {
            out = total ? total : per_phase;
        }
    }
    return out;
}

template <class Conf>
void internal_error(HandlerContext& ctx, const std::string& id, ocpp::Reply<Conf>& reply, const char* what,
                    const ocpp::Error& e) {
    ctx.links.log_charger(id, ocpp::LogLevel::Error, "store failures", std::string(what) + ": " + e.message);
    reply.error(ocpp::rpc::ErrorCode::InternalError, std::string(what) + "; try again");
}

// What a store job found about the transaction a message named, and what it stored.
struct Applied {
    bool own = true;                           // the sender's transaction (and connector): applied
    std::optional<db::TransactionOwner> owner; // when not own: whose it is (nullopt: nobody's)
    std::size_t trimmed = 0;                   // samples beyond the budget, not stored
    bool first_trim = false;                   // the first trim of this transaction's minute
};

// The message named transaction `tx`, which is not the sender's (or not on `connector`): count it, and say so once
// a minute per sender and reason, naming both chargers.
void report_foreign(HandlerContext& ctx, const std::string& id, const char* action, std::int64_t tx,
                    const std::optional<db::TransactionOwner>& owner, std::optional<int> connector,
                    const char* outcome) {
    const std::string t = "transaction " + std::to_string(tx);
    std::string reason, owner_id, words;
    if (!owner) {
        reason = "unknown";
        words = std::string(action) + " names " + t + ", which does not exist";
    } else if (owner->chargebox_id != id) {
        reason = "otherCharger";
        owner_id = owner->chargebox_id;
        words = std::string(action) + " names " + t + ", which belongs to charger \"" + owner_id + "\"";
    } else {
        reason = "otherConnector";
        owner_id = id;
        words = std::string(action) + " for connector " + std::to_string(connector.value_or(0)) + " names " + t +
                ", which runs on connector " + std::to_string(owner->connector_id);
    }
    ctx.metrics.foreign_transaction(action, reason, id, owner_id);
    words += "; " + std::string(outcome) + " (the message was answered so that the charger's queue drains)";
    // Once a minute per sender and reason: a charger can name a new id with every message, and must fill neither the
    // notifications nor the log with them (the counter above counts each one).
    if (ctx.notices.notify_once("foreign:" + id + ":" + reason, id, "foreignTransaction", words)) {
        ctx.links.log_charger(id, ocpp::LogLevel::Warn, "foreign transaction ids", words);
    }
}

void report_trim(HandlerContext& ctx, const std::string& id, std::optional<std::int64_t> tx, const Applied& a) {
    if (a.trimmed == 0) {
        return;
    }
    ctx.metrics.samples_trimmed(a.trimmed);
    if (a.first_trim) {
        const std::string of = tx ? "transaction " + std::to_string(*tx) : std::string("no transaction");
        ctx.notices.notify(id, "samplesTrimmed",
                           "meter samples of " + of + " beyond " + std::to_string(ctx.sample_budget->per_minute()) +
                               " per minute are not stored for the rest of this minute (--max-samples-per-minute); the "
                               "messages are still answered");
    }
}

// What a StartTransaction stored, and what became of the reservation it named.
struct Started {
    db::StartResult start;
    std::optional<db::ReservationUse> use;
};

// A StartTransaction named a reservation that is not an open one of this charger and connector: nothing of it was
// changed; say so (once a minute per charger), the session itself is kept.
void report_reservation(HandlerContext& ctx, const std::string& id, int reservation, db::ReservationUse use) {
    const std::string r = "reservation " + std::to_string(reservation);
    const char* why = use == db::ReservationUse::Unknown          ? "which does not exist"
                      : use == db::ReservationUse::OtherCharger   ? "which belongs to another charger"
                      : use == db::ReservationUse::OtherConnector ? "which holds another connector"
                      : use == db::ReservationUse::OtherTag
                          ? "which is held for another id tag (or this one is not Accepted)"
                          : "which has ended already";
    const std::string words = "StartTransaction names " + r + ", " + why + "; the reservation was left as it was";
    if (ctx.notices.notify_once("reservation:" + id, id, "foreignReservation", words)) {
        ctx.links.log_charger(id, ocpp::LogLevel::Warn, "foreign reservation ids", words);
    }
}

void on_start(HandlerContext& ctx, const std::string& id, const StartTransactionReq& req,
              ocpp::Reply<StartTransactionConf> reply) {
    const std::string ts = ocpp::format_datetime(req.timestamp);
    const bool blocked = !ctx.in_operation(id);
    if (blocked) {
        ctx.notices.notify_once(
            "notInOperation:StartTransaction:" + id, id, "notInOperation",
            "StartTransaction on connector " + std::to_string(req.connectorId) + " (id tag \"" + req.idTag +
                "\") was answered Blocked: the charger is planned, not in operation. The session is "
                "kept but not counted in turnover or statistics");
    }
    ctx.db.run<Started>(
        [id, req, ts, blocked, now = ctx.now_text()](store::Connection& db) -> ocpp::Result<Started> {
            auto start = db::start_transaction(db, id, req.connectorId, req.idTag, req.meterStart, ts, blocked);
            if (!start) {
                return start.error();
            }
            Started out{std::move(*start), std::nullopt};
            // The reservation the session honours ends as used; only one of this charger and connector, for its tag.
            // An offline replay (duplicate) was handled when the start first arrived.
            if (req.reservationId && !blocked && !out.start.duplicate && !out.start.no_charger) {
                auto use = db::use_reservation(db, id, req.connectorId, *req.reservationId, out.start.transaction_id,
                                               ts, out.start.tag, now);
                if (!use) {
                    return use.error();
                }
                out.use = *use;
            }
            return out;
        },
        [&ctx, id, reply, blocked, connector = req.connectorId,
         reservation = req.reservationId](ocpp::Result<Started> started) mutable {
            if (!started) {
                internal_error(ctx, id, reply, "the transaction could not be stored", started.error());
                return;
            }
            if (started->use && *started->use != db::ReservationUse::Used) {
                report_reservation(ctx, id, *reservation, *started->use);
            }
            const db::StartResult* r = &started->start;
            StartTransactionConf conf;
            conf.idTagInfo = id_tag_info(r->tag, ctx.now_text());
            if (blocked) {
                conf.idTagInfo = IdTagInfo{};
                conf.idTagInfo.status = AuthorizationStatus::Blocked;
            }
            if (r->no_charger) {
                conf.idTagInfo = IdTagInfo{};
                conf.idTagInfo.status = AuthorizationStatus::Invalid;
            }
            conf.transactionId = static_cast<int>(r->transaction_id);
            reply(conf);
            // A replayed start (stopped already or not) is no new session: load management must not share for it.
            if (conf.idTagInfo.status == AuthorizationStatus::Accepted && !r->duplicate) {
                ChargerObservers::tell(ctx.links.observers().session_started, id, connector, r->transaction_id);
            }
        });
}

void on_meter_values(HandlerContext& ctx, const std::string& id, const MeterValuesReq& req,
                     ocpp::Reply<MeterValuesConf> reply) {
    std::optional<std::int64_t> tx;
    if (req.transactionId) {
        tx = *req.transactionId;
    }
    const int connector = req.connectorId;
    ctx.db.run<Applied>(
        [id, connector, tx, samples = samples_of(req.meterValue), budget = ctx.sample_budget,
         now = ctx.loop.clock().now()](store::Connection& db) mutable -> ocpp::Result<Applied> {
            Applied a;
            if (tx) {
                auto owner = db::transaction_owner(db, *tx);
                if (!owner) {
                    return owner.error();
                }
                if (!*owner || (*owner)->chargebox_id != id || (*owner)->connector_id != connector) {
                    a.own = false;
                    a.owner = std::move(*owner);
                    return a;
                }
            }
            const auto take = budget->take(id, tx, samples.size(), now);
            a.trimmed = samples.size() - take.allowed;
            a.first_trim = take.first_trim;
            samples.resize(take.allowed);
            if (auto r = db::add_meter_values(db, id, connector, tx, samples); !r) {
                return r.error();
            }
            return a;
        },
        [&ctx, id, connector, tx, reply, power = power_of(req.meterValue)](ocpp::Result<Applied> r) mutable {
            if (!r) {
                internal_error(ctx, id, reply, "the meter values could not be stored", r.error());
                return;
            }
            if (!r->own) {
                report_foreign(ctx, id, "MeterValues", *tx, r->owner, connector, "nothing was stored");
            } else if (tx && power) {
                ChargerObservers::tell(ctx.links.observers().power_metered, id, *tx, *power);
            }
            report_trim(ctx, id, tx, *r);
            reply(MeterValuesConf{});
        });
}

struct Stopped {
    Applied applied;
    db::StopResult result = db::StopResult::Unknown;
    std::optional<IdTag> tag;
};

void on_stop(HandlerContext& ctx, const std::string& id, const StopTransactionReq& req,
             ocpp::Reply<StopTransactionConf> reply) {
    db::StopInput in;
    in.transaction_id = req.transactionId;
    in.meter_stop = req.meterStop;
    in.ts = ocpp::format_datetime(req.timestamp);
    in.reason = req.reason ? to_string(*req.reason) : "Local";
    in.id_tag = req.idTag;
    if (req.transactionData) {
        in.samples = samples_of(*req.transactionData);
    }
    const auto id_tag = req.idTag;
    ctx.db.run<Stopped>(
        [id, in, budget = ctx.sample_budget,
         now = ctx.loop.clock().now()](store::Connection& db) mutable -> ocpp::Result<Stopped> {
            Stopped out;
            auto owner = db::transaction_owner(db, in.transaction_id);
            if (!owner) {
                return owner.error();
            }
            if (*owner && (*owner)->chargebox_id == id) {
                const auto take = budget->take(id, in.transaction_id, in.samples.size(), now);
                out.applied.trimmed = in.samples.size() - take.allowed;
                out.applied.first_trim = take.first_trim;
                in.samples.resize(take.allowed);
                auto stopped = db::stop_transaction(db, id, in);
                if (!stopped) {
                    return stopped.error();
                }
                out.result = *stopped;
            } else {
                out.applied.own = false;
                out.applied.owner = std::move(*owner);
            }
            if (in.id_tag) {
                auto found = db::find_id_tag(db, *in.id_tag);
                if (!found) {
                    return found.error();
                }
                out.tag = std::move(*found);
            }
            return out;
        },
        [&ctx, id, id_tag, tx = req.transactionId, reply](ocpp::Result<Stopped> r) mutable {
            if (!r) {
                internal_error(ctx, id, reply, "the stop could not be stored", r.error());
                return;
            }
            if (!r->applied.own) {
                report_foreign(ctx, id, "StopTransaction", tx, r->applied.owner, std::nullopt, "nothing was stopped");
            } else if (r->result == db::StopResult::Stopped) {
                report_trim(ctx, id, tx, r->applied);
                ChargerObservers::tell(ctx.links.observers().session_stopped, id, std::int64_t{tx});
            }
            StopTransactionConf conf;
            if (id_tag) {
                conf.idTagInfo = id_tag_info(r->tag, ctx.now_text());
            }
            reply(conf);
        });
}

} // namespace

void add_transaction_handlers(HandlerContext& ctx, ocpp::Peer& peer, const std::string& id) {
    peer.on<StartTransactionReq>([&ctx, id](const StartTransactionReq& req, ocpp::Reply<StartTransactionConf> reply) {
        on_start(ctx, id, req, std::move(reply));
    });
    peer.on<MeterValuesReq>([&ctx, id](const MeterValuesReq& req, ocpp::Reply<MeterValuesConf> reply) {
        on_meter_values(ctx, id, req, std::move(reply));
    });
    peer.on<StopTransactionReq>([&ctx, id](const StopTransactionReq& req, ocpp::Reply<StopTransactionConf> reply) {
        on_stop(ctx, id, req, std::move(reply));
    });
}

} // namespace cs

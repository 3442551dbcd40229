// StartTransaction (committed before the answer; the transactionId is the database's), MeterValues (stored) and
// StopTransaction (committed before the answer; a duplicate changes nothing and is answered the same way).
#include <cstdlib>

#include "centralsystem/central_system.hpp"
#include "centralsystem/store.hpp"
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
            if (sv.value.empty() || *end != '\0') {
                continue; // SignedData and other non-numeric values are not kept in this table
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

template <class Conf>
void internal_error(CentralSystem& cs, const std::string& id, ocpp::Reply<Conf>& reply, const char* what,
                    const ocpp::Error& e) {
    cs.log_charger(id, ocpp::LogLevel::Error, "store failures", std::string(what) + ": " + e.message);
    reply.error(ocpp::rpc::ErrorCode::InternalError, std::string(what) + "; try again");
}

} // namespace

void add_transaction_handlers(CentralSystem& cs, ocpp::Peer& peer, const std::string& id) {
    peer.on<StartTransactionReq>([&cs, id](const StartTransactionReq& req, ocpp::Reply<StartTransactionConf> reply) {
        const std::string ts = ocpp::format_datetime(req.timestamp);
        cs.store<db::StartResult>(
            [id, req, ts](store::Connection& db) {
                return db::start_transaction(db, id, req.connectorId, req.idTag, req.meterStart, ts);
            },
            [&cs, id, reply](ocpp::Result<db::StartResult> r) mutable {
                if (!r) {
                    internal_error(cs, id, reply, "the transaction could not be stored", r.error());
                    return;
                }
                StartTransactionConf conf;
                conf.idTagInfo = id_tag_info(r->tag, cs.now_text());
                conf.transactionId = static_cast<int>(r->transaction_id);
                reply(conf);
            });
    });
    peer.on<MeterValuesReq>([&cs, id](const MeterValuesReq& req, ocpp::Reply<MeterValuesConf> reply) {
        std::optional<std::int64_t> tx;
        if (req.transactionId) {
            tx = *req.transactionId;
        }
        cs.store<bool>(
            [id, connector = req.connectorId, tx,
             samples = samples_of(req.meterValue)](store::Connection& db) -> ocpp::Result<bool> {
                if (auto r = db::add_meter_values(db, id, connector, tx, samples); !r) {
                    return r.error();
                }
                return true;
            },
            [&cs, id, reply](ocpp::Result<bool> r) mutable {
                if (!r) {
                    internal_error(cs, id, reply, "the meter values could not be stored", r.error());
                    return;
                }
                reply(MeterValuesConf{});
            });
    });
    peer.on<StopTransactionReq>([&cs, id](const StopTransactionReq& req, ocpp::Reply<StopTransactionConf> reply) {
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
        cs.store<std::pair<db::StopResult, std::optional<IdTag>>>(
            [id, in](store::Connection& db) -> ocpp::Result<std::pair<db::StopResult, std::optional<IdTag>>> {
                auto stopped = db::stop_transaction(db, id, in);
                if (!stopped) {
                    return stopped.error();
                }
                std::optional<IdTag> tag;
                if (in.id_tag) {
                    auto found = db::find_id_tag(db, *in.id_tag);
                    if (!found) {
                        return found.error();
                    }
                    tag = std::move(*found);
                }
                return std::make_pair(*stopped, std::move(tag));
            },
            [&cs, id, id_tag, tx = req.transactionId,
             reply](ocpp::Result<std::pair<db::StopResult, std::optional<IdTag>>> r) mutable {
                if (!r) {
                    internal_error(cs, id, reply, "the stop could not be stored", r.error());
                    return;
                }
                if (r->first == db::StopResult::Unknown) {
                    cs.log_charger(id, ocpp::LogLevel::Warn, "stops of unknown transactions",
                                   "stopped unknown transaction " + std::to_string(tx));
                }
                StopTransactionConf conf;
                if (id_tag) {
                    conf.idTagInfo = id_tag_info(r->second, cs.now_text());
                }
                reply(conf);
            });
    });
}

} // namespace cs

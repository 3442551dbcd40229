// The DataTransfer log (operations.hpp): what chargers sent and what they were answered, newest first.
#include "centralsystem/api/operations/operations.hpp"
#include "centralsystem/db/operations.hpp"

namespace cs::api {

namespace {

void answer_transfers(CentralSystem& cs, std::string id, int limit, Respond respond) {
    cs.store<std::vector<db::DataTransferRow>>(
        [id, limit](store::Connection& db) { return db::list_data_transfers(db, id, limit); },
        [&cs, respond](ocpp::Result<std::vector<db::DataTransferRow>> r) {
            if (!r) {
                return respond(store_failed(cs, r.error()));
            }
            respond(json_response(200, json_object([&](Writer& w) {
                                      w.Key("dataTransfers");
                                      w.StartArray();
                                      for (const auto& t : *r) {
                                          w.StartObject();
                                          w.Key("id");
                                          w.Int64(t.id);
                                          member(w, "chargeBoxId", t.chargebox_id);
                                          member(w, "vendorId", t.vendor_id);
                                          member(w, "messageId", t.message_id);
                                          member(w, "data", t.data);
                                          member(w, "status", t.status);
                                          member(w, "answerData", t.answer_data);
                                          member(w, "at", t.at);
                                          w.EndObject();
                                      }
                                      w.EndArray();
                                  })));
        });
}

// ?limit= from 1 to 1000 (default 100); 0 when it is not such.
int limit_of(const HttpRequest& req) {
    const std::string text = query_param(req.query, "limit");
    if (text.empty()) {
        return 100;
    }
    const long long n = std::atoll(text.c_str());
    return n >= 1 && n <= 1000 && std::to_string(n) == text ? static_cast<int>(n) : 0;
}

} // namespace

void charger_data_transfers(CentralSystem& cs, const std::string& id, const HttpRequest& req, Respond respond) {
    const int limit = limit_of(req);
    if (limit == 0) {
        return respond(json_error(400, "limit is a whole number from 1 to 1000", "limit"));
    }
    if (cs.credentials(id) == nullptr) {
        return respond(json_error(404, "no charger with this Chargebox ID", "chargeBoxId"));
    }
    answer_transfers(cs, id, limit, std::move(respond));
}

void list_data_transfers(CentralSystem& cs, const HttpRequest& req, Respond respond) {
    const int limit = limit_of(req);
    if (limit == 0) {
        return respond(json_error(400, "limit is a whole number from 1 to 1000", "limit"));
    }
    const std::string id = query_param(req.query, "chargeBoxId");
    if (!id.empty() && cs.credentials(id) == nullptr) {
        return respond(json_error(404, "no charger with this Chargebox ID", "chargeBoxId"));
    }
    answer_transfers(cs, id, limit, std::move(respond));
}

} // namespace cs::api

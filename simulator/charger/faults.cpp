// Connector faults of a simulated charger: a QA engineer raises one (a model's faulted_connectors, or a DataTransfer
// from the central system) to see how a backend handles Faulted; ReserveNow then answers Faulted, no session starts
// there, and clearing it brings the connector back.
#include <rapidjson/document.h>

#include "simulator/charger/charger.hpp"

namespace sim {

using namespace ocpp::v16;

bool Charger::raise_fault(int c, ChargePointErrorCode code) {
    if (c < 1 || c > spec_.connectors || code == ChargePointErrorCode::NoError) {
        return false;
    }
    auto& k = conn(c);
    const bool again = k.fault != ChargePointErrorCode::NoError;
    k.fault = code;
    k.arrival->cancel();
    k.arrival_armed = false;
    if (k.local_tx != 0) {
        finish_session(c, Reason::Other); // the session ends; Finishing settles into Faulted (sessions.cpp)
        return true;
    }
    if (k.status == Status::Finishing) {
        return true; // its end of Finishing settles into Faulted (sessions.cpp)
    }
    if (again && k.status == Status::Faulted) {
        send_status(c); // the new errorCode
    }
    set_status(c, Status::Faulted);
    return true;
}

bool Charger::clear_fault(int c) {
    if (c < 1 || c > spec_.connectors) {
        return false;
    }
    auto& k = conn(c);
    if (k.fault == ChargePointErrorCode::NoError) {
        return true; // nothing to clear
    }
    k.fault = ChargePointErrorCode::NoError;
    if (k.status == Status::Faulted) {
        if (k.pending_unavailable) {
            k.pending_unavailable = false;
            k.operative = false;
        }
        const bool reserved = reservations_[static_cast<std::size_t>(c)].has_value();
        set_status(c, !k.operative ? Status::Unavailable : (reserved ? Status::Reserved : Status::Available));
        settle_charge_point_availability();
    }
    if (!k.arrival_armed && k.local_tx == 0) {
        schedule_arrival(c);
    }
    return true;
}

void Charger::settle_charge_point_availability() {
    auto& zero = conn(0);
    if (zero.pending_unavailable && charging() == 0) {
        zero.pending_unavailable = false;
        zero.operative = false;
        set_status(0, Status::Unavailable);
    }
}

std::optional<DataTransferStatus> Charger::fault_data_transfer(const std::string& message_id,
                                                               const std::optional<std::string>& data) {
    const bool raise = message_id == "fault";
    if (!raise && message_id != "clear-fault") {
        return std::nullopt;
    }
    rapidjson::Document d;
    if (!data || data->size() > 1024) {
        return DataTransferStatus::Rejected;
    }
    d.Parse(data->c_str(), data->size());
    if (d.HasParseError() || !d.IsObject() || !d.HasMember("connectorId") || !d["connectorId"].IsInt()) {
        return DataTransferStatus::Rejected;
    }
    const int c = d["connectorId"].GetInt();
    if (!raise) {
        return clear_fault(c) ? DataTransferStatus::Accepted : DataTransferStatus::Rejected;
    }
    auto code = ChargePointErrorCode::OtherError;
    if (d.HasMember("errorCode")) {
        const auto& e = d["errorCode"];
        if (!e.IsString() || !from_string(std::string_view(e.GetString(), e.GetStringLength()), code)) {
            return DataTransferStatus::Rejected;
        }
    }
    return raise_fault(c, code) ? DataTransferStatus::Accepted : DataTransferStatus::Rejected;
}

} // namespace sim

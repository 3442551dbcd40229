// DataTransfer both ways: the charger answers for its model's vendor ids and sends the model's periodic message.
//
// Message ids the simulator knows (for every vendor id it answers):
//   (none)  Accepted, no data
//   echo    Accepted, the request's data sent back
//   fault, clear-fault  raise or clear a connector fault (faults.cpp): Accepted, or Rejected for bad data
// Any other messageId is UnknownMessageId; a vendorId not in ChargerSpec::data_transfer_vendors is UnknownVendorId.
#include <algorithm>

#include "simulator/charger/call.hpp"
#include "simulator/charger/charger.hpp"

namespace sim {

using namespace ocpp::v16;
using ocpp::Reply;

void Charger::register_data_transfer() {
    peer_->on<DataTransferReq>([this](const DataTransferReq& req, Reply<DataTransferConf> reply) {
        ++env_.stats.calls_answered[std::string(req.action)];
        DataTransferConf conf;
        const auto& vendors = spec_.data_transfer_vendors;
        if (std::find(vendors.begin(), vendors.end(), req.vendorId) == vendors.end()) {
            conf.status = DataTransferStatus::UnknownVendorId;
        } else if (!req.messageId) {
            conf.status = DataTransferStatus::Accepted;
        } else if (auto fault = fault_data_transfer(*req.messageId, req.data)) {
            conf.status = *fault;
        } else if (*req.messageId == "echo") {
            conf.status = DataTransferStatus::Accepted;
            conf.data = req.data;
        } else {
            conf.status = DataTransferStatus::UnknownMessageId;
        }
        reply(conf);
    });
}

void Charger::arm_data_transfer() {
    const auto& periodic = spec_.periodic_data_transfer;
    if (!periodic || periodic->every.count() <= 0 || spec_.mode == Mode::Throughput) {
        return;
    }
    if (!data_transfer_timer_) {
        data_transfer_timer_ = env_.executor.make_timer();
    }
    data_transfer_timer_->start(periodic->every, [this] {
        if (!booted() || !connected()) {
            return; // armed again after the next boot
        }
        const auto& p = *spec_.periodic_data_transfer;
        DataTransferReq req;
        req.vendorId = p.vendor_id;
        if (!p.message_id.empty()) {
            req.messageId = p.message_id;
        }
        if (!p.data.empty()) {
            req.data = p.data;
        }
        call(req); // counted per action in the statistics like every CALL
        arm_data_transfer();
    });
}

} // namespace sim

// The LocalAuthListManagement profile: SendLocalList, GetLocalListVersion, against the charger's AuthStore.
#include "simulator/charger/charger.hpp"

namespace sim {

using namespace ocpp::v16;
using ocpp::Reply;

void Charger::register_local_list() {
    auto counted = [this](std::string_view action) { ++env_.stats.calls_answered[std::string(action)]; };
    peer_->on<SendLocalListReq>([this, counted](const SendLocalListReq& req, Reply<SendLocalListConf> reply) {
        counted(req.action);
        if (!config_.bool_value("LocalAuthListEnabled", false)) {
            reply(SendLocalListConf{UpdateStatus::NotSupported});
            return;
        }
        AuthStore::ListLimits limits;
        limits.local_auth_list_max_length =
            static_cast<std::size_t>(std::max(0, config_.int_value("LocalAuthListMaxLength", 0)));
        limits.send_local_list_max_length =
            static_cast<std::size_t>(std::max(0, config_.int_value("SendLocalListMaxLength", 0)));
        reply(SendLocalListConf{auth_.apply(req, limits)});
    });
    peer_->on<GetLocalListVersionReq>(
        [this, counted](const GetLocalListVersionReq& req, Reply<GetLocalListVersionConf> reply) {
            counted(req.action);
            // -1: no local list in use (switched off); 0: the list is empty.
            reply(GetLocalListVersionConf{config_.bool_value("LocalAuthListEnabled", false) ? auth_.version() : -1});
        });
}

} // namespace sim

#include "centralsystem/protocol/links.hpp"

namespace cs {

ChargerLinks::~ChargerLinks() {
    for (auto& [id, peer] : peers_) {
        peer->set_close_handler({});
    }
}

void ChargerLinks::add(const std::string& id, std::shared_ptr<ocpp::Peer> peer) {
    std::weak_ptr<ocpp::Peer> weak = peer;
    peer->set_close_handler([this, id, weak](const ocpp::net::CloseInfo& info) {
        auto it = peers_.find(id);
        if (it != peers_.end() && it->second == weak.lock()) {
            peers_.erase(it);
            log_.info("connection", "\"" + id + "\" disconnected (" + std::to_string(info.code) + ")");
            if (gone_) {
                gone_(id, info.code);
            }
            ChargerObservers::tell(observers_.gone, id);
        }
    });
    auto& slot = peers_[id];
    if (slot) {
        log_.info("connection", "\"" + id + "\" connected again: the older connection is closed");
        auto old = std::move(slot);
        old->set_close_handler({});
        old->close(1000, "replaced by a newer connection");
    } else {
        log_.info("connection", "\"" + id + "\" connected");
    }
    slot = std::move(peer);
    ChargerObservers::tell(observers_.connected, id);
}

std::shared_ptr<ocpp::Peer> ChargerLinks::peer(const std::string& id) const {
    auto it = peers_.find(id);
    return it == peers_.end() ? nullptr : it->second;
}

void ChargerLinks::log_charger(const std::string& id, ocpp::LogLevel level, std::string_view kind,
                               std::string_view message) {
    if (auto it = peers_.find(id); it != peers_.end()) {
        it->second->warnings().log(level, kind, message);
    } else {
        log_.log(level, "peer " + id, message);
    }
}

} // namespace cs

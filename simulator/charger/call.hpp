#pragma once
// Charger::call: every CALL a charger sends goes through here, so each one is counted with its latency.
#include "simulator/charger/charger.hpp"

namespace sim {

template <class Req>
void Charger::call(const Req& req, std::function<void(ocpp::CallOutcome<typename Req::Response>)> done) {
    using Conf = typename Req::Response;
    if (!peer_ || !peer_->is_open()) {
        if (done) {
            ocpp::CallOutcome<Conf> out;
            out.status = ocpp::CallStatus::Closed;
            out.error_description = "not connected";
            done(std::move(out));
        }
        return;
    }
    ++env_.stats.action(std::string(Req::action)).sent;
    std::weak_ptr<Charger> weak = weak_from_this();
    peer_->call(req, [weak, done = std::move(done)](ocpp::CallOutcome<Conf> out) {
        auto self = weak.lock();
        if (!self) {
            return;
        }
        if (!(out.status == ocpp::CallStatus::Closed && self->closing_)) {
            self->count(Req::action, out.status, out.latency);
        }
        if (done) {
            done(std::move(out));
        }
        if (self->state_ == State::Stopping) {
            self->maybe_finish_stop();
        }
    });
}

} // namespace sim

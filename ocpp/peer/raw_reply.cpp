// RawReply: how a handler answers a CALL; the answer goes out through its Peer.
#include "ocpp/peer/peer.hpp"

namespace ocpp {

RawReply::RawReply(std::weak_ptr<Peer> peer, std::string id, std::string action)
    : state_(std::make_shared<State>()) {
    state_->peer = std::move(peer);
    state_->id = std::move(id);
    state_->action = std::move(action);
}

RawReply::State::~State() {
    if (!answered) {
        if (auto p = peer.lock()) {
            p->send_reply(id, action,
                          rpc::serialize_error(id, rpc::ErrorCode::InternalError, "the handler gave no answer"),
                          "InternalError");
        }
    }
}

void RawReply::send(std::string_view frame, const char* error_code) {
    state_->answered = true;
    if (auto p = state_->peer.lock()) {
        p->send_reply(state_->id, state_->action, frame, error_code);
    }
}

void RawReply::ok(const rapidjson::Value& payload) {
    ok_with([&](rpc::JsonWriter& w) { payload.Accept(w); });
}

void RawReply::error(rpc::ErrorCode code, std::string description) {
    if (!state_->answered) {
        send(rpc::serialize_error(state_->id, code, description), rpc::to_string(code).data());
    }
}

void RawReply::decode_failed(const v16::DecodeError& e) {
    error(error_code_for(e.rule, e.pointer),
          (e.pointer.empty() ? std::string("payload") : e.pointer) + ": " + e.message);
}

} // namespace ocpp

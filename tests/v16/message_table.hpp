#pragma once
// Every (action, direction) of OCPP 1.6 with a type-erased decode + re-encode, built from OCPP_V16_FOR_EACH_ACTION so
// that a new action is covered by every test without editing it.
#include <optional>
#include <string>
#include <vector>

#include "ocpp/v16/codec.hpp"
#include "ocpp/v16/messages.hpp"

namespace ocpp::test {

// Decodes `payload` into T and serialises it again; the text, or the decoder's error.
struct RoundTrip {
    std::optional<std::string> json;
    std::optional<v16::DecodeError> error;
};

template <class T> RoundTrip round_trip(const rapidjson::Value& payload) {
    T message{};
    v16::Decoder d;
    if (!read_value(payload, message, d)) {
        return RoundTrip{std::nullopt, d.error()};
    }
    return RoundTrip{v16::to_json_string(message), std::nullopt};
}

struct MessageCodec {
    std::string key; // "<Action>.req" / "<Action>.conf", as the schema files and fixtures name them
    RoundTrip (*round_trip)(const rapidjson::Value&);
};

inline const std::vector<MessageCodec>& message_codecs() {
#define OCPPKIT_TEST_CODEC(Action, cp, cs)                                                                             \
    MessageCodec{#Action ".req", &round_trip<v16::Action##Req>},                                                       \
        MessageCodec{#Action ".conf", &round_trip<v16::Action##Conf>},
    static const std::vector<MessageCodec> codecs{OCPP_V16_FOR_EACH_ACTION(OCPPKIT_TEST_CODEC)};
#undef OCPPKIT_TEST_CODEC
    return codecs;
}

inline const MessageCodec* find_codec(const std::string& key) {
    for (const auto& c : message_codecs()) {
        if (c.key == key) {
            return &c;
        }
    }
    return nullptr;
}

inline std::vector<std::string> message_keys() {
    std::vector<std::string> keys;
    for (const auto& c : message_codecs()) {
        keys.push_back(c.key);
    }
    return keys;
}

// "BootNotification.req" -> "BootNotification_req", a valid GoogleTest parameter name.
inline std::string param_name(const std::string& key) {
    std::string name = key;
    for (auto& c : name) {
        c = c == '.' ? '_' : c;
    }
    return name;
}

} // namespace ocpp::test

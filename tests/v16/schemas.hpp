#pragma once
// The compiled OCPP 1.6 schemas the v16 tests share, and a schema by its "Action.req" / "Action.conf" key.
#include <stdexcept>
#include <string>

#include "ocpp/validation/registry.hpp"

namespace ocpp::test {

inline const validation::Registry& registry() {
    static const validation::Registry r = [] {
        auto compiled = validation::Registry::v16();
        if (!compiled) {
            throw std::runtime_error(compiled.error().message);
        }
        return std::move(*compiled);
    }();
    return r;
}

// The schema of "BootNotification.req", or nullptr.
inline const validation::Schema* find_schema(const std::string& key) {
    const auto dot = key.find('.');
    return registry().find(key.substr(0, dot), key.substr(dot + 1) == "req" ? validation::Direction::Request
                                                                            : validation::Direction::Response);
}

// The same, throwing when there is none.
inline const validation::Schema& schema_for(const std::string& key) {
    const auto* s = find_schema(key);
    if (s == nullptr) {
        throw std::runtime_error("no schema for " + key);
    }
    return *s;
}

} // namespace ocpp::test

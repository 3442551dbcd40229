#include "ocpp/validation/registry.hpp"

#include "ocpp/v16/schemas.hpp"

namespace ocpp::validation {

const char* to_string(Mode mode) {
    return mode == Mode::Strict ? "strict" : "tolerant";
}

Result<Registry> Registry::compile(const std::vector<EmbeddedFile>& files) {
    Registry r;
    for (const auto& f : files) {
        std::string_view name = f.name;
        constexpr std::string_view kSuffix = ".json";
        if (name.size() <= kSuffix.size() || name.substr(name.size() - kSuffix.size()) != kSuffix) {
            continue;
        }
        std::string key(name.substr(0, name.size() - kSuffix.size()));
        auto schema = Schema::compile(f.contents);
        if (!schema) {
            return make_error(std::string(name) + ": " + schema.error().message);
        }
        r.schemas_.emplace(std::move(key), std::move(schema.value()));
    }
    return r;
}

Result<Registry> Registry::v16() {
    return compile(v16::embedded_schemas());
}

const Schema* Registry::find(std::string_view action, Direction direction) const {
    std::string key(action);
    key += direction == Direction::Request ? ".req" : ".conf";
    auto it = schemas_.find(key);
    return it == schemas_.end() ? nullptr : &it->second;
}

std::vector<std::string> Registry::actions() const {
    std::vector<std::string> out;
    for (const auto& [key, schema] : schemas_) {
        constexpr std::string_view kReq = ".req";
        if (key.size() > kReq.size() && key.compare(key.size() - kReq.size(), kReq.size(), kReq) == 0) {
            out.push_back(key.substr(0, key.size() - kReq.size()));
        }
    }
    return out;
}

} // namespace ocpp::validation

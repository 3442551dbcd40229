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
        std::string_view key = name.substr(0, name.size() - kSuffix.size());
        const auto dot = key.rfind('.');
        const auto kind = dot == std::string_view::npos ? std::string_view() : key.substr(dot + 1);
        if (kind != "req" && kind != "conf") {
            return make_error(std::string(name) + ": schema files are named <Action>.req.json or <Action>.conf.json");
        }
        auto schema = Schema::compile(f.contents);
        if (!schema) {
            return make_error(std::string(name) + ": " + schema.error().message);
        }
        (kind == "req" ? r.requests_ : r.responses_)
            .emplace(std::string(key.substr(0, dot)), std::move(schema.value()));
    }
    return r;
}

Result<Registry> Registry::v16() {
    return compile(v16::embedded_schemas());
}

const Schema* Registry::find(std::string_view action, Direction direction) const {
    const auto& schemas = direction == Direction::Request ? requests_ : responses_;
    auto it = schemas.find(action);
    return it == schemas.end() ? nullptr : &it->second;
}

std::vector<std::string> Registry::actions() const {
    std::vector<std::string> out;
    for (const auto& entry : requests_) {
        out.push_back(entry.first);
    }
    return out;
}

} // namespace ocpp::validation

#pragma once
// Builds instances of a draft-04 schema: a MAXIMAL one (every property, strings at exactly maxLength characters,
// arrays of two items) and a MINIMAL one (required properties only). Both are valid by construction and printed in
// the canonical form our encoder writes, so a decode + encode round trip must reproduce them exactly.
#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>
#include <string>

#include <rapidjson/document.h>

#include "ocpp/v16/schemas.hpp"
#include "tests/support/json_fixtures.hpp"

namespace ocpp::test {

// Counts UTF-8 code points (every byte that is not a continuation byte).
inline std::size_t utf8_chars(std::string_view s) {
    std::size_t n = 0;
    for (char c : s) {
        n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
    }
    return n;
}

// The schema of "<Action>.req" / "<Action>.conf" as embedded in the library.
inline const rapidjson::Document& schema_json(const std::string& key) {
    static const std::map<std::string, rapidjson::Document> schemas = [] {
        std::map<std::string, rapidjson::Document> out;
        for (const auto& f : v16::embedded_schemas()) {
            std::string name(f.name);
            name.resize(name.size() - 5); // ".json"
            out.emplace(name, parse_json(f.contents));
        }
        return out;
    }();
    auto it = schemas.find(key);
    if (it == schemas.end()) {
        throw std::runtime_error("no embedded schema " + key);
    }
    return it->second;
}

inline constexpr const char* kCanonicalDateTime = "2026-01-31T12:34:56.789Z";
inline constexpr const char* kCanonicalDateTimeNoFraction = "2026-01-31T12:34:56Z";

class InstanceBuilder {
public:
    enum class Kind { Maximal, Minimal };
    InstanceBuilder(Kind kind, rapidjson::Document::AllocatorType& alloc)
        : kind_(kind)
        , alloc_(alloc) {}

    rapidjson::Value build(const rapidjson::Value& schema) {
        const std::string type = schema.HasMember("type") ? schema["type"].GetString() : "";
        if (type == "object") {
            return object(schema);
        }
        if (type == "array") {
            rapidjson::Value arr(rapidjson::kArrayType);
            const int n = kind_ == Kind::Maximal ? 2 : 1;
            for (int i = 0; i < n; ++i) {
                arr.PushBack(build(schema["items"]), alloc_);
            }
            return arr;
        }
        if (type == "string") {
            return string(schema);
        }
        if (type == "integer") {
            if (kind_ == Kind::Minimal) {
                return rapidjson::Value(0);
            }
            if (flip()) {
                return rapidjson::Value(std::numeric_limits<int>::max());
            }
            // The lowest value the schema allows (a connectorId has minimum 0).
            return rapidjson::Value(schema.HasMember("minimum") ? schema["minimum"].GetInt()
                                                                : std::numeric_limits<int>::min());
        }
        if (type == "number") {
            if (kind_ == Kind::Minimal) {
                return rapidjson::Value(0.0);
            }
            if (schema.HasMember("multipleOf")) {
                // 15 steps of the multiple, rounded so that 15 * 0.1 is 1.5 and not 1.5000000000000002.
                return rapidjson::Value(std::round(15 * schema["multipleOf"].GetDouble() * 1e9) / 1e9);
            }
            return rapidjson::Value(1234.5678);
        }
        if (type == "boolean") {
            return rapidjson::Value(kind_ == Kind::Minimal ? false : flip());
        }
        throw std::runtime_error("the instance builder does not know type \"" + type + "\"");
    }

private:
    rapidjson::Value object(const rapidjson::Value& schema) {
        rapidjson::Value obj(rapidjson::kObjectType);
        if (!schema.HasMember("properties")) {
            return obj;
        }
        for (const auto& p : schema["properties"].GetObject()) {
            if (kind_ == Kind::Minimal && !is_required(schema, p.name.GetString())) {
                continue;
            }
            rapidjson::Value name(p.name, alloc_);
            obj.AddMember(name, build(p.value), alloc_);
        }
        return obj;
    }

    static bool is_required(const rapidjson::Value& schema, std::string_view name) {
        if (!schema.HasMember("required")) {
            return false;
        }
        for (const auto& r : schema["required"].GetArray()) {
            if (name == r.GetString()) {
                return true;
            }
        }
        return false;
    }

    rapidjson::Value string(const rapidjson::Value& schema) {
        std::string s;
        const std::string format = schema.HasMember("format") ? schema["format"].GetString() : "";
        if (schema.HasMember("enum")) {
            const auto& values = schema["enum"];
            // Each enum alternates on its own, so the two items of an array get both ends of the list.
            auto it = enum_turns_.try_emplace(&schema, toggle_++).first;
            s = values[kind_ == Kind::Minimal || (it->second++ % 2) == 0 ? 0 : values.Size() - 1].GetString();
        } else if (format == "date-time") {
            s = kind_ == Kind::Maximal ? kCanonicalDateTime : kCanonicalDateTimeNoFraction;
        } else if (format == "uri") {
            s = "https://example.com/f";
            if (kind_ == Kind::Maximal && schema.HasMember("maxLength")) {
                s.resize(schema["maxLength"].GetUint(), 'f');
            }
        } else if (kind_ == Kind::Maximal) {
            // Characters of 1, 2, 3 and 4 bytes: a byte-counting length check would refuse this string.
            static constexpr const char* kChars[] = {"a", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80"};
            const std::size_t n = schema.HasMember("maxLength") ? schema["maxLength"].GetUint() : 30;
            for (std::size_t i = 0; i < n; ++i) {
                s += kChars[i % 4];
            }
        }
        return rapidjson::Value(s.data(), static_cast<rapidjson::SizeType>(s.size()), alloc_);
    }

    bool flip() { return (toggle_++ % 2) == 0; }

    Kind kind_;
    rapidjson::Document::AllocatorType& alloc_;
    unsigned toggle_ = 0;
    std::map<const rapidjson::Value*, unsigned> enum_turns_;
};

inline rapidjson::Document build_instance(const std::string& key, InstanceBuilder::Kind kind) {
    rapidjson::Document doc;
    InstanceBuilder b(kind, doc.GetAllocator());
    rapidjson::Value v = b.build(schema_json(key));
    rapidjson::Value& root = doc;
    root.Swap(v);
    return doc;
}

} // namespace ocpp::test

namespace ocpp::test {

// The sub-schema that governs the value at `pointer` ("/meterValue/0/timestamp"); nullptr when there is none.
inline const rapidjson::Value* schema_at(const rapidjson::Value& schema, std::string_view pointer) {
    const rapidjson::Value* node = &schema;
    std::size_t pos = 0;
    while (pos < pointer.size()) {
        const std::size_t next = pointer.find('/', pos + 1);
        const std::string token(pointer.substr(pos + 1, next == std::string_view::npos ? next : next - pos - 1));
        pos = next == std::string_view::npos ? pointer.size() : next;
        if (node->HasMember("items")) {
            node = &(*node)["items"];
        } else if (node->HasMember("properties") && (*node)["properties"].HasMember(token.c_str())) {
            node = &(*node)["properties"][token.c_str()];
        } else {
            return nullptr;
        }
    }
    return node;
}

} // namespace ocpp::test

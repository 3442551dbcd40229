#pragma once
// The JSON conversion primitives the generated message code is built from (see tools/gen_v16.py).
// Writing goes straight to a rapidjson::Writer (no DOM); reading walks a rapidjson::Value and stops at the first
// problem, reporting its JSON pointer and the schema rule it breaks.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "ocpp/text/datetime.hpp"
#include "ocpp/text/json_text.hpp"

namespace ocpp::v16 {

using JsonWriter = ocpp::JsonWriter;
using Json = rapidjson::Value;

// Why a payload could not be converted: where, which rule, in words.
struct DecodeError {
    std::string pointer; // JSON pointer, e.g. "/meterValue/0/timestamp"
    std::string rule;    // "type", "required", "enum", "format"
    std::string message;
};

// Tracks the JSON pointer while a payload is read, and keeps the first error.
class Decoder {
public:
    bool fail(std::string rule, std::string message);
    bool failed() const { return error_.has_value(); }
    const std::optional<DecodeError>& error() const { return error_; }

    // Pushes a path segment for the duration of a scope.
    class Scope {
    public:
        Scope(Decoder& d, std::string_view key);
        Scope(Decoder& d, std::size_t index);
        ~Scope();
        Scope(const Scope&) = delete;
        Scope& operator=(const Scope&) = delete;

    private:
        Decoder& d_;
        std::size_t size_;
    };

private:
    std::string path_;
    std::optional<DecodeError> error_;
};

bool read_value(const Json& j, std::string& out, Decoder& d);
bool read_value(const Json& j, int& out, Decoder& d);
bool read_value(const Json& j, double& out, Decoder& d);
bool read_value(const Json& j, bool& out, Decoder& d);
bool read_value(const Json& j, DateTime& out, Decoder& d);
bool expect_object(const Json& j, Decoder& d);

void write_value(JsonWriter& w, const std::string& v);
void write_value(JsonWriter& w, int v);
void write_value(JsonWriter& w, double v);
void write_value(JsonWriter& w, bool v);
void write_value(JsonWriter& w, const DateTime& v);

template <class T> bool read_value(const Json& j, std::vector<T>& out, Decoder& d) {
    if (!j.IsArray()) {
        return d.fail("type", "expected an array");
    }
    out.clear();
    out.resize(j.Size());
    for (rapidjson::SizeType i = 0; i < j.Size(); ++i) {
        Decoder::Scope s(d, i);
        if (!read_value(j[i], out[i], d)) {
            return false;
        }
    }
    return true;
}

template <class T> void write_value(JsonWriter& w, const std::vector<T>& v) {
    w.StartArray();
    for (const auto& item : v) {
        write_value(w, item);
    }
    w.EndArray();
}

// A required field: absent is an error.
template <class T> bool read_field(const Json& obj, std::string_view name, T& out, Decoder& d) {
    auto it = obj.FindMember(rapidjson::StringRef(name.data(), name.size()));
    Decoder::Scope s(d, name);
    if (it == obj.MemberEnd()) {
        return d.fail("required", "required property is missing");
    }
    return read_value(it->value, out, d);
}

// An optional field: absent leaves it empty.
template <class T> bool read_field(const Json& obj, std::string_view name, std::optional<T>& out, Decoder& d) {
    auto it = obj.FindMember(rapidjson::StringRef(name.data(), name.size()));
    if (it == obj.MemberEnd()) {
        out.reset();
        return true;
    }
    Decoder::Scope s(d, name);
    out.emplace();
    return read_value(it->value, *out, d);
}

template <class T> void write_field(JsonWriter& w, std::string_view name, const T& v) {
    w.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
    write_value(w, v);
}

template <class T> void write_field(JsonWriter& w, std::string_view name, const std::optional<T>& v) {
    if (v) {
        write_field(w, name, *v);
    }
}

// Reads an enum through its generated from_string(); the value list is in the error message.
template <class E> bool read_enum(const Json& j, E& out, Decoder& d) {
    if (!j.IsString()) {
        return d.fail("type", "expected a string");
    }
    if (!from_string(std::string_view(j.GetString(), j.GetStringLength()), out)) {
        return d.fail("enum", "\"" + std::string(j.GetString(), j.GetStringLength()) + "\" is not an allowed value");
    }
    return true;
}

// Serialises any message or type to a JSON text.
template <class T> std::string to_json_string(const T& v) {
    JsonText text;
    write_value(text.writer(), v);
    return text.str();
}

} // namespace ocpp::v16

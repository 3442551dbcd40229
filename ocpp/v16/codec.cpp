#include "ocpp/v16/codec.hpp"

#include <cmath>
#include <limits>

#include "ocpp/text/datetime_read.hpp"

namespace ocpp::v16 {

bool Decoder::fail(std::string rule, std::string message) {
    if (!error_) {
        error_ = DecodeError{path_, std::move(rule), std::move(message)};
    }
    return false;
}

namespace {
// JSON pointer escaping: '~' -> "~0", '/' -> "~1".
void append_escaped(std::string& path, std::string_view key) {
    for (char c : key) {
        if (c == '~') {
            path += "~0";
        } else if (c == '/') {
            path += "~1";
        } else {
            path.push_back(c);
        }
    }
}
} // namespace

Decoder::Scope::Scope(Decoder& d, std::string_view key)
    : d_(d)
    , size_(d.path_.size()) {
    d_.path_.push_back('/');
    append_escaped(d_.path_, key);
}

Decoder::Scope::Scope(Decoder& d, std::size_t index)
    : d_(d)
    , size_(d.path_.size()) {
    d_.path_.push_back('/');
    d_.path_ += std::to_string(index);
}

Decoder::Scope::~Scope() {
    if (!d_.error_) {
        d_.path_.resize(size_);
    }
}

bool expect_object(const Json& j, Decoder& d) {
    return j.IsObject() || d.fail("type", "expected an object");
}

bool read_value(const Json& j, std::string& out, Decoder& d) {
    if (!j.IsString()) {
        return d.fail("type", "expected a string");
    }
    out.assign(j.GetString(), j.GetStringLength());
    return true;
}

bool read_value(const Json& j, int& out, Decoder& d) {
    if (j.IsInt()) {
        out = j.GetInt();
        return true;
    }
    // A JSON number with a zero fraction (5.0) is an integer to draft-04 validators such as ajv.
    if (j.IsDouble()) {
        const double v = j.GetDouble();
        if (std::trunc(v) == v && v >= std::numeric_limits<int>::min() && v <= std::numeric_limits<int>::max()) {
            out = static_cast<int>(v);
            return true;
        }
    }
    if (j.IsNumber() && !j.IsDouble()) {
        return d.fail("type", "integer out of the 32-bit range");
    }
    return d.fail("type", "expected an integer");
}

bool read_value(const Json& j, double& out, Decoder& d) {
    if (!j.IsNumber()) {
        return d.fail("type", "expected a number");
    }
    out = j.GetDouble();
    return true;
}

bool read_value(const Json& j, bool& out, Decoder& d) {
    if (!j.IsBool()) {
        return d.fail("type", "expected a boolean");
    }
    out = j.GetBool();
    return true;
}

bool read_value(const Json& j, DateTime& out, Decoder& d) {
    if (!j.IsString()) {
        return d.fail("type", "expected a date-time string");
    }
    auto parsed = read_datetime(std::string_view(j.GetString(), j.GetStringLength()));
    if (!parsed) {
        return d.fail("format",
                      "\"" + std::string(j.GetString(), j.GetStringLength()) + "\" " + parsed.error().message);
    }
    out = *parsed;
    return true;
}

void write_value(JsonWriter& w, const std::string& v) {
    w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
}
void write_value(JsonWriter& w, int v) {
    w.Int(v);
}
void write_value(JsonWriter& w, double v) {
    w.Double(v);
}
void write_value(JsonWriter& w, bool v) {
    w.Bool(v);
}
void write_value(JsonWriter& w, const DateTime& v) {
    char text[kDateTimeMaxChars];
    w.String(text, static_cast<rapidjson::SizeType>(format_datetime_into(text, v)));
}

} // namespace ocpp::v16

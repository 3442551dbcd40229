#pragma once
// Test helpers: read files of the source tree (fixtures, schemas) and compare JSON documents by value.
#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "ocpp/text/datetime.hpp"
#include "tests/support/paths.hpp"

namespace ocpp::test {

// Reads a file given relative to the source tree (the source tree); throws when it cannot be read.
inline std::string read_source_file(std::string_view relative) {
    const std::string path = std::string(ocppkit::test::source_dir()) + "/" + std::string(relative);
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw std::runtime_error("cannot read " + path);
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Parses JSON text; throws on a syntax error so that a broken fixture fails loudly.
inline rapidjson::Document parse_json(std::string_view text) {
    rapidjson::Document doc;
    doc.Parse(text.data(), text.size());
    if (doc.HasParseError()) {
        throw std::runtime_error("invalid JSON at offset " + std::to_string(doc.GetErrorOffset()));
    }
    return doc;
}

inline rapidjson::Document read_json_fixture(std::string_view relative) {
    return parse_json(read_source_file(relative));
}

inline std::string to_text(const rapidjson::Value& v) {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    v.Accept(w);
    return std::string(buf.GetString(), buf.GetSize());
}

enum class DateCompare {
    Exact,     // strings must be identical
    TimePoint, // strings that both parse as RFC 3339 date-times are equal when they name the same instant
};

// Compares two JSON values by value: numbers by numeric value (300 == 300.0), objects regardless of member
// order. On a difference, `where` receives the JSON pointer of the first one found.
inline bool json_equal(const rapidjson::Value& a, const rapidjson::Value& b, DateCompare dates, std::string& where,
                       const std::string& path = "") {
    if (a.IsNumber() && b.IsNumber()) {
        if (a.GetDouble() == b.GetDouble()) {
            return true;
        }
        where = path;
        return false;
    }
    if (a.GetType() != b.GetType()) {
        where = path;
        return false;
    }
    if (a.IsString()) {
        const std::string_view sa(a.GetString(), a.GetStringLength());
        const std::string_view sb(b.GetString(), b.GetStringLength());
        if (sa == sb) {
            return true;
        }
        if (dates == DateCompare::TimePoint) {
            auto ta = parse_datetime(sa);
            auto tb = parse_datetime(sb);
            if (ta && tb && *ta == *tb) {
                return true;
            }
        }
        where = path;
        return false;
    }
    if (a.IsArray()) {
        if (a.Size() != b.Size()) {
            where = path;
            return false;
        }
        for (rapidjson::SizeType i = 0; i < a.Size(); ++i) {
            if (!json_equal(a[i], b[i], dates, where, path + "/" + std::to_string(i))) {
                return false;
            }
        }
        return true;
    }
    if (a.IsObject()) {
        if (a.MemberCount() != b.MemberCount()) {
            where = path;
            return false;
        }
        for (const auto& m : a.GetObject()) {
            auto it = b.FindMember(m.name);
            const std::string child = path + "/" + m.name.GetString();
            if (it == b.MemberEnd()) {
                where = child;
                return false;
            }
            if (!json_equal(m.value, it->value, dates, where, child)) {
                return false;
            }
        }
        return true;
    }
    return a == b; // null, true, false
}

} // namespace ocpp::test

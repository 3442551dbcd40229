#include "ocpp/validation/schema.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <set>

#include "ocpp/text/datetime.hpp"
#include "ocpp/text/datetime_read.hpp"

namespace ocpp::validation {

namespace {
enum TypeBit : unsigned {
    kObject = 1,
    kArray = 2,
    kString = 4,
    kInteger = 8,
    kNumber = 16,
    kBoolean = 32,
    kNull = 64,
};

const std::set<std::string_view> kSupported{"$schema",
                                            "id",
                                            "title",
                                            "description",
                                            "typeName",
                                            "type",
                                            "properties",
                                            "additionalProperties",
                                            "required",
                                            "enum",
                                            "maxLength",
                                            "minLength",
                                            "minimum",
                                            "maximum",
                                            "exclusiveMinimum",
                                            "exclusiveMaximum",
                                            "multipleOf",
                                            "items",
                                            "minItems",
                                            "maxItems",
                                            "format",
                                            "default"};

std::string describe(const rapidjson::Value& v) {
    if (v.IsString()) {
        std::string s(v.GetString(), v.GetStringLength());
        return "\"" + (s.size() > 40 ? s.substr(0, 40) + "..." : s) + "\"";
    }
    if (v.IsNumber()) {
        return v.IsInt64() ? std::to_string(v.GetInt64()) : std::to_string(v.GetDouble());
    }
    if (v.IsBool()) {
        return v.GetBool() ? "true" : "false";
    }
    if (v.IsNull()) {
        return "null";
    }
    return v.IsObject() ? "an object" : "an array";
}

const char* type_name(const rapidjson::Value& v) {
    if (v.IsObject()) {
        return "object";
    }
    if (v.IsArray()) {
        return "array";
    }
    if (v.IsString()) {
        return "string";
    }
    if (v.IsBool()) {
        return "boolean";
    }
    if (v.IsNull()) {
        return "null";
    }
    return (v.IsInt64() || v.IsUint64()) ? "integer" : "number";
}

// An absolute URI as RFC 3986 section 3 has it: a scheme, a colon, then no whitespace or control characters.
bool is_absolute_uri(std::string_view s) {
    const auto colon = s.find(':');
    if (colon == std::string_view::npos || colon == 0 || !std::isalpha(static_cast<unsigned char>(s[0]))) {
        return false;
    }
    for (std::size_t i = 1; i < colon; ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (!std::isalnum(c) && c != '+' && c != '-' && c != '.') {
            return false;
        }
    }
    return std::none_of(s.begin() + static_cast<std::ptrdiff_t>(colon), s.end(), [](char ch) {
        const auto c = static_cast<unsigned char>(ch);
        return c <= 0x20 || c == 0x7f || c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' || c == '`' ||
               c == '{' || c == '|' || c == '}';
    });
}

bool is_integer(const rapidjson::Value& v) {
    return v.IsInt64() || v.IsUint64() || (v.IsDouble() && std::trunc(v.GetDouble()) == v.GetDouble());
}

std::size_t utf8_length(const char* s, std::size_t n) {
    std::size_t count = 0;
    for (std::size_t i = 0; i < n; ++i) {
        count += (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 ? 1 : 0;
    }
    return count;
}

void append_pointer(std::string& path, std::string_view key) {
    path.push_back('/');
    for (char c : key) {
        path += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
    }
}
} // namespace

struct Schema::Node {
    unsigned types = 0; // 0 = any
    std::vector<std::pair<std::string, std::unique_ptr<Node>>> properties;
    bool additional_allowed = true;
    std::vector<std::string> required;
    std::vector<std::string> enum_values;
    bool has_enum = false;
    std::optional<std::size_t> max_length, min_length, min_items, max_items;
    std::optional<double> minimum, maximum, multiple_of;
    bool exclusive_minimum = false, exclusive_maximum = false;
    std::unique_ptr<Node> items;
    bool date_time = false;
    bool uri = false;

    // The path of the value being checked, as segments (a key, or an index when the key is empty). The depths OCPP
    // schemas have fit inline, so checking a payload allocates nothing; deeper paths continue on the heap.
    class Path {
    public:
        using Segment = std::pair<std::string_view, rapidjson::SizeType>;
        void push(std::string_view key, rapidjson::SizeType index) {
            if (size_ < kInline) {
                inline_[size_] = Segment(key, index);
            } else {
                overflow_.emplace_back(key, index);
            }
            ++size_;
        }
        void pop() {
            --size_;
            if (size_ >= kInline) {
                overflow_.pop_back();
            }
        }
        std::size_t size() const { return size_; }
        const Segment& operator[](std::size_t i) const { return i < kInline ? inline_[i] : overflow_[i - kInline]; }

    private:
        static constexpr std::size_t kInline = 8;
        std::array<Segment, kInline> inline_;
        std::vector<Segment> overflow_;
        std::size_t size_ = 0;
    };

    // The path is turned into a JSON pointer only when a finding is added: valid payloads (the common case) never
    // build a string.
    struct Walk {
        std::vector<Finding>& out;
        std::size_t limit;
        Path path;
        bool add(std::string rule, std::string message, std::string property = {}) {
            if (out.size() < limit) {
                std::string pointer;
                for (std::size_t i = 0; i < path.size(); ++i) {
                    const auto& [key, index] = path[i];
                    if (key.data() != nullptr) {
                        append_pointer(pointer, key);
                    } else {
                        pointer += "/" + std::to_string(index);
                    }
                }
                out.push_back(Finding{std::move(pointer), std::move(rule), std::move(message), std::move(property)});
            }
            return false;
        }
    };

    bool validate(const rapidjson::Value& v, Walk& w) const;
};

namespace {
Result<unsigned> parse_type(const rapidjson::Value& t, const std::string& where) {
    auto one = [](std::string_view s) -> unsigned {
        if (s == "object") {
            return kObject;
        }
        if (s == "array") {
            return kArray;
        }
        if (s == "string") {
            return kString;
        }
        if (s == "integer") {
            return kInteger;
        }
        if (s == "number") {
            return kNumber | kInteger;
        }
        if (s == "boolean") {
            return kBoolean;
        }
        return s == "null" ? kNull : 0u;
    };
    unsigned bits = 0;
    if (t.IsString()) {
        bits = one(t.GetString());
    } else if (t.IsArray()) {
        for (const auto& e : t.GetArray()) {
            bits |= e.IsString() ? one(e.GetString()) : 0u;
        }
    }
    if (bits == 0) {
        return make_error(where + ": unsupported \"type\"");
    }
    return bits;
}

// Reads a keyword's array of strings (required, enum) into out; the errors are given.
Result<void> string_list(const rapidjson::Value& list, std::string not_array, std::string not_strings,
                         std::vector<std::string>& out) {
    if (!list.IsArray()) {
        return make_error(std::move(not_array));
    }
    for (const auto& item : list.GetArray()) {
        if (!item.IsString()) {
            return make_error(std::move(not_strings));
        }
        out.emplace_back(item.GetString(), item.GetStringLength());
    }
    return {};
}

Result<std::unique_ptr<Schema::Node>> compile_node(const rapidjson::Value& s, const std::string& where) {
    if (!s.IsObject()) {
        return make_error(where + ": a schema must be an object");
    }
    auto node = std::make_unique<Schema::Node>();
    for (const auto& m : s.GetObject()) {
        std::string_view key(m.name.GetString(), m.name.GetStringLength());
        if (!kSupported.count(key)) {
            return make_error(where + ": unsupported keyword \"" + std::string(key) + "\"");
        }
    }
    auto get_size = [&](const char* key, std::optional<std::size_t>& out) -> bool {
        if (!s.HasMember(key)) {
            return true;
        }
        if (!s[key].IsUint()) {
            return false;
        }
        out = s[key].GetUint();
        return true;
    };
    auto get_number = [&](const char* key, std::optional<double>& out) -> bool {
        if (!s.HasMember(key)) {
            return true;
        }
        if (!s[key].IsNumber()) {
            return false;
        }
        out = s[key].GetDouble();
        return true;
    };
    if (!get_size("maxLength", node->max_length) || !get_size("minLength", node->min_length) ||
        !get_size("minItems", node->min_items) || !get_size("maxItems", node->max_items) ||
        !get_number("minimum", node->minimum) || !get_number("maximum", node->maximum) ||
        !get_number("multipleOf", node->multiple_of)) {
        return make_error(where + ": a length, count or bound is not a number");
    }
    if (s.HasMember("type")) {
        auto t = parse_type(s["type"], where);
        if (!t) {
            return t.error();
        }
        node->types = *t;
    }
    node->exclusive_minimum = s.HasMember("exclusiveMinimum") && s["exclusiveMinimum"].IsTrue();
    node->exclusive_maximum = s.HasMember("exclusiveMaximum") && s["exclusiveMaximum"].IsTrue();
    if (s.HasMember("format") && s["format"].IsString()) {
        node->date_time = std::string_view(s["format"].GetString()) == "date-time";
        node->uri = std::string_view(s["format"].GetString()) == "uri";
    }
    if (s.HasMember("additionalProperties")) {
        if (!s["additionalProperties"].IsBool()) {
            return make_error(where + ": additionalProperties must be a boolean here");
        }
        node->additional_allowed = s["additionalProperties"].GetBool();
    }
    if (s.HasMember("required")) {
        if (auto r = string_list(s["required"], where + ": required must be an array",
                                 where + ": required must list strings", node->required);
            !r) {
            return r.error();
        }
    }
    if (s.HasMember("enum")) {
        node->has_enum = true;
        if (auto r = string_list(s["enum"], where + ": enum must be an array",
                                 where + ": only string enums are supported", node->enum_values);
            !r) {
            return r.error();
        }
    }
    if (s.HasMember("properties")) {
        if (!s["properties"].IsObject()) {
            return make_error(where + ": properties must be an object");
        }
        for (const auto& p : s["properties"].GetObject()) {
            std::string name(p.name.GetString(), p.name.GetStringLength());
            auto child = compile_node(p.value, where + "/properties/" + name);
            if (!child) {
                return child.error();
            }
            node->properties.emplace_back(std::move(name), std::move(child.value()));
        }
    }
    if (s.HasMember("items")) {
        auto child = compile_node(s["items"], where + "/items");
        if (!child) {
            return child.error();
        }
        node->items = std::move(child.value());
    }
    return Result<std::unique_ptr<Schema::Node>>(std::move(node));
}
} // namespace

bool Schema::Node::validate(const rapidjson::Value& v, Walk& w) const {
    if (types != 0) {
        unsigned have = v.IsObject()    ? kObject
                        : v.IsArray()   ? kArray
                        : v.IsString()  ? kString
                        : v.IsBool()    ? kBoolean
                        : v.IsNull()    ? kNull
                        : is_integer(v) ? (kInteger | kNumber)
                                        : kNumber;
        if ((have & types) == 0) {
            return w.add("type", std::string("expected ") +
                                     ((types & kObject)    ? "an object"
                                      : (types & kArray)   ? "an array"
                                      : (types & kString)  ? "a string"
                                      : (types & kNumber)  ? "a number"
                                      : (types & kInteger) ? "an integer"
                                                           : "a boolean") +
                                     ", got " + type_name(v) + " " + describe(v));
        }
    }
    bool ok = true;
    if (v.IsString()) {
        const std::string_view text(v.GetString(), v.GetStringLength());
        if (has_enum && std::find(enum_values.begin(), enum_values.end(), text) == enum_values.end()) {
            std::string allowed;
            for (const auto& e : enum_values) {
                allowed += (allowed.empty() ? "" : ", ") + e;
            }
            ok = w.add("enum", describe(v) + " is not one of: " + allowed);
        }
        const std::size_t len = (max_length || min_length) ? utf8_length(text.data(), text.size()) : 0;
        if (max_length && len > *max_length) {
            ok = w.add("maxLength", "is " + std::to_string(len) + " characters long, at most " +
                                        std::to_string(*max_length) + " allowed");
        }
        if (min_length && len < *min_length) {
            ok = w.add("minLength", "is " + std::to_string(len) + " characters long, at least " +
                                        std::to_string(*min_length) + " required");
        }
        if (date_time) {
            if (auto parsed = read_datetime(text); !parsed) {
                ok = w.add("format", describe(v) + " " + parsed.error().message);
            }
        }
        if (uri && !is_absolute_uri(text)) {
            ok = w.add("format", describe(v) + " is not an absolute URI (e.g. ftp://host/path)");
        }
    } else if (v.IsNumber()) {
        const double d = v.GetDouble();
        if (minimum && (exclusive_minimum ? d <= *minimum : d < *minimum)) {
            ok = w.add("minimum", describe(v) + " is below the minimum " + describe(rapidjson::Value(*minimum)));
        }
        if (maximum && (exclusive_maximum ? d >= *maximum : d > *maximum)) {
            ok = w.add("maximum", describe(v) + " is above the maximum " + describe(rapidjson::Value(*maximum)));
        }
        if (multiple_of && *multiple_of > 0) {
            const double q = d / *multiple_of;
            if (std::fabs(q - std::round(q)) > 1e-9) {
                ok = w.add("multipleOf",
                           describe(v) + " is not a multiple of " + describe(rapidjson::Value(*multiple_of)));
            }
        }
    } else if (v.IsObject()) {
        for (const auto& r : required) {
            if (!v.HasMember(rapidjson::StringRef(r.data(), r.size()))) {
                ok = w.add("required", "required property \"" + r + "\" is missing", r);
            }
        }
        for (const auto& m : v.GetObject()) {
            std::string_view name(m.name.GetString(), m.name.GetStringLength());
            const Node* child = nullptr;
            for (const auto& [pname, pnode] : properties) {
                if (pname == name) {
                    child = pnode.get();
                    break;
                }
            }
            w.path.push(name, 0);
            if (child) {
                ok = child->validate(m.value, w) && ok;
            } else if (!additional_allowed) {
                ok = w.add("additionalProperties", "property \"" + std::string(name) + "\" is not allowed here");
            }
            w.path.pop();
        }
    } else if (v.IsArray()) {
        const std::size_t n = v.Size();
        if (min_items && n < *min_items) {
            ok = w.add("minItems",
                       "has " + std::to_string(n) + " items, at least " + std::to_string(*min_items) + " required");
        }
        if (max_items && n > *max_items) {
            ok = w.add("maxItems",
                       "has " + std::to_string(n) + " items, at most " + std::to_string(*max_items) + " allowed");
        }
        if (items) {
            for (rapidjson::SizeType i = 0; i < n; ++i) {
                w.path.push(std::string_view(), i);
                ok = items->validate(v[i], w) && ok;
                w.path.pop();
            }
        }
    }
    return ok;
}

Result<Schema> Schema::compile(std::string_view json_text) {
    rapidjson::Document doc;
    doc.Parse(json_text.data(), json_text.size());
    if (doc.HasParseError()) {
        return make_error("schema is not valid JSON (at offset " + std::to_string(doc.GetErrorOffset()) + ")");
    }
    return compile(doc);
}

Result<Schema> Schema::compile(const rapidjson::Value& schema) {
    auto root = compile_node(schema, "#");
    if (!root) {
        return root.error();
    }
    Schema s;
    s.root_ = std::shared_ptr<const Node>(std::move(root.value()));
    return s;
}

bool Schema::validate(const rapidjson::Value& value, std::vector<Finding>& out, std::size_t limit) const {
    Node::Walk w{out, limit, {}};
    return root_->validate(value, w);
}

} // namespace ocpp::validation

#pragma once
// ShapeCheck: checks a JSON value against a schema of an OpenAPI document (types, required properties, enums, and no
// properties the document does not name), following its "#/components/..." references.
#include <string>
#include <vector>

#include <rapidjson/document.h>
#include <yaml-cpp/yaml.h>

namespace cs::test {

// Checks `v` against an OpenAPI schema; the first mismatch, with its JSON path, or "".
class ShapeCheck {
public:
    explicit ShapeCheck(YAML::Node doc)
        : doc_(std::move(doc)) {}

    std::string check(const YAML::Node& schema_in, const rapidjson::Value& v, const std::string& at) const {
        const YAML::Node schema = resolve(schema_in);
        if (schema["allOf"]) {
            if (v.IsNull()) {
                return schema["nullable"].as<bool>(false) ? "" : at + ": null is not allowed";
            }
            return check(schema["allOf"][0], v, at);
        }
        if (v.IsNull()) {
            return schema["nullable"].as<bool>(false) ? "" : at + ": null where the document says not nullable";
        }
        const std::string type = schema["type"].as<std::string>("");
        if (type == "object") {
            if (!v.IsObject()) {
                return at + ": not an object";
            }
            for (const auto& r : schema["required"]) {
                if (!v.HasMember(r.as<std::string>().c_str())) {
                    return at + ": required property " + r.as<std::string>() + " is missing";
                }
            }
            const YAML::Node props = schema["properties"];
            if (!props) {
                return "";
            }
            for (const auto& m : v.GetObject()) {
                const std::string name = m.name.GetString();
                if (!props[name]) {
                    return at + ": property " + name + " is not in the document";
                }
                if (auto e = check(props[name], m.value, at + "/" + name); !e.empty()) {
                    return e;
                }
            }
            return "";
        }
        if (type == "array") {
            if (!v.IsArray()) {
                return at + ": not an array";
            }
            for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
                if (auto e = check(schema["items"], v[i], at + "/" + std::to_string(i)); !e.empty()) {
                    return e;
                }
            }
            return "";
        }
        if (type == "string") {
            if (!v.IsString()) {
                return at + ": not a string";
            }
            if (schema["enum"]) {
                for (const auto& e : schema["enum"]) {
                    if (e.as<std::string>() == v.GetString()) {
                        return "";
                    }
                }
                return at + ": \"" + v.GetString() + "\" is not in the documented enum";
            }
            return "";
        }
        if (type == "integer") {
            return v.IsInt64() || v.IsUint64() ? "" : at + ": not an integer";
        }
        if (type == "number") {
            return v.IsNumber() ? "" : at + ": not a number";
        }
        if (type == "boolean") {
            return v.IsBool() ? "" : at + ": not a boolean";
        }
        return type.empty() ? "" : at + ": unknown type " + type;
    }

    // Follows "#/components/..." references (read-only: yaml-cpp's assignment would rewrite the tree).
    YAML::Node resolve(const YAML::Node& n, int depth = 0) const {
        if (!n.IsMap() || !n["$ref"] || depth > 10) {
            return n;
        }
        const std::string ref = n["$ref"].as<std::string>();
        std::vector<std::string> parts;
        for (std::size_t pos = 2; pos < ref.size();) { // after "#/"
            const auto slash = ref.find('/', pos);
            parts.push_back(ref.substr(pos, slash - pos));
            pos = slash == std::string::npos ? ref.size() : slash + 1;
        }
        return resolve(walk(doc_, parts, 0), depth + 1);
    }

private:
    static YAML::Node walk(const YAML::Node& n, const std::vector<std::string>& parts, std::size_t i) {
        return i == parts.size() ? n : walk(n[parts[i]], parts, i + 1);
    }
    YAML::Node doc_;
};

} // namespace cs::test

#pragma once
// A compiled draft-04 JSON schema for the keywords OCPP schemas use; validation reports every deviation it finds,
// each with its JSON pointer and the rule it breaks (unlike RapidJSON's validator, which stops at the first).
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "ocpp/util/result.hpp"

namespace ocpp::validation {

// One deviation from a schema.
struct Finding {
    std::string pointer;       // JSON pointer of the offending value ("" for the payload itself)
    std::string rule;          // the schema keyword: type, required, additionalProperties, enum, maxLength, format, ...
    std::string message;       // in words, with the offending value where that helps (for people, never parsed)
    std::string property = {}; // rule "required": the name of the missing property (not in the pointer); else empty
};

class Schema {
public:
    // Compiles a schema; an unsupported keyword or malformed schema is an error naming where it is.
    static Result<Schema> compile(std::string_view json_text);
    static Result<Schema> compile(const rapidjson::Value& schema);

    // Appends each deviation of `value` to `out` (at most `limit` in all); true when there were none.
    bool validate(const rapidjson::Value& value, std::vector<Finding>& out, std::size_t limit = 64) const;

    struct Node;

private:
    std::shared_ptr<const Node> root_;
};

} // namespace ocpp::validation

#include "ocpp/peer/outcome.hpp"

namespace ocpp {

const char* to_string(CallStatus status) {
    switch (status) {
    case CallStatus::Ok:
        return "ok";
    case CallStatus::CallError:
        return "call-error";
    case CallStatus::Timeout:
        return "timeout";
    case CallStatus::Closed:
        return "closed";
    case CallStatus::QueueFull:
        return "queue-full";
    case CallStatus::InvalidRequest:
        return "invalid-request";
    case CallStatus::InvalidResponse:
        return "invalid-response";
    }
    return "?";
}

rpc::ErrorCode error_code_for(const std::string& rule, const std::string& pointer) {
    using rpc::ErrorCode;
    if (rule == "required" || rule == "minItems" || rule == "maxItems") {
        return ErrorCode::OccurenceConstraintViolation;
    }
    if (rule == "type") {
        // The payload itself of the wrong type breaks the PDU structure; a field of the wrong type its data type.
        return pointer.empty() ? ErrorCode::FormationViolation : ErrorCode::TypeConstraintViolation;
    }
    if (rule == "format") {
        return ErrorCode::TypeConstraintViolation;
    }
    if (rule == "additionalProperties") {
        return ErrorCode::FormationViolation;
    }
    return ErrorCode::PropertyConstraintViolation; // enum, maxLength, minimum, maximum, multipleOf, ...
}

std::string describe(const std::vector<validation::Finding>& findings) {
    std::string out;
    const std::size_t shown = std::min<std::size_t>(findings.size(), 3);
    for (std::size_t i = 0; i < shown; ++i) {
        const auto& f = findings[i];
        out += (i ? "; " : "") + (f.pointer.empty() ? std::string("payload") : f.pointer) + ": " + f.message;
    }
    if (findings.size() > shown) {
        out += " (and " + std::to_string(findings.size() - shown) + " more)";
    }
    return out;
}

} // namespace ocpp

#include "ocpp/peer/outcome.hpp"

#include "ocpp/util/enum_names.hpp"

namespace ocpp {

namespace {
// The outcome names of logs and reports.
constexpr EnumName<CallStatus> kCallStatusNames[] = {
    {CallStatus::Ok, "ok"},
    {CallStatus::CallError, "call-error"},
    {CallStatus::Timeout, "timeout"},
    {CallStatus::Closed, "closed"},
    {CallStatus::QueueFull, "queue-full"},
    {CallStatus::InvalidRequest, "invalid-request"},
    {CallStatus::InvalidResponse, "invalid-response"},
};
} // namespace

const char* to_string(CallStatus status) {
    return name_of(kCallStatusNames, status, "?");
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

#pragma once
// The CALLERROR codes of OCPP-J 1.6, spelled as the specification spells them.
#include <optional>
#include <string_view>

namespace ocpp::rpc {

enum class ErrorCode {
    NotImplemented,               // the action is not known
    NotSupported,                 // the action is known but not supported
    InternalError,                // the receiver failed while processing
    ProtocolError,                // the payload is incomplete
    SecurityError,                // a security issue prevented processing
    FormationViolation,           // syntactically wrong, or not the PDU structure of the action
    PropertyConstraintViolation,  // a field holds an invalid value
    OccurenceConstraintViolation, // a field violates occurrence constraints (the specification's spelling)
    TypeConstraintViolation,      // a field violates data type constraints
    GenericError,                 // anything else
};

std::string_view to_string(ErrorCode code);
std::optional<ErrorCode> parse_error_code(std::string_view text);

} // namespace ocpp::rpc

#include "ocpp/rpc/errors.hpp"

#include "ocpp/util/enum_names.hpp"

namespace ocpp::rpc {
namespace {
// The OCPP-J 1.6 CALLERROR codes as they stand on the wire (section 4.2.3).
constexpr EnumName<ErrorCode> kCodes[] = {
    {ErrorCode::NotImplemented, "NotImplemented"},
    {ErrorCode::NotSupported, "NotSupported"},
    {ErrorCode::InternalError, "InternalError"},
    {ErrorCode::ProtocolError, "ProtocolError"},
    {ErrorCode::SecurityError, "SecurityError"},
    {ErrorCode::FormationViolation, "FormationViolation"},
    {ErrorCode::PropertyConstraintViolation, "PropertyConstraintViolation"},
    {ErrorCode::OccurenceConstraintViolation, "OccurenceConstraintViolation"},
    {ErrorCode::TypeConstraintViolation, "TypeConstraintViolation"},
    {ErrorCode::GenericError, "GenericError"},
};
} // namespace

std::string_view to_string(ErrorCode code) {
    return name_of(kCodes, code, "GenericError");
}

std::optional<ErrorCode> parse_error_code(std::string_view text) {
    return value_of(kCodes, text);
}

} // namespace ocpp::rpc

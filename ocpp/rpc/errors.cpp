#include "ocpp/rpc/errors.hpp"

namespace ocpp::rpc {
namespace {
constexpr std::pair<ErrorCode, std::string_view> kCodes[] = {
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
    for (const auto& [c, text] : kCodes) {
        if (c == code) {
            return text;
        }
    }
    return "GenericError";
}

std::optional<ErrorCode> parse_error_code(std::string_view text) {
    for (const auto& [c, t] : kCodes) {
        if (t == text) {
            return c;
        }
    }
    return std::nullopt;
}

} // namespace ocpp::rpc

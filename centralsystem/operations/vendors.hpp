#pragma once
// The DataTransfer vendors the central system answers for: a registry of (vendorId, messageId) → handler. An
// unknown vendorId is answered UnknownVendorId, a known vendor's unknown messageId UnknownMessageId. Vendor ids are
// compared without regard to case (CiString255). A new vendor is a handler and a line where the registry is built.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ocpp/v16/messages.hpp"

namespace cs::operations {

// What a handler answers: the status and optional data (the DataTransfer.conf fields).
struct VendorAnswer {
    ocpp::v16::DataTransferStatus status = ocpp::v16::DataTransferStatus::Accepted;
    std::optional<std::string> data;
};

// What a handler sees: the charger, the request's data and the time now (as sent).
struct VendorMessage {
    const std::string& chargebox_id;
    const std::optional<std::string>& data;
    const std::string& now;
};

using VendorHandler = std::function<VendorAnswer(const VendorMessage&)>;

class VendorRegistry {
public:
    // Registers `handler` for `message_id` of `vendor_id`; the vendor becomes known.
    void add(const std::string& vendor_id, const std::string& message_id, VendorHandler handler);
    // The answer for a DataTransfer (UnknownVendorId / UnknownMessageId when nothing is registered for it).
    VendorAnswer handle(const std::string& vendor_id, const std::optional<std::string>& message_id,
                        const VendorMessage& message) const;
    bool knows(const std::string& vendor_id) const;

private:
    std::map<std::string, std::map<std::string, VendorHandler>> vendors_; // lower-cased vendor id → messageId
};

// The built-in example vendor under each of `vendor_ids`: messageId "echo" answers the data it got, "time" the
// central system's time (RFC 3339), "ping" Accepted with no data.
VendorRegistry builtin_vendors(const std::vector<std::string>& vendor_ids);
// The answer data a handler may send, and the request data that is stored, at most this long (longer is cut).
inline constexpr std::size_t kMaxDataTransferData = 4096;
// An unknown vendor's data is kept only this long: nobody here can read it, and it costs the others' history.
inline constexpr std::size_t kMaxUnknownVendorData = 256;

} // namespace cs::operations

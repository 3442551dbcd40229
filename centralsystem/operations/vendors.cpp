// The DataTransfer vendor registry and the built-in example vendor (vendors.hpp).
#include "centralsystem/operations/vendors.hpp"
#include "ocpp/text/split.hpp"

#include <algorithm>
#include <cctype>

namespace cs::operations {

namespace {

using ocpp::text::lower;

} // namespace

void VendorRegistry::add(const std::string& vendor_id, const std::string& message_id, VendorHandler handler) {
    vendors_[lower(vendor_id)][message_id] = std::move(handler);
}

bool VendorRegistry::knows(const std::string& vendor_id) const {
    return vendors_.count(lower(vendor_id)) > 0;
}

VendorAnswer VendorRegistry::handle(const std::string& vendor_id, const std::optional<std::string>& message_id,
                                    const VendorMessage& message) const {
    const auto vendor = vendors_.find(lower(vendor_id));
    if (vendor == vendors_.end()) {
        return VendorAnswer{ocpp::v16::DataTransferStatus::UnknownVendorId, std::nullopt};
    }
    const auto handler = vendor->second.find(message_id.value_or(""));
    if (handler == vendor->second.end()) {
        return VendorAnswer{ocpp::v16::DataTransferStatus::UnknownMessageId, std::nullopt};
    }
    VendorAnswer answer = handler->second(message);
    if (answer.data && answer.data->size() > kMaxDataTransferData) {
        answer.data->resize(kMaxDataTransferData);
    }
    return answer;
}

VendorRegistry builtin_vendors(const std::vector<std::string>& vendor_ids) {
    VendorRegistry registry;
    for (const auto& vendor : vendor_ids) {
        registry.add(vendor, "echo", [](const VendorMessage& m) {
            return VendorAnswer{ocpp::v16::DataTransferStatus::Accepted, m.data.value_or("")};
        });
        registry.add(vendor, "time", [](const VendorMessage& m) {
            return VendorAnswer{ocpp::v16::DataTransferStatus::Accepted, m.now};
        });
        registry.add(vendor, "ping", [](const VendorMessage&) {
            return VendorAnswer{ocpp::v16::DataTransferStatus::Accepted, std::nullopt};
        });
    }
    return registry;
}

} // namespace cs::operations

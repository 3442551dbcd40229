// The OCPP features a charger's connection gets, registered in one table: a new feature is a file and a line here.
#include "centralsystem/protocol/context.hpp"
#include "centralsystem/protocol/security_status.hpp"

namespace cs {

namespace {

using AddHandlers = void (*)(HandlerContext&, ocpp::Peer&, const std::string&);
constexpr AddHandlers kFeatures[] = {
    add_boot_handlers,            // BootNotification, Heartbeat
    add_status_handlers,          // StatusNotification
    add_authorize_handlers,       // Authorize
    add_transaction_handlers,     // StartTransaction, MeterValues, StopTransaction
    add_security_event_handlers,  // SecurityEventNotification
    add_certificate_handlers,     // SignCertificate
    add_security_status_handlers, // LogStatusNotification, SignedFirmwareStatusNotification
    add_operations_handlers,      // DataTransfer, FirmwareStatusNotification, DiagnosticsStatusNotification
};

} // namespace

void add_handlers(HandlerContext& ctx, ocpp::Peer& peer, const std::string& id) {
    for (AddHandlers add : kFeatures) {
        add(ctx, peer, id);
    }
}

} // namespace cs

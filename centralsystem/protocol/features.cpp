// The OCPP features a charger's connection gets, registered in one table: a new feature is a file and a line here.
#include "centralsystem/protocol/context.hpp"
#include "centralsystem/protocol/security_status.hpp"

namespace cs {

namespace {

using AddHandlers = void (*)(HandlerContext&, ocpp::Peer&, const std::string&);
constexpr AddHandlers kFeatures[] = {
    add_boot_handlers,        add_status_handlers,          add_authorize_handlers,
    add_transaction_handlers, add_security_status_handlers,
};

} // namespace

void add_handlers(HandlerContext& ctx, ocpp::Peer& peer, const std::string& id) {
    for (AddHandlers add : kFeatures) {
        add(ctx, peer, id);
    }
}

} // namespace cs

#pragma once
// HandlerContext: all an OCPP handler in protocol/ may use — the store, the clock, metrics, notifications, the links
// to connected chargers, what the handshake gate knows, and the settings. Not the CentralSystem: a handler cannot
// reach the gate's internals, the hasher pool or the API. Everything here lives on the central system's loop, except
// the sample budget, which store jobs use on the store worker's thread.
#include <memory>
#include <string>

#include "centralsystem/central_config.hpp"
#include "centralsystem/db/database.hpp"
#include "centralsystem/gate/gate.hpp"
#include "centralsystem/metrics.hpp"
#include "centralsystem/notifier.hpp"
#include "centralsystem/protocol/limits.hpp"
#include "centralsystem/protocol/links.hpp"
#include "centralsystem/security/certificate_service.hpp"
#include "ocpp/peer/peer.hpp"
#include "ocpp/v16/types.hpp"

namespace cs {

struct HandlerContext {
    const CentralConfig& config;
    ocpp::Executor& loop; // the clock, and where store results arrive
    const ocpp::Logger& log;
    Database& db;
    Metrics& metrics;
    Notifier& notices;
    ChargerLinks& links;
    const HandshakeGate& gate;                   // the chargers' credentials and status
    std::shared_ptr<SampleBudget> sample_budget; // use it only inside store jobs (limits.hpp)
    security::CertificateService& certificates;  // the operator CA and CSR signing (security/)

    // Wall time now, as stored and sent.
    std::string now_text() const { return cs::now_text(loop.clock()); }
    // True when the charger is commissioned (a planned one may boot, but nobody charges there).
    bool in_operation(const std::string& id) const {
        const Credentials* c = gate.credentials(id);
        return c != nullptr && c->status == ChargerStatus::Operational;
    }
};

// Each adds the handlers of one feature to a charger's Peer (one file each); ctx outlives the peer.
void add_boot_handlers(HandlerContext& ctx, ocpp::Peer& peer, const std::string& id);
void add_status_handlers(HandlerContext& ctx, ocpp::Peer& peer, const std::string& id);
void add_authorize_handlers(HandlerContext& ctx, ocpp::Peer& peer, const std::string& id);
void add_transaction_handlers(HandlerContext& ctx, ocpp::Peer& peer, const std::string& id);
void add_security_event_handlers(HandlerContext& ctx, ocpp::Peer& peer, const std::string& id);
void add_certificate_handlers(HandlerContext& ctx, ocpp::Peer& peer, const std::string& id);
void add_operations_handlers(HandlerContext& ctx, ocpp::Peer& peer, const std::string& id);
// Warns (notification "certificateExpiring") about issued charger certificates that expire within `ahead`; runs
// now and then every `every` on the loop while `timer` lives (protocol/certificates.cpp).
void watch_certificate_expiry(HandlerContext& ctx, ocpp::Timer& timer, std::chrono::hours ahead,
                              ocpp::Clock::Duration every);
// Every feature's handlers, in registration order.
void add_handlers(HandlerContext& ctx, ocpp::Peer& peer, const std::string& id);
// The idTagInfo of an Authorize or StartTransaction answer for a registry entry (nullopt: unknown tag).
ocpp::v16::IdTagInfo id_tag_info(const std::optional<IdTag>& tag, const std::string& now);

} // namespace cs

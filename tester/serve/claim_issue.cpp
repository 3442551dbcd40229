#include "tester/serve/claim_issue.hpp"

#include <algorithm>

#include "store/password.hpp"

namespace tester {

store::Claim claim_of(const Report& r, ocpp::DateTime now) {
    store::Claim c;
    c.chargebox_id = r.charger.chargebox_id;
    c.vendor = r.charger.vendor;
    c.model = r.charger.model;
    c.serial = r.charger.serial;
    c.firmware = r.charger.firmware;
    if (r.charger.connectors) {
        c.connectors = *r.charger.connectors;
    } else {
        c.connectors = static_cast<int>(std::count_if(
            r.charger.connectors_reported.begin(), r.charger.connectors_reported.end(), [](int id) { return id > 0; }));
    }
    c.security_profile = r.charger.security_profile;
    c.test_id = r.test_id;
    c.created = now;
    return c;
}

bool submit_claim(store::StoreWorker& worker, store::Claim claim, std::optional<std::string> password,
                  std::chrono::seconds valid_for, ocpp::Executor& reply_on,
                  std::function<void(ocpp::Result<std::string>)> done) {
    return worker.submit<std::string>(
        [claim = std::move(claim), password = std::move(password), valid_for](store::Connection& db) mutable {
            claim.password_hash = password ? store::hash_password(*password) : std::string();
            return store::Claims::issue(db, std::move(claim), valid_for);
        },
        reply_on, std::move(done));
}

} // namespace tester

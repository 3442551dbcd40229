#include "centralsystem/security/client_ca_trust.hpp"

#include <algorithm>

#include "ocpp/system/small_file.hpp"

namespace cs::security {

std::vector<std::string> ClientCaTrust::trusted() const {
    std::vector<std::string> all{file_pem_};
    all.insert(all.end(), operator_cas_.begin(), operator_cas_.end());
    return all;
}

ocpp::Result<void> ClientCaTrust::add(const std::string& ca_pem) {
    if (ca_pem.empty() || std::find(operator_cas_.begin(), operator_cas_.end(), ca_pem) != operator_cas_.end()) {
        return {};
    }
    auto before = operator_cas_;
    operator_cas_.push_back(ca_pem);
    if (operator_cas_.size() > kMaxOperatorCas) {
        operator_cas_.erase(operator_cas_.begin());
    }
    const auto all = trusted();
    for (auto* server : servers_) {
        if (auto r = server->replace_client_cas(all); !r) {
            operator_cas_ = std::move(before);
            for (auto* s : servers_) {
                (void)s->replace_client_cas(trusted()); // back to the set that worked
            }
            return r.error();
        }
    }
    return {};
}

ocpp::Result<std::unique_ptr<ClientCaTrust>> trust_client_cas(CertificateService& service, const std::string& file,
                                                              std::vector<ocpp::net::Server*> servers,
                                                              const ocpp::Logger& log) {
    auto pem = ocpp::read_small_file(file, 1024 * 1024);
    if (!pem) {
        return pem.error();
    }
    auto trust = std::make_unique<ClientCaTrust>(std::move(servers), std::move(*pem));
    if (const auto ca = service.authority()) {
        if (auto added = trust->add(ca->certificate_pem()); !added) {
            return added.error();
        }
    }
    service.on_replaced([t = trust.get(), log](const OperatorCa& ca) {
        if (!ca.authority) {
            return;
        }
        if (auto added = t->add(ca.authority->certificate_pem()); !added) {
            log.error("certificates",
                      "the imported CA is not trusted for client certificates: " + added.error().message);
            return;
        }
        log.info("certificates", "client certificates of the imported CA are accepted from now on (the earlier CAs "
                                 "stay trusted until a restart)");
    });
    return trust;
}

} // namespace cs::security

// GetConfiguration when a planned charger has booted: what it reports about itself is stored, so the charger's details
// and the commissioning form can show it pre-filled.
#include "centralsystem/central_system.hpp"
#include "centralsystem/db/queries.hpp"
#include "centralsystem/protocol/reported_config.hpp"
#include "ocpp/v16/messages.hpp"

namespace cs {

using namespace ocpp::v16;

void fetch_reported_config(CentralSystem& cs, const std::string& id) {
    auto peer = cs.peer(id);
    if (!peer) {
        return;
    }
    peer->call(GetConfigurationReq{}, [&cs, id](ocpp::CallOutcome<GetConfigurationConf> out) {
        if (!out.ok()) {
            cs.log().warn("configuration", "\"" + id +
                                               "\" gave no configuration: " + std::string(to_string(out.status)) + " " +
                                               out.error_code + " " + out.error_description);
            return;
        }
        ReportedConfig rc =
            reported_config_of(out.conf->configurationKey.value_or(std::vector<KeyValue>{}), cs.now_text());
        cs.store<bool>(
            [id, rc = std::move(rc)](store::Connection& db) -> ocpp::Result<bool> {
                if (auto r = db::store_reported_config(db, id, rc); !r) {
                    return r.error();
                }
                return true;
            },
            [&cs, id](ocpp::Result<bool> r) {
                if (!r) {
                    cs.log().error("store",
                                   "\"" + id + "\": storing the reported configuration failed: " + r.error().message);
                }
            });
    });
}

} // namespace cs

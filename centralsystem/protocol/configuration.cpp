// GetConfiguration when a planned charger has booted: what it reports about itself is stored, so the charger's details
// and the commissioning form can show it pre-filled.
#include "centralsystem/db/queries.hpp"
#include "centralsystem/protocol/context.hpp"
#include "centralsystem/protocol/reported_config.hpp"
#include "ocpp/v16/messages.hpp"

namespace cs {

using namespace ocpp::v16;

void fetch_reported_config(HandlerContext& ctx, const std::string& id) {
    // Nothing to ask when the charger is gone already.
    ctx.links.call(id, GetConfigurationReq{}, [&ctx, id](ocpp::CallOutcome<GetConfigurationConf> out) {
        if (!out.ok()) {
            ctx.log.warn("configuration", "\"" + id +
                                              "\" gave no configuration: " + std::string(to_string(out.status)) + " " +
                                              out.error_code + " " + out.error_description);
            return;
        }
        ReportedConfig rc =
            reported_config_of(out.conf->configurationKey.value_or(std::vector<KeyValue>{}), ctx.now_text());
        ctx.db.run<void>(
            [id, rc = std::move(rc)](store::Connection& db) { return db::store_reported_config(db, id, rc); },
            [&ctx, id](ocpp::Result<void> r) {
                if (!r) {
                    ctx.log.error("store",
                                  "\"" + id + "\": storing the reported configuration failed: " + r.error().message);
                }
            });
    });
}

} // namespace cs

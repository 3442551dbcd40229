// Authorize against the id-tag registry: Accepted / Blocked / Expired / Invalid, with expiry and parent; Blocked
// at a charger that is not in operation (planned).
#include "centralsystem/db/queries.hpp"
#include "centralsystem/protocol/context.hpp"
#include "ocpp/v16/messages.hpp"

namespace cs {

using namespace ocpp::v16;

IdTagInfo id_tag_info(const std::optional<IdTag>& tag, const std::string& now) {
    IdTagInfo info;
    from_string(db::authorization_status(tag, now), info.status);
    if (tag && tag->expiry_date) {
        info.expiryDate = ocpp::parse_datetime(*tag->expiry_date);
    }
    if (tag && tag->parent_id_tag) {
        info.parentIdTag = tag->parent_id_tag;
    }
    return info;
}

void add_authorize_handlers(HandlerContext& ctx, ocpp::Peer& peer, const std::string& id) {
    peer.on<AuthorizeReq>([&ctx, id](const AuthorizeReq& req, ocpp::Reply<AuthorizeConf> reply) {
        // A planned charger may connect and boot, but nobody charges there before it is commissioned.
        if (!ctx.in_operation(id)) {
            ctx.notices.notify_once("notInOperation:Authorize:" + id, id, "notInOperation",
                                    "Authorize of id tag \"" + req.idTag +
                                        "\" was answered Blocked: the charger is planned, not in operation");
            AuthorizeConf conf;
            conf.idTagInfo.status = AuthorizationStatus::Blocked;
            reply(conf);
            return;
        }
        ctx.db.run<std::optional<IdTag>>([tag = req.idTag](store::Connection& db) { return db::find_id_tag(db, tag); },
                                         [&ctx, id, reply](ocpp::Result<std::optional<IdTag>> r) mutable {
                                             if (!r) {
                                                 ctx.log.error("authorize", "\"" + id + "\": " + r.error().message);
                                                 reply.error(ocpp::rpc::ErrorCode::InternalError,
                                                             "the id tag could not be looked up");
                                                 return;
                                             }
                                             reply(AuthorizeConf{id_tag_info(*r, ctx.now_text())});
                                         });
    });
}

} // namespace cs

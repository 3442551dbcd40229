#include "centralsystem/web/portal.hpp"

#include <vector>

#include "centralsystem/api/json.hpp"
#include "ocpp/util/embedded.hpp"

namespace cs {

const std::vector<ocpp::EmbeddedFile>& portal_files(); // generated from centralsystem/web/assets/ at build time

namespace {

// Map tiles may come from the configured tile server (any http(s) origin); everything else from the portal. GET and
// HEAD read the files.
ocpp::http::AssetPolicy portal_policy() {
    return {"default-src 'self'; img-src 'self' data: https: http:; style-src 'self' 'unsafe-inline'; "
            "frame-ancestors 'none'",
            true, "method not allowed: the portal's files are read with GET\n"};
}

} // namespace

Portal::Portal(PortalConfig config)
    : assets_(portal_files(), portal_policy()) {
    assets_.add("/config.json", api::json_object([&](api::Writer& w) {
                    api::member(w, "mapTileUrl", config.map_tile_url);
                    w.Key("signIn");
                    w.Bool(config.sign_in);
                }),
                "application/json");
}

std::optional<ocpp::net::HttpResponse> Portal::serve(const ocpp::net::HttpRequest& req) const {
    return assets_.serve(req);
}

} // namespace cs

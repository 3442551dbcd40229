#include "centralsystem/web/portal.hpp"

#include <vector>

#include "centralsystem/api/json.hpp"
#include "ocpp/util/embedded.hpp"

namespace cs {

const std::vector<ocpp::EmbeddedFile>& portal_files(); // generated from centralsystem/web/assets/ at build time

namespace {

// The origin ("https://host:port") of a URL.
std::string origin_of(const std::string& url) {
    const auto scheme = url.find("://");
    const auto path = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
    return url.substr(0, path);
}

// Map tiles come from the configured tile server only, address searches go to the configured geocoder only;
// everything else comes from the portal, so without either the browser asks no other host. GET and HEAD read the
// files.
ocpp::http::AssetPolicy portal_policy(const PortalConfig& config) {
    const std::string connect =
        config.geocoder_url.empty() ? "" : "connect-src 'self' " + origin_of(config.geocoder_url) + "; ";
    const std::string tiles = config.map_tile_url.empty() ? "" : " " + origin_of(config.map_tile_url);
    return {"default-src 'self'; " + connect + "img-src 'self' data:" + tiles +
                "; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
            true, "method not allowed: the portal's files are read with GET\n"};
}

} // namespace

Portal::Portal(PortalConfig config)
    : assets_(portal_files(), portal_policy(config)) {
    assets_.add("/config.json", api::json_object([&](api::Writer& w) {
                    api::member(w, "mapTileUrl", config.map_tile_url);
                    w.Key("signIn");
                    w.Bool(config.sign_in);
                    api::member(w, "geocoderUrl", config.geocoder_url);
                }),
                "application/json");
}

std::optional<ocpp::net::HttpResponse> Portal::serve(const ocpp::net::HttpRequest& req) const {
    return assets_.serve(req);
}

} // namespace cs

#pragma once
// The web portal: HTML, CSS and JavaScript modules embedded at build time (centralsystem/web/assets/), served at "/"
// with their content types and ETags so browsers revalidate instead of downloading again.
#include <optional>
#include <string>

#include "ocpp/http/assets.hpp"
#include "ocpp/net/http.hpp"

namespace cs {

struct PortalConfig {
    std::string map_tile_url; // "https://tiles.example/{z}/{x}/{y}.png"; empty: the offline map background
    bool sign_in = true;      // the API wants a token (--api-token given): the pages ask for it before any request
    std::string geocoder_url; // a Nominatim server the pages may ask for addresses; empty: none
};

class Portal {
public:
    explicit Portal(PortalConfig config);
    // The answer for a request outside /api/v1, or nullopt when the path is not one of the portal's files.
    std::optional<ocpp::net::HttpResponse> serve(const ocpp::net::HttpRequest& req) const;

private:
    ocpp::http::AssetServer assets_; // the embedded files and "/config.json"
};

} // namespace cs

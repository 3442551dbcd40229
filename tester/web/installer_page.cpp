#include "tester/web/installer_page.hpp"

#include <memory>
#include <string>
#include <string_view>

#include "ocpp/http/assets.hpp"

namespace tester {

namespace {

using ocpp::net::HttpRequest;

// The page loads only its own files and talks only to its own origin; it may not be framed (clickjacking of the abort
// button) and sends no Referer (the test id is in the fragment, but be sure). Its files are read with GET only.
ocpp::http::AssetPolicy page_policy() {
    return {"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
            false, "method not allowed: the page's files are read with GET\n"};
}

bool is_api(std::string_view path) {
    return path.rfind("/api/", 0) == 0 || path == "/api" || path == "/healthz";
}

} // namespace

ocpp::net::HttpHandler make_web_handler(ocpp::net::HttpHandler api) {
    auto assets = std::make_shared<const ocpp::http::AssetServer>(installer_page_files(), page_policy());
    return [assets, api = std::move(api)](const HttpRequest& req, ocpp::net::HttpResponder respond) {
        if (!is_api(req.path)) {
            if (auto page = assets->serve(req)) {
                return respond(std::move(*page));
            }
        }
        api(req, std::move(respond));
    };
}

} // namespace tester

#include "tester/web/installer_page.hpp"

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

namespace tester {

namespace {

using ocpp::net::HttpRequest;
using ocpp::net::HttpResponse;

// The page loads only its own files and talks only to its own origin; it may not be framed (clickjacking of the
// abort button) and sends no Referer (the test id is in the fragment, but be sure).
constexpr const char* kPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                                "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

struct Asset {
    std::string_view body;
    std::string type;
    std::string etag;
};

std::string content_type(std::string_view name) {
    auto ends = [&](std::string_view ext) {
        return name.size() >= ext.size() && name.substr(name.size() - ext.size()) == ext;
    };
    if (ends(".html")) {
        return "text/html; charset=utf-8";
    }
    if (ends(".css")) {
        return "text/css; charset=utf-8";
    }
    if (ends(".js")) {
        return "text/javascript; charset=utf-8";
    }
    if (ends(".png")) {
        return "image/png";
    }
    if (ends(".svg")) {
        return "image/svg+xml";
    }
    return "application/octet-stream";
}

// FNV-1a of the contents: the ETag changes exactly when a rebuilt binary serves different bytes.
std::string etag_of(std::string_view body) {
    std::uint64_t h = 1469598103934665603ull;
    for (unsigned char c : body) {
        h = (h ^ c) * 1099511628211ull;
    }
    char buf[24];
    std::snprintf(buf, sizeof buf, "\"%016llx\"", static_cast<unsigned long long>(h));
    return buf;
}

using Assets = std::unordered_map<std::string, Asset>;

std::shared_ptr<const Assets> load_assets() {
    auto assets = std::make_shared<Assets>();
    for (const auto& f : installer_page_files()) {
        (*assets)["/" + std::string(f.name)] = Asset{f.contents, content_type(f.name), etag_of(f.contents)};
    }
    if (auto index = assets->find("/index.html"); index != assets->end()) {
        (*assets)["/"] = index->second;
    }
    return assets;
}

HttpResponse serve(const HttpRequest& req, const Asset& asset) {
    HttpResponse r;
    r.headers = {{"Content-Type", asset.type},
                 {"ETag", asset.etag},
                 {"Cache-Control", "no-cache"}, // revalidate: a new binary may serve new files under the same name
                 {"X-Content-Type-Options", "nosniff"},
                 {"Referrer-Policy", "no-referrer"}};
    if (asset.type.rfind("text/html", 0) == 0) {
        r.headers.emplace_back("Content-Security-Policy", kPolicy);
        r.headers.emplace_back("X-Frame-Options", "DENY");
    }
    if (req.header("if-none-match") == asset.etag) {
        r.status = 304;
        return r;
    }
    r.body = std::string(asset.body);
    return r;
}

bool is_api(std::string_view path) {
    return path.rfind("/api/", 0) == 0 || path == "/api" || path == "/healthz";
}

} // namespace

ocpp::net::HttpHandler make_web_handler(ocpp::net::HttpHandler api) {
    return [assets = load_assets(), api = std::move(api)](const HttpRequest& req, ocpp::net::HttpResponder respond) {
        if (!is_api(req.path)) {
            if (auto it = assets->find(req.path); it != assets->end()) {
                if (req.method != "GET") {
                    HttpResponse r;
                    r.status = 405;
                    r.headers = {{"Content-Type", "text/plain; charset=utf-8"}, {"Allow", "GET"}};
                    r.body = "method not allowed: the page's files are read with GET\n";
                    return respond(std::move(r));
                }
                return respond(serve(req, it->second));
            }
        }
        api(req, std::move(respond));
    };
}

} // namespace tester

#include "centralsystem/web/portal.hpp"

#include <cstdint>
#include <cstdio>
#include <vector>

#include "centralsystem/api/json.hpp"
#include "ocpp/util/embedded.hpp"

namespace cs {

const std::vector<ocpp::EmbeddedFile>& portal_files(); // generated from centralsystem/web/assets/ at build time

namespace {

std::string content_type_of(std::string_view name) {
    const auto dot = name.rfind('.');
    const std::string_view ext = dot == std::string_view::npos ? std::string_view{} : name.substr(dot + 1);
    if (ext == "html") {
        return "text/html; charset=utf-8";
    }
    if (ext == "css") {
        return "text/css; charset=utf-8";
    }
    if (ext == "js" || ext == "mjs") {
        return "text/javascript; charset=utf-8";
    }
    if (ext == "json") {
        return "application/json";
    }
    if (ext == "svg") {
        return "image/svg+xml";
    }
    if (ext == "png") {
        return "image/png";
    }
    return "application/octet-stream";
}

// A strong validator from the contents (FNV-1a, 64 bits): changes whenever the embedded file changes.
std::string etag_of(std::string_view body) {
    std::uint64_t h = 1469598103934665603ull;
    for (const unsigned char c : body) {
        h = (h ^ c) * 1099511628211ull;
    }
    char text[24];
    std::snprintf(text, sizeof text, "\"%016llx\"", static_cast<unsigned long long>(h));
    return text;
}

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
    if (if_none_match == "*") {
        return true;
    }
    return if_none_match.find(etag) != std::string_view::npos;
}

} // namespace

Portal::Portal(PortalConfig config) {
    config_json_ = api::json_object([&](api::Writer& w) { api::member(w, "mapTileUrl", config.map_tile_url); });
    for (const auto& f : portal_files()) {
        const std::string path = "/" + std::string(f.name);
        assets_[path] = Asset{f.contents, content_type_of(f.name), etag_of(f.contents)};
    }
    if (auto index = assets_.find("/index.html"); index != assets_.end()) {
        assets_["/"] = index->second;
    }
    assets_["/config.json"] = Asset{config_json_, "application/json", etag_of(config_json_)};
}

std::optional<ocpp::net::HttpResponse> Portal::serve(const ocpp::net::HttpRequest& req) const {
    const auto it = assets_.find(req.path);
    if (it == assets_.end()) {
        return std::nullopt;
    }
    ocpp::net::HttpResponse r;
    if (req.method != "GET" && req.method != "HEAD") {
        r.status = 405;
        r.headers = {{"Content-Type", "text/plain; charset=utf-8"}, {"Allow", "GET, HEAD"}};
        r.body = "method not allowed: the portal's files are read with GET\n";
        return r;
    }
    const Asset& a = it->second;
    // no-cache: the browser keeps the file but asks each time; an unchanged file costs a 304 without a body.
    r.headers = {{"Cache-Control", "no-cache"},
                 {"ETag", a.etag},
                 {"X-Content-Type-Options", "nosniff"},
                 {"Referrer-Policy", "no-referrer"}};
    if (a.content_type.rfind("text/html", 0) == 0) {
        r.headers.emplace_back("Content-Security-Policy",
                               "default-src 'self'; img-src 'self' data: https: http:; style-src 'self' "
                               "'unsafe-inline'; frame-ancestors 'none'");
        r.headers.emplace_back("X-Frame-Options", "DENY");
    }
    if (etag_matches(req.header("if-none-match"), a.etag)) {
        r.status = 304;
        return r;
    }
    r.status = 200;
    r.headers.emplace_back("Content-Type", a.content_type);
    if (req.method == "GET") {
        r.body = std::string(a.body);
    }
    return r;
}

} // namespace cs

#include "ocpp/http/assets.hpp"

#include <cstdint>
#include <cstdio>
#include <memory>

namespace ocpp::http {

namespace {

bool is_ows(char c) {
    return c == ' ' || c == '\t';
}

bool is_etagc(char c) {
    const auto b = static_cast<unsigned char>(c);
    return b == 0x21 || (b >= 0x23 && b != 0x7F); // %x21 / %x23-7E / obs-text
}

// Reads one entity-tag ([W/] DQUOTE *etagc DQUOTE) from the front of `s`; its opaque-tag (with the quotes), or
// empty when `s` does not start with one.
std::string_view take_entity_tag(std::string_view& s) {
    std::size_t i = s.substr(0, 2) == "W/" ? 2 : 0;
    if (i >= s.size() || s[i] != '"') {
        return {};
    }
    const std::size_t open = i++;
    while (i < s.size() && is_etagc(s[i])) {
        ++i;
    }
    if (i >= s.size() || s[i] != '"') {
        return {};
    }
    const std::string_view tag = s.substr(open, i + 1 - open);
    s.remove_prefix(i + 1);
    return tag;
}

} // namespace

std::string content_type_for(std::string_view name) {
    const auto dot = name.rfind('.');
    const std::string_view ext = dot == std::string_view::npos ? std::string_view{} : name.substr(dot + 1);
    static const std::map<std::string_view, const char*, std::less<>> kTypes = {
        {"html", "text/html; charset=utf-8"},
        {"css", "text/css; charset=utf-8"},
        {"js", "text/javascript; charset=utf-8"},
        {"mjs", "text/javascript; charset=utf-8"},
        {"json", "application/json"},
        {"svg", "image/svg+xml"},
        {"png", "image/png"},
    };
    const auto it = kTypes.find(ext);
    return it == kTypes.end() ? "application/octet-stream" : it->second;
}

std::string etag_for(std::string_view contents) {
    std::uint64_t h = 1469598103934665603ull;
    for (const unsigned char c : contents) {
        h = (h ^ c) * 1099511628211ull;
    }
    char text[24];
    std::snprintf(text, sizeof text, "\"%016llx\"", static_cast<unsigned long long>(h));
    return text;
}

bool if_none_match_matches(std::string_view if_none_match, std::string_view etag) {
    std::string_view rest = if_none_match;
    auto skip_ows = [&rest] {
        while (!rest.empty() && is_ows(rest.front())) {
            rest.remove_prefix(1);
        }
    };
    skip_ows();
    while (!rest.empty() && is_ows(rest.back())) {
        rest.remove_suffix(1);
    }
    if (rest == "*") {
        return true;
    }
    std::string_view ours = etag;
    const std::string_view wanted = take_entity_tag(ours);
    if (wanted.empty()) {
        return false;
    }
    // 1#entity-tag: members separated by commas with optional white space; empty members are allowed (RFC 9110
    // 5.6.1.2). A comma may occur inside a tag, so the list is read tag by tag, not split on commas. A malformed
    // member ends the reading: what follows it cannot be trusted to be a tag.
    while (!rest.empty()) {
        if (rest.front() == ',') {
            rest.remove_prefix(1);
            skip_ows();
            continue;
        }
        const std::string_view tag = take_entity_tag(rest);
        if (tag.empty()) {
            return false;
        }
        if (tag == wanted) {
            return true; // weak comparison: W/ prefixes were dropped
        }
        skip_ows();
        if (!rest.empty() && rest.front() != ',') {
            return false;
        }
    }
    return false;
}

AssetServer::AssetServer(const std::vector<EmbeddedFile>& files, AssetPolicy policy)
    : policy_(std::move(policy)) {
    for (const auto& f : files) {
        assets_["/" + std::string(f.name)] = Asset{f.contents, content_type_for(f.name), etag_for(f.contents)};
    }
    if (auto index = assets_.find("/index.html"); index != assets_.end()) {
        assets_["/"] = index->second;
    }
}

void AssetServer::add(std::string path, std::string contents, std::string content_type) {
    // Kept by pointer: the views into them survive later additions and moves of the server.
    owned_.push_back(std::make_unique<const std::string>(std::move(contents)));
    const std::string& body = *owned_.back();
    assets_[std::move(path)] = Asset{body, std::move(content_type), etag_for(body)};
}

std::optional<net::HttpResponse> AssetServer::serve(const net::HttpRequest& req) const {
    const auto it = assets_.find(req.path);
    if (it == assets_.end()) {
        return std::nullopt;
    }
    net::HttpResponse r;
    const bool head = policy_.head && req.method == "HEAD";
    if (req.method != "GET" && !head) {
        r.status = 405;
        r.headers = {{"Content-Type", "text/plain; charset=utf-8"}, {"Allow", policy_.head ? "GET, HEAD" : "GET"}};
        r.body = policy_.refusal;
        return r;
    }
    const Asset& a = it->second;
    // no-cache: the browser keeps the file but asks each time (a new binary may serve new bytes under the same name);
    // an unchanged file costs a 304 without a body.
    r.headers = {{"Content-Type", a.content_type},
                 {"ETag", a.etag},
                 {"Cache-Control", "no-cache"},
                 {"X-Content-Type-Options", "nosniff"},
                 {"Referrer-Policy", "no-referrer"}};
    if (a.content_type.rfind("text/html", 0) == 0) {
        r.headers.emplace_back("Content-Security-Policy", policy_.content_security_policy);
        r.headers.emplace_back("X-Frame-Options", "DENY");
    }
    if (if_none_match_matches(req.header("if-none-match"), a.etag)) {
        r.status = 304; // RFC 9110 15.4.5: no representation metadata beyond what guides caches
        r.headers.erase(r.headers.begin());
        return r;
    }
    r.status = 200;
    if (!head) {
        r.body = std::string(a.body);
    }
    return r;
}

} // namespace ocpp::http

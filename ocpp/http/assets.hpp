#pragma once
// Static files embedded into a program at build time (a web page's HTML, CSS, JavaScript), served with a content
// type by extension, a strong ETag from the contents and revalidation (If-None-Match, RFC 9110 13.1.2), and the
// security headers of a page that loads only its own files.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ocpp/net/http.hpp"
#include "ocpp/util/embedded.hpp"

namespace ocpp::http {

// The Content-Type for a file name, by its extension ("app.js" -> "text/javascript; charset=utf-8");
// application/octet-stream when unknown.
std::string content_type_for(std::string_view name);
// A strong entity tag from the contents ("\"0123456789abcdef\"", FNV-1a 64): changes whenever the bytes change.
std::string etag_for(std::string_view contents);
// Whether an If-None-Match value (RFC 9110 13.1.2: "*" or a list of entity tags, weak or strong) names `etag`,
// compared weakly; malformed members of the list match nothing.
bool if_none_match_matches(std::string_view if_none_match, std::string_view etag);

// How a program serves its files.
struct AssetPolicy {
    std::string content_security_policy; // sent with HTML files, together with X-Frame-Options: DENY
    bool head = true;                    // answer HEAD (as GET without a body); otherwise only GET is allowed
    std::string refusal;                 // the text/plain body of the 405 for other methods
};

class AssetServer {
public:
    // Serves each file at "/<name>", and index.html (when there is one) also at "/".
    AssetServer(const std::vector<EmbeddedFile>& files, AssetPolicy policy);
    // Adds (or replaces) a file whose contents the server keeps, e.g. a configuration made at start-up.
    void add(std::string path, std::string contents, std::string content_type);
    // The answer for a request whose path is one of the files (200, 304 or 405), or nullopt when it is none.
    std::optional<net::HttpResponse> serve(const net::HttpRequest& req) const;

private:
    struct Asset {
        std::string_view body;
        std::string content_type, etag;
    };
    AssetPolicy policy_;
    std::map<std::string, Asset, std::less<>> assets_;      // by path: "/", "/app.js"
    std::vector<std::unique_ptr<const std::string>> owned_; // contents of files added with add()
};

} // namespace ocpp::http

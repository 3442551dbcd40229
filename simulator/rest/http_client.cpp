#include "simulator/rest/http_client.hpp"

#include <curl/curl.h>

#include <cctype>
#include <cstdlib>
#include <mutex>

namespace sim {

namespace {

using ocpp::make_error;

// libcurl wants its global state set up once, before the first handle; this is the one place that does it.
void init_curl_once() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Collect {
    std::string* body;
    std::size_t limit;
    bool too_long = false;
};

std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) {
    auto* c = static_cast<Collect*>(user);
    const std::size_t bytes = size * n;
    if (c->body->size() + bytes > c->limit) {
        c->too_long = true;
        return 0; // makes curl fail with CURLE_WRITE_ERROR
    }
    c->body->append(data, bytes);
    return bytes;
}

std::string trimmed(std::string s, std::size_t max) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) {
        s.pop_back();
    }
    if (s.size() > max) {
        s = s.substr(0, max) + "...";
    }
    return s;
}

} // namespace

struct HttpClient::Handle {
    CURL* curl = nullptr;
    ~Handle() {
        if (curl) {
            curl_easy_cleanup(curl);
        }
    }
};

std::string HttpResponse::server_message() const {
    rapidjson::Document d;
    d.Parse(body.c_str(), body.size());
    if (!d.HasParseError() && d.IsObject() && d.HasMember("error") && d["error"].IsString()) {
        std::string msg = d["error"].GetString();
        if (d.HasMember("field") && d["field"].IsString() && d["field"].GetStringLength() > 0) {
            msg = std::string(d["field"].GetString()) + ": " + msg;
        }
        return msg;
    }
    if (body.empty()) {
        return "empty body";
    }
    return trimmed(body, 200);
}

std::string status_text(int status) {
    struct Phrase {
        int status;
        const char* text;
    };
    static constexpr Phrase kPhrases[] = {
        {200, "OK"},
        {201, "Created"},
        {204, "No Content"},
        {301, "Moved Permanently"},
        {302, "Found"},
        {304, "Not Modified"},
        {400, "Bad Request"},
        {401, "Unauthorized"},
        {403, "Forbidden"},
        {404, "Not Found"},
        {405, "Method Not Allowed"},
        {409, "Conflict"},
        {410, "Gone"},
        {413, "Content Too Large"},
        {422, "Unprocessable Content"},
        {429, "Too Many Requests"},
        {500, "Internal Server Error"},
        {502, "Bad Gateway"},
        {503, "Service Unavailable"},
        {504, "Gateway Timeout"},
    };
    for (const auto& p : kPhrases) {
        if (p.status == status) {
            return std::to_string(status) + " " + p.text;
        }
    }
    return std::to_string(status);
}

ocpp::Result<std::string> parse_base_url(const std::string& text) {
    const auto scheme_end = text.find("://");
    if (scheme_end == std::string::npos) {
        return make_error("expected a URL like http://HOST:PORT, not \"" + text + "\"");
    }
    const std::string scheme = text.substr(0, scheme_end);
    if (scheme != "http" && scheme != "https") {
        return make_error("the URL must start with http:// or https://, not " + scheme + ":// (in \"" + text + "\")");
    }
    if (text.find_first_of("?#") != std::string::npos) {
        return make_error("the URL must not have a query or fragment (in \"" + text + "\")");
    }
    if (text.find_first_of(" \t\r\n") != std::string::npos) {
        return make_error("the URL must not contain spaces (in \"" + text + "\")");
    }
    const std::string rest = text.substr(scheme_end + 3);
    const std::string authority = rest.substr(0, rest.find('/'));
    if (authority.find('@') != std::string::npos) {
        return make_error("the URL must not carry credentials; use the API token option (in \"" + text + "\")");
    }
    std::string host = authority, port;
    if (!authority.empty() && authority.front() == '[') {
        const auto close = authority.find(']');
        if (close == std::string::npos) {
            return make_error("unclosed [ in the host of \"" + text + "\"");
        }
        host = authority.substr(0, close + 1);
        if (close + 1 < authority.size()) {
            if (authority[close + 1] != ':') {
                return make_error("expected :PORT after the host in \"" + text + "\"");
            }
            port = authority.substr(close + 2);
        }
    } else if (const auto colon = authority.rfind(':'); colon != std::string::npos) {
        host = authority.substr(0, colon);
        port = authority.substr(colon + 1);
    }
    if (host.empty() || host == "[]") {
        return make_error("the URL has no host (in \"" + text + "\")");
    }
    if (authority.find(':') != std::string::npos && authority.back() != ']') {
        char* end = nullptr;
        const long p = std::strtol(port.c_str(), &end, 10);
        if (port.empty() || *end != '\0' || p < 1 || p > 65535) {
            return make_error("the port must be a number from 1 to 65535, not \"" + port + "\" (in \"" + text + "\")");
        }
    }
    std::string base = text;
    while (base.size() > scheme_end + 3 && base.back() == '/') {
        base.pop_back();
    }
    return base;
}

HttpClient::HttpClient(HttpClientConfig config)
    : config_(std::move(config))
    , handle_(std::make_unique<Handle>()) {
    while (!config_.base_url.empty() && config_.base_url.back() == '/') {
        config_.base_url.pop_back();
    }
    init_curl_once();
}

HttpClient::~HttpClient() = default;

std::string HttpClient::url(const std::string& path) const {
    if (path.empty() || path.front() == '/') {
        return config_.base_url + path;
    }
    return config_.base_url + "/" + path;
}

ocpp::Result<HttpResponse> HttpClient::request(const std::string& method, const std::string& path,
                                               const std::string& body, const std::vector<std::string>& headers) {
    const std::string target = url(path);
    const std::string what = method + " " + target + ": ";
    if (!handle_->curl) {
        handle_->curl = curl_easy_init();
        if (!handle_->curl) {
            return make_error(what + "could not set up libcurl");
        }
    } else {
        curl_easy_reset(handle_->curl);
    }
    CURL* c = handle_->curl;
    HttpResponse response;
    Collect collect{&response.body, config_.max_response_bytes};
    char curl_error[CURL_ERROR_SIZE] = {0};

    curl_slist* list = nullptr;
    auto add_header = [&list](const std::string& h) {
        if (curl_slist* next = curl_slist_append(list, h.c_str())) {
            list = next;
        }
    };
    add_header("Accept: application/json");
    if (!body.empty()) {
        add_header("Content-Type: application/json");
    }
    if (!config_.bearer_token.empty()) {
        add_header("Authorization: Bearer " + config_.bearer_token);
    }
    add_header("Expect:"); // no "100-continue" round trip for larger bodies
    for (const auto& h : headers) {
        add_header(h);
    }

    curl_easy_setopt(c, CURLOPT_URL, target.c_str());
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
    if (method == "HEAD") {
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    }
    if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
        // An empty POST still says "Content-Length: 0", so the server does not wait for a body.
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(config_.timeout.count()));
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(config_.connect_timeout.count()));
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L); // no SIGALRM for timeouts: safe with threads
    curl_easy_setopt(c, CURLOPT_PROXY, "");    // straight to the server, whatever http_proxy says
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &collect);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, curl_error);
    if (!config_.ca_file.empty()) {
        curl_easy_setopt(c, CURLOPT_CAINFO, config_.ca_file.c_str());
    }

    const auto start = std::chrono::steady_clock::now();
    const CURLcode code = curl_easy_perform(c);
    response.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, nullptr);
    curl_slist_free_all(list);

    if (collect.too_long) {
        return make_error(what + "the answer is longer than " + std::to_string(config_.max_response_bytes) + " bytes");
    }
    if (code != CURLE_OK) {
        std::string cause = curl_error[0] ? curl_error : curl_easy_strerror(code);
        if (code == CURLE_OPERATION_TIMEDOUT) {
            cause = "no answer within " + std::to_string(config_.timeout.count()) + " ms (" + cause + ")";
        } else if (code == CURLE_COULDNT_CONNECT) {
            cause = "cannot connect (" + cause + "); is the server running at this address?";
        }
        return make_error(what + cause);
    }
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    response.status = static_cast<int>(status);
    const char* type = nullptr;
    if (curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &type) == CURLE_OK && type) {
        response.content_type = type;
    }
    return response;
}

ocpp::Result<rapidjson::Document> HttpClient::json(const std::string& method, const std::string& path,
                                                   const std::string& body) {
    auto r = request(method, path, body);
    if (!r) {
        return r.error();
    }
    const std::string what = method + " " + url(path) + ": ";
    if (!r->ok()) {
        return make_error(what + status_text(r->status) + ": " + r->server_message());
    }
    rapidjson::Document doc;
    if (r->body.find_first_not_of(" \t\r\n") == std::string::npos) {
        return doc; // null
    }
    doc.Parse(r->body.c_str(), r->body.size());
    if (doc.HasParseError()) {
        return make_error(what + status_text(r->status) + " but the body is not JSON: " + trimmed(r->body, 120));
    }
    return doc;
}

} // namespace sim

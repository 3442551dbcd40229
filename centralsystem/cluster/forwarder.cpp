#include "centralsystem/cluster/forwarder.hpp"

#include <atomic>
#include <cctype>
#include <memory>
#include <vector>

#include <curl/curl.h>
#include <openssl/crypto.h>

#include "centralsystem/api/json.hpp"

namespace cs::cluster {

namespace {

struct Answer {
    long status = 0;
    std::string body;
    std::string content_type;
    std::string error;    // curl's reason when there is no answer
    bool expired = false; // its deadline passed while it waited for a thread: not sent
};

struct Sink {
    std::string* out;
    bool too_large = false;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
    auto* sink = static_cast<Sink*>(user);
    if (sink->out->size() + size * count > Forwarder::kMaxAnswer) {
        sink->too_large = true;
        return 0;
    }
    sink->out->append(data, size * count);
    return size * count;
}

// Gives up a request when the node stops (the pool's stop flag), so stopping never waits for a slow charger.
int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    return static_cast<const std::atomic<bool>*>(user)->load() ? 1 : 0;
}

struct CurlDeleter {
    void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct ListDeleter {
    void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

Answer perform(const ocpp::net::HttpRequest& req, const std::string& url, const std::vector<std::string>& headers,
               const std::atomic<bool>& stop) {
    Answer a;
    std::unique_ptr<CURL, CurlDeleter> c(curl_easy_init());
    if (!c) {
        a.error = "cannot start an HTTP request";
        return a;
    }
    std::unique_ptr<curl_slist, ListDeleter> list;
    for (const auto& h : headers) {
        list.reset(curl_slist_append(list.release(), h.c_str()));
    }
    Sink sink{&a.body};
    char error_buffer[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(c.get(), CURLOPT_URL, url.c_str());
    curl_easy_setopt(c.get(), CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c.get(), CURLOPT_PROTOCOLS_STR, "http");
    curl_easy_setopt(c.get(), CURLOPT_CUSTOMREQUEST, req.method.c_str());
    if (!req.body.empty() || req.method == "POST" || req.method == "PUT" || req.method == "PATCH") {
        curl_easy_setopt(c.get(), CURLOPT_POSTFIELDS, req.body.data());
        curl_easy_setopt(c.get(), CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
    }
    curl_easy_setopt(c.get(), CURLOPT_HTTPHEADER, list.get());
    curl_easy_setopt(c.get(), CURLOPT_CONNECTTIMEOUT_MS, 3000L);
    curl_easy_setopt(c.get(), CURLOPT_TIMEOUT_MS, 330000L); // a command may wait up to 300 s for the charger
    curl_easy_setopt(c.get(), CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c.get(), CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(c.get(), CURLOPT_ERRORBUFFER, error_buffer);
    curl_easy_setopt(c.get(), CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c.get(), CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(c.get(), CURLOPT_XFERINFODATA, &stop);
    const CURLcode code = curl_easy_perform(c.get());
    if (code != CURLE_OK) {
        a.error =
            sink.too_large ? "its answer is too long" : (error_buffer[0] ? error_buffer : curl_easy_strerror(code));
        return a;
    }
    curl_easy_getinfo(c.get(), CURLINFO_RESPONSE_CODE, &a.status);
    char* type = nullptr;
    curl_easy_getinfo(c.get(), CURLINFO_CONTENT_TYPE, &type);
    a.content_type = type ? type : "";
    return a;
}

} // namespace

Forwarder::Forwarder(std::string secret, std::string node, ocpp::Executor& loop)
    : secret_(std::move(secret))
    , node_(std::move(node))
    , loop_(loop) {
    curl_global_init(CURL_GLOBAL_DEFAULT); // reference-counted by libcurl; before any thread uses it
}

Forwarder::~Forwarder() = default;

bool Forwarder::forwarded(const ocpp::net::HttpRequest& req, bool& authentic) const {
    const std::string_view by = req.header(kForwardedByHeader);
    const std::string_view secret = req.header(kSecretHeader);
    if (by.empty() && secret.empty()) {
        return false;
    }
    authentic = !secret_.empty() && secret.size() == secret_.size() &&
                CRYPTO_memcmp(secret.data(), secret_.data(), secret.size()) == 0;
    return true;
}

void Forwarder::forward(const ocpp::net::HttpRequest& req, const std::string& node, const std::string& address,
                        std::chrono::steady_clock::time_point deadline, ocpp::net::HttpResponder respond) {
    std::string url = "http://" + address + req.path + (req.query.empty() ? "" : "?" + req.query);
    std::vector<std::string> headers = {"Content-Type: application/json",
                                        "Expect:", std::string(kSecretHeader) + ": " + secret_,
                                        std::string(kForwardedByHeader) + ": " + node_};
    // The owner node checks the caller again (tokens, users and sessions live in the shared database): whatever
    // credentials the request carried go along, a signed-in user's cookie and CSRF token included.
    for (const char* name : {"Authorization", "Cookie", "X-CSRF-Token"}) {
        std::string lower(name);
        for (auto& c : lower) {
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        if (const auto value = req.header(lower); !value.empty()) {
            headers.push_back(std::string(name) + ": " + std::string(value));
        }
    }
    auto shared = std::make_shared<ocpp::net::HttpResponder>(std::move(respond));
    const bool queued = pool_.submit<Answer>(
        [req, url, headers, deadline](const std::atomic<bool>& stop) {
            if (std::chrono::steady_clock::now() >= deadline) {
                Answer late;
                late.expired = true;
                return late;
            }
            return perform(req, url, headers, stop);
        },
        loop_,
        [shared, node](Answer a) {
            if (a.expired) {
                return (*shared)(api::json_error(504, "the command waited too long for a free connection to the "
                                                      "charger's node \"" +
                                                          node + "\" and was not sent; try again"));
            }
            if (a.status == 0) {
                return (*shared)(
                    api::json_error(502, "the charger's node \"" + node + "\" did not answer: " + a.error));
            }
            ocpp::net::HttpResponse r;
            r.status = static_cast<int>(a.status);
            r.body = std::move(a.body);
            r.headers.emplace_back("Content-Type", a.content_type.empty() ? "application/json" : a.content_type);
            r.headers.emplace_back("X-Ocppkit-Node", node);
            (*shared)(std::move(r));
        });
    if (!queued) {
        (*shared)(api::json_error(503, "too many requests wait for other nodes; try again"));
    }
}

} // namespace cs::cluster

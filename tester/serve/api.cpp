#include "tester/serve/api.hpp"

#include <functional>

#include <rapidjson/document.h>

#include "ocpp/http/bearer_token.hpp"
#include "ocpp/http/json.hpp"
#include "ocpp/http/router.hpp"
#include "tester/capture/capture.hpp"
#include "tester/checks/profiles/group.hpp"
#include "tester/report/html.hpp"
#include "tester/report/json.hpp"
#include "tester/report/junit.hpp"

namespace tester {

namespace {

using ocpp::net::HttpRequest;
using ocpp::net::HttpResponse;
using Headers = std::vector<std::pair<std::string, std::string>>;

constexpr std::string_view kPrefix = "/api/v1/tests";

using ocpp::http::json_object;
using ocpp::http::member;

void add_headers(HttpResponse& r, Headers extra) {
    for (auto& h : extra) {
        r.headers.push_back(std::move(h));
    }
}

HttpResponse respond(int status, std::string body, std::string type = "application/json", Headers extra = {}) {
    HttpResponse r = ocpp::http::response(status, std::move(body), std::move(type));
    add_headers(r, std::move(extra));
    return r;
}

HttpResponse json_error(int status, std::string_view error, std::string_view field = {}, Headers extra = {}) {
    HttpResponse r = ocpp::http::json_error(status, error, field);
    add_headers(r, std::move(extra));
    return r;
}

// The members every view of a test shares (list items, the live state, the creation answer).
void summary_members(JsonWriter& w, const TestEntry& e) {
    member(w, "id", e.id);
    member(w, "chargeBoxId", e.chargebox_id);
    member(w, "state", to_string(e.state));
    w.Key("version");
    w.Uint64(e.version);
    member(w, "createdAt", format_time_ms(e.created));
    member(w, "expiresAt", format_time_ms(e.expires));
    w.Key("chargingTest");
    w.Bool(e.charging_test);
    w.Key("acceptAnyPassword");
    w.Bool(e.accept_any_password);
    w.Key("profiles");
    w.StartArray();
    for (const auto& p : e.profiles) {
        w.String(p.c_str(), static_cast<rapidjson::SizeType>(p.size()));
    }
    w.EndArray();
    member(w, "claimStatus", to_string(e.claim));
    if (!e.claim_error.empty()) {
        member(w, "claimError", e.claim_error);
    }
}

void links(JsonWriter& w, const TestEntry& e) {
    const std::string self = std::string(kPrefix) + "/" + e.id;
    w.Key("links");
    w.StartObject();
    member(w, "self", self);
    member(w, "reportJson", self + "/report.json");
    member(w, "reportXml", self + "/report.xml");
    member(w, "reportHtml", self + "/report.html");
    member(w, "capture", self + "/capture.jsonl");
    w.EndObject();
}

std::string etag_of(const TestEntry& e) {
    return "\"" + e.id + "-" + std::to_string(e.version) + "\"";
}

HttpResponse live_state(const HttpRequest& req, const TestEntry& e) {
    const std::string etag = etag_of(e);
    Headers headers{{"ETag", etag}, {"Cache-Control", "no-cache"}};
    if (req.header("if-none-match") == etag) {
        HttpResponse r = respond(304, "", "application/json", std::move(headers));
        return r;
    }
    return respond(200, json_object([&](JsonWriter& w) {
                       summary_members(w, e);
                       links(w, e);
                       write_report_members(w, e.report());
                   }),
                   "application/json", std::move(headers));
}

std::string file_name(const TestEntry& e, const char* ext) {
    std::string name = "ocpp-test-";
    for (char c : e.chargebox_id) {
        const bool safe = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                          c == '_' || c == '.';
        name += safe ? c : '_';
    }
    return name + "-" + e.id.substr(0, 8) + "." + ext;
}

HttpResponse document(const TestEntry& e, std::string_view what) {
    const Report& r = e.report();
    auto attachment = [&](const char* ext) {
        return Headers{{"Content-Disposition", "attachment; filename=\"" + file_name(e, ext) + "\""},
                       {"Cache-Control", "no-cache"}};
    };
    if (what == "report.json") {
        return respond(200, to_json(r) + "\n", "application/json", attachment("json"));
    }
    if (what == "report.xml") {
        return respond(200, to_junit(r), "application/xml; charset=utf-8", attachment("xml"));
    }
    if (what == "report.html") {
        // The page has no scripts and no external assets: a strict policy costs nothing and contains any slip.
        return respond(200, to_html(r), "text/html; charset=utf-8",
                       {{"Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'"},
                        {"Cache-Control", "no-cache"}});
    }
    if (what == "capture.jsonl") {
        // Streamed from the kept text: Content-Length is its size now, and the pieces follow as the client reads.
        HttpResponse answer = respond(200, "", "application/x-ndjson", attachment("jsonl"));
        answer.stream = std::make_shared<ocpp::net::HttpBodyStream>();
        answer.stream->size = r.capture.bytes();
        answer.stream->read = [text = r.capture.owner(), size = r.capture.bytes()](std::uint64_t offset,
                                                                                   std::size_t max, std::string& out) {
            if (offset + max > size || text->size() < size) {
                return false;
            }
            out.append(*text, static_cast<std::size_t>(offset), max);
            return true;
        };
        return answer;
    }
    return json_error(404, "no such document: use report.json, report.xml, report.html or capture.jsonl");
}

// Only a plain host[:port] from the Host header goes into a URL we hand out.
std::string usable_host(std::string_view host) {
    if (host.empty() || host.size() > 255) {
        return {};
    }
    for (char c : host) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
                        c == '-' || c == ':' || c == '[' || c == ']';
        if (!ok) {
            return {};
        }
    }
    return std::string(host);
}

// Parses the POST body; on failure returns the error response.
std::variant<TestRequest, HttpResponse> parse_create(const HttpRequest& req) {
    rapidjson::Document doc;
    if (auto problem = ocpp::http::parse_json_object(req.body, kMaxApiBody, doc)) {
        if (problem->kind == ocpp::http::BodyProblem::Kind::NotObject) {
            problem->message = "request body must be a JSON object like {\"chargeBoxId\": \"CB-1\"}";
        }
        return problem->response();
    }
    TestRequest t;
    bool have_id = false;
    for (const auto& m : doc.GetObject()) {
        const std::string name(m.name.GetString(), m.name.GetStringLength());
        if (name == "chargeBoxId") {
            if (!m.value.IsString()) {
                return json_error(422, "chargeBoxId must be a string", name);
            }
            t.chargebox_id.assign(m.value.GetString(), m.value.GetStringLength());
            have_id = true;
        } else if (name == "password") {
            if (!m.value.IsString()) {
                return json_error(422, "password must be a string", name);
            }
            t.password.emplace(m.value.GetString(), m.value.GetStringLength());
            if (auto problem = password_problem(*t.password); !problem.empty()) {
                return json_error(422, "password " + problem, name);
            }
        } else if (name == "chargingTest" || name == "acceptAnyPassword") {
            if (!m.value.IsBool()) {
                return json_error(422, name + " must be true or false", name);
            }
            (name == "chargingTest" ? t.charging_test : t.accept_any_password) = m.value.GetBool();
        } else if (name == "profiles") {
            if (!m.value.IsArray() || m.value.Size() > 16) {
                return json_error(422,
                                  "profiles must be a list of names, such as [\"smart-charging\"]; valid: " +
                                      profiles::group_names(),
                                  name);
            }
            std::string csv;
            for (const auto& v : m.value.GetArray()) {
                if (!v.IsString()) {
                    return json_error(422, "profiles must be a list of names; valid: " + profiles::group_names(), name);
                }
                csv += (csv.empty() ? "" : ",") + std::string(v.GetString(), v.GetStringLength());
            }
            if (m.value.Size() == 0) {
                t.profiles.emplace();
                continue;
            }
            auto chosen = profiles::parse_profiles(csv);
            if (!chosen) {
                return json_error(422, "profiles: " + chosen.error().message, name);
            }
            t.profiles = std::move(*chosen);
        } else {
            return json_error(422,
                              "unknown field \"" + name +
                                  "\"; known: chargeBoxId, password, chargingTest, "
                                  "acceptAnyPassword, profiles",
                              name);
        }
    }
    if (!have_id) {
        return json_error(422, "chargeBoxId is required: the ID configured in the charger", "chargeBoxId");
    }
    if (t.password && t.accept_any_password) {
        return json_error(422, "password and acceptAnyPassword exclude each other: give the password or accept any",
                          "password");
    }
    t.host = usable_host(req.header("host"));
    t.source = profiles::address_only(req.remote_address); // the per-address limits count addresses
    return t;
}

HttpResponse create(TestService& service, const HttpRequest& req) {
    auto parsed = parse_create(req);
    if (auto* error = std::get_if<HttpResponse>(&parsed)) {
        return std::move(*error);
    }
    auto result = service.create_test(std::get<TestRequest>(parsed));
    if (auto* error = std::get_if<CreateError>(&result)) {
        Headers extra;
        if (error->status == 503 || error->status == 429) {
            extra.emplace_back("Retry-After", error->status == 429 ? "60" : "30");
        }
        return json_error(error->status, error->error, error->field, std::move(extra));
    }
    const auto& created = std::get<Created>(result);
    const TestEntry& e = *created.entry;
    // The password appears here once, so the installer can type it into the charger; it is never shown again.
    return respond(201, json_object([&](JsonWriter& w) {
                       summary_members(w, e);
                       member(w, "url", e.url);
                       member(w, "username", e.chargebox_id);
                       member(w, "password", created.password);
                       w.Key("heartbeatInterval");
                       w.Int64(service.config().heartbeat_interval.count());
                       links(w, e);
                   }),
                   "application/json",
                   {{"Location", std::string(kPrefix) + "/" + e.id}, {"Cache-Control", "no-store"}});
}

HttpResponse list(const TestService& service) {
    return respond(200, json_object([&](JsonWriter& w) {
                       w.Key("tests");
                       w.StartArray();
                       for (const TestEntry* e : service.list()) {
                           w.StartObject();
                           summary_members(w, *e);
                           w.EndObject();
                       }
                       w.EndArray();
                       w.Key("inProgress");
                       w.Uint64(service.active());
                       w.Key("maxTests");
                       w.Uint64(service.config().max_tests);
                   }),
                   "application/json", {{"Cache-Control", "no-cache"}});
}

HttpResponse unauthorized() {
    return json_error(401,
                      "starting and listing tests needs the tester's access token: send \"Authorization: Bearer "
                      "TOKEN\" (ask whoever runs the tester)",
                      "Authorization", {{"WWW-Authenticate", "Bearer realm=\"ocpp-tester\""}});
}

// The collection is guarded; one test's URLs are not: its id is a 126-bit secret handed only to whoever started it,
// so the page (and a shared link to it) works without the token.
bool authorized(const ApiConfig& config, const HttpRequest& req) {
    return config.token.empty() || ocpp::http::bearer_token_matches(req.header("authorization"), config.token);
}

using Params = ocpp::http::PathParams;
using Handler = std::function<HttpResponse(TestService&, const ApiConfig&, const HttpRequest&, const Params&)>;
using Router = ocpp::http::Router<Handler>;

HttpResponse no_such_test() {
    return json_error(404, "no test with this id (tests are kept for an hour after they finish)", "id");
}

const Router& router() {
    static const Router table = [] {
        Router routes;
        routes.add("GET", "/api/v1/tests",
                   [](TestService& service, const ApiConfig& config, const HttpRequest& req, const Params&) {
                       return authorized(config, req) ? list(service) : unauthorized();
                   });
        routes.add("POST", "/api/v1/tests",
                   [](TestService& service, const ApiConfig& config, const HttpRequest& req, const Params&) {
                       return authorized(config, req) ? create(service, req) : unauthorized();
                   });
        routes.add("GET", "/api/v1/tests/{id}",
                   [](TestService& service, const ApiConfig&, const HttpRequest& req, const Params& p) {
                       const TestEntry* e = service.find(p[0]);
                       return e ? live_state(req, *e) : no_such_test();
                   });
        routes.add("DELETE", "/api/v1/tests/{id}",
                   [](TestService& service, const ApiConfig&, const HttpRequest&, const Params& p) {
                       if (!service.find(p[0])) {
                           return no_such_test();
                       }
                       service.abort(p[0], "aborted through the API");
                       return live_state(HttpRequest{}, *service.find(p[0]));
                   });
        routes.add("GET", "/api/v1/tests/{id}/{document}",
                   [](TestService& service, const ApiConfig&, const HttpRequest&, const Params& p) {
                       const TestEntry* e = service.find(p[0]);
                       return e ? document(*e, p[1]) : no_such_test();
                   });
        return routes;
    }();
    return table;
}

HttpResponse handle(TestService& service, const ApiConfig& config, const HttpRequest& req) {
    std::string_view path = req.path;
    while (path.size() > 1 && path.back() == '/') {
        path.remove_suffix(1);
    }
    if (path == "/healthz") {
        return respond(200, json_object([&](JsonWriter& w) {
                           member(w, "status", "ok");
                           w.Key("testsInProgress");
                           w.Uint64(service.active());
                           w.Key("testsKept");
                           w.Uint64(service.kept());
                           w.Key("maxTests");
                           w.Uint64(service.config().max_tests);
                           w.Key("connections");
                           w.Uint64(config.connections ? config.connections() : 0);
                       }));
    }
    if (path.substr(0, kPrefix.size()) != kPrefix || (path.size() > kPrefix.size() && path[kPrefix.size()] != '/')) {
        return json_error(404, "not found: the API lives under /api/v1/tests");
    }
    auto found = router().find(req.method, path);
    if (auto* hit = std::get_if<Router::Found>(&found)) {
        return (*hit->handler)(service, config, req, hit->params);
    }
    const auto& miss = std::get<ocpp::http::NoRoute>(found);
    if (miss.status == 405) {
        return ocpp::http::method_not_allowed(miss.allow);
    }
    // Deeper than a test's documents ("/api/v1/tests/ID/report.json/x"), or a broken escape.
    const auto segments = ocpp::http::path_segments(path);
    if (segments.size() > 3 && service.find(std::string(segments[3]))) {
        return json_error(404, "no such document: use report.json, report.xml, report.html or capture.jsonl");
    }
    return no_such_test();
}

} // namespace

ocpp::net::HttpHandler make_api_handler(std::shared_ptr<TestService> service, ApiConfig config) {
    return [service = std::move(service), config = std::move(config)](const HttpRequest& req,
                                                                      ocpp::net::HttpResponder respond_to) {
        respond_to(handle(*service, config, req));
    };
}

} // namespace tester

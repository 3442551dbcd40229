// libFuzzer target: an HTTP request as a stranger sends it to the central system's port (with or without the API
// token) goes through the router, the bearer check, the JSON and CSV body parsers and the handlers, on an in-memory
// SQLite store. Input: "METHOD TARGET" on the first line, "Name: value" header lines, an empty line, the body.
// A crash, a sanitizer report or a request that is never answered is a bug; found inputs go to
// fuzz/crashes/http_api/ as regression tests.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string_view>
#include <thread>

#include "centralsystem/api/api.hpp"
#include "centralsystem/central_system.hpp"
#include "centralsystem/db/queries.hpp"
#include "ocpp/util/manual_executor.hpp"
#include "store/sqlite.hpp"

namespace {

struct Harness {
    ocpp::ManualClock clock;
    ocpp::ManualExecutor loop{clock};
    ocpp::Logger log{ocpp::LogLevel::Off};
    std::unique_ptr<store::StoreWorker> worker;
    std::unique_ptr<ocpp::validation::Registry> schemas;
    std::unique_ptr<cs::CentralSystem> central;
    ocpp::net::HttpHandler handler;

    Harness() {
        auto db = store::Sqlite::open(":memory:");
        if (!db || !cs::db::migrate(**db)) {
            std::abort();
        }
        worker = std::make_unique<store::StoreWorker>(std::move(*db));
        schemas = std::make_unique<ocpp::validation::Registry>(ocpp::validation::Registry::v16().value());
        cs::CentralConfig config;
        config.auto_register = true;
        central = std::make_unique<cs::CentralSystem>(config, loop, *worker, *schemas, log);
        handler = cs::make_api_handler(*central, cs::ApiConfig{"fuzz-token", [] { return std::size_t{0}; }, {}});
    }
};

Harness& harness() {
    static Harness h;
    return h;
}

std::string_view take_line(std::string_view& text) {
    const auto end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (!line.empty() && line.back() == '\r') {
        line.remove_suffix(1);
    }
    return line;
}

ocpp::net::HttpRequest request_of(std::string_view text) {
    ocpp::net::HttpRequest req;
    std::string_view first = take_line(text);
    const auto space = first.find(' ');
    req.method = std::string(first.substr(0, space));
    std::string_view target = space == std::string_view::npos ? std::string_view("/") : first.substr(space + 1);
    const auto q = target.find('?');
    req.path = std::string(target.substr(0, q));
    req.query = q == std::string_view::npos ? std::string() : std::string(target.substr(q + 1));
    while (!text.empty()) {
        const std::string_view line = take_line(text);
        if (line.empty()) {
            break;
        }
        const auto colon = line.find(':');
        std::string name(line.substr(0, colon));
        for (char& c : name) {
            c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        }
        std::string_view value = colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') {
            value.remove_prefix(1);
        }
        req.headers.emplace_back(std::move(name), std::string(value));
    }
    req.body = std::string(text);
    req.remote_address = "127.0.0.1:1";
    return req;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    Harness& h = harness();
    const auto req = request_of(std::string_view(reinterpret_cast<const char*>(data), size));
    std::optional<ocpp::net::HttpResponse> answer;
    h.handler(req, [&answer](ocpp::net::HttpResponse r) { answer = std::move(r); });
    // The store worker and the password hashers answer from their threads: wait for them, bounded.
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!answer && std::chrono::steady_clock::now() < give_up) {
        if (h.loop.run_pending() == 0) {
            std::this_thread::sleep_for(std::chrono::microseconds(50));
        }
    }
    if (!answer || answer->status < 100 || answer->status > 599) {
        std::abort(); // every request gets one answer with a real status
    }
    h.loop.run_pending();
    return 0;
}

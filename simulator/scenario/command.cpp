#include "simulator/scenario/command.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "simulator/scenario/from_capture.hpp"
#include "simulator/scenario/html_report.hpp"
#include "simulator/scenario/parse.hpp"
#include "simulator/scenario/report.hpp"

namespace scen {

namespace {

bool write_file(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) {
        std::fprintf(stderr, "ocpp-simulator scenario: cannot write %s: %s\n", path.c_str(), std::strerror(errno));
        return false;
    }
    return true;
}

int usage_error(const std::string& message) {
    std::fprintf(stderr, "ocpp-simulator scenario: %s (see ocpp-simulator scenario --help)\n", message.c_str());
    return 2;
}

// The options whose value overrides a text of the scenario's target as it is.
struct TextOption {
    const char* flag;
    std::optional<std::string> Overrides::*field;
};
const TextOption kTextOptions[] = {
    {"--url", &Overrides::url},
    {"--password", &Overrides::password},
    {"--ca", &Overrides::ca_file},
    {"--cert", &Overrides::cert_file},
    {"--key", &Overrides::key_file},
    {"--api", &Overrides::api},
    {"--api-token", &Overrides::api_token},
    {"--listen", &Overrides::listen},
    {"--listen-cert", &Overrides::listen_cert},
    {"--listen-key", &Overrides::listen_key},
    {"--listen-client-ca", &Overrides::listen_client_ca},
    {"--id", &Overrides::id_pattern},
};

int from_capture_main(const std::vector<std::string>& args) {
    std::string input, output, id = "REPLAY{index:04}", name;
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string& a = args[i];
        const bool has_value = i + 1 < args.size();
        if (a == "--help" || a == "-h") {
            std::fputs("usage: ocpp-simulator scenario from-capture CAPTURE.jsonl [--output FILE.yaml] [--id PATTERN] "
                       "[--name NAME]\n"
                       "Turns the frame capture ocpp-tester writes beside its --report (FILE.capture.jsonl) into a "
                       "scenario that replays the charger's side.\n"
                       "  --output, -o FILE.yaml  write the scenario there (default: standard output)\n"
                       "  --id PATTERN            the replaying chargers' IDs (default REPLAY{index:04})\n"
                       "  --name NAME             the scenario's name (default: replay of CAPTURE.jsonl)\n",
                       stdout);
            return 0;
        }
        if ((a == "--output" || a == "-o") && has_value) {
            output = args[++i];
        } else if (a == "--id" && has_value) {
            id = args[++i];
        } else if (a == "--name" && has_value) {
            name = args[++i];
        } else if (a.rfind("-", 0) == 0) {
            return usage_error(a + ": unknown option or missing value for from-capture");
        } else if (input.empty()) {
            input = a;
        } else {
            return usage_error("from-capture takes one capture file, got also " + a);
        }
    }
    if (input.empty()) {
        return usage_error("from-capture: which capture? ocpp-simulator scenario from-capture CAPTURE.jsonl");
    }
    std::ifstream in(input, std::ios::binary);
    if (!in) {
        return usage_error(input + ": cannot read: " + std::strerror(errno));
    }
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto yaml = scenario_from_capture(text, input, CaptureOptions{name.empty() ? "replay of " + input : name, id});
    if (!yaml) {
        std::fprintf(stderr, "ocpp-simulator scenario from-capture: %s\n", yaml.error().message.c_str());
        return 2;
    }
    if (output.empty()) {
        std::fputs(yaml->c_str(), stdout);
        return 0;
    }
    return write_file(output, *yaml) ? 0 : 1;
}

} // namespace

std::string scenario_usage() {
    return "usage: ocpp-simulator scenario FILE.yaml... [options]\n"
           "       ocpp-simulator scenario from-capture CAPTURE.jsonl [--output FILE.yaml] [--id PATTERN] "
           "[--name NAME]\n"
           "Runs YAML scenarios (scenarios/FORMAT.md describes them); exit 0 when every one passed, 1 when one "
           "failed, 2 on bad usage or a file that does not parse.\n"
           "  --url URL              the central system's OCPP URL (ws:// or wss://), instead of target.url\n"
           "  --password PW          HTTP Basic password (security profiles 1 and 2), instead of target.password\n"
           "  --security-profile N   0, 1, 2 or 3, instead of target.security_profile\n"
           "  --ca FILE              CA certificate to verify a wss:// server with\n"
           "  --cert FILE            client certificate (security profile 3), instead of target.cert\n"
           "  --key FILE             its private key, instead of target.key\n"
           "  --api URL              base URL of the REST API (default: from --url, http://HOST:PORT)\n"
           "  --api-token TOKEN      bearer token of the REST API\n"
           "  --chargers N           run every scenario with N chargers\n"
           "  --id PATTERN           the chargers' IDs, instead of chargers.id (CP-{index:03}, or a real charger's "
           "ID)\n"
           "  --listen URL           role central_system: listen on ws://HOST:PORT/PATH or wss://... (port 0: a free "
           "one),\n"
           "                         instead of listen:\n"
           "  --listen-cert FILE     role central_system over wss://: the server certificate chain (PEM), instead of\n"
           "                         listen_tls.cert\n"
           "  --listen-key FILE      its private key, instead of listen_tls.key\n"
           "  --listen-client-ca FILE  require client certificates signed by this CA (security profile 3), instead\n"
           "                         of listen_tls.client_ca\n"
           "  --report FILE.json     write the results as JSON\n"
           "  --junit FILE.xml       write JUnit XML: one testcase per scenario and charger\n"
           "  --html FILE.html       write an HTML summary: each run's steps with their timings\n"
           "  --log-level LEVEL      debug, info, warn (default), error\n";
}

int scenario_main(const std::vector<std::string>& args) {
    if (!args.empty() && args[0] == "from-capture") {
        return from_capture_main(args);
    }
    Overrides o;
    std::vector<std::string> files;
    std::string report, junit, html;
    ocpp::LogLevel level = ocpp::LogLevel::Warn;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--help" || a == "-h") {
            std::fputs(scenario_usage().c_str(), stdout);
            return 0;
        }
        if (a.rfind("--", 0) != 0) {
            files.push_back(a);
            continue;
        }
        if (i + 1 >= args.size()) {
            return usage_error(a + ": expected a value");
        }
        const std::string v = args[++i];
        auto number = [&](int min, int max) -> std::optional<int> {
            char* end = nullptr;
            const long n = std::strtol(v.c_str(), &end, 10);
            if (v.empty() || *end != '\0' || n < min || n > max) {
                return std::nullopt;
            }
            return static_cast<int>(n);
        };
        const auto text = std::find_if(std::begin(kTextOptions), std::end(kTextOptions),
                                       [&](const TextOption& t) { return a == t.flag; });
        if (text != std::end(kTextOptions)) {
            o.*(text->field) = v;
        } else if (a == "--security-profile") {
            o.security_profile = number(0, 3);
            if (!o.security_profile) {
                return usage_error("--security-profile: expected 0, 1, 2 or 3, got \"" + v + "\"");
            }
        } else if (a == "--chargers") {
            o.chargers = number(1, 20000);
            if (!o.chargers) {
                return usage_error("--chargers: expected a number from 1 to 20000, got \"" + v + "\"");
            }
        } else if (a == "--report") {
            report = v;
        } else if (a == "--junit") {
            junit = v;
        } else if (a == "--html") {
            html = v;
        } else if (a == "--log-level") {
            if (!ocpp::parse_log_level(v, level)) {
                return usage_error("--log-level: expected debug, info, warn or error, got \"" + v + "\"");
            }
        } else {
            return usage_error(a + ": unknown option");
        }
    }
    if (files.empty()) {
        return usage_error("no scenario file given");
    }
    if (o.url && o.url->rfind("ws://", 0) != 0 && o.url->rfind("wss://", 0) != 0) {
        return usage_error("--url: expected ws://HOST:PORT/PATH or wss://..., got \"" + *o.url + "\"");
    }
    if (o.listen) {
        if (auto problem = listen_problem(*o.listen)) {
            return usage_error("--listen: " + *problem);
        }
    }
    if (o.id_pattern) {
        if (auto problem = id_pattern_problem(*o.id_pattern, o.chargers.value_or(1))) {
            return usage_error("--id: " + *problem);
        }
    }
    std::vector<Scenario> scenarios;
    for (const auto& f : files) {
        auto s = load_scenario(f);
        if (!s) {
            std::fprintf(stderr, "%s\n", s.error().message.c_str());
            return 2;
        }
        if (o.chargers) {
            if (auto problem = id_pattern_problem(s->id_pattern, *o.chargers)) {
                return usage_error(f + ": chargers.id with --chargers " + std::to_string(*o.chargers) + ": " +
                                   *problem);
            }
        }
        scenarios.push_back(std::move(*s));
    }
    ocpp::Logger log(level);
    auto rest = make_rest_client();
    const auto results = run_all(
        scenarios, o, log, rest.get(),
        [](const ChargerResult& r) {
            std::fprintf(stdout, "%s\n", result_line(r).c_str());
            std::fflush(stdout);
        },
        [](const std::string& url) {
            // One line a test or a user reads to point a charger at the runner.
            std::fprintf(stdout, "listening %s\n", url.c_str());
            std::fflush(stdout);
        });
    std::size_t failed = 0;
    for (const auto& r : results) {
        failed += r.passed ? 0 : 1;
    }
    std::fprintf(stdout, "%zu of %zu runs passed (%zu scenario%s)\n", results.size() - failed, results.size(),
                 scenarios.size(), scenarios.size() == 1 ? "" : "s");
    bool written = true;
    if (!report.empty()) {
        written = write_file(report, to_json_report(results)) && written;
    }
    if (!junit.empty()) {
        written = write_file(junit, to_junit(results)) && written;
    }
    if (!html.empty()) {
        written = write_file(html, to_html_report(results)) && written;
    }
    return failed == 0 && written ? 0 : 1;
}

} // namespace scen

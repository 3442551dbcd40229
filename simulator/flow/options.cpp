// The options of `ocpp-simulator flow`: every bad flag or value becomes one line naming the flag and the value.
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <thread>

#include "ocpp/system/small_file.hpp"
#include "simulator/flow/flow.hpp"
#include "simulator/options.hpp"
#include "simulator/rest/http_client.hpp"

namespace sim {

namespace {

using ocpp::make_error;
using Apply = std::function<std::optional<std::string>(FlowOptions&, const std::string&)>;

std::optional<std::string> to_number(const std::string& v, double min, double max, double& out) {
    char* end = nullptr;
    errno = 0;
    const double d = std::strtod(v.c_str(), &end);
    if (v.empty() || *end != '\0' || errno != 0 || !std::isfinite(d) || d < min || d > max) {
        std::ostringstream s;
        s << "expected a number from " << min << " to " << max << ", got " << quoted(v);
        return s.str();
    }
    out = d;
    return std::nullopt;
}

template <class Int> std::optional<std::string> to_int(const std::string& v, long long min, long long max, Int& out) {
    char* end = nullptr;
    errno = 0;
    const long long n = std::strtoll(v.c_str(), &end, 10);
    if (v.empty() || *end != '\0' || errno != 0 || n < min || n > max) {
        return "expected a whole number from " + std::to_string(min) + " to " + std::to_string(max) + ", got " +
               quoted(v);
    }
    out = static_cast<Int>(n);
    return std::nullopt;
}

// Why a text is not a value of an option, or nullopt.
using Check = std::optional<std::string> (*)(const std::string&);

// The problem `message` when `bad`, else none.
std::optional<std::string> problem_if(bool bad, std::string message) {
    return bad ? std::optional<std::string>(std::move(message)) : std::nullopt;
}

// An option whose text goes into `field` as it is, once `problem` (if any) finds nothing wrong with it.
Apply text_into(std::string FlowOptions::*field, Check problem = nullptr) {
    return [field, problem](FlowOptions& o, const std::string& v) -> std::optional<std::string> {
        if (auto p = problem ? problem(v) : std::nullopt) {
            return p;
        }
        o.*field = v;
        return std::nullopt;
    };
}

const std::map<std::string, Apply>& flags() {
    static const std::map<std::string, Apply> table{
        {"central",
         [](FlowOptions& o, const std::string& v) -> std::optional<std::string> {
             auto base = parse_base_url(v);
             if (!base) {
                 return base.error().message;
             }
             o.central = *base;
             return std::nullopt;
         }},
        {"ocpp-url", text_into(&FlowOptions::ocpp_url,
                               [](const std::string& v) {
                                   return problem_if(v.rfind("ws://", 0) != 0 && v.rfind("wss://", 0) != 0,
                                                     "expected ws://HOST:PORT/ocpp or wss://..., got " + quoted(v));
                               })},
        {"api-token", text_into(&FlowOptions::api_token,
                                [](const std::string& v) {
                                    return problem_if(v.empty() || v.find_first_of(" \t\r\n") != std::string::npos,
                                                      "expected the token without spaces");
                                })},
        {"chargers",
         [](FlowOptions& o, const std::string& v) {
             o.chargers_given = true;
             return to_int(v, 1, 100000, o.chargers);
         }},
        {"connectors", [](FlowOptions& o, const std::string& v) { return to_int(v, 1, 10, o.connectors); }},
        {"id-prefix", text_into(&FlowOptions::id_prefix, id_prefix_problem)},
        {"password", text_into(&FlowOptions::password,
                               [](const std::string& v) {
                                   return problem_if(
                                       v.size() < 8 || v.size() > 40,
                                       "expected 8 to 40 characters (OCPP 1.6 security: 16 or more recommended)");
                               })},
        {"claim-codes", text_into(&FlowOptions::claim_codes_file)},
        {"provider", text_into(&FlowOptions::provider,
                               [](const std::string& v) {
                                   return problem_if(v.empty() || v.size() > 64,
                                                     "expected 1 to 64 characters, got " + quoted(v));
                               })},
        {"evse-operator",
         text_into(&FlowOptions::evse_operator,
                   [](const std::string& v) {
                       const bool ok = v.size() == 6 && std::isalpha(static_cast<unsigned char>(v[0])) &&
                                       std::isalpha(static_cast<unsigned char>(v[1])) && v[2] == '*' &&
                                       std::isalnum(static_cast<unsigned char>(v[3])) &&
                                       std::isalnum(static_cast<unsigned char>(v[4])) &&
                                       std::isalnum(static_cast<unsigned char>(v[5]));
                       return problem_if(!ok, "expected country and operator like DE*ABC, got " + quoted(v));
                   })},
        {"price-per-kwh",
         [](FlowOptions& o, const std::string& v) {
             double d = 0;
             auto problem = to_number(v, 0, 100, d);
             o.price_per_kwh = d;
             return problem;
         }},
        {"price-per-session",
         [](FlowOptions& o, const std::string& v) { return to_number(v, 0, 1000, o.price_per_session); }},
        {"currency", text_into(&FlowOptions::currency,
                               [](const std::string& v) {
                                   const bool ok = v.size() == 3 && std::isupper(static_cast<unsigned char>(v[0])) &&
                                                   std::isupper(static_cast<unsigned char>(v[1])) &&
                                                   std::isupper(static_cast<unsigned char>(v[2]));
                                   return problem_if(!ok, "expected an ISO 4217 code like EUR, got " + quoted(v));
                               })},
        {"power-kw", [](FlowOptions& o, const std::string& v) { return to_number(v, 1, 350, o.power_kw); }},
        {"session-seconds",
         [](FlowOptions& o, const std::string& v) { return to_number(v, 1, 3600, o.session_seconds); }},
        {"meter-interval", [](FlowOptions& o, const std::string& v) { return to_int(v, 1, 3600, o.meter_interval_s); }},
        {"duration", [](FlowOptions& o, const std::string& v) { return to_number(v, 0, 86400 * 7, o.duration_s); }},
        {"sessions-per-hour",
         [](FlowOptions& o, const std::string& v) { return to_number(v, 0, 3600, o.sessions_per_hour); }},
        {"heartbeat-interval",
         [](FlowOptions& o, const std::string& v) { return to_int(v, 1, 86400, o.heartbeat_interval_s); }},
        {"ramp", [](FlowOptions& o, const std::string& v) { return to_number(v, 0.1, 100000, o.ramp); }},
        {"concurrency", [](FlowOptions& o, const std::string& v) { return to_int(v, 1, 64, o.concurrency); }},
        {"timeout", [](FlowOptions& o, const std::string& v) { return to_number(v, 1, 86400, o.timeout_s); }},
        {"http-timeout", [](FlowOptions& o, const std::string& v) { return to_number(v, 0.1, 600, o.http_timeout_s); }},
        {"threads", [](FlowOptions& o, const std::string& v) { return to_int(v, 1, 64, o.threads); }},
        {"report", text_into(&FlowOptions::report_file)},
        {"log-level",
         [](FlowOptions& o, const std::string& v) -> std::optional<std::string> {
             if (!ocpp::parse_log_level(v, o.log_level)) {
                 return "expected debug, info, warn, error or off, got " + quoted(v);
             }
             return std::nullopt;
         }},
    };
    return table;
}

ocpp::Result<void> finish(FlowOptions& o) {
    if (o.central.empty()) {
        return make_error("--central: required, e.g. --central http://127.0.0.1:8180");
    }
    if (o.ocpp_url.empty()) {
        const bool tls = o.central.rfind("https://", 0) == 0;
        o.ocpp_url = (tls ? "wss://" : "ws://") + o.central.substr(tls ? 8 : 7) + "/ocpp";
    }
    if (!o.claim_codes_file.empty()) {
        auto text = ocpp::read_small_file(o.claim_codes_file);
        if (!text) {
            return make_error("--claim-codes: " + text.error().message);
        }
        auto claims = parse_claim_codes(*text, o.claim_codes_file);
        if (!claims) {
            return make_error("--claim-codes: " + claims.error().message);
        }
        o.claims = std::move(*claims);
        if (o.claims.empty()) {
            return make_error("--claim-codes: " + o.claim_codes_file + " has no claiming code");
        }
        if (!o.chargers_given) {
            o.chargers = o.claims.size();
        } else if (o.chargers > o.claims.size()) {
            return make_error("--chargers " + std::to_string(o.chargers) + " needs as many claiming codes; " +
                              o.claim_codes_file + " has " + std::to_string(o.claims.size()));
        }
        for (std::size_t i = 0; i < o.chargers; ++i) {
            if (o.claims[i].password.empty() && o.password.empty()) {
                return make_error("--claim-codes: " + o.claim_codes_file + ": the code " + o.claims[i].code +
                                  " has no password (write CODE,PASSWORD) and no --password was given");
            }
        }
    }
    if (auto problem = fleet_id_problem(o.id_prefix, o.chargers)) {
        return make_error("--id-prefix " + quoted(o.id_prefix) + " with --chargers " + std::to_string(o.chargers) +
                          ": " + *problem);
    }
    if (o.price_per_session > 0 && !o.price_per_kwh) {
        return make_error("--price-per-session: needs --price-per-kwh (give 0 for a session fee alone)");
    }
    if (o.threads == 0) {
        o.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    }
    return {};
}

} // namespace

ocpp::Result<std::vector<ClaimLine>> parse_claim_codes(const std::string& text, const std::string& file_name) {
    std::vector<ClaimLine> out;
    std::istringstream in(text);
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) {
            line.pop_back();
        }
        const auto first = line.find_first_not_of(" \t");
        if (first == std::string::npos || line[first] == '#') {
            continue;
        }
        line = line.substr(first);
        ClaimLine claim;
        const auto comma = line.find(',');
        claim.code = line.substr(0, comma);
        if (comma != std::string::npos) {
            claim.password = line.substr(comma + 1);
        }
        const std::string where = file_name + ":" + std::to_string(number) + ": ";
        if (claim.code.empty() || claim.code.size() > 32) {
            return make_error(where + "expected a claiming code like 7KQF-3M9X-TR, got " + quoted(claim.code));
        }
        for (char c : claim.code) {
            if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') {
                return make_error(where + "a claiming code has letters, digits and '-', got " + quoted(claim.code));
            }
        }
        if (comma != std::string::npos && claim.password.empty()) {
            return make_error(where + "empty password after the comma");
        }
        out.push_back(std::move(claim));
    }
    return out;
}

std::string flow_usage() {
    return "usage: ocpp-simulator flow --central http://HOST:PORT [--chargers N] [--api-token T] [--id-prefix P]\n"
           "                           [--claim-codes FILE] [--report FILE.json] [options]\n"
           "\n"
           "The operator's flow at scale, through the central system's REST API: each charger is created\n"
           "(POST /api/v1/chargers, or from a claiming code), put into operation (commission), gets an id tag;\n"
           "then the simulated chargers connect to the OCPP URL with their passwords, boot and charge one session\n"
           "each, and the REST API must show every session with its energy. Exit 0 when every step passed for\n"
           "every charger, 1 when one failed, 2 on bad options, 130 when Ctrl-C stopped it before anything failed\n"
           "(the work left is counted as skipped, not failed).\n"
           "\n"
           "  --central URL            the central system, http(s)://HOST:PORT (required)\n"
           "  --ocpp-url URL           where the chargers connect (default: ws(s)://HOST:PORT/ocpp of --central)\n"
           "  --api-token T            the REST API's bearer token\n"
           "  --chargers N             how many chargers (default 1; with --claim-codes: one per code)\n"
           "  --connectors K           charge points per charger (default 1)\n"
           "  --id-prefix P            Chargebox IDs P000001... (default FLOW)\n"
           "  --password PW            the HTTP Basic password of every charger (default: a random one each)\n"
           "  --claim-codes FILE       create the chargers from claiming codes, one per line: CODE[,PASSWORD]\n"
           "  --provider NAME          the provider the chargers are created for (default ocppkit-flow)\n"
           "  --evse-operator CC*OOO   country and operator of the EVSE IDs (default DE*OKF)\n"
           "  --price-per-kwh P        give each charger a price set: P per kWh (for revenue on the dashboard)\n"
           "  --price-per-session F    ... plus F per session (default 0)\n"
           "  --currency CUR           the price set's currency (default EUR)\n"
           "  --power-kw KW            charging power per connector (default 11)\n"
           "  --session-seconds S      length of each charger's session (default 3)\n"
           "  --meter-interval S       MeterValues interval during a session (default 1)\n"
           "  --duration S             keep the chargers running at least S seconds (default 0: until verified)\n"
           "  --sessions-per-hour H    further random sessions per charger while running (default 0)\n"
           "  --heartbeat-interval S   until the central system sets one (default 60)\n"
           "  --ramp R                 new connections per second (default 200)\n"
           "  --concurrency C          REST requests in flight (default 4)\n"
           "  --timeout S              limit for connecting and charging (default 120)\n"
           "  --http-timeout S         limit per REST request (default 10)\n"
           "  --threads N              event loops of the fleet (default: CPU cores)\n"
           "  --report FILE.json       write the per-step report\n"
           "  --log-level LEVEL        debug, info, warn, error or off (default warn)\n";
}

ocpp::Result<FlowOptions> parse_flow_options(const std::vector<std::string>& args) {
    FlowOptions o;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "--help" || arg == "-h") {
            o.help = true;
            return o;
        }
        if (arg.rfind("--", 0) != 0 || arg.size() == 2) {
            return make_error("flow: unexpected argument " + quoted(arg) + " (options start with --; see --help)");
        }
        const auto eq = arg.find('=');
        const std::string name = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
        const auto it = flags().find(name);
        if (it == flags().end()) {
            return make_error("flow: --" + name + ": unknown option; see ocpp-simulator flow --help");
        }
        std::string value;
        if (eq != std::string::npos) {
            value = arg.substr(eq + 1);
        } else if (i + 1 >= args.size() || args[i + 1].rfind("--", 0) == 0) {
            return make_error("flow: --" + name + ": expected a value");
        } else {
            value = args[++i];
        }
        if (auto problem = it->second(o, value)) {
            return make_error("flow: --" + name + ": " + *problem);
        }
    }
    if (auto done = finish(o); !done) {
        return make_error("flow: " + done.error().message);
    }
    return o;
}

} // namespace sim

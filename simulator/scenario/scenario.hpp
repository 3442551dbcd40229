#pragma once
// A YAML scenario as the runner sees it: target, chargers, variables and a tree of steps, each with its line in the
// file so that a failure can point at it. scenarios/FORMAT.md describes the language.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace scen {

// Where something is in the scenario file (1-based).
struct Pos {
    int line = 0;
    int column = 0;
};

// One check of a JSON value at a path ("idTagInfo.status", "$.meterValue[0].timestamp"; "" or "$" = the whole value).
struct Matcher {
    enum class Kind { Equals, Regex, Range, Exists, Absent };
    std::string path;
    Kind kind = Kind::Equals;
    std::string json;               // Equals: the expected value as a JSON template (variables expanded at run time)
    std::string regex;              // Regex
    std::optional<double> min, max; // Range
    Pos pos;
};

// What an answer (CALLRESULT or CALLERROR) must look like.
struct Expectation {
    bool error = false;                   // expect a CALLERROR (else a CALLRESULT)
    std::vector<std::string> error_codes; // with one of these codes (empty = any code)
    std::vector<Matcher> match;
    std::map<std::string, std::string> capture; // variable -> path into the payload
    std::optional<double> max_latency_ms;
    double within_s = 10; // how long to wait for it
    Pos pos;
};

struct StepKind; // simulator/scenario/steps/registry.hpp

// One step of a scenario. Its kind parses and runs it; the fields below are those the kinds fill in, several kinds
// sharing a field where the meaning is the same.
struct Step {
    const StepKind* kind = nullptr; // never null in a parsed scenario
    Pos pos;
    std::string action;  // send, expect_call; fault: its kind
    std::string payload; // send; rest body; expect_call reply; fault raw text: a JSON template ("" = none)
    bool validate = true;
    std::optional<Expectation> expect; // send, fault (inline), expect, expect_call (on the request), rest (body)
    // expect_call; expect_close, expect_rest: how long to wait
    double within_s = 10;
    std::string reply_error;    // answer with this CALLERROR code instead of `payload`
    std::vector<Matcher> where; // expect_call: which call of the action to take (the first where these hold)
    double delay_s = 0;         // answer this much later (a delayed answer)
    // connect
    std::optional<std::string> password; // overrides the target's
    int refused_status = 0;              // expect the handshake refused with this HTTP status (0 = must succeed)
    bool refused_tls = false;            // expect the TLS handshake to fail (e.g. no or an untrusted client cert)
    bool without_certificate = false;    // connect without the target's client certificate (profile 3 refusals)
    // disconnect, expect_close (0 = any code)
    int code = 1000;
    // wait: seconds (may be a template such as "${interval}")
    std::string seconds;
    // repeat
    int times = 1;
    std::vector<Matcher> until; // stop early when every matcher holds on the variables
    std::vector<Step> steps;
    // fault
    std::size_t bytes = 0; // oversize
    std::string frame_id;  // the message id of a raw frame, when the runner cannot read it from the text
    // rest
    std::string method, path;
    int status = 0;     // expected HTTP status (0 = any 2xx)
    bool async = false; // go on at once; expect_rest checks the answer later
    // set
    std::map<std::string, std::string> values; // variable -> JSON template
    // serve_file, expect_download, expect_upload: the variable that holds the file's URL
    std::string variable;
    std::string file_name;                      // serve_file, expect_upload: the last segment of the URL
    std::string file_path;                      // serve_file: the file to serve ("" = `text`)
    std::shared_ptr<const std::string> content; // serve_file: the file's content, read once, shared by the runs
};

// Which side of the connection a scenario plays.
enum class Role {
    Charger,       // the chargers connect to the target URL
    CentralSystem, // the runner listens and the chargers (ours or real ones) connect to it
};

struct Target {
    std::string url; // base, the charger ID is appended as a path segment
    int security_profile = 0;
    std::optional<std::string> password; // profiles 1 and 2; the user is the charger ID
    std::string ca_file, cert_file, key_file;
    std::string api;       // base URL of the REST API ("http://127.0.0.1:8180"); derived from url when empty
    std::string api_token; // bearer token of the REST API
};

// The central-system role's TLS: its certificate chain and key (PEM files), and with client_ca_file, client
// certificates signed by that CA required (security profile 3).
struct ListenTls {
    std::string cert_file, key_file, client_ca_file;
};

struct Scenario {
    std::string file;
    std::string name;
    std::string description;
    Role role = Role::Charger;
    std::string listen;   // central-system role: "ws://127.0.0.1:PORT/ocpp" (port 0 picks a free one), or wss://
    ListenTls listen_tls; // central-system role over wss://: the server certificate and the client CA
    Target target;
    int chargers = 1;
    std::string id_pattern = "SCN{index:04}";     // {index} or {index:0N}
    std::map<std::string, std::string> variables; // name -> JSON text
    std::vector<Step> steps;
};

// Settings from the command line that win over the file.
struct Overrides {
    std::optional<std::string> url, password, ca_file, cert_file, key_file, api, api_token;
    std::optional<std::string> listen;                                    // central-system role: where to listen
    std::optional<std::string> listen_cert, listen_key, listen_client_ca; // its ListenTls
    std::optional<std::string> id_pattern; // the chargers' IDs (e.g. a real charger's ID)
    std::optional<int> security_profile, chargers;
};

// The name of a step's kind as a scenario writes it ("send"); "?" for none.
const char* kind_name(const Step& step);

// The charger ID for 1-based index i under a pattern such as "CP-{index:03}".
std::string charger_id(const std::string& pattern, int index);
// Why the IDs of `chargers` chargers under `pattern` break the Chargebox ID rule (the first and the last tell), or
// nullopt when they all keep it.
std::optional<std::string> id_pattern_problem(const std::string& pattern, int chargers);

// Where the central-system role listens, read from "ws://HOST:PORT/PATH" or "wss://..." (port 0 = any free port).
struct ListenUrl {
    std::string host;
    std::uint16_t port = 0;
    std::string path;    // "/ocpp"; the charger ID follows it
    bool secure = false; // wss://: TLS with the scenario's ListenTls
};
// Reads a listen URL; nullopt when it is not a ws:// or wss:// URL with a host and a port.
std::optional<ListenUrl> parse_listen_url(const std::string& url);
// Why `url` cannot be listened on, or nullopt.
std::optional<std::string> listen_problem(const std::string& url);

} // namespace scen

#pragma once
// The result of one connectivity test: every check with its verdict, what was seen, timings and a hint, plus the
// charger's identity and the frames exchanged. Writers turn it into JSON, JUnit XML and HTML.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "ocpp/text/datetime.hpp"
#include "tester/capture/capture_log.hpp"

namespace tester {

enum class Verdict { Pending, Running, Pass, Warn, Fail, Skipped };
const char* to_string(Verdict v);

struct Timing {
    std::string name; // "tcp-accept", "tls-handshake", "upgrade", "first-message", "answer"
    double ms = 0;    // since the connection arrived (or the duration of the step)
};

struct Check {
    std::string id;    // stable identifier, e.g. "websocket.subprotocol"
    std::string title; // "WebSocket subprotocol ocpp1.6 offered"
    Verdict verdict = Verdict::Pending;
    std::string seen; // what the tester saw, in words ("offered: ocpp2.0.1")
    std::string hint; // how to fix it, in plain language; empty when passed
    std::string octt; // related OCA compliance test case, e.g. "TC_088", or empty
    std::vector<Timing> timings;
    std::vector<std::string> details; // e.g. schema deviations with their JSON pointers
};

// What the charger told about itself (BootNotification, GetConfiguration, handshake).
struct ChargerFacts {
    std::string chargebox_id;
    std::string remote_address;
    std::string vendor, model, serial, firmware, iccid, imsi, meter_type, meter_serial;
    std::optional<int> connectors;        // from GetConfiguration NumberOfConnectors, else StatusNotifications
    std::vector<int> connectors_reported; // connector ids seen in StatusNotification
    int security_profile = 0;             // 0 plain, 1 Basic over ws, 2 TLS + Basic, 3 TLS + client certificate
    std::string tls_version, tls_cipher;
    std::vector<std::pair<std::string, std::string>> configuration; // GetConfiguration key/value pairs
};

struct Report {
    std::string test_id;
    ocpp::DateTime started, finished;
    std::string url; // what the installer configured, e.g. ws://host:port/ocpp/CB-1
    ChargerFacts charger;
    std::vector<Check> checks;
    CaptureLog capture;                    // every frame, up to its budget
    std::optional<std::string> claim_code; // set only when no check failed
    ocpp::DateTime claim_expires;
    bool passed() const; // no Fail among the checks, and the test finished
};

} // namespace tester

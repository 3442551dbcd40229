#pragma once
// A hand-built Report for the writer tests: one check of every verdict, hostile strings where a charger or an
// installer controls the text, and a secret in the configuration that must never be written out.
#include <string>

#include "tester/report/report.hpp"

namespace tester::test {

inline constexpr const char* kSecret = "s3cr3t-P4ssw0rd";
inline constexpr const char* kHostile = "</script><script>alert(1)</script> ]]> & \"quoted\" 'single' <b>";

inline Report sample_report(bool passed) {
    Report r;
    r.test_id = "t-0001";
    r.started = ocpp::DateTime::from_unix_ms(1767225600123);  // 2026-01-01T00:00:00.123Z
    r.finished = ocpp::DateTime::from_unix_ms(1767225645000); // 45 s later
    r.url = "ws://10.0.0.5:8180/ocpp/CB-1";
    r.charger.chargebox_id = "CB-1";
    r.charger.remote_address = "10.0.0.9:51234";
    r.charger.vendor = kHostile;
    r.charger.model = "P30 \xC3\xA9"; // é
    r.charger.serial = "SN-42";
    r.charger.firmware = "1.2.3\xFF"; // invalid UTF-8 from a sloppy charger
    r.charger.connectors = 2;
    r.charger.connectors_reported = {0, 1, 2};
    r.charger.security_profile = 1;
    r.charger.configuration = {{"HeartbeatInterval", "30"}, {"AuthorizationKey", kSecret}};

    Check tcp{"connection.tcp", "TCP connection arrived", Verdict::Pass, "from 10.0.0.9:51234", "", "", {}, {}};
    tcp.timings = {{"tcp-accept", 0.0}, {"upgrade", 12.5}};
    Check sub{"websocket.subprotocol",
              "WebSocket subprotocol ocpp1.6 offered",
              Verdict::Pass,
              "offered: ocpp1.6",
              "",
              "TC_088",
              {},
              {}};
    Check status{"ocpp.status",
                 "StatusNotification for every connector",
                 Verdict::Warn,
                 "connector 1: ConnectorLockFailure",
                 "Check the cable lock of connector 1 " + std::string(kHostile),
                 "",
                 {},
                 {}};
    Check boot{"ocpp.boot-payload",
               "BootNotification is schema-valid",
               passed ? Verdict::Pass : Verdict::Fail,
               passed ? "vendor " + std::string(kHostile) : "/chargePointVendor: missing",
               passed ? "" : "Set the vendor name ]]> in the charger's OCPP settings",
               "TC_001",
               {},
               {}};
    if (!passed) {
        boot.details = {"/chargePointVendor: required", std::string("/meterType: ") + kHostile};
    }
    Check charging{"charging.remote-start",
                   "RemoteStartTransaction accepted",
                   Verdict::Skipped,
                   "not requested (--charging-test)",
                   "",
                   "",
                   {},
                   {}};
    r.checks = {tcp, sub, status, boot, charging};

    r.capture.add({ocpp::DateTime::from_unix_ms(1767225600200), true,
                   R"([2,"1","BootNotification",{"chargePointVendor":"KEBA","chargePointModel":"P30"}])"});
    r.capture.add({ocpp::DateTime::from_unix_ms(1767225600210), false,
                   R"([3,"1",{"status":"Accepted","currentTime":"2026-01-01T00:00:00.210Z","interval":30}])"});
    if (passed) {
        r.claim_code = "7KQF-3M9X-TR";
        r.claim_expires = ocpp::DateTime::from_unix_ms(1767830400000);
    }
    return r;
}

} // namespace tester::test

// Reading scenarios: every step type, and errors that name file, line and column.
#include <gtest/gtest.h>

#include "simulator/scenario/parse.hpp"
#include "simulator/scenario/report.hpp"
#include "simulator/scenario/steps/registry.hpp"

namespace {

using namespace scen;

const char* const kFull = R"(name: everything
description: one of each step
target: {url: "ws://127.0.0.1:9/ocpp", security_profile: 1, password: secret}
chargers: {count: 3, id: "CP-{index:03}"}
variables:
  tag: TAG-1
  connector: 1
steps:
  - connect
  - send: BootNotification
    payload: {chargePointVendor: ocppkit, chargePointModel: "1"}
    expect:
      result:
        status: Accepted
        interval: {range: [1, ~]}
        currentTime: {exists: true, regex: "^20"}
      capture: {interval: interval}
      max_latency_ms: 500
  - send: Authorize
    payload: {idTag: "${tag}"}
  - expect: {result: {idTagInfo.status: {equals: Accepted}}, within: 2}
  - expect_call: RemoteStartTransaction
    within: 5
    match: {idTag: "${tag}"}
    reply: {status: Accepted}
    delay: 0.5
  - wait: "${interval}"
  - repeat: 2
    until: {status: Accepted}
    steps:
      - set: {status: Accepted}
  - fault: malformed
  - fault: raw
    text: '[2,"x-1","BootNotification",{}]'
    expect: {error: [OccurenceConstraintViolation, OccurrenceConstraintViolation]}
  - fault: oversize
    bytes: 100000
  - expect_close: {within: 3, code: 1009}
  - reconnect: {password: wrong, refused: 401}
  - rest: POST /api/v1/idtags
    body: {idTag: "${tag}"}
    status: 201
  - disconnect
)";

TEST(Parse, ReadsEveryStepType) {
    auto s = parse_scenario(kFull, "full.yaml");
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->name, "everything");
    EXPECT_EQ(s->chargers, 3);
    EXPECT_EQ(charger_id(s->id_pattern, 7), "CP-007");
    EXPECT_EQ(s->target.security_profile, 1);
    EXPECT_EQ(s->variables.at("connector"), "1");
    EXPECT_EQ(s->variables.at("tag"), "\"TAG-1\"");
    ASSERT_EQ(s->steps.size(), 15u); // reconnect is a disconnect and a connect
    const Step& boot = s->steps[1];
    EXPECT_STREQ(kind_name(boot), "send");
    EXPECT_EQ(boot.pos.line, 10);
    EXPECT_EQ(boot.payload, R"({"chargePointVendor":"ocppkit","chargePointModel":"1"})");
    ASSERT_TRUE(boot.expect);
    ASSERT_EQ(boot.expect->match.size(), 4u);
    EXPECT_EQ(boot.expect->match[1].kind, Matcher::Kind::Range);
    EXPECT_EQ(boot.expect->match[1].min, 1.0);
    EXPECT_FALSE(boot.expect->match[1].max);
    EXPECT_EQ(boot.expect->max_latency_ms, 500.0);
    EXPECT_STREQ(kind_name(s->steps[4]), "expect_call");
    EXPECT_EQ(s->steps[4].delay_s, 0.5);
    EXPECT_EQ(s->steps[6].steps.size(), 1u);
    EXPECT_EQ(s->steps[6].until.size(), 1u);
    EXPECT_EQ(s->steps[8].expect->error_codes.size(), 2u);
    EXPECT_EQ(s->steps[9].bytes, 100000u);
    EXPECT_EQ(s->steps[10].code, 1009);
    EXPECT_STREQ(kind_name(s->steps[11]), "disconnect");
    EXPECT_STREQ(kind_name(s->steps[12]), "connect");
    EXPECT_EQ(s->steps[12].refused_status, 401);
    EXPECT_EQ(s->steps[13].method, "POST");
    EXPECT_EQ(s->steps[13].path, "/api/v1/idtags");
}

std::string error_of(const std::string& yaml) {
    auto s = parse_scenario(yaml, "bad.yaml");
    EXPECT_FALSE(s) << yaml;
    return s ? "" : s.error().message;
}

// The central-system role: listen:, accept, expect_call with where:, and the file steps; their mistakes.
TEST(Parse, CentralSystemRoleAndFileSteps) {
    auto s = parse_scenario("name: x\nrole: central_system\nlisten: \"ws://127.0.0.1:0/ocpp\"\nsteps:\n"
                            "  - accept: {within: 5, password: pw}\n"
                            "  - expect_call: StatusNotification\n    where: {connectorId: 1}\n"
                            "    match: {status: Reserved}\n"
                            "  - serve_file: fw\n    text: \"version=2\"\n    name: a.bin\n    status: 404\n"
                            "  - expect_download: fw\n"
                            "  - expect_upload: up\n    match: {size: {min: 1}}\n",
                            "cs.yaml");
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->role, Role::CentralSystem);
    EXPECT_EQ(s->listen, "ws://127.0.0.1:0/ocpp");
    ASSERT_EQ(s->steps.size(), 5u);
    EXPECT_EQ(s->steps[0].within_s, 5);
    EXPECT_EQ(*s->steps[0].password, "pw");
    ASSERT_EQ(s->steps[1].where.size(), 1u);
    EXPECT_EQ(s->steps[1].where[0].path, "connectorId");
    EXPECT_EQ(s->steps[1].expect->match.size(), 1u);
    EXPECT_EQ(s->steps[2].variable, "fw");
    EXPECT_EQ(s->steps[2].file_name, "a.bin");
    EXPECT_EQ(s->steps[2].status, 404);
    EXPECT_EQ(s->steps[3].variable, "fw");
    EXPECT_EQ(s->steps[4].variable, "up");
    EXPECT_EQ(parse_scenario("name: x\nsteps:\n  - accept\n", "x.yaml")->role, Role::Charger);

    const auto listen = parse_listen_url("ws://0.0.0.0:9000/ocpp/");
    ASSERT_TRUE(listen);
    EXPECT_EQ(listen->host, "0.0.0.0");
    EXPECT_EQ(listen->port, 9000);
    EXPECT_EQ(listen->path, "/ocpp");
    for (const char* bad :
         {"http://h:1/ocpp", "ws://h/ocpp", "ws://:1/ocpp", "ws://h:70000/ocpp", "ws://h:1/a?b", "wss://h/ocpp"}) {
        EXPECT_FALSE(parse_listen_url(bad)) << bad;
    }
    const auto secure = parse_listen_url("wss://127.0.0.1:0/ocpp");
    ASSERT_TRUE(secure);
    EXPECT_TRUE(secure->secure);
    EXPECT_EQ(secure->path, "/ocpp");
    EXPECT_FALSE(listen->secure);
    EXPECT_EQ(error_of("name: x\nlisten_tls: {cert: a.pem}\nsteps: [wait: 1]\n"),
              "bad.yaml:2:13: listen_tls: only for role: central_system");
    EXPECT_EQ(error_of("name: x\nrole: centralsystem\nsteps: [wait: 1]\n"),
              "bad.yaml:2:7: role: expected charger or central_system, got \"centralsystem\"");
    EXPECT_EQ(error_of("name: x\nlisten: \"ws://h:1/o\"\nsteps: [wait: 1]\n"),
              "bad.yaml:2:9: listen: only for role: central_system");
    EXPECT_EQ(
        error_of("name: x\nrole: central_system\nlisten: \"http://h:1/o\"\nsteps: [wait: 1]\n"),
        "bad.yaml:3:9: listen: expected ws://HOST:PORT/PATH or wss://HOST:PORT/PATH (port 0 picks a free one), got "
        "\"http://h:1/o\"");
    EXPECT_EQ(error_of("name: x\nsteps:\n  - serve_file: fw\n"),
              "bad.yaml:3:5: serve_file: give text: (the content) or file: (a path), one of them");
    EXPECT_EQ(error_of("name: x\nsteps:\n  - serve_file: fw\n    text: a\n    file: b\n"),
              "bad.yaml:3:5: serve_file: give text: (the content) or file: (a path), one of them");
    EXPECT_NE(
        error_of("name: x\nsteps:\n  - serve_file: fw\n    file: /nonexistent/fw.bin\n").find("bad.yaml:4:11: file: "),
        std::string::npos);
    EXPECT_EQ(error_of("name: x\nsteps:\n  - serve_file: fw\n    text: a\n    name: a/b\n"),
              "bad.yaml:5:11: name: expected a file name without '/'");
    EXPECT_EQ(error_of("name: x\nsteps:\n  - expect_upload: up\n    size: 3\n"),
              "bad.yaml:4:5: unknown key \"size\" in expect_upload step (allowed: capture, expect_upload, match, name, "
              "within)");
    EXPECT_EQ(error_of("name: x\nsteps:\n  - expect_call: X\n    where: 3\n"),
              "bad.yaml:4:12: where: expected a mapping of paths to matchers");
}

// Security profile 3: the charger connects with target.cert/key; `certificate: none` leaves it out and
// `refused: tls` expects the TLS handshake to fail.
TEST(Parse, ConnectWithoutTheCertificateExpectingATlsRefusal) {
    auto s = parse_scenario("name: x\ntarget: {url: \"wss://h/ocpp\", security_profile: 3, cert: c.pem, key: k.pem}\n"
                            "steps:\n  - connect\n  - connect: {certificate: none, refused: tls}\n"
                            "  - reconnect: {refused: 403}\n",
                            "sp3.yaml");
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->target.security_profile, 3);
    EXPECT_EQ(s->target.cert_file, "c.pem");
    EXPECT_EQ(s->target.key_file, "k.pem");
    ASSERT_EQ(s->steps.size(), 4u);
    EXPECT_FALSE(s->steps[0].without_certificate);
    EXPECT_FALSE(s->steps[0].refused_tls);
    EXPECT_TRUE(s->steps[1].without_certificate);
    EXPECT_TRUE(s->steps[1].refused_tls);
    EXPECT_EQ(s->steps[1].refused_status, 0);
    EXPECT_EQ(s->steps[3].refused_status, 403);
    EXPECT_FALSE(s->steps[3].refused_tls);
    EXPECT_EQ(error_of("name: x\nsteps:\n  - connect: {refused: ssl}\n"),
              "bad.yaml:3:24: refused: expected an HTTP status such as 401, or tls (the TLS handshake fails)");
    EXPECT_EQ(error_of("name: x\nsteps:\n  - connect: {certificate: other.pem}\n"),
              "bad.yaml:3:28: certificate: expected none (connect without the client certificate); the certificate "
              "itself is target.cert and target.key");
    EXPECT_EQ(error_of("name: x\nsteps:\n  - connect: {cert: other.pem}\n"),
              "bad.yaml:3:15: unknown key \"cert\" in connect (allowed: certificate, password, refused)");
}

// The parser and the runner know the step kinds only through the registry: every key it lists names a kind that
// parses and runs, and reconnect parses into a disconnect and a connect.
TEST(StepKinds, EveryKeyOfTheRegistryNamesAKindThatParsesAndRuns) {
    const std::string keys = step_kind_keys();
    EXPECT_EQ(keys, "connect, reconnect, disconnect, send, expect, expect_call, expect_close, wait, repeat, fault, "
                    "rest, expect_rest, set, accept, serve_file, expect_download, expect_upload, fetch, upload");
    std::size_t from = 0;
    while (from < keys.size()) {
        const auto comma = keys.find(", ", from);
        const std::string key = keys.substr(from, comma == std::string::npos ? std::string::npos : comma - from);
        const StepKind* kind = find_step_kind(key);
        ASSERT_NE(kind, nullptr) << key;
        EXPECT_EQ(std::string(kind->key), key);
        EXPECT_NE(kind->parse, nullptr) << key;
        EXPECT_NE(kind->run, nullptr) << key;
        from = comma == std::string::npos ? keys.size() : comma + 2;
    }
    EXPECT_EQ(find_step_kind("sned"), nullptr);
    EXPECT_EQ(find_step_kind(""), nullptr);
    EXPECT_NE(find_step_kind("repeat")->again, nullptr);
    EXPECT_NE(find_step_kind("expect_upload")->prepare, nullptr);
}

TEST(Parse, ErrorsNameFileLineAndColumn) {
    EXPECT_EQ(
        error_of("name: x\nsteps:\n  - connect\n  - sned: Heartbeat\n"),
        "bad.yaml:4:5: \"sned\" is not a step; a step starts with one of connect, reconnect, disconnect, "
        "send, expect, expect_call, expect_close, wait, repeat, fault, rest, expect_rest, set, accept, serve_file, "
        "expect_download, expect_upload, fetch, upload");
    EXPECT_EQ(error_of("name: x\nsteps:\n  - send: Heartbeat\n    paylod: {}\n"),
              "bad.yaml:4:5: unknown key \"paylod\" in send step (allowed: expect, payload, send, validate)");
    EXPECT_EQ(error_of("name: x\ntarget: {url: ws://h, profile: 1}\nsteps: [connect]\n"),
              "bad.yaml:2:23: unknown key \"profile\" in target (allowed: api, api_token, ca, cert, key, password, "
              "security_profile, url)");
    EXPECT_EQ(error_of("name: x\nsteps:\n  - wait: soon\n"), "bad.yaml:3:11: wait: expected a number, got \"soon\"");
    EXPECT_EQ(error_of("name: x\nsteps:\n  - send: Heartbeat\n    expect: {error: Nope}\n"),
              "bad.yaml:4:21: unknown CALLERROR code \"Nope\" (e.g. FormationViolation, NotImplemented)");
    EXPECT_EQ(error_of("name: x\nsteps:\n  - send: A\n    expect:\n      result: {a: {equal: 1}}\n"),
              "bad.yaml:5:20: unknown key \"equal\" in the matcher of a (allowed: absent, equals, exists, max, min, "
              "range, regex)");
    EXPECT_EQ(error_of("name: x\nsteps:\n  - fault: explode\n"),
              "bad.yaml:3:12: fault: expected malformed, raw, wrong_id, oversize or drop, got \"explode\"");
    EXPECT_EQ(error_of("name: x\nsteps: []\n"), "bad.yaml:2:8: steps: expected a list of at least one step");
    EXPECT_EQ(error_of("steps: [connect]\n"), "bad.yaml:1:1: the scenario needs a name:");
    // Errors of the YAML syntax itself carry the position yaml-cpp reports.
    EXPECT_EQ(error_of("name: x\nsteps:\n  - send: [Heartbeat\n").rfind("bad.yaml:", 0), 0u);
    EXPECT_NE(error_of("name: x\nsteps:\n  - send: {a: 1\n").find("bad.yaml:4:1: "), std::string::npos);
}

TEST(Report, LineNamesScenarioChargerStepAndBothSides) {
    ChargerResult r;
    r.scenario = "boot";
    r.file = "boot.yaml";
    r.charger = "CP-001";
    r.passed = false;
    r.failure = Failure{"3", {12, 5}, "expect", "a CALLRESULT", "CALLERROR NotImplemented \"no\""};
    EXPECT_EQ(result_line(r), "FAIL boot [CP-001] boot.yaml:12:5: step 3 (expect): expected a CALLRESULT; got "
                              "CALLERROR NotImplemented \"no\"");
    const std::string junit = to_junit({r});
    EXPECT_NE(junit.find(R"(<testcase classname="boot" name="CP-001" file="boot.yaml")"), std::string::npos);
    EXPECT_NE(junit.find(R"x(<failure message="boot.yaml:12:5: step 3 (expect)">)x"), std::string::npos);
    EXPECT_NE(junit.find("&quot;no&quot;"), std::string::npos);
    EXPECT_NE(to_json_report({r}).find(R"("line":12)"), std::string::npos);
}

} // namespace

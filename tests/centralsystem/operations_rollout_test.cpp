// Firmware roll-outs against the real binaries: ocpp-centralsystem serves an uploaded file to ocpp-simulator
// chargers with UpdateFirmware, at most `concurrency` at once, holds back a charger whose session runs until it
// ends, reports download failures (an unreachable download address) after the job's retries, and shows the
// firmware version each charger booted with. Bad inputs get a 422 naming the field and store nothing.
#include <set>
#include <thread>

#include "tests/centralsystem/controlled_charger.hpp"
#include "tests/centralsystem/cs_binary.hpp"
#include "tests/support/net_support.hpp"
#include "tests/support/run_binary.hpp"

namespace {

using namespace cs::test;

class OperationsRollout : public CentralSystemBinary {
protected:
    void SetUp() override {
        CentralSystemBinary::SetUp();
        restart({"--auto-register"});
    }
    void TearDown() override {
        sim_.reset();
        CentralSystemBinary::TearDown();
    }
    // `n` simulated chargers RO000001.. with one connector, no sessions of their own.
    void start_chargers(int n) {
        sim_ = std::make_unique<ChildProcess>(
            kBin + "/ocpp-simulator",
            std::vector<std::string>{"run", "--url", "ws://127.0.0.1:" + std::to_string(port_) + "/ocpp", "--chargers",
                                     std::to_string(n), "--connectors", "1", "--id-prefix", "RO", "--password",
                                     "ro-password-1", "--duration", "180", "--sessions-per-hour", "0",
                                     "--heartbeat-interval", "5", "--session-minutes", "30,30,30"},
            base_ + ".sim.log");
    }
    int connected() {
        const auto d = parse_json(api("GET", "/api/v1/chargers?q=RO").body);
        int n = 0;
        if (d.IsObject() && d.HasMember("chargers")) {
            for (const auto& c : d["chargers"].GetArray()) {
                n += c["connected"].GetBool() ? 1 : 0;
            }
        }
        return n;
    }
    std::string upload(const std::string& name, const std::string& content) {
        const auto r = api("POST", "/api/v1/rollouts/files?name=" + name, content);
        EXPECT_EQ(r.status, 201) << r.body;
        const auto d = parse_json(r.body);
        return std::to_string(d["file"]["id"].GetInt64());
    }
    rapidjson::Document job(const std::string& id) { return parse_json(api("GET", "/api/v1/rollouts/" + id).body); }
    static int count(const rapidjson::Document& job, const std::string& status) {
        const auto& c = job["rollout"]["counts"];
        return c.HasMember(status.c_str()) ? c[status.c_str()].GetInt() : 0;
    }
    static std::string status_of(const rapidjson::Document& job, const std::string& id) {
        for (const auto& c : job["rollout"]["chargers"].GetArray()) {
            if (c["chargeBoxId"].GetString() == id) {
                return c["status"].GetString();
            }
        }
        return "";
    }
    static std::string id_of(int i) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "RO%06d", i);
        return buf;
    }
    std::unique_ptr<ChildProcess> sim_;
};

TEST_F(OperationsRollout, FiftyChargersTwoFailingDownloadOneChargingUntilItsSessionEnds) {
    const int n = 50;
    // The charging charger is in operation (a planned one gets no sessions): made and commissioned first.
    create_charger(id_of(1), "ro-password-1");
    commission_charger(id_of(1));
    start_chargers(n);
    ASSERT_TRUE(wait_until([&] { return connected() == n; }, 60s)) << connected() << " connected";
    const auto started = api("POST", "/api/v1/chargers/" + id_of(1) + "/commands/RemoteStartTransaction",
                             R"({"idTag":"SIM-TAG-1","connectorId":1})");
    ASSERT_EQ(started.status, 200) << started.body;
    ASSERT_TRUE(wait_until(
        [&] {
            const auto t = transactions(id_of(1));
            return t.IsObject() && t.HasMember("transactions") && t["transactions"].Size() == 1;
        },
        20s));

    const std::string file = upload("fw-2.0.0.bin", "version=2.0.0\nthe new firmware\n");
    std::string ok_list, fail_list;
    for (int i = 1; i <= n; ++i) {
        std::string& list = i > n - 2 ? fail_list : ok_list;
        list += (list.empty() ? "\"" : ",\"") + id_of(i) + "\"";
    }
    // Two chargers download from an address where nothing listens: DownloadFailed, sent again once (retries 1).
    const auto failing = api("POST", "/api/v1/rollouts",
                             R"({"fileId":)" + file + R"(,"chargers":[)" + fail_list +
                                 R"(],"retries":1,"retryInterval":1,"downloadBase":"http://127.0.0.1:1"})");
    ASSERT_EQ(failing.status, 201) << failing.body;
    // No retries: every download from our own file server succeeds at the first attempt, the first eight together
    // included (they once each queued a read of the file, and what the busy pool refused failed).
    const auto created = api("POST", "/api/v1/rollouts",
                             R"({"fileId":)" + file + R"(,"chargers":[)" + ok_list + R"(],"concurrency":8})");
    ASSERT_EQ(created.status, 201) << created.body;
    const std::string good = std::to_string(parse_json(created.body)["rollout"]["id"].GetInt64());
    const std::string bad = std::to_string(parse_json(failing.body)["rollout"]["id"].GetInt64());

    // Never more than 8 in progress; every charger but the charging one installs.
    int most_active = 0;
    ASSERT_TRUE(wait_until(
        [&] {
            const auto j = job(good);
            int active = 0;
            for (const char* s : {"sent", "Downloading", "Downloaded", "Installing"}) {
                active += count(j, s);
            }
            most_active = std::max(most_active, active);
            return count(j, "Installed") == n - 3;
        },
        120s, 50ms))
        << api("GET", "/api/v1/rollouts/" + good).body;
    EXPECT_LE(most_active, 8);
    auto j = job(good);
    EXPECT_EQ(status_of(j, id_of(1)), "busy-charging");
    for (const auto& c : j["rollout"]["chargers"].GetArray()) {
        if (std::string(c["status"].GetString()) == "Installed") {
            EXPECT_EQ(std::string(c["firmwareVersion"].GetString()), "2.0.0") << c["chargeBoxId"].GetString();
            EXPECT_EQ(c["attempts"].GetInt(), 1) << c["chargeBoxId"].GetString();
        }
    }
    // The failing pair: DownloadFailed after two attempts each.
    ASSERT_TRUE(wait_until(
        [&] { return count(job(bad), "DownloadFailed") == 2 && job(bad)["rollout"]["state"] == "done"; }, 60s))
        << api("GET", "/api/v1/rollouts/" + bad).body;
    for (const auto& c : job(bad)["rollout"]["chargers"].GetArray()) {
        EXPECT_EQ(c["attempts"].GetInt(), 2);
    }

    // The session ends: the charging charger is updated then.
    const auto t = transactions(id_of(1));
    const auto tx = t["transactions"][0]["transactionId"].GetInt64();
    ASSERT_EQ(api("POST", "/api/v1/chargers/" + id_of(1) + "/commands/RemoteStopTransaction",
                  R"({"transactionId":)" + std::to_string(tx) + "}")
                  .status,
              200);
    ASSERT_TRUE(wait_until([&] { return status_of(job(good), id_of(1)) == "Installed"; }, 60s))
        << api("GET", "/api/v1/rollouts/" + good).body;
    ASSERT_TRUE(wait_until([&] { return job(good)["rollout"]["state"] == "done"; }, 10s));
}

TEST_F(OperationsRollout, FiftyDownloadsAtOnceOfAFileNotYetInMemoryAllGetIt) {
    // A job's first downloads find the file on disk only: however many ask together, each gets the whole file (one
    // read serves them all; they used to queue a read each, and what the busy pool refused got a 503).
    create_charger(id_of(1), "ro-password-1");
    std::string content;
    for (int i = 0; content.size() < 4 * 1024 * 1024; ++i) {
        content += "firmware block " + std::to_string(i) + "\n";
    }
    const std::string file = upload("fw-big.bin", content);
    const auto r =
        api("POST", "/api/v1/rollouts",
            R"({"fileId":)" + file + R"(,"chargers":[")" + id_of(1) + R"("],"startAt":"2100-01-01T00:00:00Z"})");
    ASSERT_EQ(r.status, 201) << r.body;
    const std::string location = parse_json(r.body)["rollout"]["location"].GetString();
    const std::string path = location.substr(location.find("/files/rollouts/"));
    std::vector<std::thread> downloads;
    std::vector<int> statuses(50, 0);
    std::vector<std::size_t> sizes(50, 0);
    for (int i = 0; i < 50; ++i) {
        downloads.emplace_back([&, i] {
            const auto got = raw("GET", path);
            statuses[i] = got.status;
            sizes[i] = got.body.size();
        });
    }
    for (auto& t : downloads) {
        t.join();
    }
    for (int i = 0; i < 50; ++i) {
        EXPECT_EQ(statuses[i], 200) << "download " << i;
        EXPECT_EQ(sizes[i], content.size()) << "download " << i;
    }
}

TEST_F(OperationsRollout, ACancelledJobSendsNoMoreAndTheFileIsServedOnlyWithItsToken) {
    start_chargers(4);
    ASSERT_TRUE(wait_until([&] { return connected() == 4; }, 30s));
    const std::string file = upload("fw-3.bin", "version=3\n");
    // Starts in an hour: nothing is sent before, and cancelling means nothing ever is.
    const auto r = api("POST", "/api/v1/rollouts",
                       R"({"fileId":)" + file + R"(,"chargers":[")" + id_of(1) + R"(",")" + id_of(2) +
                           R"("],"startAt":"2100-01-01T00:00:00Z"})");
    ASSERT_EQ(r.status, 201) << r.body;
    const auto d = parse_json(r.body);
    const std::string id = std::to_string(d["rollout"]["id"].GetInt64());
    const std::string location = d["rollout"]["location"].GetString();
    const std::string path = location.substr(location.find("/files/rollouts/"));
    EXPECT_EQ(raw("GET", path).status, 200);
    EXPECT_EQ(raw("GET", path).body, "version=3\n");
    std::string wrong = path;
    wrong[16] = wrong[16] == 'a' ? 'b' : 'a';
    EXPECT_EQ(raw("GET", wrong).status, 404);
    EXPECT_EQ(raw("GET", "/files/rollouts/short").status, 404);
    const auto cancelled = api("POST", "/api/v1/rollouts/" + id + "/cancel");
    ASSERT_EQ(cancelled.status, 200) << cancelled.body;
    EXPECT_EQ(count(parse_json(cancelled.body), "cancelled"), 2);
    EXPECT_EQ(api("POST", "/api/v1/rollouts/" + id + "/cancel").status, 409);
    // A cancelled job's token serves the file no longer.
    EXPECT_EQ(raw("GET", path).status, 404);
    std::this_thread::sleep_for(2s);
    EXPECT_EQ(count(job(id), "cancelled"), 2);
    EXPECT_EQ(job(id)["rollout"]["state"], "cancelled");
}

TEST_F(OperationsRollout, AChargerThatStaysOfflineEndsUnreachableAndTheJobEnds) {
    start_chargers(2);
    ASSERT_TRUE(wait_until([&] { return connected() == 2; }, 30s));
    sim_.reset(); // both known, neither connected
    ASSERT_TRUE(wait_until([&] { return connected() == 0; }, 30s));
    const std::string file = upload("fw-4.bin", "version=4\n");
    // Offline counts as an attempt: with one retry a charger is tried twice, then ends unreachable.
    const auto r = api("POST", "/api/v1/rollouts",
                       R"({"fileId":)" + file + R"(,"chargers":[")" + id_of(1) + R"(",")" + id_of(2) +
                           R"("],"retries":1,"retryInterval":1})");
    ASSERT_EQ(r.status, 201) << r.body;
    const auto d = parse_json(r.body);
    const std::string id = std::to_string(d["rollout"]["id"].GetInt64());
    const std::string location = d["rollout"]["location"].GetString();
    ASSERT_TRUE(wait_until([&] { return count(job(id), "unreachable") == 2; }, 20s))
        << api("GET", "/api/v1/rollouts/" + id).body;
    ASSERT_TRUE(wait_until([&] { return job(id)["rollout"]["state"] == "done"; }, 10s));
    // An ended job serves its file no longer.
    EXPECT_EQ(raw("GET", location.substr(location.find("/files/rollouts/"))).status, 404);
}

TEST_F(OperationsRollout, AChargerUpdatingInOneJobIsNotSentAnothersFirmware) {
    ControlledCharger charger(port_, "RX000001", "rx-password-1");
    ASSERT_TRUE(charger.start()) << charger.error();
    charger.answer("UpdateFirmware", {ControlledCharger::Answer::Result, "{}", ""}); // and never reports a status
    create_charger(id_of(1), "ro-password-1");
    const std::string file = upload("fw-5.bin", "version=5\n");
    const std::string body = R"({"fileId":)" + file + R"(,"chargers":["RX000001"]})";
    const auto first = api("POST", "/api/v1/rollouts", body);
    ASSERT_EQ(first.status, 201) << first.body;
    const std::string a = std::to_string(parse_json(first.body)["rollout"]["id"].GetInt64());
    ASSERT_TRUE(wait_until([&] { return status_of(job(a), "RX000001") == "sent"; }, 10s));
    const auto second = api("POST", "/api/v1/rollouts", body);
    ASSERT_EQ(second.status, 201) << second.body;
    const std::string b = std::to_string(parse_json(second.body)["rollout"]["id"].GetInt64());
    std::this_thread::sleep_for(3s);
    EXPECT_EQ(status_of(job(b), "RX000001"), "queued");
    EXPECT_EQ(charger.calls("UpdateFirmware"), 1);
    // The job list counts the chargers per status, newest job first.
    const auto list = parse_json(api("GET", "/api/v1/rollouts").body);
    ASSERT_EQ(list["rollouts"].Size(), 2u);
    EXPECT_EQ(list["rollouts"][0]["counts"]["queued"], 1);
    EXPECT_EQ(list["rollouts"][1]["counts"]["sent"], 1);
}

TEST_F(OperationsRollout, EveryBadInputNamesItsFieldAndStoresNothing) {
    start_chargers(1);
    ASSERT_TRUE(wait_until([&] { return connected() == 1; }, 30s));
    const std::string file = upload("fw.bin", "version=1\n");
    const std::string c = R"("chargers":[")" + id_of(1) + R"("])";
    const std::vector<std::pair<std::string, std::string>> cases = {
        {R"({"chargers":[")" + id_of(1) + R"("]})", "fileId"},
        {R"({"fileId":0,)" + c + "}", "fileId"},
        {R"({"fileId":"1",)" + c + "}", "fileId"},
        {R"({"fileId":999,)" + c + "}", "fileId"},
        {R"({"fileId":)" + file + "}", "chargers"},
        {R"({"fileId":)" + file + R"(,"chargers":[]})", "chargers"},
        {R"({"fileId":)" + file + R"(,"chargers":"all"})", "chargers"},
        {R"({"fileId":)" + file + R"(,"chargers":[1]})", "chargers/0"},
        {R"({"fileId":)" + file + R"(,"chargers":["bad id"]})", "chargers/0"},
        {R"({"fileId":)" + file + R"(,"chargers":["NOBODY"]})", "chargers/0"},
        {R"({"fileId":)" + file + R"(,"chargers":[")" + id_of(1) + R"(",")" + id_of(1) + R"("]})", "chargers/1"},
        {R"({"fileId":)" + file + "," + c + R"(,"concurrency":0})", "concurrency"},
        {R"({"fileId":)" + file + "," + c + R"(,"concurrency":1001})", "concurrency"},
        {R"({"fileId":)" + file + "," + c + R"(,"retries":11})", "retries"},
        {R"({"fileId":)" + file + "," + c + R"(,"retryInterval":0})", "retryInterval"},
        {R"({"fileId":)" + file + "," + c + R"(,"timeoutSeconds":5})", "timeoutSeconds"},
        {R"({"fileId":)" + file + "," + c + R"(,"ocppRetries":-1})", "ocppRetries"},
        {R"({"fileId":)" + file + "," + c + R"(,"ocppRetryInterval":0})", "ocppRetryInterval"},
        {R"({"fileId":)" + file + "," + c + R"(,"force":"yes"})", "force"},
        {R"({"fileId":)" + file + "," + c + R"(,"startAt":"tomorrow"})", "startAt"},
        {R"({"fileId":)" + file + "," + c + R"(,"downloadBase":"ftp://x"})", "downloadBase"},
        {R"({"fileId":)" + file + "," + c + R"(,"colour":"red"})", "colour"},
    };
    for (const auto& [body, field] : cases) {
        const auto r = api("POST", "/api/v1/rollouts", body);
        EXPECT_EQ(r.status, 422) << body << " -> " << r.body;
        const auto d = parse_json(r.body);
        ASSERT_TRUE(d.IsObject() && d.HasMember("field")) << r.body;
        EXPECT_EQ(std::string(d["field"].GetString()), field) << body;
    }
    EXPECT_EQ(parse_json(api("GET", "/api/v1/rollouts").body)["rollouts"].Size(), 0u);
    // Files: empty, too long a name, too large.
    EXPECT_EQ(parse_json(api("POST", "/api/v1/rollouts/files", "").body)["field"], "file");
    EXPECT_EQ(parse_json(api("POST", "/api/v1/rollouts/files?name=" + std::string(101, 'n'), "x").body)["field"],
              "name");
    EXPECT_EQ(api("POST", "/api/v1/rollouts/files", std::string(8 * 1024 * 1024 + 1, 'x')).status, 413);
    EXPECT_EQ(parse_json(api("GET", "/api/v1/rollouts/files").body)["files"].Size(), 1u);
    // Diagnostics.
    const std::string diag = "/api/v1/chargers/" + id_of(1) + "/diagnostics";
    for (const auto& [body, field] : std::vector<std::pair<std::string, std::string>>{
             {R"({"startTime":"now"})", "startTime"},
             {R"({"stopTime":5})", "stopTime"},
             {R"({"startTime":"2030-01-02T00:00:00Z","stopTime":"2030-01-01T00:00:00Z"})", "stopTime"},
             {R"({"retries":11})", "retries"},
             {R"({"retryInterval":0})", "retryInterval"},
             {R"({"ftp":"http://host/"})", "ftp"},
             {R"({"why":1})", "why"}}) {
        const auto r = api("POST", diag, body);
        EXPECT_EQ(r.status, 422) << body << " -> " << r.body;
        EXPECT_EQ(parse_json(r.body)["field"], field.c_str()) << body;
    }
    EXPECT_EQ(parse_json(api("GET", diag).body)["diagnostics"].Size(), 0u);
    EXPECT_EQ(api("GET", "/api/v1/data-transfers?limit=1001").status, 400);
    EXPECT_EQ(api("GET", "/api/v1/rollouts/0").status, 400);
}

TEST_F(OperationsRollout, AJobMadeOverTlsHandsOutAnHttpsAddressAndOneMadeOverPlainHttpAnHttpOne) {
    std::string error;
    const auto* pki = ocppkit::test::TestPki::get(&error);
    ASSERT_NE(pki, nullptr) << error;
    const auto tls_port = free_port();
    restart({"--auto-register", "--tls-listen", "127.0.0.1:" + std::to_string(tls_port), "--tls-cert",
             pki->server_ec_cert, "--tls-key", pki->server_ec_key});
    create_charger(id_of(1), "ro-password-1");
    const std::string file = upload("fw-5.bin", "version=5\n");
    const std::string body =
        R"({"fileId":)" + file + R"(,"chargers":[")" + id_of(1) + R"("],"startAt":"2100-01-01T00:00:00Z"})";
    // The same request through the TLS listener (a real TLS client, verifying the server against the test CA).
    const auto over_tls = ocppkit::test::run_binary(
        "/usr/bin/curl", {"-sS", "--max-time", "10", "--cacert", pki->ca_cert, "-H", "Authorization: Bearer " + kToken,
                          "-H", "Content-Type: application/json", "-d", body,
                          "https://127.0.0.1:" + std::to_string(tls_port) + "/api/v1/rollouts"});
    ASSERT_EQ(over_tls.exit_code, 0) << over_tls.output;
    const auto tls_job = parse_json(over_tls.output);
    ASSERT_TRUE(tls_job.IsObject() && tls_job.HasMember("rollout")) << over_tls.output;
    const std::string tls_location = tls_job["rollout"]["location"].GetString();
    EXPECT_EQ(tls_location.rfind("https://127.0.0.1:" + std::to_string(tls_port) + "/files/rollouts/", 0), 0u)
        << tls_location;
    const auto plain = api("POST", "/api/v1/rollouts", body);
    ASSERT_EQ(plain.status, 201) << plain.body;
    const std::string plain_location = parse_json(plain.body)["rollout"]["location"].GetString();
    EXPECT_EQ(plain_location.rfind("http://127.0.0.1:" + std::to_string(port_) + "/files/rollouts/", 0), 0u)
        << plain_location;
}

} // namespace

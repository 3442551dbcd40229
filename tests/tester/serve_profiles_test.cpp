// The optional profile groups through `ocpp-tester serve`: chosen per test in the REST API (or by the service's
// --profiles default), refused by name when unknown, and reported as "not supported by this charger" for a charger
// that does not declare them.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "check_support.hpp"
#include "profile_charger.hpp"
#include "serve_binary.hpp"
#include "tester/serve/command.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/loop_thread.hpp"
#include "tests/support/raw_ws.hpp"
#include "tests/support/wait.hpp"
#include "tiny_charger.hpp"

using namespace tester::test;
using namespace ocppkit::test;

namespace {

std::vector<std::string> names(const rapidjson::Value& array) {
    std::vector<std::string> out;
    for (const auto& v : array.GetArray()) {
        out.emplace_back(v.GetString());
    }
    return out;
}

TEST_F(ServeBinary, UnknownProfilesAreRefusedWithTheNameAndTheValidOnes) {
    ASSERT_NO_FATAL_FAILURE(start());
    const std::pair<std::string, std::string> cases[] = {
        {R"({"chargeBoxId":"CB-1","profiles":["trigger","firmwar"]})",
         "profiles: unknown profile \"firmwar\"; valid: smart-charging, local-list, reservation, trigger, firmware, "
         "security"},
        {R"({"chargeBoxId":"CB-1","profiles":"trigger"})", "profiles must be a list of names"},
        {R"({"chargeBoxId":"CB-1","profiles":[1]})", "profiles must be a list of names"},
        {R"({"chargeBoxId":"CB-1","profiles":[""]})", "got an empty one"},
    };
    for (const auto& [body, says] : cases) {
        const auto r = post_test(body);
        EXPECT_EQ(r.status, 422) << body << " -> " << r.body;
        const auto doc = json(r.body);
        EXPECT_EQ(str(doc, "field"), "profiles") << r.body;
        EXPECT_NE(str(doc, "error").find(says), std::string::npos) << r.body;
    }
}

TEST_F(ServeBinary, ChosenProfilesRunAndUndeclaredOnesAreNotSupported) {
    ASSERT_NO_FATAL_FAILURE(start({"--profiles", "smart-charging"}));
    const auto defaulted = post_test(R"({"chargeBoxId":"CB-DEFAULT"})");
    ASSERT_EQ(defaulted.status, 201) << defaulted.body;
    EXPECT_EQ(names(json(defaulted.body)["profiles"]), std::vector<std::string>{"smart-charging"});

    const auto created = post_test(R"({"chargeBoxId":"CB-PROFILES","profiles":["reservation","trigger"]})");
    ASSERT_EQ(created.status, 201) << created.body;
    const auto c = json(created.body);
    EXPECT_EQ(names(c["profiles"]), (std::vector<std::string>{"reservation", "trigger"}));
    const std::string id = str(c, "id"), url = str(c, "url"), password = str(c, "password");

    LoopThread lt;
    auto schemas = ocpp::validation::Registry::v16();
    ASSERT_TRUE(schemas);
    ocpp::Logger quiet(ocpp::LogLevel::Warn);
    std::shared_ptr<TinyCharger> charger;
    lt.call([&] {
        charger = TinyCharger::create(lt.loop(), *schemas, quiet);
        charger->connect({url, "CB-PROFILES", password, 2});
    });
    std::string body;
    const bool done = wait_until(
        [&] {
            body = http(port_, "GET", "/api/v1/tests/" + id).body;
            const auto s = json(body);
            return s.IsObject() && str(s, "state") != "waiting" && str(s, "state") != "running";
        },
        40s, 100ms);
    lt.call([&] { charger->stop(); });
    ASSERT_TRUE(done) << body << logs();
    const auto state = json(body);
    std::map<std::string, std::pair<std::string, std::string>> checks;
    for (const auto& check : state["checks"].GetArray()) {
        checks[str(check, "id")] = {str(check, "verdict"), str(check, "seen")};
    }
    // The tiny charger declares Core and RemoteTrigger only.
    EXPECT_EQ(checks["reservation.reserve"].first, "skipped");
    EXPECT_NE(checks["reservation.reserve"].second.find("not supported by this charger"), std::string::npos);
    EXPECT_EQ(checks["reservation.cancel"].first, "skipped");
    EXPECT_NE(checks["trigger.status_notification"].first, "skipped") << checks["trigger.status_notification"].second;
    EXPECT_NE(checks["trigger.heartbeat"].first, "skipped");
    EXPECT_EQ(checks.count("smart_charging.set_profile"), 0u) << "the service default is not added to a choice";
}

TEST_F(ServeBinary, TheFirmwareGroupServesItsFileAndTakesTheUploadOnTheServicePort) {
    ASSERT_NO_FATAL_FAILURE(start());
    const auto created = post_test(R"({"chargeBoxId":"CB-FW","profiles":["firmware"]})");
    ASSERT_EQ(created.status, 201) << created.body;
    const auto c = json(created.body);
    const std::string id = str(c, "id");
    ProfileFaults faults;
    faults.restart_after_install = true; // as a real charger does; serve waits up to 90 s for it otherwise
    faults.upload_bytes = 3 << 20;       // a real diagnostics file, far above the API's 64 KiB request limit
    ChargerThread charger;
    charger.run(str(c, "url"), basic("CB-FW", str(c, "password")), profile_script(faults));
    std::string body;
    const bool done = wait_until(
        [&] {
            body = http(port_, "GET", "/api/v1/tests/" + id).body;
            const auto s = json(body);
            return s.IsObject() && str(s, "state") != "waiting" && str(s, "state") != "running";
        },
        40s, 100ms);
    ASSERT_TRUE(done) << body << logs();
    const auto state = json(body);
    EXPECT_EQ(str(state, "state"), "passed") << body;
    for (const auto& check : state["checks"].GetArray()) {
        if (str(check, "id").rfind("firmware.", 0) == 0) {
            EXPECT_EQ(str(check, "verdict"), "pass") << str(check, "id") << ": " << str(check, "seen");
        }
    }
    EXPECT_NE(body.find("3145728 bytes by PUT from 127.0.0.1:"), std::string::npos) << body;
    EXPECT_EQ(http(port_, "POST", "/api/v1/tests", std::string(70 * 1024, ' ')).status, 413)
        << "other requests keep their limit";
    EXPECT_EQ(*faults.fetched, "version=1.2.3+ocppkit-test\n");
    EXPECT_EQ(http(port_, "GET", "/files/notatoken/firmware.txt").status, 404) << "nothing else is served there";
}

TEST_F(ServeBinary, LargeBodiesAreRefusedBeforeTheyAreReadUnlessATestTakesAnUploadThere) {
    ASSERT_NO_FATAL_FAILURE(start());
    // Strangers announce 16 MiB bodies at once, to the API and to made-up upload paths, and send none of it: each is
    // refused at once, so the service holds none of them (before, each connection waited for its 16 MiB).
    std::vector<int> fds;
    for (int i = 0; i < 24; ++i) {
        const std::string target = i % 2 == 0 ? "/api/v1/tests" : "/files/" + std::string(32, 'a') + "/diag.log";
        const int fd = connect_raw(port_);
        ASSERT_GE(fd, 0);
        send_all(fd, "PUT " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 16000000\r\n\r\n");
        fds.push_back(fd);
    }
    for (const int fd : fds) {
        const std::string answer = receive(fd, "\r\n\r\n", 3s);
        EXPECT_EQ(status_of(answer), 413) << answer;
        close_fd(fd);
    }
    EXPECT_EQ(http(port_, "GET", "/healthz").status, 200) << logs();
}

TEST(ServeCommandLine, ParsesProfiles) {
    auto parse = [](std::vector<std::string> args) {
        std::vector<char*> v;
        for (auto& a : args) {
            v.push_back(a.data());
        }
        return tester::parse_serve_options(static_cast<int>(v.size()), v.data());
    };
    auto ok = parse({"serve", "--listen", "127.0.0.1:0", "--profiles", "trigger,smart-charging"});
    ASSERT_TRUE(ok) << ok.error().message;
    EXPECT_EQ(ok->profiles, (std::vector<std::string>{"smart-charging", "trigger"}));
    auto bad = parse({"serve", "--listen", "127.0.0.1:0", "--profiles", "reservations"});
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().message, "--profiles: unknown profile \"reservations\"; valid: smart-charging, local-list, "
                                   "reservation, trigger, firmware, security");
}

} // namespace

// Load management between the real ocpp-centralsystem and real ocpp-simulator chargers: every charger of a site gets
// the fail-safe TxDefaultProfile when it boots, the site's limit is shared among the running sessions through starts
// and stops (the sum of the limits the chargers accepted never above the site's limit, their metered power under
// it), and a charger that goes offline keeps its limit reserved while the others are re-balanced.
#include <csignal>

#include "tests/centralsystem/cs_binary.hpp"

namespace {

using namespace cs::test;

const std::string kPassword = "lm-password-123";

class Sites : public CentralSystemBinary {
protected:
    // Chargers <prefix>000001.. registered, commissioned (32 A per phase) and put on a new site; its id.
    std::int64_t make_site(const std::string& prefix, int chargers, double limit_a) {
        std::string ids;
        for (int i = 1; i <= chargers; ++i) {
            char id[32];
            std::snprintf(id, sizeof id, "%s%06d", prefix.c_str(), i);
            create_charger(id, kPassword);
            commission_charger(id);
            ids += std::string(ids.empty() ? "" : ",") + "\"" + id + "\"";
        }
        const auto r = api("POST", "/api/v1/sites",
                           R"({"name":"Depot )" + prefix + R"(","limit":)" + std::to_string(limit_a) +
                               R"(,"minSessionCurrent":6,"failsafeCurrent":8,"chargers":[)" + ids + "]}");
        EXPECT_EQ(r.status, 201) << r.body;
        return parse_json(r.body)["id"].GetInt64();
    }
    std::unique_ptr<ChildProcess> run_sim(const std::string& prefix, int chargers, int seconds,
                                          const std::string& minutes, const std::string& log) {
        return std::make_unique<ChildProcess>(
            kBin + "/ocpp-simulator",
            std::vector<std::string>{"run",
                                     "--password",
                                     kPassword,
                                     "--url",
                                     "ws://127.0.0.1:" + std::to_string(port_) + "/ocpp",
                                     "--chargers",
                                     std::to_string(chargers),
                                     "--connectors",
                                     "1",
                                     "--id-prefix",
                                     prefix,
                                     "--duration",
                                     std::to_string(seconds),
                                     "--heartbeat-interval",
                                     "5",
                                     "--meter-interval",
                                     "1",
                                     "--sessions-per-hour",
                                     "3600",
                                     "--session-minutes",
                                     minutes,
                                     "--power-kw",
                                     "22",
                                     "--seed",
                                     "7"},
            log);
    }
    rapidjson::Document site(std::int64_t id) {
        const auto r = api("GET", "/api/v1/sites/" + std::to_string(id));
        EXPECT_EQ(r.status, 200) << r.body;
        return parse_json(r.body);
    }
};

TEST_F(Sites, TheLimitIsSharedThroughStartsAndStopsAndNeverExceeded) {
    const double limit = 40;
    const auto id = make_site("LMA", 4, limit);
    auto sim = run_sim("LMA", 4, 40, "0.15,0.25,0.35", base_ + ".sim.log");
    int polls = 0, shared = 0, metered = 0, most_sessions = 0;
    std::set<std::int64_t> transactions;
    const auto until = std::chrono::steady_clock::now() + 38s;
    while (std::chrono::steady_clock::now() < until) {
        auto s = site(id);
        ASSERT_TRUE(s.HasMember("live"));
        const auto& live = s["live"];
        ++polls;
        EXPECT_LE(live["limitsSumA"].GetDouble(), limit + 1e-6) << "poll " << polls;
        double power = 0, limits = 0;
        bool all_metered = live["sessions"].Size() > 0;
        for (const auto& x : live["sessions"].GetArray()) {
            transactions.insert(x["transactionId"].GetInt64());
            if (!x["limitA"].IsNull()) {
                limits += x["limitA"].GetDouble();
            }
            if (x["powerW"].IsNull()) {
                all_metered = false;
            } else {
                power += x["powerW"].GetDouble();
            }
            if (x["targetA"].GetDouble() > 0 && x["targetA"].GetDouble() < 32) {
                ++shared;
            }
        }
        EXPECT_LE(limits, limit + 1e-6);
        most_sessions = std::max<int>(most_sessions, static_cast<int>(live["sessions"].Size()));
        if (all_metered) {
            ++metered;
            // The simulator draws what its profiles allow: the site's metered power stays under its limit (3 x 230 V)
            // but for a sample taken just before a lowering was applied.
            EXPECT_LE(power, limit * 230 * 3 * 1.25) << "poll " << polls;
        }
        std::this_thread::sleep_for(200ms);
    }
    EXPECT_GE(most_sessions, 2);
    EXPECT_GE(transactions.size(), 4u) << "sessions started and stopped";
    EXPECT_GT(shared, 0) << "the limit was shared below the connectors' 32 A";
    EXPECT_GT(metered, 0);
    // Every charger of the site got the fail-safe TxDefaultProfile when it booted.
    auto s = site(id);
    for (const auto& c : s["live"]["chargers"].GetArray()) {
        EXPECT_STREQ(c["failsafe"].GetString(), "installed") << c["chargeBoxId"].GetString();
    }
    sim->wait_exit(20s);
}

TEST_F(Sites, AChargerGoingOfflineKeepsItsLimitReservedAndTheOthersAreRebalanced) {
    const double limit = 30;
    const auto id = make_site("LMB", 2, limit);
    // Long sessions: one process per charger, so that one can vanish.
    auto a =
        std::make_unique<ChildProcess>(kBin + "/ocpp-simulator",
                                       std::vector<std::string>{"run",
                                                                "--password",
                                                                kPassword,
                                                                "--url",
                                                                "ws://127.0.0.1:" + std::to_string(port_) + "/ocpp",
                                                                "--chargers",
                                                                "2",
                                                                "--shard",
                                                                "1/2",
                                                                "--connectors",
                                                                "1",
                                                                "--id-prefix",
                                                                "LMB",
                                                                "--duration",
                                                                "60",
                                                                "--meter-interval",
                                                                "1",
                                                                "--sessions-per-hour",
                                                                "3600",
                                                                "--session-minutes",
                                                                "5,5,5",
                                                                "--seed",
                                                                "3"},
                                       base_ + ".sim.log");
    auto b =
        std::make_unique<ChildProcess>(kBin + "/ocpp-simulator",
                                       std::vector<std::string>{"run",
                                                                "--password",
                                                                kPassword,
                                                                "--url",
                                                                "ws://127.0.0.1:" + std::to_string(port_) + "/ocpp",
                                                                "--chargers",
                                                                "2",
                                                                "--shard",
                                                                "2/2",
                                                                "--connectors",
                                                                "1",
                                                                "--id-prefix",
                                                                "LMB",
                                                                "--duration",
                                                                "60",
                                                                "--meter-interval",
                                                                "1",
                                                                "--sessions-per-hour",
                                                                "3600",
                                                                "--session-minutes",
                                                                "5,5,5",
                                                                "--seed",
                                                                "4"},
                                       base_ + ".sim2.log");
    // Both charge: 15 A each.
    ASSERT_TRUE(wait_until(
        [&] {
            auto s = site(id);
            const auto& sessions = s["live"]["sessions"];
            if (sessions.Size() != 2) {
                return false;
            }
            for (const auto& x : sessions.GetArray()) {
                if (x["limitA"].IsNull() || x["limitA"].GetDouble() != 15 ||
                    std::string(x["state"].GetString()) != "ok") {
                    return false;
                }
            }
            return true;
        },
        30s))
        << api("GET", "/api/v1/sites/" + std::to_string(id)).body;
    ::kill(b->pid(), SIGKILL);
    b->wait_exit(5s);
    // The vanished charger's session is offline with its 15 A reserved; the other stays within what is left.
    ASSERT_TRUE(wait_until(
        [&] {
            auto s = site(id);
            int offline = 0;
            for (const auto& x : s["live"]["sessions"].GetArray()) {
                offline += std::string(x["state"].GetString()) == "offline";
            }
            return offline == 1;
        },
        20s))
        << api("GET", "/api/v1/sites/" + std::to_string(id)).body;
    auto s = site(id);
    EXPECT_LE(s["live"]["limitsSumA"].GetDouble(), limit);
    for (const auto& c : s["live"]["chargers"].GetArray()) {
        if (std::string(c["chargeBoxId"].GetString()) == "LMB000002") {
            EXPECT_FALSE(c["online"].GetBool());
        }
    }
    std::remove((base_ + ".sim2.log").c_str());
}

} // namespace

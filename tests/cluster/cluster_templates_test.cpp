// A charging-profile template applied through one node over more chargers of the other nodes than the forwarder
// lets wait (cluster::Forwarder::kMaxQueue, beside its threads): the node relays the per-charger commands a bounded
// number at a time (api::RelayPacer), so every charger gets the profile and the clear reaches every one again, where
// sending them all at once answered the overflow 503 and left those chargers "failed". A node killed (SIGKILL) while
// the relays go out leaves each of its chargers with a status and a reason, and the answer comes at once.
#include <signal.h>

#include "centralsystem/cluster/forwarder.hpp"
#include "tests/cluster/cluster_fixture.hpp"

namespace {

class ClusterTemplates : public Cluster {
protected:
    static constexpr int kChargers = 1000;

    // Runs kChargers simulated chargers through HAProxy and makes a ChargePointMaxProfile template; `held` gets who
    // holds each charger, `list` the JSON strings of those node 2 and node 3 hold, `elsewhere` how many they are.
    void bring_up() {
        add_chargers("TL", kChargers);
        simulate("TL", kChargers, 300, 0);
        ASSERT_TRUE(wait_until(
            [&] { return connected(nodes_[0]) + connected(nodes_[1]) + connected(nodes_[2]) == kChargers; }, 60s))
            << connected(nodes_[0]) << " + " << connected(nodes_[1]) << " + " << connected(nodes_[2]) << " connected";
        ASSERT_TRUE(wait_until([&] { return (held = owners()).size() == kChargers; }, 20s)) << held.size() << " owned";
        for (const auto& [id, node] : held) {
            if (node != nodes_[0].name) {
                list += (list.empty() ? "\"" : ",\"") + id + "\"";
                ++elsewhere;
            }
        }
        ASSERT_GT(elsewhere, cs::cluster::Forwarder::kMaxQueue + cs::cluster::Forwarder::kThreads)
            << "more relays than the forwarder holds at once";
        // Node 1 learns which chargers the others hold at its lease renewals: one has passed after this.
        std::this_thread::sleep_for(3500ms);
        const auto made = api(nodes_[0], "POST", "/api/v1/profile-templates",
                              R"({"name":"Max 20 A","profile":{"stackLevel":2,"chargingProfilePurpose":)"
                              R"("ChargePointMaxProfile","chargingProfileKind":"Absolute","chargingSchedule":)"
                              R"({"chargingRateUnit":"A","chargingSchedulePeriod":[{"startPeriod":0,"limit":20}]}}})");
        ASSERT_EQ(made.status, 201) << made.body;
        tmpl = "/api/v1/profile-templates/" + std::to_string(parse_json(made.body)["template"]["id"].GetInt64());
    }
    // POST tmpl + step over `list` through node 1, waiting up to two minutes; how long it took in `took_ms`.
    HttpReply send(const std::string& step, long long& took_ms) {
        const std::string body =
            step == "/apply" ? R"({"chargers":[)" + list + R"(],"connectorId":0})" : R"({"chargers":[)" + list + "]}";
        const auto started = std::chrono::steady_clock::now();
        auto r = ocppkit::test::http(nodes_[0].port, "POST", tmpl + step, body, {"Authorization: Bearer " + kToken},
                                     120000ms);
        took_ms = static_cast<long long>(
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count());
        std::fprintf(stderr, "%s over %zu chargers of other nodes: %lld ms\n", step.c_str(), elsewhere, took_ms);
        return r;
    }

    std::map<std::string, std::string> held;
    std::string list, tmpl;
    std::size_t elsewhere = 0;
};

// "status: count" for every status of an apply's or clear's answer, and the first error seen.
std::string tally(const rapidjson::Document& d, int& accepted) {
    std::map<std::string, int> by_status;
    std::string first_error;
    accepted = 0;
    if (!d.IsObject() || !d.HasMember("results")) {
        return "no results";
    }
    for (const auto& r : d["results"].GetArray()) {
        const std::string status = r["status"].GetString();
        ++by_status[status];
        accepted += status == "Accepted" ? 1 : 0;
        if (first_error.empty() && r.HasMember("error") && r["error"].IsString()) {
            first_error = r["error"].GetString();
        }
    }
    std::string out;
    for (const auto& [status, n] : by_status) {
        out += status + ": " + std::to_string(n) + "; ";
    }
    return out + "first error: " + first_error;
}

TEST_F(ClusterTemplates, ATemplateOverMoreChargersOfOtherNodesThanTheForwarderQueuesReachesEveryOne) {
    bring_up();
    if (HasFatalFailure()) {
        return;
    }
    for (const char* step : {"/apply", "/clear"}) {
        long long took = 0;
        const auto r = send(step, took);
        ASSERT_EQ(r.status, 200) << step << ": " << r.body.substr(0, 2000);
        int accepted = 0;
        const std::string seen = tally(parse_json(r.body), accepted);
        EXPECT_EQ(accepted, static_cast<int>(elsewhere)) << step << ": " << seen;
    }
}

TEST_F(ClusterTemplates, ANodeKilledWhileItsChargersAreRelayedToLeavesEachAStatusAndTheOthersAccept) {
    bring_up();
    if (HasFatalFailure()) {
        return;
    }
    std::thread killer([&] {
        std::this_thread::sleep_for(50ms);
        ::kill(nodes_[2].process->pid(), SIGKILL);
    });
    long long took = 0;
    const auto r = send("/apply", took);
    killer.join();
    ASSERT_EQ(r.status, 200) << r.body.substr(0, 2000);
    EXPECT_LT(took, 20000) << "the dead node's chargers are answered for at once, not after a timeout each";
    const auto d = parse_json(r.body);
    ASSERT_TRUE(d.IsObject() && d.HasMember("results")) << r.body.substr(0, 2000);
    int accepted = 0;
    const std::string seen = tally(d, accepted);
    std::size_t answered = 0, of_dead_not_accepted = 0;
    for (const auto& o : d["results"].GetArray()) {
        const std::string id = o["chargeBoxId"].GetString(), status = o["status"].GetString();
        const std::string error = o["error"].IsString() ? o["error"].GetString() : "";
        ++answered;
        if (held[id] == nodes_[1].name) {
            EXPECT_EQ(status, "Accepted") << id << " of the live node 2: " << error;
            continue;
        }
        // Node 3's: accepted before it died (or at the node it moved to), else why not.
        if (status != "Accepted") {
            ++of_dead_not_accepted;
            EXPECT_TRUE(status == "failed" || status == "not connected") << id << ": " << status;
            EXPECT_FALSE(error.empty()) << id << ": " << status << " without a reason";
        }
    }
    EXPECT_EQ(answered, elsewhere) << "one outcome per charger";
    std::fprintf(stderr, "with node 3 killed: %s (%zu of node 3's not accepted)\n", seen.c_str(), of_dead_not_accepted);
}

} // namespace

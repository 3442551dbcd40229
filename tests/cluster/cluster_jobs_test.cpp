// Work over many chargers in a real cluster (cluster_fixture.hpp): a firmware roll-out and a password rotation
// started through one node reach the chargers every node holds, every node's API reports the same outcome per
// charger, a roll-out's concurrency holds across the nodes, an id-tag edit, a reservation and a charging-profile
// template reach every node's chargers too, and a node killed (SIGKILL) while its chargers are awaited
// with their new keys does not lose them: they come back at the other nodes, finish there (one that lost its key is
// taken up and awaited with the key it was sent), and none is sent a key twice.
#include "tests/centralsystem/security_charger.hpp"
#include "tests/cluster/cluster_fixture.hpp"

namespace {

using OnKey = SecurityCharger::OnKey;

// The per-charger part of a job as one node's API shows it: "ID=outcome" lines in ID order.
std::string outcomes_of(const rapidjson::Document& job, const char* list, const char* field) {
    std::map<std::string, std::string> by_id;
    if (!job.IsObject()) {
        return "no answer";
    }
    const rapidjson::Value& holder = job.HasMember("rollout") ? job["rollout"] : job;
    if (!holder.HasMember(list)) {
        return "no " + std::string(list);
    }
    for (const auto& c : holder[list].GetArray()) {
        by_id[c["chargeBoxId"].GetString()] = c[field].GetString();
    }
    std::string out;
    for (const auto& [id, value] : by_id) {
        out += id + "=" + value + "\n";
    }
    return out;
}

TEST_F(Cluster, AFirmwareRolloutThroughOneNodeReachesEveryNodesChargersAndReadsTheSameEverywhere) {
    constexpr int kChargers = 24;
    constexpr int kConcurrency = 5;
    add_chargers("FW", kChargers);
    simulate("FW", kChargers, 120, 0);
    ASSERT_TRUE(wait_until(
        [&] { return connected(nodes_[0]) + connected(nodes_[1]) + connected(nodes_[2]) == kChargers; }, 20s));
    std::map<std::string, std::string> held;
    ASSERT_TRUE(wait_until([&] { return (held = owners()).size() == kChargers; }, 10s));
    std::set<std::string> holders;
    for (const auto& [id, node] : held) {
        holders.insert(node);
    }
    ASSERT_EQ(holders.size(), 3u) << "consistent hashing gave every node some of the chargers";

    const auto file = api(nodes_[0], "POST", "/api/v1/rollouts/files?name=fw-2.0.0.bin", "version=2.0.0\nnew\n");
    ASSERT_EQ(file.status, 201) << file.body;
    std::string list;
    for (const auto& [id, node] : held) {
        list += (list.empty() ? "\"" : ",\"") + id + "\"";
    }
    const auto created =
        api(nodes_[0], "POST", "/api/v1/rollouts",
            R"({"fileId":)" + std::to_string(parse_json(file.body)["file"]["id"].GetInt64()) + R"(,"chargers":[)" +
                list + R"(],"concurrency":)" + std::to_string(kConcurrency) + "}");
    ASSERT_EQ(created.status, 201) << created.body;
    const std::string path = "/api/v1/rollouts/" + std::to_string(parse_json(created.body)["rollout"]["id"].GetInt64());

    // Asked of each node in turn: never more in progress than the job's concurrency, all nodes' chargers together;
    // every charger installs, also those of node2 and node3, which never took the request.
    int most_active = 0, installed = 0, asked = 0;
    ASSERT_TRUE(wait_until(
        [&] {
            const auto job = parse_json(api(nodes_[asked++ % 3], "GET", path).body);
            if (!job.IsObject() || !job.HasMember("rollout")) {
                return false;
            }
            const auto& counts = job["rollout"]["counts"];
            auto count = [&](const char* s) { return counts.HasMember(s) ? counts[s].GetInt() : 0; };
            most_active =
                std::max(most_active, count("sent") + count("Downloading") + count("Downloaded") + count("Installing"));
            installed = count("Installed");
            return installed == kChargers;
        },
        120s, 100ms))
        << installed << " installed: " << api(nodes_[0], "GET", path).body;
    EXPECT_LE(most_active, kConcurrency) << "the job's concurrency holds across the nodes";
    const std::string first = outcomes_of(parse_json(api(nodes_[0], "GET", path).body), "chargers", "status");
    EXPECT_EQ(first.find("=Installed\n") != std::string::npos, true) << first;
    for (auto& n : nodes_) {
        EXPECT_EQ(outcomes_of(parse_json(api(n, "GET", path).body), "chargers", "status"), first) << n.name;
    }
}

TEST_F(Cluster, APasswordRotationThroughOneNodeReachesEveryNodeAndOutlivesAKilledNodeSendingNoKeyTwice) {
    constexpr int kPerNode = 3;
    std::vector<std::unique_ptr<SecurityCharger>> chargers;
    std::vector<int> node_of;
    std::vector<std::string> ids;
    std::string list;
    for (int n = 0; n < 3; ++n) {
        for (int i = 1; i <= kPerNode; ++i) {
            const std::string id = "ROT" + std::to_string(n + 1) + "-" + std::to_string(i);
            const std::string password = "old-password-" + id;
            const auto made = api(nodes_[0], "POST", "/api/v1/chargers",
                                  R"({"chargeBoxId":")" + id + R"(","password":")" + password + R"("})");
            ASSERT_EQ(made.status, 201) << made.body;
            SecurityCharger::Setup s;
            s.id = id;
            s.password = password;
            s.port = nodes_[n].port;
            chargers.push_back(std::make_unique<SecurityCharger>(s));
            node_of.push_back(n);
            ids.push_back(id);
            list += (list.empty() ? "\"" : ",\"") + id + "\"";
        }
    }
    for (std::size_t i = 0; i < chargers.size(); ++i) {
        // Node 3's chargers take their key but stay connected: they are awaited with it when node 3 dies. The last
        // one loses its key and comes back with its old password: the node that takes it up awaits it with the key
        // node 3 sent and never sends another; once the time is up it fails, keeping its old password.
        chargers[i]->on_key(node_of[i] != 2            ? OnKey::Reconnect
                            : i + 1 == chargers.size() ? OnKey::LoseKey
                                                       : OnKey::KeepConnection);
        chargers[i]->start();
    }
    for (auto& c : chargers) {
        ASSERT_TRUE(wait_until([&] { return c->booted(); }, 20s)) << c->last_error();
    }
    ASSERT_TRUE(wait_until([&] { return owners().size() == chargers.size(); }, 10s));

    const auto created = api(nodes_[0], "POST", "/api/v1/security-jobs",
                             R"({"kind":"passwordRotation","chargers":[)" + list +
                                 R"(],"concurrency":4,"maxAttempts":3,"retrySeconds":1,"confirmSeconds":15})");
    ASSERT_EQ(created.status, 201) << created.body;
    const std::string path = "/api/v1/security-jobs/" + std::to_string(parse_json(created.body)["id"].GetInt64());
    // A second job over one of them is refused by any node: it takes part in this one.
    const auto twice =
        api(nodes_[1], "POST", "/api/v1/security-jobs", R"({"kind":"passwordRotation","chargers":["ROT3-1"]})");
    EXPECT_EQ(twice.status, 409) << twice.body;

    // Nodes 1 and 2 confirm their chargers; node 3 sent its chargers their keys and awaits them.
    std::string seen;
    ASSERT_TRUE(wait_until(
        [&] {
            seen = outcomes_of(parse_json(api(nodes_[1], "GET", path).body), "chargers", "outcome");
            for (std::size_t i = 0; i < ids.size(); ++i) {
                if (seen.find(ids[i] + (node_of[i] == 2 ? "=sent\n" : "=confirmed\n")) == std::string::npos) {
                    return false;
                }
            }
            return true;
        },
        30s))
        << seen;
    for (auto& c : chargers) {
        EXPECT_EQ(c->calls("ChangeConfiguration"), 1);
    }

    // Node 3 dies; its chargers reconnect to the other two with their new keys and finish there (once the other
    // nodes' credential caches, reloaded every 2 s, hold the new keys node 3 stored).
    std::this_thread::sleep_for(2500ms);
    ::kill(nodes_[2].process->pid(), SIGKILL);
    nodes_[2].process->wait_exit(5s);
    for (std::size_t i = 0; i < chargers.size(); ++i) {
        if (node_of[i] == 2) {
            chargers[i]->move_to(nodes_[i % 2].port);
        }
    }
    ASSERT_TRUE(wait_until(
        [&] {
            const auto job = parse_json(api(nodes_[0], "GET", path).body);
            return job.IsObject() && job.HasMember("state") && std::string(job["state"].GetString()) == "done";
        },
        60s))
        << api(nodes_[0], "GET", path).body;
    const auto final_job = parse_json(api(nodes_[0], "GET", path).body);
    const std::string done = outcomes_of(final_job, "chargers", "outcome");
    const std::size_t lost = chargers.size() - 1;
    for (std::size_t i = 0; i < chargers.size(); ++i) {
        EXPECT_NE(done.find(ids[i] + (i == lost ? "=failed\n" : "=confirmed\n")), std::string::npos) << done;
        EXPECT_EQ(chargers[i]->calls("ChangeConfiguration"), 1) << ids[i] << ": one key per charger, none sent twice";
        EXPECT_EQ(chargers[i]->password().size(), i == lost ? ("old-password-" + ids[i]).size() : 40u)
            << "a 20-byte key in hex";
    }
    EXPECT_EQ(std::count(done.begin(), done.end(), '\n'), static_cast<long>(chargers.size())) << done;
    // The one that lost its key was taken up by a live node, awaited there with the key node 3 had sent, and failed
    // when the time was up: it keeps its old password.
    EXPECT_NE(outcomes_of(final_job, "chargers", "reason").find(ids[lost] + "=still connected with the old password"),
              std::string::npos)
        << outcomes_of(final_job, "chargers", "reason");
    EXPECT_EQ(outcomes_of(parse_json(api(nodes_[1], "GET", path).body), "chargers", "outcome"), done);
    // The moved chargers are in (with their new passwords, the last with its old one), held by the two live nodes.
    for (std::size_t i = 0; i < chargers.size(); ++i) {
        EXPECT_TRUE(wait_until([&] { return chargers[i]->booted(); }, 10s)) << chargers[i]->last_error();
    }
    const auto now_held = owners();
    for (const auto& [id, node] : now_held) {
        EXPECT_NE(node, "node3") << id;
    }
}

// RFC 3339 UTC, `ahead` from now.
std::string utc_in(std::chrono::seconds ahead) {
    const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() + ahead);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return text;
}

TEST_F(Cluster, AnIdTagEditAReservationAndATemplateThroughOneNodeReachTheChargersOfEveryNode) {
    constexpr int kChargers = 12;
    add_chargers("LL", kChargers);
    simulate("LL", kChargers, 90, 0);
    std::map<std::string, std::string> held;
    ASSERT_TRUE(wait_until([&] { return (held = owners()).size() == kChargers; }, 20s));
    std::map<std::string, std::string> one_per_node;
    for (const auto& [id, node] : held) {
        one_per_node.emplace(node, id);
    }
    ASSERT_EQ(one_per_node.size(), 3u) << "consistent hashing gave every node some of the chargers";
    // Every charger holds the default group's list, as the node asked says.
    auto in_sync = [&](Node& asked, std::int64_t* version) {
        const auto d = parse_json(api(asked, "GET", "/api/v1/local-lists").body);
        int n = 0;
        if (!d.IsObject() || !d.HasMember("groups")) {
            return -1;
        }
        for (const auto& g : d["groups"].GetArray()) {
            if (std::string(g["name"].GetString()) != "default") {
                continue;
            }
            *version = g["version"].GetInt64();
            for (const auto& c : g["chargers"].GetArray()) {
                n += c["inSync"].GetBool() && std::string(c["chargeBoxId"].GetString()).rfind("LL", 0) == 0 ? 1 : 0;
            }
        }
        return n;
    };
    std::int64_t before = 0, after = 0;
    ASSERT_TRUE(wait_until([&] { return in_sync(nodes_[1], &before) == kChargers; }, 20s))
        << api(nodes_[1], "GET", "/api/v1/local-lists").body;
    // A new id tag through node 1: the list's version rises and the chargers of all three nodes get it.
    ASSERT_EQ(api(nodes_[0], "POST", "/api/v1/idtags", R"({"idTag":"NEW-TAG-1","status":"Accepted"})").status / 100, 2);
    ASSERT_TRUE(wait_until([&] { return in_sync(nodes_[2], &after) == kChargers && after > before; }, 20s))
        << api(nodes_[2], "GET", "/api/v1/local-lists").body;

    // A sync of the whole group asked through node 2 syncs the chargers of every node again.
    auto synced_at = [&] {
        std::map<std::string, std::string> at;
        const auto d = parse_json(api(nodes_[0], "GET", "/api/v1/local-lists").body);
        if (d.IsObject() && d.HasMember("groups")) {
            for (const auto& g : d["groups"].GetArray()) {
                for (const auto& c : g["chargers"].GetArray()) {
                    at[c["chargeBoxId"].GetString()] = c["at"].IsString() ? c["at"].GetString() : "";
                }
            }
        }
        return at;
    };
    const auto first_sync = synced_at();
    std::this_thread::sleep_for(1100ms); // the times are to the second: a new sync shows as a later one
    const auto group_sync = api(nodes_[1], "POST", "/api/v1/local-lists/default/sync", R"({"full":true})");
    ASSERT_EQ(group_sync.status, 202) << group_sync.body;
    std::map<std::string, std::string> second_sync;
    EXPECT_TRUE(wait_until(
        [&] {
            second_sync = synced_at();
            int again = 0;
            for (const auto& [charger, at] : second_sync) {
                again += charger.rfind("LL", 0) == 0 && at > first_sync.at(charger) ? 1 : 0;
            }
            return again == kChargers;
        },
        20s))
        << api(nodes_[0], "GET", "/api/v1/local-lists").body;

    // A reservation through node 1 of node 3's charger is made by node 3, and cancelled through node 2.
    const std::string id = one_per_node["node3"];
    const auto reserved = api(nodes_[0], "POST", "/api/v1/reservations",
                              R"({"chargeBoxId":")" + id + R"(","connectorId":1,"idTag":"SIM-TAG-1","expiryDate":")" +
                                  utc_in(1h) + R"("})");
    ASSERT_EQ(reserved.status, 201) << reserved.body;
    EXPECT_EQ(reserved.header("x-ocppkit-node"), "node3");
    const auto cancelled =
        api(nodes_[1], "DELETE",
            "/api/v1/reservations/" + std::to_string(parse_json(reserved.body)["reservation"]["id"].GetInt64()));
    EXPECT_EQ(cancelled.status, 200) << cancelled.body;
    EXPECT_EQ(cancelled.header("x-ocppkit-node"), "node3");
    // What names no charger of another node is answered by the node asked: a body that is no JSON, a charger nobody
    // knows, a reservation that does not exist.
    const auto broken = api(nodes_[0], "POST", "/api/v1/reservations", "{");
    EXPECT_EQ(broken.status, 400) << broken.body;
    EXPECT_EQ(broken.header("x-ocppkit-node"), "") << "not forwarded";
    const auto unknown =
        api(nodes_[0], "POST", "/api/v1/reservations",
            R"({"chargeBoxId":"NOSUCH1","connectorId":1,"idTag":"SIM-TAG-1","expiryDate":")" + utc_in(1h) + R"("})");
    EXPECT_EQ(unknown.status, 422) << unknown.body;
    EXPECT_NE(unknown.body.find("chargeBoxId"), std::string::npos) << unknown.body;
    EXPECT_EQ(api(nodes_[1], "DELETE", "/api/v1/reservations/999999").status, 404);
    // A sync of one charger asked through another node is made by the charger's node.
    const auto synced =
        api(nodes_[0], "POST", "/api/v1/local-lists/default/sync", R"({"chargeBoxId":")" + id + R"("})");
    EXPECT_EQ(synced.status, 202) << synced.body;
    EXPECT_EQ(synced.header("x-ocppkit-node"), "node3");

    // A charging-profile template applied through node 1 reaches the chargers of every node, and is cleared again.
    const auto made = api(nodes_[0], "POST", "/api/v1/profile-templates",
                          R"({"name":"Max 16 A","profile":{"stackLevel":1,"chargingProfilePurpose":)"
                          R"("ChargePointMaxProfile","chargingProfileKind":"Absolute","chargingSchedule":)"
                          R"({"chargingRateUnit":"A","chargingSchedulePeriod":[{"startPeriod":0,"limit":16}]}}})");
    ASSERT_EQ(made.status, 201) << made.body;
    const std::string tmpl =
        "/api/v1/profile-templates/" + std::to_string(parse_json(made.body)["template"]["id"].GetInt64());
    std::string all;
    for (const auto& [charger, node] : held) {
        all += (all.empty() ? "\"" : ",\"") + charger + "\"";
    }
    for (const char* step : {"/apply", "/clear"}) {
        const auto r = api(nodes_[0], "POST", tmpl + step,
                           std::string(step) == "/apply" ? R"({"chargers":[)" + all + R"(],"connectorId":0})"
                                                         : R"({"chargers":[)" + all + "]}");
        ASSERT_EQ(r.status, 200) << step << ": " << r.body;
        const auto d = parse_json(r.body);
        int accepted = 0;
        for (const auto& c : d["results"].GetArray()) {
            accepted += std::string(c["status"].GetString()) == "Accepted" ? 1 : 0;
        }
        EXPECT_EQ(accepted, kChargers) << step << ": " << r.body;
    }
}

} // namespace

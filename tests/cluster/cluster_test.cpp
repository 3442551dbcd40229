// A real cluster: a throwaway PostgreSQL server, three ocpp-centralsystem nodes on it and HAProxy in front with the
// project's own deploy/haproxy.cfg, all started by the test; ocpp-simulator chargers connect through HAProxy. A
// remote command sent to any node's API reaches chargers the other nodes hold; after kill -9 of one node its
// chargers reconnect through HAProxy to the others, every acknowledged transaction is stored exactly once, and every
// node's dashboard and charger list give the same counts. Skipped with a message when haproxy or PostgreSQL is missing.
#include <cmath>

#include "tests/cluster/cluster_fixture.hpp"
#include "tests/cluster/site_parts.hpp"

namespace {

TEST_F(Cluster, ACommandThroughAnyNodeReachesChargersTheOtherNodesHold) {
    constexpr int kChargers = 60;
    add_chargers("CMD", kChargers);
    simulate("CMD", kChargers, 60, 60);
    ASSERT_TRUE(wait_until(
        [&] { return connected(nodes_[0]) + connected(nodes_[1]) + connected(nodes_[2]) == kChargers; }, 20s));
    // HAProxy spread them by their IDs, and every node knows which the others hold.
    std::map<std::string, std::string> held;
    ASSERT_TRUE(wait_until([&] { return (held = owners()).size() == kChargers; }, 10s));
    std::map<std::string, std::string> one_per_node;
    for (const auto& [id, node] : held) {
        one_per_node.emplace(node, id);
    }
    ASSERT_EQ(one_per_node.size(), 3u) << "consistent hashing gave every node some of the 60 chargers";
    std::string seen;
    EXPECT_TRUE(wait_until(
        [&] {
            return nodes_agree({&nodes_[0], &nodes_[1], &nodes_[2]}, kChargers, seen);
        },
        5s))
        << seen;

    for (auto& asked : nodes_) {
        for (const auto& [holder, id] : one_per_node) {
            const auto r = api(asked, "POST", "/api/v1/chargers/" + id + "/commands/GetConfiguration",
                               R"({"key":["HeartbeatInterval"]})");
            EXPECT_EQ(r.status, 200) << asked.name << " asked for " << id << " on " << holder << ": " << r.body;
            EXPECT_NE(r.body.find("HeartbeatInterval"), std::string::npos) << r.body;
            if (holder != asked.name) {
                EXPECT_EQ(r.header("x-ocppkit-node"), holder) << "forwarded to the node that holds " << id;
            }
        }
    }
    // A payload the schema refuses is a 422 naming the field, from any node.
    const auto [holder, id] = *one_per_node.begin();
    Node& other = nodes_[holder == "node1" ? 1 : 0];
    const auto bad = api(other, "POST", "/api/v1/chargers/" + id + "/commands/Reset", R"({"type":"Sideways"})");
    EXPECT_EQ(bad.status, 422) << bad.body;
    EXPECT_NE(bad.body.find("type"), std::string::npos) << bad.body;
    // A forwarded request must carry the cluster's secret; without it a node refuses it.
    const auto forged = api(other, "POST", "/api/v1/chargers/" + id + "/commands/Reset", R"({"type":"Soft"})",
                            {"X-Ocppkit-Forwarded-By: node9", "X-Ocppkit-Cluster-Secret: not-the-secret-at-all"});
    EXPECT_EQ(forged.status, 401) << forged.body;
    EXPECT_NE(forged.body.find("X-Ocppkit-Cluster-Secret"), std::string::npos) << forged.body;
    // Through HAProxy (option forwardfor) a node sees the client's own address, not HAProxy's: the refusal of an
    // unknown charger connecting from 127.0.0.7 names 127.0.0.7 and HAProxy's connection.
    {
        ocppkit::test::UpgradeOptions from_client;
        from_client.authorization = ocppkit::test::basic_auth("STRANGER1", "some-password-0123");
        from_client.source = "127.0.0.7";
        const auto refused = ocppkit::test::ws_upgrade(lb_port_, "/ocpp/STRANGER1", from_client);
        EXPECT_GE(refused.status, 400) << refused.raw;
        std::string logs;
        EXPECT_TRUE(wait_until(
            [&] {
                logs = file_text(nodes_[0].log) + file_text(nodes_[1].log) + file_text(nodes_[2].log);
                return logs.find("from 127.0.0.7 (via 127.0.0.1:") != std::string::npos;
            },
            5s))
            << tail(logs);
    }
    // Unknown on every node: 404; known but offline: 409.
    EXPECT_EQ(api(other, "POST", "/api/v1/chargers/NOSUCH1/commands/ClearCache").status, 404);
    add_chargers("OFF", 1);
    EXPECT_EQ(api(other, "POST", "/api/v1/chargers/OFF000001/commands/ClearCache").status, 409);

    // The same charger connects to node 1, then to node 2: node 2's newer epoch wins and node 1 closes its
    // connection, and every node then names node 2 as the holder.
    using namespace ocppkit::test;
    const int first = connect_raw(nodes_[0].port);
    ASSERT_GE(first, 0);
    ASSERT_TRUE(send_all(first, upgrade_request("/ocpp/OFF000001")));
    ASSERT_EQ(status_of(receive(first, "\r\n\r\n")), 101);
    ASSERT_TRUE(wait_until([&] { return owners().count("OFF000001") == 1; }, 5s));
    EXPECT_EQ(owners()["OFF000001"], "node1");
    const int second = connect_raw(nodes_[1].port);
    ASSERT_GE(second, 0);
    ASSERT_TRUE(send_all(second, upgrade_request("/ocpp/OFF000001")));
    ASSERT_EQ(status_of(receive(second, "\r\n\r\n")), 101);
    const auto frames = server_frames(receive(first, "", 8s));
    bool closed = false;
    for (const auto& [opcode, payload] : frames) {
        closed = closed || (opcode == 8 && close_code(payload) == 1000 &&
                            payload.find("connected to another node") != std::string::npos);
    }
    EXPECT_TRUE(closed) << "node 1 closed its older connection";
    EXPECT_EQ(owners()["OFF000001"], "node2");
    close_fd(first);
    close_fd(second);
}

TEST_F(Cluster, AKilledNodesChargersMoveToTheOthersAndNothingIsLostOrStoredTwice) {
    constexpr int kChargers = 300;
    add_chargers("FO", kChargers);
    add_chargers("GH", 1); // on the site too; never connects
    // All of them on one 100 A site, told to every node (a node loads its sites when it starts or saves one).
    const std::string site = cluster_test::site_body("Failover", 100, "FO", kChargers, {"GH000001"});
    const auto created = parse_json(api(nodes_[0], "POST", "/api/v1/sites", site).body);
    ASSERT_TRUE(created.IsObject() && created.HasMember("id"));
    for (int i = 1; i < 3; ++i) {
        ASSERT_EQ(api(nodes_[i], "PUT", "/api/v1/sites/" + std::to_string(created["id"].GetInt64()), site).status, 200);
    }
    simulate("FO", kChargers, 40, 360);
    ASSERT_TRUE(wait_until(
        [&] { return connected(nodes_[0]) + connected(nodes_[1]) + connected(nodes_[2]) == kChargers; }, 20s));
    // Every node lists the same three live nodes and the chargers each holds (once their ownership is stored), and
    // names itself.
    for (const auto& n : nodes_) {
        std::string self, view;
        int sum = 0;
        EXPECT_TRUE(wait_until(
            [&] {
                view = cluster_view(n, &self, &sum);
                return sum == kChargers;
            },
            5s))
            << n.name << ": " << view;
        EXPECT_EQ(self, n.name) << view;
        EXPECT_EQ(std::count(view.begin(), view.end(), ';'), 3) << view;
        EXPECT_EQ(view.find("dead"), std::string::npos) << view;
    }
    // Sessions run for a while, then the node holding the most chargers dies.
    std::this_thread::sleep_for(6s);
    Node* victim = &nodes_[0];
    for (auto& n : nodes_) {
        victim = connected(n) > connected(*victim) ? &n : victim;
    }
    const long moved = connected(*victim);
    ASSERT_GT(moved, 0);
    ::kill(victim->process->pid(), SIGKILL);
    victim->process->wait_exit(5s);
    const auto killed_at = std::chrono::steady_clock::now();
    // One more charger of the site was charging on it and stays offline (it never comes back): it may draw under
    // the dead node's limits for as long as its session is open.
    auto db = store::open_database(url_);
    ASSERT_TRUE(db) << db.error().message;
    ASSERT_TRUE((*db)->run("INSERT INTO cluster_owners(chargebox_id, node_id, epoch, connected, last_seen, limited_by) "
                           "VALUES('GH000001', ?1, 1, 0, 0, ?1)",
                           victim->name));
    ASSERT_TRUE((*db)->run("INSERT INTO transactions(chargebox_id, connector_id, id_tag, meter_start, start_ts) "
                           "VALUES('GH000001', 1, 'SIM-TAG-1', 0, '2026-01-01T00:00:00Z')"));
    std::vector<Node*> live;
    for (auto& n : nodes_) {
        if (&n != victim) {
            live.push_back(&n);
        }
    }
    // Every charger is back, held by the two other nodes.
    ASSERT_TRUE(wait_until([&] { return connected(*live[0]) + connected(*live[1]) == kChargers; }, 20s))
        << connected(*live[0]) << " + " << connected(*live[1]);
    const auto back_after = std::chrono::duration<double>(std::chrono::steady_clock::now() - killed_at).count();
    RecordProperty("failover_seconds", std::to_string(back_after));
    EXPECT_LT(back_after, 15.0) << moved << " chargers were back after " << back_after << " s";
    std::string seen;
    EXPECT_TRUE(wait_until([&] { return nodes_agree(live, kChargers, seen); }, 8s)) << seen;
    // Both survivors list the dead node as dead with none of the chargers, and agree on the rest.
    std::string view;
    EXPECT_TRUE(wait_until(
        [&] {
            int sum = 0;
            view = cluster_view(*live[0], nullptr, &sum);
            return sum == kChargers && view.find(victim->name + " dead 0;") != std::string::npos &&
                   view == cluster_view(*live[1]);
        },
        8s))
        << view << " / " << cluster_view(*live[1]);
    // The survivors keep the dead node's recorded part of the site reserved (instead of raising theirs to half the
    // limit) while the charger that stays away has its session open, and give it back once the session is closed.
    const auto part = (*db)->first([](const store::Statement& q) { return q.real(0); },
                                   "SELECT part_a FROM cluster_site_parts WHERE node_id = ?1", victim->name);
    ASSERT_TRUE(part && *part) << "the dead node recorded its part";
    char kept[96];
    std::snprintf(kept, sizeof kept, "keeping %.1f A of 1 sites reserved", **part);
    const auto last_reservation = [](const Node& n) { return cluster_test::last_reservation(file_text(n.log)); };
    const std::string site_path = "/api/v1/sites/" + std::to_string(created["id"].GetInt64());
    const auto part_of = [&](const Node& n) {
        const auto d = parse_json(api(n, "GET", site_path).body);
        return d.IsObject() && d.HasMember("live") ? d["live"]["partA"].GetDouble() : -1.0;
    };
    const double kept_part = std::floor((100 - **part) / 2 * 10 + 1e-9) / 10;
    for (Node* n : live) {
        EXPECT_TRUE(wait_until([&] { return last_reservation(*n).rfind(kept, 0) == 0; }, 10s))
            << n->name << ": " << last_reservation(*n) << " (expected: " << kept << ")";
        EXPECT_DOUBLE_EQ(part_of(*n), kept_part) << n->name << " shares what the dead node's part leaves";
    }
    ASSERT_TRUE((*db)->run("UPDATE transactions SET stop_ts = '2026-01-01T00:01:00Z', meter_stop = 0 "
                           "WHERE chargebox_id = 'GH000001'"));
    for (Node* n : live) {
        EXPECT_TRUE(wait_until([&] { return last_reservation(*n).rfind("nothing is kept reserved", 0) == 0; }, 10s))
            << n->name << ": the dead node's part is still reserved with none of its chargers' sessions open";
        EXPECT_TRUE(wait_until([&] { return part_of(*n) == 50; }, 5s)) << n->name << " shares " << part_of(*n);
    }

    ASSERT_GE(sim_->wait_exit(60s), 0);
    const auto report = parse_json(file_text(base_ + ".report.json"));
    ASSERT_TRUE(report.IsObject()) << file_text(base_ + ".sim.log");
    const auto& actions = report["actions"];
    ASSERT_TRUE(actions.HasMember("StartTransaction"));
    const auto acked_starts = actions["StartTransaction"]["ok"].GetInt64();
    const auto acked_stops = actions.HasMember("StopTransaction") ? actions["StopTransaction"]["ok"].GetInt64() : 0;
    ASSERT_GT(acked_starts, 0);
    // What each charger was told: the (charger, transaction id) of every acknowledged start and stop, from the
    // simulator's log. One line per acknowledgement, so the same id acknowledged for two sessions shows as a line
    // more than the set holds.
    std::set<std::pair<std::string, std::int64_t>> told_started, told_stopped;
    std::size_t start_lines = 0, stop_lines = 0;
    {
        std::istringstream log(file_text(base_ + ".sim.log"));
        const std::regex line(R"( (FO\d+): transaction (\d+) (acknowledged on connector \d+|stop acknowledged))");
        std::smatch m;
        for (std::string text; std::getline(log, text);) {
            if (std::regex_search(text, m, line)) {
                const bool stop = m[3].str() == "stop acknowledged";
                (stop ? told_stopped : told_started).emplace(m[1].str(), std::stoll(m[2].str()));
                ++(stop ? stop_lines : start_lines);
            }
        }
    }
    EXPECT_EQ(static_cast<std::int64_t>(start_lines), acked_starts) << "one log line per acknowledged start";
    EXPECT_EQ(static_cast<std::int64_t>(stop_lines), acked_stops);
    EXPECT_EQ(told_started.size(), start_lines) << "no transaction id was acknowledged for two sessions";
    EXPECT_EQ(told_stopped.size(), stop_lines) << "no transaction was stopped twice";
    auto rows = (*db)->all([](const store::Statement& q) { return std::make_tuple(q.text(0), q.int64(1), q.int64(2)); },
                           "SELECT chargebox_id, id, CASE WHEN meter_stop IS NULL THEN 0 ELSE 1 END FROM transactions "
                           "WHERE chargebox_id LIKE 'FO%'");
    ASSERT_TRUE(rows) << rows.error().message;
    std::set<std::pair<std::string, std::int64_t>> stored, stored_stopped;
    for (const auto& [charger, id, stopped] : *rows) {
        stored.emplace(charger, id);
        if (stopped != 0) {
            stored_stopped.emplace(charger, id);
        }
    }
    // Exactly once: every acknowledged start is stored under the id its charger was told, and every acknowledged
    // stop is recorded on it; a start the killed node committed but never answered is stored once too (the
    // simulator's replay finds it), at most one per moved charger.
    std::vector<std::pair<std::string, std::int64_t>> lost, unstopped, unanswered;
    std::set_difference(told_started.begin(), told_started.end(), stored.begin(), stored.end(),
                        std::back_inserter(lost));
    std::set_difference(told_stopped.begin(), told_stopped.end(), stored_stopped.begin(), stored_stopped.end(),
                        std::back_inserter(unstopped));
    std::set_difference(stored.begin(), stored.end(), told_started.begin(), told_started.end(),
                        std::back_inserter(unanswered));
    EXPECT_TRUE(lost.empty()) << lost.size() << " acknowledged starts are not stored, e.g. " << lost.front().first
                              << " transaction " << lost.front().second;
    EXPECT_TRUE(unstopped.empty()) << unstopped.size() << " acknowledged stops are not recorded, e.g. "
                                   << unstopped.front().first << " transaction " << unstopped.front().second;
    EXPECT_EQ(rows->size(), stored.size()) << "one row per (charger, transaction id)";
    EXPECT_LE(static_cast<long>(unanswered.size()), moved) << "at most one unanswered start per moved charger";
    auto twice = (*db)->first([](const store::Statement& q) { return q.int64(0); },
                              "SELECT count(*) FROM (SELECT 1 FROM transactions WHERE chargebox_id LIKE 'FO%' GROUP BY "
                              "chargebox_id, connector_id, start_ts HAVING count(*) > 1) AS d");
    ASSERT_TRUE(twice && *twice);
    EXPECT_EQ(**twice, 0) << "no session stored twice";
}

} // namespace

#pragma once
// The cluster the cluster tests run against: a throwaway PostgreSQL server, three ocpp-centralsystem nodes on it
// (node1..node3, plain HTTP/WebSocket each on its own port) and HAProxy in front with the project's own
// deploy/haproxy.cfg, all started by the fixture; helpers to add chargers straight into the shared database, run
// ocpp-simulator chargers through HAProxy, ask a node's API, and read who holds which charger. Skips with a message
// when haproxy or PostgreSQL is missing.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iterator>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <thread>
#include <tuple>

#include <gtest/gtest.h>

#include "store/database.hpp"
#include "store/testing/postgres_server.hpp"
#include "tests/centralsystem/cs_binary.hpp"
#include "tests/support/raw_ws.hpp"

namespace {

using namespace cs::test;
namespace fs = std::filesystem;

const std::string kSecret = "cluster-secret-0123456789";

// The haproxy program on PATH, or "".
std::string find_haproxy() {
    for (const char* dir : {"/usr/sbin", "/usr/local/sbin", "/usr/bin", "/usr/local/bin"}) {
        if (fs::exists(fs::path(dir) / "haproxy")) {
            return (fs::path(dir) / "haproxy").string();
        }
    }
    return "";
}

struct Node {
    std::string name;
    std::uint16_t port = 0;
    std::string log;
    std::unique_ptr<ChildProcess> process;
};

class Cluster : public ::testing::Test {
protected:
    void SetUp() override {
        haproxy_ = find_haproxy();
        if (haproxy_.empty()) {
            GTEST_SKIP() << "haproxy is not installed (scripts/setup.sh installs the Debian package haproxy)";
        }
        if (!testsupport::PostgresServer::installed()) {
            GTEST_SKIP() << "PostgreSQL is not installed (scripts/setup.sh installs the Debian package postgresql)";
        }
        base_ = "/tmp/cs-cluster-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name();
        auto started = pg_.start();
        ASSERT_TRUE(started) << started.error().message;
        auto url = pg_.create_database("ocppkit");
        ASSERT_TRUE(url) << url.error().message;
        url_ = *url;
        for (int i = 0; i < 3; ++i) {
            nodes_[i].name = "node" + std::to_string(i + 1);
            start(nodes_[i]);
        }
        for (auto& n : nodes_) {
            ASSERT_TRUE(wait_until([&] { return ocppkit::test::http(n.port, "GET", "/healthz").status == 200; }, 20s))
                << file_text(n.log);
        }
        lb_port_ = free_port();
        lb_ = std::make_unique<ChildProcess>(
            haproxy_,
            std::vector<std::string>{"-db", "-f", std::string(ocppkit::test::source_dir()) + "/deploy/haproxy.cfg"},
            base_ + ".haproxy.log",
            std::vector<std::string>{"OCPPKIT_LB_BIND=127.0.0.1:" + std::to_string(lb_port_),
                                     "OCPPKIT_NODE1=127.0.0.1:" + std::to_string(nodes_[0].port),
                                     "OCPPKIT_NODE2=127.0.0.1:" + std::to_string(nodes_[1].port),
                                     "OCPPKIT_NODE3=127.0.0.1:" + std::to_string(nodes_[2].port)});
        ASSERT_TRUE(wait_until([&] { return ocppkit::test::http(lb_port_, "GET", "/healthz").status == 200; }, 10s))
            << file_text(base_ + ".haproxy.log");
        ASSERT_EQ(api(nodes_[0], "POST", "/api/v1/idtags", R"({"idTag":"SIM-TAG-1","status":"Accepted"})").status / 100,
                  2);
    }
    void TearDown() override {
        sim_.reset();
        lb_.reset();
        for (auto& n : nodes_) {
            n.process.reset();
        }
        if (HasFailure()) {
            for (auto& n : nodes_) {
                std::fprintf(stderr, "--- %s ---\n%s\n", n.name.c_str(), tail(file_text(n.log)).c_str());
            }
            std::fprintf(stderr, "--- haproxy ---\n%s\n", tail(file_text(base_ + ".haproxy.log")).c_str());
            std::fprintf(stderr, "--- simulator ---\n%s\n", tail(file_text(base_ + ".sim.log")).c_str());
        }
        for (const char* suffix :
             {".node1.log", ".node2.log", ".node3.log", ".haproxy.log", ".sim.log", ".report.json"}) {
            std::remove((base_ + suffix).c_str());
        }
    }
    static std::string tail(const std::string& text) {
        return text.size() > 6000 ? text.substr(text.size() - 6000) : text;
    }
    void start(Node& n) {
        n.port = free_port();
        n.log = base_ + "." + n.name + ".log";
        n.process = std::make_unique<ChildProcess>(
            kBin + "/ocpp-centralsystem",
            std::vector<std::string>{"--listen", "127.0.0.1:" + std::to_string(n.port), "--db", url_, "--api-token",
                                     kToken, "--heartbeat-interval", "30", "--node-id", n.name, "--node-lease", "3",
                                     "--trusted-proxy", "127.0.0.1/32"},
            n.log, std::vector<std::string>{"OCPPKIT_CLUSTER_SECRET=" + kSecret});
    }
    HttpReply api(const Node& n, const std::string& method, const std::string& target, const std::string& body = "",
                  std::vector<std::string> headers = {}) {
        headers.push_back("Authorization: Bearer " + kToken);
        return ocppkit::test::http(n.port, method, target, body, headers, 15000ms);
    }
    // N operational chargers without a password, straight into the shared database (the nodes reload their
    // credentials every 2 s).
    void add_chargers(const std::string& prefix, int n) {
        auto db = store::open_database(url_);
        ASSERT_TRUE(db) << db.error().message;
        ASSERT_TRUE((*db)->begin());
        for (int i = 1; i <= n; ++i) {
            char id[32];
            std::snprintf(id, sizeof id, "%s%06d", prefix.c_str(), i);
            ASSERT_TRUE((*db)->run("INSERT INTO chargers(chargebox_id, password_hash, status, created_at) "
                                   "VALUES(?1, '', 'operational', '2026-01-01T00:00:00Z')",
                                   std::string(id)));
            for (int connector = 1; connector <= 2; ++connector) {
                ASSERT_TRUE(
                    (*db)->run("INSERT INTO charge_points(chargebox_id, connector_id, evse_id) VALUES(?1, ?2, ?3)",
                               std::string(id), connector, std::string(id) + "*" + std::to_string(connector)));
            }
        }
        ASSERT_TRUE((*db)->commit());
        std::this_thread::sleep_for(2500ms);
    }
    void simulate(const std::string& prefix, int n, int seconds, int sessions_per_hour) {
        sim_ = std::make_unique<ChildProcess>(
            kBin + "/ocpp-simulator",
            std::vector<std::string>{"run",
                                     "--url",
                                     "ws://127.0.0.1:" + std::to_string(lb_port_) + "/ocpp",
                                     "--chargers",
                                     std::to_string(n),
                                     "--connectors",
                                     "2",
                                     "--id-prefix",
                                     prefix,
                                     "--duration",
                                     std::to_string(seconds),
                                     "--heartbeat-interval",
                                     "30",
                                     "--meter-interval",
                                     "5",
                                     "--sessions-per-hour",
                                     std::to_string(sessions_per_hour),
                                     "--session-minutes",
                                     "0.03,0.05,0.08",
                                     "--ramp",
                                     "500",
                                     "--threads",
                                     "1",
                                     "--seed",
                                     "18",
                                     "--report",
                                     base_ + ".report.json",
                                     "--log-level",
                                     "debug"},
            base_ + ".sim.log");
    }
    // The chargers each node holds (its /healthz).
    long connected(const Node& n) {
        const auto r = ocppkit::test::http(n.port, "GET", "/healthz");
        const auto d = parse_json(r.body);
        return r.status == 200 && d.IsObject() ? d["chargersConnected"].GetInt64() : -1;
    }
    // Which node holds each charger, as the database says.
    std::map<std::string, std::string> owners() {
        std::map<std::string, std::string> out;
        auto db = store::open_database(url_);
        EXPECT_TRUE(db) << db.error().message;
        if (!db) {
            return out;
        }
        auto rows = (*db)->all([](const store::Statement& q) { return std::make_pair(q.text(0), q.text(1)); },
                               "SELECT chargebox_id, node_id FROM cluster_owners WHERE connected = 1");
        EXPECT_TRUE(rows);
        for (auto& [id, node] : *rows) {
            out[id] = node;
        }
        return out;
    }
    // What a node's dashboard and charger list say: connectors online (available or occupied: which of the two
    // changes with every session) and offline (not available or inoperative), and chargers the list shows connected.
    std::string counts(const Node& n) {
        const auto d = parse_json(api(n, "GET", "/api/v1/dashboard").body);
        const auto l = parse_json(api(n, "GET", "/api/v1/chargers").body);
        if (!d.IsObject() || !l.IsObject()) {
            return "no answer";
        }
        int online = 0;
        for (const auto& c : l["chargers"].GetArray()) {
            online += c.HasMember("connected") && c["connected"].IsBool() && c["connected"].GetBool() ? 1 : 0;
        }
        const auto& cp = d["chargePoints"];
        return "connectors online " + std::to_string(cp["available"].GetInt() + cp["occupied"].GetInt()) +
               ", offline " + std::to_string(cp["notAvailable"].GetInt() + cp["inoperative"].GetInt()) +
               ", chargers online " + std::to_string(online);
    }
    // Whether every node still running gives the same counts, with `online` chargers online.
    bool nodes_agree(const std::vector<Node*>& live, int online, std::string& seen) {
        seen.clear();
        std::string first;
        bool same = true;
        for (Node* n : live) {
            const std::string c = counts(*n);
            seen += n->name + ": " + c + "; ";
            same = same && (first.empty() || c == first) &&
                   c.find("chargers online " + std::to_string(online)) != std::string::npos;
            first = first.empty() ? c : first;
        }
        return same;
    }

    // GET /api/v1/cluster of one node as "id live|dead chargers; ..." by id; `self` is the id the node says is its own
    // (empty when none is, or twice).
    std::string cluster_view(const Node& n, std::string* self = nullptr, int* charger_sum = nullptr) {
        const auto d = parse_json(api(n, "GET", "/api/v1/cluster").body);
        if (!d.IsObject() || !d.HasMember("nodes") || !d["clustered"].IsTrue()) {
            return "no cluster view";
        }
        std::map<std::string, std::string> rows;
        std::string own;
        int selves = 0, sum = 0;
        for (const auto& node : d["nodes"].GetArray()) {
            const std::string id = node["id"].GetString();
            rows[id] =
                std::string(node["live"].GetBool() ? "live " : "dead ") + std::to_string(node["chargers"].GetInt());
            sum += node["chargers"].GetInt();
            if (node["self"].GetBool()) {
                own = id;
                ++selves;
            }
        }
        if (self) {
            *self = selves == 1 && own == d["node"].GetString() ? own : std::string();
        }
        if (charger_sum) {
            *charger_sum = sum;
        }
        std::string out;
        for (const auto& [id, row] : rows) {
            out += id + " " + row + "; ";
        }
        return out;
    }

    testsupport::PostgresServer pg_;
    std::string haproxy_, base_, url_;
    Node nodes_[3];
    std::uint16_t lb_port_ = 0;
    std::unique_ptr<ChildProcess> lb_, sim_;
};

} // namespace
